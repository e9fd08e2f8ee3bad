"""The gaps log never makes an answer wait: a busy log defers its line, a link is never followed."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest

from bot.state import jsonl
from bot.state.atomic import LockTimeout
from bot.state.gaps import GapLog


def _in_a_thread(call: object) -> bool:
    """Whether `call` returned (a hang detector: a generous bound, not a timing)."""
    worker = threading.Thread(target=call, daemon=True)  # type: ignore[arg-type]
    worker.start()
    worker.join(timeout=30)
    return not worker.is_alive()


def test_a_question_is_logged_later_while_another_process_holds_the_log(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    path.write_text("", encoding="utf-8")
    log = GapLog(path)
    holder = os.open(path, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_SH)  # as `flock -s gaps.jsonl sleep 60` does
    try:
        assert _in_a_thread(lambda: log.record("what lens does the first phone use?"))
        assert path.read_text(encoding="utf-8") == ""
    finally:
        os.close(holder)
    log.record("who makes the second phone's lens?")
    assert {gap.question for gap in log.top()} == {
        "who makes the second phone's lens?",
        "what lens does the first phone use?",
    }


def test_reading_a_held_log_waits_a_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    GapLog(path).record("what lens does the first phone use?")
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(LockTimeout), jsonl.locked(path, "r", timeout=0.05):
            pass
    finally:
        os.close(holder)


def test_a_link_in_place_of_the_log_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep\n")
    path = tmp_path / "gaps.jsonl"
    path.symlink_to(victim)
    log = GapLog(path)
    log.record("what lens does the first phone use?")
    assert victim.read_bytes() == b"keep\n"
    with pytest.raises(OSError, match="symbolic link"):
        log.top()


def test_a_fifo_in_place_of_the_log_never_hangs(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    os.mkfifo(path)
    log = GapLog(path)
    assert _in_a_thread(lambda: log.record("what lens does the first phone use?"))
    assert log.top() == []
    assert not path.is_file()
