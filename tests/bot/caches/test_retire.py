"""A replaced engine is freed in parts in the background; what others hold is never touched."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from dataclasses import dataclass, field
from types import SimpleNamespace
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


PAUSE = "pause"


class Tracked:
    """An item that notes in `log` when it is freed (its tag), and in which thread."""

    def __init__(self, log: list[Any], tag: Any) -> None:
        self.log, self.tag = log, tag

    def __del__(self) -> None:
        self.log.append((self.tag, threading.current_thread().name))


def parts(log: list[Any]) -> list[set[Any]]:
    """The tags freed between two pauses, part by part (each part ends with its pause)."""
    found: list[set[Any]] = [set()]
    for entry in log:
        if entry == PAUSE:
            found.append(set())
        else:
            found[-1].add(entry[0])
    assert found[-1] == set(), "every part is followed by its pause"
    return found[:-1]


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What is freed, and each pause between parts, on a clock that moves only when it sleeps."""
    entries: list[Any] = []
    monkeypatch.setattr(retiring, "CHUNK", 4)
    monkeypatch.setattr(retiring, "_LARGE", 3)
    clock = SimpleNamespace(now=0.0)

    def sleep(seconds: float) -> None:
        assert seconds == retiring.PAUSE_SECONDS or seconds == retiring._POLL_SECONDS
        if seconds == retiring.PAUSE_SECONDS:
            entries.append(PAUSE)
        else:
            time.sleep(0.001)  # a retired object's holder lets go in another thread
        clock.now += seconds

    monkeypatch.setattr(retiring, "time", SimpleNamespace(sleep=sleep, monotonic=lambda: clock.now))
    return entries


def test_a_list_the_root_alone_holds_is_freed_in_parts_of_chunk_items(log: list[Any]) -> None:
    root = Holder(rows=[Tracked(log, n) for n in range(10)], small=[Tracked(log, "small")] * 3)
    dismantle(root)
    # The last CHUNK first; a list of _LARGE items is no part of its own: freed with its holder.
    assert parts(log) == [{6, 7, 8, 9}, {2, 3, 4, 5}, {0, 1}]
    assert root.__dict__ == {"small": root.small}


def test_a_dict_the_root_alone_holds_is_freed_in_parts_of_chunk_values(log: list[Any]) -> None:
    root = Holder(index={f"k{n}": Tracked(log, n) for n in range(9)})
    dismantle(root)
    assert parts(log) == [{5, 6, 7, 8}, {1, 2, 3, 4}, {0}]
    assert root.__dict__ == {}


def test_a_list_or_dict_dismantled_directly_is_emptied_in_parts(log: list[Any]) -> None:
    rows = [Tracked(log, n) for n in range(5)]
    dismantle(rows)
    assert rows == []
    assert parts(log) == [{1, 2, 3, 4}, {0}]
    log.clear()
    index = {n: Tracked(log, n) for n in range(4)}
    dismantle(index)
    assert index == {}
    assert parts(log) == [{0, 1, 2, 3}]


def test_large_lists_and_dicts_inside_a_part_are_freed_in_parts_too(log: list[Any]) -> None:
    inner = [Tracked(log, f"i{n}") for n in range(5)]
    nested = {"d": {n: Tracked(log, f"d{n}") for n in range(4)}}
    root = Holder(rows=[Tracked(log, "a"), inner, nested["d"], Tracked(log, "b")])
    del inner, nested
    dismantle(root)
    # The outer part first (its two items), then the containers it alone held, last first.
    assert parts(log) == [{"a", "b"}, {"d0", "d1", "d2", "d3"}, {"i1", "i2", "i3", "i4"}, {"i0"}]


def test_objects_in_a_list_are_freed_whole_with_their_part(log: list[Any]) -> None:
    records = [Holder(rows=[Tracked(log, (r, n)) for n in range(5)]) for r in range(5)]
    root = Holder(records=records)
    del records
    dismantle(root)
    # A record's own list is freed with the record, not taken apart: 20 items, then 5.
    assert [len(part) for part in parts(log)] == [20, 5]
    assert parts(log)[1] == {(0, n) for n in range(5)}


def test_objects_in_a_dict_are_freed_whole_with_their_part(log: list[Any]) -> None:
    records = {r: Holder(rows=[Tracked(log, (r, n)) for n in range(5)]) for r in range(5)}
    root = Holder(records=records)
    del records
    dismantle(root)
    assert [len(part) for part in parts(log)] == [20, 5]
    assert parts(log)[1] == {(0, n) for n in range(5)}


def test_an_objects_objects_are_taken_apart_with_their_own_attributes(log: list[Any]) -> None:
    frozen = Frozen({f"k{n}": [n] for n in range(4)})
    root = Holder(inner=Holder(rows=[Tracked(log, n) for n in range(5)]), frozen=frozen)
    slotted = Holder(values=frozen.items)
    del frozen
    dismantle(root)
    assert parts(log) == [{1, 2, 3, 4}, {0}]
    assert slotted.values == {f"k{n}": [n] for n in range(4)}  # held by another: untouched


def test_a_slotted_objects_large_containers_are_freed_in_parts(log: list[Any]) -> None:
    frozen = Frozen({f"k{n}": [Tracked(log, n)] for n in range(5)})
    root = Holder(frozen=frozen)
    del frozen
    dismantle(root)
    assert parts(log) == [{1, 2, 3, 4}, {0}]


@pytest.mark.parametrize("kind", [tuple, set, frozenset])
def test_tuples_and_sets_are_freed_whole(log: list[Any], kind: type) -> None:
    root = Holder(values=kind(Tracked(log, n) for n in range(9)))
    dismantle(root)
    assert log == []  # not taken apart: still in the root, freed with it
    assert len(root.values) == 9


def test_a_list_held_by_one_other_is_never_touched(log: list[Any]) -> None:
    shared = [Tracked(log, n) for n in range(5)]
    root = Holder(rows=shared, inner=[shared, Tracked(log, "own")])
    dismantle(root)
    assert len(shared) == 5
    assert parts(log) == []  # the inner list is small: freed whole, with the root


def test_retired_objects_are_freed_in_the_retire_thread_in_parts(log: list[Any]) -> None:
    root = Holder(rows=[Tracked(log, n) for n in range(6)])
    retire(root)
    del root
    wait_for_retired()
    assert parts(log) == [{2, 3, 4, 5}, {0, 1}]
    assert {thread for entry in log if entry != PAUSE for thread in entry[1:]} == {"retire"}
    [worker] = [t for t in threading.enumerate() if t.name == "retire"]
    assert worker.daemon  # never keeps the bot from ending
