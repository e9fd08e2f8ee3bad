"""Reading questions: parts, forms, options, descriptions, chat — each rule on its own."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine
from bot.engine.questions import MAX_PARTS, Form, chat_kind, durations, normalised
from bot.facts.text import words


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks, that's great!", "thanks"),
        ("great", "praise"),
        ("ok cool", "praise"),
        ("lol", "ack"),
        ("hey there", "greeting"),
        ("help", "help"),
        ("what can you do", "help"),
        ("thanks bot, who does Xiaomi work with?", None),
        ("great camera", None),
        ("Leica", None),
    ],
)
def test_chat_kind(message: str, kind: str | None) -> None:
    assert chat_kind(words(message)) == kind


def test_chat_spellings_are_spelled_out_and_chatter_dropped() -> None:
    # words() already reads "who's" as "who"; "whos" typed without the apostrophe is spelled out.
    assert normalised(words("yo who's xiaomi teaming up w/ rn")) == [
        "who", "xiaomi", "teaming", "up", "with", "now",
    ]  # fmt: skip
    assert normalised(["whos", "xiaomi", "with", "atm"]) == ["who", "is", "xiaomi", "with", "now"]
    assert normalised(words("is it still on or nah")) == ["is", "it", "still", "on", "or", "nah"]


def test_durations() -> None:
    assert durations(["for", "ten", "years"]) == (10,)
    assert durations(["4", "yrs", "or", "8", "years"]) == (4, 8)
    assert durations(normalised(["four", "yr", "deal"])) == (4,)
    assert durations(["in", "2022"]) == ()


def test_a_message_splits_at_a_second_question(engine: Engine) -> None:
    parts = engine.reader.read(
        "which phones did huawei make with leica and why did they split"
    ).parts
    assert [p.text for p in parts] == [
        "which phones did huawei make with leica",
        "why did they split",
    ]
    assert parts[1].brands == ("huawei", "leica")
    assert parts[1].inherited


def test_a_part_that_asks_nothing_joins_the_last(engine: Engine) -> None:
    parts = engine.reader.read("xiaomi ceo said something about leica? what was it").parts
    assert len(parts) == 1


def test_and_between_brands_does_not_split(engine: Engine) -> None:
    parts = engine.reader.read("Are OnePlus and Hasselblad still working together?").parts
    assert len(parts) == 1
    assert parts[0].form is Form.YES_NO


@pytest.mark.parametrize(
    ("question", "form", "options"),
    [
        (
            "Is Hasselblad a German or a Swedish brand?",
            Form.EITHER_OR,
            (("hasselblad", "german"), ("swedish", "brand")),
        ),
        ("yo does leica still do huawei cams or nah", Form.YES_NO, ()),
        ("the huawei leica deal lasted 4 years right", Form.YES_NO, ()),
        ("name every camera maker in the article", Form.LIST, ()),
        ("which phone brands are in the article", Form.LIST, ()),
        ("How is the Huawei Leica partnership different from the Xiaomi one?", Form.COMPARE, ()),
        ("Who does Vivo work with?", Form.WH, ()),
        ("huawei leica phones", Form.PLAIN, ()),
    ],
)  # fmt: skip
def test_forms(engine: Engine, question: str, form: Form, options: tuple) -> None:
    part = engine.reader.read(question).parts[0]
    assert part.form is form
    assert part.options == options


@pytest.mark.parametrize(
    ("question", "brands"),
    [
        ("Who is the German camera maker working with now?", ("leica",)),
        ("which company did the german lens maker leave?", ("leica",)),
        ("who does the swedish brand make cameras with", ("hasselblad",)),
        ("which brand is swedish", ("hasselblad",)),
        # A nationality that says something of a named brand describes none.
        ("Is Zeiss German?", ("zeiss",)),
        ("Is Zeiss a German company?", ("zeiss",)),
        ("the german phone maker", ()),
    ],
)
def test_descriptions(engine: Engine, question: str, brands: tuple[str, ...]) -> None:
    assert engine.reader.read(question).parts[0].brands == brands


def test_a_brand_set_aside(engine: Engine) -> None:
    part = engine.reader.read("Who did Leica work with before Xiaomi?").parts[0]
    assert part.brands == ("leica", "xiaomi")
    assert part.excluded == ("xiaomi",)


def test_phones_known_and_unknown(engine: Engine) -> None:
    part = engine.reader.read("Did the P30 Pro have a Leica camera?").parts[0]
    assert part.devices == (("huawei", "p30", "pro"),)
    part = engine.reader.read("when is the xiaomi 13 coming out").parts[0]
    assert part.unknown_devices == ("Xiaomi 13",)
    assert engine.reader.read("did leica team up with xiaomi in 2022").parts[0].years == (2022,)


def test_makers_the_sources_never_mention(engine: Engine) -> None:
    part = engine.reader.read("Does Oppo make phones with Leica?").parts[0]
    assert part.unknown_brands == ("oppo",)
    assert part.brands == ("leica",)


def test_nationalities_months_and_counts_are_not_typos(engine: Engine) -> None:
    words_read = engine.reader.read("is the finnish phone due in october for ten years").parts[0]
    assert {"finnish", "october", "ten"} <= set(words_read.words)


def test_a_message_is_read_as_a_few_questions_at_most(engine: Engine) -> None:
    # Ten questions, 79 words: within what is read at all (MAX_WORDS), past MAX_PARTS.
    message = " and ".join(f"why did huawei and leica split {n}" for n in range(10))
    parts = engine.reader.read(message).parts
    assert len(parts) == MAX_PARTS
    assert engine.reader.read(message).unread == 10 - MAX_PARTS
    answer = engine.ask(message)
    assert answer.answer is not None
    assert answer.answer.endswith(f"ask the last {10 - MAX_PARTS} questions again.")


def test_a_question_asked_twice_is_answered_once(engine: Engine) -> None:
    parts = engine.reader.read("does vivo work with zeiss? does vivo work with zeiss?").parts
    assert len(parts) == 1


@pytest.mark.parametrize(
    "message",
    [
        "hello there! where is Leica from?",
        "hey bot, how are you? where is Leica from?",
        "thanks for that. where is Leica from?",
        "ok cool. where is Leica from?",
        "good evening everyone. where is Leica from?",
        "yo what's up, where is Leica from?",
        "where is Leica from? cool",
    ],
)
def test_small_talk_beside_a_question_is_not_a_part(engine: Engine, message: str) -> None:
    reading = engine.reader.read(message)
    assert [p.text for p in reading.parts] == ["where is leica from"]
    answer = engine.ask(message)
    assert answer.answered
    assert not answer.parts
    assert "first question" not in (answer.answer or "")


def test_a_short_question_after_another_is_still_a_part(engine: Engine) -> None:
    reading = engine.reader.read("Does Xiaomi work with Leica? Is it good?")
    assert [p.text for p in reading.parts] == ["does xiaomi work with leica", "is it good"]
