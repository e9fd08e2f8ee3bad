"""History that must not be lost (issue #10, items 11-13): journal first, hand saves, undo/redo."""

from __future__ import annotations

import dataclasses
import errno
import os
import threading
import time
from pathlib import Path

import pytest

import bot.store.changes
from bot.facts.yaml_loading import check_knowledge, load_fact_base
from bot.state.audit import Action, AuditLog
from bot.store import (
    JOURNAL_FILE,
    NEW_FACTS_FILE,
    FileBeingWritten,
    FileChanged,
    KnowledgeStore,
    NothingToUndo,
    StaleEdit,
    StateDirError,
)
from bot.store.history import History
from tests.helpers.store import copy_knowledge, fact_fields, snapshot


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    store.load()
    return store


# 11. A change and its audit entry are one outcome.


def test_a_full_disk_leaves_no_partial_audit_line(tmp_path: Path, monkeypatch) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    first = store.add_fact(fact_fields("Which fact is written whole?"), actor="a").entry
    assert first is not None
    log = store.audit
    size = log.path.stat().st_size
    real_write = os.write

    def full_after_ten_bytes(descriptor: int, data: bytes) -> int:
        if descriptor_is_audit(descriptor):
            real_write(descriptor, bytes(data)[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    def descriptor_is_audit(descriptor: int) -> bool:
        try:
            return Path(f"/proc/self/fd/{descriptor}").samefile(log.path)
        except OSError:
            return False

    monkeypatch.setattr(os, "write", full_after_ten_bytes)
    change = store.edit_fact("leica-country", {"answer": "Changed."}, base_version=None, actor="b")
    monkeypatch.undo()
    assert log.path.stat().st_size == size, "the half-written line was taken back"
    # The change is on disk and its entry waits in the journal...
    assert load_fact_base(store.root).facts["leica-country"].answer == "Changed."
    assert (store.state_dir / JOURNAL_FILE).is_file()
    # ...until the disk has room: the next reader completes it, once.
    assert [e.id for e in KnowledgeStore(store.root, store.state_dir).history()][-1] == (
        change.entry.id  # type: ignore[union-attr]
    )
    assert not (store.state_dir / JOURNAL_FILE).exists()
    assert len(store.history()) == 2
    assert store.undo(actor="c").record_id == "leica-country"
    assert load_fact_base(store.root).facts["leica-country"].answer != "Changed."


def test_a_change_is_refused_while_a_pending_entry_cannot_be_written(
    store: KnowledgeStore, monkeypatch
) -> None:
    entry = store.add_fact(fact_fields("Which fact waits in the journal?"), actor="a").entry
    assert entry is not None
    # As if the audit append had failed: the journal holds the entry, the log does not.
    History(store.state_dir).begin(entry)
    store.audit.path.write_bytes(b"")

    def no_room(*args, **kwargs) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AuditLog, "append", no_room)
    before = snapshot(store.root)
    with pytest.raises(StateDirError, match="No space left"):
        store.add_fact(fact_fields("Which fact would lose history?"), actor="b")
    assert snapshot(store.root) == before
    monkeypatch.undo()
    store.add_fact(fact_fields("Which fact comes once there is room?"), actor="b")
    assert [e.record_id for e in store.history()] == [
        entry.record_id,
        "which-fact-comes-once-there-is-room",
    ]


def test_a_failed_knowledge_write_drops_its_journal(store: KnowledgeStore, monkeypatch) -> None:
    before = snapshot(store.root)

    def failing_replace(*args, **kwargs) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bot.store.changes, "checked_replace", failing_replace)
    with pytest.raises(OSError):
        store.edit_fact("leica-country", {"answer": "Lost."}, base_version=None, actor="a")
    monkeypatch.undo()
    assert snapshot(store.root) == before
    assert not (store.state_dir / JOURNAL_FILE).exists()
    assert store.history() == []


# 12. A hand save (git pull, an editor) between reading a file and replacing it is kept.


def hand_append(root: Path, number: int) -> None:
    """Append a fact to facts/leica.yaml the way an editor saves: a new file renamed over."""
    path = root / "facts" / "leica.yaml"
    text = path.read_text(encoding="utf-8") + (
        f"- id: hand-{number}\n"
        f"  question: Hand-written question number {number} about Leica?\n"
        f"  answer: Hand-written answer {number}.\n"
        "  citations:\n"
        "  - source: article-2022-05-23\n"
        "    quote: German camera-maker Leica\n"
    )
    temporary = path.with_name(f"hand-{number}.swp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def test_a_hand_save_during_an_edit_is_not_overwritten(store: KnowledgeStore, monkeypatch) -> None:
    real_begin = History.begin
    saves = []

    def begin_after_a_hand_save(self: History, entry) -> None:
        if not saves:  # the first attempt: someone saves the file right now
            saves.append(entry)
            hand_append(store.root, 1)
        real_begin(self, entry)

    monkeypatch.setattr(History, "begin", begin_after_a_hand_save)
    change = store.edit_fact("leica-country", {"answer": "Edited."}, base_version=None, actor="a")
    facts = load_fact_base(store.root).facts
    assert facts["leica-country"].answer == "Edited."
    assert "hand-1" in facts, "the hand-written fact survived the edit"
    assert change.reload is not None
    assert change.reload.upserted[0].id == "hand-1"
    assert len(store.history()) == 1


def test_a_file_that_keeps_changing_is_refused_with_nothing_written(
    store: KnowledgeStore, monkeypatch
) -> None:
    real_begin = History.begin
    saves = []

    def always_a_hand_save(self: History, entry) -> None:
        saves.append(entry)
        hand_append(store.root, len(saves))
        real_begin(self, entry)

    monkeypatch.setattr(History, "begin", always_a_hand_save)
    with pytest.raises(FileChanged, match=r"facts/leica\.yaml was changed on disk"):
        store.edit_fact("leica-country", {"answer": "Edited."}, base_version=None, actor="a")
    monkeypatch.undo()
    facts = load_fact_base(store.root).facts
    assert facts["leica-country"].answer != "Edited."
    assert {f"hand-{n}" for n in range(1, len(saves) + 1)} <= facts.keys()
    assert store.history() == []


HAND_SAVES = 40
EDITS = 20


def test_racing_hand_saves_against_edits_lose_nothing(store: KnowledgeStore) -> None:
    """An editor saving the file every ~millisecond beside the store's edits of the same file."""
    done = threading.Event()
    saved: list[int] = []

    def editor() -> None:
        for number in range(HAND_SAVES):
            hand_append(store.root, number)
            saved.append(number)
            done.wait(0.001)

    thread = threading.Thread(target=editor)
    thread.start()
    answers = []
    other = KnowledgeStore(store.root, store.state_dir)  # a second process, in effect
    for number in range(EDITS):
        answer = f"Edit number {number}."
        try:
            other.edit_fact("leica-country", {"answer": answer}, base_version=None, actor="a")
            answers.append(answer)
        except FileChanged:
            pass  # refused, nothing written: nothing lost either
    thread.join()
    facts = load_fact_base(store.root).facts
    assert {f"hand-{n}" for n in saved} <= facts.keys(), "every hand-saved fact is there"
    # Every edit the store made is in its history. (An editor that saved a version it read
    # before an edit overwrites that edit: the editor took no lock; the next edit goes on.)
    assert [e.after["answer"] for e in store.history()] == answers  # type: ignore[index]
    # How many edits get through between saves depends on the machine's load (a refused edit
    # writes nothing and is not lost): some must, the rest is the scheduler's business.
    assert answers, "no edit got through between the hand saves"
    other.edit_fact("leica-country", {"answer": "The last word."}, base_version=None, actor="a")
    facts = load_fact_base(store.root).facts
    assert facts["leica-country"].answer == "The last word."
    assert {f"hand-{n}" for n in saved} <= facts.keys()
    assert check_knowledge(store.root)[1] == []


# 13. Undo steps back through history; redo steps forward again.


def answer(store: KnowledgeStore) -> str:
    return load_fact_base(store.root).facts["leica-country"].answer


def test_undo_steps_back_through_several_changes_and_redo_forward(store: KnowledgeStore) -> None:
    original = snapshot(store.root)
    first_answer = answer(store)
    store.edit_fact("leica-country", {"answer": "Bad edit one."}, base_version=None, actor="a")
    after_one = snapshot(store.root)
    store.edit_fact("leica-country", {"answer": "Bad edit two."}, base_version=None, actor="b")
    added = store.add_fact(fact_fields("Which fact is added third?"), actor="c")

    shown = store.last_change()
    assert shown is not None
    assert shown.record_id == added.record_id
    assert store.undo(actor="m", expected=shown.id).record_id == added.record_id
    assert store.last_change().after["answer"] == "Bad edit two."  # type: ignore[union-attr]
    assert store.undo(actor="m").fact.answer == "Bad edit one."  # type: ignore[union-attr]
    assert store.undo(actor="m").fact.answer == first_answer  # type: ignore[union-attr]
    assert snapshot(store.root) == original
    with pytest.raises(NothingToUndo):
        store.undo(actor="m")

    assert store.next_redo().after["answer"] == "Bad edit one."  # type: ignore[union-attr]
    assert store.redo(actor="m").action == Action.REDO
    assert snapshot(store.root) == after_one
    # A new change ends what could be redone.
    store.edit_fact("leica-country", {"answer": "A good edit."}, base_version=None, actor="d")
    assert store.next_redo() is None
    with pytest.raises(NothingToUndo, match="no change to redo"):
        store.redo(actor="m")
    assert store.undo(actor="m").fact.answer == "Bad edit one."  # type: ignore[union-attr]
    assert answer(store) == "Bad edit one."


def test_redo_checks_the_entry_the_moderator_saw(store: KnowledgeStore) -> None:
    store.edit_fact("leica-country", {"answer": "One."}, base_version=None, actor="a")
    store.edit_fact("leica-country", {"answer": "Two."}, base_version=None, actor="a")
    store.undo(actor="m")
    shown = store.next_redo()
    store.undo(actor="m")
    with pytest.raises(StaleEdit):
        store.redo(actor="m", expected=shown.id)  # type: ignore[union-attr]
    assert answer(store) != "One."


def test_an_old_log_where_an_undo_of_an_undo_redid_reads_as_a_redo(store: KnowledgeStore) -> None:
    change = store.edit_fact("leica-country", {"answer": "One."}, base_version=None, actor="a")
    undone = store.undo(actor="m")
    assert undone.entry is not None
    assert change.entry is not None
    # The one-step undo of before this issue: undoing the undo made the change again.

    old_style = dataclasses.replace(
        undone.entry, id="old-undo-of-undo", reverts=undone.entry.id, before=undone.entry.after,
        after=undone.entry.before,
    )  # fmt: skip
    store.audit.append(old_style)
    store.edit_fact("leica-country", {"answer": "One."}, base_version=None, actor="sync")
    assert store.last_change().id != change.entry.id  # type: ignore[union-attr]
    stacks = store.history_log.stacks()
    assert [e.id for e in stacks[0]][-2:] == [change.entry.id, stacks[0][-1].id]


def test_undo_keeps_a_new_facts_file_and_journal_clean(store: KnowledgeStore) -> None:
    store.add_fact(fact_fields("Which fact is undone at once?"), actor="a")
    store.undo(actor="a")
    assert not (store.root / NEW_FACTS_FILE).exists()
    assert not (store.state_dir / JOURNAL_FILE).exists()


# 14. An edit keeps the comment above the next record, and the file's line endings.


def test_an_edit_keeps_the_next_records_comment_and_crlf_line_endings(
    store: KnowledgeStore,
) -> None:
    path = store.root / "facts" / "xiaomi-leica.yaml"
    text = path.read_text(encoding="utf-8")
    first_id = text.split("\n", 1)[0].removeprefix("- id: ")
    second = text.index("\n- id:") + 1
    text = text[:second] + "# Kept: a note about the next record\n" + text[second:]
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    original = path.read_bytes()
    store.edit_fact(first_id, {"answer": "Changed."}, base_version=None, actor="a")
    data = path.read_bytes()
    assert b"# Kept: a note about the next record\r\n- id:" in data
    assert data.count(b"\n") == data.count(b"\r\n"), "no bare line feed"
    assert load_fact_base(store.root).facts[first_id].answer == "Changed."
    store.undo(actor="a")
    assert path.read_bytes() == original


@pytest.mark.parametrize("which", ["first", "middle"])
def test_a_removal_keeps_the_next_records_comment_and_undo_restores_the_bytes(
    store: KnowledgeStore, which: str
) -> None:
    path = store.root / "facts" / "xiaomi-leica.yaml"
    text = path.read_text(encoding="utf-8")
    starts = [
        n
        for n in range(len(text))
        if text.startswith("- id: ", n) and (n == 0 or text[n - 1] == "\n")
    ]
    victim = 0 if which == "first" else 1
    victim_id = text[starts[victim] + 6 :].split("\n", 1)[0]
    next_start = starts[victim + 1]
    text = (
        "# Facts about Xiaomi and Leica\n"
        + text[:next_start]
        + "# Kept: about the next record\n"
        + text[next_start:]
    )
    path.write_text(text, encoding="utf-8")
    original = path.read_bytes()
    store.remove_fact(victim_id, base_version=None, actor="a")
    data = path.read_text(encoding="utf-8")
    assert "# Kept: about the next record\n- id:" in data
    assert data.startswith("# Facts about Xiaomi and Leica\n")
    assert victim_id not in load_fact_base(store.root).facts
    # The record before (or the header) now holds the comment; editing it keeps it too.
    other = KnowledgeStore(store.root, store.state_dir)
    assert other.load().facts == store.base.facts
    store.undo(actor="a")
    assert path.read_bytes() == original
    store.redo(actor="a")
    assert "# Kept: about the next record\n- id:" in path.read_text(encoding="utf-8")
    store.undo(actor="a")
    assert path.read_bytes() == original
    assert load_fact_base(store.root).facts == store.base.facts
    for fact_id in store.base.facts:
        assert store.fact_record(fact_id)["id"] == fact_id


def test_a_save_in_place_in_two_writes_is_never_made_permanent_half_written(
    store: KnowledgeStore,
) -> None:
    """Issue 20 item 4: an editor truncates, writes half, pauses, writes the rest."""
    path = store.root / "facts" / "huawei-leica.yaml"
    whole = path.read_bytes()
    ids = [line.split()[-1] for line in whole.decode().splitlines() if line.startswith("- id:")]
    assert len(ids) == 4
    third = whole.index(f"- id: {ids[2]}".encode())
    half_written = threading.Event()

    def editor() -> None:
        with path.open("r+b") as handle:
            handle.truncate(0)
            handle.write(whole[:third])
            handle.flush()
            half_written.set()
            time.sleep(0.6)
            handle.write(whole[third:])

    thread = threading.Thread(target=editor)
    thread.start()
    half_written.wait()
    other = KnowledgeStore(store.root, store.state_dir)  # the `fact edit` of another process
    try:
        change = other.edit_fact(
            ids[0], {"answer": "Edited beside the editor."}, base_version=None, actor="a"
        )
    finally:
        thread.join()
    facts = load_fact_base(store.root).facts
    assert set(ids) <= facts.keys(), "the editor's whole save survived"
    assert facts[ids[0]].answer == "Edited beside the editor."
    assert [e.id for e in other.history()] == [change.entry.id]  # type: ignore[union-attr]


def test_a_file_held_open_for_writing_is_refused_once_saying_so(
    store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh attack on issue 20 item 4: a program holding the file open for writing (never
    # closing it) made an edit wait 5 s three times over, then say the file "was changed by
    # someone else" (it was not). Now one wait, and the reason.
    monkeypatch.setattr(bot.store.changes, "wait_until_written", lambda path: False)
    before = snapshot(store.root)
    with pytest.raises(FileBeingWritten) as error:
        store.edit_fact("leica-country", {"answer": "Changed."}, base_version=None, actor="a")
    assert "facts/leica.yaml is still open for writing in another program" in str(error.value)
    assert snapshot(store.root) == before
    assert store.history() == []
    monkeypatch.undo()
    store.edit_fact("leica-country", {"answer": "Changed."}, base_version=None, actor="a")


def test_a_file_really_held_open_for_writing_is_refused_after_one_wait(
    store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.state.writers.WRITER_WAIT", 0.3)
    path = store.root / "facts" / "leica.yaml"
    descriptor = os.open(path, os.O_WRONLY)
    waits: list[float] = []
    real = bot.store.changes.wait_until_written

    def counted(path: Path) -> bool:
        waits.append(1)
        return real(path, 0.3)

    monkeypatch.setattr(bot.store.changes, "wait_until_written", counted)
    try:
        with pytest.raises(FileBeingWritten):
            store.edit_fact("leica-country", {"answer": "Changed."}, base_version=None, actor="a")
    finally:
        os.close(descriptor)
    assert len(waits) == 1


def test_a_writer_that_opens_the_file_after_the_check_is_waited_for_at_the_swap(
    store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor that opens the file between the change's first check and its swap.

    Swapped in under the editor, the new file would take the name from the one the editor
    still writes: its save would go to a file no name leads to any more.
    """
    path = store.root / "facts" / "huawei-leica.yaml"
    fact_id = next(
        line.split()[-1] for line in path.read_text().splitlines() if line.startswith("- id:")
    )
    opened = threading.Event()

    def editor() -> None:
        with path.open("ab") as handle:
            opened.set()
            time.sleep(0.3)
            handle.write(b"# A note saved by hand\n")

    thread = threading.Thread(target=editor)
    checked = bot.store.changes.wait_until_written

    def checked_then_opened(path: Path, timeout: float = 5.0) -> bool:
        nobody = checked(path, timeout)
        if not thread.is_alive() and not opened.is_set():
            thread.start()  # right after the first check: only the swap's check can see it
            opened.wait()
        return nobody

    monkeypatch.setattr(bot.store.changes, "wait_until_written", checked_then_opened)
    try:
        store.edit_fact(
            fact_id, {"answer": "Edited beside the editor."}, base_version=None, actor="a"
        )
    finally:
        thread.join()
    assert path.read_text().endswith("# A note saved by hand\n"), "the editor's save survived"
    assert load_fact_base(store.root).facts[fact_id].answer == "Edited beside the editor."
