"""Shared fixtures: the shipped knowledge directory, an engine built from it, a private copy."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from bot.engine.engine import Engine
from bot.engine.matcher.matcher import Matcher, _members
from bot.facts.models import FactBase
from bot.facts.yaml_loading import load_fact_base
from bot.store import KnowledgeStore

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"
# The keys of `camerabot ask --json` and of each of its citations.
SPEC_KEYS = {
    "question",
    "answered",
    "answer",
    "kind",
    "reply",
    "score",
    "fact_id",
    "citations",
    "suggestions",
    "related",
}
CITATION_KEYS = {"source_id", "title", "date", "quote"}

# Hypothesis profiles, chosen here for the whole run and never by a test module's import:
# `ci` (the default) is Hypothesis's own 100 examples with no deadline (a loaded 2-core CI
# machine makes deadlines flaky; speed is measured in benchmarks/), `dev` is quick, `thorough`
# is for a night. A slow property test narrows its own examples with `@settings(...)`.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=20)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=1_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Every variable the settings read.
SETTINGS_VARIABLES = (
    "DISCORD_TOKEN",
    "DISCORD_GUILD_ID",
    "MODERATOR_ROLE_IDS",
    "MOD_GUILD_IDS",
    "KNOWLEDGE_DIR",
    "STATE_DIR",
    "ANSWER_CHANNEL_IDS",
    "MOD_LOG_CHANNEL_ID",
    "LOG_LEVEL",
    "COOLDOWN_RATE",
    "COOLDOWN_SECONDS",
    "SHARD_COUNT",
    "SHARD_IDS",
    "RELOAD_SECONDS",
)


@pytest.fixture(scope="session")
def fact_base() -> FactBase:
    return load_fact_base(KNOWLEDGE)


@pytest.fixture(scope="session")
def engine(fact_base: FactBase) -> Engine:
    return Engine(fact_base)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """None of the settings' variables set, in an empty directory (no developer's .env)."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def kb(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the shipped knowledge/ and an empty state directory."""
    # Imported here: tests.helpers.store imports this module.
    from tests.helpers.store import copy_knowledge

    return copy_knowledge(tmp_path)


@pytest.fixture
def store(kb: tuple[Path, Path]) -> KnowledgeStore:
    """A KnowledgeStore over the copy, loaded."""
    store = KnowledgeStore(*kb)
    store.load()
    return store


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask a test sets."""
    previous = os.umask(0o022)
    os.umask(previous)
    try:
        yield
    finally:
        os.umask(previous)


def index_by_id(matcher: Matcher) -> dict[str, Any]:
    """A matcher's index with entry ids for slots: equal for equal entries, however added."""

    def ids(slots: int | Iterable[int]) -> frozenset[str]:
        return frozenset(
            matcher._id_of(s) for s in (_members(slots) if isinstance(slots, int) else slots)
        )

    return {
        "postings": {token: ids(slots) for token, slots in matcher._postings.items()},
        "ranked": {t: [matcher._id_of(s) for s in r] for t, r in matcher._ranked.items()},
        "about": {brand: ids(slots) for brand, slots in matcher._about.items()},
        "kinds": {flag: ids(bits) for flag, bits in matcher._kinds.items()},
        "counts": {token: matcher._count(token) for token in matcher._postings},
        "kind_sizes": matcher._kind_sizes,
        "slots": {entry_id: matcher._record(entry_id)[1:] for entry_id in matcher._slots},
    }
