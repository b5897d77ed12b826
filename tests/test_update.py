"""`make update` can never empty the site: the removal guard, and files written all or none.

The seed cases run build.py itself in a temporary copy of the repository's layout (its
code, templates and source/), made a git checkout where the case needs a last commit.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from errdex import guard, lifecycle, model, pipeline, update
from errdex.errors import BuildError, DataError
from errdex.update import update_repository, write_all
from tests.conftest import ROOT

PAGE = """错误码
状态码 | 错误码 | 错误信息 | 描述 | 处理措施 |
|---|---|---|---|---|
400 | DEMO.0001 | The token is empty. | Token为空。 | 检查请求头。 |
400 | DEMO.0002 | The request method is not allowed. | 请求方法不允许。 | 检查请求方法。 |
403 | DEMO.0003 | No access permission. | 没有权限访问。 | 请检查访问权限。 |
"""
OTHER_PAGE = PAGE.replace("DEMO.", "OTHER.")
SEED = "source/upstream/image-recognition.zh.txt"


# ---------------------------------------------------------------- the seed, through build.py


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
                   check=True, capture_output=True)


def copy_layout(copy):
    """Copy the repository's layout that build.py runs in (its ROOT is then the copy)."""
    copy.mkdir()
    shutil.copy2(ROOT / "build.py", copy / "build.py")
    for folder in ("errdex", "templates", "source"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def commit_all(folder):
    """Make a folder a git checkout with everything committed."""
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "seed")
    return folder


@pytest.fixture
def layout(tmp_path):
    return copy_layout(tmp_path / "repo")


@pytest.fixture
def checkout(layout):
    return commit_all(layout)


def run_update(folder, *options):
    return subprocess.run([sys.executable, str(folder / "build.py"), "update", *options],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "0"})


def truncate_seed(folder, lines=30):
    page = folder / SEED
    page.write_text("".join(page.read_text(encoding="utf-8").splitlines(keepends=True)[:lines]), encoding="utf-8")


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / "source").rglob("*"))
            if p.is_file()}


def test_truncated_seed_stops_the_update_and_writes_nothing(checkout):
    truncate_seed(checkout)
    before = snapshot(checkout)
    done = run_update(checkout)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert (f"{SEED} (against the last commit, HEAD:{SEED}): 77 codes, 1 table, 13,934 bytes -> "
            f"15 codes, 3,218 bytes: lost 62 of 77 codes (80.5%, more than 10%); shrank from "
            f"13,934 to 3,218 bytes (77% smaller, more than half)") in done.stderr
    assert "--accept-removals image-recognition.zh.txt" in done.stderr
    assert snapshot(checkout) == before


def test_accept_removals_retires_the_dropped_codes(checkout):
    truncate_seed(checkout)
    done = run_update(checkout, "--accept-removals", "image-recognition.zh.txt")
    assert done.returncode == 0, done.stderr
    assert f"against the last commit, HEAD:{SEED}" in done.stdout and "accepted by --accept-removals" in done.stdout
    assert len(model.load(checkout / "source" / "errors.json").codes) == 15
    retired = lifecycle.load_retired(checkout / "source" / "retired.json")
    names = {r.code.code for r in retired}
    assert len(names) == 62 and "AIS.0025" in names and "AIS.0024" not in names  # line 30 is AIS.0024's
    assert "  source/retired.json" in done.stdout.split("== files written ==")[1]


def test_a_higher_share_lets_codes_go_but_not_a_page_cut_by_more_than_half(checkout):
    truncate_seed(checkout)
    done = run_update(checkout, "--max-removed-share", "90%")
    assert done.returncode == 2
    assert "shrank from 13,934 to 3,218 bytes" in done.stderr and "lost 62" not in done.stderr


def test_outside_a_git_checkout_the_working_tree_dataset_is_the_baseline(layout):
    truncate_seed(layout)
    done = run_update(layout)
    assert done.returncode == 2
    assert (f"{SEED} (against the working tree, the codes source/errors.json lists from it, since git has no "
            f"committed version (fatal: not a git repository") in done.stderr
    assert "its size and tables are unknown): 77 codes -> 15 codes, 3,218 bytes: lost 62 of 77" in done.stderr


def test_an_unchanged_seed_updates_and_says_what_it_compared_against(checkout):
    done = run_update(checkout)
    assert done.returncode == 0, done.stderr
    assert "\n  1 page(s) byte for byte as in the last commit (HEAD): nothing lost\n" in done.stdout
    assert SEED not in done.stdout.split("== upstream changes ==")[0]
    (checkout / SEED).write_text((checkout / SEED).read_text(encoding="utf-8").replace("Token异常", "Token错误"),
                                 encoding="utf-8")
    done = run_update(checkout)
    assert done.returncode == 0, done.stderr
    assert (f"{SEED} (against the last commit, HEAD:{SEED}): 77 codes, 1 table, 13,934 bytes -> 77 codes, "
            f"13,934 bytes: nothing lost beyond the limits") in done.stdout


# ---------------------------------------------------------------- the guard's rules


def test_losses_name_each_rule_broken():
    before = guard.Shape(frozenset(f"A.{n}" for n in range(20)), tables=2, size=1000)
    assert guard.losses(before, guard.Shape(before.codes - {"A.1", "A.2"}, 2, 900)) == ()  # 10%: allowed
    assert guard.losses(before, guard.Shape(before.codes - {"A.1", "A.2", "A.3"}, 1, 499)) == (
        "lost 3 of 20 codes (15.0%, more than 10%)", "shrank from 1,000 to 499 bytes (50% smaller, more than half)",
        "lost 1 of 2 error-code tables")
    assert guard.losses(before, guard.Shape(frozenset(), 1, 1000), max_share=1.0) == (
        "lost 1 of 2 error-code tables",)
    assert guard.losses(None, guard.Shape(frozenset())) == ()  # a new page loses nothing


def test_unreadable_committed_copy_is_judged_by_its_size_alone():
    before = guard.shape_of("old.txt", "no table at all\n" * 100)
    assert before.codes is None and before.unreadable
    assert guard.losses(before, guard.Shape(frozenset({"A.1"}), 1, 10)) == (
        "shrank from 1,600 to 10 bytes (99% smaller, more than half)",)


@pytest.fixture
def repo(tmp_path):
    """Two upstream pages and their dataset, outside any git checkout."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / "demo.zh.txt").write_text(PAGE, encoding="utf-8")
    (upstream / "other.zh.txt").write_text(OTHER_PAGE, encoding="utf-8")
    data = tmp_path / "errors.json"
    data.write_text(pipeline.scrape_pages(pipeline.upstream_pages(upstream)).text, encoding="utf-8")
    return tmp_path, upstream, data


def run(tmp, upstream, data, **options):
    return update_repository(data_file=data, upstream_dir=upstream, retired_file=tmp / "retired.json",
                             locale_dir=tmp / "locale", **options)


def test_a_page_removed_from_upstream_stops_the_update(repo):
    tmp, upstream, data = repo
    (upstream / "other.zh.txt").unlink()
    with pytest.raises(guard.RemovalRefused, match=r"other.zh.txt \(against the codes .*errors.json lists from it: "
                                                    r"the page is gone, its codes are looked for on every page\): "
                                                    r"3 codes -> 0 codes: lost 3 of 3 codes"):
        run(tmp, upstream, data)
    report = run(tmp, upstream, data, accept_removals=["other.zh"])  # its source id names it too
    assert report.retired == ["OTHER.0001", "OTHER.0002", "OTHER.0003"]


def test_a_page_renamed_keeps_its_codes_and_passes(repo):
    tmp, upstream, data = repo
    (upstream / "other.zh.txt").rename(upstream / "other-renamed.zh.txt")
    report = run(tmp, upstream, data)
    assert report.retired == [] and any("3 codes -> 3 codes: nothing lost" in str(c) for c in report.checks)


def test_a_page_the_last_commit_lacks_is_compared_with_the_dataset(repo):
    tmp, upstream, data = repo
    git(tmp, "init", "-q")
    git(tmp, "add", "upstream/demo.zh.txt")
    git(tmp, "commit", "-q", "-m", "demo only")
    (upstream / "other.zh.txt").write_text(OTHER_PAGE.replace(OTHER_PAGE.splitlines()[3] + "\n", ""),
                                           encoding="utf-8")
    with pytest.raises(guard.RemovalRefused) as refused:
        run(tmp, upstream, data)
    assert ("other.zh.txt (against the working tree, the codes " in str(refused.value)
            and "since git has no committed version (fatal: path 'upstream/other.zh.txt' exists on disk, but not "
                "in 'HEAD'); its size and tables are unknown): 3 codes -> 2 codes, " in str(refused.value))
    assert "demo.zh.txt" not in str(refused.value)  # compared with its commit, and unchanged


def test_a_new_page_has_nothing_to_lose(repo):
    tmp, upstream, data = repo
    (upstream / "new.zh.txt").write_text(PAGE.replace("DEMO.", "NEW."), encoding="utf-8")
    report = run(tmp, upstream, data)
    assert any("new.zh.txt (against nothing: a new page" in str(c) for c in report.checks)


def test_accepting_a_page_that_does_not_exist_is_an_error(repo):
    tmp, upstream, data = repo
    with pytest.raises(DataError, match="--accept-removals nope.txt: no such page"):
        run(tmp, upstream, data, accept_removals=["nope.txt"])


# ---------------------------------------------------------------- all or none


def test_update_that_fails_to_write_one_file_changes_none(repo, monkeypatch):
    tmp, upstream, data = repo
    (upstream / "demo.zh.txt").write_text(PAGE.replace("Token为空。", "Token为空或已过期。"), encoding="utf-8")
    before = data.read_bytes()
    real_stage = update._stage

    def stage(path, content):
        if path.name == "retired.json":
            raise OSError(28, "No space left on device", str(path))
        return real_stage(path, content)

    monkeypatch.setattr(update, "_stage", stage)
    with pytest.raises(BuildError, match=r"retired.json: cannot write it \(No space left on device\); none of "
                                         r"the \d+ file\(s\) was changed"):
        run(tmp, upstream, data)
    assert data.read_bytes() == before
    assert not (tmp / "retired.json").exists() and not (tmp / "locale").exists()
    assert [p.name for p in tmp.iterdir() if p.name.startswith(".")] == []


def test_a_rename_that_fails_puts_back_the_files_already_replaced(tmp_path, monkeypatch):
    first, second, third = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "new" / "c.json"
    first.write_text("old a", encoding="utf-8")
    second.write_text("old b", encoding="utf-8")
    os.chmod(first, 0o640)
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 3:  # a, b replaced; c fails
            raise OSError(30, "Read-only file system")
        real_replace(source, target)

    monkeypatch.setattr(update.os, "replace", replace)
    with pytest.raises(BuildError, match=r"c.json: cannot write it \(Read-only file system\)"):
        write_all({first: "new a", second: b"new b", third: "new c"})
    monkeypatch.setattr(update.os, "replace", real_replace)
    assert (first.read_text(), second.read_text(), third.exists()) == ("old a", "old b", False)
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []
    assert write_all({first: "new a", second: "old b", third: "new c"}) == (first, third)  # b: unchanged
    assert (first.read_text(), oct(first.stat().st_mode & 0o777), third.read_text()) == ("new a", "0o640", "new c")


def test_update_writes_dataset_retired_and_catalogs_together(repo):
    tmp, upstream, data = repo
    (upstream / "demo.zh.txt").write_text(PAGE.replace("| 检查请求头。 |", "| 检查请求头部。 |"), encoding="utf-8")
    report = run(tmp, upstream, data)
    names = [p.rsplit("/", 1)[-1] for p in report.written]
    assert names == ["retired.json", "content.po", "messages.po", "errors.json"]
    assert json.loads((tmp / "retired.json").read_text()) == {"codes": []}
    assert "检查请求头部。" in (tmp / "locale" / "en" / "LC_MESSAGES" / "content.po").read_text(encoding="utf-8")
    again = run(tmp, upstream, data)
    assert again.written == () and "(none: nothing changed)" in str(again)


def test_leftovers_of_a_killed_run_are_swept_and_a_live_runs_kept(tmp_path):
    target = tmp_path / "errors.json"
    target.write_text("old", encoding="utf-8")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = [tmp_path / f".errors.json.{gone.stdout.strip()}-0badf00d.{kind}" for kind in ("tmp", "old")]
    live = tmp_path / f".errors.json.{os.getpid()}-0000beef.tmp"
    other = tmp_path / ".errors.json.x1y2z3.tmp"  # another writer's name scheme: not ours to remove
    for path in [*dead, live, other]:
        path.write_text("half", encoding="utf-8")
    write_all({target: "new"})
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, "errors.json"])
