"""Stage 1: read one upstream error-code page (text dump, HTML or Markdown export).

The scraper only reads and normalises: it returns a `Page` of rows whose cells are
Markdown strings, plus the page's prose. Turning rows into codes, and merging pages,
is `dataset.py`'s job.
"""

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from . import codes
from .errors import ScrapeError, where
from .model import Remark, Section

ROLES = ("status", "code", "message", "description", "solution")

# Header names seen across Huawei Cloud pages, folded by `_fold_header`.
HEADER_ROLES = {
    "status": {"状态码", "http状态码", "http 状态码", "返回状态码", "status code", "status codes",
               "http status code", "http status", "status", "http code", "http返回码"},
    "code": {"错误码", "错误代码", "错误编码", "error code", "error codes", "error_code", "errorcode",
             "code", "错误码error_code"},
    "message": {"错误信息", "描述信息", "错误消息", "提示信息", "返回信息", "错误提示", "error message",
                "error messages", "error_msg", "error msg", "errormessage", "message", "error info"},
    "description": {"说明", "描述", "语义", "含义", "错误描述", "错误说明", "描述说明", "错误码说明",
                    "错误码描述", "description", "descriptions", "meaning", "error description"},
    "solution": {"处理措施", "解决方案", "建议解决方法", "解决方法", "处理方法", "处理建议", "解决办法",
                 "解决措施", "操作建议", "建议", "处理方式", "solution", "solutions", "handling measure",
                 "handling measures", "measure", "measures", "suggestion", "suggestions", "remedy",
                 "resolution", "handling suggestion"},
}
_ROLE_BY_HEADER = {name: role for role, names in HEADER_ROLES.items() for name in names}

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PIPE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STATUS_LINE_RE = re.compile(r"^\s*(?:HTTP\s+)?STATUS\s*CODE\s*[:：]?\s*(\d{3})\s*$", re.I)
_STATUS_CELL_RE = re.compile(r"^(\d{3})(?:\s+[A-Za-z][A-Za-z \-']*)?$")
_ANCHOR_RE = re.compile(r"<a\s+name=\"[^\"]*\"\s*>\s*</a>", re.I)
_TABLE_BLOCK_RE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_SENTENCE_END = tuple("。.:：；;!！?？,，")
# "1. … 2. … 3. …" written inline; a marker starts the text or follows a space/punctuation.
_INLINE_MARKER_RE = re.compile(r"(?:(?<=^)|(?<=[\s。；;：:]))(\d{1,2})\s?[.、．](?!\d)")


@dataclass(frozen=True)
class Row:
    """One table row that carries a code; cells are Markdown, keyed by role."""

    number: int
    line: int | None
    http_status: int | None
    code: str
    message: str | None
    description: str | None
    solution: str | None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """Everything read from one upstream page."""

    path: str
    form: str
    language: str
    title: str | None
    intro: tuple
    example_response: dict | None
    remarks: tuple
    rows: tuple
    columns: tuple
    warnings: tuple


@dataclass
class _Cell:
    """A grid cell after rowspan/colspan expansion."""

    text: str
    line: int | None
    spans_columns: bool = False
    plain: str | None = None  # the cell's text without Markdown, where it differs

    @property
    def plain_text(self):
        return self.text if self.plain is None else self.plain


# ---------------------------------------------------------------- entry point


def scrape(path, text):
    """Read one upstream page; raise ScrapeError naming the file and row on bad input."""
    form = detect_form(text, path)
    if form == "text":
        return _scrape_text(path, text)
    return _scrape_markup(path, text, form)


def detect_form(text, path="<page>"):
    """Tell 'html', 'markdown' (prose with an embedded HTML table) or 'text' (pipe table)."""
    if re.search(r"<table\b", text, re.I):
        prose = _ANCHOR_RE.sub("", _TABLE_BLOCK_RE.sub("", text))
        if re.search(r"^#{1,6}\s", prose, re.M) or not re.search(r"<[a-zA-Z]", prose):
            return "markdown"
        return "html"
    lines = text.splitlines()
    for index in range(1, len(lines)):
        if _PIPE_SEPARATOR_RE.match(lines[index]) and "|" in lines[index - 1]:
            return "text"
    raise ScrapeError(f"{path}: no table found: expected an HTML <table>, or a pipe "
                      f"table with a '|---|' separator line under its header")


def detect_language(*texts):
    """Return 'zh' when the texts contain Chinese characters, else 'en'."""
    return "zh" if any(_CJK_RE.search(t or "") for t in texts) else "en"


# ---------------------------------------------------------------- columns


def _fold_header(text):
    """Fold a header cell for matching: case, spaces, trailing punctuation."""
    folded = " ".join(text.replace("\u00a0", " ").split()).casefold()
    return folded.rstrip(" .:：。").strip()


def role_of(header):
    """Return the role of a header name, or None for an unknown column."""
    return _ROLE_BY_HEADER.get(_fold_header(header))


def _assign_roles(path, headers, body_rows, warnings):
    """Map column indexes to roles; resolve duplicate headers; unknown columns to extra."""
    roles = [role_of(h) for h in headers]
    _resolve_duplicate_description(roles, body_rows)
    seen = set()
    for index, role in enumerate(roles):
        if role is None:
            warnings.append(f"{path}: unknown column {headers[index].strip()!r} kept under 'extra'")
        elif role in seen:
            warnings.append(f"{path}: header {headers[index].strip()!r} used twice; "
                            f"the second column is kept under 'extra'")
            roles[index] = None
        seen.add(role)
    if "code" not in roles:
        raise ScrapeError(f"{path}: not an error-code table: no error-code column among headers "
                          f"{[h.strip() for h in headers]} (expected one of 错误码, Error Code, …)")
    if not {"message", "description", "solution"} & set(roles):
        raise ScrapeError(f"{path}: not an error-code table: headers {[h.strip() for h in headers]} "
                          f"have an error-code column but no message, description or solution")
    return roles


def _resolve_duplicate_description(roles, body_rows):
    """Pages titled 描述 twice (English, then Chinese): the more-Latin one is the message."""
    positions = [i for i, r in enumerate(roles) if r == "description"]
    if len(positions) < 2 or "message" in roles:
        return

    def cjk_share(index):
        text = "".join(row[index].text for row in body_rows if index < len(row))
        return len(_CJK_RE.findall(text)) / max(1, len(text))

    first, second = positions[:2]
    message = first if cjk_share(first) <= cjk_share(second) else second
    roles[message] = "message"


# ---------------------------------------------------------------- rows


def _build_rows(path, headers, grid, roles, first_number=1):
    """Turn grid rows into Row and Remark records, checking every cell."""
    rows, remarks, warnings = [], [], []
    width = len(headers)
    code_index = roles.index("code")
    for offset, cells in enumerate(grid):
        number = first_number + offset
        line = next((c.line for c in cells if c.line is not None), None)
        if len(cells) != width:
            raise ScrapeError(f"{where(path, line, row=number)}: {len(cells)} cells, expected {width} "
                              f"(one per header: {[h.strip() for h in headers]})")
        if all(not c.text for c in cells):
            continue
        code_cell = cells[code_index]
        by_role = {role: cells[i].text for i, role in enumerate(roles) if role}
        plain = {role: cells[i].plain_text for i, role in enumerate(roles) if role}
        if code_cell.spans_columns or codes.is_catch_all_label(code_cell.text):
            status_cell = cells[roles.index("status")] if "status" in roles else code_cell
            status = None if status_cell is code_cell else \
                _parse_status(path, line, number, headers, roles, cells, warnings)
            remarks.append(_remark(number, line, code_cell, cells, code_index, status))
            continue
        status = _parse_status(path, line, number, headers, roles, cells, warnings)
        if not code_cell.text:
            raise ScrapeError(f"{where(path, line, row=number, cell=headers[code_index].strip())}: "
                              f"empty error-code cell, expected a code such as AIS.0014")
        code, changed = codes.normalise_code(code_cell.plain_text)
        if code is None:
            raise ScrapeError(f"{where(path, line, row=number, cell=headers[code_index].strip())}: "
                              f"{code_cell.text!r} is not an error code (expected letters and digits "
                              f"joined by '.', '-' or '_', such as AIS.0014)")
        if changed:
            warnings.append(f"{where(path, line, row=number)}: code {code_cell.text!r} normalised to {code!r}")
        extra = {headers[i].strip(): cells[i].text for i, role in enumerate(roles)
                 if role is None and cells[i].text}
        rows.append(Row(
            number=number, line=line, http_status=status, code=code,
            # The message is what the API returns: plain text on one line, no Markdown.
            message=_clean_text(plain.get("message", "")) or None,
            description=listify(by_role.get("description")) or None,
            solution=listify(by_role.get("solution")) or None,
            extra=extra,
        ))
    return rows, remarks, warnings


def _parse_status(path, line, number, headers, roles, cells, warnings):
    """Read the HTTP status cell: three digits, optionally a reason phrase."""
    if "status" not in roles:
        return None
    index = roles.index("status")
    text = cells[index].plain_text
    if not text:
        return None
    match = _STATUS_CELL_RE.match(text)
    if not match or not 100 <= int(match.group(1)) <= 599:
        raise ScrapeError(f"{where(path, line, row=number, cell=headers[index].strip())}: "
                          f"HTTP status {text!r} is not a number from 100 to 599")
    if match.group(0) != match.group(1):
        warnings.append(f"{where(path, line, row=number)}: status {text!r} read as {match.group(1)}")
    return int(match.group(1))


def _remark(number, line, code_cell, cells, code_index, status):
    """Make a Remark of a catch-all row: its label and its first other text."""
    if code_cell.spans_columns:
        label, text = "", code_cell.text
    else:
        label = code_cell.text
        others = [c.text for i, c in enumerate(cells) if i > code_index and c.text and c is not code_cell]
        text = others[0] if others else ""
    return Remark(label=label, http_status=status, text=text, row=number)


def listify(text):
    """Turn an inline enumeration '1. a 2. b 3. c' into a Markdown list; else return text."""
    if not text or "\n" in text:
        return text
    markers = list(_INLINE_MARKER_RE.finditer(text))
    numbers = [int(m.group(1)) for m in markers]
    if len(markers) < 2 or numbers != list(range(1, len(markers) + 1)):
        return text
    lead = text[:markers[0].start()].strip()
    if lead and not lead.endswith((":", "：")):
        return text
    ends = [m.start() for m in markers[1:]] + [len(text)]
    items = [text[m.end():end].strip() for m, end in zip(markers, ends)]
    if any(not item for item in items):
        return text
    listed = "\n".join(f"{n}. {item}" for n, item in zip(numbers, items))
    return f"{lead}\n\n{listed}" if lead else listed


# ---------------------------------------------------------------- text form


def _scrape_text(path, text):
    """Read the plain-text dump: prose, example response, then a pipe table."""
    lines = text.splitlines()
    header_index = next(i for i in range(len(lines) - 1)
                        if "|" in lines[i] and _PIPE_SEPARATOR_RE.match(lines[i + 1]))
    headers = _split_pipe_row(lines[header_index])
    grid, end = [], header_index + 2
    while end < len(lines) and "|" in lines[end]:
        grid.append([_Cell(_clean_text(c), end + 1) for c in _split_pipe_row(lines[end])])
        end += 1
    warnings = []
    roles = _assign_roles(path, headers, grid, warnings)
    rows, remarks, row_warnings = _build_rows(path, headers, grid, roles)
    title, intro, example = _text_prose(lines[:header_index])
    _, outro, _ = _text_prose(lines[end:], has_title=False)
    language = detect_language(*headers)
    return Page(path=str(path), form="text", language=language, title=title,
                intro=tuple(intro + outro), example_response=example, remarks=tuple(remarks),
                rows=tuple(rows), columns=tuple(zip([h.strip() for h in headers], roles)),
                warnings=tuple(warnings + row_warnings))


def _split_pipe_row(line):
    """Split 'a | b | c |' into cells, keeping '\\|' as a literal pipe."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    if cells and cells[-1].strip() == "" and line.strip().endswith("|"):
        cells = cells[:-1]
    if cells and cells[0].strip() == "" and line.strip().startswith("|"):
        cells = cells[1:]
    return [c.replace("\\|", "|") for c in cells]


def _clean_text(text):
    """Normalise whitespace only: collapse runs, strip ends."""
    return " ".join(text.replace("\u00a0", " ").split())


def _text_prose(lines, has_title=True):
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
        status_match = _STATUS_LINE_RE.match(line)
        if status_match:
            body, index = _json_block(lines, index + 1)
            example = {"http_status": int(status_match.group(1)), "body": body}
            continue
        if _looks_like_heading(line):
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = line, []
        elif line:
            paragraphs.append(_clean_text(line))
        index += 1
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example


def _unglue_braces(lines):
    """Split '} 错误码说明' (a JSON body's end glued to the next heading) in two."""
    result = []
    for line in lines:
        match = re.match(r"^(\s*})\s*(\S.*)$", line)
        if match:
            result.extend([match.group(1), match.group(2)])
        else:
            result.append(line)
    return result


def _json_block(lines, start):
    """Collect lines from the first '{' until the braces balance; return (body, next index)."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    collected, depth = [], 0
    while index < len(lines):
        line = lines[index].strip()
        collected.append(line)
        depth += line.count("{") - line.count("}")
        index += 1
        if depth <= 0 and collected and "{" in "".join(collected):
            break
    return "\n".join(collected), index


def example_response(text):
    """Read an example response block: an optional 'STATUS CODE 400' line, then the body."""
    lines = [line.strip() for line in text.strip().splitlines()]
    match = _STATUS_LINE_RE.match(lines[0]) if lines else None
    if match:
        lines = lines[1:]
    return {"http_status": int(match.group(1)) if match else None, "body": "\n".join(lines).strip()}


def _looks_like_heading(line):
    """Dump headings are short lines without sentence punctuation."""
    return (0 < len(line) <= 20 and not line.endswith(_SENTENCE_END) and "|" not in line
            and not line.startswith(("{", "}", '"')))


# ---------------------------------------------------------------- HTML and Markdown export


def _scrape_markup(path, text, form):
    """Read an HTML page or a Markdown export: every error-code table, then the prose."""
    soup = BeautifulSoup(text, "html.parser")
    tables = soup.find_all("table")
    refused, pages_rows, remarks, warnings = [], [], [], []
    columns = None
    number = 1
    for table in tables:
        if table.find_parent("table") is not None:
            continue
        headers, grid = _table_grid(path, table)
        if headers is None or not any(role_of(h) == "code" for h in headers):
            refused.append([h.strip() for h in headers or []])
            continue
        table_warnings = []
        roles = _assign_roles(path, headers, grid, table_warnings)
        rows, table_remarks, row_warnings = _build_rows(path, headers, grid, roles, number)
        number += len(grid)
        pages_rows.extend(rows)
        remarks.extend(table_remarks)
        warnings.extend(table_warnings + row_warnings)
        columns = columns or tuple(zip([h.strip() for h in headers], roles))
    if columns is None:
        raise ScrapeError(f"{path}: no error-code table: {len(tables)} table(s) found, none with an "
                          f"error-code column (headers seen: {refused}; expected 错误码 or Error Code)")
    title, intro, example = (_markdown_prose(text) if form == "markdown" else _html_prose(soup))
    language = detect_language(*(h for h, _ in columns))
    return Page(path=str(path), form=form, language=language, title=title, intro=tuple(intro),
                example_response=example, remarks=tuple(remarks), rows=tuple(pages_rows),
                columns=columns, warnings=tuple(warnings))


def _table_grid(path, table):
    """Expand a table's rowspan/colspan into a grid; return (headers, body rows)."""
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if not trs:
        return None, []
    header_trs = [tr for tr in trs if tr.find_parent("thead") is not None]
    if not header_trs and trs[0].find("th") is not None:
        header_trs = [trs[0]]
    if not header_trs:
        first = [_clean_text(c.get_text(" ")) for c in trs[0].find_all(["td", "th"], recursive=False)]
        if sum(role_of(c) is not None for c in first) >= 2:
            header_trs = [trs[0]]
        else:
            return None, []
    grid = _expand_spans(path, trs)
    header_row = grid[trs.index(header_trs[-1])]
    headers = [cell.text for cell in header_row]
    body = [row for tr, row in zip(trs, grid) if tr not in header_trs]
    return headers, body


def _expand_spans(path, trs):
    """Lay out cells with rowspan/colspan; vertical copies keep their text."""
    grid, pending = [], {}  # pending: column -> (cell, rows left)
    for tr in trs:
        row, column = [], 0
        cells = tr.find_all(["td", "th"], recursive=False)
        queue = list(cells)
        while queue or column in pending:
            if column in pending:
                cell, left = pending[column]
                row.append(cell)
                pending[column] = (cell, left - 1)
                if left - 1 == 0:
                    del pending[column]
                column += 1
                continue
            tag = queue.pop(0)
            rowspan, colspan = _span(path, tag, "rowspan"), _span(path, tag, "colspan")
            cell = _Cell(cell_markdown(tag), tag.sourceline, spans_columns=colspan > 1,
                         plain=_clean_text(tag.get_text()))
            for _ in range(colspan):
                row.append(cell)
                if rowspan > 1:
                    pending[column] = (cell, rowspan - 1)
                column += 1
        grid.append(row)
    return grid


def _span(path, tag, name):
    """Read a rowspan/colspan attribute as a positive integer (browsers cap at 1000)."""
    value = tag.get(name, "1")
    try:
        number = int(str(value).strip() or "1")
    except ValueError:
        raise ScrapeError(f"{where(path, tag.sourceline)}: {name}={value!r} is not a whole number") from None
    return min(max(number, 1), 1000)


def cell_markdown(tag):
    """Convert a cell's HTML to Markdown: paragraphs, lists, links, emphasis, code."""
    return "\n\n".join(b for b in _blocks(tag) if b)


_BLOCK_TAGS = {"p", "div", "ul", "ol", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dl"}


def _blocks(tag):
    """Split an element's content into Markdown blocks."""
    blocks, inline = [], []

    def flush():
        text = _join_inline(inline)
        if text:
            blocks.append(text)
        inline.clear()

    for child in tag.children:
        if isinstance(child, Tag) and child.name in _BLOCK_TAGS:
            flush()
            blocks.extend(_block(child))
        else:
            inline.append(_inline(child))
    flush()
    return blocks


def _block(tag):
    """Markdown for one block element."""
    if tag.name in ("ul", "ol"):
        items = [li for li in tag.find_all("li", recursive=False)]
        lines = []
        for number, li in enumerate(items, start=1):
            marker = f"{number}. " if tag.name == "ol" else "- "
            body = "\n\n".join(_blocks(li)).replace("\n", "\n   ")
            lines.append(marker + body)
        return ["\n".join(lines)]
    if tag.name == "pre":
        return ["```\n" + tag.get_text().strip("\n") + "\n```"]
    if tag.name == "table":
        return [_clean_text(tag.get_text(" "))]
    return _blocks(tag)


def _inline(node):
    """Markdown for inline content; whitespace collapsed later."""
    if isinstance(node, NavigableString):
        return "" if node.__class__.__name__ == "Comment" else str(node)
    if node.name == "br":
        return "\n"
    inner = "".join(_inline(c) for c in node.children)
    if node.name == "a":
        href = (node.get("href") or "").strip()
        text = _clean_text(inner)
        if href.startswith(("http://", "https://")) and text:
            return f"[{text}]({href})"
        return inner
    if node.name in ("strong", "b") and _clean_text(inner):
        return f"**{_clean_text(inner)}**"
    if node.name in ("em", "i") and _clean_text(inner):
        return f"*{_clean_text(inner)}*"
    if node.name == "code" and _clean_text(inner):
        return f"`{_clean_text(inner)}`"
    if node.name in ("script", "style"):
        return ""
    return inner


def _join_inline(parts):
    """Join inline pieces; collapse whitespace within lines, keep <br> line breaks."""
    text = "".join(parts)
    lines = [_clean_text(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _markdown_prose(text):
    """Prose of a Markdown export: '# title', '## headings', paragraphs; tables removed."""
    stripped = _ANCHOR_RE.sub("", _TABLE_BLOCK_RE.sub("\n", text))
    title, sections, heading, paragraphs, example = None, [], None, [], None
    for block in re.split(r"\n\s*\n", stripped):
        block = block.strip()
        if not block:
            continue
        heading_match = re.match(r"^(#{1,6})\s+(.*)$", block)
        if heading_match and "\n" not in block:
            level, name = len(heading_match.group(1)), _clean_text(heading_match.group(2))
            if level == 1 and title is None:
                title = name
                continue
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = name, []
            continue
        if block.startswith("```") and "error_code" in block:
            example = example_response("\n".join(block.splitlines()[1:-1]))
            continue
        paragraphs.append("\n".join(line.strip() for line in block.splitlines()))
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example


def _html_prose(soup):
    """Prose of an HTML page: its h1 as title, paragraphs outside tables as sections."""
    h1 = soup.find("h1")
    title = _clean_text(h1.get_text(" ")) if h1 else None
    sections, heading, paragraphs, example = [], None, [], None
    for tag in soup.find_all(["h2", "h3", "h4", "p", "pre"]):
        if tag.find_parent(["table", "pre"]) is not None or tag.find_parent("p") is not None:
            continue
        if tag.name == "pre" and "error_code" in tag.get_text():
            example = example_response(tag.get_text())
            continue
        text = "\n\n".join(_block(tag)) if tag.name != "p" else "\n\n".join(_blocks(tag))
        if tag.name in ("h2", "h3", "h4"):
            if heading is not None or paragraphs:
                sections.append(Section(heading, "\n\n".join(paragraphs)))
            heading, paragraphs = _clean_text(tag.get_text(" ")), []
        elif text:
            paragraphs.append(text)
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example
