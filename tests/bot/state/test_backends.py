"""The state backend contract, run against the files and against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.engine.timeline import stale_facts
from bot.errors import CamerabotError
from bot.runtime.state import open_backend
from bot.runtime.worklists import add_gap_phrasing, review_stale, stale_reviews
from bot.state.audit import Action, AuditEntry, Kind, new_entry_id, now_iso
from bot.state.backend import StateBackend, open_reports, resolve_reports
from bot.state.feedback import RESOLVED_KEY, Vote
from bot.state.gaps import DISMISSED_KEY
from bot.state.settings import ServerSettings
from bot.store import KnowledgeStore, StoreError
from tests.helpers.store import copy_knowledge, fact_fields

LATER = Path(__file__).resolve().parents[2] / "data" / "later"
BACKENDS = ["files", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateBackend]:
    url = request.getfixturevalue("database_url") if request.param == "postgres" else None
    opened = open_backend(tmp_path / "state", url, knowledge_dir=tmp_path / "knowledge")
    yield opened
    opened.close()


def _entry(record_id: str, answer: str) -> AuditEntry:
    return AuditEntry(
        id=new_entry_id(),
        at=now_iso(),
        actor="ana",
        action=Action.EDIT,
        kind=Kind.FACT,
        record_id=record_id,
        file="facts/moderated.yaml",
        position=0,
        before={"id": record_id, "answer": "Old."},
        after={"id": record_id, "answer": answer},
    )


def test_history_keeps_every_entry_in_order(backend: StateBackend) -> None:
    assert backend.audit.last() is None
    entries = [_entry("a", "One."), _entry("b", "Two — ünïcode."), _entry("a", "Three.")]
    for entry in entries:
        backend.audit.append(entry)
    assert list(backend.audit.entries()) == entries
    assert backend.audit.last() == entries[-1]


def test_the_journal_holds_one_change_until_removed(backend: StateBackend) -> None:
    assert not backend.journal.exists()
    assert backend.journal.read() is None
    first, second = _entry("a", "One."), _entry("b", "Two.")
    backend.journal.write(first)
    backend.journal.write(second)
    assert backend.journal.exists()
    assert backend.journal.read() == second
    backend.journal.remove()
    assert not backend.journal.exists()


def test_gaps_are_counted_with_the_servers_they_came_from(backend: StateBackend) -> None:
    backend.gaps.record("Does Oppo work with Leica?", user_id=1, where="slash", guild_id=11)
    backend.gaps.record("does oppo work with leica", user_id=2, where="dm")
    backend.gaps.record("Who makes the Pixel?", user_id=3, where="mention", guild_id=22)
    backend.gaps.record("   ")  # no words: not recorded
    assert backend.gaps.flush()
    top = backend.gaps.top()
    assert [(gap.question, gap.count) for gap in top] == [
        ("Does Oppo work with Leica?", 2),
        ("Who makes the Pixel?", 1),
    ]
    assert top[0].guilds == {11, 0}  # 0: a direct message
    assert top[0].where == {"slash", "dm"}
    assert backend.gaps.top(exclude={top[0].key}) == top[1:]


def test_a_vote_counts_once_and_can_be_changed(backend: StateBackend) -> None:
    vote = {"answer_id": "m1", "voter_id": 7, "fact_id": "f", "question": "Q?", "guild_id": 11}
    assert backend.feedback.record(vote=Vote.WRONG, reason="old", **vote)
    assert not backend.feedback.record(vote=Vote.WRONG, reason="old", **vote)
    assert backend.feedback.record(vote=Vote.HELPFUL, **vote)
    assert backend.feedback.record(vote=Vote.WRONG, reason="outdated", **{**vote, "voter_id": 8})
    assert len(backend.feedback.records()) == 3
    [report] = backend.feedback.summary()
    assert (report.fact_id, report.wrong, report.helpful) == ("f", 1, 1)
    assert report.reasons == ["outdated"]
    assert report.guilds == {11}


def test_two_presses_at_once_count_once(backend: StateBackend) -> None:
    results: list[bool] = []

    def press() -> None:
        results.append(
            backend.feedback.record(
                answer_id="m", voter_id=1, vote=Vote.WRONG, fact_id="f", question="Q"
            )
        )

    threads = [threading.Thread(target=press) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


def test_server_settings_and_values_are_kept(backend: StateBackend) -> None:
    assert backend.settings.get(11) == ServerSettings()
    chosen = ServerSettings(frozenset({5, 6}), 3, 60.0, "moderators")
    backend.settings.put(11, chosen)
    backend.settings.put(22, ServerSettings(cooldown_rate=9))
    backend.settings.put(22, ServerSettings(cooldown_rate=2))
    assert backend.settings.get(11) == chosen
    assert backend.settings.all() == {11: chosen, 22: ServerSettings(cooldown_rate=2)}
    backend.values.put("sync", {"1": {"global": "abc"}})
    assert backend.values.get("sync") == {"1": {"global": "abc"}}
    assert backend.values.get("missing") is None


def test_the_change_lock_excludes_another_holder(backend: StateBackend) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with backend.change_lock(5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    try:
        with pytest.raises(CamerabotError, match="held by"), backend.change_lock(0.2):
            pass
        with backend.try_change_lock() as got:
            assert not got
    finally:
        release.set()
        holder.join()
    with backend.change_lock(1), backend.try_change_lock() as got_again:
        # The lock is held here already: no one else (this connection aside) may take it.
        assert isinstance(got_again, bool)


def test_the_store_keeps_its_history_in_the_backend(backend: StateBackend, tmp_path: Path) -> None:
    root, state = copy_knowledge(tmp_path / "copy")
    store = KnowledgeStore(root, state, backend=backend)
    store.load()
    added = store.add_fact(fact_fields(), actor="ana")
    fact_id = added.record_id
    store.edit_fact(fact_id, {"answer": "Leica."}, base_version=store.version(fact_id), actor="bo")
    store.undo(actor="ana")
    history = store.history(fact_id)
    assert [entry.action for entry in history] == ["add", "edit", "undo"]
    assert [entry.actor for entry in history] == ["ana", "bo", "ana"]
    assert not backend.journal.exists()
    assert store.fact_record(fact_id)["answer"] == fact_fields()["answer"]


def test_a_dismissed_gap_stays_off_the_list_until_asked_again(
    backend: StateBackend, tmp_path: Path
) -> None:
    root, state = copy_knowledge(tmp_path / "copy")
    store = KnowledgeStore(root, state, backend=backend)
    engine = Engine(store.load())
    backend.gaps.record("you suck", user_id=1, where="slash", guild_id=11)
    backend.gaps.record("Does Oppo work with Leica?", user_id=2, where="dm")
    assert backend.gaps.flush()
    made = store.dismiss_gap("You suck!", reason="abuse", actor="ana")
    assert (made.question, made.reason, made.by) == ("You suck!", "abuse", "ana")
    assert [gap.question for gap in store.gaps(engine)] == ["Does Oppo work with Leica?"]
    stored = backend.values.get(DISMISSED_KEY)
    assert [(d["reason"], d["by"]) for d in stored.values()] == [("abuse", "ana")]
    # Asked again after the dismissal (the same second too): listed again, counting every time.
    backend.gaps.record("you suck", user_id=3, where="slash", guild_id=11)
    assert backend.gaps.flush()
    assert [(g.question, g.count) for g in store.gaps(engine)] == [
        ("you suck", 2),
        ("Does Oppo work with Leica?", 1),
    ]


def test_a_gap_added_as_a_phrasing_is_an_edit_and_a_closed_gap(
    backend: StateBackend, tmp_path: Path
) -> None:
    root, state = copy_knowledge(tmp_path / "copy")
    store = KnowledgeStore(root, state, backend=backend)
    question = "how many summers did huawei and leica share"
    backend.gaps.record(question, user_id=1, where="slash", guild_id=11)
    assert backend.gaps.flush()
    assert [gap.question for gap in store.gaps(Engine(store.load()))] == [question]

    added = add_gap_phrasing(store, question, "huawei-leica-duration", actor="ana")

    assert store.fact_record("huawei-leica-duration")["phrasings"][-1] == question
    assert [gap.question for gap in store.gaps(Engine(store.load()))] == []
    stored = backend.values.get(DISMISSED_KEY)
    assert [(d["reason"], d["by"]) for d in stored.values()] == [
        ("added as a phrasing of huawei-leica-duration", "ana")
    ]
    last = backend.audit.last()
    assert last is not None
    assert added.change.entry is not None
    assert last.id == added.change.entry.id
    assert (last.record_id, last.actor) == ("huawei-leica-duration", "ana")


def test_a_stale_fact_reviewed_is_kept_with_who_when_and_against_what(
    backend: StateBackend, tmp_path: Path
) -> None:
    root = tmp_path / "copy" / "knowledge"
    shutil.copytree(LATER, root)
    store = KnowledgeStore(root, tmp_path / "copy" / "state", backend=backend)
    assert "xiaomi-leica-scope" in {f.fact_id for f in stale_facts(store.load())}

    made, found = review_stale(store, "xiaomi-leica-scope", actor="ana")
    review_stale(store, "vivo-zeiss", actor="bo")

    assert (made.by, made.against, found.newer) == ("ana", dt.date(2022, 12, 14), ("xiaomi-leica",))
    assert stale_reviews(backend) == {
        "vivo-zeiss": dt.date(2023, 6, 18),
        "xiaomi-leica-scope": dt.date(2022, 12, 14),
    }
    listed = {f.fact_id for f in stale_facts(store.load(), stale_reviews(backend))}
    assert not listed & {"xiaomi-leica-scope", "vivo-zeiss"}
    assert "xiaomi-leica-first-phone-name" in listed
    with pytest.raises(StoreError, match="is not stale"):
        review_stale(store, "vivo-zeiss", actor="ana")


def test_reports_on_answers_built_from_records_are_resolved_by_their_ids(
    backend: StateBackend,
) -> None:
    for voter, entry in enumerate(["partners:xiaomi", "partnership:oneplus-hasselblad"]):
        backend.feedback.record(
            answer_id=f"m{voter}", voter_id=voter, vote=Vote.WRONG, fact_id=entry, question="q"
        )
    assert resolve_reports(backend, "partners:xiaomi", by="ana") == 1
    assert [r.fact_id for r in open_reports(backend)] == ["partnership:oneplus-hasselblad"]
    assert backend.values.get(RESOLVED_KEY)["partners:xiaomi"]["by"] == "ana"


def test_resolved_reports_leave_the_list_until_reported_again(backend: StateBackend) -> None:
    for voter in (1, 2):
        backend.feedback.record(
            answer_id="m1", voter_id=voter, vote=Vote.WRONG, fact_id="f1", question="q"
        )
    backend.feedback.record(answer_id="m2", voter_id=3, vote=Vote.WRONG, fact_id="f2", question="q")
    assert resolve_reports(backend, "f1", by="ana") == 2
    assert [report.fact_id for report in open_reports(backend)] == ["f2"]
    assert resolve_reports(backend, "f1", by="ana") == 0
    assert backend.values.get(RESOLVED_KEY)["f1"]["by"] == "ana"
    # Reported again, even in the same second: listed again, with the new report only.
    backend.feedback.record(answer_id="m3", voter_id=4, vote=Vote.WRONG, fact_id="f1", question="q")
    assert sorted((r.fact_id, r.wrong) for r in open_reports(backend)) == [("f1", 1), ("f2", 1)]
