"""Atomic writes keep the file's mode, never show a half file, and clean up after themselves."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot import atomic
from bot.atomic import (
    atomic_write,
    fsync_directory,
    is_temporary,
    remove_file,
    remove_stale_temporaries,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("before", [0o644, 0o640, 0o600, 0o664])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, before: int) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"old")
    path.chmod(before)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == before, oct(mode(path))


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_allows(
    tmp_path: Path, umask: None, mask: int, expected: int
) -> None:
    os.umask(mask)
    path = tmp_path / "new.yaml"
    atomic_write(path, b"data")
    assert mode(path) == expected, oct(mode(path))
    assert os.umask(mask) == mask, "the umask is left as it was"


def test_the_data_is_private_while_it_is_written(
    tmp_path: Path, umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0o022)
    seen: list[int] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        seen.append(stat.S_IMODE(os.fstat(descriptor).st_mode))
        real_fsync(descriptor)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    atomic_write(tmp_path / "x.yaml", b"data")
    assert seen[0] == 0o600, oct(seen[0])


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "facts.yaml"
    atomic_write(path, b"data")
    assert path.read_bytes() == b"data"


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    atomic_write(tmp_path / "x.yaml", b"1")
    atomic_write(tmp_path / "x.yaml", b"2")
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_a_failed_replace_raises_its_own_error_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"old")

    def replace(self: Path, target: Path) -> None:
        self.unlink()  # the temporary is gone already: removing it again fails, quietly
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_temporary_names() -> None:
    assert is_temporary(".facts.yaml.123.abcd.tmp")
    assert not is_temporary(".hidden")
    assert not is_temporary("notes.tmp")
    assert not is_temporary("facts.yaml")


def test_stale_temporaries_are_removed_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text("keep")
    (tmp_path / ".hidden").write_text("keep")
    stale = tmp_path / ".facts.yaml.1.ab.tmp"
    stale.write_text("half")
    (tmp_path / ".folder.tmp").mkdir()
    target = tmp_path / "target.yaml"
    target.write_text("keep")
    (tmp_path / ".link.tmp").symlink_to(target)
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".folder.tmp",
        ".hidden",
        ".link.tmp",
        "facts.yaml",
        "target.yaml",
    ]


def test_stale_temporaries_of_a_missing_folder(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "missing") == []


def test_removing_a_missing_file_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("x")
    remove_file(path)
    assert not path.exists()
    remove_file(path)


def test_fsync_directory_refuses_a_file(tmp_path: Path) -> None:
    fsync_directory(tmp_path)
    path = tmp_path / "x.yaml"
    path.write_text("x")
    with pytest.raises(NotADirectoryError):
        fsync_directory(path)
