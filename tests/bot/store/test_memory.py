"""After its own writes, a store holds what a fresh read of the files gives, in any file layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.facts.problems import Problem
from bot.store import NEW_FACTS_FILE, KnowledgeStore, UnknownFact, record_version
from tests.helpers.store import fact_fields


def assert_as_fresh(store: KnowledgeStore, root: Path, state: Path) -> None:
    fresh = KnowledgeStore(root, state)
    assert store.base.facts == fresh.base.facts
    assert store.problems == fresh.problems == []
    for fact_id in fresh.base.facts:
        assert store.version(fact_id) == fresh.version(fact_id), fact_id
        assert store.file_of(fact_id) == fresh.file_of(fact_id), fact_id
        assert store.fact_record(fact_id) == fresh.fact_record(fact_id), fact_id


@pytest.mark.parametrize("layout", ["block", "flow"])
def test_writes_keep_the_store_as_a_fresh_read(kb: tuple[Path, Path], layout: str) -> None:
    root, state = kb
    path = root / "facts" / "huawei-leica.yaml"
    if layout == "flow":  # one JSON line: not cut into items, rewritten whole
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    [first, second, *_] = [f for f in store.base.facts if store.file_of(f) == path]
    for answer in ("Leica is German.", "Leica is a German camera maker."):
        store.edit_fact(first, {"answer": answer}, base_version=store.version(first), actor="a")
        assert_as_fresh(store, root, state)
    store.remove_fact(second, base_version=store.version(second), actor="a")
    assert_as_fresh(store, root, state)
    added = [
        store.add_fact(fact_fields(f"Which German maker works with {q}?"), actor="a")
        for q in ("Xiaomi", "OnePlus")
    ]
    assert_as_fresh(store, root, state)
    assert all(store.file_of(c.record_id) == root / NEW_FACTS_FILE for c in added)
    text = (root / NEW_FACTS_FILE).read_text(encoding="utf-8")
    assert text.count("- id: ") == 2
    store.undo(actor="a")  # the second add
    assert_as_fresh(store, root, state)
    assert (root / NEW_FACTS_FILE).read_text(encoding="utf-8").count("- id: ") == 1


def test_a_fact_added_after_a_last_line_without_newline(kb: tuple[Path, Path]) -> None:
    root, state = kb
    path = root / NEW_FACTS_FILE
    written = KnowledgeStore(root, state)
    first = written.add_fact(fact_fields("Which German maker works with Xiaomi?"), actor="a")
    hand_written = path.read_text(encoding="utf-8").rstrip("\n")  # as an editor may save it
    path.write_text(hand_written, encoding="utf-8")
    store = KnowledgeStore(root, state)
    second = store.add_fact(fact_fields("Which German maker works with OnePlus?"), actor="a")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(hand_written + "\n- id: ")
    assert text.count("- id: ") == 2
    assert {first.record_id, second.record_id} <= set(KnowledgeStore(root, state).base.facts)
    assert_as_fresh(store, root, state)


def test_a_file_rewritten_whole_then_edited_on_disk_reads_right(kb: tuple[Path, Path]) -> None:
    root, state = kb
    path = root / "facts" / "huawei-leica.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    first, second = records[0]["id"], records[1]["id"]
    store.edit_fact(first, {"answer": "Leica is German."}, base_version=None, actor="a")
    text = path.read_text(encoding="utf-8")  # now in block style: later reads reuse its items
    old = records[1]["question"]
    assert text.count(old) == 1
    path.write_text(text.replace(old, "Who was Leica's partner before?"), encoding="utf-8")
    store.refresh()
    assert store.base.facts[second].question == "Who was Leica's partner before?"
    assert_as_fresh(store, root, state)


def test_a_version_does_not_depend_on_key_order() -> None:
    record = {"id": "x", "question": "Q?", "brands": ["a", "b"]}
    reordered = {"brands": ["a", "b"], "question": "Q?", "id": "x"}
    assert record_version(record) == record_version(reordered)
    assert record_version(record) != record_version({**record, "brands": ["b", "a"]})
    assert record_version(None) is None


@pytest.mark.parametrize("layout", ["block", "flow"])
def test_problems_after_a_write_name_the_lines_on_disk(kb: tuple[Path, Path], layout: str) -> None:
    # The store's own writes move the second fact down and rewrite it; a hand-made duplicate of
    # it then gets a problem that names its file and line, which must be those on disk.
    root, state = kb
    path = root / "facts" / "huawei-leica.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    if layout == "flow":
        path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    first, second = records[0]["id"], records[1]["id"]
    phrasings = [*records[0]["phrasings"], "Did Huawei and Leica work together for long?"]
    store.edit_fact(first, {"phrasings": phrasings}, base_version=None, actor="a")
    store.edit_fact(
        second, {"answer": "Leica worked with Huawei first."}, base_version=None, actor="a"
    )
    records[1] = store.fact_record(second)  # as written by the store, read back from it
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if f"id: {second}" in text)
    assert line > 1
    duplicate = yaml.safe_dump([records[1]], allow_unicode=True, sort_keys=False)
    (root / "facts" / "a-hand-copy.yaml").write_text(duplicate, encoding="utf-8")
    store.refresh()
    on_disk = store.validate()  # a full read of the files as they are now

    def places(problems: list[Problem]) -> set[str]:
        """Every file:line the problems name (the store may order and word them otherwise)."""
        return {m for p in problems for m in re.findall(r"facts/[\w.-]+:\d+", str(p))}

    # A full read files some duplicates at the other copy: the written file's lines must agree.
    written = {p for p in places(store.problems) if p.startswith("facts/huawei-leica.yaml:")}
    assert f"facts/huawei-leica.yaml:{line}" in written
    assert written <= places(on_disk)


def duplicate_places(store: KnowledgeStore, root: Path, record: dict, name: str) -> set[str]:
    """The places in `name` that a hand-made copy of `record` is said to duplicate."""
    copy = yaml.safe_dump([record], allow_unicode=True, sort_keys=False)
    (root / "facts" / "a-hand-copy.yaml").write_text(copy, encoding="utf-8")
    store.refresh()
    return {m for p in store.problems for m in re.findall(rf"{re.escape(name)}:\d+", str(p))}


def line_of(path: Path, fact_id: str) -> int:
    """The line of a fact's `- id:` in a block-style file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text == f"- id: {fact_id}")


def test_a_removal_from_a_file_rewritten_whole_keeps_the_others_where_they_are(
    kb: tuple[Path, Path],
) -> None:
    # The first change to a flow-style file is a removal: the file is rewritten whole, and a
    # later problem names the kept record's file and line as they are on disk.
    root, state = kb
    path = root / "facts" / "huawei-leica.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    first, second = records[0]["id"], records[1]["id"]
    store.remove_fact(second, base_version=store.version(second), actor="a")
    assert second not in store.base.facts
    assert_as_fresh(store, root, state)
    name = "facts/huawei-leica.yaml"
    places = duplicate_places(store, root, store.fact_record(first), name)
    assert places == {f"{name}:{line_of(path, first)}"}


def test_an_undo_that_takes_a_comment_back_keeps_the_lines_right(kb: tuple[Path, Path]) -> None:
    # Removing a record moves the comment above the next one to the record before; the undo
    # writes both back: a later problem names the restored record's line as it is on disk.
    root, state = kb
    path = root / "facts" / "xiaomi-leica.yaml"
    text = path.read_text(encoding="utf-8")
    starts = [n for n in range(len(text)) if text.startswith("- id: ", n)]
    victim = text[starts[1] + 6 :].split("\n", 1)[0]
    text = text[: starts[2]] + "# About the next record\n" + text[starts[2] :]
    path.write_text(text, encoding="utf-8")
    store = KnowledgeStore(root, state)
    store.remove_fact(victim, base_version=None, actor="a")
    store.undo(actor="a")
    assert path.read_text(encoding="utf-8") == text
    name = "facts/xiaomi-leica.yaml"
    places = duplicate_places(store, root, store.fact_record(victim), name)
    assert places == {f"{name}:{line_of(path, victim)}"}


@pytest.mark.parametrize("layout", ["block", "flow"])
def test_each_change_names_the_fact_it_replaced(kb: tuple[Path, Path], layout: str) -> None:
    # A change's `before` (an undo's reply says "restored" or "back" by it) is the fact served
    # before it, also when the store wrote that fact itself, or rewrote its file whole.
    root, state = kb
    path = root / "facts" / "huawei-leica.yaml"
    if layout == "flow":
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    [first, second, *_] = [f for f in store.base.facts if store.file_of(f) == path]
    edits = [(first, "Leica is German."), (first, "Leica is a German maker."), (second, "Yes.")]
    for fact_id, answer in edits:
        served = store.base.facts[fact_id]
        change = store.edit_fact(fact_id, {"answer": answer}, base_version=None, actor="a")
        assert (change.before, change.after) == (served, store.base.facts[fact_id])
    served = store.base.facts[second]
    assert store.remove_fact(second, base_version=None, actor="a").before == served
    undone = store.undo(actor="a")
    assert (undone.before, undone.after) == (None, served)


def test_a_source_added_to_a_file_rewritten_whole_is_not_a_fact(kb: tuple[Path, Path]) -> None:
    root, state = kb
    path = root / "sources.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(records, ensure_ascii=False) + "\n", encoding="utf-8")
    store = KnowledgeStore(root, state)
    text = "Vivo and Zeiss extend their partnership.\n"
    store.add_source("vivo-zeiss-2024", "Vivo and Zeiss", "2024-03-04", "", text, actor="a")
    assert "vivo-zeiss-2024" in store.base.sources
    with pytest.raises(UnknownFact):
        store.show_fact("vivo-zeiss-2024")
    with pytest.raises(UnknownFact):
        store.show_fact(records[0]["id"])
    assert_as_fresh(store, root, state)


def test_a_full_reload_hands_its_raw_records_to_the_background(
    kb: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw records of a full re-read are freed in parts, not at once by the reloading thread."""
    import bot.store.served
    from bot.caches.retire import retire as real_retire
    from bot.caches.retire import wait_for_retired
    from bot.facts.raw import RawKnowledge

    handed: list[tuple[Path, set[str]]] = []

    def recording_retire(obj: object) -> None:
        if isinstance(obj, RawKnowledge):  # what it held, not itself: retire waits for sole hold
            handed.append((obj.root, {record["id"] for record in obj.facts}))
        real_retire(obj)

    store = KnowledgeStore(*kb)
    store.load()
    monkeypatch.setattr(bot.store.served, "retire", recording_retire)
    store.refresh(force=True)
    assert handed == [(kb[0], set(store.base.facts))]
    wait_for_retired()
