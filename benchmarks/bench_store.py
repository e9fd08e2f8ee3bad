"""Moderator edits on a large fact base: submission to answerable, edits, undo, another shard's
pickup of an edit (KnowledgeWatcher.check), and the initial load.

Run: .venv/bin/python benchmarks/bench_store.py [FACTS]   (prints one JSON object)
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.engine.engine import Engine
from bot.facts.yaml_loading import load_fact_base
from bot.runtime.sync import apply_change, apply_reload
from bot.runtime.watcher import KnowledgeWatcher
from bot.store import MAX_NEW_FACTS_PER_FILE, KnowledgeStore, new_facts_file

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TOPICS = "sensor lens zoom night portrait video colour tuning flagship launch price".split()


def _synthetic(root: Path, facts: int) -> None:
    """A copy of knowledge/ plus `facts` valid facts, laid out in files as the store adds them."""
    shutil.copytree(KNOWLEDGE, root)
    base = load_fact_base(root)
    citations = [c for fact in base.facts.values() for c in fact.citations]
    brands = sorted(base.brands)
    records = []
    for number in range(facts):
        citation = citations[number % len(citations)]
        brand = brands[number % len(brands)]
        topic = TOPICS[number % len(TOPICS)]
        records.append(
            {
                "id": f"synthetic-{number}",
                "question": f"What about the {topic} of {brand} model s{number}?",
                "phrasings": [f"{brand} s{number} {topic}"],
                "answer": f"The s{number} {topic} of {brand} is described in the article.",
                "brands": [brand],
                "citations": [{"source": citation.source_id, "quote": citation.quote}],
            }
        )
    for number, start in enumerate(range(0, facts, MAX_NEW_FACTS_PER_FILE), start=1):
        chunk = records[start : start + MAX_NEW_FACTS_PER_FILE]
        text = yaml.safe_dump(chunk, sort_keys=False, allow_unicode=True, width=100)
        (root / new_facts_file(number)).write_text(text, encoding="utf-8")


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, round(len(ordered) * 0.95) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def run(facts: int = 5000, edits: int = 30) -> dict[str, Any]:
    """Measure one base size; every time in milliseconds."""
    with tempfile.TemporaryDirectory() as work:
        root, state = Path(work) / "knowledge", Path(work) / "state"
        _synthetic(root, facts)
        store = KnowledgeStore(root, state)
        load_ms, base = _timed(store.load)
        engine_ms, engine = _timed(lambda: Engine(base))
        answerable, edit_times, undo_times, pickup = [], [], [], []
        other = KnowledgeStore(root, state)
        other.load()
        watcher = KnowledgeWatcher(other)
        other_engine = Engine(other.base)
        for number in range(edits):
            question = f"Which camera feature did moderator {number} add for Xiaomi?"
            fields = {
                "question": question,
                "answer": f"Feature {number}: Xiaomi's partner is Leica.",
                "source": "article-2022-05-23",
                "quote": "German camera-maker Leica",
                "brands": ["xiaomi", "leica"],
            }

            def submit(fields: dict[str, Any] = fields, question: str = question) -> bool:
                nonlocal engine
                change = store.add_fact(fields, actor="bench")
                engine = apply_change(engine, change)
                return engine.ask(question).fact_id == change.record_id

            elapsed, found = _timed(submit)
            assert found, question
            answerable.append(elapsed)
            fact_id = f"synthetic-{number * 7 % facts}"
            version = store.version(fact_id)

            def edit(fact_id: str = fact_id, version: str = version) -> None:
                nonlocal engine
                change = store.edit_fact(
                    fact_id, {"answer": "Edited."}, base_version=version, actor="bench"
                )
                engine = apply_change(engine, change)

            edit_times.append(_timed(edit)[0])

            def pick_up() -> bool:
                nonlocal other_engine
                result = watcher.check()
                other_engine = apply_reload(other_engine, result)
                return bool(result.upserted) and not result.full

            elapsed, incremental = _timed(pick_up)
            assert incremental
            pickup.append(elapsed)
            undo_times.append(_timed(lambda: store.undo(actor="bench"))[0])
            store.redo(actor="bench")  # the edit stays
        return {
            "facts": len(base.facts),
            "largest_fact_file_kib": round(
                max(path.stat().st_size for path in (root / "facts").glob("*.yaml")) / 1024
            ),
            "initial_load_ms": round(load_ms, 1),
            "engine_build_ms": round(engine_ms, 1),
            "submission_to_answerable": _summary(answerable),
            "edit_to_applied": _summary(edit_times),
            "undo": _summary(undo_times),
            "other_process_pickup_check": _summary(pickup),
            "samples": edits,
        }


def main(sizes: tuple[int, ...] = (500, 5000)) -> dict[str, Any]:
    """The figures for each base size."""
    return {"store": [run(size) for size in sizes]}


if __name__ == "__main__":
    arguments = tuple(int(value) for value in sys.argv[1:])
    print(json.dumps(main(arguments) if arguments else main(), indent=2))
