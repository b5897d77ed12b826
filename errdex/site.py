"""The build: gather and check the inputs, render into a staging folder, then publish.

A failed build leaves the previous site/ as it was: nothing is written into the output
folder itself; the new site is rendered beside it (schedule), warnings and the URL
registry are checked, and only then is it swapped into place (publish).
"""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import lifecycle, urls
from .errors import check_strict, report_warnings
from .gather import gather
from .i18n import missing_warnings
from .languages import LANGUAGES
from .notes import NOTES_DIR
from .api import api_paths, coverage_report
from .output import shared_files
from .pipeline import DATA_FILE, ROOT, TreeWriter
from .publish import publish
from .reuse import inputs_digest, previous_build, write_manifest
from .schedule import Job, render_site

SITE_DIR = ROOT / "site"
COMPLETE_SERVICES_FILE = ROOT / "source" / "complete-services.txt"


@dataclass(frozen=True)
class SiteSettings:
    """What a build needs besides the data: where the site lives on the web."""

    site_url: str = ""
    base_path: str = "/"

    @staticmethod
    def from_options(site_url, base_path=None):
        """Derive the base path from --base-path, else from the site URL's path, else '/'."""
        site_url = (site_url or "").strip()
        if site_url and not site_url.endswith("/"):
            site_url += "/"
        if base_path is None:
            base_path = urlsplit(site_url).path if site_url else "/"
        base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        return SiteSettings(site_url=site_url, base_path=base_path)


@dataclass(frozen=True)
class SiteInputs:
    """The repository's files besides the dataset: notes, retired codes, redirects, registry.

    `repository()` names the committed ones; tests and other datasets pass their own (or none).
    """

    notes_dir: Path | None = None
    retired_file: Path | None = None
    redirects_file: Path | None = None
    registry_file: Path | None = None
    content_locale_dir: Path | None = None
    complete_services_file: Path | None = None  # services whose every text must be translated

    @staticmethod
    def repository():
        return SiteInputs(NOTES_DIR, lifecycle.RETIRED_FILE, lifecycle.REDIRECTS_FILE, lifecycle.REGISTRY_FILE,
                          complete_services_file=COMPLETE_SERVICES_FILE)


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    warnings: tuple
    seconds: float
    published: frozenset = frozenset()  # the URLs the site must keep: those of the registry, and its own
    coverage: tuple = ()  # one line per language and service (services.coverage_lines)


@dataclass(frozen=True)
class SiteOutcome:
    """What a filled staging folder holds: its pages and files, the build's warnings, and
    every URL published so far."""

    pages: int
    files: int
    warnings: tuple
    published: frozenset
    keys: dict  # {file: reuse key} of the pages, search index and API files, for the next build
    coverage: tuple = ()


def build_command(args):
    """`build.py build`: build the site and print one summary line."""
    settings = SiteSettings.from_options(args.site_url, args.base_path)
    data = Path(args.data) if args.data else DATA_FILE
    out = Path(args.out) if args.out else SITE_DIR
    inputs = SiteInputs.repository() if not args.data else SiteInputs()
    result = build_site(data, out, settings, strict=args.strict, warn=report_warnings, inputs=inputs)
    print(f"built {out}: {result.pages} pages, {result.files} files, {len(result.warnings)} warning(s), "
          f"{result.seconds:.2f} s")
    if result.coverage:
        print("\n".join(result.coverage))
    if inputs.registry_file is not None:
        line = lifecycle.registry_step(result.published, args.record_urls, inputs.registry_file)
        if line:
            print(line)
    return 0


def build_site(data, out, settings, strict=False, warn=None, inputs=None, workers=None):
    """Gather and check the inputs, render into a staging folder, then replace `out`.

    `warn(warnings, strict)` is told the warnings before the site is published (and may
    raise to stop it); without it, `strict` alone makes any warning a StrictFailure.
    """
    started = time.perf_counter()
    out, inputs = Path(out).resolve(), inputs or SiteInputs()
    content = gather(data, inputs)
    digest = inputs_digest(settings, inputs.content_locale_dir)

    def fill(staging):
        job = Job(content, settings, inputs.content_locale_dir, staging, previous_build(out, digest))
        return write_site(job, inputs, strict, warn, workers)

    outcome = publish(out, fill, swapped=lambda outcome: write_manifest(out, digest, outcome.keys))
    return BuildResult(outcome.pages, outcome.files, outcome.warnings, time.perf_counter() - started,
                       outcome.published, outcome.coverage)


def write_site(job, inputs, strict, warn, workers):
    """Fill the staging folder; check the warnings and the registry before it is published."""
    rendered = render_site(job, workers)
    results = rendered.results
    warnings = list(job.content.warnings) + translation_warnings(results)
    (warn or check_strict)(warnings, strict)
    pages = [page for result in results for page in result.pages]
    listed = [path for result in results for path in result.pages if path not in result.unlisted]
    writer, files = TreeWriter(job.staging), 0
    for path, text in shared_files(job.settings, listed):
        writer.write(path, text)
        files += 1
    api = api_paths(job.content)
    published = frozenset(pages + api)
    before = frozenset(lifecycle.read_registry(inputs.registry_file)) if inputs.registry_file else frozenset()
    lifecycle.check_registry(before, published, inputs.registry_file)
    keys = {urls.output_file(path): key for result in results for path, key in zip(result.pages, result.keys)}
    keys.update(rendered.files)
    return SiteOutcome(pages=len(pages) + 2, files=len(pages) + files + len(api), warnings=tuple(warnings),
                       published=published | before, keys=keys,
                       coverage=tuple(coverage_report(job.content, inputs.content_locale_dir)))


def translation_warnings(results):
    """One warning per text missing in a language, at its first place (results are in order)."""
    missing = {lang: {} for lang in LANGUAGES}
    for result in results:  # a text missing in several shares of a language is one warning
        for text, place in result.missing:
            missing[result.lang].setdefault(text, place)
    return [w for lang in LANGUAGES for w in missing_warnings(lang, missing[lang])]
