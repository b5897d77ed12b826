"""The build: gather and validate everything, render into a temporary folder, then swap.

A failed build leaves the previous site/ as it was: nothing is written into the output
folder itself; the new site is rendered beside it and renamed into place at the end.
"""

import functools
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import model, urls
from .errors import BuildError
from .i18n import HTML_LANG
from .pipeline import DATA_FILE, ROOT
from .render import TEMPLATES_DIR, make_environment, render_page, render_root_page
from .views import SiteViews, language_pages

SITE_DIR = ROOT / "site"
ASSETS_DIR = TEMPLATES_DIR / "assets"
# Files that mark a folder as a site we built, so we never delete anything else.
SITE_MARKERS = (".nojekyll", "404.html")


@dataclass(frozen=True)
class SiteSettings:
    """What a build needs besides the data: where the site lives on the web."""

    site_url: str = ""
    base_path: str = "/"
    source_date: str | None = None

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
class BuildResult:
    pages: int
    files: int
    warnings: tuple
    seconds: float


def build_command(args):
    """`build.py build`: build the site and print one summary line."""
    from .cli import report_warnings
    settings = SiteSettings.from_options(args.site_url, args.base_path)
    data = Path(args.data) if args.data else DATA_FILE
    out = Path(args.out) if args.out else SITE_DIR
    result = build_site(data, out, settings, strict=args.strict, warn=report_warnings)
    print(f"built {out}: {result.pages} pages, {result.files} files, {len(result.warnings)} warning(s), "
          f"{result.seconds:.2f} s")
    return 0


def build_site(data, out, settings, strict=False, warn=None, content_locale_dir=None):
    """Gather, validate, render into a temporary folder, then replace `out`."""
    started = time.perf_counter()
    out = Path(out).resolve()
    check_output_folder(out)
    dataset = model.load(data)
    files, page_count, warnings = render_site(dataset, settings, content_locale_dir)
    if warn is not None:
        warn(warnings, strict)
    write_tree_atomically(out, files)
    return BuildResult(page_count, len(files), tuple(warnings), time.perf_counter() - started)


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


def render_site(dataset, settings, content_locale_dir=None):
    """Render every file of the site into memory: {site-relative path: bytes or str}."""
    files, warnings, sitemap = {}, [], []
    envs = {lang: make_environment(lang) for lang in urls.LANGUAGES}
    page_count = 0
    for lang in urls.LANGUAGES:
        views = SiteViews(dataset, lang, content_locale_dir)
        env = envs[lang]
        for spec in language_pages(views):
            files[urls.output_file(spec.path)] = render_page(env, spec, settings)
            sitemap.append(spec)
            page_count += 1
        warnings.extend(views.warnings())
    files["index.html"] = render_root_page(envs["en"], "landing.html", "index.html", settings,
                                           functools.partial(urls.relative, "index.html"))
    files["404.html"] = render_root_page(envs["en"], "404.html", "404.html", settings,
                                         lambda path: settings.base_path + path,
                                         envs=envs, base_path=settings.base_path)
    page_count += 2
    files.update(api_files(dataset))
    files["sitemap.xml"] = envs["en"].get_template("sitemap.xml").render(
        pages=sitemap, loc=functools.partial(sitemap_loc, settings),
        HTML_LANG=HTML_LANG)
    files["robots.txt"] = robots_txt(settings)
    files[".nojekyll"] = ""
    files.update(asset_files())
    return files, page_count, warnings


def sitemap_loc(settings, path):
    """Absolute URL with SITE_URL; otherwise the path under the base path."""
    return urls.absolute(settings.site_url, path) or settings.base_path + path


def robots_txt(settings):
    lines = ["User-agent: *", "Allow: /"]
    if settings.site_url:
        lines.append(f"Sitemap: {urls.absolute(settings.site_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def api_files(dataset):
    """The dataset, one file per code, and the code list the 404 resolver reads."""
    files = {urls.API_DATASET_PATH: model.dumps(dataset)}
    for code in dataset.codes:
        files[urls.api_code_path(code.code)] = json.dumps(
            model.code_to_json(code), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    files[urls.API_CODES_PATH] = json.dumps([c.code for c in dataset.codes], ensure_ascii=False) + "\n"
    return files


def asset_files():
    """Static assets, copied as they are."""
    return {urls.asset_path(p.relative_to(ASSETS_DIR).as_posix()): p.read_bytes()
            for p in sorted(ASSETS_DIR.rglob("*")) if p.is_file()}


def write_tree_atomically(out, files):
    """Write files into a fresh folder beside `out`, then swap it in with two renames."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    retired = None
    try:
        for path, content in sorted(files.items()):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
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
