"""The build: read and check the inputs, render into a temporary folder, then swap.

A failed build leaves the previous site/ as it was: nothing is written into the output
folder itself; the new site is rendered beside it, warnings and the URL registry are
checked, and only then is it renamed into place.
"""

import functools
import gc
import html
import itertools
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import lifecycle, model, urls
from .errors import BuildError, DataError
from .i18n import HTML_LANG, missing_warnings
from .notes import NOTES_DIR, load_notes
from .pipeline import DATA_FILE, ROOT, TreeWriter, compact_json, write_atomic
from .render import TEMPLATES_DIR, PageRenderer, make_environment, render_root_page
from . import search_index
from .views import SiteViews, language_pages
from .api import api_files, api_paths, coverage_report
from .services import read_complete_services, unknown_services

# html.escape suits XML too, quotes included; xml.sax.saxutils would import urllib.request (60 ms).
xml_escape = html.escape
SITE_DIR = ROOT / "site"
COMPLETE_SERVICES_FILE = ROOT / "source" / "complete-services.txt"
ASSETS_DIR = TEMPLATES_DIR / "assets"
# Files that mark a folder as a site we built, so we never delete anything else.
SITE_MARKERS = (".nojekyll", "404.html")


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
    coverage: tuple = ()  # one line per language and service (services.coverage_lines)


def build_command(args):
    """`build.py build`: build the site and print one summary line."""
    from .cli import report_warnings
    settings = SiteSettings.from_options(args.site_url, args.base_path)
    data = Path(args.data) if args.data else DATA_FILE
    out = Path(args.out) if args.out else SITE_DIR
    inputs = SiteInputs.repository() if not args.data else SiteInputs()
    result = build_site(data, out, settings, strict=args.strict, warn=report_warnings, inputs=inputs)
    print(f"built {out}: {result.pages} pages, {result.files} files, {len(result.warnings)} warning(s), "
          f"{result.seconds:.2f} s")
    if result.coverage:
        print("\n".join(result.coverage))
    return 0


def build_site(data, out, settings, strict=False, warn=None, inputs=None, workers=None):
    """Read and check the inputs, render into a temporary folder, then replace `out`."""
    started = time.perf_counter()
    out = Path(out).resolve()
    check_output_folder(out)
    # The build makes millions of long-lived objects and no garbage cycles worth collecting:
    # the cyclic collector's passes over them cost a third of the build time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        inputs = inputs or SiteInputs()
        content = read_inputs(model.load(data), inputs)
        outcome = {}
        write_tree_atomically(out, functools.partial(write_site, content, settings, inputs, strict, warn,
                                                     outcome, workers=workers))
        if inputs.registry_file is not None:
            write_atomic(inputs.registry_file, lifecycle.registry_text(outcome["published"]))
    finally:
        if collecting:
            # What was made meanwhile is all in the collector's youngest generation, which its
            # first pass would go through whole (a second at 100,000 codes): it goes to the
            # oldest, collected as rarely as it is.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    return BuildResult(outcome["pages"], outcome["files"], outcome["warnings"], time.perf_counter() - started,
                       outcome["coverage"])


@dataclass(frozen=True)
class SiteContent:
    """The dataset with the repository's retired codes, redirects and notes, checked."""

    dataset: model.Dataset
    retired: tuple
    redirects: dict
    notes: object
    warnings: tuple
    complete: frozenset | None = None  # services.read_complete_services


@dataclass(frozen=True)
class LanguageResult:
    """What a share of one language's pages left: its pages (for sitemap and registry) and gaps."""

    order: tuple  # where its pages go in the sitemap and its gaps in the warnings
    lang: str
    pages: tuple  # their paths (only: at 100,000 codes each byte per page is 200 KB)
    missing: tuple  # (untranslated text, first place it was needed)
    unlisted: frozenset  # paths of its pages that the sitemap leaves out (redirects)


def check_output_folder(out):
    """Refuse an output folder that holds the sources, or a folder that is not a site."""
    protected = [ROOT, ROOT / "source", ROOT / "templates", ROOT / "errdex", ROOT / "tests"]
    for folder in protected:
        if out == folder or out in folder.parents or folder in out.parents and folder != ROOT:
            raise BuildError(f"refusing to build into {out}: it holds the project's sources "
                             f"(choose a folder such as site/)")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and
                                              not all((out / m).exists() for m in SITE_MARKERS))):
        raise BuildError(f"refusing to replace {out}: it exists and is not a site built by errdex "
                         f"(no {' and '.join(SITE_MARKERS)}); remove it or choose another --out")


def read_inputs(dataset, inputs):
    """Load retired codes, redirects and notes, and check them against the dataset."""
    retired = lifecycle.load_retired(inputs.retired_file) if inputs.retired_file else ()
    current = {c.code for c in dataset.codes}
    for record in retired:
        if record.code.code in current:
            raise DataError(f"{inputs.retired_file}: {record.code.code} is retired but upstream lists it "
                            f"again; remove it from the file (make update does)")
    known = current | {r.code.code for r in retired}
    redirects = (lifecycle.resolve_redirects(lifecycle.load_redirects(inputs.redirects_file), known,
                                             inputs.redirects_file) if inputs.redirects_file else {})
    prefixes = {c.prefix for c in dataset.codes} | {r.code.prefix for r in retired}
    notes, warnings = (load_notes(inputs.notes_dir, known, {p or "_" for p in prefixes})
                       if inputs.notes_dir else (None, []))
    complete = read_complete_services(inputs.complete_services_file)
    warnings += unknown_services(complete, dataset.sources, inputs.complete_services_file)
    return SiteContent(dataset, retired, redirects, notes, tuple(warnings), complete)


# Below this many codes, forking workers costs more than it saves.
PARALLEL_THRESHOLD = 200
_WORK = {}  # what forked workers inherit


def write_site(content, settings, inputs, strict, warn, outcome, staging, workers=None):
    """Fill the staging folder on every core (two), then write the shared files.

    Each of two processes starts with a task of its own: the build process makes the
    first language's pages and the API files, a forked worker the search index and the
    second language's other pages. Then both take the second language's code pages in
    chunks, each the next chunk when it is free, so they end together whatever the data
    and the machine. Two processes, not one per task: each holds its own copy of the
    dataset's pages once it reads them. Warnings, and the registry check, come before
    the swap: a failure leaves the previous site as it was.
    """
    serial = (workers or os.cpu_count() or 1) == 1 or len(content.dataset.codes) < PARALLEL_THRESHOLD \
        or "fork" not in mp.get_all_start_methods()
    work = _Work(content, settings, inputs.content_locale_dir, staging, _Chunks(_page_count(content)))
    # The same tasks and chunks whether or not they run in parallel, and results in the
    # same order: the output must not depend on the machine.
    if serial:
        results = _first_task(work) + _second_task(work)
    else:
        _WORK["work"] = work  # before the fork: the worker inherits it
        try:
            pool = mp.get_context("fork").Pool(1)
        finally:
            _WORK.clear()
        with pool:
            pending = pool.apply_async(_second_task_worker)
            results = _first_task(work)
            results += pending.get()
    results.sort(key=lambda result: result.order)
    missing = {lang: {} for lang in urls.LANGUAGES}
    for result in results:  # a text missing in several shares of a language is one warning
        for text, place in result.missing:
            missing[result.lang].setdefault(text, place)
    warnings = list(content.warnings) + [w for lang in urls.LANGUAGES for w in missing_warnings(lang, missing[lang])]
    if warn is not None:
        warn(warnings, strict)
    pages = [page for result in results for page in result.pages]
    files, writer = 0, TreeWriter(staging)
    listed = [path for result in results for path in result.pages if path not in result.unlisted]
    for path, text in shared_files(settings, listed):
        writer.write(path, text)
        files += 1
    api = api_paths(content)
    published = frozenset(pages + api)
    before = frozenset(lifecycle.read_registry(inputs.registry_file)) if inputs.registry_file else frozenset()
    lifecycle.check_registry(before, published, inputs.registry_file)
    outcome.update(coverage=tuple(coverage_report(content, inputs.content_locale_dir)),
                   published=published | before, pages=len(pages) + 2,
                   files=len(pages) + files + len(api),
                   warnings=tuple(warnings))


@dataclass
class _Work:
    """What a build's processes share (a forked worker inherits a copy), and each one's
    language builders, made once per process."""

    content: SiteContent
    settings: SiteSettings
    content_locale_dir: Path | None
    staging: Path
    chunks: "_Chunks"
    builders: dict = field(default_factory=dict)

    def language(self, lang):
        if lang not in self.builders:
            self.builders[lang] = LanguageBuilder(lang, self.content, self.settings, self.content_locale_dir,
                                                  self.staging)
        return self.builders[lang]


def _page_count(content):
    """The code pages of a language: current and retired codes."""
    return len(content.dataset.codes) + len(content.retired)


class _Chunks:
    """The second language's code pages in chunks, handed to whichever process asks next.

    The counter lives in shared memory, so a forked worker takes from the same one.
    """

    def __init__(self, count):
        # About a hundred chunks: the last one ends within about 1% of the build of the
        # other process, and a chunk's own cost stays small.
        self.size = max(CHUNK_MIN_CODES, -(-count // 100))
        self.count = -(-count // self.size)
        self._next = mp.Value("q", 0)

    def take(self):
        """The next chunk's (number, slice of code pages), or None when all are taken."""
        with self._next.get_lock():
            number = self._next.value
            self._next.value = number + 1
        if number >= self.count:
            return None
        return number, slice(number * self.size, (number + 1) * self.size)


CHUNK_MIN_CODES = 50


def _first_task(work):
    """The first language and the API files, then chunks of the second language."""
    builder = work.language(urls.LANGUAGES[0])
    builder.write_search_results(builder.views.search_records(with_texts=False))
    results = [builder.build(order=(0,))]
    del builder
    del work.builders[urls.LANGUAGES[0]]  # its views cover every code: let them go before the chunks
    write_api_files(work.content, work.staging, work.content_locale_dir)
    return results + _take_chunks(work)


def _second_task(work):
    """The search index and the second language's pages other than code pages, then chunks."""
    builder = work.language(urls.LANGUAGES[1])
    # The records of the language's own views serve both the shared index and its results,
    # and are let go before its pages (at 100,000 codes they hold some 90 MB).
    records = builder.views.search_records()
    builder.write_search_results(records)
    write_shared_search_index(records, work.staging)
    del records
    results = [builder.build(order=(1,), codes=slice(0, 0))]
    return results + _take_chunks(work)


def _second_task_worker():
    return _second_task(_WORK["work"])


def _take_chunks(work):
    results, builder = [], work.language(urls.LANGUAGES[1])
    while (chunk := work.chunks.take()) is not None:
        number, codes = chunk
        results.append(builder.build(order=(2, number), codes=codes, others=False))
    return results


def write_shared_search_index(records, staging):
    """The search index's codes/, terms/ and meta.json of every language, computed once
    from the search records (with texts) of either language's views: they index the texts
    of both, and the codes, statuses and messages are the same.

    Each language writes its own docs/ (the results, in its language).
    """
    shared, writer = search_index.shared_index(records), TreeWriter(staging)
    for lang in urls.LANGUAGES:
        search_index.write_files(search_index.shared_files(shared, lang, urls.code_path(lang, "{code}")),
                                 lang, writer.write)


class LanguageBuilder:
    """Renders a language's pages, in as many calls as the build shares them out.

    The views, the renderer and the writer are made once: the views' rows and indexes
    cover every code, which a chunk of code pages would otherwise pay for again.
    """

    def __init__(self, lang, content, settings, content_locale_dir, staging):
        self.lang, self.settings = lang, settings
        self.views = SiteViews(content.dataset, lang, content_locale_dir, content.retired, content.redirects,
                               content.notes, content.complete)
        self.renderer, self.writer = PageRenderer(make_environment(lang), settings), TreeWriter(staging)
        self._reported = 0  # texts found missing, reported by earlier calls

    def build(self, order, codes=slice(None), others=True):
        """Render a slice of the code pages, and the other pages if `others`."""
        written, unlisted = [], []
        table_rows = self.renderer.env.globals["code_rows"]
        for spec in language_pages(self.views, codes=codes, others=others):
            if spec.template == "code.html":  # the index pages, which come first, are done
                table_rows.forget()
            self.writer.write(urls.output_file(spec.path), self.renderer.render(spec))
            written.append(spec.path)
            if spec.template == "redirect.html":
                unlisted.append(spec.path)
        table_rows.forget()
        # Only the texts this process had not reported yet: it takes chunks in increasing
        # order, so the results, sorted, name each text's first place.
        missing = tuple(itertools.islice(self.views.translator.missing.items(), self._reported, None))
        self._reported += len(missing)
        return LanguageResult(order, self.lang, tuple(written), missing, frozenset(unlisted))

    def write_search_results(self, records):
        """The language's share of the search index: what its results show (docs/), from
        this language's search records (with or without texts)."""
        search_index.write_files(search_index.doc_files(records), self.lang, self.writer.write)


def write_api_files(content, staging, locale_dir=None):
    """The dataset, the list of codes, the schema and one file per code."""
    writer = TreeWriter(staging)
    for path, text in api_files(content, locale_dir):
        writer.write(path, text)


def shared_files(settings, sitemap_paths):
    """(path, text) of the files outside the language trees and the API: landing, 404,
    sitemap, assets. Made one by one: the sitemap of 100,000 codes is 60 MB of text."""
    env = make_environment("en")
    yield "index.html", render_root_page(env, "landing.html", "index.html", settings,
                                         functools.partial(urls.relative, "index.html"))
    yield "404.html", render_root_page(env, "404.html", "404.html", settings,
                                       lambda path: settings.base_path + path, base_path=settings.base_path)
    yield "robots.txt", robots_txt(settings)
    yield ".nojekyll", ""
    yield from sitemap_files(sitemap_paths, settings)
    yield from asset_files().items()


def sitemap_loc(settings, path):
    """Absolute URL with SITE_URL; otherwise the path under the base path."""
    return urls.absolute(settings.site_url, path) or settings.base_path + path


# The sitemap protocol allows 50,000 URLs a file; larger sites get an index of sitemaps.
SITEMAP_LIMIT = 50000


def sitemap_files(paths, settings):
    """(path, text) of sitemap.xml, or of sitemap-N.xml and their index sitemap.xml, listing
    the pages at `paths` with their other languages. Made file by file: at 100,000 codes
    the sitemap is 60 MB of text."""
    if len(paths) <= SITEMAP_LIMIT:
        yield "sitemap.xml", _urlset(paths, settings)
        return
    names = []
    for start in range(0, len(paths), SITEMAP_LIMIT):
        names.append(f"sitemap-{start // SITEMAP_LIMIT + 1}.xml")
        yield names[-1], _urlset(paths[start:start + SITEMAP_LIMIT], settings)
    yield "sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n'
                          '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                          + "".join(f"  <sitemap><loc>{xml_escape(sitemap_loc(settings, n))}</loc></sitemap>\n"
                                    for n in names)
                          + "</sitemapindex>\n")


def _urlset(paths, settings):
    """The <urlset> of the pages at `paths`, each with the same page in every language (each
    language has every page, at the same path below its folder).

    Made from strings escaped once per language and once per page: at 100,000 codes the
    sitemap lists 200,000 pages, a serial step at the end of a build.
    """
    # html.escape replaces character by character, so escaping the parts escapes the whole.
    root = xml_escape(sitemap_loc(settings, ""))
    alternates = [f'    <xhtml:link rel="alternate" hreflang="{HTML_LANG[lang]}" href="{root}{lang}/'
                  for lang in sorted(urls.LANGUAGES)]
    entries = []
    for path in paths:
        lang, _, rest = path.partition("/")
        rest = xml_escape(rest)
        links = "".join([f'{alternate}{rest}"/>\n' for alternate in alternates])
        entries.append(f"  <url>\n    <loc>{root}{xml_escape(lang)}/{rest}</loc>\n{links}  </url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "".join(entries) + "</urlset>\n")


def robots_txt(settings):
    lines = ["User-agent: *", "Allow: /"]
    if settings.site_url:
        lines.append(f"Sitemap: {urls.absolute(settings.site_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def asset_files():
    """Static assets, copied as they are."""
    return {urls.asset_path(p.relative_to(ASSETS_DIR).as_posix()): p.read_bytes()
            for p in sorted(ASSETS_DIR.rglob("*")) if p.is_file()}


def write_tree_atomically(out, write):
    """Let `write(folder)` fill a fresh folder beside `out`, then swap it in with two renames."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    retired = None
    try:
        write(staging)
        # mkdtemp makes the folder 0700; a site is world-readable like a normal checkout.
        os.chmod(staging, 0o755)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, retired / out.name)
        os.rename(staging, out)
    except BaseException:
        if retired is not None and (retired / out.name).exists() and not out.exists():
            os.rename(retired / out.name, out)  # put the previous site back
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
