"""Hot reload: hand edits, git pulls and other processes' edits are served; broken files are not."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.facts.yaml_loading import check_knowledge
from bot.runtime.sync import apply_reload
from bot.runtime.watcher import KnowledgeWatcher
from bot.store import KnowledgeStore, ReloadResult, ReloadStatus
from tests.helpers.store import QUOTE, SOURCE, fact_fields

HAND_WRITTEN = f"""\
# Facts typed by hand.
- id: leica-hand-written
  question: What does a hand-written fact say about Leica?
  answer: That Leica is a German camera maker.
  brands: [leica]
  citations:
  - source: {SOURCE}
    quote: {QUOTE}
"""


@pytest.fixture
def watcher(store: KnowledgeStore) -> KnowledgeWatcher:
    return KnowledgeWatcher(store, interval=0.01)


def test_nothing_changed_is_cheap_and_unchanged(watcher: KnowledgeWatcher) -> None:
    result = watcher.check()
    assert result.status is ReloadStatus.UNCHANGED
    assert not result.changed
    assert result.base is watcher.store.base


def test_a_new_hand_written_file_is_served(watcher: KnowledgeWatcher) -> None:
    engine = Engine(watcher.store.base)
    (watcher.store.root / "facts" / "hand.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.RELOADED
    assert not result.full
    assert [fact.id for fact in result.upserted] == ["leica-hand-written"]
    engine = apply_reload(engine, result)
    answer = engine.ask("What does a hand-written fact say about Leica?")
    assert answer.fact_id == "leica-hand-written"
    assert watcher.check().status is ReloadStatus.UNCHANGED


def test_a_hand_edit_inside_a_file_updates_just_that_fact(watcher: KnowledgeWatcher) -> None:
    engine = Engine(watcher.store.base)
    path = watcher.store.root / "facts" / "leica.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "What nationality is Leica?", "What nationality does Leica have?"
        ),
        encoding="utf-8",
    )
    result = watcher.check()
    assert [fact.id for fact in result.upserted] == ["leica-country"]
    assert result.removed == ()
    engine = apply_reload(engine, result)
    assert engine.ask("What nationality does Leica have?").fact_id == "leica-country"


def test_broken_yaml_keeps_the_last_good_base_and_is_reported_once_with_its_line(
    watcher: KnowledgeWatcher,
) -> None:
    store = watcher.store
    good = store.base
    engine = Engine(good)
    path = store.root / "facts" / "leica.yaml"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    lines[3] = "  - [unclosed\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert result.base is good
    assert not result.changed
    assert result.problems
    problem = result.problems[0]
    assert problem.file == "facts/leica.yaml"
    assert problem.line >= 4
    assert "facts/leica.yaml:" in result.report()
    assert apply_reload(engine, result) is engine
    assert engine.ask("Where is Leica from?").fact_id == "leica-country"
    again = watcher.check()
    assert again.status is ReloadStatus.UNCHANGED  # reported once, not every poll
    assert store.problems
    path.write_text(original, encoding="utf-8")
    fixed = watcher.check()
    assert fixed.status is ReloadStatus.RELOADED
    assert fixed.full
    assert store.problems == []
    assert set(fixed.base.facts) == set(good.facts)  # type: ignore[union-attr]


def test_valid_yaml_that_fails_validation_is_refused_too(watcher: KnowledgeWatcher) -> None:
    bad = HAND_WRITTEN.replace(QUOTE, "Leica makes phones")
    (watcher.store.root / "facts" / "hand.yaml").write_text(bad, encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert any(
        p.file == "facts/hand.yaml" and p.line == 8 and "quote not found" in p.message
        for p in result.problems
    )
    # The same file and line as a full load reports.
    assert list(result.problems) == check_knowledge(watcher.store.root)[1]
    assert "leica-hand-written" not in watcher.store.base.facts


def test_a_duplicate_id_across_files_is_refused(watcher: KnowledgeWatcher) -> None:
    duplicate = HAND_WRITTEN.replace("leica-hand-written", "leica-country")
    (watcher.store.root / "facts" / "hand.yaml").write_text(duplicate, encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert any("duplicate id 'leica-country'" in p.message for p in result.problems)


def test_the_store_refuses_changes_while_the_files_are_broken(watcher: KnowledgeWatcher) -> None:
    from bot.store import ChangeRejected

    (watcher.store.root / "brands.yaml").write_text("- id: [", encoding="utf-8")
    with pytest.raises(ChangeRejected) as refused:
        watcher.store.add_fact(fact_fields(), actor="a")
    assert refused.value.problems[0].file == "brands.yaml"
    assert "fix them first" in refused.value.reason
    result = watcher.check()  # the broken state is still reported to the moderators' log
    assert result.status is ReloadStatus.REJECTED


def test_a_brand_change_reloads_in_full(watcher: KnowledgeWatcher) -> None:
    path = watcher.store.root / "brands.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "- id: nokia\n  name: Nokia\n  kind: phone_maker\n",
        encoding="utf-8",
    )
    result = watcher.check()
    assert result.status is ReloadStatus.RELOADED
    assert result.full
    engine = apply_reload(Engine(watcher.store.base), result)
    assert "nokia" in engine.base.brands
    assert engine.find_brand("Nokia").brand is not None


def test_another_process_edits_are_seen_and_own_edits_are_not_reloaded(
    kb: tuple[Path, Path], watcher: KnowledgeWatcher
) -> None:
    other = KnowledgeStore(*kb)
    engine = Engine(watcher.store.base)
    added = other.add_fact(fact_fields("What did the other shard add?"), actor="shard-2")
    other.remove_fact("leica-country", base_version=None, actor="shard-2")
    result = watcher.check()
    assert [fact.id for fact in result.upserted] == [added.record_id]
    assert result.removed == ("leica-country",)
    engine = apply_reload(engine, result)
    assert engine.ask("What did the other shard add?").fact_id == added.record_id
    own = watcher.store.add_fact(fact_fields("What did this shard add?"), actor="shard-1")
    assert own.reload is None
    assert watcher.check().status is ReloadStatus.UNCHANGED


def test_a_deleted_fact_file_removes_its_facts(watcher: KnowledgeWatcher) -> None:
    (watcher.store.root / "facts" / "leica.yaml").unlink()
    result = watcher.check()
    assert result.removed == ("leica-country",)


def test_a_git_pull_replacing_everything_is_a_full_reload(
    kb: tuple[Path, Path], watcher: KnowledgeWatcher, tmp_path: Path
) -> None:
    staging = tmp_path / "pulled"
    shutil.copytree(kb[0], staging)
    (staging / "facts" / "hand.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    shutil.rmtree(kb[0])
    staging.rename(kb[0])
    result = watcher.check()
    assert result.status is ReloadStatus.RELOADED
    assert "leica-hand-written" in result.base.facts  # type: ignore[union-attr]


def test_a_missing_directory_is_reported_not_raised(watcher: KnowledgeWatcher) -> None:
    good = watcher.store.base
    shutil.rmtree(watcher.store.root)
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert result.base is good


def test_force_reloads_everything(watcher: KnowledgeWatcher) -> None:
    result = watcher.check(force=True)
    assert result.status is ReloadStatus.RELOADED
    assert result.full


async def test_the_background_loop_picks_up_a_change_within_seconds(
    watcher: KnowledgeWatcher,
) -> None:
    seen: list[ReloadResult] = []
    arrived = asyncio.Event()

    async def on_result(result: ReloadResult) -> None:
        seen.append(result)
        arrived.set()

    task = asyncio.create_task(watcher.run(on_result))
    try:
        await asyncio.sleep(0.05)
        assert seen == []
        (watcher.store.root / "facts" / "hand.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
        await asyncio.wait_for(arrived.wait(), timeout=5)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [fact.id for fact in seen[0].upserted] == ["leica-hand-written"]


@pytest.mark.parametrize("mistake", ["bad quote", "duplicate id", "unknown brand"])
def test_problems_found_incrementally_name_the_same_lines_as_a_full_load(
    watcher: KnowledgeWatcher, mistake: str
) -> None:
    store = watcher.store
    for number in range(4):
        store.add_fact(fact_fields(f"Moderated question number {number}?"), actor="a")
    path = store.root / "facts" / "moderated.yaml"
    items = path.read_text(encoding="utf-8").split("\n- ")
    inserted = HAND_WRITTEN.split("\n", 1)[1].removeprefix("- ").rstrip("\n")
    inserted = {
        "bad quote": inserted.replace(QUOTE, "Leica makes phones"),
        "duplicate id": inserted.replace("leica-hand-written", "moderated-question-number-3"),
        "unknown brand": inserted.replace("[leica]", "[leica, nokia]"),
    }[mistake]
    path.write_text("\n- ".join([*items[:2], inserted, *items[2:]]), encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert list(result.problems) == check_knowledge(store.root)[1]
    assert all(p.line > 0 for p in result.problems)


def test_a_source_text_in_a_subfolder_is_watched(watcher: KnowledgeWatcher) -> None:
    # Issue 20 item 2: every file the fact base depends on is watched, subfolders included.
    root = watcher.store.root
    (root / "sources" / "sub").mkdir()
    (root / "sources" / "article-2022-05-23.txt").rename(
        root / "sources" / "sub" / "article-2022-05-23.txt"
    )
    sources = root / "sources.yaml"
    sources.write_text(
        sources.read_text().replace("sources/article-", "sources/sub/article-"), encoding="utf-8"
    )
    assert not watcher.check().problems
    moved = root / "sources" / "sub" / "article-2022-05-23.txt"
    moved.write_text(moved.read_text().replace("German", "Austrian"), encoding="utf-8")
    assert watcher.check().problems


@pytest.mark.parametrize("name", ["evil\nname.yaml", "a\u200bb.yaml", "d.yaml"])
def test_an_odd_entry_appearing_in_facts_is_noticed_and_reported(
    watcher: KnowledgeWatcher, name: str
) -> None:
    # Issue #20 leftover: an entry never read (a name holding a line break or an invisible
    # character, a folder named like a fact file) left the stamps as they were, so a running
    # bot never reported it; its going is noticed too.
    root = watcher.store.root
    served = watcher.store.base
    entry = root / "facts" / name
    if name == "d.yaml":
        entry.mkdir()
    else:
        entry.write_text(HAND_WRITTEN, encoding="utf-8")
    result = watcher.check()
    assert result.status is ReloadStatus.REJECTED
    assert list(result.problems) == check_knowledge(root)[1]
    assert len(result.problems) == 1
    assert "\n" not in str(result.problems[0])  # named on one line
    assert watcher.store.base is served
    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    assert not watcher.check().problems
