"""The syntax of error codes: normalising, prefixes, ordering and placeholders.

Rules (documented in docs/schema.md, relied on by the URL scheme and search):
- A code is letters and digits in segments joined by '.', '-' or '_' (AIS.0014,
  CCE.01400001, SVCSTG.CCE-ADDONMGR.4000003, bare 1100).
- The prefix is what stands before the last '.'; without a dot, before the last
  '-' or '_'; without either, the leading letters; a code of digits only has
  the empty prefix.
"""

import re

CODE_RE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")
# Spaces that upstream typed around a separator, as in "IDT .04000028".
_SPACE_AROUND_SEPARATOR = re.compile(r"\s*([._-])\s*")
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
    """Return (code, changed) for a code cell, or (None, False) if it is not a code."""
    stripped = " ".join(text.split())
    candidate = _SPACE_AROUND_SEPARATOR.sub(r"\1", stripped)
    if not CODE_RE.match(candidate):
        return None, False
    return candidate, candidate != stripped


def is_catch_all_label(text):
    """True for the label of a catch-all remark row such as 其他 / Others."""
    return " ".join(text.split()).rstrip(".:：。").casefold() in CATCH_ALL_LABELS


def prefix_of(code):
    """Return the prefix of a code by the documented rule."""
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
