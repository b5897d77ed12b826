"""A reader's walk through the seed site in Chromium: landing, navigation, anchors, the 404
resolver, copying a link, phones and dark mode.

Every page opened here fails its test if it requests anything outside 127.0.0.1, throws, or
logs a console error (the 404 page's own "404 (Not Found)" excepted).
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browsing import PHONE, close_and_check, new_watched_context, open_settled, page_types
from tests.two_services import service_name


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
    page.click("#sec-by-prefix ~ .groups a:has-text('AIS')")
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


@pytest.mark.parametrize("fragment", ["row-AIS.0014", "AIS.0014"])  # today's anchor, and the one before
def test_a_row_anchor_scrolls_the_row_into_view_and_highlights_it(new_context, site_url, fragment):
    page = open_settled(new_context(viewport={"width": 1280, "height": 600}), f"{site_url}en/AIS/#{fragment}")
    row = page.locator("tr[id='row-AIS.0014']")
    other = page.locator("tr[id='row-AIS.0002']")
    page.wait_for_function("document.querySelector(':target')?.id === 'row-AIS.0014'")
    assert page.url.endswith("#row-AIS.0014")
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


# ---------------------------------------------------------------- ticket-ready pages (issue 18)

VIEWPORTS = {"phone": PHONE, "desktop": {"viewport": {"width": 1280, "height": 800}}}


def in_first_screen(page, selector):
    """Does the element start within the first screen (without scrolling)?"""
    box = page.locator(selector).first.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"] - 24


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_to_check_starts_in_the_first_screen_of_a_code_page_with_notes(new_context, site_url, viewport, lang):
    page = open_settled(new_context(**VIEWPORTS[viewport]), f"{site_url}{lang}/codes/AIS.0014/")
    assert page.evaluate("window.scrollY") == 0
    assert in_first_screen(page, "#sec-check"), page.locator("#sec-check").bounding_box()
    # The notes' first words, too: the answer, not only its heading.
    assert in_first_screen(page, "#sec-notes .prose p")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_copy_for_ticket_puts_a_ready_answer_on_the_clipboard(new_context, site_url, viewport):
    context = new_context(locale="en-US", **VIEWPORTS[viewport])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = open_settled(context, f"{site_url}en/codes/AIS.0014/")
    page.click("button.copy-ticket")
    expect(page.locator("button.copy-ticket")).to_have_text("Copied")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith("AIS.0014 · The JSON format of the input data is incorrect.\nService: Image Recognition\n")
    assert "HTTP status: 400 Bad Request\n" in text
    assert "What to check: Check the JSON format of the input data.\n" in text
    assert "python3 -m json.tool < body.json" in text and "```" not in text  # the note, unescaped, unfenced
    assert "**" not in text and "`" not in text
    # The site URL the fixture was built with is the canonical address of the page.
    assert text.endswith("https://example.test/repo/en/codes/AIS.0014/\n")
    page.click("button.copy-ticket-md")
    expect(page.locator("button.copy-ticket-md")).to_have_text("Copied")
    markdown = page.evaluate("navigator.clipboard.readText()")
    assert markdown.startswith("**AIS.0014** · `The JSON format of the input data is incorrect.`\n")
    assert markdown.endswith("[AIS.0014](https://example.test/repo/en/codes/AIS.0014/)\n")


def test_code_blocks_have_copy_buttons_and_row_links_copy_their_address(new_context, site_url):
    context = new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = open_settled(context, f"{site_url}en/codes/AIS.0014/")
    assert page.locator("button.copy-code").count() == page.locator("main pre").count() == 3
    page.locator("button.copy-code").first.click()
    expect(page.locator("button.copy-code").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").startswith("python3 -m json.tool")
    page.goto(f"{site_url}en/AIS/")
    link = page.locator("tr[id='row-AIS.0014'] a.self-link")
    box = link.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    link.click()
    page.wait_for_url(f"{site_url}en/AIS/#row-AIS.0014")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site_url}en/AIS/#row-AIS.0014"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_filter_box_narrows_a_prefix_table_as_you_type(new_context, site_url, viewport):
    page = open_settled(new_context(locale="en-US", **VIEWPORTS[viewport]), f"{site_url}en/AIS/")
    rows = page.locator("#table-codes tbody tr")
    total = rows.count()
    assert total > 20
    page.fill("#table-codes-filter", "base64")
    visible = page.locator("#table-codes tbody tr:visible")
    assert visible.count() == 1 and visible.first.get_attribute("id") == "row-AIS.0015"
    assert page.locator(".filter-count").first.text_content() == f"1 of {total} shown"
    page.fill("#table-codes-filter", "obs file")
    assert sorted(visible.evaluate_all("rows => rows.map(r => r.id)")) == [
        "row-AIS.0023", "row-AIS.0024", "row-AIS.0025"]
    page.fill("#table-codes-filter", "")
    assert visible.count() == total


def test_without_javascript_the_whole_table_shows_and_no_filter_box(new_context, site_url):
    page = open_settled(new_context(java_script_enabled=False), f"{site_url}en/AIS/")
    assert page.locator("[data-table-filter]").first.is_hidden()
    assert page.locator("#table-codes tbody tr:visible").count() == page.locator("#table-codes tbody tr").count() > 20
    page.goto(f"{site_url}en/codes/AIS.0014/")  # buttons that need a script are not offered without one
    assert page.locator("button.copy-ticket").is_hidden() and page.locator("button.copy-code").count() == 0


@pytest.mark.parametrize("path, selector", [
    ("en/", ".services-list a"),
    ("zh/", ".services-list a"),
    ("en/services/image-recognition/", "h1"),
    ("en/codes/AIS.0014/", ".code-services a.service"),
    ("zh/codes/AIS.0014/", ".code-services a.service"),
])
def test_the_service_name_is_above_the_fold_on_a_phone(new_context, site_url, path, selector):
    page = open_settled(new_context(**PHONE), site_url + path)
    # The service's name in the page's language (source/upstream/provenance.json).
    name = "图像识别" if path.startswith("zh/") else "Image Recognition"
    assert name in page.locator(selector).first.text_content()
    assert page.locator(selector).first.is_visible()
    assert in_first_screen(page, selector)


def test_printing_shows_site_address_and_date_in_dark_text_on_a_dark_screen(new_context, site_url):
    page = open_settled(new_context(color_scheme="dark"), f"{site_url}en/codes/AIS.0014/")
    page.emulate_media(media="print")
    footer = page.locator(".print-only")
    assert footer.is_visible()
    assert footer.text_content() == ("Huawei Cloud API error codes · https://example.test/repo/en/codes/AIS.0014/"
                                     .replace("https://example.test/repo/", site_url) + " · data of 2026-11-27")
    color = page.evaluate("getComputedStyle(document.querySelector('.check')).color")
    assert luminance(color) < 0.2 and page.locator("button.copy-ticket").is_hidden()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_code_reached_from_a_service_page_shows_that_service_first(new_context, two_site_url, lang):
    page = open_settled(new_context(), f"{two_site_url}{lang}/services/obs/")
    page.click("table.codes a.code:text-is('1100')")
    page.wait_for_url(f"{two_site_url}{lang}/codes/1100/?service=obs")
    headings = page.locator(".entries > section.entry > h2").all_text_contents()
    assert headings == [service_name("obs", lang), service_name("iam", lang)]
    page.goto(f"{two_site_url}{lang}/codes/1100/")
    assert page.locator(".entries > section.entry > h2").all_text_contents() == [
        service_name("iam", lang), service_name("obs", lang)]
    assert in_first_screen(page, ".entries > section.entry > h2")


def test_codes_named_like_the_pages_ids_leave_the_skip_link_and_search_working(new_context, two_site_url):
    page = open_settled(new_context(), f"{two_site_url}en/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    assert page.locator("#search-q").evaluate("e => e.tagName") == "INPUT"
    assert page.locator("tr[id='row-main'] a.code").text_content() == "main"
