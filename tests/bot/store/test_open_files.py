"""The store holds no parsed copy of its files: it reads the one a change needs, checked by hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.facts.raw import Record
from bot.facts.record_files import parse_record_file
from bot.store import FileChanged, KnowledgeStore
from bot.store.disk import digest
from bot.store.open_files import FactPlaces, OpenFiles, SeenFacts
from tests.bot.store.test_memory import assert_as_fresh
from tests.helpers.store import fact_fields


def test_a_loaded_store_parses_only_the_files_it_is_asked_about(kb: tuple[Path, Path]) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    store.load()
    assert list(store._loaded.files) == []
    store.show_fact("leica-country")
    assert list(store._loaded.files) == ["facts/leica.yaml"]


def test_changes_across_more_files_than_are_kept_parsed(kb: tuple[Path, Path]) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    store._loaded.files.keep = 1
    by_file: dict[Path, str] = {}
    for fact_id in store.base.facts:
        by_file.setdefault(store.file_of(fact_id), fact_id)
    assert len(by_file) >= 3
    for round_number in range(2):  # the second round reads every file again
        for fact_id in by_file.values():
            answer = f"{store.base.facts[fact_id].answer} ({round_number})"
            store.edit_fact(
                fact_id, {"answer": answer}, base_version=store.version(fact_id), actor="a"
            )
            assert len(store._loaded.files) == 1
    added = store.add_fact(fact_fields(), actor="a")
    assert store.base.facts[added.record_id].answer == added.after.answer
    assert_as_fresh(store, root, state)


def test_a_duplicate_id_in_a_new_file_names_where_the_first_stands(
    kb: tuple[Path, Path],
) -> None:
    root, state = kb
    store = KnowledgeStore(root, state)
    store.load()
    text = (root / "facts" / "leica.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("- id: leica-country") + 1
    (root / "facts" / "zz-copy.yaml").write_text(text, encoding="utf-8")
    store.refresh()
    messages = [p.message for p in store.problems if p.record == "leica-country"]
    assert f"duplicate id 'leica-country' (also at facts/leica.yaml:{line})" in messages
    assert "leica-country" in store.base.facts  # the last good base is still served


def _open_files(root: Path, hashes: dict[str, str], forgotten: list[str]) -> OpenFiles:
    return OpenFiles(root, lambda: hashes, lambda: None, forgotten.append)


def test_a_file_whose_bytes_are_not_the_served_ones_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    path = tmp_path / "facts" / "a.yaml"
    path.write_text("- id: a\n  question: Q?\n", encoding="utf-8")
    hashes = {"facts/a.yaml": digest(path.read_bytes())}
    forgotten: list[str] = []
    files = _open_files(tmp_path, hashes, forgotten)
    assert [item.record["id"] for item in files["facts/a.yaml"].items] == ["a"]
    files.clear()
    path.write_text("- id: b\n  question: Q?\n", encoding="utf-8")
    with pytest.raises(FileChanged) as changed:
        files["facts/a.yaml"]
    assert changed.value.name == "facts/a.yaml"
    assert forgotten == ["facts/a.yaml"]
    path.unlink()
    with pytest.raises(FileChanged):
        files["facts/a.yaml"]
    with pytest.raises(KeyError) as unknown:
        files["facts/unknown.yaml"]
    assert unknown.value.args == ("facts/unknown.yaml",)
    assert files.get("facts/unknown.yaml") is None


def test_open_files_keep_the_last_used(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    hashes = {}
    for name in "abc":
        path = tmp_path / "facts" / f"{name}.yaml"
        path.write_text(f"- id: {name}\n", encoding="utf-8")
        hashes[f"facts/{name}.yaml"] = digest(path.read_bytes())
    files = OpenFiles(tmp_path, lambda: hashes, lambda: None, lambda name: None, keep=2)
    first = files["facts/a.yaml"]
    files["facts/b.yaml"]
    assert files["facts/a.yaml"] is first  # used again: now the newest
    files["facts/c.yaml"]
    assert list(files) == ["facts/a.yaml", "facts/c.yaml"]
    assert files.cached("facts/b.yaml") is None


def test_after_a_reload_changes_check_questions_against_the_files_as_read(
    kb: tuple[Path, Path],
) -> None:
    """The questions a reload brought in are taken; those it took away are free again."""
    from bot.store import ChangeRejected

    root, state = kb
    store = KnowledgeStore(root, state)
    store.add_fact(fact_fields(), actor="t")  # the index of asked questions is in use
    leica = root / "facts" / "leica.yaml"
    text = leica.read_text(encoding="utf-8")
    leica.write_text(
        text.replace("question: Where is Leica from?", "question: Where does Leica come from?"),
        encoding="utf-8",
    )
    store.refresh()
    assert store.problems == []
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields("Where does Leica come from?"), actor="t")
    assert "already asked by fact 'leica-country'" in refused.value.problems[0].message
    added = store.add_fact(fact_fields("Where is Leica from?"), actor="t")
    assert added.after.question == "Where is Leica from?"


def _three_files(root: Path) -> dict[str, str]:
    """facts/a.yaml, b.yaml and c.yaml (one fact each, a to c) and their content hashes."""
    (root / "facts").mkdir()
    hashes = {}
    for name in "abc":
        path = root / "facts" / f"{name}.yaml"
        path.write_text(f"- id: {name}\n  question: {name.upper()}?\n", encoding="utf-8")
        hashes[f"facts/{name}.yaml"] = digest(path.read_bytes())
    return hashes


def test_a_file_stored_or_parsed_is_served_without_reading_the_disk(tmp_path: Path) -> None:
    hashes = _three_files(tmp_path)
    files = OpenFiles(tmp_path, lambda: hashes, lambda: None, lambda name: None)
    first = files["facts/a.yaml"]
    assert files.cached("facts/a.yaml") is first
    # A file a change created is not among the served hashes: it is there once stored.
    created, _ = parse_record_file("facts/new.yaml", "- id: new\n  question: New?\n")
    assert created is not None
    files["facts/new.yaml"] = created
    assert files["facts/new.yaml"] is created
    other, _ = parse_record_file("facts/other.yaml", "- id: other\n  question: Other?\n")
    assert other is not None
    assert files.setdefault("facts/other.yaml", other) is other
    assert files.cached("facts/other.yaml") is other
    assert files.setdefault("facts/other.yaml", created) is other  # kept, not replaced


def test_forgetting_where_a_fact_stood_twice_is_harmless(tmp_path: Path) -> None:
    hashes = _three_files(tmp_path)
    files = OpenFiles(tmp_path, lambda: hashes, lambda: None, lambda name: None)
    places = FactPlaces(files, {"a": "facts/a.yaml"})
    places.pop("a")
    places.pop("a")
    assert "a" not in places
    assert ("a" in FactPlaces(files), len(FactPlaces(files))) == (False, 0)  # none at first


def _seen(root: Path, excluded: set[str]) -> SeenFacts:
    hashes = _three_files(root)
    files = OpenFiles(root, lambda: hashes, lambda: None, lambda name: None)
    places = FactPlaces(files, {name: f"facts/{name}.yaml" for name in "abc"})
    return SeenFacts(places, excluded.__contains__)


def test_the_facts_seen_are_the_added_then_the_served_but_the_excluded(tmp_path: Path) -> None:
    seen = _seen(tmp_path, excluded={"b"})
    seen["new"] = {"id": "new"}
    seen["a"] = {"id": "a", "question": "Added again?"}
    assert list(seen) == ["new", "a", "c"]
    assert ("new" in seen, "a" in seen, "b" in seen, "c" in seen) == (True, True, False, True)
    assert len(seen) == 3
    assert seen["a"] == {"id": "a", "question": "Added again?"}
    assert seen["c"] == {"id": "c", "question": "C?"}
    with pytest.raises(KeyError) as missing:
        seen["b"]
    assert missing.value.args == ("b",)


def test_a_fact_seen_in_a_file_changed_since_still_names_its_file(tmp_path: Path) -> None:
    # The duplicate-id message names where the first stands, even when that file is not the
    # version served any more (it is read again by the next refresh).
    seen = _seen(tmp_path, excluded=set())
    (tmp_path / "facts" / "c.yaml").write_text("- id: d\n  question: D?\n", encoding="utf-8")
    found = seen["c"]
    assert isinstance(found, Record)
    assert (found.file, dict(found)) == ("facts/c.yaml", {})


def test_a_fact_its_file_no_longer_holds_sends_the_store_to_the_disk(tmp_path: Path) -> None:
    hashes = _three_files(tmp_path)
    files = OpenFiles(tmp_path, lambda: hashes, lambda: None, lambda name: None)
    places = FactPlaces(files, {"a": "facts/a.yaml", "moved": "facts/a.yaml"})
    assert places.get("a") is not None
    with pytest.raises(FileChanged) as changed:
        places.get("moved")
    assert changed.value.name == "facts/a.yaml"
    assert files.cached("facts/a.yaml") is None  # the next use reads it again


@pytest.mark.parametrize("data", [b"\xff\xfe not text", b"- id: [unclosed\n", b"just words\n"])
def test_served_bytes_that_are_no_record_file_are_not_used(tmp_path: Path, data: bytes) -> None:
    # Never so in a valid base; were it so, the file is read again rather than served empty.
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "a.yaml").write_bytes(data)
    forgotten: list[str] = []
    files = _open_files(tmp_path, {"facts/a.yaml": digest(data)}, forgotten)
    with pytest.raises(FileChanged) as changed:
        files["facts/a.yaml"]
    assert changed.value.name == "facts/a.yaml"
    assert forgotten == ["facts/a.yaml"]


def test_an_empty_file_served_holds_no_records(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "a.yaml").write_bytes(b"")
    files = _open_files(tmp_path, {"facts/a.yaml": digest(b"")}, [])
    assert files["facts/a.yaml"].items == []


def test_a_record_whose_id_is_not_text_stands_for_no_served_value(tmp_path: Path) -> None:
    data = b"- id: [not, text]\n  question: Q?\n"
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "a.yaml").write_bytes(data)
    files = _open_files(tmp_path, {"facts/a.yaml": digest(data)}, [])
    [item] = files["facts/a.yaml"].items
    assert item.value is None


def test_the_records_of_brands_partnerships_and_sources_stand_for_their_own_models(
    kb: tuple[Path, Path],
) -> None:
    # A brand and a fact may share an id: each file's records stand for that file's models.
    root, state = kb
    store = KnowledgeStore(root, state)
    base = store.load()
    files = store._loaded.files
    for name, models in [
        ("brands.yaml", base.brands),
        ("partnerships.yaml", base.partnerships),
        ("sources.yaml", base.sources),
    ]:
        items = files[name].items
        assert items
        assert all(item.value is models[item.record["id"]] for item in items)
