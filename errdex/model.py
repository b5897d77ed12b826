"""The dataset: typed records past the JSON edge, and their (de)serialisation.

`source/errors.json` is a public contract, described by `schema/errors.schema.json`
and docs/schema.md. Reading it validates every field and names the JSON path of the
first bad value; writing it is deterministic (sorted keys, stable order).
"""

import json
from dataclasses import dataclass, field

from . import codes as code_syntax
from .errors import DataError
from .languages import LANGUAGES

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Section:
    """A piece of page prose: an optional heading and a Markdown body."""

    heading: str | None
    body: str


@dataclass(frozen=True)
class Remark:
    """A catch-all row of an upstream table (其他 / Others), kept as page content."""

    label: str
    http_status: int | None
    text: str
    row: int


@dataclass(frozen=True)
class Source:
    """One upstream page and its page-level content."""

    id: str
    service: str
    language: str
    origin: str | None
    retrieved: str | None
    file: str
    form: str
    title: str | None = None
    intro: tuple = ()
    example_response: dict | None = None
    remarks: tuple = ()


@dataclass(frozen=True)
class Origin:
    """Where an entry came from: a source page and its table row (and line, if known)."""

    source: str
    row: int
    line: int | None = None


@dataclass(frozen=True)
class Entry:
    """One row's meaning of a code; a code carries one or more entries."""

    http_status: int | None
    message: str | None
    description: dict = field(default_factory=dict)
    solution: dict = field(default_factory=dict)
    placeholders: tuple = ()
    origins: tuple = ()
    variants: tuple = ()
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Code:
    """An error code as published, with its prefix and entries."""

    code: str
    prefix: str
    entries: tuple


@dataclass(frozen=True)
class Dataset:
    """Everything the site is built from that upstream provides."""

    sources: tuple
    codes: tuple
    schema_version: int = SCHEMA_VERSION

    def source(self, source_id):
        """Return the source with this id."""
        return next(s for s in self.sources if s.id == source_id)


# ---------------------------------------------------------------- writing


def dataset_to_json(dataset, codes=True):
    """Return the dataset as a plain JSON-ready dict (without its codes if not `codes`)."""
    data = {
        "schema_version": dataset.schema_version,
        "sources": [_source_to_json(s) for s in dataset.sources],
    }
    if codes:
        data["codes"] = [_code_to_json(c) for c in dataset.codes]
    return data


def dumps(dataset):
    """Serialise deterministically: sorted keys, two-space indent, real UTF-8, final newline."""
    return json.dumps(dataset_to_json(dataset), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def code_to_json(code):
    """Return one code as a JSON-ready dict (also the per-code API file)."""
    return _code_to_json(code)


def _source_to_json(source):
    return {
        "id": source.id, "service": source.service, "language": source.language,
        "origin": source.origin, "retrieved": source.retrieved, "file": source.file,
        "form": source.form, "title": source.title,
        "intro": [{"heading": s.heading, "body": s.body} for s in source.intro],
        "example_response": source.example_response,
        "remarks": [{"label": r.label, "http_status": r.http_status, "text": r.text, "row": r.row}
                    for r in source.remarks],
    }


def _code_to_json(code):
    return {"code": code.code, "prefix": code.prefix, "entries": [_entry_to_json(e) for e in code.entries]}


def _entry_to_json(entry):
    return {
        "http_status": entry.http_status, "message": entry.message,
        "description": dict(entry.description), "solution": dict(entry.solution),
        "placeholders": list(entry.placeholders),
        "origins": [{"source": o.source, "row": o.row, "line": o.line} for o in entry.origins],
        "variants": [dict(v) for v in entry.variants],
        "extra": dict(entry.extra),
    }


# ---------------------------------------------------------------- reading


def load(path):
    """Read and validate a dataset file; raise DataError naming the file and the bad value."""
    try:
        # Bytes decoded at once: a text-mode read of 60 MB took 0.5 s more (newline handling).
        with open(path, "rb") as handle:
            raw = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file (run 'make data' to scrape the upstream pages)") from None
    except json.JSONDecodeError as error:
        raise DataError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return dataset_from_json(raw, str(path), consume=True)


def dataset_from_json(raw, path="<dataset>", consume=False):
    """Build a Dataset from parsed JSON, checking every field (emptying raw["codes"] if `consume`)."""
    reader = _Reader(path)
    reader.expect(raw, dict, "")
    version = reader.field(raw, "schema_version", int, "")
    if version != SCHEMA_VERSION:
        reader.fail("schema_version", f"expected {SCHEMA_VERSION}, got {version!r}")
    sources = tuple(_read_source(reader, s, f"sources[{i}]")
                    for i, s in enumerate(reader.field(raw, "sources", list, "")))
    ids = [s.id for s in sources]
    if len(set(ids)) != len(ids):
        reader.fail("sources", f"source ids must be unique, got {ids}")
    raw_codes, known_ids = reader.field(raw, "codes", list, ""), set(ids)
    codes_ = []
    for i, raw_code in enumerate(raw_codes):
        codes_.append(_quick_code(raw_code, known_ids) or _read_code(reader, raw_code, f"codes[{i}]", known_ids))
        # Let go of the parsed JSON as it is read: the model's objects then fill the memory it
        # leaves, instead of landing beside holes (100,000 codes held a third more memory).
        if consume:
            raw_codes[i] = None
    codes_ = tuple(codes_)
    _check_code_order(reader, codes_)
    return Dataset(sources=sources, codes=codes_, schema_version=version)


_MISSING = object()


class _Reader:
    """Type checks that name the file and JSON path of a bad value."""

    def __init__(self, path):
        self.path = path

    def fail(self, where, message):
        raise DataError(f"{self.path}: {where or '(top level)'}: {message}")

    def expect(self, value, kind, where, nullable=False):
        if value is None and nullable:
            return value
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = {dict: "an object", list: "a list", str: "a string", int: "an integer"}
            self.fail(where, f"expected {names[kind]}{' or null' if nullable else ''}, got {value!r:.80}")
        return value

    def field(self, obj, name, kind, where, nullable=False):
        value = obj.get(name, _MISSING)
        if type(value) is kind or value is None and nullable:  # the common case, checked first
            return value
        place = f"{where}.{name}" if where else name
        if value is _MISSING:
            self.fail(place, "missing")
        return self.expect(value, kind, place, nullable)

    def texts(self, obj, name, where):
        """A {lang: Markdown} map."""
        value = self.field(obj, name, dict, where)
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.fail(f"{where}.{name}", f"language must be one of {list(LANGUAGES)}, got {lang!r}")
            self.expect(text, str, f"{where}.{name}.{lang}")
        return dict(sorted(value.items()))


def _read_source(reader, raw, where):
    reader.expect(raw, dict, where)
    language = reader.field(raw, "language", str, where)
    if language not in LANGUAGES:
        reader.fail(f"{where}.language", f"expected one of {list(LANGUAGES)}, got {language!r}")
    intro = tuple(
        Section(reader.field(s, "heading", str, f"{where}.intro[{i}]", nullable=True),
                reader.field(s, "body", str, f"{where}.intro[{i}]"))
        for i, s in enumerate(reader.field(raw, "intro", list, where)))
    remarks = tuple(
        Remark(reader.field(r, "label", str, f"{where}.remarks[{i}]"),
               _status(reader, r, f"{where}.remarks[{i}]"),
               reader.field(r, "text", str, f"{where}.remarks[{i}]"),
               reader.field(r, "row", int, f"{where}.remarks[{i}]"))
        for i, r in enumerate(reader.field(raw, "remarks", list, where)))
    example = reader.field(raw, "example_response", dict, where, nullable=True)
    if example is not None:
        reader.field(example, "body", str, f"{where}.example_response")
        _status(reader, example, f"{where}.example_response")
    return Source(
        id=reader.field(raw, "id", str, where), service=reader.field(raw, "service", str, where),
        language=language, origin=reader.field(raw, "origin", str, where, nullable=True),
        retrieved=reader.field(raw, "retrieved", str, where, nullable=True),
        file=reader.field(raw, "file", str, where), form=reader.field(raw, "form", str, where),
        title=reader.field(raw, "title", str, where, nullable=True), intro=intro,
        example_response=example, remarks=remarks)


def _status(reader, obj, where):
    status = reader.field(obj, "http_status", int, where, nullable=True)
    if status is not None and not 100 <= status <= 599:
        reader.fail(f"{where}.http_status", f"expected an HTTP status from 100 to 599, got {status}")
    return status


def _read_code(reader, raw, where, source_ids):
    reader.expect(raw, dict, where)
    code = reader.field(raw, "code", str, where)
    if not code_syntax.CODE_RE.match(code):
        reader.fail(f"{where}.code", f"{code!r} is not a code (letters and digits joined by '.', '-' or '_')")
    prefix = reader.field(raw, "prefix", str, where)
    if prefix != code_syntax.prefix_of(code):
        reader.fail(f"{where}.prefix", f"expected {code_syntax.prefix_of(code)!r} for {code}, got {prefix!r}")
    entries = reader.field(raw, "entries", list, where)
    if not entries:
        reader.fail(f"{where}.entries", f"{code} has no entries; a code needs at least one")
    return Code(code=code, prefix=prefix,
                entries=tuple(_read_entry(reader, e, f"{where}.entries[{i}]", source_ids)
                              for i, e in enumerate(entries)))


def _read_entry(reader, raw, where, source_ids):
    reader.expect(raw, dict, where)
    origins = []
    for i, o in enumerate(reader.field(raw, "origins", list, where)):
        place = f"{where}.origins[{i}]"
        reader.expect(o, dict, place)
        source = reader.field(o, "source", str, place)
        if source_ids is not None and source not in source_ids:
            reader.fail(f"{place}.source", f"no source with id {source!r} (known: {sorted(source_ids)})")
        origins.append(Origin(source, reader.field(o, "row", int, place),
                              reader.field(o, "line", int, place, nullable=True)))
    placeholders = reader.field(raw, "placeholders", list, where)
    for i, p in enumerate(placeholders):
        reader.expect(p, str, f"{where}.placeholders[{i}]")
    variants = reader.field(raw, "variants", list, where)
    for i, v in enumerate(variants):
        reader.expect(v, dict, f"{where}.variants[{i}]")
    extra = reader.field(raw, "extra", dict, where)
    return Entry(
        http_status=_status(reader, raw, where),
        message=reader.field(raw, "message", str, where, nullable=True),
        description=reader.texts(raw, "description", where),
        solution=reader.texts(raw, "solution", where),
        placeholders=tuple(placeholders), origins=tuple(origins),
        variants=tuple(variants), extra=dict(extra))


def _quick_code(raw, source_ids):
    """The Code of a well-formed item, or None if anything is off: then _read_code reads it
    again and names the fault.

    It checks what _read_code checks, with exact types (as JSON gives them) and no JSON
    path made per value: making those paths was most of reading 100,000 codes, a serial
    step of the build. A test holds the two equal on every item either one accepts.
    """
    if type(raw) is not dict:
        return None
    code, prefix, entries = raw.get("code"), raw.get("prefix"), raw.get("entries")
    if (type(code) is not str or type(prefix) is not str or type(entries) is not list or not entries
            or not code_syntax.CODE_RE.match(code) or prefix != code_syntax.prefix_of(code)):
        return None
    read = []
    for entry in entries:
        if type(entry) is not dict:
            return None
        status, message = entry.get("http_status"), entry.get("message")
        origins, placeholders = entry.get("origins"), entry.get("placeholders")
        variants, extra = entry.get("variants"), entry.get("extra")
        description, solution = entry.get("description"), entry.get("solution")
        if not ((status is None or type(status) is int and 100 <= status <= 599)
                and (message is None or type(message) is str)
                and "http_status" in entry and "message" in entry
                and type(origins) is list and type(placeholders) is list and type(variants) is list
                and type(extra) is dict and _quick_texts(description) and _quick_texts(solution)
                and (not placeholders or all(type(p) is str for p in placeholders))
                and (not variants or all(type(v) is dict for v in variants))):
            return None
        quick_origins = []
        for origin in origins:
            if type(origin) is not dict:
                return None
            source, row, line = origin.get("source"), origin.get("row"), origin.get("line")
            if (type(source) is not str or type(row) is not int or not (line is None or type(line) is int)
                    or "line" not in origin or source_ids is not None and source not in source_ids):
                return None
            quick_origins.append(Origin(source, row, line))
        read.append(Entry(
            http_status=status, message=message,
            description=dict(sorted(description.items())), solution=dict(sorted(solution.items())),
            placeholders=tuple(placeholders), origins=tuple(quick_origins),
            variants=tuple(variants), extra=dict(extra)))
    return Code(code=code, prefix=prefix, entries=tuple(read))


def _quick_texts(value):
    """A {lang: str} map, as _Reader.texts accepts it."""
    if type(value) is not dict or not value.keys() <= _LANGUAGE_SET:
        return False
    for text in value.values():
        if type(text) is not str:
            return False
    return True


_LANGUAGE_SET = frozenset(LANGUAGES)


def _check_code_order(reader, codes_):
    seen = set()
    for index, code in enumerate(codes_):
        if code.code in seen:
            reader.fail(f"codes[{index}].code", f"{code.code} is listed twice; merge its entries into one item")
        seen.add(code.code)
    for index in range(1, len(codes_)):
        before, code = codes_[index - 1], codes_[index]
        if not _numbered_in_order(before, code) and \
                code_syntax.code_sort_key(code.code, code.prefix) < code_syntax.code_sort_key(before.code, before.prefix):
            reader.fail(f"codes[{index}].code", f"codes must be sorted by prefix, then number: "
                                                f"{code.code} comes after {before.code}")


def _numbered_in_order(before, code):
    """Are two codes in order by a plain test: one prefix and separator, then digits only, as
    many in each, in string order? Then code_sort_key orders them alike (its last digit run is
    as long in both, so their numbers compare as their digits do), without making the keys,
    which was a fifth of reading 100,000 codes (a serial step of the build).
    """
    cut = len(before.prefix) + 1
    return (before.prefix == code.prefix and len(before.code) == len(code.code) > cut
            and before.code[:cut] == code.code[:cut] and before.code < code.code
            and before.code[cut:].isdigit() and code.code[cut:].isdigit())
