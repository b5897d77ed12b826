"""Every built page is valid HTML for the Nu HTML Checker, the stylesheet is valid CSS, and
sitemap.xml lists every indexable page with its language alternates.

vnu.jar comes from the npm package vnu-jar (package.json; `make test` runs `npm ci`). It is
slow to start, so one run checks every file of the site at once.
"""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.browsing import page_types
from tests.conftest import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITE_URL = "https://example.test/repo/"  # the SITE_URL the built_site fixture is built with
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
# A page the checker must fault: proof that it ran and that its report is read correctly.
CANARY = "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div>x</div></p></body></html>"


@pytest.fixture(scope="module")
def vnu_errors(built_site, two_site, tmp_path_factory):
    """Run vnu.jar once over every HTML and CSS file of the site and of the two-services
    fixture (and the canary)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless); .ci/run installs it")
    if not VNU_JAR.is_file():
        pytest.skip(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (make test does)")
    canary = tmp_path_factory.mktemp("vnu") / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    files = sorted(built_site.rglob("*.html")) + sorted(built_site.rglob("*.css")) + \
        sorted(two_site.rglob("*.html")) + [canary]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--also-check-css", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]  # vnu writes its report to stderr
    errors = {}
    for message in messages:
        path = message.get("url", "").removeprefix("file:")
        errors.setdefault(path, []).append(f"{message.get('lastLine', '?')}: {message['type']}: "
                                           f"{message['message']}")
    assert errors.pop(str(canary), None), f"vnu found nothing wrong with the canary page: {result.stderr[:2000]}"
    return {_site_path(built_site, two_site, path): found for path, found in errors.items()}


def _site_path(built_site, two_site, path):
    """A seed page's path in its site; a two-services page's, marked as such."""
    if path.startswith(str(two_site) + "/"):
        return "two-services:" + path.removeprefix(str(two_site) + "/")
    return path.removeprefix(str(built_site) + "/")


def _file_of(path):
    """The file that serves a page path such as 'en/search/?q=image' ('' is the landing page)."""
    path = path.split("?")[0]
    if path == "no/such/page/":
        return "404.html"
    return path + "index.html"


@pytest.mark.parametrize("path", [path for _, path in page_types()], ids=[name for name, _ in page_types()])
def test_every_page_type_is_valid_html(vnu_errors, built_site, path):
    assert (built_site / _file_of(path)).is_file()
    assert vnu_errors.get(_file_of(path), []) == []


def test_every_page_and_stylesheet_of_the_site_is_valid(vnu_errors):
    assert vnu_errors == {}


def test_a_code_of_two_services_and_codes_named_like_ids_are_valid(vnu_errors, two_site):
    for path in ("en/codes/1100/index.html", "zh/codes/1100/index.html", "en/index.html", "en/services/obs/index.html"):
        assert (two_site / path).is_file()
        assert vnu_errors.get("two-services:" + path, []) == []


class _HeadLinks(HTMLParser):
    """The robots meta and the hreflang alternates of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.noindex, self.alternates = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "robots" and "noindex" in (attrs.get("content") or ""):
            self.noindex = True
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]


def _head(page):
    parser = _HeadLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _sitemap(built_site):
    """{loc: {hreflang: href}} from sitemap.xml (which must parse as XML)."""
    root = ET.parse(built_site / "sitemap.xml").getroot()
    assert root.tag == f"{{{SITEMAP_NS['s']}}}urlset"
    return {url.find("s:loc", SITEMAP_NS).text: {link.get("hreflang"): link.get("href")
                                                  for link in url.findall("x:link", SITEMAP_NS)}
            for url in root.findall("s:url", SITEMAP_NS)}


def test_sitemap_lists_every_indexable_page_and_no_other(built_site):
    # Not listed: the landing page (it only forwards to a language's home, which is listed)
    # and pages marked noindex (the 404 page, redirects of renamed codes).
    sitemap = _sitemap(built_site)
    pages = {page.relative_to(built_site).as_posix() for page in built_site.rglob("*.html")}
    indexable = {page for page in pages if page != "index.html" and not _head(built_site / page).noindex}
    assert "404.html" in pages and "404.html" not in indexable
    assert len(indexable) > 150
    expected = {SITE_URL + re.sub(r"index\.html$", "", page) for page in indexable}
    assert set(sitemap) == expected


def test_sitemap_alternates_match_each_page_in_both_languages(built_site):
    sitemap = _sitemap(built_site)
    for loc, alternates in sitemap.items():
        assert set(alternates) == {"zh-CN", "en"}, loc
        assert loc in alternates.values(), loc
        assert all(href in sitemap for href in alternates.values()), loc
        page = built_site / (loc.removeprefix(SITE_URL) + "index.html")
        assert _head(page).alternates == alternates, loc
