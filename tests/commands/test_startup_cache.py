"""Start-up builds the engine once, then reads it from the cache while the files are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.caches import pickles as picklecache
from bot.engine import engine as answers
from bot.engine.engine import Engine
from bot.store import KnowledgeStore
from commands.app import load_engine_or_report
from tests.bot.engine.test_golden import GOLDEN
from tests.conftest import KNOWLEDGE


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


def test_second_start_reads_the_engine_from_the_cache(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    cache = tmp_path / "cache"
    first = load_engine_or_report(KnowledgeStore(knowledge, tmp_path / "state"), cache)
    assert first is not None
    assert list(cache.glob("engine-*.pickle"))

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine was rebuilt although the files did not change")

    monkeypatch.setattr(answers.Engine, "__init__", no_build)
    second = load_engine_or_report(KnowledgeStore(knowledge, tmp_path / "state"), cache)
    assert second is not None
    for item in GOLDEN:  # the cached engine decides exactly as a freshly built one
        assert second.ask(item["q"]) == engine.ask(item["q"]), item["q"]


def test_changed_files_rebuild_the_engine(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_engine_or_report(KnowledgeStore(knowledge, tmp_path / "state"), cache)
    facts = knowledge / "facts" / "leica.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "Leica is a German camera maker.", "Leica is a camera maker from Germany."
        ),
        encoding="utf-8",
    )
    engine = load_engine_or_report(KnowledgeStore(knowledge, tmp_path / "state"), cache)
    assert engine is not None
    assert "from Germany" in (engine.ask("Where is Leica from?").answer or "")
    assert len(list(cache.glob("engine-*.pickle"))) == 1  # the stale engine was replaced


def test_invalid_knowledge_refuses_to_start(knowledge: Path, tmp_path: Path) -> None:
    (knowledge / "brands.yaml").write_text("- id: [broken\n", encoding="utf-8")
    store = KnowledgeStore(knowledge, tmp_path / "state")
    assert load_engine_or_report(store, tmp_path / "cache") is None
    assert not (tmp_path / "cache").exists()


def test_the_bots_start_leaves_its_caches_to_a_child_and_the_next_start_reads_them(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    cache = state / "engine-cache"
    made: list[Path] = []
    write = picklecache.write_pickle

    def writing_here(path: Path, value: object) -> bool:
        made.append(path)
        return write(path, value)

    with picklecache.writes_deferred() as pending:
        picklecache.write_pickle(tmp_path / "nothing-yet.pickle", 1)
    assert pending == [(tmp_path / "nothing-yet.pickle", 1)]
    assert not (tmp_path / "nothing-yet.pickle").exists()
    first = load_engine_or_report(KnowledgeStore(knowledge, state), cache, background_writes=True)
    assert first is not None
    picklecache.wait_for_background_writes()
    assert list(cache.glob("engine-*.pickle"))
    assert list((state / "records-cache").glob("records-*.pickle"))

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine was rebuilt although the files did not change")

    monkeypatch.setattr(answers.Engine, "__init__", no_build)
    monkeypatch.setattr(picklecache, "write_pickle", writing_here)
    second = load_engine_or_report(KnowledgeStore(knowledge, state), cache, background_writes=True)
    assert second is not None
    assert second.base == first.base
    assert made == []  # nothing to write: every cache was there


def test_without_fork_the_caches_are_written_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(picklecache.os, "fork", no_fork)
    target = tmp_path / "cache" / "thing-1.pickle"
    assert picklecache.write_in_background([(target, {"a": 1})]) is None
    assert picklecache.read_pickle(target) == {"a": 1}
    assert picklecache.write_in_background([]) is None
