"""The answer engine's plain data: dates, derived answers, brand look-ups, JSON, the gap log."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from bot.engine.engine import (
    BRAND_PREFIX,
    OVERVIEW_ID,
    PARTNERSHIP_PREFIX,
    Answer,
    CitedQuote,
    Engine,
    Suggestion,
    with_date,
)
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
    Source,
)
from bot.state.gaps import QUESTION_MAX, GapLog
from tests.conftest import CITATION_KEYS, SPEC_KEYS

# Dates


def test_every_answer_says_when_it_was_reported(engine: Engine) -> None:
    ids = [*engine.base.facts, OVERVIEW_ID]
    ids += [f"{BRAND_PREFIX}{b}" for b in engine.base.brands]
    ids += [f"{PARTNERSHIP_PREFIX}{p}" for p in engine.base.partnerships]
    for entry_id in ids:
        answer = engine.answer_entry("q", entry_id)
        assert answer.answer is not None
        # The date comes first, after a leading "Yes." or "No." only.
        dated = answer.answer.removeprefix("Yes. ").removeprefix("No. ")
        assert dated.startswith("As reported on 23 May 2022, "), answer.answer
        assert answer.reported_on == "23 May 2022"
        assert answer.citations
        assert all(c.date == "23 May 2022" for c in answer.citations)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiaomi is the latest.", "As reported on 1 June 2022, Xiaomi is the latest."),
        ("The first phone is due.", "As reported on 1 June 2022, the first phone is due."),
        ("Yes. Xiaomi did.", "Yes. As reported on 1 June 2022, Xiaomi did."),
        ("No, it did not.", "No. As reported on 1 June 2022, it did not."),
        ("Leica is German.", "As reported on 1 June 2022, Leica is German."),
        ("OnePlus has a deal.", "As reported on 1 June 2022, OnePlus has a deal."),
    ],
)
def test_with_date_keeps_names_and_lowers_sentence_words(text: str, expected: str) -> None:
    assert with_date(text, "1 June 2022") == expected


def test_with_no_date_the_text_is_unchanged() -> None:
    assert with_date("The first phone is due.", None) == "The first phone is due."


def _source(source_id: str, date: dt.date, text: str) -> Source:
    return Source(source_id, f"Title of {source_id}", date, "", f"sources/{source_id}.txt", text)


@pytest.fixture(scope="module")
def small_base() -> FactBase:
    """Two sources a year apart, and enough brands to test autocomplete's limit."""
    old = _source("old", dt.date(2021, 3, 1), "Acme works with Lens Co on cameras.")
    new = _source("new", dt.date(2022, 9, 30), "Acme still works with Lens Co.")
    brands = {
        "acme": Brand("acme", "Acme", BrandKind.PHONE_MAKER),
        "lensco": Brand("lensco", "Lens Co", BrandKind.CAMERA_MAKER, aliases=("LensCo",)),
    }
    for number in range(40):
        brand_id = f"brand{number:02d}"
        brands[brand_id] = Brand(brand_id, f"Brand {number:02d}", BrandKind.PHONE_MAKER)
    fact = Fact(
        "acme-lensco",
        "Does Acme work with Lens Co?",
        "Yes. Acme works with Lens Co on cameras.",
        (Citation("old", "Acme works with Lens Co"), Citation("new", "Acme still works")),
        brands=("acme", "lensco"),
    )
    partnership = Partnership(
        "acme-lensco",
        "acme",
        "lensco",
        PartnershipStatus.ACTIVE,
        citations=(Citation("old", "Acme works with Lens Co"),),
    )
    return FactBase(
        sources={"old": old, "new": new},
        brands=brands,
        partnerships={partnership.id: partnership},
        facts={fact.id: fact},
    )


def test_an_answer_is_dated_by_its_newest_source(small_base: FactBase) -> None:
    engine = Engine(small_base)
    answer = engine.answer_entry("q", "acme-lensco")
    assert (
        answer.answer
        == "Yes. As reported on 30 September 2022, Acme works with Lens Co on cameras."
    )
    assert [c.date for c in answer.citations] == ["1 March 2021", "30 September 2022"]
    assert [c.title for c in answer.citations] == ["Title of old", "Title of new"]
    derived = engine.answer_entry("q", f"{PARTNERSHIP_PREFIX}acme-lensco")
    assert derived.reported_on == "1 March 2021"


# Derived answers


def test_the_overview_lists_every_partnership_current_first(engine: Engine) -> None:
    answer = engine.answer_entry("q", OVERVIEW_ID)
    text = answer.answer or ""
    positions = []
    for partnership in engine.base.partnerships.values():
        phone = engine.base.brands[partnership.phone_maker].name
        camera = engine.base.brands[partnership.camera_maker].name
        head = re.search(rf"{phone} (works|has|had|worked)[^.]* with {camera}", text)
        assert head, f"{phone}–{camera} missing from {text!r}"
        positions.append((partnership.status is PartnershipStatus.ENDED, head.start()))
    assert "Huawei had a four-year partnership with Leica, which has since ended." in text
    ended = [at for is_ended, at in positions if is_ended]
    current = [at for is_ended, at in positions if not is_ended]
    assert ended
    assert max(current) < min(ended)
    quotes = {c.quote for c in answer.citations}
    assert all(c.quote in quotes for p in engine.base.partnerships.values() for c in p.citations)


def test_a_brand_answer_lists_current_partnerships_before_ended_ones(engine: Engine) -> None:
    text = engine.answer_entry("q", f"{BRAND_PREFIX}leica").answer or ""
    assert "Leica's partnership with Xiaomi has been announced." in text
    assert "Leica had a four-year partnership with Huawei, which has since ended." in text
    assert text.index("Xiaomi") < text.index("Huawei")


def test_a_partnership_answer_gives_status_and_summary(engine: Engine) -> None:
    text = engine.answer_entry("q", f"{PARTNERSHIP_PREFIX}huawei-leica").answer or ""
    assert "Huawei had a four-year partnership with Leica, which has since ended." in text
    assert "Huawei P30 Pro" in text
    assert "challenges in many markets" in text


def test_an_unknown_entry_is_a_key_error(engine: Engine) -> None:
    with pytest.raises(KeyError):
        engine.answer_entry("q", "no-such-fact")


# Brand look-up


@pytest.mark.parametrize(
    ("name", "brand_id"),
    [
        ("Leica", "leica"),
        ("LEICA", "leica"),
        ("  leica  ", "leica"),
        ("Leica Camera", "leica"),
        ("Carl Zeiss", "zeiss"),
        ("carl-zeiss", "zeiss"),
        ("One Plus", "oneplus"),
        ("one-plus", "oneplus"),
        ("hassleblad", "hasselblad"),  # the article's spelling, an alias
        ("hasselbad", "hasselblad"),
        ("hasselbald", "hasselblad"),
        ("huwaei", "huawei"),
        ("huawai", "huawei"),
        ("xiomi", "xiaomi"),
        ("xioami", "xiaomi"),
        ("leika", "leica"),
        ("zeis", "zeiss"),
        ("onepls", "oneplus"),
        ("vvio", "vivo"),
        ("lieca", "leica"),
    ],
)
def test_find_brand_tolerates_case_aliases_and_typos(
    engine: Engine, name: str, brand_id: str
) -> None:
    lookup = engine.find_brand(name)
    assert lookup.brand is not None, f"{name!r}: suggestions {lookup.suggestions}"
    assert lookup.brand.id == brand_id
    assert lookup.query == name


def test_find_brand_gives_partnerships_with_citations(engine: Engine) -> None:
    lookup = engine.find_brand("leica")
    assert [view.partner.id for view in lookup.partnerships] == ["xiaomi", "huawei"]
    assert [view.partnership.status for view in lookup.partnerships] == [
        PartnershipStatus.ANNOUNCED,
        PartnershipStatus.ENDED,
    ]
    for view in lookup.partnerships:
        assert view.reported_on == "23 May 2022"
        assert view.citations
        assert all(isinstance(c, CitedQuote) for c in view.citations)


@pytest.mark.parametrize("name", ["nokia", "samsung", "", "   ", "?!"])
def test_an_unknown_brand(engine: Engine, name: str) -> None:
    lookup = engine.find_brand(name)
    assert lookup.brand is None
    assert lookup.partnerships == ()
    assert lookup.suggestions == ()


def test_a_far_typo_gives_suggestions_not_a_guess(engine: Engine) -> None:
    lookup = engine.find_brand("hasel")
    assert lookup.brand is None
    assert [b.id for b in lookup.suggestions] == ["hasselblad"]
    lookup = engine.find_brand("Leicaa_x")  # two typos: a suggestion, not a guess
    assert lookup.brand is None
    assert [b.id for b in lookup.suggestions] == ["leica"]


def test_two_brands_in_one_name_are_not_guessed(engine: Engine) -> None:
    lookup = engine.find_brand("leicahuawei")
    assert lookup.brand is None
    assert {b.id for b in lookup.suggestions} == {"leica", "huawei"}


# Autocomplete


def test_brand_choices_with_no_text_are_every_brand_by_name(engine: Engine) -> None:
    names = [b.name for b in engine.brand_choices("")]
    assert names == sorted((b.name for b in engine.base.brands.values()), key=str.lower)
    assert names[0] == "Hasselblad"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("lei", "Leica"),
        ("hu", "Huawei"),
        ("has", "Hasselblad"),
        ("carl", "Zeiss"),
        ("one p", "OnePlus"),
        ("hasselbad", "Hasselblad"),
        ("xiomi", "Xiaomi"),
        ("ZEI", "Zeiss"),
    ],
)
def test_brand_choices_best_first(engine: Engine, text: str, first: str) -> None:
    choices = engine.brand_choices(text)
    assert choices
    assert choices[0].name == first


def test_brand_choices_prefer_a_prefix_and_drop_strangers(engine: Engine) -> None:
    names = [b.name for b in engine.brand_choices("h")]
    assert names[:2] == ["Huawei", "Hasselblad"]  # both start with h; the shorter first
    assert engine.brand_choices("qqqq") == []


def test_brand_choices_stop_at_25(small_base: FactBase) -> None:
    engine = Engine(small_base)
    assert len(engine.brand_choices("")) == 25
    assert len(engine.brand_choices("brand")) == 25
    assert [b.name for b in engine.brand_choices("brand", limit=3)] == [
        "Brand 00",
        "Brand 01",
        "Brand 02",
    ]
    assert engine.brand_choices("lensco")[0].id == "lensco"
    assert all(len(b.name) <= 100 for b in engine.brand_choices(""))


# JSON


def test_to_json_has_exactly_the_keys_of_the_spec(engine: Engine) -> None:
    data = engine.answer_entry("Where is Leica from?", "leica-country", 0.75).to_json()
    assert set(data) == SPEC_KEYS
    assert data["question"] == "Where is Leica from?"
    assert data["answered"] is True
    assert data["answer"].startswith("As reported on 23 May 2022, Leica is")
    assert data["score"] == 0.75
    assert data["fact_id"] == "leica-country"
    assert data["suggestions"] == []
    assert data["citations"]
    for citation in data["citations"]:
        assert set(citation) == CITATION_KEYS
        assert citation["source_id"] == "article-2022-05-23"
        assert citation["date"] == "23 May 2022"
        assert citation["title"].startswith("Xiaomi partners with Leica")
    assert json.loads(json.dumps(data)) == data


def test_to_json_of_an_abstention() -> None:
    answer = Answer(
        "What is the price?",
        False,
        None,
        0.41,
        suggestions=(Suggestion("a", "Question A?"), Suggestion("b", "Question B?")),
    )
    data = answer.to_json()
    assert set(data) == SPEC_KEYS
    assert data == {
        "question": "What is the price?",
        "answered": False,
        "answer": None,
        "score": 0.41,
        "fact_id": None,
        "citations": [],
        "suggestions": ["Question A?", "Question B?"],
        "kind": "answer",
        "reply": None,
        "related": [],
    }


# The gap log


def _write(path: Path, *items: object) -> None:
    with path.open("a", encoding="utf-8") as handle:
        for item in items:
            handle.write((item if isinstance(item, str) else json.dumps(item)) + "\n")


def _gap(question: str, at: str) -> dict[str, object]:
    return {"question": question, "key": question.lower(), "user_id": 1, "where": "", "at": at}


def test_gaps_are_counted_most_asked_first(tmp_path: Path) -> None:
    log = GapLog(tmp_path / "state" / "gaps.jsonl")
    assert log.top() == []
    for question in ["What about Nikon?", "what about nikon", "WHAT ABOUT NIKON!!", "Sony?"]:
        log.record(question, user_id=7, where="guild 1")
    top = log.top()
    assert [(gap.question, gap.count) for gap in top] == [("What about Nikon?", 3), ("Sony?", 1)]
    assert top[0].key == "what about nikon"
    assert dt.datetime.fromisoformat(top[0].last_asked).tzinfo is not None


def test_gaps_with_equal_counts_most_recent_first(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    _write(
        path,
        _gap("Older", "2024-01-01T00:00:00+00:00"),
        _gap("Newer", "2024-03-01T00:00:00+00:00"),
        _gap("Middle", "2024-02-01T00:00:00+00:00"),
        _gap("Twice", "2023-01-01T00:00:00+00:00"),
        _gap("Twice", "2023-06-01T00:00:00+00:00"),
    )
    top = GapLog(path).top()
    assert [gap.question for gap in top] == ["Twice", "Newer", "Middle", "Older"]
    assert top[0].last_asked == "2023-06-01T00:00:00+00:00"
    assert [gap.question for gap in GapLog(path).top(limit=2)] == ["Twice", "Newer"]
    assert [gap.question for gap in GapLog(path).top(exclude={"twice", "newer"})] == [
        "Middle",
        "Older",
    ]


def test_damaged_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    _write(
        path,
        _gap("Kept", "2024-01-01T00:00:00+00:00"),
        "not json at all",
        "[1, 2, 3]",
        "42",
        "null",
        json.dumps({"question": "no key", "at": "2024-01-01"}),
        json.dumps({"question": "list key", "key": ["x"], "at": "2024-01-01"}),
        json.dumps({"question": "number time", "key": "kept", "at": 5}),
        json.dumps({"question": None, "key": "kept", "at": "2024-01-02"}),
        "",
        _gap("Kept", "2024-01-03T00:00:00+00:00"),
    )
    with path.open("ab") as handle:
        handle.write(b'{"question": "caf\xe9", "key": "cafe", "at": "2024"}\n')
        handle.write(b'{"question": "half a li')  # a write cut short
    top = GapLog(path).top()
    # A stray byte costs only itself (it reads as U+FFFD); broken records are skipped.
    assert [(gap.question, gap.count) for gap in top] == [("Kept", 2), ("caf\ufffd", 1)]
    assert top[0].last_asked == "2024-01-03T00:00:00+00:00"


def test_recorded_questions_are_cleaned(tmp_path: Path) -> None:
    log = GapLog(tmp_path / "gaps.jsonl")
    log.record("")
    log.record("   ?!  ")
    log.record("\x1b[31mred\x1b[0m alert")
    log.record("Who makes\nthe Pixel\tcamera?")
    log.record("x" * 1000)
    questions = [json.loads(line)["question"] for line in log.path.read_text().splitlines()]
    assert questions == [
        "[31mred [0m alert",
        "Who makes the Pixel camera?",
        "x" * QUESTION_MAX,
    ]


def test_a_message_of_two_questions_keeps_each_answer_with_its_quotes(engine: Engine) -> None:
    answer = engine.ask("Who does Xiaomi work with and who does OnePlus work with?")

    first, second = answer.parts
    assert (first.fact_id, second.fact_id) == ("partners:xiaomi", "partners:oneplus")
    assert all("Hassleblad" not in c.quote for c in first.citations)
    assert [c.quote for c in second.citations] == [
        c.quote for c in engine.answer_entry("", "partners:oneplus").citations
    ]
    assert set(answer.citations) == set(first.citations) | set(second.citations)
    # One date for both: the second part starts with its sentence.
    assert first.answer is not None
    assert first.answer.startswith("As reported on 23 May 2022, ")
    assert second.answer == "OnePlus has a multi-year partnership with Hasselblad."
    assert answer.to_json().keys() == engine.ask("Who does Xiaomi work with?").to_json().keys()


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("xiaomi", "Who does Xiaomi work with?"),
        ("Hasselblad partnerships", "Who does Hasselblad work with?"),
        ("xiaomi and leica", "Are Xiaomi and Leica partners?"),
        ("all partnerships", "Which phone makers have camera partnerships?"),
    ],
)
def test_a_derived_answer_is_for_a_question_not_a_name(
    engine: Engine, question: str, title: str
) -> None:
    answer = engine.ask(question)
    assert answer.matched_question == title
    assert engine.answer_entry("", answer.fact_id or "").matched_question == title


def test_related_answers_are_offered_as_questions(engine: Engine) -> None:
    related = engine.related(("xiaomi", "oneplus", "vivo", "huawei", "leica"))
    assert related
    assert all(s.question.endswith("?") for s in related)
