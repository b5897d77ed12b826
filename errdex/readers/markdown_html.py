"""Reader of Huawei's Markdown export: Markdown prose with embedded HTML tables."""

import re

from . import grid, html, pipe
from .prose import ANCHOR_RE, markdown_prose

FORM = "markdown"
_TABLE_TAG_RE = re.compile(r"<(/?)table\b[^>]*>", re.I)
_HEADING_RE = re.compile(r"^#{1,6}[ \t]", re.M)
_TAG_RE = re.compile(r"<[a-zA-Z]")


def detect(text):
    """Markdown with an HTML table: '#' headings, or no markup outside the tables."""
    if not html.detect(text):
        return False
    prose = ANCHOR_RE.sub("", without_tables(text))
    return _HEADING_RE.search(prose) is not None or _TAG_RE.search(prose) is None


def read(path, text):
    """Read every HTML table, any pipe table, then the Markdown prose around them."""
    prose = without_tables(text)
    lines = prose.splitlines()
    spans = pipe.table_spans(lines)
    found = html.tables(path, html.parse(text))
    found += [pipe.table(lines, start, end, len(found) + n) for n, (start, end) in enumerate(spans, start=1)]
    title, intro, example = markdown_prose("\n".join(pipe.outside(lines, spans)))
    return grid.build_page(path, FORM, found, title, intro, example)


def without_tables(text):
    """The text with its outermost <table>…</table> blocks blanked, line numbers kept."""
    pieces, depth, start = [], 0, 0
    for match in _TABLE_TAG_RE.finditer(text):
        closing = match.group(1) == "/"
        if not closing:
            if depth == 0:
                pieces.append(text[start:match.start()])
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pieces.append("\n" * text.count("\n", start, match.end()))
                start = match.end()
    pieces.append(text[start:] if depth == 0 else "\n" * text.count("\n", start))
    return "".join(pieces)
