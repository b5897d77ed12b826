"""Accessibility of every page type in both languages and colour schemes: axe-core finds
nothing, and the page has its skip link, one h1, its landmarks, labels and languages.

axe-core comes bundled with the PyPI package axe-playwright-python, so this runs offline.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browsing import close_and_check, new_watched_context, open_settled, page_types

PAGES = page_types()
# WCAG 2.0-2.2 A and AA, plus Deque's best practices (landmarks, one h1, headings in order).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"]}
# Dark mode changes colours only, so it needs only the rules about colours.
AXE_DARK_OPTIONS = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
                    "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def open_page(browser, site_url):
    """Open a page of the site (the landing page without its redirect); fail on page errors."""
    made = []

    def open_path(path):
        context = new_watched_context(browser, made, color_scheme="light", locale="en-US")
        if not path:
            # The landing page leaves at once when its script runs; axe needs scripts, so the
            # page keeps its markup and styles and only site.js is replaced by an empty one.
            context.route("**/assets/site.js", lambda route: route.fulfill(
                body="", content_type="text/javascript"))
        return open_settled(context, site_url + path)

    yield open_path
    assert close_and_check(made) == []


@pytest.mark.parametrize("path", [path for _, path in PAGES], ids=[name for name, _ in PAGES])
def test_axe_finds_no_violations_in_light_or_dark_mode(open_page, axe, path):
    page = open_page(path)
    for scheme, options in (("light", AXE_OPTIONS), ("dark", AXE_DARK_OPTIONS)):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        results = axe.run(page, options=options)
        assert results.violations_count == 0, f"{scheme} mode: {results.generate_report()}"


@pytest.mark.parametrize("path", [path for _, path in PAGES], ids=[name for name, _ in PAGES])
def test_structure_skip_link_heading_landmarks_labels_languages(open_page, path):
    page = open_page(path)
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") in ("en", "zh-CN")
    assert page.evaluate("[...document.querySelectorAll('[lang]')].every(e => /^(en|zh-CN)$/.test(e.lang))")
    unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
    assert unlabelled == []
    if path:  # every page but the landing page has a search box
        assert page.locator("input[name=q]").count() >= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# A code in one section per service, its service's page, and a home page with codes named
# like the page's own ids (`main`, `search-q`), from the two-services fixture.
TWO_SERVICES_PAGES = ["en/codes/1100/", "zh/codes/1100/?service=obs", "en/", "zh/services/obs/"]


@pytest.mark.parametrize("path", TWO_SERVICES_PAGES)
def test_axe_finds_no_violations_on_pages_of_two_services(browser, two_site_url, axe, path):
    made = []
    page = open_settled(new_watched_context(browser, made, color_scheme="light", locale="en-US"), two_site_url + path)
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    assert close_and_check(made) == []
