"""The files outside the language trees: landing page, 404, sitemap, robots.txt, assets, the JSON API."""

import functools
import html

from . import urls
from .api import api_files
from .languages import HTML_LANG, LANGUAGES
from .pipeline import TreeWriter
from .render import TEMPLATES_DIR, make_environment, render_root_page
from .reuse import text_key

# html.escape suits XML too, quotes included; xml.sax.saxutils would import urllib.request (60 ms).
xml_escape = html.escape
ASSETS_DIR = TEMPLATES_DIR / "assets"
# The sitemap protocol allows 50,000 URLs a file; larger sites get an index of sitemaps.
SITEMAP_LIMIT = 50000


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


def sitemap_files(paths, settings, limit=None):
    """(path, text) of sitemap.xml, or of sitemap-N.xml and their index sitemap.xml, listing
    the pages at `paths` with their other languages. Made file by file: at 100,000 codes
    the sitemap is 60 MB of text."""
    limit = limit or SITEMAP_LIMIT
    if len(paths) <= limit:
        yield "sitemap.xml", _urlset(paths, settings)
        return
    names = []
    for start in range(0, len(paths), limit):
        names.append(f"sitemap-{start // limit + 1}.xml")
        yield names[-1], _urlset(paths[start:start + limit], settings)
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
                  for lang in sorted(LANGUAGES)]
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
    """Allow everything; name the sitemap when the site's URL is known."""
    lines = ["User-agent: *", "Allow: /"]
    if settings.site_url:
        lines.append(f"Sitemap: {urls.absolute(settings.site_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def asset_files():
    """Static assets, copied as they are."""
    return {urls.asset_path(p.relative_to(ASSETS_DIR).as_posix()): p.read_bytes()
            for p in sorted(ASSETS_DIR.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ the JSON API (errdex/api.py)

def write_api_files(content, staging, locale_dir=None, reuse=None):
    """The API's files (api.api_files): the dataset, the list of codes, the schema, one file per
    code; {file: reuse key} of the per-code files (each linked from the last build when its
    text is the same)."""
    writer, keys = TreeWriter(staging), {}
    for path, text in api_files(content, locale_dir):
        if path.startswith(CODE_FILES):
            keys[path] = text_key(text)
            if reuse is not None and reuse.link(path, keys[path]):
                continue
        writer.write(path, text)
    return keys


CODE_FILES = urls.api_code_path("")[:-len(".json")]
