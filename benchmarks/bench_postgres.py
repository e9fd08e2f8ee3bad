"""Run-time state in PostgreSQL: a moderator's edit end to end, and asking while the database
is down (answers must never wait on it).

Run: .venv/bin/python -m benchmarks.bench_postgres [FACTS] [EDITS]   (prints one JSON object)
or `python -m benchmarks --postgres` (the figures join latest.json). Needs pgserver (the `test`
extras, which `make` installs): a PostgreSQL server is started in a temporary folder.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.bench_store import _synthetic
from bot.engine.engine import Engine
from bot.runtime.sync import apply_change
from bot.state.postgres import PostgresBackend
from bot.store import KnowledgeStore
from tests.helpers.postgres import temporary_postgres

TARGET_EDIT_P99_MS = 200.0


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2)

    return {"p50_ms": at(0.5), "p99_ms": at(0.99), "max_ms": round(ordered[-1], 2)}


def _ask_times(engine: Engine, backend: PostgresBackend, questions: list[str]) -> list[float]:
    """Each question answered, and recorded as unanswered as the bot would (never waiting)."""
    times = []
    for question in questions:
        start = time.perf_counter()
        answer = engine.ask(question)
        backend.gaps.record(question, where="slash", guild_id=1)
        assert answer is not None
        times.append((time.perf_counter() - start) * 1000)
    return times


def _edits(store: KnowledgeStore, engine: Engine, facts: int, edits: int) -> list[float]:
    """Each edit from reading the version to the engine answering with it."""
    times = []
    for number in range(edits):
        fact_id = f"synthetic-{number * 7 % facts}"
        start = time.perf_counter()
        version = store.version(fact_id)
        change = store.edit_fact(
            fact_id, {"answer": f"Edited {number}."}, base_version=version, actor="bench"
        )
        engine = apply_change(engine, change)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(facts: int = 5000, edits: int = 200) -> dict[str, Any]:
    """Measure one base size; every time in milliseconds."""
    with temporary_postgres() as server, tempfile.TemporaryDirectory() as work:
        url = server.new_database()
        root, state = Path(work) / "knowledge", Path(work) / "state"
        _synthetic(root, facts)
        backend = PostgresBackend(url, knowledge_dir=root)
        store = KnowledgeStore(root, state, backend=backend)
        engine = Engine(store.load())
        edit_times = _edits(store, engine, facts, edits)
        # The same edits with the files in STATE_DIR, for comparison on the same machine.
        files_store = KnowledgeStore(root, Path(work) / "files-state")
        file_times = _edits(files_store, Engine(files_store.load()), facts, edits)
        questions = [f"What about the lens of leica model s{n}?" for n in range(300)]
        questions += [f"Who makes the imaginary phone {n}?" for n in range(100)]  # unanswered
        up = _ask_times(engine, backend, questions)
        backend.gaps.flush()
        # A slow database: another session holds the gaps table locked, so every write of an
        # unanswered question waits on it (in the writer thread) while questions are asked.
        with psycopg.connect(url) as blocker:
            blocker.execute("LOCK TABLE gaps IN ACCESS EXCLUSIVE MODE")
            slow = _ask_times(engine, backend, questions)
            blocker.rollback()
        backend.gaps.flush(30)
        server.stop()
        down = _ask_times(engine, backend, questions)
        start = time.perf_counter()
        try:
            store.edit_fact("synthetic-1", {"answer": "Refused."}, base_version=None, actor="b")
            refused = ""
        except Exception as error:  # the refusal's message and how long it took to say it
            refused = str(error)
        refusal_ms = (time.perf_counter() - start) * 1000
        server.start()
        backend.gaps.flush(30)
        backend.close()
        edit = _percentiles(edit_times)
        return {
            "facts": facts,
            "edits": edits,
            "edit_end_to_end": edit,
            "edit_end_to_end_files": _percentiles(file_times),
            "edit_target_p99_ms": TARGET_EDIT_P99_MS,
            "edit_within_target": edit["p99_ms"] <= TARGET_EDIT_P99_MS,
            "ask_with_database_up": _percentiles(up),
            "ask_with_database_slow": _percentiles(slow),
            "ask_with_database_stopped": _percentiles(down),
            "change_refused_while_stopped_ms": round(refusal_ms, 1),
            "change_refused_message": refused,
        }


def main(facts: int = 5000, edits: int = 200) -> dict[str, Any]:
    """The figures, as one object."""
    return run(facts, edits)


if __name__ == "__main__":
    numbers = [int(value) for value in sys.argv[1:3]]
    print(json.dumps(main(*numbers), indent=2))
