"""The files outside the language trees: landing page, 404, sitemap, robots.txt, assets, the JSON API."""

import functools
import html

from . import model, urls
from .errors import BuildError
from .gather import codes_with_pages
from .languages import HTML_LANG, LANGUAGES
from .pipeline import TreeWriter, compact_json
from .render import TEMPLATES_DIR, make_environment, render_root_page

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


# ------------------------------------------------------------------ the JSON API
# Kept together, so that they can move into a module of their own.

def write_api_files(content, staging):
    """The dataset, the list of codes and one file per code."""
    writer = TreeWriter(staging)
    for path, text in api_files(content):
        writer.write(path, text)


def api_paths(content):
    """The site paths of the API's files, as api_files() writes them."""
    return [urls.API_DATASET_PATH, urls.API_CODES_PATH] + [urls.api_code_path(c) for c in codes_with_pages(content)]


def api_files(content):
    """(path, JSON) of the API's files: one per code with a page, the list of those codes
    (the 404 page resolves links against it), and the dataset, in a fixed order."""
    current = []
    for code in content.dataset.codes:
        current.append(compact_json(model.code_to_json(code)))
        yield urls.api_code_path(code.code), current[-1] + "\n"
    for record in content.retired:
        yield urls.api_code_path(record.code.code), compact_json(
            {**model.code_to_json(record.code), "retired_on": record.retired_on}) + "\n"
    for old, new in sorted(content.redirects.items()):
        yield urls.api_code_path(old), compact_json({"code": old, "redirect_to": new}) + "\n"
    yield urls.API_CODES_PATH, compact_json(codes_with_pages(content)) + "\n"
    yield urls.API_DATASET_PATH, dataset_json_pieces(content.dataset, current)


def dataset_json_pieces(dataset, code_texts):
    """The dataset's compact JSON in pieces, its codes spliced in from their own files' JSON.

    The same text as encoding the dataset whole (a test holds them equal), without
    converting and encoding every code a second time, and written piece by piece: joined,
    the 100,000-code dataset would be held three times over (60 MB each).
    """
    rest = compact_json({**model.dataset_to_json(dataset, codes=False), "codes": []})
    # Keys are sorted, so "codes" comes first; JSON strings escape their quotes, so this
    # is the key, not text inside a value.
    empty = '{"codes":[]'
    if not rest.startswith(empty):
        raise BuildError(f"the dataset's JSON starts {rest[:20]!r}, not {empty!r}: a key sorts before 'codes'")
    yield '{"codes":['
    for number, text in enumerate(code_texts):
        yield "," + text if number else text
    yield "]" + rest[len(empty):] + "\n"
