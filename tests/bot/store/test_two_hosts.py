"""Two hosts sharing only PostgreSQL: each with its own knowledge checkout and STATE_DIR.

Until the knowledge files travel through a git remote (KNOWLEDGE_REMOTE, built separately),
a change reaches the other checkout here by copying its file, as a pull would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.facts.yaml_loading import load_fact_base
from bot.state.postgres import PostgresBackend
from bot.store import KnowledgeStore, StaleEdit
from tests.conftest import ROOT
from tests.helpers.store import copy_knowledge

pytestmark = pytest.mark.postgres

FACT = "leica-country"

HOST = """
import json, sys, time
from pathlib import Path
from bot.state.postgres import PostgresBackend
from bot.store import KnowledgeStore, StaleEdit
url, root, state, go, answer = sys.argv[1:]
backend = PostgresBackend(url, knowledge_dir=Path(root))
store = KnowledgeStore(Path(root), Path(state), backend=backend)
store.load()
version = store.version("leica-country")
print("ready", flush=True)
while not Path(go).exists():
    time.sleep(0.001)
try:
    store.edit_fact("leica-country", {"answer": answer}, base_version=version, actor=answer)
    print(json.dumps({"result": "saved"}), flush=True)
except StaleEdit as error:
    refused = {"result": "refused", "message": str(error), "record": error.record}
    print(json.dumps(refused), flush=True)
"""


def _host(url: str, root: Path, state: Path, go: Path, answer: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOST, url, str(root), str(state), str(go), answer],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


def _answer(root: Path) -> str:
    return load_fact_base(root).facts[FACT].answer


def test_the_same_fact_edited_on_two_hosts_at_once(database_url: str, tmp_path: Path) -> None:
    roots = [copy_knowledge(tmp_path / name) for name in ("host-a", "host-b")]
    go = tmp_path / "go"
    answers = ["Leica is German (host A).", "Leica is a German company (host B)."]
    hosts = [
        _host(database_url, root, state, go, answer)
        for (root, state), answer in zip(roots, answers, strict=True)
    ]
    for host in hosts:
        assert host.stdout is not None
        assert host.stdout.readline().strip() == "ready"
    go.touch()
    results = [json.loads(host.communicate(timeout=60)[0]) for host in hosts]
    assert sorted(result["result"] for result in results) == ["refused", "saved"]
    winner = [result["result"] for result in results].index("saved")
    loser = 1 - winner
    assert "changed first on another host" in results[loser]["message"]
    # The refusal shows the winner's version: nothing the loser typed is lost, he can redo it.
    assert results[loser]["record"]["answer"] == answers[winner]
    assert _answer(roots[winner][0]) == answers[winner]
    assert _answer(roots[loser][0]) != answers[loser]

    # The winner's change reaches the other checkout (as a pull would); the loser redoes his.
    facts = "facts"
    shutil.rmtree(roots[loser][0] / facts)
    shutil.copytree(roots[winner][0] / facts, roots[loser][0] / facts)
    root, state = roots[loser]
    backend = PostgresBackend(database_url, knowledge_dir=root)
    store = KnowledgeStore(root, state, backend=backend)
    store.load()
    version = store.version(FACT)
    store.edit_fact(FACT, {"answer": answers[loser]}, base_version=version, actor="redo")
    history = store.history(FACT)
    assert [entry.actor for entry in history] == [answers[winner], "redo"]
    assert history[0].after is not None
    assert history[1].before == history[0].after
    backend.close()


KILLED = """
import os, sys, time
from pathlib import Path
from bot.state.postgres import PostgresBackend
from bot.store import KnowledgeStore
url, root, state, marker, crash_at = sys.argv[1:]
backend = PostgresBackend(url, knowledge_dir=Path(root))
store = KnowledgeStore(Path(root), Path(state), backend=backend)
store.load()
calls = 0
real_fsync = os.fsync
def slow_fsync(descriptor):
    global calls
    calls += 1
    if calls == int(crash_at):
        Path(marker).write_text("in fsync")
        time.sleep(60)
    real_fsync(descriptor)
os.fsync = slow_fsync
store.edit_fact("leica-country", {"answer": "Doomed."}, base_version=None, actor="doomed")
"""


@pytest.mark.parametrize(("crash_at", "made"), [(1, False), (2, True)])
def test_a_host_killed_mid_change_is_settled_from_the_journal_in_postgres(
    database_url: str, tmp_path: Path, crash_at: int, made: bool
) -> None:
    # The journal is in PostgreSQL; the knowledge file's writes call fsync: 1 = the new file
    # written, not yet swapped in; 2 = swapped in, the history entry not yet appended.
    root, state = copy_knowledge(tmp_path)
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED,
            database_url,
            str(root),
            str(state),
            str(marker),
            str(crash_at),
        ],
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
    backend = PostgresBackend(database_url, knowledge_dir=root)
    assert backend.journal.exists()  # the change was journaled before any file was written
    store = KnowledgeStore(root, state, backend=backend)
    store.load()  # a new process starts: it settles the interrupted change
    assert not backend.journal.exists()
    history = store.history(FACT)
    assert (_answer(root) == "Doomed.") is made
    assert [entry.actor for entry in history] == (["doomed"] if made else [])
    with pytest.raises(StaleEdit):  # and changes go on as usual
        store.edit_fact(FACT, {"answer": "Later."}, base_version="not-this", actor="later")
    backend.close()
