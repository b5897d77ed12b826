"""Stage 2: turn scraped pages into one dataset, merging language versions of a service.

Rules (docs/schema.md):
- Within a page, rows of one code stay separate entries; a row repeated word for word
  (under another module, say) is kept once with both rows as origins and both modules;
  two rows with the same code, status and message but different texts are both kept,
  with a warning (upstream inconsistency is data).
- Pages of different services keep their own entries of a shared code, except entries
  identical but for their origins, which are kept once.
- Pages of the same service in other languages add their languages to the entries
  of the first page (sources in id order): rows are paired by code, then by equal
  message, then by order. Where the paired rows disagree on message or status, the
  first page's value is the entry's and the other's is kept under `variants`.
"""

import json
import re
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from . import codes as code_syntax
from .errors import DataError, where
from .languages import LANGUAGES
from .model import Code, Dataset, Entry, Origin, Source

PROVENANCE_FILE = "provenance.json"
# The keys of a provenance record and what each must hold (fetch writes the same records).
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL_RE = re.compile(r"https?://\S+")
PROVENANCE_CHECKS = {
    "file": ("a file name", lambda v: isinstance(v, str) and v and "/" not in v),
    "id": ("a source id such as 'iam.zh'", lambda v: isinstance(v, str) and bool(v)),
    "service": ("a service id such as 'iam'", lambda v: isinstance(v, str) and bool(v)),
    "service_name": ("an object of names by language, such as {\"zh\": \"…\", \"en\": \"…\"}",
                     lambda v: isinstance(v, dict) and all(k in LANGUAGES and isinstance(t, str)
                                                           for k, t in v.items())),
    "language": (f"one of {list(LANGUAGES)}", lambda v: v in LANGUAGES),
    "url": ("an http(s) address or null", lambda v: v is None or isinstance(v, str) and _URL_RE.fullmatch(v)),
    "origin": ("a string or null", lambda v: v is None or isinstance(v, str)),
    "retrieved": ("a date YYYY-MM-DD or null", lambda v: v is None or isinstance(v, str) and _DATE_RE.fullmatch(v)),
    "etag": ("a string or null", lambda v: v is None or isinstance(v, str)),
    "last_modified": ("a string or null", lambda v: v is None or isinstance(v, str)),
}


def read_provenance(folder):
    """Read the provenance records of the pages in a folder: {file name: record}."""
    path = Path(folder) / PROVENANCE_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    records = {}
    for index, record in enumerate(raw.get("pages", []) if isinstance(raw, dict) else []):
        if not isinstance(record, dict) or not isinstance(record.get("file"), str):
            raise DataError(f"{path}: pages[{index}]: expected an object with a 'file' name")
        check_provenance(path, index, record)
        if record["file"] in records:
            raise DataError(f"{path}: pages[{index}]: a second record for {record['file']!r}")
        records[record["file"]] = record
    return records


def check_provenance(path, index, record):
    """Refuse a provenance record whose values build would reject, naming file and key."""
    for key, value in record.items():
        expected, check = PROVENANCE_CHECKS.get(key, (None, None))
        if check is None:
            raise DataError(f"{path}: pages[{index}] ({record['file']}): unknown key {key!r} "
                            f"(expected {sorted(PROVENANCE_CHECKS)})")
        if not check(value):
            raise DataError(f"{path}: pages[{index}] ({record['file']}): {key}: expected {expected}, "
                            f"got {value!r:.80}")


def source_for(page, record, relative_file):
    """Make the Source of a scraped page from its provenance record (or defaults)."""
    stem = Path(relative_file).name.split(".")[0]
    language = record.get("language", page.language)
    source_id = record.get("id") or f"{stem}.{language}"
    return Source(
        id=source_id, service=record.get("service", stem), language=language,
        origin=record.get("origin"), retrieved=record.get("retrieved"), file=relative_file,
        form=page.form, title=page.title, intro=page.intro,
        example_response=page.example_response, remarks=page.remarks,
        url=record.get("url"), service_name=dict(record.get("service_name") or {}))


def build_dataset(pages_and_sources):
    """Merge (Page, Source) pairs into a Dataset sorted by code; return (dataset, warnings)."""
    ordered = sorted(pages_and_sources, key=lambda pair: pair[1].id)
    ids = [source.id for _, source in ordered]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataError(f"two pages share the source id(s) {duplicates}: give each page its own "
                        f"'id' in {PROVENANCE_FILE}")
    by_service = OrderedDict()
    for page, source in ordered:
        by_service.setdefault(source.service, []).append((page, source))
    entries_by_code, warnings = {}, []
    for pairs in by_service.values():
        merged, service_warnings = _merge_service(pairs)
        warnings.extend(service_warnings)
        for code, entries in merged.items():
            entries_by_code[code] = _add_service_entries(entries_by_code.get(code, []), entries)
    code_syntax.check_case_collisions(entries_by_code, "the scraped pages")
    codes = tuple(
        Code(code=code, prefix=code_syntax.prefix_of(code), entries=tuple(entries_by_code[code]),
             range=code_syntax.range_of(code))
        for code in sorted(entries_by_code, key=code_syntax.code_sort_key))
    return Dataset(sources=tuple(source for _, source in ordered), codes=codes), tuple(warnings)


def _add_service_entries(entries, incoming):
    """Add another service's entries of a code; one identical but for origins is kept once."""
    result = list(entries)
    for entry in incoming:
        index = next((i for i, e in enumerate(result) if _same_but_origins(e, entry)), None)
        if index is None:
            result.append(entry)
        else:
            result[index] = replace(result[index], origins=result[index].origins + entry.origins)
    return result


def _same_but_origins(one, other):
    """Are two entries equal in everything but where they come from?"""
    return replace(one, origins=()) == replace(other, origins=())


def _merge_service(pairs):
    """Merge the pages of one service: ({code: [Entry]} in first-page row order, warnings)."""
    merged, warnings = OrderedDict(), []
    for page, source in pairs:
        entries_by_code, page_warnings = page_entries(page, source)
        warnings.extend(page_warnings)
        for code, entries in entries_by_code.items():
            if code not in merged:
                merged[code] = entries
            else:
                merged[code] = _pair_entries(merged[code], entries, source)
    return merged, warnings


def page_entries(page, source):
    """Group one page's rows by code into entries, folding verbatim repeats; (entries, warnings)."""
    grouped, warnings = OrderedDict(), []
    for row in page.rows:
        entry = Entry(
            http_status=row.http_status, message=row.message,
            description={source.language: row.description} if row.description else {},
            solution={source.language: row.solution} if row.solution else {},
            placeholders=tuple(code_syntax.placeholders_in(row.message)),
            origins=(Origin(source.id, row.number, row.line),), extra=dict(row.extra),
            http_statuses=row.http_statuses, http_status_text=row.http_status_text,
            modules=(row.module,) if row.module else ())
        entries, warning = _add_row(page.path, row, entry, grouped.get(row.code, []))
        grouped[row.code] = entries
        warnings.extend([warning] if warning else [])
    return grouped, warnings


def _add_row(path, row, entry, entries):
    """Append a row's entry, or fold it into an identical earlier one; (entries, warning).

    Rows alike but for their module (or only repeated) are one entry listing its modules;
    rows alike in status and message but not in their texts are both kept, with a warning.
    """
    for index, earlier in enumerate(entries):
        if _key(earlier) != _key(entry):
            continue
        if _texts(earlier) == _texts(entry):
            modules = earlier.modules + tuple(m for m in entry.modules if m not in earlier.modules)
            folded = replace(earlier, origins=earlier.origins + entry.origins, modules=modules)
            return entries[:index] + [folded] + entries[index + 1:], None
        first = earlier.origins[0]
        return entries + [entry], (
            f"{where(path, row.line, table=row.table, row=row.number)}: {row.code} again with the status and message of "
            f"row {first.row} but another description or solution; both kept")
    return entries + [entry], None


def _key(entry):
    """What makes two rows of a code the same error: its statuses and message."""
    return entry.http_status, entry.http_statuses, entry.http_status_text, entry.message


def _texts(entry):
    """What a repeated row must repeat to be folded: its texts and unknown columns."""
    return entry.description, entry.solution, entry.extra


def _pair_entries(base, incoming, source):
    """Add another language's entries of one code to the base entries."""
    result = list(base)
    free = [i for i, e in enumerate(result) if source.language not in e.description
            and source.language not in e.solution]
    unmatched = []
    for entry in incoming:
        index = next((i for i in free if result[i].message == entry.message), None)
        if index is None:
            unmatched.append(entry)
        else:
            free.remove(index)
            result[index] = _combine(result[index], entry, source)
    for entry in unmatched:
        if free:
            index = free.pop(0)
            result[index] = _combine(result[index], entry, source)
        else:
            result.append(entry)
    return result


def _combine(base, other, source):
    """Combine two rows of one code in two languages; keep disagreements as variants."""
    variant = {}
    if other.message != base.message:
        variant["message"] = other.message
    if other.http_status != base.http_status:
        variant["http_status"] = other.http_status
    variants = base.variants + (({"source": source.id, **variant},) if variant else ())
    return replace(
        base, description={**other.description, **base.description},
        solution={**other.solution, **base.solution}, origins=base.origins + other.origins,
        variants=variants, extra={**other.extra, **base.extra},
        modules=base.modules + tuple(m for m in other.modules if m not in base.modules))
