"""The audit log on its own: actor names, and a log in a folder that does not exist yet."""

from __future__ import annotations

import errno
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from bot.state import audit
from bot.state.audit import ACTOR_MAX, AuditLog, clean_actor
from bot.store import KnowledgeStore
from tests.helpers.store import fact_fields


def test_actor_names_are_printable_and_bounded() -> None:
    assert clean_actor("  alice#1234 ") == "alice#1234"
    assert clean_actor("bob\x00\x1b[31m") == "bob[31m"
    assert clean_actor("x" * 500) == "x" * ACTOR_MAX
    assert clean_actor(42) == "42"


def test_a_missing_actor_is_unknown() -> None:
    for nobody in ("", "   ", "\x00\n\t"):
        assert clean_actor(nobody) == "unknown"


def test_a_log_in_missing_folders_is_created(kb: tuple[Path, Path], tmp_path: Path) -> None:
    store = KnowledgeStore(*kb)
    change = store.add_fact(fact_fields(), actor="")
    assert change.entry is not None
    assert change.entry.actor == "unknown"
    log = AuditLog(tmp_path / "new" / "deeper" / "audit.jsonl")
    log.append(change.entry)
    assert list(log.entries()) == [change.entry]


def test_the_log_is_one_readable_line_an_entry(
    kb: tuple[Path, Path], tmp_path: Path, umask: None
) -> None:
    os.umask(0o022)
    store = KnowledgeStore(*kb)
    entry = store.add_fact(fact_fields(), actor="Zoë").entry
    assert entry is not None
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.append(entry)
    log.append(entry)
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == 2
    assert text.endswith("}\n")
    assert "\n\n" not in text
    assert '"actor":"Zoë"' in text, "UTF-8 as written, not \\u escapes"
    assert list(log.entries()) == [entry, entry]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644, "nobody else may write or run it"


def test_short_writes_are_continued(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KnowledgeStore(*kb)
    entry = store.add_fact(fact_fields(), actor="a").entry
    assert entry is not None
    real_write = os.write
    monkeypatch.setattr(audit.os, "write", lambda fd, data: real_write(fd, data[:7]))
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(entry)
    log.append(entry)
    assert list(log.entries()) == [entry, entry]


@pytest.mark.parametrize("truncate_fails", [False, True])
def test_a_full_disk_leaves_no_half_entry_and_reports_itself(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, truncate_fails: bool
) -> None:
    store = KnowledgeStore(*kb)
    entry = store.add_fact(fact_fields(), actor="a").entry
    assert entry is not None
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(entry)
    before = log.path.read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def broken(descriptor: int, size: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(audit.os, "fsync", full)
    if truncate_fails:  # the disk's own error is the one reported, not the clean-up's
        monkeypatch.setattr(audit.os, "ftruncate", broken)
    with pytest.raises(OSError) as error:
        log.append(entry)
    assert error.value.errno == errno.ENOSPC
    if truncate_fails:
        return
    assert log.path.read_bytes() == before
    monkeypatch.undo()
    log.append(entry)
    assert list(log.entries()) == [entry, entry]


@pytest.mark.parametrize("where", ["between entries", "at the end"])
def test_a_line_of_zeros_is_skipped_in_bounded_memory_both_ways(
    kb: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # A fresh attack on issue 20 items 12 and 20: 256 MB of zeros after the last entry (a
    # sparse audit.jsonl) took 8 s and 622 MB in `fact history` and `kb last`: the line was
    # held whole, read forwards and backwards. A line over LINE_MAX is skipped, never held.
    monkeypatch.setattr(audit, "LINE_MAX", 1024 * 1024)
    store = KnowledgeStore(*kb)
    first = store.add_fact(fact_fields(), actor="a").entry
    second = store.add_fact(fact_fields("Which German maker works with Vivo?"), actor="b").entry
    assert first is not None
    assert second is not None
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.append(first)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size + 16 * 1024 * 1024)  # zeros, no line break
    if where == "between entries":
        with path.open("ab") as handle:
            handle.write(b"\n")
        log.append(second)
    expected = [first, second] if where == "between entries" else [first]
    tracemalloc.start()
    try:
        assert list(log.entries()) == expected
        assert log.last() == expected[-1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
