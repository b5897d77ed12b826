"""The command line: what build.py prints, writes and exits with."""

import subprocess
import sys

import pytest

from errdex import lifecycle
from tests.conftest import ROOT

BUILD_PY = str(ROOT / "build.py")


def run_into_closed_pipe(*args):
    """Run build.py with its stdout a pipe whose reader has left, as `| head` does; return its
    exit status and what it wrote to stderr."""
    process = subprocess.Popen([sys.executable, BUILD_PY, *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # before the command has started, let alone printed
    stderr = process.stderr.read().decode("utf-8")
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize("args", [["--help"], ["scrape", "--diff"]], ids=" ".join)
def test_a_reader_that_leaves_ends_the_command_quietly(args):
    assert run_into_closed_pipe(*args) == (0, "")


def test_the_build_reads_the_url_registry_and_never_writes_it(tmp_path):
    before = lifecycle.REGISTRY_FILE.read_bytes(), lifecycle.REGISTRY_FILE.stat().st_mtime_ns
    result = subprocess.run([sys.executable, BUILD_PY, "build", "--out", str(tmp_path / "site")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (lifecycle.REGISTRY_FILE.read_bytes(), lifecycle.REGISTRY_FILE.stat().st_mtime_ns) == before
    assert result.stdout.startswith(f"built {tmp_path / 'site'}: ")
