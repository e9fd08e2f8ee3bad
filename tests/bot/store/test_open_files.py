"""The store holds no parsed copy of its files: it reads the one a change needs, checked by hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import FileChanged, KnowledgeStore
from bot.store.disk import digest
from bot.store.open_files import OpenFiles
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
    with pytest.raises(FileChanged):
        files["facts/a.yaml"]
    assert forgotten == ["facts/a.yaml"]
    path.unlink()
    with pytest.raises(FileChanged):
        files["facts/a.yaml"]
    with pytest.raises(KeyError):
        files["facts/unknown.yaml"]
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
