"""A file some program still holds open for writing is told apart from a finished one."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.state import writers
from bot.state.writers import being_written, wait_until_written


def test_a_file_open_for_writing_is_being_written_until_closed(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("- id: a\n")
    os.utime(path, (time.time() - 60, time.time() - 60))
    with path.open("r+b"):
        assert being_written(path)
        assert not wait_until_written(path, timeout=0.05)
    assert not being_written(path)
    assert not being_written(tmp_path / "missing.yaml")


def test_waiting_ends_when_the_writer_closes(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("- id: a\n")
    handle = path.open("ab")
    closer = threading.Timer(0.2, handle.close)
    closer.start()
    started = time.monotonic()
    assert wait_until_written(path, timeout=5)
    assert 0.1 < time.monotonic() - started < 4
    closer.join()


def test_without_leases_a_file_modified_just_now_counts_as_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(fcntl, "F_SETLEASE", raising=False)
    path = tmp_path / "facts.yaml"
    path.write_text("- id: a\n")
    assert being_written(path)
    old = time.time() - writers.SETTLE_SECONDS - 1
    os.utime(path, (old, old))
    assert not being_written(path)


def test_a_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("x")
    (tmp_path / "link").symlink_to(target)
    with target.open("r+b"):
        assert not being_written(tmp_path / "link")


def test_without_leases_a_file_modified_exactly_the_settling_time_ago_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(fcntl, "F_SETLEASE", raising=False)
    path = tmp_path / "facts.yaml"
    path.write_text("- id: a\n")
    modified = path.stat().st_mtime
    clock = SimpleNamespace(time=lambda: modified + writers.SETTLE_SECONDS)
    monkeypatch.setattr(writers, "time", clock)
    assert not being_written(path)


def test_waiting_no_time_at_all_gives_up_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("- id: a\n")

    def sleep(seconds: float) -> None:
        raise AssertionError("waited")

    # A clock that stands still: the deadline is reached the instant it is set.
    monkeypatch.setattr(writers, "time", SimpleNamespace(monotonic=lambda: 100.0, sleep=sleep))
    with path.open("ab"):
        assert not wait_until_written(path, timeout=0)
