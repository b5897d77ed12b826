"""Publish: fill a staging folder beside the output folder, then swap it in, kill-safe.

`kill -9` at any moment leaves the output folder as the complete old site or the complete
new one, never a mix and never none: the new site is written into `.{name}.new-*` beside
it and exchanged with the old one in one atomic call (Linux's renameat2 RENAME_EXCHANGE;
the output folder stays a real folder, as GitHub Pages' upload and every tool expect).
The old site, now under the staging name, is renamed `.{name}.old-*` and deleted. Builds of
one folder take turns through a lock file, `.{name}.lock`, which holds the pid of the
build that has it; the kernel releases it when that build dies, however it dies. Each
build first removes what a dead build left beside the folder.
"""

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import BuildError
from .pipeline import ROOT

# Files that mark a folder as a site we built, so we never delete anything else.
SITE_MARKERS = (".nojekyll", "404.html")


def publish(out, fill, wait=None, swapped=None):
    """Let fill(folder) write a new site into a fresh folder, then swap it in for `out`.

    Returns what fill returned. On any failure the staging folder is removed and `out`
    is as it was; a failure of the file system (full disk, read-only folder) is a BuildError.
    `wait(message)` is told when another build of `out` has to finish first; `swapped(result)`
    is called after the swap, still under the lock.
    """
    out = Path(out).resolve()
    check_output_folder(out)
    with _file_system_errors(out), build_lock(out, wait or tell):
        remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            result = fill(staging)
            # mkdtemp makes the folder 0700; a site is world-readable like a normal checkout.
            os.chmod(staging, 0o755)
            swap_in(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if swapped is not None:
            swapped(result)
    return result


def check_output_folder(out):
    """Refuse an output folder that holds the sources, or a folder that is not a site."""
    protected = [ROOT, ROOT / "source", ROOT / "templates", ROOT / "errdex", ROOT / "tests"]
    for folder in protected:
        if out == folder or out in folder.parents or folder in out.parents and folder != ROOT:
            raise BuildError(f"refusing to build into {out}: it holds the project's sources "
                             f"(choose a folder such as site/)")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and
                                              not all((out / m).exists() for m in SITE_MARKERS))):
        raise BuildError(f"refusing to replace {out}: it exists and is not a site built by errdex "
                         f"(no {' and '.join(SITE_MARKERS)}); remove it or choose another --out")


@contextlib.contextmanager
def _file_system_errors(out):
    """Turn what the file system refuses (no space, read-only, no permission) into a BuildError."""
    try:
        yield
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise BuildError(f"cannot build {out}: {error.strerror or error}{where}; "
                         f"the previous site is unchanged") from None


@contextlib.contextmanager
def build_lock(out, wait):
    """Hold `.{name}.lock` beside `out` while building it; wait for a build that holds it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    with open(path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            wait(f"waiting for another build of {out} (pid {holder}) to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)
            # Kept, not deleted: a build waiting on this file would otherwise lock a file
            # that a third build no longer sees.
            fcntl.flock(lock, fcntl.LOCK_UN)


def tell(message):
    """Say on stderr what the build waits for."""
    print(message, file=sys.stderr)


def lock_path(out):
    return out.with_name(f".{out.name}.lock")


def leftovers(out):
    """Staging and old folders beside `out` that a build left (only one that died, under the lock)."""
    return sorted(p for p in out.parent.glob(f".{out.name}.*-*")
                  if p.name.startswith((f".{out.name}.new-", f".{out.name}.old-")) and p.is_dir())


def remove_leftovers(out):
    """Remove what dead builds left; bring the old site back if one died between two renames."""
    found = leftovers(out)
    old = [p for p in found if p.name.startswith(f".{out.name}.old-")]
    if not out.exists() and old:
        # Only the fallback swap (two renames) leaves no `out`, with the old site whole.
        os.rename(max(old, key=lambda p: p.stat().st_mtime_ns), out)
        found = leftovers(out)
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)


def swap_in(staging, out):
    """Make the staging folder `out`, atomically, and delete the site it replaces."""
    if not out.exists():
        os.rename(staging, out)
        return
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    if exchange(staging, out):
        os.rename(staging, old)  # the old site, under a name the next build knows to delete
    else:
        # No atomic exchange on this system: a kill between these renames leaves no `out`,
        # and the next build renames the old site back (remove_leftovers).
        os.rename(out, old)
        os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)


# renameat2(2)'s flag to swap two paths, and "relative to the working directory".
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(first, second):
    """Swap two existing paths in one atomic step; False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # an old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


@functools.cache
def _renameat2():
    """glibc's renameat2, or None (another system, another C library)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
