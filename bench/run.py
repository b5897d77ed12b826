"""`make bench`: scrape time and full-build time at 1,000 / 10,000 / 100,000 codes.

Each figure is the median (and range) of repeated runs in fresh processes, with the peak
memory of the build process: this machine is shared and noisy, so single runs mislead.
Usage: python bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--search]
"""

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic  # noqa: E402

PY = sys.executable
SAMPLES = ROOT / "tests" / "fixtures" / "upstream-samples"


def timed(command):
    """Run a command; return (seconds, peak RSS of the child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def summarise(label, samples):
    seconds = [s for s, _ in samples]
    memory = max(m for _, m in samples)
    return (f"{label:<34} median {statistics.median(seconds):7.2f} s   "
            f"range {min(seconds):.2f}-{max(seconds):.2f} s   runs {len(seconds)}   peak RSS {memory:,.0f} MB")


def bench_scrape(runs, work):
    pages = [str(p) for p in sorted(SAMPLES.glob("*.md")) + sorted(SAMPLES.glob("*.html"))]
    pages.append(str(ROOT / "source" / "upstream" / "image-recognition.zh.txt"))
    out = work / "scraped.json"
    return summarise("scrape 3 samples + seed (1,457 rows)",
                     [timed([PY, "build.py", "scrape", *pages, "--out", str(out)]) for _ in range(runs)])


def bench_build(size, runs, work):
    data = work / f"synthetic-{size}.json"
    write_synthetic(data, size)
    out = work / f"site-{size}"
    samples = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        samples.append(timed([PY, "build.py", "build", "--data", str(data), "--out", str(out)]))
    pages = sum(1 for _ in out.rglob("index.html"))
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    return summarise(f"build {size:,} codes ({pages:,} pages, {size_mb:,.0f} MB)", samples)


def bench_seed(runs, work):
    out = work / "seed-site"
    samples = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        samples.append(timed([PY, "build.py", "build", "--out", str(out)]))
    return summarise("build the seed site (77 codes)", samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5, help="runs per size below 100,000 (that one runs twice)")
    parser.add_argument("--search", action="store_true", help="also run the search benchmark in Chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as folder:
        work = Path(folder)
        print(bench_scrape(args.runs, work), flush=True)
        print(bench_seed(args.runs, work), flush=True)
        for size in (int(s) for s in args.sizes.split(",")):
            print(bench_build(size, args.runs if size < 100000 else 2, work), flush=True)
            shutil.rmtree(work / f"site-{size}", ignore_errors=True)
    if args.search and (ROOT / "bench" / "search_bench.py").exists():
        subprocess.run([PY, str(ROOT / "bench" / "search_bench.py")], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
