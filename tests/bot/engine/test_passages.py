"""Paraphrases of what a source says: a wh-question found by the one fact whose sentences hold it.

Rows in our own wording, on the shipped base and on the fictional Norra base. A paraphrase is
answered with the fact that quotes the sentence, never with a "Yes" or a "No"; a word no fact
holds, a role ("whose CEO"), a cause no fact was asked for, or a yes/no question keeps it refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from tests.conftest import DATA

_POLAR = re.compile(r"^(yes|no)\b", re.IGNORECASE)

# (question, the fact that answers it, words its answer or quotes hold)
SHIPPED = [
    ("what new era did xiaomi's announcement promise?", "xiaomi-announcement-teaser", ["era"]),
    ("what did xiaomi hint at in the announcement", "xiaomi-announcement-teaser", ["July"]),
    ("what are xiaomi aiming to improve with experts", "xiaomi-why-camera-partner", ["camera"]),
    ("what's the point of the leica deal for xiaomi?", "xiaomi-why-camera-partner", ["experts"]),
    ("how come xiaomi went for leica", "xiaomi-why-camera-partner", ["experts"]),
    ("which parts will leica be involved in?", "xiaomi-leica-scope", ["optical design"]),
    ("what aspects does leica cover with xiaomi", "xiaomi-leica-scope", ["optical design"]),
    ("what do xiaomi and leica appreciate in each other", "lei-jun-statement", ["advantages"]),
    ("what was the wording about collision and fusion", "lei-jun-statement", ["fusion"]),
    ("which markets did huawei struggle in?", "huawei-leica-split", ["many markets"]),
    ("what made huawei and leica call it quits?", "huawei-leica-split", ["challenges"]),
    ("how come leica and huawei went separate ways", "huawei-leica-split", ["challenges"]),
    ("what made huawei walk away from leica", "huawei-leica-split", ["challenges"]),
    ("what slogan did xiaomi use in its announcement?", "xiaomi-announcement-teaser", ["era"]),
    ("what was the teaser line xiaomi used", "xiaomi-announcement-teaser", ["era"]),
]

# Paraphrases that must stay refused: a word no fact holds, a role, a cause nobody stated.
REFUSED = [
    "who is leica's ceo",
    "who founded leica",
    "what made oneplus pick hasselblad",
    "what's the point of vivo's zeiss deal",
    "what did xiaomi say about the price of the phone",
    # "exact" asks for more than the month a source gives: not an empty word.
    "what exact day in july does the xiaomi leica phone come out",
    # "talk" is a noun as often as a verb ("leica talk" titles a thread): not a way to say.
    "leica talk",
]

NORRA = [
    ("which range did kestrel cut?", "kestrel-vellum-split", ["phone range"]),
    ("what made kestrel and vellum call it quits", "kestrel-vellum-split", ["phone range"]),
    ("how come vellum and kestrel went separate ways?", "kestrel-vellum-split", ["range"]),
]
NORRA_REFUSED = [
    "who is vellum's founder",
    "what made norra pick vellum",
]


def _texts(answer: object) -> str:
    text = getattr(answer, "answer", None) or ""
    quotes = " ".join(c.quote for c in getattr(answer, "citations", ()))
    return f"{text} {quotes}"


@pytest.fixture(scope="module")
def norra() -> Engine:
    from bot.facts.yaml_loading import load_fact_base

    return Engine(load_fact_base(Path(DATA) / "norra"))


def _check(engine: Engine, question: str, fact_id: str, holds: list[str]) -> None:
    answer = engine.ask(question)
    assert answer.answered, (question, answer.reply)
    assert answer.fact_id == fact_id, (question, answer.fact_id)
    assert not _POLAR.match(answer.answer or ""), answer.answer
    assert all(h in _texts(answer) for h in holds), _texts(answer)


@pytest.mark.parametrize(("question", "fact_id", "holds"), SHIPPED, ids=[q for q, _, _ in SHIPPED])
def test_a_paraphrase_finds_the_fact_quoting_its_sentence(
    engine: Engine, question: str, fact_id: str, holds: list[str]
) -> None:
    _check(engine, question, fact_id, holds)


@pytest.mark.parametrize(("question", "fact_id", "holds"), NORRA, ids=[q for q, _, _ in NORRA])
def test_a_paraphrase_on_the_norra_base(
    norra: Engine, question: str, fact_id: str, holds: list[str]
) -> None:
    _check(norra, question, fact_id, holds)


@pytest.mark.parametrize("question", REFUSED)
def test_a_paraphrase_read_in_part_stays_refused(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.answered, (question, answer.answer)


@pytest.mark.parametrize("question", NORRA_REFUSED)
def test_a_paraphrase_read_in_part_stays_refused_on_norra(norra: Engine, question: str) -> None:
    answer = norra.ask(question)
    assert not answer.answered, (question, answer.answer)


# A yes/no about a cause: "Yes" only when a fact asked why states it; "Not as far as the sources
# say" when they state its opposite (with their reason), or the same of another brand (with
# "another reason": not a denial, they may not tell every cause); a cause they never mention,
# or a word not read, is refused.
# Not a denial: the sources give the reason of another brand.
ANOTHER = "Not as far as the sources say: they give another"
CAUSES = [
    ("did huawei and leica end it because huawei was struggling?", "Yes, as far as"),
    ("did leica and huawei split because of challenges in many markets", "Yes, as far as"),
    ("did leica and huawei split cuz leica had troubles", ANOTHER),
    ("did huawei and leica split bc huawei was struggling", "Yes, as far as"),
    ("huawei and leica broke up because of xiaomi, right?", ANOTHER),
    ("is xiaomi bringing in experts because its phones flopped?", "Not as far as"),
    ("did xiaomi partner with leica because its phones were successful", "Yes, as far as"),
]
CAUSES_REFUSED = [
    "did huawei and leica split because leica is german",
    "did huawei and leica split because of sanctions",
    "did oneplus pick hasselblad because hasselblad is swedish",
    "did xiaomi and leica split because of challenges",
    # "only because" narrows the cause: the sources do not say it was the only one.
    "did huawei and leica split only because huawei was struggling?",
]
NORRA_CAUSES = [
    ("did kestrel and vellum split because kestrel cut its phone range?", "Yes, as far as"),
    ("did kestrel and vellum split because vellum cut its range?", ANOTHER),
]


@pytest.mark.parametrize(("question", "start"), CAUSES, ids=[q for q, _ in CAUSES])
def test_a_cause_asked_is_the_one_a_source_states(
    engine: Engine, question: str, start: str
) -> None:
    answer = engine.ask(question)
    assert (answer.answer or "").startswith(start), (question, answer.answer or answer.reply)
    assert answer.citations


@pytest.mark.parametrize("question", CAUSES_REFUSED)
def test_a_cause_the_sources_never_link_is_not_answered(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.answered, (question, answer.answer)


@pytest.mark.parametrize(("question", "start"), NORRA_CAUSES, ids=[q for q, _ in NORRA_CAUSES])
def test_a_cause_on_the_norra_base(norra: Engine, question: str, start: str) -> None:
    answer = norra.ask(question)
    assert (answer.answer or "").startswith(start), (question, answer.answer or answer.reply)


# A yes/no that paraphrases one clause of a fact's answer or quote: "Yes." when that clause holds
# every word asked, "No." when it holds the opposite of the one word asked; nothing else.
CLAUSES = [
    ("are xiaomi and leica on the same page?", "Yes."),
    ("do leica and xiaomi disagree?", "No."),
    ("did lei jun say leica and xiaomi disagree", "No."),
    ("did the sources say xiaomi should bring in experts", "Yes."),
]
# Words spread over several clauses, or a speaker who did not say it: no yes or no.
CLAUSES_OPEN = [
    "does leica agree with xiaomi's imaging strategy",
    "did leica say xiaomi and leica disagree",
    "do xiaomi and huawei disagree",
    "did xiaomi say leica should bring in experts",
    "do xiaomi and leica agree or disagree?",
]
NORRA_CLAUSES = [
    ("did kestrel cut its phone range?", "Yes."),
]
NORRA_CLAUSES_OPEN = ["did vellum cut its phone range?", "did norra cut its phone range?"]


@pytest.mark.parametrize(("question", "start"), CLAUSES, ids=[q for q, _ in CLAUSES])
def test_a_yes_no_paraphrasing_one_clause(engine: Engine, question: str, start: str) -> None:
    answer = engine.ask(question)
    assert (answer.answer or "").startswith(start), (question, answer.answer or answer.reply)


@pytest.mark.parametrize("question", CLAUSES_OPEN)
def test_words_from_several_clauses_get_no_yes_or_no(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not _POLAR.match(answer.answer or ""), (question, answer.answer)


@pytest.mark.parametrize(("question", "start"), NORRA_CLAUSES, ids=[q for q, _ in NORRA_CLAUSES])
def test_a_clause_on_the_norra_base(norra: Engine, question: str, start: str) -> None:
    answer = norra.ask(question)
    assert (answer.answer or "").startswith(start), (question, answer.answer or answer.reply)


@pytest.mark.parametrize("question", NORRA_CLAUSES_OPEN)
def test_another_brand_in_the_clause_gets_no_yes_on_norra(norra: Engine, question: str) -> None:
    answer = norra.ask(question)
    assert not _POLAR.match(answer.answer or ""), (question, answer.answer)


# Talk around a question: a persona ("… here", "as a …", "i'm a …") and a label or the options
# before a colon are set aside; the question after them is answered as if asked alone.
TALK = [
    ("zeiss fan here: who does vivo work with?", "who does vivo work with?"),
    ("huawei p40 owner here, which camera brand was on it?", "which camera brand was on the p40?"),
    ("as a xiaomi user, who is xiaomi's camera partner?", "who is xiaomi's camera partner?"),
    (
        "homework help: which phone maker works with hasselblad",
        "which phone maker works with hasselblad",
    ),
    ("serious one: does oneplus work with hasselblad?", "does oneplus work with hasselblad?"),
]
# What stands before a colon and is referred to, or is the question's own list, stays.
TALK_KEPT = [
    ("the p50: did it have leica?", "Yes."),
    ("Leica and Xiaomi: whose chief spoke of collision and fusion?", "Lei Jun"),
]


@pytest.mark.parametrize(("said", "asked"), TALK, ids=[s for s, _ in TALK])
def test_talk_around_a_question_is_set_aside(engine: Engine, said: str, asked: str) -> None:
    answer, alone = engine.ask(said), engine.ask(asked)
    assert answer.answered, (said, answer.reply)
    assert answer.answer == alone.answer, (said, answer.answer, alone.answer)


@pytest.mark.parametrize(("said", "holds"), TALK_KEPT, ids=[s for s, _ in TALK_KEPT])
def test_what_a_question_refers_to_before_a_colon_stays(
    engine: Engine, said: str, holds: str
) -> None:
    answer = engine.ask(said)
    assert holds in (answer.answer or ""), (said, answer.answer or answer.reply)


# Words people use, read as the plain words the sources use: the same answer either way.
SAME_AS = [
    ("which camera outfit is vivo aligned with", "which camera company is vivo partnered with"),
    ("how many years did leica stick with huawei", "how many years did leica work with huawei"),
    (
        "which phone is tipped to be the first xiaomi leica phone",
        "which phone is rumored to be the first xiaomi leica phone",
    ),
    ("which camera brand did xiaomi hook up with", "which camera brand did xiaomi partner with"),
    ("what's the reason xiaomi brought in experts", "why is xiaomi bringing in experts"),
    (
        "who makes the cameras for vivo's high-end phones",
        "who makes the cameras for vivo's flagship phones",
    ),
]


@pytest.mark.parametrize(("typed", "plain"), SAME_AS, ids=[t for t, _ in SAME_AS])
def test_a_word_people_use_reads_as_the_sources_word(
    engine: Engine, typed: str, plain: str
) -> None:
    answer, expected = engine.ask(typed), engine.ask(plain)
    assert expected.answered, plain
    assert answer.answer == expected.answer, (typed, answer.answer or answer.reply)


def test_saying_is_a_word_of_its_own_not_a_typo_of_staying(engine: Engine) -> None:
    analyse = engine.matcher.analyzer.analyse
    assert analyse("saying").tokens == analyse("says").tokens


# A choice between what a source says and words it never uses: what the source says, with no
# yes, no or choice made of the unread side.
ONE_OPTION = [
    ("do leica and xiaomi work closely, or is it a branding gimmick?", "work closely"),
    ("is leica really working on optical design with xiaomi or just lending its logo?", "optical"),
    ("was huawei struggling in markets or thriving?", "challenges"),
]
ONE_OPTION_REFUSED = [
    # Both sides unread, or the read side held by no one clause of one fact.
    "is leica lending its logo or renting its badge?",
    "does xiaomi make cheap phones or pricey gadgets?",
]


@pytest.mark.parametrize(("question", "holds"), ONE_OPTION, ids=[q for q, _ in ONE_OPTION])
def test_the_read_side_of_a_choice_is_what_the_source_says(
    engine: Engine, question: str, holds: str
) -> None:
    answer = engine.ask(question)
    assert holds in (answer.answer or ""), (question, answer.answer or answer.reply)
    assert not _POLAR.match(answer.answer or ""), answer.answer


@pytest.mark.parametrize("question", ONE_OPTION_REFUSED)
def test_a_choice_with_no_side_read_whole_is_refused(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.answered, (question, answer.answer)
