"""The syntax of error codes: normalising, prefixes, ordering and placeholders.

Rules (documented in docs/schema.md, relied on by the URL scheme and search):
- A code is letters and digits in segments joined by '.', '-' or '_' (AIS.0014,
  CCE.01400001, SVCSTG.CCE-ADDONMGR.4000003, bare 1100), or a range of two such
  codes joined by '~' (DIS.5000~DIS.5999), at most MAX_CODE_BYTES long.
- The prefix is what stands before the last '.'; without a dot, before the last
  '-' or '_'; without either, the leading letters; a code of digits only has
  the empty prefix. A range's prefix is its first code's.
- A code's URL segment is the code itself: its characters are all unreserved in
  URLs (RFC 3986) and safe in file names on every system.
"""

import re

from .errors import DataError

_SINGLE = r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*"
# Anchored with \A and \Z ('$' would also match before a trailing newline), so that
# CODE_RE.match and CODE_RE.fullmatch agree.
CODE_RE = re.compile(rf"\A{_SINGLE}(?:~{_SINGLE})?\Z")
RANGE_SEPARATOR = "~"
# {lang}/codes/{CODE}/index.html and api/v1/codes/{CODE}.json stay far below the 255-byte
# limit of a file name and of eCryptfs-style encrypted names (143 bytes).
MAX_CODE_BYTES = 100
# Names Windows cannot give a folder, and the site's own file names: never a code.
RESERVED_CODES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                            *(f"lpt{i}" for i in range(10)), "index.html", "404.html",
                            "sitemap.xml", "robots.txt"})
# Spaces that upstream typed around a separator, as in "IDT .04000028".
_SPACE_AROUND_SEPARATOR = re.compile(r"\s*([._~-])\s*")
# A range as upstream writes it: "DIS.5000~DIS.5999", "DIS.5000 ～ DIS.5999".
_WILDCARD = re.compile(rf"({_SINGLE}|{_SINGLE}[._-])(\*+)")
_LIST_SEPARATORS = re.compile(r"\s*[,，、;；/]\s*|\s+(?:and|or|和|或)\s+|\n+")
# Sentence punctuation upstream left after a code ("AIS.0014。").
_TRAILING_PUNCTUATION = re.compile(r"[.。,，;；:：]+$")
_RANGE_MARKS = re.compile(r"\s*[~～〜]\s*")
_LEADING_LETTERS = re.compile(r"^([A-Za-z]+)(?=\d)")
_NATURAL_CHUNK = re.compile(r"(\d+)")

# Catch-all rows ("其他: 如若出现其他无法解决的错误码…") carry one of these in the code column.
CATCH_ALL_LABELS = frozenset({"其他", "其它", "其他错误", "其他错误码", "其余", "other", "others", "other errors"})

# printf-style (%s, %d, %1$s, %.2f), brace-style ({}, {0}, {name}).
PLACEHOLDER_RE = re.compile(
    r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifguxXoeEc]|\{\d*\}|\{[A-Za-z_][A-Za-z0-9_]*\}"
)

# Path segments the site itself uses below /{lang}/: a prefix may not take them.
RESERVED_SEGMENTS = frozenset({"codes", "status", "search", "api", "assets"})
EMPTY_PREFIX_SLUG = "_"


def normalise_code(text):
    """Return (code, changed) for a code cell, or (None, False) if it is not a code.

    A trailing wildcard stands for digits: DSS.5*** is the range DSS.5000~DSS.5999.
    """
    stripped = " ".join(text.split())
    candidate = _TRAILING_PUNCTUATION.sub("", stripped)
    candidate = _SPACE_AROUND_SEPARATOR.sub(r"\1", _RANGE_MARKS.sub(RANGE_SEPARATOR, candidate))
    wildcard = _WILDCARD.fullmatch(candidate)
    if wildcard:
        stem, width = wildcard.group(1), len(wildcard.group(2))
        candidate = f"{stem}{'0' * width}{RANGE_SEPARATOR}{stem}{'9' * width}"
    if code_problem(candidate):
        return None, False
    return candidate, candidate != stripped


def split_codes(text):
    """The codes of a cell that lists several ('AIS.0014, AIS.0015', 'A.1/A.2'), else []."""
    parts = [p for p in _LIST_SEPARATORS.split(text.strip()) if p]
    if len(parts) < 2:
        return []
    found = [normalise_code(p)[0] for p in parts]
    return found if all(found) and len(set(found)) == len(found) else []


def code_problem(code):
    """Say what is wrong with a code as the dataset stores it, or return None if it is valid.

    The one check of a code: the scraper applies it to every cell and the dataset reader
    to every item, so that scrape never writes what build would refuse.
    """
    if not isinstance(code, str):
        return f"expected a string, got {code!r:.60}"
    if len(code.encode("utf-8")) > MAX_CODE_BYTES:
        return f"{code[:40]!r}… is longer than {MAX_CODE_BYTES} bytes (the limit keeps file names short)"
    if not CODE_RE.fullmatch(code):
        return (f"{code[:60]!r} is not an error code (expected letters and digits joined by '.', '-' "
                f"or '_', such as AIS.0014, or a range such as DIS.5000~DIS.5999)")
    if code.casefold() in RESERVED_CODES:
        return f"{code!r} is a reserved name (a file of the site, or a device name on Windows)"
    return None


def range_of(code):
    """Return (first, last) of a range code such as DIS.5000~DIS.5999, else None."""
    first, separator, last = code.partition(RANGE_SEPARATOR)
    return (first, last) if separator else None


def in_range(code, first, last):
    """Is a code within a range: same prefix, and its number between the bounds'?"""
    if prefix_of(code).casefold() != prefix_of(first).casefold():
        return False
    return natural_key(first) <= natural_key(code) <= natural_key(last)


def folder_key(code):
    """What a case-insensitive file system (macOS, Windows) sees of a code's page folder:
    two codes with the same key cannot both have a page."""
    return code.casefold()


def case_collisions(names):
    """Groups of codes that differ only in case (one folder on macOS and Windows), sorted."""
    groups = {}
    for name in names:
        groups.setdefault(folder_key(name), set()).add(name)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)


def check_case_collisions(names, where="dataset"):
    """Refuse codes that differ only in case: their pages would share one folder."""
    collisions = case_collisions(names)
    if collisions:
        shown = "; ".join(" / ".join(group) for group in collisions[:10])
        raise DataError(f"{where}: codes that differ only in case would share one page folder on "
                        f"case-insensitive file systems: {shown} (expected one spelling per code)")


def url_segment(code):
    """Return a code's URL path segment: the code itself (documented in docs/schema.md)."""
    return code


def is_catch_all_label(text):
    """True for the label of a catch-all remark row such as 其他 / Others."""
    return " ".join(text.split()).rstrip(".:：。").casefold() in CATCH_ALL_LABELS


def prefix_of(code):
    """Return the prefix of a code by the documented rule."""
    code = code.partition(RANGE_SEPARATOR)[0]
    cut = code.rfind(".")
    if cut <= 0:
        cut = max(code.rfind("-"), code.rfind("_"))
    if cut > 0:
        return code[:cut]
    match = _LEADING_LETTERS.match(code)
    return match.group(1) if match else ""


def natural_key(text):
    """Key that orders digit runs by value: AIS.0099 < AIS.0100, CCE.9 < CCE.10."""
    return tuple(
        (0, int(chunk), chunk) if chunk.isdigit() else (1, 0, chunk.casefold())
        for chunk in _NATURAL_CHUNK.split(text)
        if chunk
    )


def code_sort_key(code, prefix=None):
    """Order codes by prefix, then numerically within the prefix (`prefix`: prefix_of(code),
    if the caller has it)."""
    if prefix is None:
        prefix = prefix_of(code)
    return (prefix.casefold(), prefix, natural_key(code), code)


def placeholders_in(message):
    """Return the placeholders of a message template in order (%s, %d, {0}, {})."""
    return PLACEHOLDER_RE.findall(message or "")


def prefix_slug(prefix):
    """Return the URL path segment of a prefix page (documented safe form)."""
    if not prefix:
        return EMPTY_PREFIX_SLUG
    if prefix.casefold() in RESERVED_SEGMENTS:
        return prefix + "_"
    return prefix


def lookup_key(text):
    """Fold a code for lookups: case and separators ignored (ais0014 == AIS.0014)."""
    return re.sub(r"[\s._-]+", "", text).casefold()
