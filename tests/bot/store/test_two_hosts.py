"""Two hosts sharing only PostgreSQL and the git remote: separate checkouts, separate folders.

Each host is a process of its own (`tests.helpers.host_process`: the bot as `run_bot` builds it,
without its Discord connection), with its own checkout of a bare repository and its own
STATE_DIR; nothing on disk is shared but the remote.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.state.postgres import PostgresBackend
from tests.helpers.git import bare_remote, git
from tests.helpers.host_process import Host
from tests.helpers.postgres import temporary_postgres

pytestmark = pytest.mark.postgres

FACT = "leica-country"
QUESTION = "Where is Leica from?"
# Short, so that the tests wait little; "within RELOAD_SECONDS" is checked by watch turns.
RELOAD_SECONDS = 0.3


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_remote(tmp_path)


@pytest.fixture
def hosts(tmp_path: Path, database_url: str, remote: Path) -> Iterator[list[Host]]:
    started = [Host(tmp_path / name, database_url, remote, RELOAD_SECONDS) for name in "ab"]
    yield started
    for host in started:
        host.close()


def _log(remote: Path) -> list[str]:
    """The remote's commits, newest first: author, then subject."""
    return git("log", "--format=%an|%s", "main", cwd=remote).splitlines()


def _clean(host: Host, remote: Path) -> bool:
    """Whether the host's checkout is the remote's newest commit, with nothing else in it."""
    head = git("rev-parse", "HEAD", cwd=host.root)
    return head == git("rev-parse", "main", cwd=remote) and not git(
        "status", "--porcelain", cwd=host.root
    )


def test_an_edit_on_one_host_is_answered_by_the_other_within_reload_seconds(
    hosts: list[Host], remote: Path, tmp_path: Path
) -> None:
    a, b = hosts
    assert a.root != b.root
    assert not b.root.is_relative_to(a.folder)
    before = b.ask(QUESTION)
    assert before["fact"] == FACT
    new = "Leica is a camera maker from Wetzlar, Germany."
    assert a.edit(FACT, new, "ana (1)")["result"] == "saved"
    assert _log(remote)[0] == "ana (1)|edit of fact leica-country"
    # One whole watch turn after the edit: the other host pulled, reloaded and answers it.
    b.watch_turns(2)
    assert b.ask(QUESTION)["text"].endswith(new)
    assert _clean(b, remote)
    # The history is the shared one, in PostgreSQL: the other host lists the change too.
    [(actor, description, _, after)] = b.call("history", fact=FACT)["history"]
    assert (actor, description, after["answer"]) == ("ana (1)", "edit of fact leica-country", new)
    for host in hosts:  # no history in either host's own folder
        assert not list((host.folder / "state").glob("*.jsonl"))


def test_the_same_fact_edited_on_both_hosts_at_once(
    hosts: list[Host], remote: Path, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    answers = ["Leica is German (host A).", "Leica is a German company (host B)."]
    for host, answer, actor in zip(hosts, answers, ["ana", "bo"], strict=True):
        version = host.call("version", fact=FACT)["version"]
        host.send("edit", fact=FACT, answer=answer, version=version, actor=actor, go=str(go))
    go.touch()
    results = [host.read() for host in hosts]
    assert sorted(result["result"] for result in results) == ["refused", "saved"]
    winner = [result["result"] for result in results].index("saved")
    loser = 1 - winner
    actors = ["ana", "bo"]
    # The loser is shown the winner's version: nothing he typed is lost, he can redo it.
    assert results[loser]["error"] == "StaleEdit"
    assert results[loser]["record"]["answer"] == answers[winner]
    assert _log(remote)[0] == f"{actors[winner]}|edit of fact leica-country"
    assert len(_log(remote)) == 2  # the seed and the winner's change, nothing else

    redo = hosts[loser].edit(FACT, answers[loser], "redo")
    assert redo["result"] == "saved"
    history = hosts[winner].call("history", fact=FACT)["history"]
    assert [entry[0] for entry in history] == [actors[winner], "redo"]
    assert history[1][2] == history[0][3], "each change starts from the one before"
    assert [line.split("|")[0] for line in _log(remote)[:2]] == ["redo", actors[winner]]
    for host in hosts:
        host.watch_turns(2)
        assert host.ask(QUESTION)["text"].endswith(answers[loser])
        assert _clean(host, remote)


def test_undo_of_a_change_this_host_has_not_pulled_yet(
    tmp_path: Path, database_url: str, remote: Path
) -> None:
    # Host b polls once an hour: the first try of its undo runs on a checkout without a's change
    # (shared history names it), is refused there, and is computed again on the remote's files.
    a = Host(tmp_path / "a", database_url, remote, RELOAD_SECONDS)
    b = Host(tmp_path / "b", database_url, remote, 3600)
    try:
        original = b.ask(QUESTION)["text"]
        assert a.edit(FACT, "Leica is from Germany.", "ana")["result"] == "saved"
        assert b.ask(QUESTION)["text"] == original  # not pulled yet
        assert b.call("undo", actor="bo")["result"] == "saved"
        assert _log(remote)[0] == "bo|undo of edit of fact leica-country"
        a.watch_turns(2)
        assert a.ask(QUESTION)["text"] == original
        assert [entry[0] for entry in a.call("history", fact=FACT)["history"]] == ["ana", "bo"]
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize(
    ("crash", "made"), [("fsync:1", False), ("fsync:2", False), ("pushed", True)]
)
def test_a_host_killed_mid_change(
    hosts: list[Host], remote: Path, tmp_path: Path, database_url: str, crash: str, made: bool
) -> None:
    # fsync:1 = the new file written, not swapped in; fsync:2 = swapped in, not committed;
    # pushed = in the remote, its history entry not yet written. Only what reached the remote
    # is done: the other two are undone on the killed host's checkout when it starts again.
    a, b = hosts
    original = a.ask(QUESTION)["text"]
    marker = tmp_path / "marker"
    version = a.call("version", fact=FACT)["version"]
    doomed = "Doomed."
    a.send("edit", fact=FACT, answer=doomed, version=version, actor="doomed", crash=crash,
           marker=str(marker))  # fmt: skip
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert a.process.poll() is None, "the host ended before reaching the crash point"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    a.process.send_signal(signal.SIGKILL)
    assert a.process.wait(timeout=30) == -signal.SIGKILL
    a.close()
    backend = PostgresBackend(database_url, knowledge_dir=a.root)
    assert backend.journal.exists()  # journaled before any file was written

    again = Host(a.folder, database_url, remote, RELOAD_SECONDS)  # the host starts again
    hosts.append(again)
    # Settled at start, or at the first watch turn if the server had not yet ended the killed
    # process's session (and its change lock) when the host started.
    again.watch_turns(1)
    assert not backend.journal.exists()
    backend.close()
    expected = doomed if made else original
    assert again.ask(QUESTION)["text"].endswith(expected)
    assert _clean(again, remote)
    assert (_log(remote)[0] == "doomed|edit of fact leica-country") is made
    history = [entry[0] for entry in again.call("history", fact=FACT)["history"]]
    assert history == (["doomed"] if made else [])
    b.watch_turns(2)
    assert b.ask(QUESTION)["text"].endswith(expected)
    # And changes go on as usual, from either host.
    assert again.edit(FACT, "Leica is German.", "later")["result"] == "saved"
    assert [e[0] for e in b.call("history", fact=FACT)["history"]] == [*history, "later"]


def test_postgres_stopped_answers_go_on_changes_refused_then_resume(
    tmp_path: Path, remote: Path
) -> None:
    with temporary_postgres() as server:
        url = server.new_database()
        a, b = (Host(tmp_path / name, url, remote, RELOAD_SECONDS) for name in "ab")
        try:
            original = b.ask(QUESTION)["text"]
            server.stop()
            for host in (a, b):  # from memory
                assert host.ask(QUESTION)["text"] == original
            refused = a.edit(FACT, "Leica is German.", "ana")
            assert refused["result"] == "refused"
            assert "the state database cannot be reached" in refused["message"]
            assert "answers go on" in refused["message"]
            assert len(_log(remote)) == 1  # nothing reached the remote
            assert _clean(a, remote)
            b.watch_turns(2)  # the hosts keep watching, and answering
            assert b.ask(QUESTION)["text"] == original

            server.start()
            deadline = time.monotonic() + 60
            while (result := a.edit(FACT, "Leica is German.", "ana"))["result"] != "saved":
                assert time.monotonic() < deadline, result
                time.sleep(0.2)
            b.watch_turns(2)
            assert b.ask(QUESTION)["text"].endswith("Leica is German.")
            assert [e[0] for e in b.call("history", fact=FACT)["history"]] == ["ana"]
        finally:
            a.close()
            b.close()
