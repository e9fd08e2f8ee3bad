"""A replaced engine is freed in parts in the background; what others hold is never touched."""

from __future__ import annotations

import gc
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.caches import retire as retiring
from bot.caches.retire import dismantle, retire, wait_for_retired
from bot.engine.engine import Engine
from bot.facts.models import FactBase
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import KNOWLEDGE


class Holder:
    """An object with attributes, like an engine and its parts."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


@dataclass(frozen=True, slots=True)
class Frozen:
    """A frozen slotted record holding containers, like a fact base."""

    items: dict[str, list[int]] = field(default_factory=dict)
    note: str = ""


def big_list(tag: str) -> list[Any]:
    return [[tag, number] for number in range(3 * retiring.CHUNK + 7)]


def test_what_the_root_alone_holds_is_emptied() -> None:
    inner = big_list("inner")
    records = {f"k{n}": [n] * 200 for n in range(2500)}
    frozen = Frozen(records, "kept")
    root = Holder(rows=big_list("rows"), nested=Holder(inner=inner), frozen=frozen)
    del inner, records, frozen
    rows = weakref.ref(root.__dict__["nested"])
    dismantle(root)
    assert root.__dict__ == {}
    assert rows() is None  # nothing held the nested object but the root: freed


def test_what_someone_else_holds_is_never_touched() -> None:
    shared_list = big_list("shared")
    shared_dict = {f"k{n}": n for n in range(5000)}
    shared_object = Holder(rows=big_list("object"))
    frozen = Frozen({f"k{n}": [n] * 200 for n in range(500)})
    root = Holder(
        rows=shared_list,
        index=shared_dict,
        part=shared_object,
        base=frozen,
        own=[shared_list, big_list("own")],
    )
    before = (list(shared_list), dict(shared_dict), list(shared_object.rows), dict(frozen.items))
    dismantle(root)
    assert (shared_list, shared_dict, shared_object.rows, frozen.items) == before


def test_items_of_a_large_container_are_freed_whole_not_taken_apart() -> None:
    records = [Holder(rows=big_list("record")) for _ in range(300)]
    kept = records[0]
    root = Holder(records=records)
    del records
    dismantle(root)
    assert len(kept.rows) == 3 * retiring.CHUNK + 7


def test_a_retired_object_held_elsewhere_waits_then_is_freed_once_let_go() -> None:
    engine_like = Holder(rows=big_list("rows"))
    rows = engine_like.rows
    del rows  # only the holder refers to the list now
    retire(engine_like)
    time.sleep(0.3)
    assert len(engine_like.rows) == 3 * retiring.CHUNK + 7  # still held here: untouched
    watch = weakref.ref(engine_like)
    del engine_like
    wait_for_retired()
    gc.collect()
    assert watch() is None


def test_an_object_held_too_long_is_let_go_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retiring, "WAIT_SECONDS", 0.2)
    held = Holder(rows=big_list("rows"))
    retire(held)
    wait_for_retired()
    assert len(held.rows) == 3 * retiring.CHUNK + 7


def test_a_failure_while_freeing_does_not_stop_the_thread(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(root: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(retiring, "dismantle", broken)
    retire(Holder(rows=[1]))
    wait_for_retired()
    assert "freeing a retired object" in caplog.text
    monkeypatch.undo()
    other = Holder(rows=big_list("rows"))
    watch = weakref.ref(other)
    retire(other)
    del other
    wait_for_retired()
    gc.collect()
    assert watch() is None


def test_an_engine_retired_beside_one_sharing_its_base_leaves_that_one_whole(
    fact_base: FactBase,
) -> None:
    engine = Engine(fact_base)
    served = Engine(fact_base)  # shares the base, as the store's and a cached engine's do
    questions = ["who does xiaomi work with?", "is leica german?", "when will it launch"]
    expected = [served.ask(question) for question in questions]
    watch = weakref.ref(engine)
    retire(engine)
    del engine
    wait_for_retired()
    gc.collect()
    assert watch() is None
    assert [served.ask(question) for question in questions] == expected
    assert fact_base == load_fact_base(KNOWLEDGE)
