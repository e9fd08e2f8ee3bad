"""KNOWLEDGE_REMOTE: each host a checkout of a bare repository on disk, changes pushed to it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.runtime.config import Settings, SettingsError, load_settings
from bot.runtime.git_remote import GitRemote, open_store
from bot.runtime.sync import apply_change, apply_reload
from bot.runtime.watcher import KnowledgeWatcher
from bot.state.audit import AuditEntry
from bot.store import (
    KnowledgeStore,
    RemoteUnavailable,
    StaleEdit,
)
from tests.helpers.git import bare_remote, git, host_store, maintainer_push
from tests.helpers.store import fact_fields

ANSWER = "Leica is a German camera maker."
NEW_ANSWER = "Leica is a camera maker from Germany."


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_remote(tmp_path)


def _log(remote: Path) -> list[str]:
    """The remote's commits, newest first: author, then subject."""
    return git("log", "--format=%an|%s", "main", cwd=remote).splitlines()


def _edit(store: KnowledgeStore, answer: str, actor: str = "alice (1234)") -> None:
    store.edit_fact(
        "leica-country",
        {"answer": answer},
        base_version=store.version("leica-country"),
        actor=actor,
    )


def test_a_missing_checkout_is_cloned_and_answers(tmp_path: Path, remote: Path) -> None:
    store = host_store(tmp_path, remote, "a")
    assert (store.root / ".git").is_dir()
    assert Engine(store.load()).ask("Where is Leica from?").fact_id == "leica-country"


def test_a_moderators_change_is_a_commit_in_the_remote(tmp_path: Path, remote: Path) -> None:
    store = host_store(tmp_path, remote, "a")
    store.load()
    _edit(store, NEW_ANSWER)
    assert _log(remote)[0] == "alice (1234)|edit of fact leica-country"
    assert NEW_ANSWER in git("show", "main:facts/leica.yaml", cwd=remote)
    assert git("status", "--porcelain", cwd=store.root) == ""  # nothing left uncommitted
    assert [entry.actor for entry in store.history("leica-country")] == ["alice (1234)"]


def test_another_host_pulls_the_change_and_answers_it(tmp_path: Path, remote: Path) -> None:
    first, second = host_store(tmp_path, remote, "a"), host_store(tmp_path, remote, "b")
    first.load()
    engine = Engine(second.load())
    _edit(first, NEW_ANSWER)
    result = KnowledgeWatcher(second).check()
    assert [fact.id for fact in result.upserted] == ["leica-country"]
    engine = apply_reload(engine, result)
    assert (engine.ask("Where is Leica from?").answer or "").count(NEW_ANSWER)


def test_a_merged_pull_request_arrives_like_a_hand_edit(tmp_path: Path, remote: Path) -> None:
    store = host_store(tmp_path, remote, "a")
    engine = Engine(store.load())
    maintainer_push(tmp_path, remote, {"facts/leica.yaml": (ANSWER, NEW_ANSWER)})
    engine = apply_reload(engine, KnowledgeWatcher(store).check())
    assert (engine.ask("Where is Leica from?").answer or "").count(NEW_ANSWER)


def test_an_edit_from_a_stale_checkout_of_the_same_fact_is_refused(
    tmp_path: Path, remote: Path
) -> None:
    first, second = host_store(tmp_path, remote, "a"), host_store(tmp_path, remote, "b")
    first.load()
    second.load()
    seen = second.version("leica-country")  # the moderator on host b opens the form
    _edit(first, NEW_ANSWER)
    with pytest.raises(StaleEdit):
        second.edit_fact(
            "leica-country", {"answer": "Leica is German."}, base_version=seen, actor="bob"
        )
    assert _log(remote)[0] == "alice (1234)|edit of fact leica-country"
    assert second.history() == []
    assert second.base.facts["leica-country"].answer == NEW_ANSWER


class _RacedRemote(GitRemote):
    """A host whose push meets whatever `between` does after its pull (another host's push)."""

    between: Callable[[], None] | None = None

    def publish(self, entry: AuditEntry) -> None:
        race, self.between = self.between, None
        if race is not None:
            race()
        super().publish(entry)


def _raced_store(tmp_path: Path, remote: Path, host: str) -> tuple[KnowledgeStore, _RacedRemote]:
    checkout = _RacedRemote(str(remote), tmp_path / host / "knowledge")
    checkout.ensure_checkout()
    return KnowledgeStore(checkout.checkout, tmp_path / host / "state", remote=checkout), checkout


def test_a_rejected_push_of_another_fact_is_redone_on_top(tmp_path: Path, remote: Path) -> None:
    store, checkout = _raced_store(tmp_path, remote, "b")
    store.load()
    checkout.between = lambda: maintainer_push(
        tmp_path, remote, {"facts/leica.yaml": (ANSWER, NEW_ANSWER)}
    )
    change = store.add_fact(fact_fields(), actor="bob")
    assert _log(remote)[:2] == [f"bob|add of fact {change.record_id}", "maintainer|a hand edit"]
    assert NEW_ANSWER in git("show", "main:facts/leica.yaml", cwd=remote)  # nothing lost
    assert store.base.facts["leica-country"].answer == NEW_ANSWER
    assert [entry.actor for entry in store.history()] == ["bob"]


def test_a_rejected_push_of_the_same_fact_is_refused(tmp_path: Path, remote: Path) -> None:
    store, checkout = _raced_store(tmp_path, remote, "b")
    store.load()
    checkout.between = lambda: maintainer_push(
        tmp_path, remote, {"facts/leica.yaml": (ANSWER, NEW_ANSWER)}
    )
    with pytest.raises(StaleEdit):
        _edit(store, "Leica is German.", actor="bob")
    assert _log(remote)[0] == "maintainer|a hand edit"
    assert store.history() == []
    assert not store.history_log.journal_path.exists()
    assert (store.root / "facts" / "leica.yaml").read_text(encoding="utf-8").count(NEW_ANSWER)


def test_an_unreachable_remote_refuses_changes_but_answers_go_on(
    tmp_path: Path, remote: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = host_store(tmp_path, remote, "a")
    engine = Engine(store.load())
    before = (store.root / "facts" / "leica.yaml").read_bytes()
    remote.rename(tmp_path / "gone.git")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert not KnowledgeWatcher(store).check().changed
    assert sum("cannot pull the knowledge remote" in r.message for r in caplog.records) == 1
    with pytest.raises(RemoteUnavailable, match=r"cannot be used.*nothing was changed"):
        _edit(store, NEW_ANSWER)
    assert (store.root / "facts" / "leica.yaml").read_bytes() == before
    assert engine.ask("Where is Leica from?").fact_id == "leica-country"
    (tmp_path / "gone.git").rename(remote)
    _edit(store, NEW_ANSWER)  # back: changes go through again
    assert _log(remote)[0] == "alice (1234)|edit of fact leica-country"


def test_a_remote_lost_between_pull_and_push_leaves_nothing(tmp_path: Path, remote: Path) -> None:
    store, checkout = _raced_store(tmp_path, remote, "a")
    engine = Engine(store.load())
    before = git("rev-parse", "HEAD", cwd=store.root)
    checkout.between = lambda: remote.rename(tmp_path / "gone.git")
    with pytest.raises(RemoteUnavailable):
        store.add_fact(fact_fields(), actor="bob")
    assert git("rev-parse", "HEAD", cwd=store.root) == before
    assert git("status", "--porcelain", cwd=store.root) == ""
    assert store.history() == []
    assert not store.history_log.journal_path.exists()
    (tmp_path / "gone.git").rename(remote)
    change = store.add_fact(fact_fields(), actor="bob")
    engine = apply_change(engine, change)
    assert engine.ask("Which German company is Xiaomi's partner?").fact_id == change.record_id


def test_a_folder_that_is_not_a_checkout_is_not_overwritten(tmp_path: Path, remote: Path) -> None:
    (tmp_path / "a" / "knowledge").mkdir(parents=True)
    (tmp_path / "a" / "knowledge" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RemoteUnavailable, match="not a git checkout"):
        host_store(tmp_path, remote, "a")


def test_the_remote_setting(clean_environment: None, tmp_path: Path) -> None:
    settings = load_settings({"KNOWLEDGE_REMOTE": "https://user:pw@example.invalid/kb.git"})
    assert settings.knowledge_remote == "https://user:pw@example.invalid/kb.git"
    assert "pw" not in repr(settings)
    assert load_settings({}).knowledge_remote == ""
    with pytest.raises(SettingsError, match="KNOWLEDGE_REMOTE"):
        load_settings({"KNOWLEDGE_REMOTE": "--upload-pack=touch /tmp/x"})
    no_remote = open_store(Settings(knowledge_dir=tmp_path / "k", state_dir=tmp_path / "s"))
    assert no_remote.remote is None
