"""Stages 3-4: the built site: its URLs, links, anchors, escaping, determinism, atomicity."""

import filecmp
import gettext
import os
import json
import re

import pytest
from markupsafe import Markup

from errdex import output, publish
from errdex import render as render_module
from errdex.errors import BuildError
from errdex.render import make_environment, text_gettext
from errdex.site import SiteInputs, SiteSettings, build_site
from tests.conftest import FIXTURES, ROOT, SEED_DATA
from tests.sitecheck import broken_links, parse

SEED = SEED_DATA


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


def beside(folder):
    """What a build left beside its output folder, but for the lock and the manifest it keeps."""
    return sorted(p.name for p in folder.parent.iterdir()
                  if p.name not in (f".{folder.name}.lock", f".{folder.name}.manifest.json"))


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

    original = render_module.PageRenderer.render
    monkeypatch.setattr(render_module.PageRenderer, "render", failing_render)
    with pytest.raises(BuildError, match="simulated"):  # other settings: every page is rendered
        build_site(SEED, out, SiteSettings.from_options("https://other.example/"))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / "en" / "index.html").read_bytes() == stamp
    assert beside(out) == ["site"]


def test_a_refused_swap_is_a_build_error_and_leaves_the_previous_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(out)
    stamp = (out / "en" / "index.html").read_bytes()

    def refuse(first, second):
        raise OSError(28, "No space left on device", str(second))
    monkeypatch.setattr(publish, "exchange", refuse)
    with pytest.raises(BuildError, match=f"cannot build {out}: No space left on device"):
        build(out)
    assert (out / "en" / "index.html").read_bytes() == stamp
    assert beside(out) == ["site"]


def test_without_an_atomic_exchange_the_next_build_brings_back_a_site_caught_between_renames(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(out)
    stamp = (out / "en" / "index.html").read_bytes()
    monkeypatch.setattr(publish, "_renameat2", lambda: None)
    renames, rename = [], os.rename

    def die_after_one_rename(source, target):
        renames.append(target)
        if len(renames) == 2:  # the build dies between moving the old site aside and the new one in
            raise KeyboardInterrupt
        rename(source, target)
    monkeypatch.setattr(publish.os, "rename", die_after_one_rename)
    with pytest.raises(KeyboardInterrupt):
        build(out)
    monkeypatch.undo()
    assert not out.exists() and [p.name.startswith(".site.old-") for p in tmp_path.iterdir()
                                 if p.name not in (".site.lock", ".site.manifest.json")] == [True]
    publish.remove_leftovers(out)
    assert (out / "en" / "index.html").read_bytes() == stamp and beside(out) == ["site"]
    monkeypatch.setattr(publish, "_renameat2", lambda: None)
    build(out)  # the two-rename swap, uninterrupted
    assert (out / "en" / "index.html").read_bytes() == stamp and beside(out) == ["site"]


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
    message = re.search(r'<span class="message" lang="en">(.*?)</span></p>', html).group(1)
    assert "{{ 7*7 }}" in message and "49" not in message
    assert "{{ config }}" in html
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





def test_a_large_sitemap_is_split_with_an_index():
    settings = SiteSettings.from_options("https://example.test/errdex/")
    files = dict(output.sitemap_files(["en/", "en/codes/A.1/", "zh/"], settings, limit=2))
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


# What reaches inside Jinja, MarkupSafe or gettext: none of it may appear in errdex/.
PRIVATE_NAMES = re.compile(r"jinja2\.compiler|CodeGenerator|_escape_inner|\._catalog\b|context_class"
                           r"|code_generator_class|root_render_func|new_context\(|class \w+\(jinja2\.runtime\.")


def test_errdex_uses_no_private_names_of_its_libraries():
    found = [f"{path.name}:{number}: {line.strip()}" for path in sorted((ROOT / "errdex").glob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PRIVATE_NAMES.search(line)]
    assert found == []


def test_the_private_name_check_finds_what_it_looks_for():
    for line in ("from jinja2.compiler import CodeGenerator", "from markupsafe import _escape_inner",
                 "catalog = translations._catalog", "class _Context(jinja2.runtime.Context):"):
        assert PRIVATE_NAMES.search(line), line


class HostileCatalog(gettext.NullTranslations):
    """A catalog whose translator wrote markup into every msgstr."""

    def gettext(self, message):
        return {"Home": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
                "%(prefix)s error codes": "<b onclick=x>%(prefix)s</b> & co",
                "%(num)d code": "<i>%(num)d</i>", "Broken %(prefix)s": "%(prefixx)s",
                "Stray": "100% <b>"}.get(message, message)

    def ngettext(self, singular, plural, num):
        return self.gettext(singular)


def test_translations_are_text_and_so_are_their_variables():
    gettext_, ngettext = text_gettext(HostileCatalog(), "zh/messages.po")
    assert gettext_("Home") == '&lt;meta http-equiv=&#34;refresh&#34; content=&#34;0;url=https://evil.example/&#34;&gt;'
    assert gettext_("%(prefix)s error codes", prefix="<AIS>") == \
        "&lt;b onclick=x&gt;&lt;AIS&gt;&lt;/b&gt; &amp; co"
    # What a template marks as markup itself (another label, a macro's output) stays markup.
    assert gettext_("%(prefix)s error codes", prefix=Markup("<em>AIS</em>")).startswith("&lt;b onclick=x&gt;<em>")
    assert ngettext("%(num)d code", "%(num)d codes", 3) == "&lt;i&gt;3&lt;/i&gt;"
    assert gettext_("100%% sure") == "100% sure"  # always formatted, as Jinja's newstyle gettext


def test_a_translation_with_broken_placeholders_is_a_build_error_naming_the_catalog():
    gettext_, _ = text_gettext(HostileCatalog(), "zh/messages.po")
    with pytest.raises(BuildError, match=r"zh/messages.po: the translation of 'Broken %\(prefix\)s'"):
        gettext_("Broken %(prefix)s", prefix="AIS")
    with pytest.raises(BuildError, match="zh/messages.po: the translation of 'Stray'"):
        gettext_("Stray")


def test_templates_show_a_hostile_translation_as_text(tmp_path):
    (tmp_path / "t.html").write_text('{{ _("Home") }}|{{ _("%(prefix)s error codes", prefix=p) }}'
                                     '|{{ ngettext("%(num)d code", "%(num)d codes", 2) }}', encoding="utf-8")
    (tmp_path / "_macros.html").write_text("", encoding="utf-8")
    env = make_environment("zh", tmp_path, translations=HostileCatalog())
    html = env.get_template("t.html").render(p="<x>")  # "Home" is put in when it compiles, the rest on each call
    assert "<" not in html and html.count("&lt;") == 6


def test_a_constant_translation_that_does_not_fit_fails_when_its_template_compiles(tmp_path):
    (tmp_path / "t.html").write_text('{{ _("Stray") }}', encoding="utf-8")
    (tmp_path / "_macros.html").write_text("", encoding="utf-8")
    env = make_environment("zh", tmp_path, translations=HostileCatalog())
    with pytest.raises(BuildError, match="the translation of 'Stray' does not fit its placeholders"):
        env.get_template("t.html")


@pytest.mark.parametrize("source, folded", [
    ('{{ _("Home") }}', True), ("{{ gettext('Home') }}", True), ('{{ x or _("Home") }}', True),
    ('{{ _("Home", n=1) }}', False), ("{{ _(name) }}", False), ('{{ obj._("Home") }}', False),
    ('{{ ngettext("Home", "Homes", 2) }}', False)])
def test_only_calls_of_a_literal_alone_are_put_in_when_compiling(tmp_path, source, folded):
    (tmp_path / "_macros.html").write_text("", encoding="utf-8")
    env = make_environment("zh", tmp_path, translations=HostileCatalog())
    code = env.compile(source, raw=True)
    assert ("evil.example" in code) == folded


def synthetic(path, count, changed=()):
    """A synthetic dataset; the codes at the positions `changed` get another description."""
    from bench.synthetic import synthetic_dataset
    data = synthetic_dataset(count)
    for number in changed:
        data["codes"][number]["entries"][0]["description"] = {"zh": "上游改了描述。", "en": "A description changed upstream."}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def inode(site, path):
    return (site / path).stat().st_ino


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_links_unchanged_pages_and_equals_a_fresh_build(tmp_path, workers):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    first = synthetic(tmp_path / "first.json", 300)
    build(out, first, workers=workers)
    codes = json.loads(first.read_text(encoding="utf-8"))["codes"]
    kept, changed = codes[10]["code"], codes[150]["code"]
    pages = {f"{lang}/codes/{code}/index.html": inode(out, f"{lang}/codes/{code}/index.html")
             for lang in ("zh", "en") for code in (kept, changed)}
    api = {code: inode(out, f"api/v1/codes/{code}.json") for code in (kept, changed)}
    second = synthetic(tmp_path / "second.json", 300, changed=[150])
    build(out, second, workers=workers)
    build(fresh, second, workers=workers)
    assert _tree_differences(filecmp.dircmp(out, fresh)) == []
    for path, number in pages.items():
        assert (inode(out, path) == number) == (kept in path), path
    assert inode(out, f"api/v1/codes/{kept}.json") == api[kept]
    assert inode(out, f"api/v1/codes/{changed}.json") != api[changed]
    # The index's texts changed: it is made again, not linked.
    assert any('"upstream"' in p.read_text(encoding="utf-8") for p in (out / "search-index" / "en" / "terms").iterdir())


def test_a_rebuild_with_other_settings_renders_every_page(tmp_path):
    out = tmp_path / "site"
    data = synthetic(tmp_path / "data.json", 20)
    build(out, data)
    page = "en/index.html"
    before = inode(out, page)
    build_site(data, out, SiteSettings.from_options("https://other.example/"))
    assert inode(out, page) != before and "https://other.example/" in (out / page).read_text(encoding="utf-8")


def test_a_manifest_that_names_another_folder_is_not_trusted(tmp_path):
    from errdex import reuse
    out = tmp_path / "site"
    data = synthetic(tmp_path / "data.json", 20)
    build(out, data)
    digest = json.loads(reuse.manifest_path(out).read_text(encoding="utf-8"))["inputs"]
    assert reuse.previous_build(out, digest) is not None
    stale = reuse.manifest_path(out).read_text(encoding="utf-8")
    build(out, synthetic(tmp_path / "other.json", 20, changed=[3]))
    # As if the build had been killed between its swap and its manifest.
    reuse.manifest_path(out).write_text(stale, encoding="utf-8")
    assert reuse.previous_build(out, digest) is None
    assert reuse.previous_build(out, "other inputs") is None
