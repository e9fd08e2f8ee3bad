"""Writes that die midway (SIGKILL, a failing os.replace or fsync) leave loadable files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.loader import check_knowledge, load_fact_base
from bot.store import NEW_FACTS_FILE, KnowledgeStore, NothingToUndo
from tests.conftest import ROOT
from tests.test_store_support import copy_knowledge, fact_fields, snapshot

# The child makes one change with os.fsync slowed down at call number CRASH_AT, and is killed
# there: 1 = the temporary file is written but not yet renamed over the old one;
# 2 = renamed, the directory not yet synced; 3 = the audit line written, not yet synced.
CHILD = """
import os, sys, time
from pathlib import Path
from bot.store import KnowledgeStore
from tests.test_store_support import fact_fields

root, state, marker, crash_at, operation = sys.argv[1:]
calls = 0
real_fsync = os.fsync

def slow_fsync(descriptor):
    global calls
    calls += 1
    if calls == int(crash_at):
        Path(marker).write_text("in fsync")
        time.sleep(60)
    real_fsync(descriptor)

store = KnowledgeStore(Path(root), Path(state))
store.load()
os.fsync = slow_fsync
if operation == "add":
    store.add_fact(fact_fields(id="doomed"), actor="doomed")
else:
    store.edit_fact("leica-country", {"answer": "Doomed."}, base_version=None, actor="doomed")
"""


def _kill_midway(root: Path, state: Path, crash_at: int, operation: str) -> None:
    marker = state.parent / f"marker-{crash_at}-{operation}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(state), str(marker), str(crash_at), operation],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child ended before reaching the write"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize("operation", ["add", "edit"])
@pytest.mark.parametrize("crash_at", [1, 2, 3])
def test_a_writer_killed_midway_leaves_the_files_whole_and_loadable(
    tmp_path: Path, crash_at: int, operation: str
) -> None:
    root, state = copy_knowledge(tmp_path)
    KnowledgeStore(root, state).load()
    before = snapshot(root)
    _kill_midway(root, state, crash_at, operation)
    base, problems = check_knowledge(root)
    assert problems == []
    assert base is not None
    after = {name: data for name, data in snapshot(root).items() if not name.endswith(".tmp")}
    if crash_at == 1:
        assert after == before  # the old files, byte for byte
    else:
        changed = "doomed" in base.facts or base.facts["leica-country"].answer == "Doomed."
        assert changed  # the new file, whole
    # The lock died with the writer: another process carries on, and cleans up.
    store = KnowledgeStore(root, state)
    store.add_fact(
        fact_fields("Is there life after the crash?", id="after-the-crash"), actor="survivor"
    )
    assert "after-the-crash" in load_fact_base(root).facts
    assert not list(root.rglob("*.tmp"))
    assert [e.actor for e in store.history()][-1] == "survivor"


def test_a_failing_replace_leaves_everything_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    base = store.load()
    before = snapshot(store.root)

    def failing_replace(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        store.add_fact(fact_fields(id="lost"), actor="a")
    with pytest.raises(OSError, match="No space left"):
        store.edit_fact("leica-country", {"answer": "Lost."}, base_version=None, actor="a")
    with pytest.raises(OSError, match="No space left"):
        store.remove_fact("huawei-leica-split", base_version=None, actor="a")
    monkeypatch.undo()
    assert snapshot(store.root) == before
    assert not list(store.root.rglob("*.tmp"))
    assert store.base.facts == base.facts
    assert store.history() == []
    with pytest.raises(NothingToUndo):
        store.undo(actor="a")
    change = store.add_fact(fact_fields(id="works-again"), actor="a")
    assert change.fact is not None
    assert set(load_fact_base(store.root).facts) == {*base.facts, "works-again"}


def test_a_failing_fsync_leaves_everything_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    store.load()
    before = snapshot(store.root)

    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="Input/output"):
        store.edit_fact("leica-country", {"answer": "Lost."}, base_version=None, actor="a")
    monkeypatch.undo()
    assert snapshot(store.root) == before
    assert store.fact_record("leica-country")["answer"] != "Lost."


def test_a_torn_audit_line_is_skipped_and_the_next_entry_stays_whole(tmp_path: Path) -> None:
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    store.add_fact(fact_fields("Which fact came first?", id="first"), actor="a")
    with store.audit.path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "torn", "at": "2026-')
    store.add_fact(fact_fields("Which fact came second?", id="second"), actor="b")
    assert [e.record_id for e in store.history()] == ["first", "second"]
    assert store.undo(actor="c").record_id == "second"
    assert "second" not in load_fact_base(store.root).facts
    assert (store.root / NEW_FACTS_FILE).is_file()
