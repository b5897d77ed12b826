"""Reader of Markdown pages whose tables are pure pipe tables, as Huawei exports some.

Huawei writes the separator '|--|--|' (two dashes, colons optional, no spaces) and, where
a first column was merged, leaves its cell out of the following rows, which then shift
left by one: such a row takes the cell above it.
"""

import re

from . import grid
from .prose import ANCHOR_RE, markdown_prose

FORM = "markdown-pipe"
SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING_RE = re.compile(r"^#{1,6}[ \t]", re.M)
_BREAK_RE = re.compile(r"<br\s*/?>", re.I)
_MARKUP_RE = re.compile(r"\*\*|__|`|<[^>]*>")


def detect(text):
    """A Markdown page (a '#' heading) with a pipe table."""
    return _HEADING_RE.search(text) is not None and bool(table_spans(text.splitlines()))


def read(path, text):
    """Read a Markdown page with pipe tables."""
    lines = text.splitlines()
    spans = table_spans(lines)
    found = [table(lines, start, end, number) for number, (start, end) in enumerate(spans, start=1)]
    title, intro, example = markdown_prose("\n".join(outside(lines, spans)))
    return grid.build_page(path, FORM, found, title, intro, example)


def table_spans(lines):
    """(header index, end index) of every pipe table: a row with '|', then a separator."""
    spans, index = [], 0
    while index < len(lines) - 1:
        if "|" in lines[index] and SEPARATOR_RE.match(lines[index + 1]) and "|" in lines[index + 1] + lines[index]:
            end = index + 2
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            spans.append((index, end))
            index = end
        else:
            index += 1
    return spans


def outside(lines, spans):
    """The lines of a page that are not in a table (a blank line where each table was)."""
    kept, start = [], 0
    for begin, end in spans:
        kept.extend(lines[start:begin] + [""])
        start = end
    return kept + lines[start:]


def table(lines, start, end, number):
    """Read one pipe table; a row one cell short takes the first cell of the row above."""
    headers = tuple(grid.clean_text(_plain(c)) for c in split_row(lines[start]))
    caption = _caption(lines, start)
    rows, previous = [], None
    for index in range(start + 2, end):
        cells = [grid.Cell(_markdown(c), _plain(c), index + 1) for c in split_row(lines[index])]
        if previous is not None and len(cells) == len(headers) - 1:
            cells.insert(0, previous[0])
        row = tuple(cells)
        rows.append((index + 1, row))
        previous = row
    return grid.Table(number=number, line=start + 1, caption=caption, headers=headers, rows=tuple(rows))


def split_row(line):
    """Split '|a|b|c|' or 'a | b | c |' into cells, keeping '\\|' as a literal pipe."""
    stripped = line.strip()
    cells = re.split(r"(?<!\\)\|", stripped)
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        cells = cells[:-1]
    if stripped.startswith("|"):
        cells = cells[1:]
    return [c.replace("\\|", "|") for c in cells]


def _markdown(cell):
    """A pipe cell's Markdown: <br> becomes a line break, spaces collapse."""
    lines = [grid.clean_text(part) for part in _BREAK_RE.split(ANCHOR_RE.sub("", cell))]
    return "\n".join(line for line in lines if line)


def _plain(cell):
    """A pipe cell's plain text, without Markdown or tags."""
    return grid.clean_text(_MARKUP_RE.sub("", _BREAK_RE.sub(" ", cell)))


def _caption(lines, start):
    """The '**表 1**  错误码' line just above a table, if any."""
    for line in reversed(lines[max(0, start - 3):start]):
        if line.strip():
            return grid.clean_text(_plain(line)) if re.match(r"^\s*\*\*(表|Table)\s*\d+", line) else None
    return None
