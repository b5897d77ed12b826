"""Property-based tests of the scraper: generated tables round-trip; garbage fails cleanly."""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errdex.errors import ErrdexError
from errdex.scrape import scrape

SEGMENT = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True)
NUMBER = st.from_regex(r"[0-9]{1,8}", fullmatch=True)
CODE = st.builds(lambda parts, sep, n: sep.join(parts + [n]), st.lists(SEGMENT, min_size=1, max_size=3),
                 st.sampled_from([".", "-", "_"]), NUMBER)
# Cell text: no pipes or digits (digits could form "1. 2." enumerations), no line breaks.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Nd", "No"),
                             exclude_characters="|\\<>&`*_[]#"), min_size=1, max_size=40).map(
    lambda t: " ".join(t.split())).filter(lambda t: t and t.casefold() not in {"其他", "其它", "other", "others"})
ROW = st.tuples(st.integers(100, 599), CODE, TEXT, TEXT, TEXT)


def unique_codes(rows):
    seen, result = set(), []
    for row in rows:
        if row[1] not in seen:
            seen.add(row[1])
            result.append(row)
    return result


def as_text(rows):
    lines = ["错误码", "状态码 | 错误码 | 错误信息 | 描述 | 处理措施 |", "|---|---|---|---|---|"]
    lines += [" | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def as_html(rows):
    head = "".join(f"<th><p>{h}</p></th>" for h in ["Status Code", "Error Code", "Error Message",
                                                    "Description", "Solution"])
    body = "".join("<tr>" + "".join(f"<td><p>{html.escape(str(c))}</p></td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<html><body><div class='tablenoborder'><table><thead><tr>{head}</tr></thead>" \
           f"<tbody>{body}</tbody></table></div></body></html>"


def as_pipe(rows):
    """Huawei's pure pipe table: '|--|' separators, no spaces around the pipes."""
    lines = ["# 错误码", "", "|状态码|错误码|错误信息|描述|处理措施|", "|--|--|--|--|--|"]
    lines += ["|" + "|".join(map(str, row)) + "|" for row in rows]
    return "\n".join(lines) + "\n"


def as_markdown(rows):
    """Huawei's Markdown export: prose, then an HTML table with <p> in every cell."""
    return "# 错误码\n\n## 错误码说明\n\n" + as_html(rows).replace("<html><body>", "").replace("</body></html>", "")


def as_rst(rows):
    """A Sphinx page with a list-table inside nothing else (docutils parses it)."""
    head = ["Status Code", "Error Code", "Error Message", "Description", "Solution"]
    lines = ["Error Codes", "===========", "", ".. list-table:: **Table 1** Error codes", "   :header-rows: 1", ""]
    for cells in [head] + [list(map(str, row)) for row in rows]:
        lines += [f"   * - {cells[0]}"] + [f"     - {cell}" for cell in cells[1:]]
    return "\n".join(lines) + "\n"


def fields(page):
    return [(r.http_status, r.code, r.message, r.description, r.solution) for r in page.rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=8).map(unique_codes))
def test_generated_tables_round_trip_in_every_form(rows):
    assert fields(scrape("gen.txt", as_text(rows))) == rows
    assert fields(scrape("gen.html", as_html(rows))) == rows
    assert fields(scrape("gen.md", as_markdown(rows))) == rows
    assert fields(scrape("gen.md", as_pipe(rows))) == rows


# reStructuredText reads a cell's first characters as markup ('- ' a list, 'a. ' or 'iv. ' an
# enumeration, ':x:' a field): its cells start with a Chinese character.
RST_TEXT = st.from_regex(r"[\u4e00-\u9fa5][A-Za-z\u4e00-\u9fa5]{0,6}(?: [A-Za-z\u4e00-\u9fa5,.;!?']{1,8}){0,4}",
                         fullmatch=True).filter(lambda t: t not in {"其他", "其它"} and not t.endswith("::"))
RST_ROW = st.tuples(st.integers(100, 599), CODE, RST_TEXT, RST_TEXT, RST_TEXT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RST_ROW, min_size=1, max_size=6).map(unique_codes))
def test_generated_tables_round_trip_in_rst(rows):
    assert fields(scrape("gen.rst", as_rst(rows))) == rows


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_garbage_raises_only_the_scrapers_error(text):
    try:
        scrape("garbage", text)
    except ErrdexError:
        pass


FRAGMENTS = st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "<th>", "错误码", "Error Code",
                             "<td rowspan='3'>", "<td colspan='x'>", "<td rowspan='-2'>", "|", "|---|", "\n",
                             "400", "AIS.0014", "其他", "<p>", "<ul><li>", "# 标题\n", " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS, max_size=60).map("".join))
def test_table_like_garbage_raises_only_the_scrapers_error(text):
    try:
        scrape("garbage", text)
    except ErrdexError:
        pass


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \n\t-+*_`[]()1.a中", max_size=24))
def test_plain_text_fast_path_changes_nothing(text):
    """plain_text skips its substitutions when a cheaper pattern finds no syntax: same result."""
    from errdex.markup import _INLINE_SYNTAX, _LINK, plain_text
    slow = " ".join(_INLINE_SYNTAX.sub("", _LINK.sub(r"\1", text)).split())
    assert plain_text.__wrapped__(text) == slow


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \n\t-+*_`[]()<>&#!\\1.)a中", max_size=24))
def test_markdown_fast_path_changes_nothing(text):
    """render_markdown skips Python-Markdown for text without syntax: the same HTML.

    For one-line texts as a dataset holds them: the scraper collapses a cell's spaces and tabs.
    """
    from errdex.markup import _converter, _is_plain, render_markdown, sanitise
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    if text and _is_plain(text):
        assert render_markdown.__wrapped__(text) == sanitise(_converter("upstream").reset().convert(text))


# ---------------------------------------------------------------- mutations of real pages

SMALL_PAGES = {
    "text": as_text([(400, "AIS.0014", "Bad JSON.", "格式错误", "检查")]),
    "html": as_html([(400, "AIS.0014", "Bad JSON.", "格式错误", "检查")]),
    "markdown": as_markdown([(400, "AIS.0014", "Bad JSON.", "格式错误", "检查")]),
    "pipe": as_pipe([(400, "AIS.0014", "Bad JSON.", "格式错误", "检查")]),
    "rst": as_rst([(400, "AIS.0014", "格式 Bad JSON.", "格式错误", "检查")]),
}
ODD = st.sampled_from(["\u200b", "\ufeff", "\u202e", "\x00", "\r", "\u3000", "\U0001f600", "\u0301", "|", "<", "`",
                       "<div>" * 3000 + "x" + "</div>" * 3000, "字" * 200_000, "<td rowspan='999'>", ".. table::",
                       "+----+", "====", ":ref:`x <y>`", "\\", "&nbsp;"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SMALL_PAGES)), st.lists(st.tuples(st.floats(0, 1), ODD, st.booleans()), max_size=4))
def test_mutated_pages_give_a_page_or_the_scrapers_error(form, mutations):
    """Deep nesting, huge cells, odd Unicode, cuts: the only outcomes are a Page or ScrapeError."""
    from errdex.errors import ScrapeError
    from errdex.readers import Page
    text = SMALL_PAGES[form]
    for where, piece, cut in mutations:
        at = int(where * len(text))
        text = text[:at] + ("" if cut else piece) + text[at + (len(piece) if cut else 0):]
    try:
        assert isinstance(scrape("mutated", text), Page)
    except ScrapeError:
        pass
