"""A message of several questions composed into one answer: its parts, their quotes and dates."""

from __future__ import annotations

from bot.engine.answer import Answer, CitedQuote, composed, once_dated

XIAOMI = CitedQuote("article", "Title", "23 May 2022", "Xiaomi has partnered with Leica")
ONEPLUS = CitedQuote("article", "Title", "23 May 2022", "OnePlus has a partnership with Hasselblad")


def _answer(text: str, citation: CitedQuote, fact_id: str, date: str = "23 May 2022") -> Answer:
    return Answer(
        "q",
        True,
        text,
        0.9,
        fact_id=fact_id,
        matched_question=f"Who does {fact_id} work with?",
        reported_on=date,
        citations=(citation,),
    )


def test_each_part_keeps_its_own_citations_and_the_whole_holds_them_all() -> None:
    first = _answer("As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "xiaomi")
    second = _answer("As reported on 23 May 2022, OnePlus works with Hasselblad.", ONEPLUS, "op")

    answer = composed("both?", [first, second])

    assert [p.citations for p in answer.parts] == [(XIAOMI,), (ONEPLUS,)]
    assert [p.fact_id for p in answer.parts] == ["xiaomi", "op"]
    assert answer.citations == (XIAOMI, ONEPLUS)
    assert (answer.fact_id, answer.matched_question) == ("xiaomi", "Who does xiaomi work with?")
    assert answer.answer == "\n\n".join(p.answer or "" for p in answer.parts)


def test_a_shared_date_is_said_once_by_the_first_part() -> None:
    first = _answer("As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "xiaomi")
    second = _answer("As reported on 23 May 2022, the first phone was due in July.", XIAOMI, "x")

    answer = composed("both?", [first, second])

    assert answer.answer == (
        "As reported on 23 May 2022, Xiaomi works with Leica.\n\nThe first phone was due in July."
    )
    assert answer.parts[1].answer == "The first phone was due in July."


def test_a_yes_keeps_its_place_when_the_date_goes() -> None:
    first = _answer("Yes. As reported on 23 May 2022, Vivo works with Zeiss.", XIAOMI, "v")
    second = _answer("Yes. As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "x")

    assert [a.answer for a in once_dated([first, second])] == [
        "Yes. As reported on 23 May 2022, Vivo works with Zeiss.",
        "Yes. Xiaomi works with Leica.",
    ]


def test_different_dates_or_an_undated_part_keep_every_date() -> None:
    first = _answer("As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "xiaomi")
    later = _answer("As reported on 1 June 2023, Xiaomi still works with Leica.", XIAOMI, "x")
    undated = _answer("Leica is German.", XIAOMI, "leica", date="")

    assert once_dated([first, later]) == [first, later]
    assert once_dated([first, undated, first]) == [first, undated, first]


def test_a_part_without_an_answer_is_named_by_its_place() -> None:
    refused = Answer("is leica happy", False, None, 0.1, reply="The sources don't say.")
    given = _answer("As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "xiaomi")

    answer = composed("two", [refused, given])

    assert answer.answer == (
        "The sources don't answer your first question.\n\n"
        "As reported on 23 May 2022, Xiaomi works with Leica."
    )
    assert not answer.parts[0].answered
    assert answer.parts[0].reply == "The sources don't answer your first question."
    assert answer.parts[0].citations == ()
    assert answer.citations == (XIAOMI,)


def test_questions_left_unread_are_a_last_note() -> None:
    given = _answer("As reported on 23 May 2022, Xiaomi works with Leica.", XIAOMI, "xiaomi")

    answer = composed("many", [given, given], unread=2)

    note = "I answer 2 questions at a time: ask the last 2 questions again."
    assert answer.answer is not None
    assert answer.answer.endswith(note)
    assert (answer.parts[-1].kind, answer.parts[-1].reply) == ("chat", note)
