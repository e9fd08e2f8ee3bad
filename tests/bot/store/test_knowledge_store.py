"""KnowledgeStore: each operation, its refusals, optimistic concurrency, history and undo."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bot.store.changes
from bot.engine.engine import Engine
from bot.facts.models import Fact
from bot.facts.yaml_loading import check_knowledge, load_fact_base
from bot.runtime.sync import apply_change
from bot.state.audit import Action
from bot.store import (
    NEW_FACTS_FILE,
    ChangeRejected,
    KnowledgeStore,
    NothingToUndo,
    StaleEdit,
    UnknownFact,
    new_facts_file,
    record_version,
    slugify,
)
from tests.conftest import KNOWLEDGE
from tests.helpers.store import QUOTE, SOURCE, fact_fields, snapshot


def reloaded(root: Path) -> dict[str, Fact]:
    return load_fact_base(root).facts


# Adding


def test_add_fact_goes_to_the_moderated_file_and_is_answerable_at_once(
    store: KnowledgeStore,
) -> None:
    engine = Engine(store.base)
    question = "Which German company is Xiaomi's partner?"
    assert engine.ask(question).fact_id != "which-german-company-is-xiaomi-partner"
    change = store.add_fact(fact_fields(question), actor="alice")
    assert change.action == Action.ADD
    assert change.record_id == "which-german-company-is-xiaomi-partner"
    assert change.file == NEW_FACTS_FILE
    assert change.before is None
    assert isinstance(change.fact, Fact)
    assert change.fact.brands == ("xiaomi", "leica")
    assert change.base.facts[change.record_id] == change.fact
    engine = apply_change(engine, change)
    answer = engine.ask(question)
    assert answer.answered
    assert answer.fact_id == change.record_id
    assert reloaded(store.root)[change.record_id] == change.fact
    text = (store.root / NEW_FACTS_FILE).read_text(encoding="utf-8")
    assert text.startswith(f"- id: {change.record_id}\n  question: ")
    assert change.version == store.version(change.record_id)


def test_new_facts_fill_capped_files_the_first_with_room_first(
    store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.changes, "MAX_NEW_FACTS_PER_FILE", 2)
    assert [new_facts_file(n) for n in (1, 2, 3)] == [
        NEW_FACTS_FILE,
        "facts/moderated-2.yaml",
        "facts/moderated-3.yaml",
    ]

    def add(number: int) -> str:
        question = f"Capped question number {number} about Leica?"
        change = store.add_fact(fact_fields(question), actor="a")
        assert change.entry is not None
        assert change.entry.file == change.file
        return change.file

    assert [add(0), add(1)] == [NEW_FACTS_FILE] * 2
    before = snapshot(store.root)
    assert add(2) == "facts/moderated-2.yaml"
    second = store.root / "facts" / "moderated-2.yaml"
    assert second.read_text(encoding="utf-8").startswith("- id: capped-question-number-2-")
    facts = reloaded(store.root)
    assert {f"capped-question-number-{n}-about-leica" for n in range(3)} <= facts.keys()
    other = KnowledgeStore(store.root, store.state_dir)
    assert other.load().facts == facts == store.base.facts

    undone = store.undo(actor="b")  # the last add: its file goes again, byte for byte
    assert (undone.action, undone.file) == (Action.UNDO, "facts/moderated-2.yaml")
    assert not second.exists()
    assert snapshot(store.root) == before
    assert other.refresh().removed == ("capped-question-number-2-about-leica",)
    redone = store.redo(actor="b")  # redo adds it back where it was
    assert redone.file == "facts/moderated-2.yaml"
    assert second.is_file()

    store.remove_fact("capped-question-number-0-about-leica", base_version=None, actor="a")
    assert [add(3), add(4), add(5)] == [
        NEW_FACTS_FILE,  # the room a removal left in the first file is used first
        "facts/moderated-2.yaml",
        "facts/moderated-3.yaml",
    ]
    assert store.base.facts == reloaded(store.root)
    assert check_knowledge(store.root)[1] == []


def test_new_ids_come_from_the_question_and_are_made_unique(store: KnowledgeStore) -> None:
    # Slugs stop at 48 characters: questions that differ only after that share one.
    long = "Who is Xiaomi's partner for the cameras of its phones in"
    first = store.add_fact(fact_fields(f"{long} 2022?"), actor="a")
    second = store.add_fact(fact_fields(f"{long} 2023?"), actor="a")
    third = store.add_fact(fact_fields(f"{long} 2024?"), actor="a")
    slug = "who-is-xiaomi-partner-for-the-cameras-of-its"
    assert [first.record_id, second.record_id, third.record_id] == [slug, f"{slug}-2", f"{slug}-3"]
    again = "who is XIAOMI'S partner for the cameras of its phones in 2022"
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(again), actor="a")
    assert f"already asked by fact '{slug}'" in refused.value.report()
    assert slugify("Où est Leica ?") == "ou-est-leica"
    assert slugify("???") == "fact"
    assert len(slugify("word " * 40)) <= 48


def test_a_given_id_is_kept_and_a_taken_one_refused(store: KnowledgeStore) -> None:
    change = store.add_fact(fact_fields(id="my-fact"), actor="a")
    assert change.record_id == "my-fact"
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(id="leica-country"), actor="a")
    assert any("duplicate id 'leica-country'" in m for m in refused.value.messages)


def test_phrasings_and_brands_may_be_typed_as_text(store: KnowledgeStore) -> None:
    fields = fact_fields(phrasings="Who works with Xiaomi?\n\n  Xiaomi's camera partner  \n")
    fields["brands"] = "xiaomi, leica"
    change = store.add_fact(fields, actor="a")
    assert change.fact is not None
    assert change.fact.phrasings == ("Who works with Xiaomi?", "Xiaomi's camera partner")
    assert change.fact.brands == ("xiaomi", "leica")


def test_an_invalid_fact_is_refused_with_every_problem_and_the_fields_as_typed(
    store: KnowledgeStore,
) -> None:
    before = snapshot(store.root)
    fields = {
        "question": "Who makes the cameras?",
        "answer": "",
        "source": SOURCE,
        "quote": "Leica makes every camera in the world",
        "brands": ["xiaomi", "nokia"],
        "colour": "red",
    }
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fields, actor="a")
    messages = "\n".join(refused.value.messages)
    assert "'answer' is empty" in messages
    assert "quote not found word for word" in messages
    assert "unknown brand 'nokia'" in messages
    assert "unknown key 'colour'" in messages
    assert refused.value.fields == fields
    assert snapshot(store.root) == before
    assert store.history() == []


def test_a_citation_needs_a_known_source(store: KnowledgeStore) -> None:
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(source="no-such-source"), actor="a")
    assert any("unknown source 'no-such-source'" in m for m in refused.value.messages)
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(source=None), actor="a")
    assert any("both a source and a quote" in m for m in refused.value.messages)


# Editing and removing


def test_edit_changes_only_that_record_and_keeps_the_rest_of_the_file(
    store: KnowledgeStore,
) -> None:
    path = store.root / "facts" / "huawei-leica.yaml"
    before_all = snapshot(store.root)
    old_text = path.read_text(encoding="utf-8")
    fact_id = load_fact_base(store.root).facts
    fact_id = next(f for f in fact_id.values() if store.file_of(f.id) == path).id
    old_answer = store.base.facts[fact_id].answer
    change = store.edit_fact(
        fact_id,
        {"answer": old_answer + " (checked)"},
        base_version=store.version(fact_id),
        actor="bob",
    )
    assert change.fact is not None
    assert change.fact.answer.endswith("(checked)")
    assert change.before is not None
    assert change.before.answer == old_answer
    new_text = path.read_text(encoding="utf-8")
    removed = [line for line in old_text.splitlines() if line not in new_text.splitlines()]
    added = [line for line in new_text.splitlines() if line not in old_text.splitlines()]
    assert len(removed) <= 3
    assert any("(checked)" in line for line in added)
    after_all = snapshot(store.root)
    changed = {name for name in after_all if after_all[name] != before_all.get(name)}
    assert changed == {"facts/huawei-leica.yaml"}
    assert reloaded(store.root)[fact_id].answer == change.fact.answer


def test_an_invalid_edit_is_refused_and_changes_nothing(store: KnowledgeStore) -> None:
    before = snapshot(store.root)
    version = store.version("leica-country")
    with pytest.raises(ChangeRejected) as refused:
        store.edit_fact(
            "leica-country", {"quote": "Leica is Swedish", "source": SOURCE},
            base_version=version, actor="a",
        )  # fmt: skip
    assert refused.value.fields == {"quote": "Leica is Swedish", "source": SOURCE}
    with pytest.raises(ChangeRejected) as refused:
        store.edit_fact("leica-country", {"id": "other"}, base_version=version, actor="a")
    assert any("id cannot be changed" in m for m in refused.value.messages)
    assert snapshot(store.root) == before
    assert store.version("leica-country") == version


def test_an_edit_based_on_an_old_version_is_refused(kb: tuple[Path, Path]) -> None:
    mine, theirs = KnowledgeStore(*kb), KnowledgeStore(*kb)
    seen = mine.version("leica-country")
    assert theirs.version("leica-country") == seen
    theirs.edit_fact(
        "leica-country", {"answer": "Leica is from Germany."}, base_version=seen, actor="them"
    )
    with pytest.raises(StaleEdit) as stale:
        mine.edit_fact(
            "leica-country", {"answer": "Leica is German."}, base_version=seen, actor="me"
        )
    assert stale.value.record_id == "leica-country"
    assert str(stale.value).startswith("'leica-country' was changed by someone else")
    assert stale.value.expected == seen
    assert stale.value.current == mine.version("leica-country")
    assert stale.value.record is not None
    assert stale.value.record["answer"] == "Leica is from Germany."
    with pytest.raises(StaleEdit):
        mine.remove_fact("leica-country", base_version=seen, actor="me")
    assert reloaded(kb[0])["leica-country"].answer == "Leica is from Germany."
    assert len(mine.history("leica-country")) == 1


def test_versions_follow_the_record_not_the_file(store: KnowledgeStore) -> None:
    first = store.add_fact(fact_fields("First question about Xiaomi?"), actor="a")
    version = store.version(first.record_id)
    store.add_fact(fact_fields("Second question about Xiaomi?"), actor="a")
    assert store.version(first.record_id) == version
    assert version == record_version(store.fact_record(first.record_id))


def test_an_edit_to_the_same_values_writes_nothing(store: KnowledgeStore) -> None:
    before = snapshot(store.root)
    record = store.fact_record("leica-country")
    change = store.edit_fact(
        "leica-country",
        {"answer": record["answer"]},
        base_version=store.version("leica-country"),
        actor="a",
    )
    assert change.noop
    assert snapshot(store.root) == before
    assert store.history() == []


def test_remove_fact(store: KnowledgeStore) -> None:
    engine = Engine(store.base)
    change = store.remove_fact(
        "leica-country", base_version=store.version("leica-country"), actor="a"
    )
    assert change.after is None
    assert change.before is not None
    assert "leica-country" not in change.base.facts
    engine = apply_change(engine, change)
    assert engine.ask("Where is Leica from?").fact_id != "leica-country"
    assert "leica-country" not in reloaded(store.root)
    with pytest.raises(UnknownFact):
        store.show_fact("leica-country")
    with pytest.raises(UnknownFact):
        store.remove_fact("leica-country", base_version=None, actor="a")
    with pytest.raises(UnknownFact):
        store.edit_fact("no-such-fact", {"answer": "x"}, base_version=None, actor="a")


def test_show_fact_is_the_record_as_yaml(store: KnowledgeStore) -> None:
    text = store.show_fact("leica-country")
    record = yaml.safe_load(text)
    assert record["id"] == "leica-country"
    assert list(record) == ["id", "question", "phrasings", "answer", "brands", "citations"]
    assert record == store.fact_record("leica-country")


# History and undo


def test_history_records_who_when_and_the_full_records(store: KnowledgeStore) -> None:
    added = store.add_fact(fact_fields(), actor="alice")
    fact_id = added.record_id
    edited = store.edit_fact(fact_id, {"answer": "Leica."}, base_version=added.version, actor="bob")
    store.remove_fact(fact_id, base_version=edited.version, actor="carol")
    store.add_fact(fact_fields("Another question about Leica?"), actor="dave")
    history = store.history(fact_id)
    assert [(e.action, e.actor) for e in history] == [
        ("add", "alice"),
        ("edit", "bob"),
        ("remove", "carol"),
    ]
    add, edit, remove = history
    assert add.before is None
    assert add.after is not None
    assert add.after["question"] == "Which German company is Xiaomi's partner?"
    assert edit.before == add.after
    assert edit.after == {**add.after, "answer": "Leica."}
    assert remove.before == edit.after
    assert remove.after is None
    assert add.at <= edit.at <= remove.at
    assert all(e.fact_id == fact_id and e.file == NEW_FACTS_FILE for e in history)
    assert len(store.history()) == 4


@pytest.mark.parametrize("action", ["add", "edit", "edit-hand-written", "remove"])
def test_undo_restores_the_files_byte_for_byte_and_redo_makes_the_change_again(
    store: KnowledgeStore, action: str
) -> None:
    store.add_fact(fact_fields("A first moderated fact about Leica?"), actor="a")
    store.add_fact(fact_fields("A second moderated fact about Leica?"), actor="a")
    target = {
        "add": None,
        "edit": "a-first-moderated-fact-about-leica",
        "edit-hand-written": "huawei-leica-split",
        "remove": "a-first-moderated-fact-about-leica",
    }[action]
    original = snapshot(store.root)
    if action == "add":
        change = store.add_fact(fact_fields("A third fact about Leica?"), actor="a")
    elif action == "remove":
        change = store.remove_fact(target, base_version=store.version(target), actor="a")
    else:
        change = store.edit_fact(
            target,
            {"answer": "Changed.", "phrasings": ["One more way to ask"]},
            base_version=store.version(target),
            actor="a",
        )
    changed = snapshot(store.root)
    assert changed != original
    engine = Engine(store.base)
    undone = store.undo(actor="undoer")
    assert undone.action == Action.UNDO
    assert undone.entry is not None
    assert undone.entry.reverts == change.entry.id  # type: ignore[union-attr]
    assert undone.entry.actor == "undoer"
    assert snapshot(store.root) == original
    assert check_knowledge(store.root)[1] == []
    engine = apply_change(engine, undone)
    assert set(engine.base.facts) == set(load_fact_base(store.root).facts)
    redone = store.redo(actor="undoer")
    assert redone.action == Action.REDO
    assert redone.entry is not None
    assert redone.entry.reverts == change.entry.id  # type: ignore[union-attr]
    assert snapshot(store.root) == changed
    assert store.undo(actor="undoer").action == Action.UNDO
    assert snapshot(store.root) == original
    assert [e.action for e in store.history()][-3:] == ["undo", "redo", "undo"]


def test_undo_refuses_when_the_record_changed_since(store: KnowledgeStore) -> None:
    change = store.add_fact(fact_fields(), actor="a")
    path = store.root / NEW_FACTS_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("the German camera maker", "a camera maker"),
        encoding="utf-8",
    )
    with pytest.raises(StaleEdit) as stale:
        store.undo(actor="a")
    assert str(stale.value).startswith(f"'{change.record_id}' was changed since (add of fact ")
    assert str(stale.value).endswith(
        "); it cannot be undone or redone automatically: edit it instead"
    )
    assert stale.value.record_id == change.record_id
    assert change.entry is not None
    assert stale.value.expected == record_version(change.entry.after)
    assert stale.value.current == store.version(change.record_id)
    assert stale.value.expected != stale.value.current
    assert stale.value.record is not None
    assert "a camera maker" in stale.value.record["answer"]
    assert change.record_id in store.base.facts


def test_undo_checks_the_entry_the_moderator_saw(store: KnowledgeStore) -> None:
    with pytest.raises(NothingToUndo):
        store.undo(actor="a")
    first = store.add_fact(fact_fields("First?"), actor="a")
    shown = store.last_change()
    assert shown is not None
    assert shown.id == first.entry.id  # type: ignore[union-attr]
    store.add_fact(fact_fields("Second?"), actor="b")
    with pytest.raises(StaleEdit):
        store.undo(actor="a", expected=shown.id)
    assert first.record_id in store.base.facts


# Sources


ARTICLE = (
    "Vivo and Zeiss extend their partnership\n\n"
    "Vivo said on Monday that its imaging partnership with Zeiss will continue for three more "
    "years, covering its flagship X series phones.\n"
)


def test_add_source_then_a_fact_citing_it(store: KnowledgeStore) -> None:
    original = snapshot(store.root)
    change = store.add_source(
        None, "Vivo and Zeiss extend their partnership", "2024-03-04", "https://example.com/a",
        ARTICLE, actor="a",
    )  # fmt: skip
    source_id = change.record_id
    assert source_id == "vivo-and-zeiss-extend-their-partnership"
    assert (store.root / "sources" / f"{source_id}.txt").read_text(encoding="utf-8") == ARTICLE
    assert source_id in change.base.sources
    added_source = snapshot(store.root)
    assert store.undo(actor="a").record_id == source_id
    assert snapshot(store.root) == original
    assert source_id not in store.base.sources
    assert store.redo(actor="a").record_id == source_id  # redo: the source is back
    assert snapshot(store.root) == added_source
    quote = "its imaging partnership with Zeiss will continue for three more years"
    fact = store.add_fact(
        fact_fields("Will Vivo keep working with Zeiss?", source=source_id, quote=quote,
                    brands=["vivo", "zeiss"]),
        actor="a",
    )  # fmt: skip
    engine = apply_change(Engine(store.base), fact)
    answer = engine.ask("Will Vivo keep working with Zeiss?")
    assert answer.fact_id == fact.record_id
    assert answer.citations[0].title == "Vivo and Zeiss extend their partnership"
    assert check_knowledge(store.root)[1] == []
    store.undo(actor="a")
    assert snapshot(store.root) == added_source


def test_undo_of_a_source_still_cited_is_refused(store: KnowledgeStore) -> None:
    change = store.add_source("vivo-zeiss-2024", "Title", "2024-03-04", "", ARTICLE, actor="a")
    hand_written = (
        "- id: hand-written\n"
        "  question: Which Vivo phones?\n"
        "  answer: The X series.\n"
        "  citations:\n"
        "  - source: vivo-zeiss-2024\n"
        "    quote: covering its flagship X series phones\n"
    )
    (store.root / "facts" / "hand.yaml").write_text(hand_written, encoding="utf-8")
    with pytest.raises(ChangeRejected) as refused:
        store.undo(actor="a")
    assert any("cited by hand-written" in m for m in refused.value.messages)
    assert change.record_id in store.base.sources
    assert (store.root / "sources" / "vivo-zeiss-2024.txt").is_file()


@pytest.mark.parametrize(
    ("source_id", "title", "date", "url", "text", "expected"),
    [
        ("../../etc/passwd", "T", "2024-01-01", "", ARTICLE, "source id must be"),
        ("Upper", "T", "2024-01-01", "", ARTICLE, "source id must be"),
        ("article-2022-05-23", "T", "2024-01-01", "", ARTICLE, "duplicate id"),
        ("new-one", "T", "01/02/2024", "", ARTICLE, "'date' must be a date"),
        ("new-one", "T", "2024-02-30", "", ARTICLE, "not a real date"),
        ("new-one", "T", "2024-01-01", "ftp://x", ARTICLE, "'url' must start with https://"),
        ("new-one", "T", "2024-01-01", "", "bad \x00 text", "control characters"),
        ("new-one", "T", "2024-01-01", "", "   ", "empty"),
        ("new-one", "", "2024-01-01", "", ARTICLE, "'title' is empty"),
        ("new-one", "T", "2024-01-01", "", "x" * 1_000_001, "at most"),
    ],
)
def test_bad_sources_are_refused(
    store: KnowledgeStore,
    source_id: str,
    title: str,
    date: str,
    url: str,
    text: str,
    expected: str,
) -> None:
    before = snapshot(store.root)
    with pytest.raises(ChangeRejected) as refused:
        store.add_source(source_id, title, date, url, text, actor="a")
    assert any(expected in m for m in refused.value.messages), refused.value.messages
    assert refused.value.fields["id"] == source_id
    assert snapshot(store.root) == before


# The rest of the API


def test_validate_and_export(store: KnowledgeStore) -> None:
    assert store.validate() == []
    store.add_fact(fact_fields(), actor="a")
    names = [str(p.relative_to(store.root)) for p in store.export()]
    assert names == [
        "sources.yaml",
        "brands.yaml",
        "partnerships.yaml",
        "facts/huawei-leica.yaml",
        "facts/leica.yaml",
        "facts/moderated.yaml",
        "facts/oneplus-vivo.yaml",
        "facts/xiaomi-leica.yaml",
    ]
    (store.root / "facts" / "leica.yaml").write_text("- id: [broken\n", encoding="utf-8")
    problems = store.validate()
    assert problems
    assert problems[0].file == "facts/leica.yaml"


@pytest.mark.parametrize("name", ["brands.yaml", "sources.yaml"])
def test_a_broken_brands_or_sources_file_is_one_problem_to_the_store(
    store: KnowledgeStore, name: str
) -> None:
    path = store.root / name
    good = path.read_bytes()
    path.write_bytes(good.replace(b"\n  ", b"\n  x: !!python/name:os.system\n  ", 1))
    for problems in (store.validate(), store.refresh().problems):
        assert [(p.file, p.line, p.message[:10]) for p in problems] == [(name, 2, "YAML error")]
    assert store.base.facts  # the last good base is kept
    path.write_bytes(b"- id: [unclosed\n")
    assert [p.file for p in store.validate()] == [name]
    path.unlink()
    assert [(p.file, p.message) for p in store.validate()] == [(name, "the file is missing")]
    path.write_bytes(good)
    assert store.validate() == []


def test_recognise_brands_tolerates_typos(store: KnowledgeStore) -> None:
    assert store.recognise_brands("Is Hasselbald still working with One Plus?") == [
        "hasselblad",
        "oneplus",
    ]
    assert store.recognise_brands("When does the Mi 11 Ultra come out?") == ["xiaomi"]
    assert store.recognise_brands("leica and xiaomi") == ["leica", "xiaomi"]
    assert store.recognise_brands("What is the weather like?") == []
    engine = Engine(store.base)
    assert store.recognise_brands("Is Lieca German?", engine) == ["leica"]


def test_gaps_are_most_asked_first_without_those_now_answered(store: KnowledgeStore) -> None:
    for question in ["Does Nokia make cameras?"] * 3 + ["Does Sony make phones?"] * 2:
        store.gap_log.record(question)
    store.gap_log.record("Where is Leica from?")
    gaps = store.gaps(Engine(store.base))
    assert [(g.question, g.count) for g in gaps] == [
        ("Does Nokia make cameras?", 3),
        ("Does Sony make phones?", 2),
    ]
    assert [g.question for g in store.gaps(Engine(store.base), limit=1)] == [
        "Does Nokia make cameras?"
    ]


def test_a_file_that_cannot_be_cut_into_items_is_rewritten_whole(store: KnowledgeStore) -> None:
    path = store.root / "facts" / "flow.yaml"
    path.write_text(
        '[{id: flow-fact, question: "Is Leica German?", answer: "Yes.", '
        f"citations: [{{source: {SOURCE}, quote: {QUOTE}}}]}}]\n",
        encoding="utf-8",
    )
    version = store.version("flow-fact")
    change = store.edit_fact("flow-fact", {"answer": "Yes, it is."}, base_version=version,
                             actor="a")  # fmt: skip
    assert change.fact is not None
    assert change.fact.answer == "Yes, it is."
    assert path.read_text(encoding="utf-8").startswith("- id: flow-fact\n")
    assert reloaded(store.root)["flow-fact"].answer == "Yes, it is."
    store.undo(actor="a")
    assert reloaded(store.root)["flow-fact"].answer == "Yes."


def test_removing_the_last_fact_of_a_file_deletes_it_and_undo_brings_it_back(
    store: KnowledgeStore,
) -> None:
    path = store.root / "facts" / "flow.yaml"
    path.write_text(
        f'[{{id: only-fact, question: "Is Leica German?", answer: "Yes.", '
        f"citations: [{{source: {SOURCE}, quote: {QUOTE}}}]}}]\n",
        encoding="utf-8",
    )
    store.remove_fact("only-fact", base_version=store.version("only-fact"), actor="a")
    assert not path.exists()
    assert check_knowledge(store.root)[1] == []
    store.undo(actor="a")
    assert reloaded(store.root)["only-fact"].answer == "Yes."
    assert path.read_text(encoding="utf-8").startswith("- id: only-fact\n")
    store.remove_fact("leica-country", base_version=None, actor="a")
    assert not (store.root / "facts" / "leica.yaml").exists()
    store.undo(actor="a")
    assert (store.root / "facts" / "leica.yaml").read_bytes() == (
        KNOWLEDGE / "facts" / "leica.yaml"
    ).read_bytes()


def test_changes_by_another_process_come_with_the_next_change(kb: tuple[Path, Path]) -> None:
    mine, theirs = KnowledgeStore(*kb), KnowledgeStore(*kb)
    engine = Engine(mine.load())
    theirs.add_fact(fact_fields("What did the other process add about Leica?"), actor="them")
    theirs.remove_fact("leica-country", base_version=None, actor="them")
    change = mine.add_fact(fact_fields("What did this process add about Xiaomi?"), actor="me")
    assert change.reload is not None
    assert change.reload.removed == ("leica-country",)
    engine = apply_change(engine, change)
    assert engine.ask("What did the other process add about Leica?").answered
    assert engine.ask("What did this process add about Xiaomi?").answered
    assert "leica-country" not in engine.base.facts
    assert mine.refresh().changed is False
