"""The door for the repository's own files: every input is read as untrusted.

Dataset, redirects, retired codes, catalogs and notes come from pull requests and outside
translators as much as from upstream, so each is read the same careful way:
- only a regular file (no FIFO, device or folder), and only inside the folder it belongs
  to (a symlink that points out of it is refused: it could publish the builder's files);
- at most a documented size (SIZE_LIMIT; notes NOTE_SIZE_LIMIT), read without waiting for
  more (a device or a growing file cannot hang or fill the build);
- UTF-8, the fault named by line; JSON without NaN or Infinity, deep nesting and
  oversized numbers refused with a message, never a traceback;
- control characters other than tab and newline removed from every string (they cannot
  be shown, and HTML, XML sitemaps and many JSON readers reject them); a lone surrogate,
  which no UTF-8 file can hold, is refused.
"""

import json
import os
import re
import stat
from pathlib import Path

from .errors import DataError

# Datasets, catalogs, redirects, retired codes. 100,000 codes are a 60 MB dataset; the
# build needs about 15 times a dataset's size in memory.
SIZE_LIMIT = 256 * 1024 * 1024
NOTE_SIZE_LIMIT = 1024 * 1024

# C0 controls but tab and newline, DEL and C1 controls: invisible, and invalid in HTML text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What a JSON file needs to hold for a parsed string to hold a control character or a
# surrogate: a C1 control itself (C0 controls cannot stand unescaped in a JSON string) or an
# escape of one. Scanning the bytes (0.07 s for 60 MB; a regex over the text took 0.5 s)
# spares walking every string of a file that has none, the usual case.
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_UNCLEAN_ESCAPE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")


def read_bytes(path, limit=SIZE_LIMIT, within=None):
    """The bytes of a regular file (inside the folder `within`, if given), at most `limit`."""
    path = Path(path)
    if within is not None:
        resolved, folder = path.resolve(), Path(within).resolve()
        if resolved != folder and folder not in resolved.parents:
            raise DataError(f"{path}: points outside {within} (to {resolved}); "
                            f"inputs are read only from inside it")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before the check below.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise DataError(f"{path}: not a regular file (a folder, device, FIFO or socket)")
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(handle)
    if len(data) > limit:
        raise DataError(f"{path}: larger than the limit of {limit // (1024 * 1024)} MB")
    return data


def decode(data, path):
    """UTF-8 text of file bytes (a leading BOM dropped); a fault names its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataError(f"{path}:{line}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def parse_json(text, path):
    """Parse JSON text; name the line of a syntax error and refuse what JSON cannot hold."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_integral_number)
    except json.JSONDecodeError as error:
        raise DataError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    except RecursionError:
        raise DataError(f"{path}: nested too deeply (arrays or objects inside one another "
                        f"hundreds of levels deep)") from None
    except ValueError as error:  # an integer of more than 4,300 digits, or NaN/Infinity
        raise DataError(f"{path}: invalid JSON: {error}") from None


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _integral_number(text):
    """A JSON number with a fraction or exponent: an int when integral, as JSON Schema counts it."""
    value = float(text)
    return int(value) if value.is_integer() else value


def read_json(path, limit=SIZE_LIMIT, within=None):
    """Read a JSON file through the door: checked, decoded, parsed, strings cleaned."""
    data = read_bytes(path, limit, within)
    raw = parse_json(decode(data, path), path)
    return clean_json(raw, path) if may_be_unclean(data) else raw


def read_text(path, limit=SIZE_LIMIT, within=None):
    """Read a UTF-8 text file through the door, its control characters removed."""
    try:
        data = read_bytes(path, limit, within)
    except FileNotFoundError:  # listed by its folder, so a symlink to nothing
        raise DataError(f"{path}: no such file (a symlink to nothing?)") from None
    return clean_text(decode(data, path), path)


def may_be_unclean(data):
    """Could parsing this JSON file (bytes) give a string with a control character or a surrogate?"""
    return (b"\\u" in data and _UNCLEAN_ESCAPE.search(data) is not None) or _RAW_C1.search(data) is not None


def clean_text(text, path, where=""):
    """Remove control characters but tab and newline; refuse a lone surrogate."""
    if _SURROGATE.search(text):
        # The place may hold a surrogate itself (a key): escaped, the message can be printed.
        place = f" {where.encode('utf-8', 'backslashreplace').decode()}:" if where else ""
        raise DataError(f"{path}:{place} holds a lone UTF-16 surrogate "
                        f"({_SURROGATE.search(text).group(0).encode('unicode_escape').decode()}), "
                        f"which is not a character; fix the escape")
    return CONTROL_CHARACTERS.sub("", text)


def clean_json(value, path):
    """Clean every string (keys too) of parsed JSON, in place where it can; return the value.

    Iterative: a value nested as deep as the parser allows must not exhaust the stack here.
    """
    if isinstance(value, str):
        return clean_text(value, path)
    pending = [(value, "")] if isinstance(value, (list, dict)) else []
    while pending:
        container, where = pending.pop()
        if isinstance(container, list):
            for index, item in enumerate(container):
                if isinstance(item, str):
                    container[index] = clean_text(item, path, f"{where}[{index}]")
                elif isinstance(item, (list, dict)):
                    pending.append((item, f"{where}[{index}]"))
        else:
            for key, item in list(container.items()):
                place = f"{where}.{key}" if where else str(key)
                clean_key = clean_text(key, path, place)
                if isinstance(item, str):
                    item = clean_text(item, path, place)
                elif isinstance(item, (list, dict)):
                    pending.append((item, place))
                if clean_key != key:
                    del container[key]
                container[clean_key] = item
    return value
