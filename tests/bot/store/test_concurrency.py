"""Edits racing from several processes: nothing lost, files valid, the audit log complete."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

import bot.store.changes
from bot.facts.yaml_loading import check_knowledge
from bot.store import NEW_FACTS_FILE, KnowledgeStore, StaleEdit, new_facts_file, record_version
from tests.helpers.store import copy_knowledge, fact_fields

WORKERS = 5
ROUNDS = 5  # each round: one add and one edit, so WORKERS * ROUNDS * 2 = 50 changes


def _adds_and_edits(
    root: str, state: str, worker: int, barrier: Any, cap: int | None = None
) -> None:
    if cap is not None:  # a spawned process: the test's monkeypatch does not reach it
        bot.store.changes.MAX_NEW_FACTS_PER_FILE = cap
    store = KnowledgeStore(Path(root), Path(state))
    barrier.wait(timeout=60)
    for number in range(ROUNDS):
        fields = fact_fields(f"Question {number} of worker {worker} about Leica?")
        fields["id"] = f"worker-{worker}-fact-{number}"
        change = store.add_fact(fields, actor=f"worker-{worker}")
        answer = f"Answer {number}, edited by worker {worker}."
        store.edit_fact(
            change.record_id, {"answer": answer}, base_version=change.version, actor=f"w{worker}"
        )


def _read_modify_write(
    root: str, state: str, worker: int, barrier: Any, stale: Any, first_refused: Any
) -> None:
    store = KnowledgeStore(Path(root), Path(state))
    barrier.wait(timeout=60)
    for number in range(ROUNDS):
        barrier.wait(timeout=60)  # the last round's edits are all made...
        first = True
        while True:
            record = store.fact_record("leica-country")
            if first:  # ...so every worker reads the same version, before anyone writes
                barrier.wait(timeout=60)
            phrasings = [*record["phrasings"], f"Asked by worker {worker}, time {number}?"]
            try:
                store.edit_fact(
                    "leica-country",
                    {"phrasings": phrasings},
                    base_version=record_version(record),
                    actor=f"worker-{worker}",
                )
                break
            except StaleEdit as refusal:
                # The refusal names the fact, the version read and the newer one on disk.
                if not (
                    refusal.record_id == "leica-country"
                    and refusal.expected == record_version(record) != refusal.current
                ):
                    raise AssertionError(f"a refusal of something else: {refusal!r}") from None
                with stale.get_lock():
                    stale.value += 1
                if first:
                    with first_refused.get_lock():
                        first_refused.value += 1
            first = False


def _run(target: Any, *args: Any) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    processes = [
        context.Process(target=target, args=(*args[:2], worker, barrier, *args[2:]))
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * WORKERS


def test_fifty_racing_adds_and_edits_lose_nothing(tmp_path: Path) -> None:
    root, state = copy_knowledge(tmp_path)
    _run(_adds_and_edits, str(root), str(state))
    base, problems = check_knowledge(root)
    assert problems == []
    assert base is not None
    for worker in range(WORKERS):
        for number in range(ROUNDS):
            fact = base.facts[f"worker-{worker}-fact-{number}"]
            assert fact.answer == f"Answer {number}, edited by worker {worker}."
    store = KnowledgeStore(root, state)
    entries = store.history()
    assert len(entries) == WORKERS * ROUNDS * 2
    assert sorted(e.action for e in entries) == ["add"] * 25 + ["edit"] * 25
    for worker in range(WORKERS):
        for number in range(ROUNDS):
            history = store.history(f"worker-{worker}-fact-{number}")
            assert [e.action for e in history] == ["add", "edit"]
            assert history[1].before == history[0].after
    text = (root / NEW_FACTS_FILE).read_text(encoding="utf-8")
    assert text.count("\n- id: ") + text.startswith("- id: ") == WORKERS * ROUNDS
    assert not [p for p in root.rglob("*.tmp")]


def test_racing_adds_fill_capped_files_in_order_and_lose_nothing(tmp_path: Path) -> None:
    root, state = copy_knowledge(tmp_path)
    cap = 4
    _run(_adds_and_edits, str(root), str(state), cap)
    base, problems = check_knowledge(root)
    assert problems == []
    assert base is not None
    ids = {f"worker-{w}-fact-{n}" for w in range(WORKERS) for n in range(ROUNDS)}
    assert ids <= base.facts.keys()
    counts = []
    for number in range(1, 9):
        path = root / new_facts_file(number)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        counts.append(text.count("\n- id: ") + text.startswith("- id: "))
    assert counts == [4, 4, 4, 4, 4, 4, 1, 0]  # 25 facts, the first file with room each time
    history = KnowledgeStore(root, state).history()
    assert sorted(e.action for e in history) == ["add"] * 25 + ["edit"] * 25
    assert not [p for p in root.rglob("*.tmp")]


def test_read_modify_write_races_are_refused_then_retried_without_a_lost_update(
    tmp_path: Path,
) -> None:
    root, state = copy_knowledge(tmp_path)
    before = KnowledgeStore(root, state).fact_record("leica-country")["phrasings"]
    context = multiprocessing.get_context("spawn")
    stale, first_refused = context.Value("i", 0), context.Value("i", 0)
    _run(_read_modify_write, str(root), str(state), stale, first_refused)
    # Each round all workers read one version: one edit of it is made, the others refused.
    assert first_refused.value == (WORKERS - 1) * ROUNDS
    assert stale.value >= first_refused.value
    base, problems = check_knowledge(root)
    assert problems == []
    assert base is not None
    phrasings = base.facts["leica-country"].phrasings
    expected = {f"Asked by worker {w}, time {n}?" for w in range(WORKERS) for n in range(ROUNDS)}
    assert set(phrasings) == set(before) | expected
    assert len(phrasings) == len(before) + WORKERS * ROUNDS
    # A refused edit wrote nothing, not even history: one entry a made edit.
    assert len(KnowledgeStore(root, state).history("leica-country")) == WORKERS * ROUNDS


def test_the_read_modify_write_race_interleaved_deterministically(tmp_path: Path) -> None:
    """Two processes read the same version; the second to write is refused, then retries."""
    root, state = copy_knowledge(tmp_path)
    first, second = KnowledgeStore(root, state), KnowledgeStore(root, state)
    read_first = first.fact_record("leica-country")
    read_second = second.fact_record("leica-country")
    first.edit_fact(
        "leica-country",
        {"phrasings": [*read_first["phrasings"], "From the first?"]},
        base_version=record_version(read_first),
        actor="first",
    )
    with pytest.raises(StaleEdit):
        second.edit_fact(
            "leica-country",
            {"phrasings": [*read_second["phrasings"], "From the second?"]},
            base_version=record_version(read_second),
            actor="second",
        )
    again = second.fact_record("leica-country")
    second.edit_fact(
        "leica-country",
        {"phrasings": [*again["phrasings"], "From the second?"]},
        base_version=record_version(again),
        actor="second",
    )
    phrasings = KnowledgeStore(root, state).fact_record("leica-country")["phrasings"]
    assert phrasings[-2:] == ["From the first?", "From the second?"]
