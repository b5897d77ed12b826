"""The removal guard: an upstream page that lost too much stops the update or the fetch.

A partial download, an error page saved by hand or a page cut short must never retire the
codes it no longer shows. Each page is compared with what it was before: for `update`, its
last committed version (`git show HEAD:path`), or, outside a git checkout or for a page
the last commit does not have, the codes the working tree's dataset lists for it; for
`fetch`, the saved copy the download would replace. A page stops the run when it lost more
than a share of its codes (default 10%), shrank by more than half (bytes) or lost a whole
table, unless the maintainer accepts its removals by name.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from . import pipeline
from .errors import DataError, ErrdexError, ScrapeError

DEFAULT_MAX_REMOVED_SHARE = 0.10
GIT_TIMEOUT = 30  # seconds; a git that hangs (a lock, a prompt) must not hang the update


@dataclass(frozen=True)
class Shape:
    """What a page holds, as far as known: its codes, its error-code tables and its size."""

    codes: frozenset | None
    tables: int | None = None
    size: int | None = None
    unreadable: str | None = None  # the scraper's error, when the text is no error-code page


@dataclass(frozen=True)
class Baseline:
    """What a page is compared with, and a phrase saying what that was."""

    shape: Shape | None
    against: str


@dataclass(frozen=True)
class Check:
    """One page's comparison: its names, what it was compared with, and what it lost."""

    page: str
    names: frozenset
    against: str
    before: Shape | None
    after: Shape | None
    losses: tuple
    accepted: bool = False
    unchanged: bool = False  # the page is byte for byte its baseline: nothing was scraped

    def __str__(self):
        """One line for the report."""
        if self.unchanged:
            return f"{self.page} (against {self.against}): unchanged"
        verdict = "; ".join(self.losses) if self.losses else "nothing lost beyond the limits"
        if self.losses and self.accepted:
            verdict += "; accepted by --accept-removals"
        return f"{self.page} (against {self.against}): {describe(self.before)} -> {describe(self.after)}: {verdict}"


class RemovalRefused(ErrdexError):
    """A page lost more than the guard allows and nobody accepted it."""


def page_tables(page):
    """The number of error-code tables of a scraped page (1 for a page whose rows do not say)."""
    # Rows of a page read from several tables carry their table's number; a page read
    # by a scraper that knows one table per page has one.
    return len({getattr(row, "table", 0) for row in page.rows}) or 1


def shape_of(path, text):
    """Scrape a page's text into its Shape; a text that does not scrape holds no known codes."""
    from .scrape import scrape  # beautifulsoup4 loads only when something is scraped
    size = len(text.encode("utf-8"))
    try:
        page = scrape(str(path), text)
    except ScrapeError as error:
        return Shape(None, None, size, str(error))
    return Shape(frozenset(row.code for row in page.rows), page_tables(page), size)


def losses(before, after, max_share=DEFAULT_MAX_REMOVED_SHARE):
    """Say what a page lost beyond the limits, comparing what is known of both shapes."""
    if before is None:
        return ()
    found = []
    if before.codes and after.codes is not None:
        lost = len(before.codes - after.codes)
        share = lost / len(before.codes)
        if share > max_share:
            found.append(f"lost {lost} of {len(before.codes)} codes ({share:.1%}, more than {max_share:.0%})")
    if before.size and after.size is not None and after.size * 2 < before.size:
        found.append(f"shrank from {before.size:,} to {after.size:,} bytes "
                     f"({1 - after.size / before.size:.0%} smaller, more than half)")
    if before.tables and after.tables is not None and after.tables < before.tables:
        found.append(f"lost {before.tables - after.tables} of {before.tables} error-code tables")
    return tuple(found)


def describe(shape):
    """A shape in a few words: '77 codes, 1 table, 9,876 bytes'."""
    if shape is None:
        return "nothing"
    parts = ["codes unknown" if shape.codes is None else f"{len(shape.codes)} codes"]
    if shape.tables is not None:
        parts.append(f"{shape.tables} table{'s' if shape.tables != 1 else ''}")
    if shape.size is not None:
        parts.append(f"{shape.size:,} bytes")
    return ", ".join(parts)


# ---------------------------------------------------------------- baselines


def committed_bytes(path):
    """The page's bytes at HEAD and a phrase naming them, or None and the reason there are none."""
    import subprocess  # only an update asks git; build.py loads this module for every command
    path = Path(path)
    command = ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"]
    try:
        shown = subprocess.run(command, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        return None, "git is not installed"
    except subprocess.TimeoutExpired:
        return None, f"git did not answer within {GIT_TIMEOUT} s"
    if shown.returncode != 0:
        said = shown.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {shown.returncode}"]
        return None, f"git has no committed version ({said[0]})"
    return shown.stdout, f"the last commit, HEAD:{pipeline.display_path(path)}"


def as_text(data):
    """Bytes of a page as the scraper reads its file: UTF-8 (a BOM dropped), newlines made \\n."""
    return universal_newlines(data.decode("utf-8-sig", "replace"))


def universal_newlines(text):
    """Text with \\r\\n and \\r made \\n, as Python's text files read it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def dataset_codes(dataset, source_id):
    """The codes a dataset lists from one source page."""
    return frozenset(code.code for code in dataset.codes
                     if any(o.source == source_id for entry in code.entries for o in entry.origins))


def new_shape(path, dataset, source, before):
    """A page's shape in an update: its codes from the new dataset, and its tables counted by
    scraping it again only when it had several (one table lost alone loses every code)."""
    text = pipeline.read_text(path)
    if before is not None and before.tables and before.tables > 1:
        return shape_of(pipeline.display_path(path), text)
    codes = dataset_codes(dataset, source.id) if source else frozenset()
    return Shape(codes, None if codes else 0, len(text.encode("utf-8")))


def update_baseline(path, committed, reason, old_dataset, data_file):
    """What `update` compares a page with: its last commit, else the working tree's dataset."""
    if committed is not None:
        return Baseline(shape_of(pipeline.display_path(path), as_text(committed)), reason)
    source = source_of(old_dataset, path)
    if source is None:
        return Baseline(None, f"nothing: a new page ({reason}, and {pipeline.display_path(data_file)} lists "
                                      f"no codes from it)")
    return Baseline(Shape(dataset_codes(old_dataset, source.id)),
                    f"the working tree, the codes {pipeline.display_path(data_file)} lists from it, "
                    f"since {reason}; its size and tables are unknown")


def source_of(dataset, path):
    """The dataset's source read from this page file, if any."""
    resolved = Path(path).resolve()
    return next((s for s in dataset.sources if source_path(s) == resolved), None)


def source_path(source):
    """The file a dataset source was read from (its `file` is relative to the project root)."""
    file = Path(source.file)
    return (file if file.is_absolute() else pipeline.ROOT / file).resolve()


# ---------------------------------------------------------------- the guard


def names_of(path, source_id=None):
    """The names a maintainer may give a page: its file name, its path, its source id."""
    path = Path(path)
    names = {path.name, pipeline.display_path(path), str(path)}
    if source_id:
        names.add(source_id)
    return frozenset(names)


def enforce(checks, accepted):
    """Return the checks marked accepted where named; raise RemovalRefused naming every page
    that lost too much and was not accepted."""
    known = set().union(*(c.names for c in checks)) if checks else set()
    unknown = sorted(set(accepted) - known)
    if unknown:
        raise DataError(f"--accept-removals {unknown[0]}: no such page (give its file name, path or "
                        f"source id, e.g. {sorted(c.page for c in checks)[:3]})")
    checks = tuple(replace(c, accepted=bool(c.names & set(accepted))) for c in checks)
    refused = [c for c in checks if c.losses and not c.accepted]
    if refused:
        lines = "\n  ".join(str(c) for c in refused)
        names = " ".join(f"--accept-removals {Path(c.page).name}" for c in refused)
        raise RemovalRefused(
            f"{len(refused)} page(s) lost more than the removal guard allows; the update wrote "
            f"nothing:\n  {lines}\nA partial download or an error page? Restore the page (git checkout "
            f"-- PATH) or fetch it again (build.py fetch). If upstream really dropped these codes, run "
            f"again with {names}")
    return checks


def check_update(pages, old_dataset, data_file, new_dataset, max_share=DEFAULT_MAX_REMOVED_SHARE):
    """Compare every page of an update (and every page it no longer has) with its baseline."""
    checks = []
    for path in map(Path, pages):
        name = pipeline.display_path(path)
        source = source_of(new_dataset, path)
        names = names_of(path, source and source.id)
        committed, reason = committed_bytes(path)
        if committed == path.read_bytes():  # most pages of an update: nothing to scrape again
            checks.append(Check(name, names, reason, None, None, (), unchanged=True))
            continue
        baseline = update_baseline(path, committed, reason, old_dataset, data_file)
        after = new_shape(path, new_dataset, source, baseline.shape)
        checks.append(Check(name, names, baseline.against, baseline.shape, after,
                            losses(baseline.shape, after, max_share)))
    present = {Path(p).resolve() for p in pages}
    remaining = {code.code for code in new_dataset.codes}
    for source in old_dataset.sources:
        if source_path(source) not in present:
            before = Shape(dataset_codes(old_dataset, source.id))
            after = Shape(before.codes & remaining)  # a page renamed or merged keeps its codes
            checks.append(Check(source.file, names_of(source_path(source), source.id),
                                f"the codes {pipeline.display_path(data_file)} lists from it: the page is gone, "
                                f"its codes are looked for on every page", before, after,
                                losses(before, after, max_share)))
    return tuple(checks)
