"""Writes that die midway (SIGKILL, a failing os.replace or fsync) leave loadable files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.facts.yaml_loading import check_knowledge, load_fact_base
from bot.store import JOURNAL_FILE, NEW_FACTS_FILE, KnowledgeStore, NothingToUndo, StoreError
from tests.conftest import ROOT
from tests.helpers.store import copy_knowledge, fact_fields, snapshot

# The child makes one change with os.fsync slowed down at call number CRASH_AT, and is killed
# there. A change calls fsync at each of its steps: 1 = the journal written, not yet renamed;
# 2 = the journal renamed, its directory not synced; 3 = the knowledge file written, not yet
# renamed over the old one; 4 = renamed, its directory not synced; 5 = the audit line written,
# not yet synced; 6 = the journal removed, the state directory not synced. A new source writes
# its text file first (3, 4), then sources.yaml (5, 6), the audit line (7) and so on.
CHILD = """
import os, sys, time
from pathlib import Path
from bot.store import KnowledgeStore
from tests.helpers.store import fact_fields
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
elif operation == "edit":
    store.edit_fact("leica-country", {"answer": "Doomed."}, base_version=None, actor="doomed")
elif operation == "remove":
    store.remove_fact("leica-country", base_version=None, actor="doomed")
elif operation == "brand":
    store.records.edit("brand", "leica", {"country": "Doomland"}, base_version=None, actor="doomed")
elif operation == "partnership":
    fields = {"summary": "Doomed."}
    store.records.edit("partnership", "vivo-zeiss", fields, base_version=None, actor="doomed")
elif operation == "source-remove":
    store.records.remove("source", "spare", base_version=None, actor="doomed")
elif operation == "source":
    text = "Doomed article about Leica and its German camera partnership.\\n"
    store.add_source("doomed", "Doomed", "2024-01-01", "", text, actor="doomed")
else:
    store.undo(actor="doomed")
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


def _made(base, operation: str) -> bool:
    """Whether the doomed change is in the fact base."""
    return {
        "add": lambda: "doomed" in base.facts,
        "edit": lambda: base.facts["leica-country"].answer == "Doomed.",
        "remove": lambda: "leica-country" not in base.facts,
        "source": lambda: "doomed" in base.sources,
        "brand": lambda: base.brands["leica"].country == "Doomland",
        "partnership": lambda: base.partnerships["vivo-zeiss"].summary == "Doomed.",
        "source-remove": lambda: "spare" not in base.sources,
        "undo": lambda: "undone-by-the-doomed" not in base.facts,
    }[operation]()


# Every step of an edit; the steps where other changes differ (a new file, a second file).
CRASH_POINTS = [("edit", n) for n in range(1, 7)] + [
    ("add", 3),
    ("add", 4),
    ("remove", 5),
    ("undo", 4),
    ("undo", 5),
    ("source", 4),
    ("source", 5),
    ("source", 6),
    *[("brand", n) for n in (2, 3, 4, 5)],
    ("partnership", 4),
    ("partnership", 5),
    *[("source-remove", n) for n in (3, 4, 5, 6)],
]


@pytest.mark.parametrize(("operation", "crash_at"), CRASH_POINTS)
def test_a_writer_killed_at_any_step_leaves_the_change_with_its_history_or_neither(
    tmp_path: Path, crash_at: int, operation: str
) -> None:
    root, state = copy_knowledge(tmp_path)
    store = KnowledgeStore(root, state)
    store.load()
    if operation == "undo":
        store.add_fact(
            fact_fields("Which fact does the doomed undo take?", id="undone-by-the-doomed"),
            actor="a",
        )
    if operation == "source-remove":
        text = "A spare article that nothing cites, about Leica and Xiaomi.\n"
        store.add_source("spare", "Spare", "2024-01-01", "", text, actor="a")
    before = snapshot(root)
    entries_before = len(store.history())
    _kill_midway(root, state, crash_at, operation)

    # The lock died with the writer: the next process settles the change, then carries on.
    store = KnowledgeStore(root, state)
    base = store.load()
    assert check_knowledge(root)[1] == []
    assert not (state / JOURNAL_FILE).exists()
    entries = store.history()
    recorded = len(entries) > entries_before
    assert recorded == _made(base, operation), "a change and its history: both or neither"
    assert len(entries) <= entries_before + 1
    if recorded:
        assert entries[-1].actor == "doomed"
    else:
        after = {k: v for k, v in snapshot(root).items() if not k.endswith(".tmp")}
        assert after == before  # the old files, byte for byte (no orphan source text)
    store.add_fact(
        fact_fields("Is there life after the crash?", id="after-the-crash"), actor="survivor"
    )
    assert "after-the-crash" in load_fact_base(root).facts
    assert not list(root.rglob("*.tmp"))
    assert not list(state.rglob("*.tmp"))
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
    with pytest.raises((OSError, StoreError), match="No space left"):
        store.add_fact(fact_fields(id="lost"), actor="a")
    with pytest.raises((OSError, StoreError), match="No space left"):
        store.edit_fact("leica-country", {"answer": "Lost."}, base_version=None, actor="a")
    with pytest.raises((OSError, StoreError), match="No space left"):
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
    with pytest.raises((OSError, StoreError), match="Input/output"):
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
