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


def fields(page):
    return [(r.http_status, r.code, r.message, r.description, r.solution) for r in page.rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=8).map(unique_codes))
def test_generated_tables_round_trip_in_both_forms(rows):
    assert fields(scrape("gen.txt", as_text(rows))) == rows
    assert fields(scrape("gen.html", as_html(rows))) == rows


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
