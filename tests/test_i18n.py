"""Truly bilingual: catalogs, coverage, fallbacks, and the language of every page."""

import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from errdex import model
from errdex.i18n import LOCALE_DIR, catalog_path
from errdex.site import SiteInputs, SiteSettings, build_site
from errdex.translations import content_template, coverage, interface_template
from tests.conftest import SEED_DATA

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SEED = SEED_DATA


class _MainText(HTMLParser):
    """Text inside <main> (or the whole body for pages without one), minus other-language spans."""

    def __init__(self, skip_lang):
        super().__init__(convert_charrefs=True)
        self.skip_lang, self.depth, self.skip, self.parts, self.stack = skip_lang, 0, 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        skipping = attrs.get("lang", "").startswith(self.skip_lang) or tag in ("script", "style")
        self.stack.append((tag, skipping))
        self.skip += skipping
        self.depth += tag == "main"

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, skipping = self.stack.pop()
            self.skip -= skipping
            self.depth -= open_tag == "main"
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def main_text(path, skip_lang):
    parser = _MainText(skip_lang)
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_every_english_page_is_english_throughout(built_site):
    pages = sorted((built_site / "en").rglob("index.html"))
    assert len(pages) == 88 + 3  # and the services index, the one service, the API page
    offenders = {}
    for page in pages:
        text = main_text(page, "zh")
        found = CJK.findall(text)
        if found:
            offenders[str(page.relative_to(built_site))] = "".join(found)[:40]
    assert offenders == {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="en"' in html
        assert "Not yet translated" not in html


def test_every_chinese_page_interface_is_chinese(built_site):
    for page in sorted((built_site / "zh").rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in html
        for english in ("Skip to content", "Error codes<", "Search error codes", "HTTP status<", "Description<",
                        "Solution<", "Related codes", "Copy link", "Not yet translated", "Home<"):
            assert english not in html, (page, english)
    code = (built_site / "zh" / "codes" / "AIS.0014" / "index.html").read_text(encoding="utf-8")
    for chinese in ("跳到正文", "处理措施", "错误响应示例", "相关错误码", "复制链接", "补充说明"):
        assert chinese in code


def test_pages_have_hreflang_alternates_to_the_same_page(built_site):
    html = (built_site / "zh" / "AIS" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" hreflang="en" href="https://example.test/repo/en/AIS/">' in html
    assert '<link rel="alternate" hreflang="zh-CN" href="https://example.test/repo/zh/AIS/">' in html
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', html).group(1)
    assert switch == "../../en/AIS/"


def test_po_files_parse_and_compile_and_are_complete():
    import io
    for lang, domain in (("zh", "messages"), ("en", "content")):
        path = catalog_path(lang, domain)
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=lang, abort_invalid=True)
        write_mo(io.BytesIO(), catalog)
        result = coverage(catalog, lang, domain)
        assert (result.translated, result.fuzzy) == (result.total, 0), str(result)


def test_coverage_numbers_match_the_data():
    dataset = model.load(SEED)
    zh_texts = {t for c in dataset.codes for e in c.entries for t in
                (e.description.get("zh"), e.solution.get("zh")) if t}
    source = dataset.sources[0]
    page_texts = {source.title} | {s.heading for s in source.intro if s.heading} | {s.body for s in source.intro} \
        | {r.label for r in source.remarks} | {r.text for r in source.remarks}
    template = content_template(dataset, "en")
    assert {m.id for m in template if m.id} == zh_texts | page_texts
    with open(catalog_path("en", "content"), "rb") as handle:
        catalog = read_po(handle)
    assert coverage(catalog, "en", "content").total == len(zh_texts | page_texts) == 152
    interface = {m.id if isinstance(m.id, str) else m.id[0] for m in interface_template() if m.id}
    with open(catalog_path("zh", "messages"), "rb") as handle:
        zh = read_po(handle)
    assert interface == {m.id if isinstance(m.id, str) else m.id[0] for m in zh if m.id}


def test_changed_chinese_sentence_is_reported_untranslated_and_strict_fails(tmp_path):
    raw = json.loads(SEED.read_text(encoding="utf-8"))
    entry = next(c for c in raw["codes"] if c["code"] == "AIS.0014")["entries"][0]
    entry["description"]["zh"] = "输入数据的JSON格式有误。"
    path = tmp_path / "errors.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    inputs = SiteInputs(content_locale_dir=LOCALE_DIR)
    result = build_site(path, tmp_path / "site", SiteSettings.from_options(""), inputs=inputs)
    assert list(result.warnings) == ["untranslated into en (AIS.0014 description): '输入数据的JSON格式有误。'"]
    html = (tmp_path / "site" / "en" / "codes" / "AIS.0014" / "index.html").read_text(encoding="utf-8")
    assert ('<div class="fallback" lang="zh-CN"><span class="untranslated" lang="en">Not yet translated</span>'
            '<p>输入数据的JSON格式有误。</p></div>') in html
    from errdex.cli import StrictFailure, report_warnings
    with pytest.raises(StrictFailure):
        build_site(path, tmp_path / "site2", SiteSettings.from_options(""), inputs=inputs, strict=True,
                   warn=report_warnings)
    assert not (tmp_path / "site2").exists()


def test_glossary_exists_and_names_core_terms():
    glossary = (LOCALE_DIR / "glossary.md").read_text(encoding="utf-8")
    for term in ("AK/SK", "OBS", "IAM", "工单", "充值"):
        assert term in glossary


@pytest.mark.parametrize("start, expected", [
    ("en/codes/AIS.0014/", "zh/codes/AIS.0014/"),
    ("zh/ModelArts/", "en/ModelArts/"),
    ("en/search/?q=token", "zh/search/?q=token"),
    ("zh/status/405/", "en/status/405/"),
])
def test_language_switch_lands_on_the_same_page(site_url, browser, start, expected):
    page = browser.new_page()
    page.goto(site_url + start)
    page.click("a.lang-switch")
    page.wait_for_url(site_url + expected)
    assert page.url == site_url + expected
    assert page.evaluate("localStorage.getItem('errdex-lang')") == expected[:2]
    page.close()
