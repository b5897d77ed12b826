"""Stages 3-4: the built site: its URLs, links, anchors, escaping, determinism, atomicity."""

import filecmp
import json
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from errdex import site as site_module
from errdex.errors import BuildError
from errdex.pipeline import compact_json
from errdex.render import TEMPLATES_DIR, escape_output, format_escaped, make_environment
from errdex.site import SiteInputs, SiteSettings, build_site
from tests.conftest import FIXTURES, ROOT
from tests.sitecheck import broken_links, parse

SEED = ROOT / "source" / "errors.json"


def build(out, data=SEED, **options):
    return build_site(data, out, SiteSettings.from_options("https://example.test/repo/"), **options)


def test_seed_site_has_every_page_of_the_url_scheme(built_site):
    for lang in ("zh", "en"):
        codes = sorted(p.name for p in (built_site / lang / "codes").iterdir())
        assert len(codes) == 77
        assert all((built_site / lang / "codes" / c / "index.html").is_file() for c in codes)
        for prefix in ("AIS", "AIP", "ModelArts", "APIG"):
            assert (built_site / lang / prefix / "index.html").is_file()
        assert sorted(p.name for p in (built_site / lang / "status").iterdir()) == ["400", "401", "403", "405", "500"]
        assert (built_site / lang / "search" / "index.html").is_file()
        assert (built_site / lang / "index.html").is_file()
    for path in ("index.html", "404.html", "sitemap.xml", "robots.txt", ".nojekyll", "api/v1/errors.json",
                 "api/v1/codes/AIS.0014.json", "assets/style.css"):
        assert (built_site / path).is_file(), path
    assert json.loads((built_site / "api/v1/codes/AIS.0014.json").read_text())["code"] == "AIS.0014"


def test_every_relative_link_and_fragment_resolves(built_site):
    assert broken_links(built_site) == []


def test_every_index_row_has_an_anchor_and_a_self_link(built_site):
    html = (built_site / "en" / "AIS" / "index.html").read_text(encoding="utf-8")
    assert '<tr id="row-AIS.0014">' in html
    assert 'href="#row-AIS.0014"' in html
    home = parse(built_site / "zh" / "index.html")
    assert sum(1 for i in home.ids if re.match(r"^row-[A-Za-z]+\.\d+$", i)) == 77


def test_code_page_content(built_site):
    html = (built_site / "en" / "codes" / "AIP.0008" / "index.html").read_text(encoding="utf-8")
    assert html.count('<var class="ph"') == 2
    assert 'href="../../../en/status/405/"' in html and "405 Method Not Allowed" in html
    for section in ("message", "description", "solution", "example", "source"):
        assert f'id="sec-{section}"' in html
    assert 'hreflang="zh-CN"' in html and 'href="../../../zh/codes/AIP.0008/"' in html
    assert '<meta property="og:title" content="AIP.0008 · The request method %s is not allowed, allow is %s.">' in html
    assert '<link rel="canonical" href="https://example.test/repo/en/codes/AIP.0008/">' in html
    listed = (built_site / "en" / "codes" / "APIG.0301" / "index.html").read_text(encoding="utf-8")
    assert listed.count("<li>") >= 3 and "<ol>" in listed


def test_pages_carry_a_strict_csp_and_no_inline_script(built_site):
    for page in (built_site / "en" / "codes" / "AIS.0014" / "index.html", built_site / "index.html",
                 built_site / "404.html", built_site / "zh" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html and "default-src 'self'" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"\son[a-z]+=", html), page
        assert "http://" not in html.replace("http://www.w3.org", "")


def test_404_page_links_are_under_the_base_path(built_site):
    html = (built_site / "404.html").read_text(encoding="utf-8")
    assert 'href="/repo/assets/style.css"' in html and 'data-base-path="/repo/"' in html


def test_sitemap_lists_every_page_with_alternates(built_site):
    import xml.etree.ElementTree as ET
    tree = ET.parse(built_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    assert len(urls) == 2 * (1 + 4 + 5 + 77 + 1 + 2 + 1)  # home, prefixes, statuses, codes, search, services, API
    first = urls[0]
    assert first.find("s:loc", ns).text.startswith("https://example.test/repo/")
    assert {link.get("hreflang") for link in first.findall("x:link", ns)} == {"zh-CN", "en"}


def test_build_is_deterministic(tmp_path):
    build(tmp_path / "a")
    build(tmp_path / "b")
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert _tree_differences(comparison) == []


def test_parallel_build_equals_serial_build(tmp_path):
    """Above PARALLEL_THRESHOLD the build forks a worker; its output must not depend on that,
    nor on how the second language's code pages are shared between the two processes."""
    from bench.synthetic import write_synthetic
    data = tmp_path / "data.json"
    write_synthetic(data, 300)
    dataset = json.loads(data.read_text(encoding="utf-8"))
    for number in (3, 150, 299):  # untranslated texts, in chunks the two processes share
        del dataset["codes"][number]["entries"][0]["solution"]["en"]
    data.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    warnings = {}
    for mode, workers in (("parallel", 2), ("serial", 1)):
        build(tmp_path / mode, data, workers=workers, warn=lambda found, strict, mode=mode: warnings.update({mode: found}))
    comparison = filecmp.dircmp(tmp_path / "parallel", tmp_path / "serial")
    assert _tree_differences(comparison) == []
    assert len(list((tmp_path / "parallel" / "en" / "codes").iterdir())) == 300
    assert warnings["parallel"] == warnings["serial"] and len(warnings["parallel"]) == 3


def _tree_differences(comparison):
    found = comparison.left_only + comparison.right_only + comparison.diff_files
    match, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files,
                                               shallow=False)
    found += mismatch + errors
    for sub in comparison.subdirs.values():
        found += _tree_differences(sub)
    return found


def test_failed_build_leaves_previous_site_untouched(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    stamp = (out / "en" / "index.html").read_bytes()
    calls = []

    def failing_render(*args, **kwargs):
        calls.append(1)
        if len(calls) == 50:
            raise BuildError("simulated failure in the middle of rendering")
        return original(*args, **kwargs)

    original = site_module.PageRenderer.render
    monkeypatch.setattr(site_module.PageRenderer, "render", failing_render)
    with pytest.raises(BuildError, match="simulated"):
        build(out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / "en" / "index.html").read_bytes() == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failed_write_leaves_previous_site_and_no_staging(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(out)
    stamp = (out / "en" / "index.html").read_bytes()
    monkeypatch.setattr(site_module.os, "rename", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        build(out)
    assert (out / "en" / "index.html").read_bytes() == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_refuses_to_build_over_sources_or_foreign_folders(tmp_path):
    with pytest.raises(BuildError, match="holds the project's sources"):
        build(ROOT)
    with pytest.raises(BuildError, match="holds the project's sources"):
        build(ROOT / "source" / "site")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    with pytest.raises(BuildError, match="not a site built by errdex"):
        build(foreign)
    assert (foreign / "thesis.txt").read_text() == "precious"


def test_hostile_text_is_escaped(tmp_path):
    data = json.loads((FIXTURES / "golden-data.json").read_text(encoding="utf-8"))
    entry = data["codes"][0]["entries"][0]
    entry["message"] = '<script>alert(1)</script> "quoted" \'single\' {{ 7*7 }} {% if 1 %}x{% endif %}'
    entry["description"] = {"zh": '<img src=x onerror=alert(1)> [click](javascript:alert(1)) {{ config }}'}
    entry["solution"] = {"zh": '"><svg onload=alert(1)>'}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "site"
    build(out, data=path)
    html = (out / "zh" / "codes" / "DEMO.0001" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<svg" not in html
    assert "javascript:" not in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("DEMO.0001")[1][:0] + ""
    assert "{% if 1 %}x{% endif %}" in html
    assert "&#34;quoted&#34;" in html or "&quot;quoted&quot;" in html


def test_untranslated_text_is_marked_and_counted(tmp_path):
    result = build(tmp_path / "site", data=FIXTURES / "golden-data.json",
                   inputs=SiteInputs(content_locale_dir=FIXTURES / "golden-locale"))
    assert [w for w in result.warnings if "untranslated" in w] == [
        "untranslated into en (X-1 description): '没有翻译的描述。'"]
    html = (tmp_path / "site" / "en" / "codes" / "X-1" / "index.html").read_text(encoding="utf-8")
    assert '<div class="fallback" lang="zh-CN"><span class="untranslated" lang="en">Not yet translated</span>' in html


def test_golden_build_of_the_small_fixture(tmp_path):
    from tests.regenerate_golden import GOLDEN, build_golden, golden_files
    out = build_golden(tmp_path / "site")
    expected, actual = golden_files(GOLDEN), golden_files(out)
    assert sorted(actual) == sorted(expected), "file list differs: run 'make golden' and review"
    import difflib
    for name in sorted(expected):
        if expected[name] != actual[name]:
            diff = "\n".join(difflib.unified_diff(expected[name].splitlines(), actual[name].splitlines(),
                                                  f"golden/{name}", f"built/{name}", lineterm=""))
            pytest.fail(f"{name} differs from the golden file (run 'make golden' and review):\n{diff[:4000]}")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.text().map(Markup)))
def test_output_escape_is_markupsafes_escape(value):
    assert escape_output(value) == str(escape(value))


def test_compiled_templates_escape_output_once(tmp_path):
    # Macros, {% set %} blocks and filters see the output escaped once, never twice.
    (tmp_path / "t.html").write_text(
        "{% macro em(x) %}<em>{{ x }}</em>{% endmacro %}{% set block %}<b>{{ v }}</b>{% endset %}"
        "{{ em(v) }}|{{ block }}|{{ em(em(v)) }}|{{ v | upper }}|{{ safe }}|{{ n }}",
        encoding="utf-8")
    shutil.copy(TEMPLATES_DIR / "_macros.html", tmp_path)  # every environment has the shared macros
    env = make_environment("en", tmp_path)
    assert env.get_template("t.html").render(v="<a&'\">", safe=Markup("<i>"), n=7) == (
        "<em>&lt;a&amp;&#39;&#34;&gt;</em>|<b>&lt;a&amp;&#39;&#34;&gt;</b>|<em><em>&lt;a&amp;&#39;&#34;&gt;</em></em>"
        "|&lt;A&amp;&#39;&#34;&gt;|<i>|7")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(), st.one_of(st.text(), st.text().map(Markup), st.none()))
def test_translated_labels_format_like_markup(text, number, other):
    template = "<b>%(text)s</b> %(number)d %(other)s 100%%"
    variables = {"text": text, "number": number, "other": other}
    assert format_escaped(template, variables) == Markup(template) % variables


def test_templates_call_functions_as_jinja_does(tmp_path):
    # The context's shorter way through call() must still pass the context to those that ask.
    import functools as ft
    import jinja2
    (tmp_path / "t.html").write_text("{% macro mac(x) %}<{{ x }}>{% endmacro %}"
                                     "{{ plain(1, b=2) }} {{ part(3) }} {{ ctx() }} {{ env() }} {{ mac(4) }}",
                                     encoding="utf-8")
    shutil.copy(TEMPLATES_DIR / "_macros.html", tmp_path)
    env = make_environment("en", tmp_path)
    html = env.get_template("t.html").render(
        plain=lambda a, b: f"{a}+{b}", part=ft.partial(lambda a, b: a * b, 2),
        ctx=jinja2.pass_context(lambda context: context["lang"]),
        env=jinja2.pass_environment(lambda environment: type(environment).__name__))
    assert html == "1+2 6 en _Environment <4>"


def test_templates_read_attributes_as_jinja_does(tmp_path):
    # Compiled templates try the builtin getattr first; what they read must not change.
    import jinja2

    class Thing:
        __slots__ = ("name", "none", "inner")

        def __init__(self, name, inner=None):
            self.name, self.none, self.inner = name, None, inner

        @property
        def broken(self):
            raise AttributeError("not here")

    calls = []

    def make():
        calls.append(1)
        return Thing("made")

    source = ("{{ t.name }}|{{ t.none }}|{{ t.inner.inner.name }}|{{ d.key }}|{{ d.items()|list|length }}"
              "|{{ t.missing|default('dflt') }}|{{ t.broken|default('fell back') }}|{{ make().name }}"
              "|{{ t.name.upper() }}|{% for x in [t, t.inner] %}{{ x.name }}{{ loop.index }}{% endfor %}")
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    shutil.copy(TEMPLATES_DIR / "_macros.html", tmp_path)
    data = dict(t=Thing("outer", Thing("mid", Thing("deep"))), d={"key": "<v>"}, make=make)
    ours = make_environment("en", tmp_path).get_template("t.html").render(**data)
    stock = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(source).render(**data)
    assert ours == stock == "outer|None|deep|&lt;v&gt;|1|dflt|fell back|made|OUTER|outer1mid2"
    assert len(calls) == 2  # once per render: the object of an attribute is evaluated once
    (tmp_path / "u.html").write_text("{{ t.missing }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        make_environment("en", tmp_path).get_template("u.html").render(**data)


def test_a_large_sitemap_is_split_with_an_index(monkeypatch):
    monkeypatch.setattr(site_module, "SITEMAP_LIMIT", 2)
    settings = SiteSettings.from_options("https://example.test/errdex/")
    files = dict(site_module.sitemap_files(["en/", "en/codes/A.1/", "zh/"], settings))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    assert files["sitemap-1.xml"].count("<url>") == 2 and files["sitemap-2.xml"].count("<url>") == 1
    assert '<xhtml:link rel="alternate" hreflang="zh-CN" href="https://example.test/errdex/zh/codes/A.1/"/>' \
        in files["sitemap-1.xml"]
    assert "<loc>https://example.test/errdex/sitemap-2.xml</loc>" in files["sitemap.xml"]


def test_index_rows_are_made_once_with_each_pages_root():
    from errdex.views import RowView
    code_rows = make_environment("en").globals["code_rows"]
    code_rows.forget()
    row = RowView("DEMO.0001", "en/codes/DEMO.0001/", (400,), "<@root> & <b>", None, ((400, "en/status/400/"),))
    deep, shallow = code_rows([row], "../../"), code_rows([row], "../")
    assert 'href="../../en/codes/DEMO.0001/"' in deep and 'href="../../en/status/400/"' in deep
    assert 'href="../en/codes/DEMO.0001/"' in shallow and "../../" not in shallow
    # Text that reads like the marker stays text, escaped; the row's cell is as the data says.
    assert "&lt;@root&gt; &amp; &lt;b&gt;" in deep and "../../ &amp;" not in deep
    # Another row object for the same code (another build, say) is rendered anew, not reused.
    changed = RowView("DEMO.0001", "en/codes/DEMO.0001/", (403,), "Other", None, ((403, "en/status/403/"),))
    again = code_rows([changed], "../")
    assert "Other" in again and "en/status/403/" in again and "en/status/400/" not in again
    code_rows.forget()
