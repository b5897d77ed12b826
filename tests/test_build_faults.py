"""Faults of the build stage: kill -9 at several moments, a dead worker, a full or read-only
disk, two builds at once. Each time the output folder is the complete old site or the
complete new one, the next build succeeds and nothing is left beside it."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synthetic import synthetic_dataset
from tests.conftest import FIXTURES, ROOT

# Large enough that a build lasts a second or so (two processes), small enough for the suite.
CODES = 1000
GOLDEN_DATA = FIXTURES / "golden-data.json"


def write_dataset(path, seed):
    path.write_text(json.dumps(synthetic_dataset(CODES, seed=seed), ensure_ascii=False), encoding="utf-8")
    return path


def build_command(data, out):
    return [sys.executable, "build.py", "build", "--data", str(data), "--out", str(out)]


def run_build(data, out, timeout=120):
    return subprocess.run(build_command(data, out), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def start_build(data, out):
    return subprocess.Popen(build_command(data, out), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def tree(folder):
    """{relative path: digest} of every file under a folder."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(out):
    """What is left beside the output folder, but for the lock and the manifest a build keeps."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name not in (f".{out.name}.lock", f".{out.name}.manifest.json"))


def staging_folders(out):
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.new-")]


def wait_for(condition, process, timeout=60):
    """Poll until condition() is true; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.001)
    raise AssertionError("the build neither reached the moment nor ended")


def staging_has(out, name):
    """Has the build's staging folder got this file yet?"""
    return lambda: any((folder / name).exists() for folder in staging_folders(out))


def old_site_being_deleted(out):
    return lambda: any(p.name.startswith(f".{out.name}.old-") for p in out.parent.iterdir())


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two datasets, and the complete site of each, built undisturbed."""
    folder = tmp_path_factory.mktemp("faults")
    old_data, new_data = write_dataset(folder / "old.json", 1), write_dataset(folder / "new.json", 2)
    references = {}
    for name, data in (("old", old_data), ("new", new_data)):
        assert run_build(data, folder / name / "site").returncode == 0
        references[name] = tree(folder / name / "site")
    assert references["old"] != references["new"]
    return {"old_data": old_data, "new_data": new_data, **references}


# (moment, what to wait for before the kill): the inputs read and the staging folder made;
# a first-language code page written; half of the second language's code pages; the shared
# files (the last step before the swap); the old site being deleted after the swap.
KILL_POINTS = [
    ("staging made", lambda out: lambda: bool(staging_folders(out))),
    ("first pages", lambda out: staging_has(out, "zh/codes/SVC000.00010/index.html")),
    ("midway", lambda out: staging_has(out, "en/codes/SVC002.00000/index.html")),
    ("before the swap", lambda out: staging_has(out, "sitemap.xml")),
    ("during the swap", old_site_being_deleted),
]


@pytest.mark.slow  # builds of 1,000 codes, several each
@pytest.mark.parametrize("moment, reached", KILL_POINTS, ids=[k for k, _ in KILL_POINTS])
def test_kill_9_leaves_a_whole_site_and_the_next_build_cleans_up(tmp_path, sites, moment, reached):
    out = tmp_path / "site"
    assert run_build(sites["old_data"], out).returncode == 0
    build = start_build(sites["new_data"], out)
    caught = wait_for(reached(out), build)
    os.killpg(build.pid, signal.SIGKILL)  # the build and its worker, as kill -9 of the job
    build.communicate(timeout=30)
    assert caught, f"the build ended before {moment!r}"
    # Before the swap, the old site whole; after it, the new one whole (never a mix, never none).
    # The swap follows the sitemap at once: on a loaded machine the kill may land after it.
    expected = {"during the swap": ["new"], "before the swap": ["old", "new"]}.get(moment, ["old"])
    assert tree(out) in [sites[name] for name in expected]
    after = run_build(sites["new_data"], out)
    assert after.returncode == 0, after.stderr
    assert tree(out) == sites["new"]
    assert beside(out) == ["site"]


@pytest.mark.slow  # builds of 1,000 codes, several each
def test_a_killed_build_process_takes_its_worker_with_it(tmp_path, sites):
    out = tmp_path / "site"
    build = start_build(sites["new_data"], out)
    assert wait_for(staging_has(out, "zh/codes/SVC000.00010/index.html"), build)
    workers = children(build.pid)
    assert workers, "the build forked no worker"
    os.kill(build.pid, signal.SIGKILL)  # the build process alone, as the out-of-memory killer would
    build.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(alive(pid) for pid in workers)
    assert not out.exists()
    assert run_build(sites["new_data"], out).returncode == 0 and beside(out) == ["site"]


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
        return [int(child) for child in handle.read().split()]


def alive(pid):
    """Is the process running (not gone, not a zombie)?"""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow  # builds of 1,000 codes, several each
def test_a_worker_killed_midway_is_a_build_error_not_a_hang(tmp_path, sites):
    out = tmp_path / "site"
    assert run_build(sites["old_data"], out).returncode == 0
    build = start_build(sites["new_data"], out)
    assert wait_for(staging_has(out, "zh/codes/SVC000.00010/index.html"), build)
    (worker,) = children(build.pid)
    os.kill(worker, signal.SIGKILL)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 2
    assert f"error: a build worker (pid {worker}) died (killed by SIGKILL)" in stderr
    assert "Traceback" not in stderr
    assert tree(out) == sites["old"] and beside(out) == ["site"]


@pytest.mark.slow  # builds of 1,000 codes, several each
def test_two_builds_at_once_take_turns(tmp_path, sites):
    out = tmp_path / "site"
    first = start_build(sites["old_data"], out)
    assert wait_for(lambda: bool(staging_folders(out)), first)
    second = start_build(sites["new_data"], out)
    _, first_err = first.communicate(timeout=120)
    _, second_err = second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert f"waiting for another build of {out} (pid {first.pid}) to finish" in second_err
    assert tree(out) == sites["new"] and beside(out) == ["site"]


def test_the_lock_of_a_dead_build_is_taken_over(tmp_path):
    out = tmp_path / "site"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / ".site.lock").write_text(dead.stdout, encoding="ascii")
    result = run_build(GOLDEN_DATA, out)
    assert result.returncode == 0 and "waiting" not in result.stderr
    assert (out / "index.html").is_file() and (tmp_path / ".site.lock").read_text(encoding="ascii") == ""


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (we run as root where the suite runs); skipped where mounting is refused."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip() or 'mount failed'}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_a_clear_error_and_keeps_the_site(small_disk):
    out = small_disk / "site"
    assert run_build(GOLDEN_DATA, out).returncode == 0  # 400 KB
    assert_refused(out, ROOT / "source" / "errors.json", "No space left on device")  # 3 MB


def test_a_read_only_folder_is_a_clear_error_and_keeps_the_site(small_disk):
    out = small_disk / "site"
    assert run_build(GOLDEN_DATA, out).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert_refused(out, GOLDEN_DATA, "Read-only file system")


def assert_refused(out, data, reason):
    """A build of `data` into `out` fails with exit 2 and the reason, and changes nothing."""
    before = tree(out)
    result = run_build(data, out)
    assert result.returncode == 2
    assert f"error: cannot build {out}: {reason}" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == before and beside(out) == ["site"]


def test_an_empty_dataset_is_a_data_error(tmp_path):
    data = tmp_path / "empty.json"
    data.write_text(json.dumps({**synthetic_dataset(0), "sources": []}), encoding="utf-8")
    result = run_build(data, tmp_path / "site")
    assert result.returncode == 2
    assert result.stderr == (f"error: {data}: the dataset lists no codes, so there is no site to build; "
                             f"scrape upstream pages into it first ('make data')\n")
    assert not (tmp_path / "site").exists()


def test_strict_without_a_callback_fails_on_warnings(tmp_path):
    from errdex.errors import StrictFailure
    from errdex.site import SiteSettings, build_site
    # Without its catalogs, the golden fixture has untranslated texts: warnings.
    with pytest.raises(StrictFailure, match=r"\d+ warning"):
        build_site(GOLDEN_DATA, tmp_path / "site", SiteSettings(), strict=True)
    assert not (tmp_path / "site").exists()
    assert build_site(GOLDEN_DATA, tmp_path / "site", SiteSettings()).warnings
