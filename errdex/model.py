"""The dataset: typed records past the JSON edge, and their (de)serialisation.

`source/errors.json` is a public contract, described by `schema/errors.schema.json`
and docs/schema.md. Reading it validates every field and names the JSON path of the
first bad value; writing it is deterministic (sorted keys, stable order).
"""

import json
from dataclasses import dataclass, field

from . import codes as code_syntax
from . import inputs, schema
from .errors import DataError

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
    url: str | None = None
    service_name: dict = field(default_factory=dict)


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
    # Every status the row gives (400/404), and its raw cell when that is not a clean status.
    http_statuses: tuple = ()
    http_status_text: str | None = None
    # The modules (模块, Module, Category) whose rows give this entry, in page order.
    modules: tuple = ()


@dataclass(frozen=True)
class Code:
    """An error code as published, with its prefix and entries."""

    code: str
    prefix: str
    entries: tuple
    # (first, last) of a code that upstream writes as a range (DIS.5000~DIS.5999).
    range: tuple | None = None


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
        "url": source.url, "service_name": dict(source.service_name),
    }


def _code_to_json(code):
    return {"code": code.code, "prefix": code.prefix, "entries": [_entry_to_json(e) for e in code.entries],
            "range": {"first": code.range[0], "last": code.range[1]} if code.range else None}


def _entry_to_json(entry):
    return {
        "http_status": entry.http_status, "message": entry.message,
        "description": dict(entry.description), "solution": dict(entry.solution),
        "placeholders": list(entry.placeholders),
        "origins": [{"source": o.source, "row": o.row, "line": o.line} for o in entry.origins],
        "variants": [dict(v) for v in entry.variants],
        "extra": dict(entry.extra),
        "http_statuses": list(entry.http_statuses), "http_status_text": entry.http_status_text,
        "modules": list(entry.modules),
    }


# ---------------------------------------------------------------- reading
#
# One reader, in three steps: the file through the door (inputs: size, UTF-8, JSON, control
# characters), the schema (every field's type and shape: schema/errors.schema.json), then
# plain construction and the checks a schema cannot make (sorted codes, known sources).
# A new field: add it to the schema, then read it in its _read_* function below.


def load(path):
    """Read and check a dataset file; raise DataError naming the file and the bad value."""
    try:
        data = inputs.read_bytes(path)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file (run 'make data' to scrape the upstream pages)") from None
    return loads(data, str(path))


def loads(data, path="<dataset>"):
    """Read and check a dataset from the bytes (or text) of a JSON file (path: for messages)."""
    data = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    raw = inputs.parse_json(inputs.decode(data, path), path)
    if inputs.may_be_unclean(data):  # one scan of the bytes spares a walk of every string
        raw = inputs.clean_json(raw, path)
    return _read_dataset(raw, path, consume=True)


def dataset_from_json(raw, path="<dataset>"):
    """Read and check a dataset from parsed JSON (its strings are cleaned in place)."""
    return _read_dataset(inputs.clean_json(raw, path), path)


def _read_dataset(raw, path, consume=False):
    """The Dataset of cleaned JSON: schema, then construction, then semantic checks
    (emptying raw["codes"] as it goes if `consume`)."""
    schema.check(raw, path)
    sources = tuple(_read_source(s) for s in raw["sources"])
    ids = [s.id for s in sources]
    if len(set(ids)) != len(ids):
        _fail(path, "sources", f"source ids must be unique, got {ids}")
    raw_codes, codes_ = raw["codes"], []
    for index, item in enumerate(raw_codes):
        codes_.append(code_from_json(item))
        # Let go of the parsed JSON as it is read: the model's objects then fill the memory it
        # leaves, instead of landing beside holes (100,000 codes held a third more memory).
        if consume:
            raw_codes[index] = None
    codes_ = tuple(codes_)
    check_codes(path, codes_, frozenset(ids))
    _check_code_order(path, codes_)
    return Dataset(sources=sources, codes=codes_, schema_version=raw["schema_version"])


def _fail(path, where, message):
    """Raise the DataError of a bad value at a JSON path."""
    raise DataError(f"{path}: {where or '(top level)'}: {message}")


def _read_source(raw):
    """The Source of a source item that matched the schema."""
    return Source(
        id=raw["id"], service=raw["service"], language=raw["language"], origin=raw["origin"],
        retrieved=raw["retrieved"], file=raw["file"], form=raw["form"], title=raw["title"],
        intro=tuple(Section(s["heading"], s["body"]) for s in raw["intro"]),
        example_response=raw["example_response"],
        remarks=tuple(Remark(r["label"], r["http_status"], r["text"], r["row"]) for r in raw["remarks"]),
        url=raw.get("url"), service_name=dict(raw.get("service_name") or {}))


def code_from_json(raw):
    """The Code of a code item that matched the schema (see check_codes for the rest)."""
    return Code(code=raw["code"], prefix=raw["prefix"], entries=tuple(_read_entry(e) for e in raw["entries"]),
                range=_range(raw))


def _read_entry(raw):
    """The Entry of an entry item that matched the schema."""
    description, solution = raw["description"], raw["solution"]
    return Entry(
        http_status=raw["http_status"], message=raw["message"],
        # One order of languages whatever the file's: views and the writer rely on it.
        description=dict(sorted(description.items())) if len(description) > 1 else description,
        solution=dict(sorted(solution.items())) if len(solution) > 1 else solution,
        placeholders=tuple(raw["placeholders"]),
        origins=tuple(Origin(o["source"], o["row"], o["line"]) for o in raw["origins"]),
        variants=tuple(raw["variants"]), extra=raw["extra"], **_status_fields(raw))


def _status_fields(raw):
    """The fields added for several statuses and modules; a file older than them gives each
    entry its one status as its list."""
    status = raw["http_status"]
    return {"http_statuses": tuple(raw.get("http_statuses", [status] if status is not None else [])),
            "http_status_text": raw.get("http_status_text"), "modules": tuple(raw.get("modules", []))}


def _range(raw):
    """A code's (first, last) range, or None."""
    value = raw.get("range")
    return (value["first"], value["last"]) if value else None


def check_codes(path, codes_, source_ids=None, where="codes[{index}]"):
    """The checks of codes a schema cannot make: the code's syntax and prefix rule, sources
    that exist, and no two codes that a case-insensitive file system would take as one."""
    folded, check_code = {}, code_syntax.code_problem
    for index, code in enumerate(codes_):
        place = where.format(index=index)
        problem = check_code(code.code)
        if problem:
            _fail(path, f"{place}.code", problem)
        if code.prefix != code_syntax.prefix_of(code.code):
            _fail(path, f"{place}.prefix", f"expected {code_syntax.prefix_of(code.code)!r} for {code.code}, "
                                           f"got {code.prefix!r}")
        other = folded.setdefault(code_syntax.folder_key(code.code), code.code)
        if other != code.code:
            _fail(path, f"{place}.code", f"{code.code} and {other} differ only in case: their pages would "
                                         f"be one file on a case-insensitive file system; merge them")
        if source_ids is not None:
            _check_sources(path, place, code, source_ids)


def _check_sources(path, place, code, source_ids):
    """Every origin and variant of a code names a source of the dataset."""
    for number, entry in enumerate(code.entries):
        for kind, items in (("origins", entry.origins), ("variants", entry.variants)):
            for item_number, item in enumerate(items):
                source = item.source if kind == "origins" else item["source"]
                if source not in source_ids:
                    _fail(path, f"{place}.entries[{number}].{kind}[{item_number}].source",
                          f"no source with id {source!r} (known: {sorted(source_ids)})")


def _check_code_order(path, codes_):
    """Each code listed once, sorted by prefix, then number."""
    seen = set()
    for index, code in enumerate(codes_):
        if code.code in seen:
            _fail(path, f"codes[{index}].code", f"{code.code} is listed twice; merge its entries into one item")
        seen.add(code.code)
    for index in range(1, len(codes_)):
        before, code = codes_[index - 1], codes_[index]
        if not _numbered_in_order(before, code) and \
                code_syntax.code_sort_key(code.code, code.prefix) < code_syntax.code_sort_key(before.code, before.prefix):
            _fail(path, f"codes[{index}].code", f"codes must be sorted by prefix, then number: "
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
