"""Stage 1 over the whole family: every upstream page, one small fixture per quirk, bounded work."""

import csv
import time

import pytest

from errdex import codes
from errdex.errors import DataError, ScrapeError
from errdex.readers import MAX_PAGE_BYTES
from errdex.readers.grid import parse_status, role_of
from errdex.scrape import detect_form, scrape
from tests.conftest import FIXTURES, ROOT

UPSTREAM = ROOT / "source" / "upstream"
COUNTS = FIXTURES / "corpus-counts.tsv"


def reviewed_counts():
    """The hand-checked figures of tests/fixtures/corpus-counts.tsv, one dict per page."""
    lines = [line for line in COUNTS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def entries_of(page):
    """A page's entries after the dataset folds its repeated rows."""
    from errdex.dataset import page_entries
    from errdex.model import Source
    grouped, _ = page_entries(page, Source("s", "s", page.language, None, None, page.path, page.form))
    return sum(len(entries) for entries in grouped.values())


# ---------------------------------------------------------------- the corpus


@pytest.mark.parametrize("counts", reviewed_counts(), ids=lambda c: c["file"])
def test_every_upstream_page_scrapes_with_the_reviewed_counts(counts):
    page = scrape(counts["file"], (UPSTREAM / counts["file"]).read_text(encoding="utf-8-sig"))
    assert len(page.rows) == int(counts["rows"])
    assert len({row.code for row in page.rows}) == int(counts["codes"])
    assert entries_of(page) == int(counts["entries"])
    assert len(page.remarks) == int(counts["remarks"])
    assert len(page.skipped_tables) == int(counts["skipped"])


def test_every_upstream_page_has_reviewed_counts():
    pages = {p.name for p in UPSTREAM.iterdir() if p.suffix != ".json"}
    assert pages == {c["file"] for c in reviewed_counts()}


@pytest.mark.parametrize("name, form", [("iam.zh.md", "markdown"), ("iam.en.rst", "rst"), ("eip.zh.md", "markdown-pipe"),
                                        ("modelarts.en.html", "html"), ("image-recognition.zh.txt", "text")])
def test_form_is_told_from_the_content(name, form):
    assert detect_form((UPSTREAM / name).read_text(encoding="utf-8-sig")) == form


# ---------------------------------------------------------------- pipe tables


def test_pipe_separator_with_two_dashes_colons_and_no_spaces():
    page = scrape("p.md", "# 错误码\n\n|状态码|错误码|错误信息|\n|:--|--:|:--:|\n|400|A.0001|Bad.|\n")
    assert (page.form, [(r.http_status, r.code, r.message) for r in page.rows]) == \
        ("markdown-pipe", [(400, "A.0001", "Bad.")])


def test_pipe_row_one_cell_short_takes_the_merged_first_cell_above():
    page = scrape("eip.md", "# 错误码\n\n|模块|状态码|错误码|错误信息|\n|--|--|--|--|\n"
                            "|公共|400|VPC.0002|Zone is null.|\n|404|VPC.0003|No VPC.|\n")
    assert [(r.module, r.http_status, r.code) for r in page.rows] == [("公共", 400, "VPC.0002"), ("公共", 404, "VPC.0003")]


def test_pipe_empty_module_cell_continues_the_module_above():
    page = scrape("eip.md", "# 错误码\n\n|模块|状态码|错误码|错误信息|\n|--|--|--|--|\n"
                            "|申请|400|VPC.0301|Bad.|\n||403|VPC.0502|Restricted.|\n")
    assert [r.module for r in page.rows] == ["申请", "申请"]


# ---------------------------------------------------------------- reStructuredText

RST_HEAD = "Error Codes\n===========\n\n"


def test_rst_grid_table_in_a_table_directive_with_a_sphinx_ref():
    text = RST_HEAD + """See :ref:`the common codes <common>` first.

.. table:: **Table 1** Error codes

   +-------------+------------+---------------+
   | Status Code | Error Code | Error Message |
   +=============+============+===============+
   | 400         | IAM.0001   | Bad request.  |
   +-------------+------------+---------------+
   | 400/404     | IAM.0002   | Two lines,    |
   |             |            | one sentence. |
   +-------------+------------+---------------+
"""
    page = scrape("iam.rst", text)
    assert page.form == "rst" and not page.warnings
    assert [(r.code, r.http_statuses, r.message, r.line) for r in page.rows] == [
        ("IAM.0001", (400,), "Bad request.", 11), ("IAM.0002", (400, 404), "Two lines, one sentence.", 13)]
    assert page.intro[0].body == "See the common codes first."


def test_rst_simple_table():
    text = RST_HEAD + "=========== ========== ===========\nStatus Code Error Code Description\n" \
                      "=========== ========== ===========\n400         DLI.0001   Bad check.\n" \
                      "=========== ========== ===========\n"
    (row,) = scrape("dli.rst", text).rows
    assert (row.http_status, row.code, row.description, row.line) == (400, "DLI.0001", "Bad check.", 7)


def test_rst_list_table_and_csv_table():
    list_table = RST_HEAD + """.. list-table:: Codes
   :header-rows: 1

   * - Error Code
     - Solution
   * - SMN.0001
     - Retry, then:

       - check the topic
       - check the token
"""
    (row,) = scrape("smn.rst", list_table).rows
    assert (row.code, row.solution) == ("SMN.0001", "Retry, then:\n\n- check the topic\n- check the token")
    csv_table = RST_HEAD + '.. csv-table:: Codes\n   :header: "Error Code", "Message"\n\n   "TMS.0002", "Bad, really."\n'
    (row,) = scrape("tms.rst", csv_table).rows
    assert (row.code, row.message) == ("TMS.0002", "Bad, really.")


def test_rst_code_block_example_keeps_its_indentation_and_the_status_above():
    text = RST_HEAD + """.. code-block::

   STATUS CODE 400

.. code-block:: json
   :emphasize-lines: 2

   {
       "error_code": "IMG.0001",
       "error_msg": "Bad."
   }

+------------+---------------+
| Error Code | Error Message |
+============+===============+
| IMG.0001   | Bad.          |
+------------+---------------+
"""
    page = scrape("ims.rst", text)
    assert page.example_response == {"http_status": 400, "body":
                                     '{\n    "error_code": "IMG.0001",\n    "error_msg": "Bad."\n}'}
    assert not page.warnings


def test_rst_errors_docutils_reports_are_warnings_with_their_line():
    text = RST_HEAD + """+------------+---------------+
| Error Code | Error Message |
+============+===============+
| IMG.0001   | Bad.          |
+------------+---------------+

+-----+
| a  b
+-----+
"""
    page = scrape("ims.rst", text)
    assert [r.code for r in page.rows] == ["IMG.0001"]
    assert any(w.startswith("ims.rst:11: reStructuredText: Malformed table.") for w in page.warnings), page.warnings


def test_a_text_dump_with_a_rule_of_equals_signs_is_still_the_text_form():
    text = "错误码\n=====\n状态码 | 错误码 | 描述 |\n|---|---|---|\n400 | A.1 | 坏 |\n"
    assert detect_form(text) == "text"


def test_rst_that_docutils_cannot_read_at_all_is_a_scrape_error_or_no_table():
    with pytest.raises(ScrapeError):
        scrape("bad.rst", RST_HEAD + "+-----+\n| a |\n+----\n")


# ---------------------------------------------------------------- HTML and Markdown export


def test_html_without_thead_in_any_wrapper_with_a_caption():
    html = """<html><body><section><div class="x"><table><caption>Table 2 Error codes</caption>
    <tr><td><p><strong>Error Code</strong></p></td><td><p>Message </p></td></tr>
    <tr><td><p>APIG.0101</p></td><td><p>Not found.</p></td></tr></table></div></section></body></html>"""
    page = scrape("p.html", html)
    assert [(r.code, r.message) for r in page.rows] == [("APIG.0101", "Not found.")]


def test_every_code_table_is_read_and_others_are_named():
    table = "<table><thead><tr>{}</tr></thead><tbody><tr>{}</tr></tbody></table>"
    row = lambda *cells: "".join(f"<td>{c}</td>" for c in cells)
    head = lambda *cells: "".join(f"<th>{c}</th>" for c in cells)
    text = "# 错误码\n\n" + "\n\n".join([
        table.format(head("名称", "参数类型", "描述"), row("error_code", "String", "错误码")),
        table.format(head("状态码", "错误码", "错误信息"), row("400", "DMS.001", "v1 error")),
        table.format(head("错误码状态", "描述"), row("***", "组件返回的状态")),
        table.format(head("状态码", "错误码", "错误信息"), row("400", "DMS.002", "v3 error")),
    ])
    page = scrape("dms.md", text)
    assert [(r.code, r.table) for r in page.rows] == [("DMS.001", 2), ("DMS.002", 4)]
    assert len(page.skipped_tables) == 2
    assert sum("skipped: not an error-code table" in w for w in page.warnings) == 2
    assert all("DMS" not in section.body for section in page.intro)


def test_rowspan_over_the_code_column_gives_each_row_its_own_line():
    html = """# 错误码

<table><tr><th>错误码</th><th>描述</th></tr>
<tr><td rowspan="2">APIG.0201</td><td>原因一</td></tr>
<tr><td>原因二</td></tr></table>"""
    page = scrape("apig.md", html)
    assert [(r.code, r.description, r.line) for r in page.rows] == [("APIG.0201", "原因一", 4), ("APIG.0201", "原因二", 5)]


def test_catch_all_sentence_in_the_code_column_is_a_remark():
    html = """<html><body><table><tr><th>Error Code</th><th>Description</th></tr>
    <tr><td>OCR.0001</td><td>Bad.</td></tr>
    <tr><td>If other error codes cannot be rectified, contact technical support.</td><td></td></tr>
    </table></body></html>"""
    page = scrape("ocr.html", html)
    assert [r.code for r in page.rows] == ["OCR.0001"]
    assert page.remarks[0].text.startswith("If other error codes")


def test_cells_nested_thousands_deep_do_not_recurse():
    for tag in ("span", "div"):
        deep = f"<{tag}>" * 5000 + "深" + f"</{tag}>" * 5000
        html = f"<html><body><table><tr><th>错误码</th><th>描述</th></tr><tr><td>A.1</td><td>{deep}</td></tr></table></body></html>"
        assert scrape("deep.html", html).rows[0].description == "深"


# ---------------------------------------------------------------- columns by meaning


@pytest.mark.parametrize("header, role", [
    ("状态码", "status"), ("http状态码", "status"), ("HTTP状态码", "status"), ("响应状态码", "status"),
    ("Status Code", "status"), ("HTTP Status Code", "status"), ("错误码", "code"), ("返回错误码", "code"),
    ("Error Codes", "code"), ("错误信息", "message"), ("Error Message", "message"), ("Error Information", "message"),
    ("Error", "message"), ("描述", "description"), ("错误说明", "description"), ("语义", "description"),
    ("Error Description", "description"), ("处理措施", "solution"), ("建议解决方法", "solution"),
    ("描述（处理措施）", "solution"), ("Handling Measure", "solution"), ("Troubleshooting", "solution"),
    ("模块", "module"), ("Module", "module"), ("Category", "module"),
    # By meaning, not in any list: the rules read the words.
    ("错误原因说明", "description"), ("返回的状态码", "status"), ("Recommended Actions", "solution"),
    ("<strong>状态码</strong>", "status"), ("**Error Code**", "code"), ("描述 ", "description"), ("Error Code.", "code"),
    ("错误码状态", "status"), ("Parameter Type", None), ("Element", None),
])
def test_header_roles_by_name_and_meaning(header, role):
    assert role_of(header) == role


def test_two_column_table_zh_page_with_english_header_and_an_unknown_column():
    text = "# 错误码\n\n<table><tr><th>错误码</th><th>Error Message</th><th>备注</th></tr>" \
           "<tr><td>OMS.0001</td><td>Bad.</td><td>旧版</td></tr></table>"
    page = scrape("oms.md", text)
    (row,) = page.rows
    assert (row.code, row.message, row.extra) == ("OMS.0001", "Bad.", {"备注": "旧版"})
    assert page.language == "zh"
    assert any("unknown column '备注' kept under 'extra'" in w for w in page.warnings)


# ---------------------------------------------------------------- status cells


@pytest.mark.parametrize("cell, statuses, text", [
    ("400", (400,), None), ("400/404", (400, 404), None), ("400/404/500", (400, 404, 500), None),
    ("301 Moved Permanently", (301,), None), ("400 Bad Request", (400,), None), ("", (), None),
    ("NA", (), "NA"), ("-", (), "-"), ("***", (), "***"), ("40", (), "40"), ("500409", (), "500409"),
    ("4x0", (), "4x0"),
])
def test_status_cells_as_upstream_writes_them(cell, statuses, text):
    assert parse_status(cell) == (statuses, text)


def test_a_bad_status_never_stops_the_page_and_is_warned():
    page = scrape("p.md", "# 错误码\n\n|状态码|错误码|描述|\n|--|--|--|\n|500409|VPC.0304|异常|\n|NA|CSS.0001|无|\n")
    assert [(r.http_status, r.http_statuses, r.http_status_text) for r in page.rows] == \
        [(None, (), "500409"), (None, (), "NA")]
    assert len(page.warnings) == 2


# ---------------------------------------------------------------- code shapes


@pytest.mark.parametrize("cell, code, changed", [
    ("SVCSTG.AOS.4001000", "SVCSTG.AOS.4001000", False), ("CCI.01.400101", "CCI.01.400101", False),
    ("SVCSTG.CCE-ADDONMGR.4000003", "SVCSTG.CCE-ADDONMGR.4000003", False), ("ERROR_001", "ERROR_001", False),
    ("Cdm.0000", "Cdm.0000", False), ("dws.6000", "dws.6000", False), ("DRS.M00002", "DRS.M00002", False),
    ("0012", "0012", False), ("111400002", "111400002", False), ("NoSuchKey", "NoSuchKey", False),
    ("Service.WordCode", "Service.WordCode", False), ("IDT .04000028", "IDT.04000028", True),
    ("DIS.5000~DIS.5999", "DIS.5000~DIS.5999", False), ("DIS.5000 ～ DIS.5999", "DIS.5000~DIS.5999", True),
    ("DSS.5***", "DSS.5000~DSS.5999", True), ("A.1 (old)", None, False), ("请联系技术支持", None, False),
])
def test_code_shapes(cell, code, changed):
    assert codes.normalise_code(cell) == (code, changed)


@pytest.mark.parametrize("code, problem", [
    ("A.1\n", "not an error code"), ("A.\x001", "not an error code"), ("A" * 101, "longer than 100 bytes"),
    ("CON", "reserved name"), ("index.html", "reserved name"), ("../x", "not an error code"), ("A.1", None),
    ("DIS.5000~DIS.5999", None),
])
def test_one_function_validates_a_code_with_a_full_match(code, problem):
    found = codes.code_problem(code)
    assert (found is None) if problem is None else (problem in found)


def test_a_range_covers_the_codes_between_its_bounds():
    assert codes.range_of("DIS.5000~DIS.5999") == ("DIS.5000", "DIS.5999")
    assert codes.prefix_of("DIS.5000~DIS.5999") == "DIS"
    assert codes.in_range("DIS.5123", "DIS.5000", "DIS.5999")
    assert not codes.in_range("DIS.6000", "DIS.5000", "DIS.5999")
    assert not codes.in_range("DISX.5123", "DIS.5000", "DIS.5999")
    assert codes.url_segment("DIS.5000~DIS.5999") == "DIS.5000~DIS.5999"


def test_codes_differing_only_in_case_are_refused():
    assert codes.case_collisions(["Cdm.0000", "CDM.0000", "A.1"]) == [["CDM.0000", "Cdm.0000"]]
    with pytest.raises(DataError, match="CDM.0000 / Cdm.0000"):
        codes.check_case_collisions(["Cdm.0000", "CDM.0000"])


# ---------------------------------------------------------------- bounded work


def _long_page(size):
    """An HTML page of about `size` bytes of rows."""
    row = "<tr><td><p>400</p></td><td><p>A.{n}</p></td><td><p>message {n}</p></td><td><p>描述 {n}</p></td></tr>\n"
    rows = [row.format(n=n) for n in range(size // len(row.format(n=10000).encode()))]
    return ("<html><body><table><tr><th>状态码</th><th>错误码</th><th>错误信息</th><th>描述</th></tr>"
            + "".join(rows) + "</table></body></html>")


def test_scrape_time_grows_linearly_with_the_page():
    timings = []
    for size in (500_000, 5_000_000):
        text = _long_page(size)
        start = time.process_time()
        page = scrape("long.html", text)
        timings.append(time.process_time() - start)
        assert len(page.rows) > size // 110
    ratio = timings[1] / timings[0]
    print(f"500 KB: {timings[0]:.2f} s, 5 MB: {timings[1]:.2f} s, ratio {ratio:.1f}")
    # Linear gives 10; measured 10.9 to 15 on a shared two-core machine (memory effects of
    # a page ten times as big). Quadratic work would give 100.
    assert ratio < 20


def test_a_page_over_the_size_limit_is_refused_at_once():
    text = "x" * (MAX_PAGE_BYTES + 1)
    start = time.process_time()
    with pytest.raises(ScrapeError, match="over the limit of 20,971,520 bytes"):
        scrape("huge.md", text)
    assert time.process_time() - start < 1


def test_a_cell_listing_several_codes_gives_one_row_each():
    html = """# 错误码

<table><tr><th>错误码</th><th>描述</th></tr>
<tr><td><p>AIS.0014</p><p>AIS.0015</p></td><td>格式错误</td></tr>
<tr><td>APIG.0101, APIG.0102。</td><td>不存在</td></tr></table>"""
    page = scrape("p.md", html)
    assert [(r.code, r.description) for r in page.rows] == [
        ("AIS.0014", "格式错误"), ("AIS.0015", "格式错误"), ("APIG.0101", "不存在"), ("APIG.0102", "不存在")]
    assert sum("codes in one cell" in w for w in page.warnings) == 2


def test_header_rows_under_a_spanning_cell_name_their_columns_together():
    html = """<html><body><table><thead><tr><th rowspan="2">错误码</th><th colspan="2">说明</th></tr>
    <tr><th>English</th><th>中文</th></tr></thead>
    <tr><td>A.1</td><td>The token is empty.</td><td>Token为空。</td></tr></table></body></html>"""
    (row,) = scrape("p.html", html).rows
    assert (row.code, row.message, row.description) == ("A.1", "The token is empty.", "Token为空。")


def test_rst_tables_inside_sphinx_only_and_beside_a_toctree_are_read():
    text = RST_HEAD + """.. toctree::
   :maxdepth: 1

   other_page

.. only:: public

   .. table:: **Table 1** Error codes

      +------------+---------------+
      | Error Code | Error Message |
      +============+===============+
      | CES.0001   | Bad.          |
      +------------+---------------+
"""
    page = scrape("ces.rst", text)
    assert [(r.code, r.line) for r in page.rows] == [("CES.0001", 16)] and not page.warnings


def test_a_title_row_spanning_the_whole_table_names_no_column():
    html = """<html><body><table><thead><tr><th colspan="3">表1 错误码</th></tr>
    <tr><th>状态码</th><th>错误码</th><th>错误信息</th></tr></thead>
    <tr><td>400</td><td>A.1</td><td>Bad.</td></tr></table></body></html>"""
    page = scrape("p.html", html)
    assert page.columns == (("状态码", "status"), ("错误码", "code"), ("错误信息", "message"))
