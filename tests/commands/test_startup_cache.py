"""Start-up builds the engine once, then reads it from the cache while the files are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import answers
from bot.answers import Engine
from bot.app import load_engine_or_report
from bot.store import KnowledgeStore
from tests.conftest import KNOWLEDGE
from tests.test_golden import GOLDEN


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
