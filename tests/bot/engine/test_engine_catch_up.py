"""After facts change, the cached engine of the earlier files is caught up instead of rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import loading as answers
from bot.engine.engine import Engine
from bot.engine.loading import ENGINE_CACHE_DIR
from bot.runtime.startup import open_engine
from bot.store import KnowledgeStore
from tests.helpers.store import fact_fields

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "golden.jsonl"


def _questions() -> list[str]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def _builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the engines built from scratch from now on."""
    built: list[int] = []
    build = Engine._build

    def counting(self: Engine, base: object) -> None:
        built.append(1)
        build(self, base)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "_build", counting)
    return built


def _change_facts(
    root: Path, state: Path, question: str = "Which German company is Xiaomi's partner?"
) -> None:
    store = KnowledgeStore(root, state)
    first, second = sorted(store.base.facts)[:2]
    answer = "Leica is a German camera maker, as the article says."
    store.edit_fact(first, {"answer": answer}, base_version=store.version(first), actor="t")
    store.remove_fact(second, base_version=store.version(second), actor="t")
    store.add_fact(fact_fields(question), actor="t")


def test_changed_facts_catch_the_cached_engine_up_to_a_fresh_build(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state, cache = _cached_then_changed(kb)
    built = _builds(monkeypatch)
    store = KnowledgeStore(root, state)
    caught_up = open_engine(store, cache)
    assert built == []
    assert caught_up.base is store.base  # it serves the store's facts, held once
    fresh = Engine(store.base)
    assert {e.id: e for e in caught_up.matcher.entries} == {e.id: e for e in fresh.matcher.entries}
    assert caught_up._fact_ids == fresh._fact_ids
    assert caught_up._facts_about == fresh._facts_about
    for question in _questions():
        assert caught_up.ask(question).to_json() == fresh.ask(question).to_json(), question
    # The caught-up engine is saved under the new files' key: the next start just reads it.
    assert len(list(cache.glob("engine-*.pickle"))) == 1
    assert open_engine(root, state_dir=state).base == store.base
    assert len(built) == 1  # the fresh engine above, no other


def test_a_changed_brand_file_means_a_build(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = kb
    cache = state / ENGINE_CACHE_DIR
    open_engine(KnowledgeStore(root, state), cache)
    brands = root / "brands.yaml"
    brands.write_text(brands.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    before = KnowledgeStore(root, state).base
    text = brands.read_text(encoding="utf-8").replace("name: Leica", "name: Leica Camera", 1)
    assert text != brands.read_text(encoding="utf-8")
    brands.write_text(text, encoding="utf-8")
    built = _builds(monkeypatch)
    store = KnowledgeStore(root, state)
    assert store.base.brands != before.brands
    open_engine(store, cache)
    assert built == [1]


def _cached_then_changed(kb: tuple[Path, Path]) -> tuple[Path, Path, Path]:
    """An engine cached for the files, then three facts changed: the root, state and cache."""
    root, state = kb
    cache = state / ENGINE_CACHE_DIR
    open_engine(KnowledgeStore(root, state), cache)
    _change_facts(root, state)  # three facts: one edited, one removed, one added
    return root, state, cache


def test_an_engine_cached_by_other_code_is_not_caught_up(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state, cache = _cached_then_changed(kb)
    monkeypatch.setattr(answers, "engine_code_hash", lambda: "other code")
    built = _builds(monkeypatch)
    open_engine(KnowledgeStore(root, state), cache)
    assert built == [1]


def test_too_many_changed_facts_mean_a_build(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state, cache = _cached_then_changed(kb)
    monkeypatch.setattr(answers, "MAX_CATCH_UP", 2)
    built = _builds(monkeypatch)
    open_engine(KnowledgeStore(root, state), cache)
    assert built == [1]
    monkeypatch.setattr(answers, "MAX_CATCH_UP", 3)
    _change_facts(root, state, "Which German maker is Xiaomi's camera partner?")
    open_engine(KnowledgeStore(root, state), cache)
    assert built == [1]


def test_a_start_from_the_caches_reads_the_facts_once(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine cache's fact base is the store's: the records cache's copy is not read."""
    from bot.caches.records import RecordCache

    root, state = kb
    cache = state / ENGINE_CACHE_DIR
    first = open_engine(KnowledgeStore(root, state), cache)

    def no_copy(*args: object) -> None:
        raise AssertionError("read a second copy of the facts")

    with monkeypatch.context() as patched:
        patched.setattr(RecordCache, "read", no_copy)
        store = KnowledgeStore(root, state)
        engine = open_engine(store, cache)
        assert engine.base is store.base
        assert engine.base == first.base
        assert store.file_of("leica-country").name == "leica.yaml"
    # Without the places of its facts, the store reads its own copy and the engine adopts it.
    for places in (state / "records-cache").glob("places-*.pickle"):
        places.unlink()
    store = KnowledgeStore(root, state)
    engine = open_engine(store, cache)
    assert engine.base is store.base
    assert engine.ask("Where is Leica from?").answered
