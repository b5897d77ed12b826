"""Reader of Huawei's HTML pages, in any wrapper, with or without <thead> and captions.

Also lends its table reading to the Markdown export, whose tables are the same HTML.
"""

import re

from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString

from ..model import Section
from . import cells, grid
from .prose import example_response

FORM = "html"
_TABLE_RE = re.compile(r"<table\b", re.I)


class SoupAdapter:
    """Name BeautifulSoup nodes for the cell converter."""

    @staticmethod
    def kind(node):
        if isinstance(node, NavigableString):
            return "#skip" if isinstance(node, PreformattedString) else "#text"
        return node.name

    @staticmethod
    def children(node):
        return node.children

    @staticmethod
    def text(node):
        return str(node)

    @staticmethod
    def whole_text(node):
        return node.get_text(" ") if node.name == "table" else node.get_text()

    @staticmethod
    def attribute(node, name):
        return node.get(name)


def detect(text):
    """An HTML page: a <table> and markup around it."""
    return _TABLE_RE.search(text) is not None


def read(path, text):
    """Read an HTML page: every table, then the prose."""
    soup = parse(text)
    title, intro, example = _prose(soup)
    return grid.build_page(path, FORM, tables(path, soup), title, intro, example)


def parse(text):
    """Parse HTML with the standard library's parser (no C extension needed)."""
    return BeautifulSoup(text, "html.parser")


def tables(path, soup):
    """Every outermost table of a parsed page that has a header row, as grid Tables."""
    found = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        read_table = _table(path, table, len(found) + 1)
        if read_table is not None:
            found.append(read_table)
    return found


def _table(path, table, number):
    """Lay out one <table>; None when it has no header row to read columns from."""
    trs = list(_own_rows(table))
    if not trs:
        return None
    laid_out = grid.lay_out([(tr.sourceline, [_cell(path, td) for td in tr.find_all(["td", "th"], recursive=False)])
                             for tr, _ in trs])
    header_count = _header_rows(trs, laid_out)
    if not header_count:
        return None
    caption = table.find("caption")
    return grid.Table(
        number=number, line=table.sourceline,
        caption=grid.clean_text(caption.get_text(" ")) if caption else None,
        headers=grid.header_names(laid_out[:header_count]), rows=tuple(laid_out[header_count:]))


def _own_rows(table):
    """The table's own <tr>s (not those of tables nested in its cells), each with whether
    it is in <thead>; a walk with its own stack, each element visited once."""
    stack = [(child, False) for child in reversed(list(table.children))]
    while stack:
        node, in_head = stack.pop()
        if isinstance(node, NavigableString) or node.name == "table":
            continue
        if node.name == "tr":
            yield node, in_head
            continue
        stack.extend((child, in_head or node.name == "thead") for child in reversed(list(node.children)))


def _header_rows(trs, laid_out):
    """How many leading rows are the header: <thead> rows, a <th> row, or a row of known names."""
    in_head = sum(1 for _, head in trs if head)
    if in_head:
        return in_head
    if trs[0][0].find("th", recursive=False) is not None:
        return 1
    names = [c.plain for c in laid_out[0][1]]
    return 1 if sum(grid.role_of(n) is not None for n in names) >= 2 else 0


def _cell(path, tag):
    """A cell of a row with its spans: (Cell, rowspan, colspan)."""
    line = tag.sourceline
    cell = grid.Cell(cells.to_markdown(tag, SoupAdapter), grid.clean_text(tag.get_text()), line)
    return (cell, grid.span_value(path, line, "rowspan", tag.get("rowspan", "1")),
            grid.span_value(path, line, "colspan", tag.get("colspan", "1")))


def _prose_tags(soup):
    """The h2-h4, p and pre elements outside tables, pre and p, in document order."""
    stack = list(reversed(list(soup.children)))
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString) or node.name == "table":
            continue
        if node.name in ("h2", "h3", "h4", "p", "pre"):
            yield node
            continue
        stack.extend(reversed(list(node.children)))


def _prose(soup):
    """Prose of an HTML page: its h1 as title, paragraphs outside tables as sections."""
    h1 = soup.find("h1")
    title = grid.clean_text(h1.get_text(" ")) if h1 else None
    sections, heading, paragraphs, example = [], None, [], None
    for tag in _prose_tags(soup):
        if tag.name == "pre" and "error_code" in tag.get_text():
            example = example_response(tag.get_text())
            continue
        if tag.name in ("h2", "h3", "h4"):
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = grid.clean_text(tag.get_text(" ")), []
            continue
        text = cells.to_markdown(tag, SoupAdapter)
        if tag.name == "pre":
            text = "```\n" + tag.get_text().strip("\n") + "\n```"
        if text:
            paragraphs.append(text)
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example
