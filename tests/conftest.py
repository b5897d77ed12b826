"""Shared paths and helpers for the tests; paths come from the project root."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "source" / "upstream" / "image-recognition.zh.txt"
# The seed page alone, scraped: the small site the site tests build (make seed-data).
SEED_DATA = FIXTURES / "seed-data.json"
SAMPLES = FIXTURES / "upstream-samples"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402  (after the sys.path set-up above)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
BASE_PATH = "/repo/"


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
