"""The prose around the tables: title, sections, and the example error body."""

import re
import textwrap

from ..model import Section
from .grid import clean_text

# The status a page gives its example body: "STATUS CODE 400", "状态码：400", "HTTP/1.1 400 Bad Request".
STATUS_LINE_RE = re.compile(
    r"^\s*(?:(?:HTTP\s*)?STATUS(?:\s*CODE)?|HTTP状态码|状态码|响应码|HTTP/\d(?:\.\d)?)\s*[:：]?\s*(\d{3})\b.*$", re.I)
# A block holding an error body: a JSON key naming the code.
_ERROR_BODY_RE = re.compile(r"[\"'](?:error_code|errorCode|error_msg|code)[\"']\s*:")
ANCHOR_RE = re.compile(r"<a\s+name=\"[^\"]*\"\s*>\s*</a>", re.I)


def example_response(text, status_hint=None):
    """Read an example body: an optional status line, then the body, its indentation kept."""
    lines = text.strip("\n").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    match = STATUS_LINE_RE.match(lines[0]) if lines else None
    if match:
        lines = lines[1:]
    status = int(match.group(1)) if match else status_hint
    return {"http_status": status, "body": textwrap.dedent("\n".join(lines)).strip()}


def looks_like_error_body(text):
    """Does a code block hold an error body rather than, say, a request?"""
    return _ERROR_BODY_RE.search(text) is not None


def status_in(text):
    """The status a line of prose gives, or None."""
    for line in text.splitlines():
        match = STATUS_LINE_RE.match(line)
        if match:
            return int(match.group(1))
    return None


def markdown_prose(text):
    """Prose of a Markdown page without its tables: '# title', '## headings', paragraphs."""
    title, sections, heading, paragraphs, example, hint = None, [], None, [], None, None
    for block in _markdown_blocks(ANCHOR_RE.sub("", text)):
        heading_match = re.match(r"^(#{1,6})\s+(.*)$", block)
        if heading_match and "\n" not in block:
            level, name = len(heading_match.group(1)), clean_text(heading_match.group(2))
            if level == 1 and title is None:
                title = name
                continue
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = name, []
            continue
        if block.startswith("```"):
            inner = "\n".join(block.splitlines()[1:-1])
            if example is None and looks_like_error_body(inner):
                example = example_response(inner, hint)
                continue
            if status_in(inner) is not None and len(inner.strip().splitlines()) == 1:
                hint = status_in(inner)
                continue
        hint = status_in(block) if status_in(block) is not None else hint
        paragraphs.append(block if block.startswith("```") else
                          "\n".join(line.strip() for line in block.splitlines()))
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example


def _markdown_blocks(text):
    """Split Markdown into blocks at blank lines, keeping fenced code blocks whole."""
    blocks, current, fenced = [], [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        if not fenced and not line.strip() and not line.strip().startswith("```"):
            if current:
                blocks.append("\n".join(current).strip("\n"))
            current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current).strip("\n"))
    return [textwrap.dedent(b).strip() for b in blocks if b.strip()]
