"""PostgreSQL as the state backend: migrations, copying state, the lock, outages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from bot.cli.main import main
from bot.errors import CamerabotError
from bot.runtime.startup import open_engine
from bot.state import gaps as gaps_module
from bot.state.backend import FileBackend, StateUnavailable
from bot.state.feedback import Vote
from bot.state.postgres import PostgresBackend
from bot.state.postgres.migrations import apply_migrations, migrations
from bot.state.settings import ServerSettings
from bot.state.transfer import copy_state
from bot.store import KnowledgeStore, StoreLocked
from tests.conftest import ROOT
from tests.helpers.postgres import temporary_postgres
from tests.helpers.store import copy_knowledge, fact_fields

pytestmark = pytest.mark.postgres


def test_migrations_are_applied_once_and_again_change_nothing(database_url: str) -> None:
    first = PostgresBackend(database_url)
    second = PostgresBackend(database_url)  # a second process starting: nothing to apply
    with psycopg.connect(database_url, autocommit=True) as connection:
        assert apply_migrations(connection) == []
        rows = connection.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert rows == [(version, name) for version, name, _ in migrations()]
    assert rows[0] == (1, "0001_init.sql")
    first.close()
    second.close()


def test_state_migrate_copies_files_into_postgres_and_back(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_environment: None
) -> None:
    root, state = copy_knowledge(tmp_path)
    store = KnowledgeStore(root, state)
    store.load()
    store.add_fact(fact_fields(), actor="ana")
    store.undo(actor="bo")
    files = FileBackend(state)
    files.gaps.record("Who makes the Pixel?", where="dm")
    files.gaps.record("Who makes the Pixel?", where="slash", guild_id=11)
    files.feedback.record(answer_id="m", voter_id=1, vote=Vote.WRONG, fact_id="f", question="Q")
    files.settings.put(11, ServerSettings(cooldown_rate=2))
    files.values.put("command-sync", {"1": {"global": "h"}})
    monkeypatch.setenv("STATE_DIR", str(state))
    monkeypatch.setenv("KNOWLEDGE_DIR", str(root))
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["state", "migrate", "--to", "postgres"]) == 0
    database = PostgresBackend(database_url)
    assert list(database.audit.entries()) == list(files.audit.entries())
    assert database.gaps.lines() == files.gaps.lines()
    assert database.feedback.records() == files.feedback.records()
    assert database.settings.all() == files.settings.all()
    assert database.values.all() == files.values.all()
    # Again: refused, nothing doubled.
    assert main(["state", "migrate", "--to", "postgres"]) == 1
    assert len(list(database.audit.entries())) == 2

    back = tmp_path / "back"
    monkeypatch.setenv("STATE_DIR", str(back))
    assert main(["state", "migrate", "--to", "files"]) == 0
    returned = FileBackend(back)
    assert list(returned.audit.entries()) == list(files.audit.entries())
    assert returned.gaps.top() == files.gaps.top()
    assert returned.feedback.summary() == files.feedback.summary()
    assert returned.settings.all() == files.settings.all()
    assert returned.values.all() == files.values.all()
    database.close()


def test_compacted_gaps_keep_their_counts_through_migrate_and_back(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = FileBackend(tmp_path / "state")
    for _ in range(3):
        files.gaps.record("Who makes the Pixel?", where="slash", guild_id=11)
    files.gaps.record("who makes the pixel", where="dm")
    files.gaps.record("Does Oppo work with Leica?", where="mention", guild_id=22)
    assert files.gaps.flush()
    # The next append takes the log past its size: it is compacted to one line a question.
    monkeypatch.setattr(gaps_module, "GAPS_MAX_BYTES", 1)
    files.gaps.record("Does Oppo work with Leica?", where="channel", guild_id=22)
    assert files.gaps.flush()
    compacted = files.gaps.lines()
    assert [(line.key, line.count) for line in compacted] == [
        ("who makes the pixel", 4),
        ("does oppo work with leica", 2),
    ]
    assert compacted[0].guilds == (0, 11)
    before = files.gaps.top()
    monkeypatch.setattr(gaps_module, "GAPS_MAX_BYTES", 10_000_000)

    database = PostgresBackend(database_url)
    assert copy_state(files, database).gaps == 2
    assert database.gaps.lines() == compacted
    assert database.gaps.top() == before
    # New questions add to the migrated counts.
    database.gaps.record("Who makes the Pixel?", where="slash", guild_id=33)
    assert database.gaps.flush()
    assert database.gaps.top()[0].count == 5

    back = FileBackend(tmp_path / "back")
    copy_state(database, back)
    assert back.gaps.top() == database.gaps.top()
    assert [line.count for line in back.gaps.lines()] == [4, 2, 1]
    database.close()


HOLDER = """
import sys, time
from bot.state.postgres import PostgresBackend
backend = PostgresBackend(sys.argv[1])
with backend.change_lock(5):
    print("held", flush=True)
    time.sleep(60)
"""


def test_the_advisory_lock_excludes_a_second_process_until_it_dies(
    database_url: str, tmp_path: Path
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        root, state = copy_knowledge(tmp_path)
        backend = PostgresBackend(database_url, knowledge_dir=root)
        store = KnowledgeStore(root, state, backend=backend, lock_timeout=0.3)
        store.load()
        with pytest.raises(StoreLocked, match=f"camerabot pid {child.pid} on"):
            store.add_fact(fact_fields(), actor="ana")
        child.kill()  # the server ends its session, and the lock with it
        child.wait(timeout=30)
        store.lock_timeout = 10
        assert store.add_fact(fact_fields(), actor="ana").action == "add"
        backend.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_database_down_answers_go_on_changes_refused_then_resume(tmp_path: Path) -> None:
    with temporary_postgres() as server:
        url = server.new_database()
        root, state = copy_knowledge(tmp_path)
        backend = PostgresBackend(url, knowledge_dir=root)
        store = KnowledgeStore(root, state, backend=backend, lock_timeout=2)
        engine = open_engine(root, state_dir=state)
        store.load()
        first = store.add_fact(fact_fields(), actor="ana")

        server.stop()
        assert engine.ask("Does OnePlus work with Hasselblad?").answered
        backend.gaps.record("Who makes the Pixel?", where="slash", guild_id=1)  # never waits
        with pytest.raises(StateUnavailable, match=r"cannot be reached.*answers go on"):
            store.edit_fact(first.record_id, {"answer": "Leica."}, base_version=None, actor="bo")
        store.refresh()  # reading the files goes on
        assert store.fact_record(first.record_id)["answer"] == fact_fields()["answer"]

        server.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                store.edit_fact(
                    first.record_id, {"answer": "Leica."}, base_version=None, actor="bo"
                )
                break
            except CamerabotError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert [entry.actor for entry in store.history(first.record_id)] == ["ana", "bo"]
        assert store.fact_record(first.record_id)["answer"] == "Leica."
        backend.close()
