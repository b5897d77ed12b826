"""What every reader shares: the table grid, column roles by meaning, and row building.

A reader turns its form into `Table`s of `Cell`s (spans already laid out) and the page's
prose; `build_page` does the rest the same way for every form: it finds the error-code
tables, names the others, reads each row's code, status and texts, and collects every
problem of the page before it refuses it.
"""

import re
from dataclasses import dataclass, field

from .. import codes
from ..errors import ScrapeError, where
from ..model import Remark

ROLES = ("status", "code", "message", "description", "solution", "module")

# Exact header names, folded by `fold_header`: one line per synonym. Names not listed here
# are matched by meaning (MEANING_RULES).
SYNONYMS = {
    "状态码": "status", "http状态码": "status", "响应状态码": "status", "返回状态码": "status",
    "status code": "status", "status codes": "status", "http status code": "status",
    "http status": "status", "status": "status", "http code": "status", "http返回码": "status",
    "错误码": "code", "返回错误码": "code", "错误代码": "code", "错误编码": "code",
    "error code": "code", "error codes": "code", "error_code": "code", "errorcode": "code",
    "code": "code", "错误码error_code": "code",
    "错误信息": "message", "描述信息": "message", "错误消息": "message", "提示信息": "message",
    "返回信息": "message", "错误提示": "message", "error message": "message",
    "error messages": "message", "error_msg": "message", "error msg": "message",
    "errormessage": "message", "message": "message", "error info": "message",
    "error information": "message", "error": "message",
    "说明": "description", "描述": "description", "语义": "description", "含义": "description",
    "错误描述": "description", "错误说明": "description", "错误码说明": "description",
    "错误码描述": "description", "description": "description", "error description": "description",
    "meaning": "description",
    "描述（处理措施）": "solution", "handling measure": "solution", "measure": "solution",
    "模块": "module", "module": "module", "category": "module",
}

# Meaning rules, tried in order on headers not in SYNONYMS: (role, CJK substrings that must
# all occur, or Latin words that start a word). The order settles overlaps: 描述（处理措施） is a
# solution, 错误码状态 a status, 错误码含义 a description.
MEANING_RULES = (
    ("solution", ("处理",)), ("solution", ("解决",)), ("solution", ("措施",)), ("solution", ("建议",)),
    ("solution", ("solution",)), ("solution", ("measure",)), ("solution", ("troubleshoot",)),
    ("solution", ("suggest",)), ("solution", ("remed",)), ("solution", ("resolution",)),
    ("solution", ("handling",)), ("solution", ("action",)),
    ("status", ("状态", "码")), ("status", ("status",)),
    ("description", ("说明",)), ("description", ("描述",)), ("description", ("语义",)),
    ("description", ("含义",)), ("description", ("原因",)), ("description", ("descri",)),
    ("description", ("meaning",)), ("description", ("explanation",)), ("description", ("cause",)),
    ("message", ("信息",)), ("message", ("消息",)), ("message", ("提示",)), ("message", ("message",)),
    ("message", ("error", "info")), ("message", ("msg",)),
    ("code", ("码",)), ("code", ("code",)),
    ("module", ("模块",)), ("module", ("分类",)), ("module", ("类别",)), ("module", ("module",)),
    ("module", ("category",)),
)
TEXT_ROLES = ("message", "description", "solution")

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKUP_RE = re.compile(r"</?strong>|</?b>|\*\*|__|`")
_STATUS_RE = re.compile(r"\d+")
_CLEAN_STATUS_RE = re.compile(
    r"\d{3}(?:\s+[A-Za-z][A-Za-z \-']*)?(?:\s*(?:/|,|、|，|or|and|或)\s*\d{3}(?:\s+[A-Za-z][A-Za-z \-']*)?)*",
    re.I)
_INLINE_MARKER_RE = re.compile(r"(?:(?<=^)|(?<=[\s。；;：:]))(\d{1,2})\s?[.、．](?!\d)")
# Prose where a code belongs: a catch-all sentence ("If other error codes cannot be rectified…").
_SENTENCE_RE = re.compile(r"[\u3400-\u9fff]|\w+\s+\w+\s+\w+")


@dataclass(frozen=True)
class Cell:
    """A grid cell: Markdown text, plain text, its source line and whether it spans columns."""

    text: str
    plain: str
    line: int | None = None
    spans_columns: bool = False


@dataclass(frozen=True)
class Table:
    """One table of a page: header names and body rows of cells, spans laid out."""

    number: int
    line: int | None
    caption: str | None
    headers: tuple
    rows: tuple  # of (line, tuple of Cell)


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
    http_statuses: tuple = ()
    http_status_text: str | None = None
    module: str | None = None
    table: int = 1


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
    skipped_tables: tuple = ()


# ---------------------------------------------------------------- cells and spans


def clean_text(text):
    """Normalise whitespace only: collapse runs, strip ends."""
    return " ".join(text.replace("\u00a0", " ").split())


def lay_out(rows):
    """Lay out rows of (line, [(cell, rowspan, colspan)]) into rows of (line, cells).

    A cell spanning rows is repeated below (each row keeps its own line); one spanning
    columns is repeated across and marked, so that a catch-all row can be told apart.
    """
    grid, pending = [], {}  # pending: column -> (cell, rows left)
    for line, cells in rows:
        row, column, queue = [], 0, list(reversed(cells))
        while queue or column in pending:
            if column in pending:
                cell, left = pending.pop(column)
                row.append(cell)
                if left > 1:
                    pending[column] = (cell, left - 1)
                column += 1
                continue
            cell, rowspan, colspan = queue.pop()
            if colspan > 1:
                cell = Cell(cell.text, cell.plain, cell.line, spans_columns=True)
            for _ in range(colspan):
                row.append(cell)
                if rowspan > 1:
                    pending[column] = (cell, rowspan - 1)
                column += 1
        grid.append((line, tuple(row)))
    return grid


def span_value(path, line, name, value):
    """Read a rowspan/colspan value as a positive integer (browsers cap it at 1000)."""
    try:
        number = int(str(value).strip() or "1")
    except ValueError:
        raise ScrapeError(f"{where(path, line)}: {name}={value!r} is not a whole number") from None
    return min(max(number, 1), 1000)


# ---------------------------------------------------------------- columns


def header_names(header_rows):
    """One name per column from one or more header rows: a spanning cell above names each
    column under it ('说明' over '中文' and 'English' gives '说明 中文', '说明 English')."""
    # A title row spanning the whole table ('表1 错误码') names no column.
    named = [cells for _, cells in header_rows if len(cells) < 2 or len({id(c) for c in cells}) > 1]
    columns = zip(*(named or [header_rows[-1][1]]))
    return tuple(" ".join(dict.fromkeys(c.plain for c in column if c.plain)) for column in columns)


def fold_header(text):
    """Fold a header cell for matching: markup, case, spaces, trailing punctuation."""
    folded = " ".join(_MARKUP_RE.sub("", text).replace("\u00a0", " ").split()).casefold()
    return folded.strip().rstrip(" .:：。").strip()


def role_of(header):
    """Return the role of a header by name, else by meaning, else None."""
    folded = fold_header(header)
    return SYNONYMS[folded] if folded in SYNONYMS else meaning_of(folded)


def meaning_of(folded):
    """Return the role a folded header's words mean, or None."""
    for role, keys in MEANING_RULES:
        if all(_has_key(folded, key) for key in keys):
            return role
    return None


def _has_key(folded, key):
    """A CJK key occurs anywhere; a Latin key must start a word."""
    if _CJK_RE.search(key):
        return key in folded
    return re.search(rf"(?<![a-z]){re.escape(key)}", folded) is not None


def assign_roles(headers, body_rows):
    """Map columns to roles; return (roles, notes) where notes explain extra columns."""
    roles = [role_of(h) for h in headers]
    _resolve_duplicate_description(roles, body_rows)
    seen, notes = set(), []
    for index, role in enumerate(roles):
        if role is None:
            notes.append(f"unknown column {clean_text(headers[index])!r} kept under 'extra'")
        elif role in seen and meaning_of(fold_header(headers[index])) not in seen | {None}:
            # 描述信息 is the message beside 说明 (the seed), the description beside 错误信息.
            roles[index] = meaning_of(fold_header(headers[index]))
        elif role in seen:
            notes.append(f"header {clean_text(headers[index])!r} used twice; the second column "
                         f"is kept under 'extra'")
            roles[index] = None
        seen.add(roles[index])
    return roles, notes


def is_code_table(roles):
    """An error-code table has a code column and at least one text column."""
    return "code" in roles and any(r in roles for r in TEXT_ROLES)


def _resolve_duplicate_description(roles, body_rows):
    """Pages titled 描述 twice (English, then Chinese): the more-Latin one is the message."""
    positions = [i for i, r in enumerate(roles) if r == "description"]
    if len(positions) < 2 or "message" in roles:
        return

    def cjk_share(index):
        text = "".join(cells[index].text for _, cells in body_rows if index < len(cells))
        return len(_CJK_RE.findall(text)) / max(1, len(text))

    first, second = positions[:2]
    roles[first if cjk_share(first) <= cjk_share(second) else second] = "message"


def detect_language(*texts):
    """Return 'zh' when the texts contain Chinese characters, else 'en'."""
    return "zh" if any(_CJK_RE.search(t or "") for t in texts) else "en"


# ---------------------------------------------------------------- statuses


def parse_status(text):
    """Read a status cell: (statuses, raw text when not a clean status, or None).

    '400', '400/404' and '301 Moved Permanently' are clean; 'NA', '-', '40' or '500409'
    keep their raw text, and only the real statuses (100-599) among their numbers count.
    """
    text = clean_text(text)
    if not text:
        return (), None
    numbers = [int(n) for n in _STATUS_RE.findall(text) if len(n) == 3]
    real = tuple(dict.fromkeys(n for n in numbers if 100 <= n <= 599))
    clean = _CLEAN_STATUS_RE.fullmatch(text) is not None and len(real) == len(numbers)
    return real, None if clean and real else text


# ---------------------------------------------------------------- rows


def build_page(path, form, tables, title, intro, example, notes=()):
    """Read the error-code tables of a page into a Page; refuse it naming every problem.

    `notes` are the reader's own warnings about the page (a parser's error reports)."""
    rows, remarks, warnings, problems, skipped, columns = [], [], list(notes), [], [], None
    number = 1
    for table in tables:
        roles, column_notes = assign_roles(table.headers, table.rows)
        label = _table_label(path, table)
        if not is_code_table(roles):
            skipped.append(label)
            warnings.append(f"{label} skipped: not an error-code table (headers "
                            f"{[clean_text(h) for h in table.headers]}; expected an error-code column "
                            f"and a message, description or solution column)")
            continue
        warnings.extend(f"{label}: {note}" for note in column_notes)
        table_rows, table_remarks, table_warnings, table_problems = _table_rows(path, table, roles, number)
        number += len(table.rows)
        rows.extend(table_rows)
        remarks.extend(table_remarks)
        warnings.extend(table_warnings)
        problems.extend(table_problems)
        columns = columns or tuple(zip([clean_text(h) for h in table.headers], roles))
    if columns is None:
        raise ScrapeError(f"{path}: no error-code table: {len(tables)} table(s) found, none with an "
                          f"error-code column and a text column (skipped: {skipped or 'none'}; "
                          f"expected headers such as 错误码 or Error Code)")
    if problems:
        raise ScrapeError("\n".join(problems) if len(problems) == 1 else
                          f"{path}: {len(problems)} problems:\n  " + "\n  ".join(problems))
    language = detect_language(*(h for h, _ in columns))
    return Page(path=str(path), form=form, language=language, title=title, intro=tuple(intro),
                example_response=example, remarks=tuple(remarks), rows=tuple(rows), columns=columns,
                warnings=tuple(warnings), skipped_tables=tuple(skipped))


def _table_label(path, table):
    """Name a table in messages: file, line, number and caption."""
    caption = f" ({table.caption})" if table.caption else ""
    return f"{where(path, table.line)}: table {table.number}{caption}"


@dataclass(frozen=True)
class _Place:
    """A table being read: what every row's messages and cells refer to."""

    path: str
    table: Table
    roles: list
    headers: list

    def at(self, line, number, role=None):
        """A row (and cell of a role) in messages."""
        cell = self.headers[self.roles.index(role)] if role else None
        return where(self.path, line, table=self.table.number, row=number, cell=cell)


@dataclass(frozen=True)
class _Read:
    """What one grid row gives: rows, a remark, warnings and problems."""

    rows: tuple = ()
    remark: Remark | None = None
    warnings: tuple = ()
    problems: tuple = ()


def _table_rows(path, table, roles, first_number):
    """Turn a table's rows into Rows and Remarks; collect warnings and problems."""
    place = _Place(path, table, roles, [clean_text(h) for h in table.headers])
    rows, remarks, warnings, problems = [], [], [], []
    for offset, (line, cells) in enumerate(table.rows):
        if any(c.text for c in cells):
            read = _read_row(place, first_number + offset, line, cells, rows[-1].module if rows else None)
            rows.extend(read.rows)
            remarks.extend([read.remark] if read.remark else [])
            warnings.extend(read.warnings)
            problems.extend(read.problems)
    return rows, remarks, warnings, problems


def _read_row(place, number, line, cells, module_above):
    """Read one grid row: a code row (or several), a remark, or a problem."""
    if len(cells) != len(place.headers):
        return _Read(problems=(f"{place.at(line, number)}: {len(cells)} cells, expected {len(place.headers)} "
                               f"(one per header: {place.headers})",))
    code_index = place.roles.index("code")
    code_cell = cells[code_index]
    status, status_text = _status_of(place.roles, cells)
    warnings = () if status_text is None else (
        f"{place.at(line, number, 'status')}: status {status_text!r} is not a clean HTTP status; kept as text"
        + (f", read as {'/'.join(map(str, status))}" if status else ""),)
    if code_cell.spans_columns or codes.is_catch_all_label(code_cell.plain):
        return _Read(remark=_remark(number, code_cell, cells, code_index, status), warnings=warnings)
    if not code_cell.plain:
        return _Read(problems=(f"{place.at(line, number, 'code')}: empty error-code cell, expected a code "
                               f"such as AIS.0014",))
    found, note = _codes_of(code_cell)
    if not found:
        if _is_prose_row(place.roles, cells, code_index):
            return _Read(remark=_remark(number, code_cell, cells, code_index, status, prose=True),
                         warnings=warnings + (f"{place.at(line, number)}: prose in the error-code column kept "
                                              f"as a remark",))
        return _Read(problems=(f"{place.at(line, number, 'code')}: {note}",))
    rows = tuple(_row(number, line, place.table.number, place.headers, place.roles, cells, code, status,
                      status_text, module_above) for code in found)
    return _Read(rows=rows, warnings=warnings + ((f"{place.at(line, number)}: {note}",) if note else ()))


def _codes_of(code_cell):
    """The codes of a code cell and a note on how it was read, or ((), what is wrong)."""
    # Codes on lines of their own (<br>, two <p>) run together in the plain text.
    several = codes.split_codes(_MARKUP_RE.sub("", code_cell.text) if "\n" in code_cell.text else code_cell.plain)
    if several:
        return tuple(several), f"{len(several)} codes in one cell, {' and '.join(several)}: one row each"
    code, changed = codes.normalise_code(code_cell.plain)
    if code is None:
        return (), codes.code_problem(" ".join(code_cell.plain.split())) or "not a code"
    return (code,), f"code {code_cell.plain!r} normalised to {code!r}" if changed else None


def _is_prose_row(roles, cells, code_index):
    """A sentence in the code column of a row without other text: a catch-all remark."""
    return _SENTENCE_RE.search(cells[code_index].plain) is not None and not any(
        c.text for i, c in enumerate(cells) if i != code_index and roles[i] in TEXT_ROLES)


def _status_of(roles, cells):
    """The statuses and raw status text of a row (none without a status column)."""
    if "status" not in roles or cells[roles.index("status")].spans_columns:
        return (), None
    return parse_status(cells[roles.index("status")].plain)


def _row(number, line, table, headers, roles, cells, code, statuses, status_text, module_above):
    """Make a Row from a row's cells by role; unknown columns go to extra.

    An empty module cell continues the module above: Markdown pipe tables cannot merge
    cells, so Huawei leaves the rows after a module's first one empty there.
    """
    by_role = {role: cells[i] for i, role in enumerate(roles) if role}
    text = lambda role: by_role[role].text if role in by_role else ""
    extra = {headers[i]: cells[i].text for i, role in enumerate(roles) if role is None and cells[i].text}
    module = clean_text(by_role["module"].plain) if "module" in by_role else ""
    return Row(
        number=number, line=line, http_status=statuses[0] if statuses else None, code=code,
        # The message is what the API returns: plain text on one line, no Markdown.
        message=clean_text(by_role["message"].plain) if "message" in by_role and by_role["message"].plain else None,
        description=listify(text("description")) or None, solution=listify(text("solution")) or None,
        extra=extra, http_statuses=tuple(statuses), http_status_text=status_text,
        module=module or module_above, table=table)


def _remark(number, code_cell, cells, code_index, statuses, prose=False):
    """Make a Remark of a catch-all row: its label and its first other text."""
    status = statuses[0] if statuses else None
    if code_cell.spans_columns or prose:
        return Remark(label="", http_status=status, text=code_cell.text, row=number)
    others = [c.text for i, c in enumerate(cells) if i > code_index and c.text and c is not code_cell]
    return Remark(label=code_cell.text, http_status=status, text=others[0] if others else "", row=number)


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
