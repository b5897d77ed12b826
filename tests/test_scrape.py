"""Stage 1: reading upstream pages in every form."""

from collections import Counter

import pytest

from errdex.errors import ScrapeError
from errdex.scrape import detect_form, listify, scrape
from tests.conftest import FIXTURES, SAMPLES, SEED


def seed_page():
    return scrape("seed.txt", SEED.read_text(encoding="utf-8"))


def table(rows, header="状态码 | 错误码 | 错误信息 | 描述 | 处理措施 |"):
    """A small text-form page around a pipe table."""
    return "\n".join(["错误码", header, "|---|---|---|---|---|", *rows, ""])


# ---------------------------------------------------------------- the seed


def test_seed_counts_by_prefix_and_status():
    page = seed_page()
    codes = [row.code for row in page.rows]
    assert len(codes) == len(set(codes)) == 77
    prefixes = Counter(code.split(".")[0] for code in codes)
    assert prefixes == {"AIS": 35, "AIP": 19, "ModelArts": 19, "APIG": 4}
    assert Counter(row.http_status for row in page.rows) == {400: 73, 401: 1, 403: 1, 405: 1, 500: 1}


def test_seed_catch_all_row_is_a_remark_not_a_code():
    page = seed_page()
    assert "其他" not in {row.code for row in page.rows}
    (remark,) = page.remarks
    assert remark.label == "其他"
    assert remark.text == "如若出现其他无法解决的错误码,请通过工单进行处理。"
    assert remark.http_status == 400


def test_seed_inline_enumeration_becomes_a_three_item_list():
    row = next(r for r in seed_page().rows if r.code == "APIG.0301")
    lines = row.description.split("\n")
    assert [line[:3] for line in lines] == ["1. ", "2. ", "3. "]
    assert lines[0] == "1. IAM身份验证信息不正确:解密令牌失败,检查输入的token是否完整。"
    # The message is what the API returns: verbatim, never reshaped.
    assert row.message.startswith("1. Incorrect IAM authentication information") and "\n" not in row.message


def test_seed_prose_sections_and_example_response():
    page = seed_page()
    assert page.form == "text" and page.language == "zh" and page.title == "错误码"
    assert [s.heading for s in page.intro] == ["功能说明", "返回体格式说明", "错误码说明"]
    assert page.example_response == {
        "http_status": 400,
        "body": '{\n"error_code": "AIS.0014",\n"error_msg": "The JSON format of the input data is incorrect."\n}',
    }
    assert "APIGW" in page.intro[2].body
    assert page.intro[2].body.count("\n\n") == 2


def test_seed_columns_are_found_by_header_name():
    assert [role for _, role in seed_page().columns] == ["status", "code", "message", "description", "solution"]


def test_html_rendition_of_the_seed_gives_the_same_rows():
    text_rows = seed_page().rows
    html = (FIXTURES / "image-recognition.zh.html").read_text(encoding="utf-8")
    assert "rowspan" in html and "colspan" in html
    page = scrape("seed.html", html)
    assert page.form == "html"
    fields = lambda rows: [(r.code, r.http_status, r.message, r.description, r.solution) for r in rows]
    assert fields(page.rows) == fields(text_rows)
    assert [r.text for r in page.remarks] == [r.text for r in seed_page().remarks]
    assert page.example_response == seed_page().example_response
    assert [s.heading for s in page.intro] == ["功能说明", "返回体格式说明", "错误码说明"]


# ---------------------------------------------------------------- upstream samples


@pytest.mark.parametrize("name, form, language, rows, distinct", [
    ("apig.zh.md", "markdown", "zh", 185, 185),
    ("modelarts.zh.md", "markdown", "zh", 631, 589),
    ("modelarts.en.html", "html", "en", 564, 557),
])
def test_upstream_samples_scrape(name, form, language, rows, distinct):
    page = scrape(name, (SAMPLES / name).read_text(encoding="utf-8"))
    assert (page.form, page.language) == (form, language)
    assert len(page.rows) == rows
    assert len({r.code for r in page.rows}) == distinct
    assert not page.warnings


def test_markdown_export_keeps_links_in_prose_and_drops_anchors():
    page = scrape("apig.md", (SAMPLES / "apig.zh.md").read_text(encoding="utf-8"))
    body = page.intro[0].body
    assert "[API网关错误码](https://support.huaweicloud.com/devg-apisign/api-sign-errorcode.html)" in body
    assert "<a name" not in body
    assert page.title == "错误码"


def test_message_cell_with_two_paragraphs_is_one_line():
    page = scrape("en.html", (SAMPLES / "modelarts.en.html").read_text(encoding="utf-8"))
    (row,) = [r for r in page.rows if r.code == "ModelArts.5000"]
    # Upstream split the sentence over two <p>; the API returns it as one line.
    assert row.message == "Please try again later or contact technical support to solve the problem"


def test_repeated_code_keeps_every_row():
    page = scrape("ma.md", (SAMPLES / "modelarts.zh.md").read_text(encoding="utf-8"))
    rows = [r for r in page.rows if r.code == "ModelArts.4601"]
    assert len(rows) == 3
    assert len({r.message for r in rows}) == 3


# ---------------------------------------------------------------- the family


def test_form_is_detected_from_content_not_name():
    assert detect_form("<html><body><table><tr><th>错误码</th></tr></table></body></html>") == "html"
    assert detect_form("# 错误码\n\n<table><tr><th>错误码</th></tr></table>") == "markdown"
    assert detect_form(table(["400 | A.1 | m | d | s |"])) == "text"
    with pytest.raises(ScrapeError, match="no table found"):
        detect_form("just prose\nwith | a pipe\n")


def test_columns_in_any_order_with_english_names_and_trailing_punctuation():
    html = """<table><tr><th>Error Code.</th><th>Solution </th><th>Status Code</th><th>Error Message</th></tr>
    <tr><td>X.1</td><td>Retry.</td><td>503</td><td>Busy %d times</td></tr></table>"""
    (row,) = scrape("p.html", "<html><body>" + html + "</body></html>").rows
    assert (row.code, row.http_status, row.message, row.solution, row.description) == \
        ("X.1", 503, "Busy %d times", "Retry.", None)


def test_page_without_status_or_message_columns():
    html = "<table><thead><tr><th>错误码</th><th>语义</th><th>建议解决方法</th></tr></thead>" \
           "<tbody><tr><td>1100</td><td>参数错误</td><td>检查参数</td></tr></tbody></table>"
    (row,) = scrape("p.md", "# 错误码\n\n" + html).rows
    assert (row.code, row.http_status, row.message, row.description, row.solution) == \
        ("1100", None, None, "参数错误", "检查参数")


def test_rowspan_module_column_is_the_module_and_colspan_row_is_a_remark():
    html = """<html><body><table><tr><th>模块</th><th>状态码</th><th>错误码</th><th>错误信息</th><th>描述</th></tr>
    <tr><td rowspan="2">集群</td><td>400</td><td>CCE.01400001</td><td>Bad %s</td><td>无效</td></tr>
    <tr><td>404</td><td>SVCSTG.CCE-ADDONMGR.4000003</td><td>Not found {0}</td><td>不存在</td></tr>
    <tr><td>其他</td><td>500</td><td colspan="3">其他错误请联系技术支持</td></tr>
    <tr><td colspan="5">Whole-row note</td></tr></table></body></html>"""
    page = scrape("p.html", html)
    assert [(r.code, r.http_status, r.module, r.extra) for r in page.rows] == [
        ("CCE.01400001", 400, "集群", {}),
        ("SVCSTG.CCE-ADDONMGR.4000003", 404, "集群", {}),
    ]
    assert [(r.http_status, r.text) for r in page.remarks] == [(500, "其他错误请联系技术支持"),
                                                              (None, "Whole-row note")]
    assert not page.warnings


def test_lists_and_links_inside_cells_become_markdown():
    html = """<html><body><table><tr><th>错误码</th><th>处理措施</th></tr>
    <tr><td>A.1</td><td><p>请检查：</p><ul><li>参数<strong>name</strong></li><li>见<a href="https://x.example/doc">文档</a></li></ul></td></tr>
    </table></body></html>"""
    (row,) = scrape("p.html", html).rows
    assert row.solution == "请检查：\n\n- 参数**name**\n- 见[文档](https://x.example/doc)"


def test_stray_space_in_code_is_normalised_with_a_warning():
    page = scrape("p.txt", table(["400 | IDT .04000028 | m | d | s |"]))
    assert page.rows[0].code == "IDT.04000028"
    assert any("normalised" in w for w in page.warnings)


def test_duplicate_description_header_the_latin_column_is_the_message():
    html = """<html><body><table><tr><th>错误码</th><th>描述</th><th>描述</th></tr>
    <tr><td>A.1</td><td>The token is empty.</td><td>Token为空。</td></tr></table></body></html>"""
    (row,) = scrape("p.html", html).rows
    assert (row.message, row.description) == ("The token is empty.", "Token为空。")


@pytest.mark.parametrize("text, expected", [
    ("1. a 2. b", "1. a\n2. b"),
    ("原因如下：1.甲 2.乙 3.丙", "原因如下：\n\n1. 甲\n2. 乙\n3. 丙"),
    ("版本1.2 不支持 2. 次", "版本1.2 不支持 2. 次"),
    ("1. only one item", "1. only one item"),
    ("2. a 3. b", "2. a 3. b"),
    ("大小不超过10M,最短边至少15px", "大小不超过10M,最短边至少15px"),
])
def test_listify(text, expected):
    assert listify(text) == expected


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("rows, message", [
    (["400 | A.1 | m | d |"], r"seed.txt:4 \(table 1, row 1\): 4 cells, expected 5"),
    (["400 |  | m | d | s |"], r"seed.txt:4 \(table 1, row 1, cell '错误码'\): empty error-code cell"),
    (["400 | A.1 (old) | m | d | s |"], r"'A.1 \(old\)' is not an error code"),
])
def test_malformed_rows_name_file_line_row_and_cell(rows, message):
    with pytest.raises(ScrapeError, match=message):
        scrape("seed.txt", table(rows))


def test_no_header_row_and_non_error_tables_are_refused():
    with pytest.raises(ScrapeError, match="no error-code table"):
        scrape("p.html", "<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>")
    with pytest.raises(ScrapeError, match=r"no error-code table.*skipped: \['p.txt:1: table 1'\]"):
        scrape("p.txt", "名称 | 类型 |\n|---|---|\n| a | b |\n")
    with pytest.raises(ScrapeError, match=r"no error-code table.*skipped: \['p.html:1: table 1'\]"):
        scrape("p.html", "<html><body><table><tr><th>参数</th><th>类型</th></tr><tr><td>a</td><td>b</td></tr>"
                         "</table></body></html>")
