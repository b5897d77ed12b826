"""A reader's walk through the seed site in Chromium: landing, navigation, anchors, the 404
resolver, copying a link, phones and dark mode.

Every page opened here fails its test if it requests anything outside 127.0.0.1, throws, or
logs a console error (the 404 page's own "404 (Not Found)" excepted).
"""

from urllib.parse import urlsplit

import pytest

from tests.browsing import PHONE, close_and_check, new_watched_context, open_settled, page_types


@pytest.fixture
def new_context(browser):
    """Make watched browser contexts; the test fails if any of their pages misbehaved."""
    made = []
    yield lambda **options: new_watched_context(browser, made, **options)
    assert close_and_check(made) == []


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_landing_goes_to_the_browser_language(new_context, site_url, locale, lang):
    page = open_settled(new_context(locale=locale), site_url)
    page.wait_for_url(f"{site_url}{lang}/")
    assert page.locator("html").get_attribute("lang") == {"en": "en", "zh": "zh-CN"}[lang]


def test_a_saved_language_choice_wins_over_the_browser_language(new_context, site_url):
    page = open_settled(new_context(locale="en-US"), f"{site_url}en/codes/AIS.0014/")
    page.click("a.lang-switch")
    page.wait_for_url(f"{site_url}zh/codes/AIS.0014/")
    assert page.evaluate("localStorage.getItem('errdex-lang')") == "zh"
    page.goto(site_url)
    page.wait_for_url(f"{site_url}zh/")


def test_landing_without_javascript_shows_two_plain_links_and_stays(new_context, site_url):
    page = open_settled(new_context(java_script_enabled=False, locale="en-US"), site_url)
    links = page.locator(".choose-language a")
    assert links.all_text_contents() == ["中文", "English"]
    assert [links.nth(i).get_attribute("href") for i in range(2)] == ["zh/", "en/"]
    page.wait_for_timeout(300)  # a redirect, if any, would have started by now
    assert page.url == site_url
    links.nth(1).click()
    page.wait_for_url(f"{site_url}en/")


def test_walk_from_home_to_a_code_switch_language_and_back(new_context, site_url):
    page = open_settled(new_context(locale="en-US"), f"{site_url}en/")
    page.click("#by-prefix ~ .groups a:has-text('AIS')")
    page.wait_for_url(f"{site_url}en/AIS/")
    assert page.locator("h1").text_content() == "AIS error codes"
    page.click("table.codes a.code:text-is('AIS.0014')")
    page.wait_for_url(f"{site_url}en/codes/AIS.0014/")
    assert page.locator("h1").text_content() == "AIS.0014"
    page.click("a.lang-switch")
    page.wait_for_url(f"{site_url}zh/codes/AIS.0014/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").text_content() == "AIS.0014"
    page.go_back()
    page.wait_for_url(f"{site_url}en/codes/AIS.0014/")
    page.go_back()
    page.wait_for_url(f"{site_url}en/AIS/")


def test_a_row_anchor_scrolls_the_row_into_view_and_highlights_it(new_context, site_url):
    page = open_settled(new_context(viewport={"width": 1280, "height": 600}), f"{site_url}en/AIS/#AIS.0014")
    row = page.locator("tr[id='AIS.0014']")
    other = page.locator("tr[id='AIS.0002']")
    page.wait_for_function("document.querySelector(':target')?.id === 'AIS.0014'")
    box, height = row.bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= height, box
    assert page.evaluate("window.scrollY") > 0
    style = "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).backgroundColor]"
    target_outline, target_background = row.evaluate(style)
    other_outline, other_background = other.evaluate(style)
    assert target_outline != other_outline and target_background != other_background


@pytest.mark.parametrize("path, lang", [
    ("ais0014", "en"),
    ("en/AIS-0014", "en"),
    ("AIS.0014/", "en"),
    ("zh/codes/ais.0014/", "zh"),
])
def test_the_404_page_resolves_mistyped_code_links(new_context, site_url, path, lang):
    page = open_settled(new_context(locale="en-US"), site_url + path)
    page.wait_for_url(f"{site_url}{lang}/codes/AIS.0014/")
    assert page.locator("h1").text_content() == "AIS.0014"


@pytest.mark.parametrize("path", ["%2F%2Fevil.example", "//evil.example/AIS.0014", "en/codes/javascript:alert(1)"])
def test_open_redirect_attempts_stay_on_the_helpful_404_page(new_context, site_url, path):
    page = open_settled(new_context(locale="en-US"), site_url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # the resolver has its codes now; a redirect would have started
    assert urlsplit(page.url).hostname == "127.0.0.1"
    assert page.url == site_url + path
    assert page.locator("body[data-not-found]").count() == 1
    assert page.locator("h1").text_content() == "Page not found"
    assert page.locator("[data-resolving]").is_hidden()
    assert page.locator("a[href='/repo/en/']").count() >= 1
    assert page.locator("#q-404-en").is_visible()


def test_the_copy_link_button_copies_the_page_address(new_context, site_url):
    context = new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = open_settled(context, f"{site_url}en/codes/AIS.0014/")
    button = page.locator("button.copy-link")
    button.click()
    page.wait_for_function("document.querySelector('button.copy-link').textContent === 'Link copied'")
    assert page.evaluate("navigator.clipboard.readText()") == page.url == f"{site_url}en/codes/AIS.0014/"


@pytest.mark.parametrize("path", [path for _, path in page_types()], ids=[name for name, _ in page_types()])
def test_phones_never_scroll_sideways(new_context, site_url, path):
    # Without scripts the landing page stays put; every other page is looked at as it runs.
    page = open_settled(new_context(**PHONE, java_script_enabled=bool(path)), site_url + path)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["viewport"]["width"]
    assert width <= inner, f"{path or 'landing'} is {width}px wide on a {inner}px phone"


def luminance(css_color):
    """Relative luminance (0 black .. 1 white) of an rgb()/rgba() colour."""
    red, green, blue = (int(part) / 255 for part in css_color[css_color.index("(") + 1:-1].split(",")[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("path", ["", "zh/codes/AIS.0014/", "no/such/page/"])  # one per template family
def test_dark_mode_gives_a_dark_page(new_context, site_url, path):
    page = open_settled(new_context(color_scheme="dark", java_script_enabled=bool(path)), site_url + path)
    background, text = page.evaluate("[getComputedStyle(document.body).backgroundColor, "
                                     "getComputedStyle(document.body).color]")
    assert luminance(background) < 0.15 < 0.6 < luminance(text), (background, text)
