"""`make update`: the maintainer's upstream update, in one safe step.

Re-scrape source/upstream/, compare with the committed dataset, move dropped codes to
source/retired.json (their pages stay), bring back codes upstream lists again, write the
new dataset and update the catalogs, keeping every translation (changed strings fuzzy,
vanished ones obsolete). Nothing is deleted; the working tree is left ready to review and
commit. Notes are never touched: a retired code's note stays on its page.

Before anything is retired, the removal guard (errdex/guard.py) compares every page with
its last committed version: a page that lost too much stops the update. The files the
update writes are written all or none (write_all).
"""

import os
import secrets
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import guard, lifecycle, model, pipeline
from .diff import diff_datasets, format_diff
from .errors import BuildError
from .i18n import LOCALE_DIR
from .translations import update_all


@dataclass
class UpdateReport:
    """What an update did, printed for the maintainer to review."""

    diff_text: str
    retired: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    checks: tuple = ()
    written: tuple = ()

    def __str__(self):
        lines = ["== removal check (each page against its baseline) ==",
                 *(f"  {c}" for c in self.checks if not c.unchanged)]
        same = sum(1 for c in self.checks if c.unchanged)
        if same:
            lines.append(f"  {same} page(s) byte for byte as in the last commit (HEAD): nothing lost")
        lines += ["", "== upstream changes ==", self.diff_text]
        if self.retired:
            lines += ["", "== retired (pages kept, marked as retired) ==", *(f"  {c}" for c in self.retired)]
        if self.returned:
            lines += ["", "== listed upstream again (no longer retired) ==", *(f"  {c}" for c in self.returned)]
        lines += ["", "== translations ==", *(f"  {c}" for c in self.coverage)]
        lines += ["", "== files written ==", *(f"  {f}" for f in self.written or ["(none: nothing changed)"])]
        lines += ["", "Next: review 'git diff', translate what is missing or fuzzy (make translations "
                      "reports it), build with 'make site BUILD_FLAGS=--strict', commit, push."]
        return "\n".join(lines)


def update_repository(data_file=pipeline.DATA_FILE, upstream_dir=pipeline.UPSTREAM_DIR,
                      retired_file=lifecycle.RETIRED_FILE, locale_dir=None, strict=False, warn=None,
                      max_removed_share=guard.DEFAULT_MAX_REMOVED_SHARE, accept_removals=()):
    """Run the update; return the report. Files are written only once all is read and checked,
    and then all of them or none."""
    old = model.load(data_file)
    pages = pipeline.upstream_pages(upstream_dir)
    result = pipeline.scrape_pages(pages)
    if warn is not None:
        warn(result.warnings, strict)
    new = result.dataset
    checks = guard.enforce(guard.check_update(pages, old, data_file, new, max_removed_share), accept_removals)
    diff = diff_datasets(old, new)
    records, returned = retirements(old, new, diff, lifecycle.load_retired(retired_file), lifecycle.today())
    coverage, catalogs = staged_catalogs(new, records, Path(locale_dir or LOCALE_DIR))
    # The dataset goes last: an update killed between two renames leaves the old dataset, and
    # running it again finishes the job (codes retired already are retired again, unchanged).
    written = write_all({Path(retired_file): lifecycle.dump_retired(records), **catalogs,
                         Path(data_file): result.text})
    lines = []
    for result in coverage:
        lines.append(str(result))
        lines += [f"    to translate: {text!r}" for text in result.pending]
    return UpdateReport(format_diff(diff), list(diff.removed), returned, lines, checks,
                        tuple(pipeline.display_path(path) for path in written))


def retirements(old, new, diff, retired, date):
    """The retired records after an update (dropped codes added, codes listed again taken
    out), and the codes upstream lists again."""
    records = {r.code.code: r for r in retired}
    current = {c.code for c in new.codes}
    returned = sorted(code for code in records if code in current)
    for code in returned:
        del records[code]
    old_codes = {c.code: c for c in old.codes}
    for code in diff.removed:
        records[code] = lifecycle.Retired(old_codes[code], date, last_listed(old, old_codes[code]))
    return tuple(records.values()), returned


def last_listed(dataset, code):
    """The retrieval date of the newest upstream copy that listed a code, or None if unknown."""
    retrieved = {s.id: s.retrieved for s in dataset.sources}
    dates = [retrieved.get(o.source) for e in code.entries for o in e.origins]
    return max((d for d in dates if d), default=None)


def staged_catalogs(dataset, retired, locale_dir):
    """Update a copy of the catalogs; return their coverage and {path: bytes} to write."""
    try:
        with tempfile.TemporaryDirectory(prefix="errdex-catalogs-") as staging:
            copy = Path(staging) / "locale"
            if locale_dir.exists():
                shutil.copytree(locale_dir, copy)
            coverage = update_all(dataset, locale_dir=copy, retired=retired)
            files = {locale_dir / p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*")) if p.is_file()}
    except OSError as error:
        raise BuildError(f"cannot update the catalogs in a temporary folder ({error.strerror or error}); "
                         f"nothing was changed") from None
    return coverage, files


# ---------------------------------------------------------------- all or none


def write_all(files):
    """Write every file of {path: str or bytes} that changed, or none of them; return the
    paths written, in the order given (the last is renamed last).

    Each file is first staged beside its target (same folder, so the rename cannot cross
    file systems); only when all are staged are they renamed over their targets, keeping a
    hard link to each old file so that a failed rename puts back the ones already replaced.
    (A kill -9 between two renames can still leave some replaced: each file is whole.)
    """
    for path in files:
        _sweep(Path(path))
    changed = {Path(path): _encoded(content) for path, content in files.items()
               if not _holds(Path(path), _encoded(content))}
    staged, replaced, path = [], [], None
    try:
        for path, data in changed.items():
            staged.append((path, _stage(path, data)))
        for path, temporary in staged:
            backup = _keep_old(path)
            replaced.append((path, backup))
            os.replace(temporary, path)
    except OSError as error:
        _roll_back(staged, replaced)
        raise BuildError(f"{pipeline.display_path(path)}: cannot write it ({error.strerror or error}); "
                         f"none of the {len(changed)} file(s) was changed") from None
    except BaseException:
        _roll_back(staged, replaced)
        raise
    for _, backup in replaced:
        if backup is not None:
            backup.unlink(missing_ok=True)
    return tuple(changed)


def _encoded(content):
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def _holds(path, data):
    """True when the file exists with exactly these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def _sibling(path, purpose):
    """A fresh hidden name beside path (a dead run's leftovers never collide with it)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.{purpose}")


def _sweep(path):
    """Remove what a run killed with kill -9 left beside path: its staged and backup files."""
    for purpose in ("tmp", "old"):
        for leftover in path.parent.glob(f".{glob_escape(path.name)}.*-*.{purpose}"):
            pid = leftover.name[len(path.name) + 2:].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                leftover.unlink(missing_ok=True)


def glob_escape(name):
    """A file name with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _alive(pid):
    """True when a process with this id runs (a staging file of a live run is left alone)."""
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the process is only looked up
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


def _stage(path, data):
    """Write data to a new file beside path, durable and with path's mode; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _sibling(path, "tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _keep_old(path):
    """Hard-link the current file to a backup name (None when there is no file yet)."""
    if not path.exists():
        return None
    backup = _sibling(path, "old")
    try:
        os.link(path, backup)
    except OSError:  # a file system without hard links: a copy does the same
        shutil.copy2(path, backup)
    return backup


def _roll_back(staged, replaced):
    """Put back the files already replaced and remove every staged file."""
    for path, backup in reversed(replaced):
        if backup is None:
            path.unlink(missing_ok=True)
        else:
            os.replace(backup, path)
    for _, temporary in staged:
        temporary.unlink(missing_ok=True)
