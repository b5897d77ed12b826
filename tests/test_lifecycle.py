"""Links that never break: retired codes, redirects, the URL registry, notes, `make update`."""

import json

import pytest

from errdex import lifecycle, model, pipeline
from errdex.errors import BuildError, DataError
from errdex.site import SiteInputs, SiteSettings, build_site
from errdex.update import update_repository

PAGE = """错误码
状态码 | 错误码 | 错误信息 | 描述 | 处理措施 |
|---|---|---|---|---|
400 | DEMO.0001 | The token is empty. | Token为空。 | 检查请求头。 |
400 | DEMO.0002 | The request method %s is not allowed. | 请求方法不允许。 | 检查请求方法。 |
403 | DEMO.0003 | No access permission. | 没有权限访问。 | 请检查访问权限。 |
"""
SETTINGS = SiteSettings.from_options("https://example.test/repo/")


@pytest.fixture
def repo(tmp_path):
    """A miniature repository: one upstream page, its dataset, an empty retired list."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / "demo.zh.txt").write_text(PAGE, encoding="utf-8")
    (upstream / "provenance.json").write_text(json.dumps({"pages": [
        {"file": "demo.zh.txt", "id": "demo.zh", "service": "Demo", "language": "zh",
         "origin": "https://example.com/demo", "retrieved": "2026-11-27"}]}), encoding="utf-8")
    data = tmp_path / "errors.json"
    data.write_text(pipeline.scrape_pages(pipeline.upstream_pages(upstream)).text, encoding="utf-8")
    inputs = SiteInputs(notes_dir=tmp_path / "notes", retired_file=tmp_path / "retired.json",
                        redirects_file=tmp_path / "redirects.json", registry_file=tmp_path / "urls.txt",
                        content_locale_dir=tmp_path / "locale")
    return tmp_path, upstream, data, inputs


def update(repo_dir, upstream, data, inputs):
    # These cases drop one of three codes on purpose: more than the removal guard lets through.
    return update_repository(data_file=data, upstream_dir=upstream, retired_file=inputs.retired_file,
                             locale_dir=inputs.content_locale_dir, accept_removals=["demo.zh.txt"])


def test_dropped_code_is_retired_and_its_page_stays(repo, monkeypatch):
    tmp, upstream, data, inputs = repo
    lifecycle.record_urls(build_site(data, tmp / "site", SETTINGS, inputs=inputs).published, inputs.registry_file)
    assert "en/codes/DEMO.0002/" in lifecycle.read_registry(inputs.registry_file)

    (upstream / "demo.zh.txt").write_text(PAGE.replace(PAGE.splitlines()[4] + "\n", ""), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    report = update(tmp, upstream, data, inputs)
    assert report.retired == ["DEMO.0002"]
    assert "- DEMO.0002" in str(report)
    (retired,) = lifecycle.load_retired(inputs.retired_file)
    assert (retired.code.code, retired.retired_on) == ("DEMO.0002", "2026-12-01")
    # The date of the last copy that still listed it, not of the copy that dropped it.
    assert retired.last_listed == "2026-11-27"

    build_site(data, tmp / "site", SETTINGS, inputs=inputs)  # the registry check passes
    page = (tmp / "site" / "en" / "codes" / "DEMO.0002" / "index.html").read_text(encoding="utf-8")
    assert "No longer listed upstream: the last upstream copy that listed it is of 2026-11-27." in page
    assert "The request method" in page and 'href="../../../en/DEMO/"' in page
    prefix_page = (tmp / "site" / "en" / "DEMO" / "index.html").read_text(encoding="utf-8")
    assert prefix_page.index('id="sec-retired"') < prefix_page.index('id="row-DEMO.0002"')
    assert "DEMO.0002" in json.loads((tmp / "site" / "api" / "v1" / "codes.json").read_text())
    # The retired code keeps its place in code order among the search index's documents.
    docs = json.loads((tmp / "site" / "search-index" / "en" / "docs" / "0.json").read_text())
    assert [(d[0], d[4]) for d in docs] == [("DEMO.0001", 0), ("DEMO.0002", 1), ("DEMO.0003", 0)]

    inputs.retired_file.write_text('{"codes": []}', encoding="utf-8")
    with pytest.raises(BuildError, match=r"would disappear:\n  api/v1/codes/DEMO.0002.json\n  en/codes/DEMO.0002/"):
        build_site(data, tmp / "site", SETTINGS, inputs=inputs)
    assert "DEMO.0002" in (tmp / "site" / "en" / "codes" / "DEMO.0002" / "index.html").read_text(encoding="utf-8")


def test_code_listed_again_is_no_longer_retired(repo):
    tmp, upstream, data, inputs = repo
    (upstream / "demo.zh.txt").write_text(PAGE.replace(PAGE.splitlines()[5] + "\n", ""), encoding="utf-8")
    assert update(tmp, upstream, data, inputs).retired == ["DEMO.0003"]
    (upstream / "demo.zh.txt").write_text(PAGE, encoding="utf-8")
    report = update(tmp, upstream, data, inputs)
    assert report.returned == ["DEMO.0003"] and lifecycle.load_retired(inputs.retired_file) == ()


def test_update_report_lists_exactly_added_removed_and_changed(repo):
    tmp, upstream, data, inputs = repo
    changed = (PAGE.replace("| 检查请求头。 |", "| 检查请求头是否完整。 |")
               .replace("403 | DEMO.0003", "401 | DEMO.0003")
               .replace("400 | DEMO.0002 | The request method %s is not allowed. | 请求方法不允许。 | 检查请求方法。 |\n", "")
               + "500 | DEMO.0500 | Internal error. | 内部错误。 | 请联系技术支持。 |\n")
    (upstream / "demo.zh.txt").write_text(changed, encoding="utf-8")
    report = update(tmp, upstream, data, inputs)
    text = str(report)
    assert "added 1, removed 1, changed 2 code(s)" in text
    assert "+ DEMO.0500" in text and "- DEMO.0002" in text
    assert "~ DEMO.0001\n    entries[0].solution.zh: 检查请求头{+是否完整+}。" in text
    assert "~ DEMO.0003\n    entries[0].http_status: 403 -> 401" in text
    assert report.retired == ["DEMO.0002"]
    assert [c.code for c in model.load(data).codes] == ["DEMO.0001", "DEMO.0003", "DEMO.0500"]


def test_update_keeps_translations_stale_ones_fuzzy_or_obsolete(repo):
    tmp, upstream, data, inputs = repo
    update(tmp, upstream, data, inputs)  # creates the catalogs
    po = inputs.content_locale_dir / "en" / "LC_MESSAGES" / "content.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "检查请求头。"\nmsgstr ""', 'msgid "检查请求头。"\nmsgstr "Check the request headers."')
    text = text.replace('msgid "没有权限访问。"\nmsgstr ""', 'msgid "没有权限访问。"\nmsgstr "No access permission."')
    po.write_text(text, encoding="utf-8")
    changed = PAGE.replace("| 检查请求头。 |", "| 检查请求头部。 |").replace(
        "403 | DEMO.0003 | No access permission. | 没有权限访问。 | 请检查访问权限。 |\n", "")
    (upstream / "demo.zh.txt").write_text(changed, encoding="utf-8")
    update(tmp, upstream, data, inputs)
    after = po.read_text(encoding="utf-8")
    # Changed sentence: matched to its old translation and marked fuzzy, so it shows as untranslated.
    assert '#, fuzzy\n#| msgid "检查请求头。"\nmsgid "检查请求头部。"\nmsgstr "Check the request headers."' in after
    # DEMO.0003 was retired: its texts are still needed by its page, so they stay live.
    assert 'msgid "没有权限访问。"\nmsgstr "No access permission."' in after


def test_redirects_resolve_chains_and_refuse_cycles_and_unknown_targets():
    known = {"A.1", "C.3"}
    assert lifecycle.resolve_redirects({"A.0": "B.2", "B.2": "C.3"}, known) == {"A.0": "C.3", "B.2": "C.3"}
    with pytest.raises(DataError, match="redirect cycle B.2 -> D.4 -> B.2"):
        lifecycle.resolve_redirects({"B.2": "D.4", "D.4": "B.2"}, known)
    with pytest.raises(DataError, match="X.9 redirects to Y.9, which is not a code"):
        lifecycle.resolve_redirects({"X.9": "Y.9"}, known)
    with pytest.raises(DataError, match="A.1 is redirected but is still a code"):
        lifecycle.resolve_redirects({"A.1": "C.3"}, known)


def test_redirect_page_goes_to_the_final_target_keeping_the_fragment(repo, browser):
    from errdex.serve import serve_in_background
    tmp, upstream, data, inputs = repo
    inputs.redirects_file.write_text('{"OLD.0001": "MID.0001", "MID.0001": "DEMO.0003"}', encoding="utf-8")
    build_site(data, tmp / "site", SiteSettings.from_options("", "/repo/"), inputs=inputs)
    html = (tmp / "site" / "en" / "codes" / "OLD.0001" / "index.html").read_text(encoding="utf-8")
    assert 'content="1; url=../DEMO.0003/"' in html and 'href="../DEMO.0003/"' in html
    server, url = serve_in_background(tmp / "site", "/repo/")
    try:
        page = browser.new_page()
        page.goto(url + "en/codes/OLD.0001/#solution")
        # The fragment is kept, then site.js sends the older #solution on to its id, #sec-solution.
        page.wait_for_url("**/en/codes/DEMO.0003/#sec-solution")
        hops = []
        page.on("framenavigated", lambda frame: hops.append(frame.url))
        page.goto(url + "zh/codes/MID.0001/")
        page.wait_for_url("**/zh/codes/DEMO.0003/")
        assert [h for h in hops if "MID" not in h and "DEMO.0003" not in h] == []
        page.close()
    finally:
        server.shutdown()


def test_hostile_notes_render_inert(repo):
    tmp, upstream, data, inputs = repo
    notes = inputs.notes_dir / "en"
    notes.mkdir(parents=True)
    (notes / "DEMO.0001.md").write_text(
        "Try this:\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) <iframe src=\"https://evil.example\"></iframe>\n\n"
        "<a href=\"https://example.com\" onclick=\"alert(4)\">docs</a>\n\n"
        "```sh\ncurl -X POST https://example.com\n```\n", encoding="utf-8")
    build_site(data, tmp / "site", SETTINGS, inputs=inputs)
    html = (tmp / "site" / "en" / "codes" / "DEMO.0001" / "index.html").read_text(encoding="utf-8")
    notes_html = html[html.index('id="sec-notes"'):html.index('class="related"')]
    for bad in ("<script>alert", "onerror", "javascript:", "<iframe", "onclick"):
        assert bad not in notes_html, bad
    assert '<a href="https://example.com" rel="noopener noreferrer">docs</a>' in notes_html
    assert "<pre><code>curl -X POST https://example.com" in notes_html


def test_note_for_unknown_code_is_a_warning_and_strict_fails(repo):
    tmp, upstream, data, inputs = repo
    (inputs.notes_dir / "zh").mkdir(parents=True)
    (inputs.notes_dir / "zh" / "NOPE.0001.md").write_text("x", encoding="utf-8")
    (inputs.notes_dir / "zh" / "not a code.md").write_text("x", encoding="utf-8")
    result = build_site(data, tmp / "site", SETTINGS, inputs=inputs)
    assert any("there is no code 'NOPE.0001'" in w for w in result.warnings)
    assert any("'not a code' is not a code name" in w for w in result.warnings)
    from errdex.cli import StrictFailure, report_warnings
    with pytest.raises(StrictFailure):
        build_site(data, tmp / "site", SETTINGS, inputs=inputs, strict=True, warn=report_warnings)


def test_committed_registry_lists_every_url_of_the_seed_site(built_site):
    registry = lifecycle.read_registry()
    pages = {p.parent.relative_to(built_site).as_posix() + "/" for p in built_site.rglob("index.html")
             if p.parent != built_site and "search-index" not in p.parts}
    api = {p.relative_to(built_site).as_posix() for p in (built_site / "api").rglob("*.json")}
    assert pages | api <= registry, "run 'make urls' and commit source/published-urls.txt"


def test_a_build_counts_its_new_urls_and_records_them_only_when_asked(repo):
    tmp, _, data, inputs = repo
    registry = inputs.registry_file
    registry.write_text(lifecycle.registry_text({"en/codes/DEMO.0001/"}), encoding="utf-8")
    registry.chmod(0o664)
    published = build_site(data, tmp / "site", SETTINGS, inputs=inputs).published
    new = len(published) - 1
    assert lifecycle.read_registry(registry) == {"en/codes/DEMO.0001/"}  # the build only reads it
    assert lifecycle.registry_step(published, False, registry) == (
        f"{new} new URL(s) not yet recorded in {registry}: run 'make urls' and commit it")
    assert lifecycle.read_registry(registry) == {"en/codes/DEMO.0001/"}
    assert lifecycle.registry_step(published, True, registry) == f"recorded {new} new URL(s) in {registry}: commit it"
    assert lifecycle.read_registry(registry) == published and oct(registry.stat().st_mode & 0o777) == "0o664"
    written = registry.stat().st_mtime_ns
    assert lifecycle.registry_step(published, True, registry) == ""  # nothing new: not rewritten
    assert registry.stat().st_mtime_ns == written


def test_seed_notes_exist_in_both_languages():
    from errdex.notes import NOTES_DIR
    for lang in ("zh", "en"):
        names = {p.stem for p in (NOTES_DIR / lang).glob("*.md")}
        assert len(names) >= 5, lang
    assert {p.stem for p in (NOTES_DIR / "zh").glob("*.md")} == {p.stem for p in (NOTES_DIR / "en").glob("*.md")}


def test_seed_notes_render_code_blocks_and_tables(built_site):
    for lang in ("zh", "en"):
        html = (built_site / lang / "codes" / "AIS.0014" / "index.html").read_text(encoding="utf-8")
        assert '<pre><code>curl -X POST "https://{endpoint}/v2/{project_id}/image/tagging"' in html
        table = (built_site / lang / "codes" / "APIG.0301" / "index.html").read_text(encoding="utf-8")
        assert "<table>" in table and "<code>X-Auth-Token</code>" in table
