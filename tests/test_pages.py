"""Stage 3-4, the pages readers land on: services as a dimension, codes shared across
services, ticket-ready code pages, index pages with filters, ids that codes cannot take."""

import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from errdex.markup import render_markdown
from errdex.site import SiteSettings, build_site
from errdex.views import cut_at_word
from tests import two_services
from tests.conftest import SEED_DATA
from tests.sitecheck import broken_links, html_files, parse
from tests.two_services import SITE_URL, service_name


def read(site, path):
    return (site / path / "index.html").read_text(encoding="utf-8")


class _Outline(HTMLParser):
    """The text of every element with one of the given classes or tags, in order."""

    def __init__(self, selector):
        super().__init__(convert_charrefs=True)
        self.selector, self.found, self._depth = selector, [], 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += 1
        elif tag == self.selector or self.selector.lstrip(".") in classes and self.selector.startswith("."):
            self._depth = 1
            self.found.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.found[-1] += data


def texts(html, selector):
    parser = _Outline(selector)
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.found]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_code_two_services_use_differently_has_a_section_per_service(two_site, lang):
    html = read(two_site, f"{lang}/codes/1100")
    sections = re.findall(r'<section class="entry" id="sec-entry(?:-\d)?" data-services="([^"]*)"', html)
    assert sections == ["iam", "obs"]  # in the services' order
    headings = re.findall(r'<h2 id="sec-entry(?:-\d)?-h">([^<]*)</h2>', html)
    assert headings == [service_name("iam", lang), service_name("obs", lang)]
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert title == {"en": "1100 · 2 services · Invalid token.", "zh": "1100 · 2 个服务 · Token无效。"}[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_code_two_services_share_is_one_entry_naming_both(two_site, lang):
    html = read(two_site, f"{lang}/codes/APIG.0301")
    assert html.count('<section class="entry"') == 1
    assert texts(html, ".service") == [service_name("iam", lang), service_name("obs", lang)]
    assert "sec-entry-h" not in html and "services ·" not in re.search(r"<title>[^<]*", html).group(0)


def test_english_comes_from_another_services_page_where_the_service_has_none(two_site):
    html = read(two_site, "en/codes/IAM.0001")
    solution = html[html.index('id="sec-solution"'):]
    assert "<p>Check whether the token is correct.</p>" in solution[:400]
    assert f"Translation from the {service_name('obs', 'en')} page." in solution[:600]
    assert "Not yet translated" not in html[:html.index("<template")]


def test_what_to_check_puts_notes_first_when_the_solution_restates_the_message(two_site, built_site):
    # IAM.0001's solution (请检查Token是否正确) repeats its description (Token不合法): the note leads.
    restated = read(two_site, "en/codes/IAM.0001")
    assert restated.index('id="sec-notes"') < restated.index('id="sec-solution"') < restated.index('id="sec-description"')
    # AIS.0015's solution says more than its message (the Base64 of the image): it leads.
    more = read(built_site, "en/codes/AIS.0015")
    assert more.index('id="sec-check"') < more.index('id="sec-solution"') < more.index('id="sec-notes"')
    assert more.index('id="sec-notes"') < more.index('id="sec-description"') < more.index('id="sec-example"') \
        < more.index('id="sec-related"') < more.index('id="sec-source"')


def test_code_page_names_its_service_near_the_top_and_links_the_public_upstream_page(two_site, built_site):
    html = read(two_site, "en/codes/OBS.0001")
    head = html[html.index("<main"):html.index('class="entries"')]
    assert f'href="../../../en/services/obs/">{service_name("obs", "en")}</a>' in head
    assert f'href="{two_services.URLS["obs.en"]}"' in head  # the English page, on the English site
    seed = read(built_site, "en/codes/AIS.0014")
    source = seed[seed.index('id="sec-source"'):seed.index("</section>", seed.index('id="sec-source"'))]
    assert "retrieved 2026-11-27" in source and "shared/seeds" not in seed and ".txt" not in source


def test_titles_and_descriptions_are_cut_at_a_word(two_site):
    html = read(two_site, "en/codes/OBS.0001")
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert title == "OBS.0001 · The bucket policy of the requested bucket does not allow…"
    assert len(title) <= 72
    assert f'<meta property="og:title" content="{title}">' in html
    assert f'<meta property="og:url" content="{SITE_URL}en/codes/OBS.0001/">' in html
    assert '<meta property="og:site_name" content="Huawei Cloud API error codes">' in html
    assert cut_at_word("短" * 200, 160) == "短" * 159 + "…"
    assert cut_at_word("a few words here", 70) == "a few words here"


def test_without_a_site_url_no_canonical_or_og_url_is_published(tmp_path):
    data, inputs = two_services.write_inputs(tmp_path)
    build_site(data, tmp_path / "site", SiteSettings.from_options(""), inputs=inputs)
    html = read(tmp_path / "site", "en/codes/OBS.0001")
    assert 'rel="canonical"' not in html and "og:url" not in html and "og:site_name" not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_service_pages_list_their_codes_with_upstream_link_date_and_coverage(two_site, lang):
    index = read(two_site, f"{lang}/services")
    assert texts(index, "th")[4:6] == [service_name("iam", lang), service_name("obs", lang)]
    obs = read(two_site, f"{lang}/services/obs")
    assert re.findall(r'<a class="code" href="[^"]*">([^<]*)</a>', obs) == ["1100", "APIG.0301", "OBS.0001", "search-q"]
    assert two_services.URLS["obs.zh"] in obs and two_services.URLS["obs.en"] in obs
    assert "2026-11-27" in obs
    # Of OBS's 8 texts, 4 are on its English page (1100's and OBS.0001's); APIG.0301's and
    # search-q's are not, nor in the catalog.
    if lang == "en":
        assert re.search(r"4 from upstream, 0 from another service(&#39;|')s page, 0 from our translations, "
                         r"4 not yet translated", obs)
    # Several prefixes: one table per prefix, each with its filter box.
    assert obs.count("<table class=\"codes") == 4 and obs.count("data-table-filter=") == 4


def test_home_leads_with_search_then_services_then_prefixes_and_statuses(two_site, built_site):
    html = read(two_site, "en")
    main = html[html.index("<main"):]
    order = [main.index(marker) for marker in ('role="search"', 'id="sec-by-service"', 'id="sec-by-prefix"',
                                               'id="sec-by-status"', 'id="sec-all-codes"')]
    assert order == sorted(order)
    assert texts(main, ".service-name") == [service_name("iam", "en"), service_name("obs", "en")]
    seed = read(built_site, "en")
    assert seed.index('id="sec-by-status"') < seed.index('class="intro"')
    # Upstream's example keeps (gets back) its indentation.
    assert '{\n  &#34;error_code&#34;: &#34;AIS.0014&#34;,' in seed


def test_prefix_page_says_which_services_use_it(two_site):
    html = read(two_site, "en/APIG")
    lead = html[html.index('class="lead"'):html.index("</p>", html.index('class="lead"'))]
    assert texts(lead, ".service") == [service_name("iam", "en"), service_name("obs", "en")]


def test_index_rows_show_the_solutions_first_sentence_and_status_pages_no_status_column(built_site):
    prefix = read(built_site, "zh/AIS")
    row = prefix[prefix.index('<tr id="row-AIS.0023">'):prefix.index("</tr>", prefix.index('<tr id="row-AIS.0023">'))]
    assert "<td>检查图片格式是否是服务支持的格式。</td>" in row  # not the "具体请参见…" after it
    status = read(built_site, "en/status/400")
    assert '<table class="codes without-status"' in status
    assert '<table class="codes without-status"' not in prefix


def test_ids_are_unique_on_every_page_even_for_codes_named_like_the_pages_ids(two_site):
    for page in html_files(two_site):
        ids = Counter(re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8")))
        assert [i for i, n in ids.items() if n > 1] == [], page
    home = parse(two_site / "en" / "index.html").ids
    assert {"main", "search-q", "row-main", "row-search-q"} <= home


def test_every_link_and_fragment_of_the_two_services_site_resolves(two_site):
    assert broken_links(two_site) == []


def test_headings_hold_only_phrasing_content(built_site, two_site):
    block = re.compile(r"<h([1-6])[^>]*>(?:(?!</h\1>).)*<(?:div|p|ul|ol|section|pre|table)[\s>]", re.S)
    for site in (built_site, two_site):
        for page in html_files(site):
            assert not block.search(page.read_text(encoding="utf-8")), page


def test_ticket_text_has_code_service_message_what_to_check_and_link(built_site):
    html = read(built_site, "en/codes/AIS.0014")
    ticket = html[html.index('<template id="ticket">'):html.index("</template>")]
    for part in ("**AIS.0014** · `The JSON format of the input data is incorrect.`\nService: Image Recognition\n",
                 "- **What to check**: Check the JSON format of the input data.\n", "python3 -m json.tool",
                 "[AIS.0014](https://example.test/repo/en/codes/AIS.0014/)\n"):
        assert part in ticket, part


def test_every_page_links_to_search_services_and_the_api_page(two_site):
    for page in html_files(two_site):
        if page.name == "index.html" and page.parent.name in ("zh", "en", "two-services", "site") \
                and page.parent == two_site:
            continue  # the landing page only chooses a language
        links = {link for _, _, link in parse(page).links}
        lang = page.relative_to(two_site).parts[0]
        if lang not in ("zh", "en"):
            continue
        depth = len(page.relative_to(two_site).parts) - 1
        up = "../" * depth
        assert {f"{up}{lang}/search/", f"{up}{lang}/services/", f"{up}{lang}/api/"} <= links, page


def test_strict_holds_only_services_declared_complete_to_full_translation(tmp_path):
    from errdex.errors import ErrdexError
    from dataclasses import replace
    data, inputs = two_services.write_inputs(tmp_path)
    complete = tmp_path / "complete-services.txt"
    complete.write_text("# translated in full\nobs\n", encoding="utf-8")
    result = build_site(data, tmp_path / "site", SiteSettings.from_options(""),
                        inputs=replace(inputs, complete_services_file=complete))
    # obs's untranslated texts (APIG.0301, which iam shares, search-q, the retired OBS.0002) are
    # warnings; iam's own (1100's first entry, main) are only counted in the coverage lines.
    assert sorted(w.split(")")[0] for w in result.warnings) == [
        "untranslated into en (APIG.0301 description", "untranslated into en (APIG.0301 solution",
        "untranslated into en (OBS.0002 description", "untranslated into en (OBS.0002 solution",
        "untranslated into en (search-q description", "untranslated into en (search-q solution"]
    # iam: 1100's first entry, main and APIG.0301 untranslated; IAM.0001 reused and from the catalog.
    assert "coverage en iam: 2/8 texts, 0 upstream, 1 reused, 1 catalog, 6 fallback" in result.coverage
    assert "coverage en obs: 4/8 texts, 4 upstream, 0 reused, 0 catalog, 4 fallback" in result.coverage
    assert "coverage zh obs: 8/8 texts, 8 upstream, 0 reused, 0 catalog, 0 fallback" in result.coverage
    from errdex.cli import report_warnings
    with pytest.raises(ErrdexError, match="--strict"):
        build_site(data, tmp_path / "strict", SiteSettings.from_options(""), strict=True, warn=report_warnings,
                   inputs=replace(inputs, complete_services_file=complete))
    complete.write_text("iam\nnosuch\n", encoding="utf-8")
    result = build_site(data, tmp_path / "site", SiteSettings.from_options(""),
                        inputs=replace(inputs, complete_services_file=complete))
    assert f"{complete}: no upstream page is of the service 'nosuch'; its line is not used" in result.warnings
    assert "untranslated into en (main description): '主码。'" in result.warnings


def test_a_code_without_a_status_links_no_status_page(tmp_path):
    """An entry without an HTTP status says so; it must not link to a status page of None."""
    data = json.loads(SEED_DATA.read_text(encoding="utf-8"))
    entry = data["codes"][0]["entries"][0]
    entry.update(http_status=None, http_statuses=[])
    (tmp_path / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    build_site(tmp_path / "data.json", tmp_path / "site", SiteSettings())
    page = (tmp_path / "site" / "en" / "codes" / data["codes"][0]["code"] / "index.html").read_text(encoding="utf-8")
    assert "status/None" not in page and "None" not in page
    assert "not given upstream" in page
    assert broken_links(tmp_path / "site") == []


def test_upstream_links_into_upstreams_own_page_keep_their_text_and_lose_their_target():
    html = str(render_markdown("[表1](#table177973508288)列出了常见错误码，见[说明](errors.md)和"
                               "[文档](https://support.huaweicloud.com/x.html)。"))
    assert "表1" in html and "说明" in html and 'href="#' not in html and 'href="errors.md"' not in html
    assert 'href="https://support.huaweicloud.com/x.html"' in html
