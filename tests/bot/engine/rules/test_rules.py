"""Questions of every shape, asked of a fictional fact base: no rule may depend on the shipped one.

Norra (a phone maker) has announced a five-year partnership with Vellum (a Finnish camera maker);
Kestrel worked with Vellum for six years (ended) and now works with Optiva (Japanese). The
source is tests/data/norra/sources/norra-vellum-2031.txt, dated 14 March 2031.
"""

from __future__ import annotations

import re

import pytest

from bot.engine.engine import Answer, Engine
from bot.facts.text import plain
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import DATA

NORRA = DATA / "norra"
SOURCE = plain((NORRA / "sources" / "norra-vellum-2031.txt").read_text(encoding="utf-8"))
NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def norra() -> Engine:
    return Engine(load_fact_base(NORRA))


# (question, the answer's first words, words it must hold) for questions that must be answered.
ANSWERED = [
    # yes/no, true answer yes
    ("Does Norra work with Vellum?", "Yes.", ["Norra", "Vellum"]),
    ("is kestrel partnered with optiva", "Yes.", ["Optiva"]),
    # yes/no, true answer no: what the sources report instead
    (
        "Does Norra work with Optiva?",
        "No: the sources report no Norra–Optiva",
        ["Vellum", "Kestrel"],
    ),
    ("did kestrel ever team up with optiva", "Yes.", ["Optiva"]),
    # status
    ("Is Kestrel still with Vellum?", "Not any more.", ["ended"]),
    ("Are Kestrel and Optiva still working together?", "Yes.", ["Optiva"]),
    ("Has the first Norra phone launched already?", "Not as of 14 March 2031", ["October 2031"]),
    # dates and lengths checked against the records
    ("Is the first Norra Vellum phone coming in December?", "Not as far", ["October 2031"]),
    ("Is the Norra Vellum phone due in October or in December?", "October.", ["October 2031"]),
    ("were kestrel and vellum together for ten years", "No: the sources report six", ["six"]),
    ("the kestrel vellum deal lasted 6 years right", "Yes.", ["six-year"]),
    ("did norra team up with vellum in 2031", "Yes.", ["2031"]),
    ("is the norra vellum phone a 2032 release", "Not as far", ["October 2031", "2032"]),
    # wrong premises are corrected
    ("Why did Kestrel stop working with Optiva?", "Actually, the sources do not report", []),
    ("When did Norra end its deal with Vellum?", "Actually, the sources do not report", []),
    ("Why did Norra stop working with Optiva?", "Actually, the sources report no Norra–Optiva", []),
    # several questions in one
    (
        "Who does Norra work with, and who does Kestrel work with?",
        "As reported on 14 March 2031",
        ["Vellum", "Optiva"],
    ),
    ("which phones did kestrel make with vellum and why did they split", "As reported", ["K7"]),
    ("which brand is japanese and who does it work with", "As reported", ["Optiva", "Kestrel"]),
    # either/or and comparisons
    ("Is Vellum a Japanese or a Finnish brand?", "Finnish.", ["Finnish"]),
    ("Does Kestrel work with Vellum or Optiva?", "Optiva.", ["Kestrel works with Optiva"]),
    (
        "How is the Kestrel Vellum partnership different from the Norra one?",
        "As reported",
        ["ended", "announced"],
    ),
    # brands by description
    ("Who is the Finnish camera maker working with now?", "As reported", ["Norra"]),
    ("which company did the finnish lens maker leave?", "As reported", ["Kestrel", "ended"]),
    # lists
    ("name every camera maker in the article", "As reported", ["Vellum", "Optiva"]),
    ("which phone makers are in the article", "As reported", ["Norra", "Kestrel"]),
    ("list the kestrel phones with vellum", "As reported", ["Kestrel K7", "Kestrel K9"]),
    # phones
    ("was the K7 made with vellum", "Yes.", ["Kestrel K7"]),
    ("wich phone is the frist norra vellum one", "No phone had come of it yet", ["Polar X"]),
    # attributes
    ("Is Optiva Japanese?", "Yes.", ["Japanese"]),
    ("Is Vellum Japanese?", "No: the sources describe Vellum as Finnish", ["Finnish"]),
    # people, by name and by role
    ("who is norra's boss", "As reported", ["Ada Lind", "chief executive"]),
    ("is ada lind the ceo of vellum", "No: the sources describe Ada Lind as Norra's", []),
    ("is ada lind the head of norra", "Yes.", ["chief executive"]),
    # a phone with a camera maker its partnership was not with
    # Kestrel works with Optiva, only not on the K9: not "no Kestrel–Optiva partnership".
    ("was the k9 made with optiva", "The sources don't say Optiva worked on the K", ["Vellum"]),
    ("kestrel & vellum: 6 years or 9 years", "Six years.", ["six-year"]),
    # brands named by a partner, statements asked as questions, choices of phones
    ("Which phones did the phone maker Vellum left make?", "As reported", ["Kestrel K7"]),
    ("the brand that left kestrel, who's it with now?", "As reported", ["Norra"]),
    ("Who is Kestrel's former partner?", "As reported", ["Vellum"]),
    ("so kestrel still uses vellum cameras?", "Not any more.", ["ended"]),
    ("norra works with optiva yeah?", "No: the sources report no Norra–Optiva", []),
    ("is the norra vellum phone out this autumn?", "Yes.", ["October 2031"]),
    ("first norra vellum phone: norra polar x or k9?", "The Norra Polar X, according to", []),
    (
        "the norra vellum phone will be the kestrel k9 right?",
        "Not as far as reports say",
        ["Polar X"],
    ),
    ("norra optiva start year", "The sources report no Norra–Optiva", []),
    ("who is norra's boss and what did she say", "As reported", ["Ada Lind"]),
    # lengths compared, and a length the records give
    ("did kestrel and vellum work together for more than 3 years?", "Yes.", ["six-year"]),
    (
        "did kestrel and vellum work together for under five years?",
        "No: the sources report six",
        [],
    ),
    ("have norra and vellum worked together for five years?", "Not as far as the sources say", []),
    ("how long is the norra vellum deal?", "As reported", ["five-year"]),
    ("where is vellum from?", "As reported", ["Finnish"]),
    (
        "did kestrel end the deal with vellum or did vellum end it?",
        "As reported",
        ["two companies"],
    ),
    ("does vellum not work with norra?", "No. As reported", ["Norra"]),
    # a choice the summary settles; an old maker is a legacy one, an old partner a former one
    ("is norra's vellum deal for budget cameras or flagship cameras", "Flagship", ["flagship"]),
    ("Who is Kestrel's old partner?", "As reported", ["Vellum"]),
    ("vellum and optiva - same country?", "No. As reported", ["Finnish", "Japanese"]),
    # order, status and identity from the records
    (
        "who had vellum first, kestrel or norra?",
        "The Kestrel–Vellum partnership came first.",
        ["ended"],
    ),
    (
        "which is newer, kestrel-optiva or norra-vellum?",
        "The Norra–Vellum partnership is the newer one.",
        [],
    ),
    ("is the norra vellum deal official or just a rumour", "Official.", ["announced"]),
    ("what's optiva? never heard of it", "As reported", ["Japanese", "Kestrel"]),
    ("what did vellum's boss ada lind say", "Ada Lind is Norra's chief executive, not", []),
    ("is the norra vellum phone dropping this autumn?", "Yes.", ["October 2031"]),
    ("why did vellum drop kestrel", "As reported", ["cut its phone range"]),
    # informal
    ("yo does vellum still do kestrel cams or nah", "Not any more.", ["ended"]),
    ("bruh who's norra teaming up w/ rn", "As reported", ["Vellum"]),
    # a moderator's fact still answers what it says
    ("why did kestrel and vellum split", "As reported", ["cut its phone range"]),
]

# (question, what the refusal must say) for questions the sources cannot answer.
REFUSED = [
    ("Which Kestrel phones have Optiva cameras?", "don't say which phones"),
    ("Does Samsung work with Vellum?", "say nothing about Samsung"),
    ("When did Kestrel start working with Vellum?", "don't say when Kestrel and Vellum started"),
    ("when is the norra 5 coming out", "say nothing about the Norra 5"),
    ("How much does Norra pay Vellum?", "don't say that about Norra and Vellum"),
    ("Where is Zeta from?", ""),
    ("kestrel vellum start year", "don't say when Kestrel and Vellum started"),
    # found by review: each was answered wrongly once
    ("is vellum a phone maker?", ""),
    ("what did vellum say about norra", "don't quote Vellum. They quote Ada Lind"),
    ("which deal is longer, kestrel-optiva or the old kestrel-vellum one?", ""),
    ("where are vellum cameras made?", ""),
    ("is ada lind finnish?", ""),
    ("does the iphone have vellum?", "say nothing about Iphone"),
    ("was the k7 the first kestrel vellum phone?", ""),
    ("did norra work with vellum before kestrel?", ""),
    ("is vellum finnish and optiva japanese?", ""),
    ("will vellum work with kestrel again", "don't say what Vellum and Kestrel will do"),
    (
        "when did kestrel and vellum end their partnership?",
        "don't say when Kestrel and Vellum ended",
    ),
    ("is the chinese phone maker working with vellum?", "don't name a Chinese phone maker"),
]

CHAT = ["thanks!", "great", "ok cool", "lol", "hello", "good bot", "thanks, that's great!"]


def _assert_cited(answer: Answer) -> None:
    assert answer.citations, "every answer carries a citation"
    for citation in answer.citations:
        assert plain(citation.quote) in SOURCE, f"not word for word: {citation.quote!r}"
        assert citation.date == "14 March 2031"


@pytest.mark.parametrize(("question", "start", "holds"), ANSWERED, ids=[a[0] for a in ANSWERED])
def test_answered_from_the_records(norra: Engine, question: str, start: str, holds: list[str]):
    answer = norra.ask(question)
    assert answer.answered, f"refused: {answer.reply}"
    assert answer.answer is not None
    assert answer.answer.startswith(start), answer.answer
    for word in holds:
        assert word in answer.answer or any(word in c.quote for c in answer.citations), word
    # The date the sources said it, once per part at least.
    assert "14 March 2031" in answer.answer
    _assert_cited(answer)
    assert answer.question == question


def test_a_no_is_a_negation_in_the_answer_itself(norra: Engine) -> None:
    for question in ("Does Norra work with Optiva?", "Is Kestrel still with Vellum?"):
        text = norra.ask(question).answer or ""
        assert NEGATION.search(text.split("As reported")[0]), text


@pytest.mark.parametrize(("question", "says"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_what_the_sources_do_say(norra: Engine, question: str, says: str) -> None:
    answer = norra.ask(question)
    assert not answer.answered
    assert answer.answer is None
    assert answer.kind == "refusal"
    assert answer.is_gap
    assert says in (answer.reply or "")
    assert not answer.citations


def test_a_refusal_about_known_brands_shows_their_facts(norra: Engine) -> None:
    answer = norra.ask("When did Kestrel start working with Vellum?")
    related = [r.fact_id for r in answer.related]
    assert related[0] == "partnership:kestrel-vellum", "the pair's own partnership first"
    assert "kestrel-vellum-split" in related
    data = answer.to_json()
    assert data["answered"] is False
    assert data["related"][0] == {
        "fact_id": "partnership:kestrel-vellum",
        "question": "Are Kestrel and Vellum partners?",
    }


@pytest.mark.parametrize("message", CHAT)
def test_small_talk_gets_a_reply_never_a_fact(norra: Engine, message: str) -> None:
    answer = norra.ask(message)
    assert not answer.answered
    assert answer.kind == "chat"
    assert not answer.is_gap, "small talk is not an unanswered question"
    assert "/help" in (answer.reply or "")
    assert not answer.citations


def test_one_word_answers_only_when_it_names_something(norra: Engine) -> None:
    assert norra.ask("vellum").answered
    assert not norra.ask("weather").answered


def test_an_unanswerable_part_is_named_and_the_rest_answered(norra: Engine) -> None:
    answer = norra.ask("Does Norra work with Vellum and how much does Norra pay Vellum?")
    assert answer.answered
    assert answer.answer is not None
    first, second = answer.answer.split("\n\n")
    assert first.startswith("Yes.")
    assert second == "The sources don't answer your second question."


def test_answers_read_as_sentences(norra: Engine) -> None:
    for question, *_ in ANSWERED:
        text = norra.ask(question).answer or ""
        assert "; announced" not in text
        assert "(reported, not confirmed)" not in text
        assert "(active" not in text
        assert "(announced" not in text
        assert ", As reported" not in text, text
        assert ": As reported" not in text, text
