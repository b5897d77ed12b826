"""Stage 2: turn scraped pages into one dataset, merging language versions of a service.

Rules (docs/schema.md):
- Within a page, rows of one code stay separate entries; a row repeated word for word
  is kept once with both rows as origins; two rows with the same code, status and
  message but different texts conflict and stop the scrape.
- Pages of the same service in other languages add their languages to the entries
  of the first page (sources in id order): rows are paired by code, then by equal
  message, then by order. Where the paired rows disagree on message or status, the
  first page's value is the entry's and the other's is kept under `variants`.
"""

import json
from collections import OrderedDict
from pathlib import Path

from . import codes as code_syntax
from .errors import DataError, ScrapeError, where
from .model import Code, Dataset, Entry, Origin, Source

PROVENANCE_FILE = "provenance.json"


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
        records[record["file"]] = record
    return records


def source_for(page, record, relative_file):
    """Make the Source of a scraped page from its provenance record (or defaults)."""
    stem = Path(relative_file).name.split(".")[0]
    language = record.get("language", page.language)
    source_id = record.get("id") or f"{stem}.{language}"
    return Source(
        id=source_id, service=record.get("service", stem), language=language,
        origin=record.get("origin"), retrieved=record.get("retrieved"), file=relative_file,
        form=page.form, title=page.title, intro=page.intro,
        example_response=page.example_response, remarks=page.remarks)


def build_dataset(pages_and_sources):
    """Merge (Page, Source) pairs into a Dataset sorted by code."""
    ordered = sorted(pages_and_sources, key=lambda pair: pair[1].id)
    ids = [source.id for _, source in ordered]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataError(f"two pages share the source id(s) {duplicates}: give each page its own "
                        f"'id' in {PROVENANCE_FILE}")
    by_service = OrderedDict()
    for page, source in ordered:
        by_service.setdefault(source.service, []).append((page, source))
    entries_by_code = {}
    for pairs in by_service.values():
        for code, entries in _merge_service(pairs).items():
            entries_by_code.setdefault(code, []).extend(entries)
    codes = tuple(
        Code(code=code, prefix=code_syntax.prefix_of(code), entries=tuple(entries_by_code[code]))
        for code in sorted(entries_by_code, key=code_syntax.code_sort_key))
    return Dataset(sources=tuple(source for _, source in ordered), codes=codes)


def _merge_service(pairs):
    """Merge the pages of one service: {code: [Entry]} in first-page row order."""
    merged = OrderedDict()
    for page, source in pairs:
        for code, entries in _page_entries(page, source).items():
            if code not in merged:
                merged[code] = entries
            else:
                merged[code] = _pair_entries(merged[code], entries, source)
    return merged


def _page_entries(page, source):
    """Group one page's rows by code into entries, folding verbatim repeats."""
    grouped = OrderedDict()
    for row in page.rows:
        entry = Entry(
            http_status=row.http_status, message=row.message,
            description={source.language: row.description} if row.description else {},
            solution={source.language: row.solution} if row.solution else {},
            placeholders=tuple(code_syntax.placeholders_in(row.message)),
            origins=(Origin(source.id, row.number, row.line),), extra=dict(row.extra))
        grouped.setdefault(row.code, [])
        grouped[row.code] = _add_row(page.path, row, entry, grouped[row.code])
    return grouped


def _add_row(path, row, entry, entries):
    """Append a row's entry, or fold it into an identical earlier one; refuse conflicts."""
    for index, earlier in enumerate(entries):
        same_key = (earlier.http_status, earlier.message) == (entry.http_status, entry.message)
        if not same_key:
            continue
        same_text = (earlier.description, earlier.solution, earlier.extra) == \
                    (entry.description, entry.solution, entry.extra)
        if same_text:
            folded = Entry(**{**earlier.__dict__, "origins": earlier.origins + entry.origins})
            return entries[:index] + [folded] + entries[index + 1:]
        first = earlier.origins[0]
        raise ScrapeError(
            f"{where(path, row.line, row=row.number)}: conflicts with row {first.row}: both give "
            f"{row.code} with status {row.http_status} and message {row.message!r} but different "
            f"descriptions or solutions (expected one row, or rows that differ in message or status)")
    return entries + [entry]


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
    return Entry(
        http_status=base.http_status, message=base.message,
        description={**other.description, **base.description},
        solution={**other.solution, **base.solution},
        placeholders=base.placeholders, origins=base.origins + other.origins,
        variants=variants, extra={**other.extra, **base.extra})
