"""The files the commands write into the repository: whole or not at all, keeping their mode."""

import os
import stat

import pytest

from errdex.pipeline import write_atomic


@pytest.fixture
def umask_022():
    """The usual umask, whatever the test runner's."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_of_any_new_file(tmp_path, umask_022):
    write_atomic(tmp_path / "errors.json", "{}\n")
    assert mode(tmp_path / "errors.json") == 0o644


@pytest.mark.parametrize("before", [0o644, 0o664, 0o600, 0o755], ids=oct)
def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022, before):
    path = tmp_path / "published-urls.txt"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(before)
    write_atomic(path, "new\n")
    assert (path.read_text(encoding="utf-8"), mode(path)) == ("new\n", before)


def test_bytes_are_written_as_they_are_and_no_temporary_file_is_left(tmp_path):
    write_atomic(tmp_path / "sub" / "catalog.mo", b"\x00\xde\x12")
    assert (tmp_path / "sub" / "catalog.mo").read_bytes() == b"\x00\xde\x12"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["catalog.mo"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "errors.json"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomic(path, ["not", "text"])
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["errors.json"]
