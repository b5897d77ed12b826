"""The test set-up: what it installs or asks for, how tests are marked, the settings in pyproject.toml."""

import os
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import NEEDS, ROOT, SETUP_SCRIPT, missing_tools

SCRIPT = ROOT / SETUP_SCRIPT


def fake_commands(folder, **scripts):
    """A PATH folder holding only the commands the script needs besides the tools it looks for,
    plus fakes given as name=shell body."""
    folder.mkdir()
    for name in ("mktemp", "rm", "env"):
        os.symlink(subprocess.run(["sh", "-c", f"command -v {name}"], capture_output=True, text=True,
                                  check=True).stdout.strip(), folder / name)
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    return str(folder)


def run_setup(path, *args):
    """Run the set-up script with only `path` on PATH (so java, node, npm and make are missing)."""
    return subprocess.run(["/bin/bash", str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": path, "VENV": str(ROOT / ".venv"), "TMPDIR": os.environ.get("TMPDIR", "/tmp")})


def test_without_apt_it_names_what_is_missing_in_one_line(tmp_path):
    result = run_setup(fake_commands(tmp_path / "bin", id="echo 0"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("errdex tests need: default-jre-headless nodejs npm make ")


def test_without_root_or_sudo_it_prints_the_command_to_run(tmp_path):
    result = run_setup(fake_commands(tmp_path / "bin", id="echo 1000", **{"apt-get": "exit 0"}))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("errdex tests need: default-jre-headless nodejs npm make; run: sudo apt-get install -y "
                             "--no-install-recommends default-jre-headless nodejs npm make\n")


def test_as_root_it_installs_the_missing_packages_with_apt(tmp_path):
    calls = tmp_path / "calls"
    result = run_setup(fake_commands(tmp_path / "bin", id="echo 0", **{"apt-get": f'echo "$@" >> {calls}'}))
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == [
        "update -qq", "install -y -qq --no-install-recommends default-jre-headless nodejs npm make"]


def test_the_fast_tests_need_neither_chromium_nor_java(tmp_path):
    result = run_setup(fake_commands(tmp_path / "bin", id="echo 1000"), "--no-browser")
    assert result.stderr.startswith("errdex tests need: nodejs npm make ")


def test_a_failed_install_says_so_and_fails(tmp_path):
    result = run_setup(fake_commands(tmp_path / "bin", id="echo 0", **{"apt-get": "echo no network; exit 100"}))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("errdex tests need: default-jre-headless nodejs npm make; "
                                                     "installing them failed (see ")


def test_with_everything_there_it_is_silent():
    result = subprocess.run([str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_missing_tools_are_those_of_the_selected_tests_fixtures():
    needs = [("browser", "browser", "Chromium", lambda: False), ("vnu_errors", "slow", "Java", lambda: True)]
    assert missing_tools([{"tmp_path"}, {"browser", "site_url"}], needs) == ["Chromium"]
    assert missing_tools([{"tmp_path"}, {"vnu_errors"}], needs) == []
    assert missing_tools([], needs) == []


def test_a_missing_tool_stops_the_run_in_one_line_before_any_test():
    # No java on an empty PATH: the Nu HTML Checker's tests are selected, so the run stops.
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_validity.py"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env={"PATH": "/nonexistent"})
    assert result.returncode == 4
    assert result.stderr.strip() == (f"ERROR: missing Java (java on PATH): run `{SETUP_SCRIPT}` (as root, or with "
                                     f"sudo) to install what the tests need, or `make check` for the tests that "
                                     f"need neither")
    assert "passed" not in result.stdout and "Traceback" not in result.stdout


def test_tests_are_marked_by_what_they_need():
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
                             "--collect-only", "-q", "-m", "browser or slow", "tests/test_browser.py", "tests/test_validity.py",
                             "tests/test_pipeline.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    selected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    assert selected == {"tests/test_browser.py", "tests/test_validity.py"}, result.stdout
    assert "test_sitemap_lists_every_indexable_page_and_no_other" not in result.stdout  # needs no Java


def test_pyproject_registers_the_markers_conftest_applies():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    registered = {line.split(":")[0] for line in settings["tool"]["pytest"]["ini_options"]["markers"]}
    assert registered == {marker for _, marker, _, _ in NEEDS}
    assert settings["project"]["requires-python"] == ">=3.11"


@pytest.mark.parametrize("target", ["check", "test", "lint", "urls"])
def test_make_targets_exist(target):
    result = subprocess.run(["make", "-n", "-o", ".venv/.runtime", "-o", ".venv/.dev", "-o",
                             "node_modules/.package-lock.json", target], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
