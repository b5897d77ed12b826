"""The one place that makes the site's URLs. The scheme is a public contract:

    index.html                      landing page (language choice)
    {lang}/                         home of a language
    {lang}/{PREFIX}/                prefix index (safe form: codes.prefix_slug)
    {lang}/status/{NNN}/            HTTP status index
    {lang}/codes/{CODE}/            one code (the link support tickets quote)
    {lang}/search/                  search page (?q=)
    {lang}/services/                the services index
    {lang}/services/{SERVICE}/      one service (safe form: service_slug)
    {lang}/api/                     the API's documentation
    api/v1/errors.json              the dataset, with every language the site shows
    api/v1/codes/{CODE}.json        one code
    api/v1/codes.json               the list of codes
    api/v1/schema.json              the JSON Schema of the API's files
    404.html, sitemap.xml, robots.txt, .nojekyll

Fragments: index rows are `#row-{CODE}` and a code page's sections `#sec-{name}`, so that
no code can take one of the page's own ids (`main`, `search-q`); site.js sends the older
fragments (`#AIS.0014`, `#message`) on to them.

Paths here are site-relative without a leading slash; pages are folders holding
index.html. `relative()` turns a path into a link from a given page, so that every
link inside the site is relative and the site works at / and under /repo/.
"""

import functools
import re

from .codes import prefix_slug
from .languages import LANGUAGES  # noqa: F401 (the URL scheme has a tree per language)

# Prefixes of the ids that pages make from data (see the module docstring).
ROW_ID_PREFIX = "row-"
SECTION_ID_PREFIX = "sec-"
# What the page script substitutes in a path pattern (data-* attributes).
PATTERN_FIELD = "{code}"


def home_path(lang):
    return f"{lang}/"


def prefix_path(lang, prefix):
    return f"{lang}/{prefix_slug(prefix)}/"


def status_path(lang, status):
    return f"{lang}/status/{status}/"


def code_path(lang, code):
    return f"{lang}/codes/{code}/"


def search_path(lang):
    return f"{lang}/search/"


SEARCH_INDEX = "search-index/"


def search_index_path(lang):
    """The folder of a language's search index (its files: search_index.py)."""
    return f"{SEARCH_INDEX}{lang}/"


def services_path(lang):
    return f"{lang}/services/"


def service_path(lang, service):
    return f"{lang}/services/{service_slug(service)}/"


def api_docs_path(lang):
    return f"{lang}/api/"


def service_slug(service):
    """The path segment of a service id: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", service.casefold()).strip("-") or "_"


def row_id(code):
    """The id of a code's row on an index page."""
    return ROW_ID_PREFIX + code


def section_id(name):
    """The id of a section of a code page ('message', 'solution-2', …)."""
    return SECTION_ID_PREFIX + name


def api_code_path(code):
    return f"api/v1/codes/{code}.json"


API_DATASET_PATH = "api/v1/errors.json"
# The list of codes, read by the 404 page to resolve mistyped code links.
API_CODES_PATH = "api/v1/codes.json"
API_SCHEMA_PATH = "api/v1/schema.json"
ASSETS = "assets/"


def asset_path(name):
    return f"{ASSETS}{name}"


def output_file(path):
    """The file that serves a path: folders get their index.html."""
    return path + "index.html" if path.endswith("/") or path == "" else path


def relative(from_path, to_path):
    """Relative link from the page at from_path to to_path (folders keep their '/').

    Plain string work, no os.path: it runs for every link of every page.
    """
    base = _folder_segments(from_path)
    target = [s for s in to_path.split("/") if s]
    common = 0
    while common < len(base) and common < len(target) and base[common] == target[common]:
        common += 1
    rest = "/".join(target[common:])
    link = "../" * (len(base) - common) + rest
    if rest and to_path.endswith("/"):
        link += "/"
    return link or "./"


@functools.lru_cache(maxsize=4096)
def _folder_segments(page_path):
    """The folders a page's file sits in: 'en/codes/A.1/' -> ['en', 'codes', 'A.1']."""
    return [s for s in output_file(page_path).split("/")[:-1] if s]


def absolute(site_url, path):
    """Absolute URL for canonical links, the sitemap and Open Graph ('' without SITE_URL)."""
    if not site_url:
        return ""
    return site_url.rstrip("/") + "/" + path
