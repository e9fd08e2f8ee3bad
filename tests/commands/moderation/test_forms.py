"""The fact form's data without Discord: drafts to store fields."""

from __future__ import annotations

from bot.facts.models import Citation, Fact
from commands.moderation._forms import (
    EditTarget,
    FactDraft,
    add_fields,
    draft_from_record,
    edit_brands,
    edit_fields,
    record_of_fact,
    same_fact,
)

RECORD = {
    "id": "leica-country",
    "question": "Where is Leica from?",
    "phrasings": ["Is Leica German?", "Where is Leica based?"],
    "answer": "Leica is German.",
    "brands": ["leica"],
    "citations": [
        {"source": "a", "quote": "first quote"},
        {"source": "b", "quote": "second quote"},
    ],
}


def test_a_record_fills_the_form_with_its_first_citation() -> None:
    assert draft_from_record(RECORD) == FactDraft(
        question="Where is Leica from?",
        phrasings="Is Leica German?\nWhere is Leica based?",
        answer="Leica is German.",
        source="a",
        quote="first quote",
    )
    assert draft_from_record({}) == FactDraft()


def test_a_new_fact_cites_the_default_source_when_none_is_typed() -> None:
    draft = FactDraft("Q?", "", "A.", "  ", "quote")
    assert add_fields(draft, ["xiaomi", "leica", "xiaomi"], "newest") == {
        "question": "Q?",
        "phrasings": "",
        "answer": "A.",
        "source": "newest",
        "quote": "quote",
        "brands": ["xiaomi", "leica"],
    }
    assert add_fields(FactDraft(source="mine"), [], "newest")["source"] == "mine"


def test_an_edit_replaces_the_first_citation_and_keeps_the_others() -> None:
    target = EditTarget("leica-country", "v1", RECORD)
    unchanged = edit_fields(draft_from_record(RECORD), target, ["leica"])
    assert unchanged["citations"] == RECORD["citations"]
    changed = edit_fields(
        FactDraft("Where is Leica from?", "", "Leica is German.", "", "new quote"),
        target,
        ["leica"],
    )
    assert changed["citations"] == [
        {"source": "a", "quote": "new quote"},  # an empty source keeps the first one's
        {"source": "b", "quote": "second quote"},
    ]


def test_an_edit_adds_newly_named_brands_and_never_drops_one() -> None:
    target = EditTarget("leica-country", "v1", RECORD)
    assert edit_brands(target, ["leica"], ["xiaomi"]) == ["leica", "xiaomi"]
    assert edit_brands(target, ["leica", "huawei"], ["huawei"]) == ["leica"]
    assert edit_brands(EditTarget("x", "v", {}), [], []) == []


def test_a_form_that_cannot_hold_a_field_is_detected() -> None:
    assert FactDraft(phrasings="p\n" * 1999).fits()
    assert not FactDraft(phrasings="p\n" * 2001).fits()


def test_a_served_fact_matches_its_stored_record_until_that_changes() -> None:
    fact = Fact(
        "leica-country",
        "Where is Leica from?",
        "Leica is German.",
        (Citation("a", "first quote"), Citation("b", "second quote")),
        ("Is Leica German?", "Where is Leica based?"),
        ("leica",),
    )
    served = record_of_fact(fact)
    assert draft_from_record(served) == draft_from_record(RECORD)
    assert same_fact(RECORD, served)
    # The loader trims texts and reads an empty optional list as none.
    assert same_fact(
        {**RECORD, "answer": "Leica is German.\n", "phrasings": []}, {**served, "phrasings": []}
    )
    assert same_fact({**RECORD, "question": "  Where is Leica from? "}, served)
    assert not same_fact({**RECORD, "answer": "Leica is from Wetzlar."}, served)
    assert not same_fact({**RECORD, "brands": ["leica", "xiaomi"]}, served)
    assert not same_fact({**RECORD, "citations": RECORD["citations"][:1]}, served)
