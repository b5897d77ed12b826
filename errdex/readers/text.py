"""Reader of Huawei's plain-text dump: prose lines, an example response, pipe tables."""

import re
import textwrap

from ..model import Section
from . import grid, pipe
from .prose import STATUS_LINE_RE

FORM = "text"
_SENTENCE_END = tuple("。.:：；;!！?？,，")


def detect(text):
    """A plain-text dump: a pipe table under a header row."""
    return bool(pipe.table_spans(text.splitlines()))


def read(path, text):
    """Read the plain-text dump: prose, example response, then pipe tables."""
    lines = text.splitlines()
    spans = pipe.table_spans(lines)
    found = []
    for number, (start, end) in enumerate(spans, start=1):
        table = pipe.table(lines, start, end, number)
        # The dump's cells are plain text: nothing in them is Markdown.
        rows = tuple((line, tuple(grid.Cell(grid.clean_text(c.plain), grid.clean_text(c.plain), c.line)
                                  for c in cells)) for line, cells in table.rows)
        found.append(grid.Table(table.number, table.line, None, table.headers, rows))
    title, intro, example = _prose(lines[:spans[0][0]])
    _, outro, _ = _prose(lines[spans[-1][1]:], has_title=False)
    return grid.build_page(path, FORM, found, title, intro + outro, example)


def _prose(lines, has_title=True):
    """Split dump prose into title, sections and the example response."""
    lines = _unglue_braces([line.rstrip() for line in lines])
    title = None
    if has_title:
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            title = lines.pop(0).strip()
    sections, example, heading, paragraphs = [], None, None, []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        status_match = STATUS_LINE_RE.match(line)
        if status_match:
            body, index = _json_block(lines, index + 1)
            example = {"http_status": int(status_match.group(1)), "body": body}
            continue
        if _looks_like_heading(line):
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = line, []
        elif line:
            paragraphs.append(grid.clean_text(line))
        index += 1
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example


def _unglue_braces(lines):
    """Split '} 错误码说明' (a JSON body's end glued to the next heading) in two."""
    result = []
    for line in lines:
        match = re.match(r"^(\s*})\s*(\S.*)$", line)
        result.extend([match.group(1), match.group(2)] if match else [line])
    return result


def _json_block(lines, start):
    """Collect lines from the first '{' until the braces balance; return (body, next index)."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    collected, depth, opened = [], 0, False
    while index < len(lines):
        line = lines[index].rstrip()
        collected.append(line)
        depth += line.count("{") - line.count("}")
        opened = opened or "{" in line
        index += 1
        if depth <= 0 and opened:
            break
    return textwrap.dedent("\n".join(collected)).strip(), index


def _looks_like_heading(line):
    """Dump headings are short lines without sentence punctuation."""
    return (0 < len(line) <= 20 and not line.endswith(_SENTENCE_END) and "|" not in line
            and not line.startswith(("{", "}", '"')))
