"""Shared paths and helpers for the tests; paths come from the project root."""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "source" / "upstream" / "image-recognition.zh.txt"
# The seed page alone, scraped: the small site the site tests build (make seed-data).
SEED_DATA = FIXTURES / "seed-data.json"
# The three pages that came as samples before the family, read where the family keeps them.
SAMPLES = ROOT / "source" / "upstream"
SAMPLE_PAGES = tuple(SAMPLES / name for name in ("apig.zh.md", "modelarts.zh.md", "modelarts.en.html"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))



import pytest  # noqa: E402  (after the sys.path set-up above)
from hypothesis import settings  # noqa: E402

from tests.two_services import two_site, two_site_url  # noqa: E402,F401 (fixtures of every test module)

# Property and fuzz tests: `ci` (make test) keeps Hypothesis's 100 examples a test, or what a
# test sets; `fuzz` (HYPOTHESIS_PROFILE=fuzz, make fuzz) runs a hundred times as many.
settings.register_profile("ci", deadline=None)
settings.register_profile("fuzz", deadline=None, max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
BASE_PATH = "/repo/"
SETUP_SCRIPT = "scripts/ensure-test-tools"

# What a test needs from the machine, known by the fixture it uses: (fixture, marker, the
# tool, whether it is there). tests/test_tooling.py holds the marks to these.
NEEDS = (
    ("browser", "browser", f"Chromium ({CHROMIUM})", lambda: os.access(CHROMIUM, os.X_OK)),
    ("vnu_errors", "slow", "Java (java on PATH)", lambda: shutil.which("java") is not None),
)


def missing_tools(fixture_sets, needs=NEEDS):
    """The tools that the tests with these fixtures need and the machine lacks, in NEEDS order."""
    used = set().union(*fixture_sets)
    return [tool for fixture, _, tool, present in needs if fixture in used and not present()]


@pytest.hookimpl(tryfirst=True)  # before -m reads the marks
def pytest_collection_modifyitems(items):
    """Mark tests by what they need from the machine."""
    for item in items:
        for fixture, marker, _, _ in NEEDS:
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


def pytest_collection_finish(session):
    """Stop at once, in one line, if the machine lacks what the selected tests need.

    A missing browser fails the run rather than skipping its tests, on CI as anywhere: a run
    that skipped them would pass without having tested the site in a browser.
    """
    missing = missing_tools(getattr(item, "fixturenames", ()) for item in session.items)
    if missing:
        raise pytest.UsageError(f"missing {' and '.join(missing)}: run `{SETUP_SCRIPT}` (as root, or with "
                                f"sudo) to install what the tests need, or `make check` for the tests that "
                                f"need neither")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The seed site, built once per test session into a temporary folder."""
    from dataclasses import replace

    from errdex.site import SiteInputs, SiteSettings, build_site
    out = tmp_path_factory.mktemp("seed-site") / "site"
    # The repository's notes, retired codes and redirects; the registry is read, never written.
    inputs = replace(SiteInputs.repository(), registry_file=None)
    build_site(SEED_DATA, out,
               SiteSettings.from_options("https://example.test/repo/", BASE_PATH), inputs=inputs)
    return out


@pytest.fixture(scope="session")
def site_url(built_site):
    """The seed site served on 127.0.0.1 under /repo/, like a GitHub Pages project site."""
    from errdex.serve import serve_in_background
    server, url = serve_in_background(built_site, BASE_PATH)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (playwright install cannot download here)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
