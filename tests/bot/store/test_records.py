"""Brands, partnerships and sources changed through the store: checks, versions, undo, transfer."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.engine.engine import Engine
from bot.runtime.sync import apply_change
from bot.state.audit import Kind
from bot.store import ChangeRejected, KnowledgeStore, StaleEdit, StoreError
from bot.store.records import UnknownRecord, nearest_passage, text_page
from tests.helpers.store import SOURCE, snapshot

OPPO_TEXT = (
    "Oppo has announced a partnership with Swedish camera maker Hasselblad.\n"
    "The first phone from the partnership will be the Oppo Find X6 Pro, due in March 2023.\n"
)
OPPO_QUOTE = "Oppo has announced a partnership with Swedish camera maker Hasselblad."
OPPO_SOURCE = "oppo-hasselblad-article"


def add_oppo(store: KnowledgeStore) -> None:
    """A later article, Oppo, and the Oppo–Hasselblad partnership it reports."""
    store.add_source(
        OPPO_SOURCE, "Oppo teams up with Hasselblad", "2022-12-14", "", OPPO_TEXT, actor="a"
    )
    store.records.add(
        Kind.BRAND,
        {
            "id": "oppo",
            "name": "Oppo",
            "kind": "phone_maker",
            "devices": [{"name": "Oppo Find X6 Pro"}],
        },
        actor="a",
    )
    store.records.add(Kind.PARTNERSHIP, partnership(), actor="a")


def partnership(**extra: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": "oppo-hasselblad",
        "phone_maker": "oppo",
        "camera_maker": "hasselblad",
        "status": "announced",
        "citations": [{"source": OPPO_SOURCE, "quote": OPPO_QUOTE}],
    }
    fields.update(extra)
    return fields


def test_an_added_brand_and_partnership_are_answered_without_a_restart(
    store: KnowledgeStore,
) -> None:
    engine = Engine(store.load())
    assert engine.find_brand("Oppo").brand is None
    store.add_source(
        OPPO_SOURCE, "Oppo teams up with Hasselblad", "2022-12-14", "", OPPO_TEXT, actor="a"
    )
    engine = apply_change(
        engine,
        store.records.add(
            Kind.BRAND, {"id": "oppo", "name": "Oppo", "kind": "phone_maker"}, actor="a"
        ),
    )
    found = engine.find_brand("Oppo").brand
    assert found is not None
    assert found.id == "oppo"
    engine = apply_change(engine, store.records.add(Kind.PARTNERSHIP, partnership(), actor="a"))
    answer = engine.ask("who works with hasselblad?")
    assert "Oppo" in (answer.answer or "")
    assert "OnePlus" in (answer.answer or "")
    assert any(c.source_id == OPPO_SOURCE for c in answer.citations)


def test_undo_and_redo_of_every_kind_put_the_files_back_byte_for_byte(
    store: KnowledgeStore, kb: tuple[Path, Path]
) -> None:
    root = kb[0]
    before = snapshot(root)
    add_oppo(store)
    version = store.records.version(Kind.BRAND, "oppo")
    store.records.edit(
        Kind.BRAND,
        "oppo",
        {"country": "China", "aliases": ["OPPO"]},
        base_version=version,
        actor="b",
    )
    store.records.edit(
        Kind.SOURCE, SOURCE, {"url": "https://example.com/a"}, base_version=None, actor="b"
    )
    store.records.edit(
        Kind.PARTNERSHIP, "oneplus-hasselblad", {"status": "ended"}, base_version=None, actor="b"
    )
    after = snapshot(root)
    for _ in range(6):
        store.undo(actor="c")
    assert snapshot(root) == before
    for _ in range(6):
        store.redo(actor="c")
    assert snapshot(root) == after
    described = [entry.description for entry in store.history("oppo", kind=Kind.BRAND)]
    assert described[:2] == ["add of brand oppo", "edit of brand oppo"]
    assert "undo of edit of brand oppo" in described
    assert "redo of add of brand oppo" in described


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        (partnership(camera_maker="hasselbladx"), "unknown brand 'hasselbladx'"),
        (partnership(status="actve"), "'status' must be one of"),
        (partnership(phone_maker="leica"), "'phone_maker'"),
        (partnership(id="oneplus-hasselblad-2", phone_maker="oneplus"), "already have partnership"),
        (
            partnership(
                citations=[{"source": "nowhere", "quote": "Oppo has announced a partnership"}]
            ),
            "unknown source 'nowhere'",
        ),
        (partnership(colour="red"), "colour"),
        (partnership(id="Bad Id"), "id"),
    ],
)
def test_a_bad_partnership_is_refused_naming_the_problem_and_nothing_changes(
    store: KnowledgeStore, kb: tuple[Path, Path], fields: dict[str, object], wanted: str
) -> None:
    add_oppo(store)
    store.undo(actor="a")  # the partnership itself
    before = snapshot(kb[0])
    with pytest.raises(ChangeRejected) as refused:
        store.records.add(Kind.PARTNERSHIP, fields, actor="a")
    assert wanted in refused.value.report()
    assert snapshot(kb[0]) == before
    assert [e.action for e in store.history()][-1] == "undo"  # no entry for the refusal


@pytest.mark.parametrize(
    "quote",
    [
        "Oppo has announced a partnership with Swedish camera maker Hassleblad.",  # a typo
        "oppo has announced a partnership with swedish camera maker hasselblad.",  # lower case
    ],
)
def test_a_refused_quote_shows_the_nearest_passage(store: KnowledgeStore, quote: str) -> None:
    add_oppo(store)
    store.undo(actor="a")
    with pytest.raises(ChangeRejected) as refused:
        store.records.add(
            Kind.PARTNERSHIP,
            partnership(citations=[{"source": OPPO_SOURCE, "quote": quote}]),
            actor="a",
        )
    assert f"the nearest passage is: {OPPO_QUOTE!r}" in refused.value.report()


def test_an_edit_from_an_old_version_is_refused_and_changes_nothing(
    kb: tuple[Path, Path],
) -> None:
    first, second = KnowledgeStore(*kb), KnowledgeStore(*kb)  # two processes' stores
    seen = first.records.version(Kind.PARTNERSHIP, "vivo-zeiss")
    assert second.records.version(Kind.PARTNERSHIP, "vivo-zeiss") == seen
    first.records.edit(
        Kind.PARTNERSHIP, "vivo-zeiss", {"summary": "Vivo and Zeiss."}, base_version=seen, actor="a"
    )
    files = snapshot(kb[0])
    with pytest.raises(StaleEdit):
        second.records.edit(
            Kind.PARTNERSHIP, "vivo-zeiss", {"status": "ended"}, base_version=seen, actor="b"
        )
    with pytest.raises(StaleEdit):
        second.records.edit(
            Kind.BRAND, "zeiss", {"country": "Germany"}, base_version="0" * 16, actor="b"
        )
    assert snapshot(kb[0]) == files
    assert second.records.record(Kind.PARTNERSHIP, "vivo-zeiss")["summary"] == "Vivo and Zeiss."


def test_ids_cannot_change_and_unknown_records_are_named(store: KnowledgeStore) -> None:
    with pytest.raises(ChangeRejected) as refused:
        store.records.edit(Kind.BRAND, "leica", {"id": "leica2"}, base_version=None, actor="a")
    assert "a brand's id cannot be changed" in refused.value.report()
    with pytest.raises(UnknownRecord, match="there is no brand 'oppo'"):
        store.records.edit(Kind.BRAND, "oppo", {"country": "China"}, base_version=None, actor="a")
    with pytest.raises(ChangeRejected) as refused:
        store.records.add(
            Kind.BRAND, {"id": "leica", "name": "Leica2", "kind": "camera_maker"}, actor="a"
        )
    assert "there is already a brand 'leica'" in refused.value.report()
    with pytest.raises(ChangeRejected) as refused:
        store.records.edit(Kind.SOURCE, SOURCE, {"text": "other"}, base_version=None, actor="a")
    assert "a source's 'text' cannot be changed" in refused.value.report()


def test_a_cited_source_cannot_be_removed_and_an_uncited_one_goes_with_its_text(
    store: KnowledgeStore, kb: tuple[Path, Path]
) -> None:
    root = kb[0]
    with pytest.raises(ChangeRejected) as refused:
        store.records.remove(Kind.SOURCE, SOURCE, base_version=None, actor="a")
    assert "is still cited by" in refused.value.report()
    assert "the partnerships huawei-leica, oneplus-hasselblad, vivo-zeiss, xiaomi-leica" in (
        refused.value.report()
    )
    assert "the people of xiaomi" in refused.value.report()
    before = snapshot(root)
    store.add_source(
        OPPO_SOURCE, "Oppo teams up with Hasselblad", "2022-12-14", "", OPPO_TEXT, actor="a"
    )
    added = snapshot(root)
    store.records.remove(Kind.SOURCE, OPPO_SOURCE, base_version=None, actor="a")
    assert snapshot(root) == before
    assert OPPO_SOURCE not in store.base.sources
    store.undo(actor="a")
    assert snapshot(root) == added
    assert store.records.source_text(OPPO_SOURCE) == OPPO_TEXT


def test_a_source_is_read_a_page_at_a_time() -> None:
    text = "".join(f"Sentence number {n} of the article.\n" for n in range(200))
    first, pages = text_page(text, 1, size=500)
    assert pages > 1
    assert len(first) <= 500
    assert first.startswith("Sentence number 0 ")
    joined = "".join(text_page(text, n, size=500)[0] for n in range(1, pages + 1))
    assert joined == text
    assert text_page(text, 10**6, size=500)[0] == text_page(text, pages, size=500)[0]
    assert nearest_passage(OPPO_TEXT, "oppo find x6 pro due march") is not None


def test_an_export_imported_restores_the_files_byte_for_byte(
    store: KnowledgeStore, kb: tuple[Path, Path]
) -> None:
    root = kb[0]
    original = snapshot(root)
    archive = store.export_archive()
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "sources/article-2022-05-23.txt" in names  # the article texts travel with it
    assert store.export_archive() == archive  # the same files, the same bytes
    add_oppo(store)
    store.records.edit(
        Kind.BRAND, "leica", {"country": "Deutschland"}, base_version=None, actor="a"
    )
    changed = store.import_archive(archive, actor="a")
    assert snapshot(root) == original
    assert f"sources/{OPPO_SOURCE}.txt" in changed
    assert "brands.yaml" in changed
    assert "oppo" not in store.refresh().base.brands  # type: ignore[union-attr]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_bad_archive_is_refused_and_nothing_changes(
    store: KnowledgeStore, kb: tuple[Path, Path]
) -> None:
    root = kb[0]
    before = snapshot(root)
    files = {
        name: (root / name).read_bytes()
        for name in ("sources.yaml", "brands.yaml", "partnerships.yaml")
    }
    files[f"sources/{SOURCE}.txt"] = (root / "sources" / f"{SOURCE}.txt").read_bytes()
    broken = dict(files)
    broken["partnerships.yaml"] = files["partnerships.yaml"].replace(
        b"Hassleblad", b"Hasselblad", 1
    )
    with pytest.raises(ChangeRejected, match="invalid"):
        store.import_archive(_zip(broken), actor="a")
    with pytest.raises(StoreError, match="not knowledge files"):
        store.import_archive(_zip({**files, "../escape.yaml": b"x"}), actor="a")
    with pytest.raises(StoreError, match="not a zip"):
        store.import_archive(b"not a zip", actor="a")
    assert snapshot(root) == before
    assert not (root.parent / "escape.yaml").exists()


def _edit_brand_from(root: str, state: str, worker: int, barrier: Any, outcomes: Any) -> None:
    store = KnowledgeStore(Path(root), Path(state))
    seen = store.records.version(Kind.BRAND, "zeiss")
    barrier.wait(timeout=60)  # every worker has read the same version before anyone writes
    try:
        store.records.edit(
            Kind.BRAND, "zeiss", {"country": f"Land {worker}"}, base_version=seen, actor=str(worker)
        )
        outcomes.put(("saved", worker))
    except StaleEdit:
        outcomes.put(("stale", worker))


def test_processes_racing_from_one_version_one_wins_the_others_are_refused(
    kb: tuple[Path, Path],
) -> None:
    workers = 4
    context = multiprocessing.get_context("fork")
    barrier, outcomes = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(
            target=_edit_brand_from, args=(str(kb[0]), str(kb[1]), n, barrier, outcomes)
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    results = sorted(outcomes.get(timeout=10) for _ in range(workers))
    saved = [worker for outcome, worker in results if outcome == "saved"]
    assert len(saved) == 1
    assert [outcome for outcome, _ in results].count("stale") == workers - 1
    store = KnowledgeStore(*kb)
    assert store.records.record(Kind.BRAND, "zeiss")["country"] == f"Land {saved[0]}"
    assert [e.actor for e in store.history("zeiss", kind=Kind.BRAND)] == [str(saved[0])]


def test_a_source_date_edited_dates_the_answers_at_once(store: KnowledgeStore) -> None:
    engine = Engine(store.load())
    assert "23 May 2022" in (engine.ask("who does xiaomi work with?").answer or "")
    change = store.records.edit(
        Kind.SOURCE, SOURCE, {"date": dt.date(2022, 5, 24)}, base_version=None, actor="a"
    )
    engine = apply_change(engine, change)
    answer = engine.ask("who does xiaomi work with?")
    assert "24 May 2022" in (answer.answer or "")
    assert [c.date for c in answer.citations] == ["24 May 2022"] * len(answer.citations)


def test_hostile_fields_are_refused_before_they_are_walked(
    store: KnowledgeStore, kb: tuple[Path, Path]
) -> None:
    before = snapshot(kb[0])
    deep: object = "x"
    for _ in range(10_000):
        deep = [deep]
    for fields in (
        {"id": "sony", "name": "Sony", "kind": "phone_maker", "aliases": deep},
        {"id": "sony", "name": "S" * 100_000, "kind": "phone_maker"},
        {"id": "sony", "name": "Sony\ud800", "kind": "phone_maker"},
        {"id": "sony", "name": object(), "kind": "phone_maker"},
    ):
        with pytest.raises(ChangeRejected):
            store.records.add(Kind.BRAND, fields, actor="a")
        with pytest.raises(ChangeRejected):
            store.records.edit(Kind.BRAND, "leica", fields, base_version=None, actor="a")
    with pytest.raises(ChangeRejected) as refused:
        store.records.add(
            Kind.BRAND, {"id": "sony", "name": "So\u200bny", "kind": "phone_maker"}, actor="a"
        )
    assert "U+200B" in refused.value.report()
    assert snapshot(kb[0]) == before
