"""The search in Chromium against the built site: ranking, header box keyboard use, ?q= and history,
the help after a weak search and on the 404 page.

Every page here fails the test if it requests anything outside 127.0.0.1 or logs a console error.

Two query tables: FIRST_RESULTS, written for the seed service (77 codes), and
tests/search_queries.json, written for the whole family from the pages of
shared/upstream-corpus: [kind, language of the site, code, within (1: first, 3: top
three), query], in customers' words. A row whose code the built dataset lacks is left out
(and counted), so the table runs over whichever dataset source/errors.json holds.
"""

import collections
import json
import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browsing import NOT_FOUND_MESSAGE
from tests.conftest import ROOT

QUERY_TABLE = json.loads((ROOT / "tests" / "search_queries.json").read_text(encoding="utf-8"))
KINDS = {"code", "json", "http", "traceback", "log", "filled", "own", "typo", "synonym", "traditional",
         "particles", "mixed", "unknown", "status", "words"}

# (language of the site, query, the code that must come first)
FIRST_RESULTS = [
    # A code in any spelling, the number alone, a prefix or a partial code.
    ("en", "AIS.0014", "AIS.0014"),
    ("zh", "ais0014", "AIS.0014"),
    # English words that only a translation holds, searched from the Chinese site.
    ("zh", "do not subscribe again", "AIP.0011"),
    ("en", "AIS-0014", "AIS.0014"),
    ("zh", "ais_0014", "AIS.0014"),
    ("en", "ais 0014", "AIS.0014"),
    ("en", "modelarts 4101", "ModelArts.4101"),
    ("zh", "MODELARTS.4101", "ModelArts.4101"),
    ("en", "4101", "ModelArts.4101"),
    ("zh", "4706", "ModelArts.4706"),
    ("en", "AIS.02", "AIS.0201"),
    ("zh", "AIS", "AIS.0002"),
    ("en", "apig", "APIG.0101"),
    ("zh", "APIG.03", "APIG.0301"),
    ("zh", "ＡＩＳ．００２７", "AIS.0027"),
    # A code inside pasted text: JSON bodies, a log line, a stack trace.
    ("en", '{"error_code": "AIS.0015", "error_msg": "Base64 decoding of the input data is incorrect."}', "AIS.0015"),
    ("zh", '{"errorCode": "ModelArts.4204", "errorMessage": "The API is not subscribed to."}', "ModelArts.4204"),
    ("en", '{"code": "APIG.0308", "message": "The request is sent too fast"}', "APIG.0308"),
    ("en", "2026-11-27 10:00:01 ERROR [worker-3] call failed: AIS.0032 The monthly free calls have been used up.",
     "AIS.0032"),
    ("zh", 'Traceback (most recent call last):\n  File "app.py", line 12, in <module>\n'
           "huaweicloudsdkcore.exceptions.ClientRequestException: ModelArts.4702 The OBS agency failed to be queried.",
     "ModelArts.4702"),
    ("en", "request_id=abc123 status=400 error_code=AIP.0016", "AIP.0016"),
    # A message whose placeholders were filled; the template explaining more of it wins.
    ("en", "The request method POST is not allowed, allow is GET.", "AIP.0008"),
    ("zh", "The request method DELETE is not allowed, allow is GET, POST.", "AIP.0008"),
    ("en", "The request method is not allowed, allow is GET.", "AIP.0008"),
    ("en", "The request method is not allowed.", "AIS.0013"),
    ("en", "The param:image size, val:5000 , exceeds the range:[1,4096].", "AIP.0010"),
    ("zh", "Service of image-tagging (v2) has been subscribed.", "AIP.0011"),
    ("en", "Service of ocr hasn't been subscribed.", "AIP.0015"),
    ("en", "The task id 7d1f-22 not exist.", "AIP.0017"),
    ("zh", "Multi input is not supported in current service: [image_tagging], version: [v1.0].", "AIP.0019"),
    ("en", "Lack the parameter project_id, or the parameter is incorrect.", "AIP.0013"),
    ("en", 'bucket "my data" already exists.', "AIP.0014"),
    ("en", "Lack Header or Header X-Auth-Token is empty.", "AIP.0005"),
    # English words: all must match, prefixes count, case and punctuation ignored.
    ("en", "json format", "AIP.0009"),
    ("zh", "frozen account", "AIS.0027"),
    ("en", "oversized obs", "AIS.0023"),
    ("en", "DOWNLOAD internet", "AIS.0029"),
    ("zh", "monthly calls", "AIS.0032"),
    ("en", "resol imag", "AIS.0205"),
    # Chinese: bigrams, non-contiguous terms, mixed scripts, a single character; from either site.
    ("zh", "账户冻结", "AIS.0027"),
    ("en", "账户冻结", "AIS.0027"),
    ("zh", "token为空", "ModelArts.4101"),
    ("zh", "TOKEN为空", "ModelArts.4101"),
    ("zh", "图片分辨率", "AIS.0205"),
    ("zh", "签名过期", "AIS.0024"),
    ("zh", "冻", "AIS.0027"),
    ("zh", "算法失败", "AIS.0206"),
    ("en", "请求体过大", "APIG.0201"),
    # HTTP status numbers.
    ("en", "405", "AIP.0008"),
    ("zh", "500", "AIP.0500"),
    ("en", "403", "AIP.0001"),
]


@pytest.fixture
def page(browser):
    """A fresh page that lets only 127.0.0.1 through and fails the test on console errors."""
    yield from watched_page(browser, ignore=())


@pytest.fixture
def missing_page(browser):
    """Like page, for the 404 page: Chromium logs the status of the page itself as an error."""
    yield from watched_page(browser, ignore=(NOT_FOUND_MESSAGE,))


def watched_page(browser, ignore):
    """A page on a new context; fails the test on requests off 127.0.0.1 and console errors."""
    context = browser.new_context()
    outside, errors = [], []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(5000)
    page.on("console", lambda message: message.type == "error" and not any(i in message.text for i in ignore)
            and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"console errors: {errors}"


def search_page(page, site_url, lang, query):
    """Open the search page of a language with ?q= and wait for its results."""
    page.goto(f"{site_url}{lang}/search/?q={quote(query)}")
    page.wait_for_selector("#search-results li")


def codes_shown(page):
    """The codes listed in #search-results, best first."""
    return page.locator("#search-results .search-result-code").all_text_contents()


def ask(page, query):
    """Type a query into the search page's box and press Enter; wait for its results."""
    page.fill("#search-page-q", query)
    page.press("#search-page-q", "Enter")
    page.wait_for_selector("#search-results:not([aria-busy]) li")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_right_code_comes_first(page, site_url, lang):
    # The first query arrives as ?q=, the others are typed on the page (which puts them into ?q=).
    rows = [(query, first) for row_lang, query, first in FIRST_RESULTS if row_lang == lang]
    search_page(page, site_url, lang, rows[0][0])
    wrong = []
    for number, (query, first) in enumerate(rows):
        if number:
            ask(page, query)
        shown = codes_shown(page)
        if shown[0] != first:
            wrong.append(f"{query!r}: expected {first} first, got {shown[:5]}")
    assert not wrong, "\n".join(wrong)
    assert page.evaluate("() => new URLSearchParams(location.search).get('q')") == rows[-1][0]


def test_the_table_covers_every_kind_of_query():
    assert len(FIRST_RESULTS) >= 40
    assert {lang for lang, _, _ in FIRST_RESULTS} == {"zh", "en"}
    assert len(QUERY_TABLE) >= 100
    assert {row[0] for row in QUERY_TABLE} == KINDS
    assert {row[1] for row in QUERY_TABLE} == {"zh", "en"} and {row[3] for row in QUERY_TABLE} <= {1, 3}
    assert len({row[4] for row in QUERY_TABLE}) == len(QUERY_TABLE)


def table_rows(built_site, lang):
    """The rows of the family's query table for one language whose codes the built site has."""
    codes = set(json.loads((built_site / "api" / "v1" / "codes.json").read_text(encoding="utf-8")))
    return [row for row in QUERY_TABLE if row[1] == lang and row[2] in codes]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_family_query_table(page, site_url, built_site, lang):
    rows = table_rows(built_site, lang)
    if len(rows) < 10:
        pytest.skip(f"the dataset holds {len(rows)} of the table's codes: source/errors.json is not the family")
    search_page(page, site_url, lang, rows[0][4])
    score, wrong = collections.defaultdict(lambda: [0, 0]), []
    for number, (kind, _, code, within, query) in enumerate(rows):
        if number:
            ask(page, query)
        shown = codes_shown(page)
        score[kind][1] += 1
        if code in shown[:within]:
            score[kind][0] += 1
        else:
            wrong.append(f"{kind} {query[:80]!r}: expected {code} within {within}, got {shown[:5]}")
    summary = ", ".join(f"{kind} {good}/{all_}" for kind, (good, all_) in sorted(score.items()))
    print(f"\nquery table ({lang}): {len(rows)} of {sum(r[1] == lang for r in QUERY_TABLE)} rows; {summary}")
    assert not wrong, summary + "\n" + "\n".join(wrong)


def test_results_link_to_this_language_and_show_status_message_and_marks(page, site_url):
    search_page(page, site_url, "zh", "json format")
    first = page.locator("#search-results .search-result").first
    assert urlsplit(first.get_attribute("href")).path == "/repo/zh/codes/AIP.0009/"
    assert first.locator(".search-result-status").text_content().strip().endswith("400")
    assert first.locator(".search-result-message mark").all_text_contents() == ["JSON", "format"]
    assert first.locator(".search-result-snippet").text_content()
    # Ranked, not filtered: the three with both words first, then those with one of them.
    assert page.locator("#search-summary").text_content().startswith("11")
    assert codes_shown(page)[:3] == ["AIP.0009", "AIS.0014", "ModelArts.4105"]


def test_markup_in_a_query_stays_text(page, site_url):
    query = '<img src=x onerror=alert(1)>AIS.0014<b>'
    search_page(page, site_url, "en", query)
    assert page.locator("#search-results img, #search-results b").count() == 0
    assert page.locator("#search-page-q").input_value() == query


def test_the_index_loads_only_when_searching_starts(page, site_url):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{site_url}en/")
    page.wait_for_load_state("load")
    assert not [u for u in fetched if "/search-index/" in u]
    with page.expect_request(re.compile(r"/search-index/en/meta\.json$")):
        page.focus("#search-q")


def test_header_box_keyboard(page, site_url):
    page.goto(f"{site_url}zh/")
    box = page.locator("#search-q")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("ais02")
    page.wait_for_selector("#search-popup:not([hidden]) [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#search-popup [role=option] .search-result-code").all_text_contents()[:2] == [
        "AIS.0201", "AIS.0202"]
    expect(page.locator(".search-box [role=status]")).to_have_text(re.compile(r"^6\b"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert page.locator(f"#{active} .search-result-code").text_content() == "AIS.0202"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "ais02"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zh/codes/AIS.0202/")


def test_enter_opens_the_full_results_for_words_and_slash_types_in_fields(page, site_url):
    page.goto(f"{site_url}en/search/")
    page.focus("#search-page-q")
    page.keyboard.type("a/b")
    assert page.locator("#search-page-q").input_value() == "a/b"
    page.focus("#search-q")
    page.keyboard.type("token为空")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/search/\?q=token"))
    page.wait_for_selector("#search-results li")
    assert codes_shown(page)[0] == "ModelArts.4101"


@pytest.mark.parametrize("query", ["ais.0014", '{"error_code": "AIS.0014", "error_msg": "The JSON format is wrong"}'])
def test_enter_opens_the_code_page_for_a_code_or_a_paste_with_one_code(page, site_url, query):
    page.goto(f"{site_url}en/")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_url("**/en/codes/AIS.0014/")


def test_the_popup_ends_with_all_results_and_shows_the_count(page, site_url):
    page.goto(f"{site_url}zh/")
    page.fill("#search-q", "image")
    last = page.locator("#search-popup [role=option]").last
    expect(last).to_have_text(re.compile(r"\d+"))
    total = int(re.search(r"\d+", last.text_content()).group())
    assert total > 8 and page.locator("#search-popup .search-result").count() == 8
    assert urlsplit(last.get_attribute("href")).path == "/repo/zh/search/"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zh/search/?q=image")
    expect(page.locator("#search-summary")).to_have_text(re.compile(rf"^{total}\b"))


def test_deep_link_typing_and_the_back_button(page, site_url):
    search_page(page, site_url, "en", "AIS.0014")
    assert codes_shown(page) == ["AIS.0014"]
    first = page.locator("#search-results .search-result-code").first
    page.fill("#search-page-q", "账户冻结")
    expect(first).to_have_text("AIS.0027")
    expect(page).to_have_url(re.compile(r"\?q=" + re.escape(quote("账户冻结")) + "$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=AIS\.0014$"))
    expect(page.locator("#search-page-q")).to_have_value("AIS.0014")
    expect(first).to_have_text("AIS.0014")


def test_without_javascript_the_header_box_goes_to_the_search_page(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}zh/")
    page.fill("#search-q", "AIS.0014")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/zh/search/?q=AIS.0014")
    assert page.locator("#search-page-q").count() == 1
    context.close()


def help_links(page, selector="#search-help"):
    """(class of the item, link text, href path) of the help's links."""
    return page.eval_on_selector_all(f"{selector} li", """items => items.map(li => [li.className,
        li.querySelector('a').textContent, new URL(li.querySelector('a').href).pathname + new URL(li.querySelector('a').href).hostname])""")


def test_a_query_that_matches_nothing_shows_the_help(page, site_url):
    page.goto(f"{site_url}en/search/?q={quote('zebra quagga')}")
    help_block = page.locator("#search-help .search-help")
    expect(help_block).to_be_visible()
    assert "Nothing matches" in help_block.locator(".search-help-lead").text_content()
    assert page.locator("#search-results li").count() == 0
    links = help_block.locator(".search-help-links a")
    assert urlsplit(links.first.get_attribute("href")).path == "/repo/en/"
    assert links.last.get_attribute("href") == "https://apierrorcenter.developer.huaweicloud.com/apierrorcenter"


def test_an_unknown_code_offers_the_closest_codes_and_the_prefix_page(page, site_url):
    page.goto(f"{site_url}zh/search/?q=AIS.0016")
    codes = page.locator("#search-help .search-help-code")
    expect(codes.first).to_have_text("AIS.0015")
    assert all(code.startswith("AIS.") for code in codes.all_text_contents())
    prefix = page.locator("#search-help .search-help-prefix a")
    assert urlsplit(prefix.get_attribute("href")).path == "/repo/zh/AIS/"


def test_a_prefix_the_site_does_not_cover_says_where_it_is_documented(page, site_url):
    page.goto(f"{site_url}en/search/?q=APIGW.0301")
    elsewhere = page.locator("#search-help .search-help-elsewhere a")
    expect(elsewhere).to_contain_text("APIGW")
    assert elsewhere.get_attribute("href") == "https://support.huaweicloud.com/devg-apisign/api-sign-errorcode.html"
    # The code with the closest spelling is offered too.
    assert page.locator("#search-help .search-help-code").first.text_content() == "APIG.0301"


def test_the_header_box_offers_the_closest_codes_for_an_unknown_code(page, site_url):
    page.goto(f"{site_url}en/")
    page.fill("#search-q", "AIS.9999")
    group = page.locator("#search-popup [role=group]")
    expect(group).to_be_visible()
    assert group.locator(".search-result-code").first.text_content().startswith("AIS.")
    page.press("#search-q", "Enter")  # not a code the site has: the full results and help
    page.wait_for_url("**/en/search/?q=AIS.9999")


def test_the_404_page_for_an_unknown_code_offers_codes_of_its_prefix(missing_page, site_url):
    page = missing_page
    page.goto(f"{site_url}en/codes/AIS.9999/")
    help_en = page.locator("[data-search-help][data-input='q-404-en']")
    expect(help_en).to_be_visible()
    codes = help_en.locator(".search-help-code").all_text_contents()
    assert codes and all(code.startswith("AIS.") for code in codes)
    assert urlsplit(help_en.locator(".search-help-code").first.get_attribute("href")).path.startswith("/repo/en/codes/AIS.")
    assert urlsplit(help_en.locator(".search-help-prefix a").get_attribute("href")).path == "/repo/en/AIS/"
    help_zh = page.locator("[data-search-help][data-input='q-404-zh']")
    expect(help_zh.locator(".search-help-prefix a")).to_have_text("全部 AIS 错误码")
    assert urlsplit(help_zh.locator(".search-help-prefix a").get_attribute("href")).path == "/repo/zh/AIS/"


def test_the_404_page_for_an_uncovered_prefix_says_where_it_is_documented(missing_page, site_url):
    page = missing_page
    page.goto(f"{site_url}APIGW.0301")
    elsewhere = page.locator("[data-input='q-404-en'] .search-help-elsewhere a")
    expect(elsewhere).to_have_attribute("href", "https://support.huaweicloud.com/devg-apisign/api-sign-errorcode.html")


def test_results_name_their_service_and_can_be_narrowed_to_one(page, site_url):
    search_page(page, site_url, "en", "token")
    assert page.locator("#search-results .search-result-service").first.text_content() == "Image Recognition"
    page.goto(f"{site_url}en/search/?q=token&service=image-recognition")
    page.wait_for_selector("#search-results li")
    expect(page.locator("#search-filter")).to_contain_text("Image Recognition")
    page.goto(f"{site_url}en/search/?q=token&service=no-such-service")
    expect(page.locator("#search-summary")).to_have_text("No results")
