"""The steps build.py runs: scrape pages into the dataset, check it, diff it, build the site."""

import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from . import dataset as dataset_stage
from . import model
from .errors import ErrdexError, ScrapeError

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM_DIR = ROOT / "source" / "upstream"
DATA_FILE = ROOT / "source" / "errors.json"
PAGE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".rst")


@dataclass(frozen=True)
class PageReport:
    """One page's line in the scrape summary."""

    file: str
    form: str
    codes: int
    entries: int
    warnings: int


@dataclass(frozen=True)
class ScrapeResult:
    """A scraped dataset, its JSON text, the warnings met on the way, and what each page gave."""

    dataset: model.Dataset
    text: str
    warnings: tuple
    pages: tuple = ()
    skipped: tuple = ()  # (file, error) of the pages left out under keep_going


def upstream_pages(folder=UPSTREAM_DIR):
    """List the upstream pages of a folder, sorted by name."""
    folder = Path(folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                  and not p.name.startswith(("README", ".")))


def scrape_pages(paths, keep_going=False):
    """Scrape pages (with their folders' provenance) into one dataset.

    Every page is read before anything is decided: all their problems are reported at
    once. A failed page fails the whole scrape, unless `keep_going` leaves it out (named
    in the result's `skipped`).
    """
    if not paths:
        raise ScrapeError(f"no upstream pages to scrape (looked for {', '.join(PAGE_SUFFIXES)} files)")
    pairs, warnings, failures, provenance = [], [], [], {}
    for path in map(Path, paths):
        folder = path.resolve().parent
        if folder not in provenance:
            provenance[folder] = dataset_stage.read_provenance(folder)
        try:
            page, record_warnings, source = _scrape_one(path, provenance[folder])
        except ScrapeError as error:
            failures.append((display_path(path), str(error)))
            continue
        warnings.extend(record_warnings + list(page.warnings))
        pairs.append((page, source))
    if failures and not keep_going:
        raise ScrapeError(f"{len(failures)} of {len(failures) + len(pairs)} page(s) could not be read; "
                          f"nothing written (--keep-going writes the rest):\n"
                          + "\n".join(error for _, error in failures))
    if not pairs:
        raise ScrapeError("no page could be read; nothing written:\n" + "\n".join(e for _, e in failures))
    dataset, merge_warnings = dataset_stage.build_dataset(pairs)
    warnings.extend(merge_warnings)
    return ScrapeResult(dataset, model.dumps(dataset), tuple(warnings),
                        page_reports(dataset, pairs, warnings), tuple(failures))


def _scrape_one(path, records):
    """Scrape one page and make its Source; return (page, provenance warnings, source)."""
    from .scrape import scrape  # beautifulsoup4 and docutils load only when something is scraped
    record, warnings = records.get(path.name), []
    if record is None:
        warnings.append(f"{display_path(path)}: no provenance record in "
                        f"{display_path(path.resolve().parent / dataset_stage.PROVENANCE_FILE)}; "
                        f"service, origin and retrieval date are unknown")
        record = {}
    page = scrape(display_path(path), read_text(path))
    return page, warnings, dataset_stage.source_for(page, record, display_path(path))


def page_reports(dataset, pairs, warnings):
    """Per page: codes and entries it gives in the dataset, and warnings naming it."""
    codes, entries = {}, {}
    for code in dataset.codes:
        for entry in code.entries:
            for source_id in {o.source for o in entry.origins}:
                entries[source_id] = entries.get(source_id, 0) + 1
                codes.setdefault(source_id, set()).add(code.code)
    reports = []
    for page, source in pairs:
        count = sum(1 for w in warnings if w.startswith(source.file + ":"))
        reports.append(PageReport(source.file, page.form, len(codes.get(source.id, ())),
                                  entries.get(source.id, 0), count))
    return tuple(reports)


def read_text(path):
    """Read a UTF-8 text file, naming it in the error if it is not one."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScrapeError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ScrapeError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except IsADirectoryError:
        raise ScrapeError(f"{path}: is a folder, expected a page") from None


def display_path(path):
    """A path relative to the project root when inside it, for messages and the dataset."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def write_atomic(path, text):
    """Write a file (str as UTF-8, or bytes) via a temporary file and a rename, so a failure
    leaves the old one and a concurrent reader never sees half a file. The file keeps the
    mode it had; a new one gets the mode of any new file (0644 under the usual umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    # Not mkstemp: its files are 0600, and a rename would make the tracked file so.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with (os.fdopen(handle, "wb") if isinstance(text, bytes)
              else os.fdopen(handle, "w", encoding="utf-8", newline="\n")) as out:
            if path.exists():
                os.fchmod(out.fileno(), stat.S_IMODE(path.stat().st_mode))
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# Compact, deterministic JSON (sorted keys, real UTF-8), for the files a site publishes.
# One encoder: json.dumps with options makes one per call.
compact_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


class TreeWriter:
    """Write files into a folder, making each subfolder once.

    File system calls are a build's floor (a code page is a folder and a file), so this
    makes the fewest: one mkdir per folder and open, write, close per file.
    """

    def __init__(self, root):
        self.root = str(root)
        self.made = set()

    def write(self, path, content):
        """Write a str, bytes, or an iterable of str pieces (written one by one: a large
        file need not be held whole)."""
        target = f"{self.root}/{path}"
        folder = target.rpartition("/")[0]
        if folder not in self.made:
            try:
                os.mkdir(folder)
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            self.made.add(folder)
        pieces = (content,) if isinstance(content, (str, bytes)) else content
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            for piece in pieces:
                data = memoryview(piece.encode("utf-8") if isinstance(piece, str) else piece)
                while data:
                    data = data[os.write(handle, data):]
        finally:
            os.close(handle)


__all__ = ["ErrdexError", "PageReport", "ScrapeResult", "scrape_pages", "upstream_pages", "write_atomic",
           "TreeWriter", "compact_json"]
