"""The audit log on its own: actor names, and a log in a folder that does not exist yet."""

from __future__ import annotations

from pathlib import Path

from bot.audit import ACTOR_MAX, AuditLog, clean_actor
from bot.store import KnowledgeStore
from tests.test_store_support import fact_fields


def test_actor_names_are_printable_and_bounded() -> None:
    assert clean_actor("  alice#1234 ") == "alice#1234"
    assert clean_actor("bob\x00\x1b[31m") == "bob[31m"
    assert clean_actor("x" * 500) == "x" * ACTOR_MAX
    assert clean_actor(42) == "42"


def test_a_missing_actor_is_unknown() -> None:
    for nobody in ("", "   ", "\x00\n\t"):
        assert clean_actor(nobody) == "unknown"


def test_a_log_in_missing_folders_is_created(kb: tuple[Path, Path], tmp_path: Path) -> None:
    store = KnowledgeStore(*kb)
    change = store.add_fact(fact_fields(), actor="")
    assert change.entry is not None
    assert change.entry.actor == "unknown"
    log = AuditLog(tmp_path / "new" / "deeper" / "audit.jsonl")
    log.append(change.entry)
    assert list(log.entries()) == [change.entry]
