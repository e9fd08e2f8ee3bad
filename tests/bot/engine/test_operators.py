"""Every operator word is read or makes the rules step aside: never a Yes or No that ignores it.

The lexicon (bot/engine/lexicon/operators.py) is enumerated: each word is put into yes/no questions
about a current pair, an ended pair and a pair the sources do not report. An answer that opens
with "Yes" or "No" must differ from the answer to the same question without the word: the same
verdict would mean the word was dropped. Words that add nothing to a yes or no ("also", "too")
are the only ones allowed to leave it as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.engine import Engine
from bot.engine.lexicon.language import wait_loaded
from bot.engine.lexicon.operators import VOCABULARY, Operator, operators_of
from tests.conftest import DATA

_POLAR = re.compile(r"^(yes|no)\b", re.IGNORECASE)
# Words that may stand in a yes/no question without changing its verdict.
_NEUTRAL = {Operator.ADDITIVE}
_PAIRS = (("xiaomi", "leica"), ("huawei", "leica"), ("vivo", "leica"))
_TEMPLATES = (
    "does {a} {w} work with {b}",
    "is {a} {w} working with {b}",
    "does {a} work with {b} {w} july 2023",
    "did {a} work with {b} {w} than 3 years",
)


@pytest.fixture(scope="module")
def shipped(fact_base: object, engine: Engine) -> Engine:
    # The language identifier loads in the background; on a busy machine it may not be ready
    # by the first foreign question, which would then be read as English.
    wait_loaded()
    return engine


def _verdict(text: str | None) -> str:
    """The answer's first sentence: its yes or no and what it says with it."""
    return (text or "").split(". ")[0]


@pytest.mark.parametrize("word", sorted(VOCABULARY))
def test_an_operator_word_is_never_ignored_by_a_yes_or_a_no(shipped: Engine, word: str) -> None:
    ignored = []
    for a, b in _PAIRS:
        for template in _TEMPLATES:
            question = template.format(a=a, b=b, w=word)
            held = operators_of(question.split())
            if not held or held <= _NEUTRAL:
                continue
            answer = shipped.ask(question)
            if not answer.answered or not _POLAR.match(answer.answer or ""):
                continue
            plain = shipped.ask(" ".join(template.format(a=a, b=b, w="").split()))
            if plain.answered and _verdict(plain.answer) == _verdict(answer.answer):
                ignored.append(f"{question!r}: {answer.answer!r}")
    assert not ignored, "\n".join(ignored)


def test_every_word_of_the_lexicon_has_a_meaning_in_some_context() -> None:
    contexts = ("{w}", "{w} july", "{w} than 3", "{w} phones")
    meaningless = [
        w for w in VOCABULARY if not any(operators_of(c.format(w=w).split()) for c in contexts)
    ]
    assert meaningless == []


# What each operator does, on the shipped base and on the fictional Norra base.
SHIPPED = [
    ("is xiaomi the only brand that worked with leica", "No.", ["Huawei"]),
    ("is vivo the only phone maker that works with zeiss", "The sources report only Vivo", []),
    ("is vivo no longer working with zeiss", "No.", ["Vivo works with Zeiss"]),
    ("is huawei no longer working with leica", "Yes: the partnership has ended.", []),
    ("is leica not german", "No: as reported", ["German"]),
    ("is hasselblad not chinese", "Yes: the sources describe Hasselblad as Swedish", []),
    ("will the first xiaomi leica phone launch before july", "No: as reported", ["July 2022"]),
    ("will the first xiaomi leica phone launch before august 2022", "Yes: as reported", []),
    ("will the first xiaomi leica phone launch in july 2030", "Not as far as", ["not July 2030"]),
    ("will the first xiaomi leica phone launch after may 2022", "Yes: as reported", []),
    ("do we have to wait until april 2022 for the first xiaomi leica phone", "Yes: as", []),
    ("do we have to wait until august 2022 for the first xiaomi leica phone", "No: as", []),
    ("was the huawei leica partnership shorter than four years", "No: the sources report four", []),
    ("do oneplus and vivo both have camera partnerships", "Yes.", ["Hasselblad", "Zeiss"]),
    ("do xiaomi and huawei both work with leica", "No: the sources report no current", ["ended"]),
    ("does neither oneplus nor vivo work with leica", "Yes: the sources report no", []),
    ("who did huawei work with before leica?", "", ["other than Leica"]),
    ("will oneplus partner with leica", "The sources don't say what OnePlus and Leica will do", []),
    ("did xiaomi buy leica", "", ["don't say"]),
    ("does leica make phones?", "", ["don't say"]),
    ("¿Con quién trabaja Xiaomi?", "", ["in English"]),
    ("who does oneplus work with, idiot", "As reported", ["Hasselblad"]),
    ("good morning, quick question: does vivo use zeiss?", "Yes.", ["Zeiss"]),
    # A last "not" or "no" asks yes or no; it negates nothing.
    ("does vivo work with zeiss or not", "Yes.", ["Zeiss"]),
    ("is huawei still with leica or not", "Not any more.", ["ended"]),
    ("is leica german or not", "Yes.", ["German"]),
    ("xiaomi works with leica no?", "Yes.", ["Leica"]),
    # "may" before a year is the month.
    ("was the first leica xiaomi phone released in may 2022", "Not as far as", ["not May 2022"]),
    # A country asked of a brand's partners: the premise is corrected first.
    ("which swedish company does xiaomi work with", "The sources report no Swedish", ["Leica"]),
    # A name and a nationality with a question mark is a yes/no question.
    ("hasselblad swedish?", "Yes.", ["Swedish"]),
    # A fact stating the opposite of the one word asked answers "No"; its own "Yes." is a yes
    # only to words its question held.
    ("is xiaomi's market share shrinking", "No.", ["growing"]),
    ("was the xiaomi 12 pro unsuccessful", "No.", ["successful"]),
    ("is xiaomi's market share growing", "Yes.", ["growing"]),
    ("is xiaomis market share droping?", "As reported", ["growing"]),
    # One partner over another: both records, each quoted.
    ("has leica gone with xiaomi rather than huawei?", "Yes.", ["Xiaomi", "ended"]),
    ("was huawei replaced by xiaomi as leica's partner", "Yes.", ["Xiaomi", "ended"]),
    ("does hasselblad work with oneplus instead of vivo", "Yes.", ["no Hasselblad–Vivo"]),
    ("did hasselblad choose oneplus over vivo instead", "The sources don't say", ["OnePlus"]),
    ("is huawei with leica instead of zeiss these days", "No: that partnership has ended", []),
    ("does vivo work with hasselblad instead of zeiss", "No: the sources report no", ["Zeiss"]),
    ("is vivo with zeiss rather than hasselblad", "Yes.", ["Zeiss"]),
    ("did vivo go with zeiss rather than hasselblad", "The sources don't say Vivo chose", []),
    # The status as a choice: going on, or ended.
    ("are oneplus and hasselblad still partners or did it end", "Still together", ["Hasselblad"]),
    ("huawei leica: still going or finished?", "It has ended.", ["four-year"]),
    ("did xiaomi and leica break up or are they still together", "Still together", ["Leica"]),
    # The kind of maker a brand is, from a quote that names the kind beside the brand.
    ("so is leica a camera company?", "Yes.", ["camera-maker Leica"]),
    ("is leica a camera brand or a phone brand", "A camera maker.", ["camera-maker Leica"]),
    ("xiaomi: camera maker or phone maker?", "A phone maker.", ["smartphone maker"]),
    # Who came after an ended partnership: both records, quoted; none is not a guess.
    ("after the huawei split who did leica sign with", "Xiaomi.", ["ended"]),
    ("which phone maker succeeded huawei as leica's partner", "Xiaomi.", ["Huawei"]),
    ("who did huawei move on to after leica", "The sources name no partner of Huawei", []),
    ("who did vivo switch to after zeiss", "Actually, the sources do not report", ["Zeiss"]),
    # A "multi-year" partnership is more than one year, and no more is said.
    ("so the oneplus hasselblad contract is for 1 year, right?", "No: the sources", ["multi"]),
    ("is oneplus's deal with hasselblad for over 1 year", "Yes.", ["multi-year"]),
    ("is the oneplus hasselblad deal six years", "The sources don't say how many", []),
    # "last" the verb measures a length; "less" compares as "more" does; a statement asks.
    ("huawei and leica lasted under 3 years?", "No: the sources report four", []),
    ("did the huawei leica deal last longer than two years", "Yes.", ["four-year"]),
    ("huawei leica lasted less than six yrs?", "Yes.", ["four-year"]),
    # Where the asker read it is no part of what is asked.
    ("where is leica from, according to the article", "As reported", ["German"]),
    ("what nationality is leica per the source", "As reported", ["German"]),
    ("which huawei phones does the article say had leica", "As reported", ["P40"]),
    ("which phone makers are in the article", "As reported", ["OnePlus", "Vivo"]),
    # "one" standing for a noun counts nothing: "the newest one" is not "the first".
    ("is xiaomi the newest one to team up with a camera maker", "Yes.", ["latest"]),
    ("was the huawei p50 one of the leica phones", "Yes.", ["P50"]),
    # "also" and "too" leave the pair's yes or no as it is; "other" still sets one aside.
    ("does vivo partner w hasselblad too?", "No: the sources report no Vivo–Hasselblad", []),
    ("is xiaomi also working with leica", "Yes.", ["Leica"]),
    ("xiaomi got one too?", "Yes.", ["Leica"]),
    # Two brands either side of "or", the third beside them: "either … or" is a choice.
    ("does either oneplus or vivo work with leica", "Neither, as far as the sources say", []),
    ("oneplus or vivo works with zeiss - which one", "Vivo.", ["Zeiss"]),
    ("does xiaomi or huawei work with leica now", "Xiaomi.", []),
    # "at all" is an intensifier; two synonyms either side of "or" are one thing, no choice.
    ("has xiaomi revealed any specs or details about the leica phone at all", "No.", ["July"]),
    ("is leica german or swedish", "German.", []),
    # A negative auxiliary first expects a yes; it negates nothing.
    ("isnt vivo working with zeiss", "Yes.", ["Zeiss"]),
    ("doesnt oneplus work with leica", "No: the sources report no OnePlus–Leica", []),
    ("isnt xiaomi losing market share lately", "No.", ["growing"]),
    # A direction asked as a choice: the one a moderator's fact states, with the fact.
    ("xiaomi market share up or down?", "Up.", ["growing"]),
    ("is xiaomi's market share falling or rising", "Rising.", ["growing"]),
    # A brand's "share" before what it does is its market share; "stuff" is a filler.
    ("since when has xiaomis share been growing", "As reported", ["past couple of quarters"]),
    ("what share does xiaomi have", "As reported", ["market share"]),
    ("did xiaomi share details about the leica phone", "No.", ["did not give"]),
    ("what stuff will xiaomi and leica work on", "As reported", ["optical design"]),
    # "What month" of a first phone asks when it was due, not which phone it is.
    ("what month does the first xiaomi leica phone launch", "As reported", ["July 2022"]),
    ("who is xiaomi's partner? and what is the first phone launch month", "", ["July 2022"]),
    ("what exact day in july does the xiaomi leica phone launch", "The sources don't", []),
    # "both" over several phones: one yes when one partnership was seen on each.
    ("did both the p30 pro and the p40 use leica", "Yes.", ["P30 Pro", "P40"]),
    # "the partnership" of a phone maker's one partnership whose first phone reports named.
    ("will the first phone from the partnership be the xiaomi 12 pro", "Not as far as", ["Ultra"]),
    # Hearsay before a claim is the claim to check, no speaker asked of.
    ("my buddy says vivo and zeiss never worked together. true?", "No.", ["Zeiss"]),
    ("my friend told me oneplus works with zeiss, true?", "No: the sources report no", []),
    ("i heard that huawei still uses leica, is that right?", "Not any more.", ["ended"]),
    # A topic before a comma is what the pronoun after it stands for: one question, read whole.
    ("mi 11 ultra, was that one of the leica phones?", "Not as far as reports say", ["12 Ultra"]),
    ("the huawei p40, was it a leica phone?", "Yes.", ["P40"]),
    ("xiaomi and leica, are they still together?", "Yes.", ["Leica"]),
    # A phone only reports named was confirmed by nobody, whoever the question names.
    ("is the xiaomi 12 ultra confirmed as the leica phone", "Not confirmed", ["12 Ultra"]),
    ("xiaomi confirmed it's the 12 ultra, yes?", "Not confirmed", ["reports"]),
    # A role at another brand given after a comma is a premise, corrected before the answer.
    ("who's lei jun, leica's boss?", "Actually, the sources describe Lei Jun as Xiaomi's", []),
    # A direction verb with a "?" asks yes or no without an auxiliary first.
    ("xiaomi's market share dropping lately?", "No.", ["growing"]),
    # "again" presumes an earlier partnership of the pair; a count of phones is no length.
    ("has xiaomi teamed up with leica again?", "No: the sources report no earlier", ["Leica"]),
    ("will leica work with huawei again?", "The sources don't say what Leica and Huawei", []),
    # A brand asked by its country among several named: each country quoted, or not stated.
    ("which is the german one: leica, zeiss or hasselblad?", "Leica.", ["don't say where Zeiss"]),
    ("which is swedish: leica, zeiss or hasselblad?", "Hasselblad.", ["Leica is a German"]),
    ("is leica or hasselblad swedish?", "Hasselblad.", []),
    # The source named as a frame anywhere ("in this article", "according to this", "does the
    # article say …") is where every answer comes from; the claim after it is the question.
    ("which of the camera brands in this article is from sweden", "As reported", ["Hasselblad"]),
    ("was the 12 pro a flop according to this?", "No.", ["successful"]),
    ("does the article say vivo works with zeiss?", "Yes.", ["Zeiss"]),
    ("does the article say that oneplus works with leica?", "No: the sources report no", []),
    # A label before a question, and clauses about the asker that name nothing, are set aside.
    ("sceptic question: does vivo work with zeiss?", "Yes.", ["Zeiss"]),
    ("reseller here, who does vivo work with?", "As reported", ["Zeiss"]),
    ("photographer here. does oneplus work with hasselblad?", "Yes.", ["Hasselblad"]),
    ("which camera company did xiaomi sign with, i keep hearing other names", "As reported", []),
    # "as well" is "too"; "too, like Huawei and Leica" names the case "too" refers to.
    ("did vivo's zeiss partnership end as well?", "No: the sources do not report", ["Zeiss"]),
    ("did oneplus and hasselblad split too, like huawei and leica?", "No: the sources do not", []),
    # A question after "?" that opens with "or" is the other option of the one before.
    ("vivo + hasselblad? or is it zeiss, i always mix them up", "Zeiss.", []),
    # Two pair claims joined by "and" are two questions, each read whole (a swapped premise).
    ("OnePlus is with Zeiss and Vivo with Hasselblad, right?", "No: the sources report no", []),
    ("is oneplus with hasselblad and vivo with zeiss?", "Yes.", ["Yes. Vivo works with Zeiss"]),
    # A yes/no question naming only brands is asked, never a topic the next part takes up.
    ("is vivo with zeiss? and oneplus?", "Yes.", ["Zeiss"]),
    # One partnership before or after another, as the records order them (an ended one first).
    ("was leica partnered w huawei before or after the xiaomi deal", "Before.", ["Huawei"]),
    ("did leica work with xiaomi before or after huawei?", "After.", ["Xiaomi"]),
    # "only" over one phone: the partnership's record names every phone it was seen on.
    ("the p50 series was the only huawei line with leica right?", "No.", ["P30 Pro", "P40"]),
    # A fact's answer affirms a yes/no: "one" before "among" is a pronoun, not a count; a phone
    # maker's partnership is about phones; "before X" is affirmed by an answer "before X" itself.
    ("is the xiaomi leica deal the latest one among phone and camera brands", "Yes.", ["latest"]),
    ("has leica ever done phones with anyone before xiaomi", "Yes.", ["Huawei"]),
    ("has leica ever done phones with anyone after huawei", "The sources don't", []),
    ("has leica ever done phones with anyone besides xiaomi", "The sources don't", []),
    # "over" as a state is "ended" (before a count it still compares); a tag question.
    ("is the oneplus hasselblad partnership over?", "No: the sources do not report", []),
    ("is the huawei leica partnership over?", "Yes.", ["four-year"]),
    ("xiaomi is losing market share isnt it", "No.", ["growing"]),
    ("vivo works with zeiss doesnt it", "Yes.", ["Zeiss"]),
    # Makers of a kind less those set aside; a brand of the other kind set aside is not read.
    ("besides xiaomi which phone makers already have camera partners", "As reported", ["Vivo"]),
    ("besides zeiss which camera makers have phone partners", "As reported", ["Hasselblad"]),
    ("besides leica which phone makers have camera partners", "The sources don't", []),
    # A partner "for N years" is the one whose record has that length; another length steps aside.
    ("which phone brand was leica with for the last four years", "As reported", ["Huawei"]),
    ("who was leica with for five years", "The sources don't", []),
    # "is that a real thing?", "is that real?" ask whether what was said is true.
    ("vivo x zeiss is that a real thing?", "Yes.", ["Zeiss"]),
    ("huawei leica is that real", "Not any more.", ["four-year"]),
    # "X = Y?" asks "X is Y?".
    ("first xiaomi leica phone = xiaomi 12 pro?", "Not as far as reports say", ["12 Ultra"]),
    # A country "like" another brand's: read only when that brand's quoted country is the one asked.
    ("is hasselblad german like leica", "No: the sources describe Hasselblad as Swedish", []),
    ("is hasselblad swedish like leica", "The sources don't", []),
]
# Questions no rule reads whole: a "Yes" or "No" over the rest of them would answer another.
NOT_POLAR = [
    "is xiaomi a camera manufacturer",  # a brand asked to be another kind of maker
    "is oneplus the camera maker of its partnership",
    "was huawei the camera brand in the leica deal",
    "is vivo without a camera partner",  # "without" negates
    "will the first xiaomi leica phone go on sale in india",  # a place no record covers
    "is the first leica xiaomi phone coming to brazil",
    "which phone brand was the very first to team up with a camera maker",
    "does xiaomi first work with leica",
    "does vivo build cameras for zeiss",  # a role: who makes what for whom
    "so xiaomi gave no details about the first device, right?",  # a fact's No to another question
    "did leica swap huawei for xiaomi",  # no word says which one was set aside
    "did leica pick huawei over xiaomi instead",  # "instead" with no partner after it
    "are they teaming up on just the lenses",  # "just" before what it narrows is "only"
    "is the xiaomi leica work just about colour science",
    "does zeiss collaborate with other smartphone makers",  # "other" than whom is not said
    "could hasselblad partner with other phone companies too",  # what a contract allows
    "can vivo keep working with zeiss",
    # A time counted from the day it is asked: a dated source cannot confirm it by itself.
    "will the first xiaomi leica phone launch next year",
    "is the xiaomi leica phone out this year",
    "what was the last huawei leica phone",  # the sources do not order the phones they name
    "does leica work with other phone makers too",  # "other" than whom is not said
    "are vivo's sales going up or down",  # no fact states the direction asked
    "is xiaomi's share rising or falling",  # "share" alone is no question of the fact's
    "are the p30 pro and xiaomi 12 ultra both leica phones",  # phones answered differently
    "are all huawei phones leica phones",  # "all" over no phone named
    "was the p30 pro or the p40 first",  # the sources do not order the phones they name
    # A subject pronoun that names nothing read: a yes about the brand would answer another.
    "was that one of the leica phones?",
    "is it a leica phone?",
    "are they still together?",
    "did leica confirm the p40 was a leica phone",  # seen on a phone is not who said so
    "is the oneplus hasselblad deal for one phone?",  # a count of phones no record counts
    "is the xiaomi leica deal for two phones?",
    # A negation inside the question, before a year or a length: the rule reads both or neither.
    "did xiaomi not start working with leica in 2022",
    "did leica and xiaomi not team up in 2021?",
    "so huawei and leica didnt last four years?",
    "huawei and leica werent together for more than four years?",
    # A fact's yes or no answers its own question, not one made of its answer's words.
    "is july the month the first xiaomi leica phone comes out",
    "is the phone coming in july the first one of the partnership",
    # A place asked yes/no with no country named (it raised IndexError in where_from), and a
    # question word read ("headquarters" is "where") that no answer says yes to.
    "does leica have headquarters?",
    "does vivo have a head office",
    "is zeiss based anywhere",
    # A brand named only to compare with ("like OnePlus") is not the one asked about.
    "is xiaomi a phone maker like oneplus",
    "is it multi year like oneplus?",
    "does vivo have a deal as long as oneplus, like oneplus?",
]
# "first" ranks the noun it qualifies: a partner ranked is not answered by the first phone.
RANKS_ANOTHER_NOUN = [
    "is xiaomi leica's first ever smartphone partner?",
    "was huawei the first partner leica had",
]


# "out of X, Y and Z, whose …?" is one question whose options come first: never half answered.
OPTIONS_FIRST = [
    "out of oneplus, vivo and xiaomi, whose camera partner used to work with huawei?",
    "among xiaomi and vivo, which works with zeiss?",
]


@pytest.mark.parametrize("question", OPTIONS_FIRST)
def test_options_before_a_question_are_not_a_question(shipped: Engine, question: str) -> None:
    assert len(shipped.reader.read(question).parts) == 1
    assert "first question" not in _said(shipped.ask(question))


@pytest.mark.parametrize("question", RANKS_ANOTHER_NOUN)
def test_first_partner_is_not_answered_by_the_first_phone(shipped: Engine, question: str) -> None:
    text = _said(shipped.ask(question))
    assert "12 Ultra" not in text, text
    assert "July" not in text, text
    # A yes or a no comes only from the source's own ranking of makers (rules/operators/ranking).
    if re.match(r"(yes|no)\b", text, re.IGNORECASE):
        assert "latest smartphone maker" in text, text


@pytest.mark.parametrize("question", NOT_POLAR)
def test_a_question_read_in_part_gets_no_yes_or_no(shipped: Engine, question: str) -> None:
    text = _said(shipped.ask(question))
    assert not re.match(r"(yes|no|not)\b", text, re.IGNORECASE), text


def test_what_happened_after_a_split_is_not_answered_with_a_partner(shipped: Engine) -> None:
    text = _said(shipped.ask("what happened after huawei and leica split"))
    assert not text.startswith("Xiaomi"), text


NORRA = [
    ("is kestrel the only phone maker vellum has ever worked with", "No.", ["Norra"]),
    ("is vellum no longer working with norra", "No.", ["Norra"]),
    ("did kestrel and vellum work together for more than 3 years?", "Yes.", ["six-year"]),
    ("was the norra vellum partnership signed for over 3 years", "Yes.", ["five-year"]),
    ("do norra and kestrel both work with vellum", "No: the sources report no current", []),
    ("will norra partner with optiva", "The sources don't say what Norra and Optiva will do", []),
    ("is kestrel still with vellum or is that over", "It has ended.", ["Vellum"]),
    ("optiva and kestrel still working together, or done?", "Still together", ["Optiva"]),
    ("norra, phone or camera brand?", "A phone maker.", ["Nordic phone maker"]),
    ("who did vellum pick after kestrel", "Norra.", ["ended"]),
    ("did vellum go with norra instead of kestrel", "Yes.", ["Norra", "ended"]),
    ("has kestrel replaced vellum with optiva", "Yes.", ["Optiva", "ended"]),
    ("did norra choose vellum rather than optiva", "The sources don't say Norra chose", []),
    ("did the kestrel vellum partnership last less than 2 years", "No: the sources report six", []),
    ("kestrel and vellum lasted more than four years?", "Yes.", ["six-year"]),
    ("who does norra work with according to the source", "As reported", ["Vellum"]),
    ("does norra partner with optiva too", "No: the sources report no Norra–Optiva", []),
    ("did either kestrel or optiva work with vellum", "Kestrel.", ["ended"]),
    ("does norra or optiva work with kestrel", "Optiva.", ["Kestrel"]),
    ("what month does the first norra vellum phone launch", "As reported", ["October 2031"]),
    ("are the kestrel k7 and k9 both vellum phones", "Yes.", ["Kestrel K9"]),
    # Kestrel has no partnership whose first phone reports named: no answer.
    ("will the first phone of the partnership be the kestrel k9", "The sources don't", []),
    ("someone said kestrel works with optiva, is that right?", "Yes.", ["Optiva"]),
    ("kestrel k9, was that a vellum phone?", "Yes.", ["Kestrel K9"]),
    ("is vellum working with norra again", "No: the sources report no earlier", ["Norra"]),
    ("which is japanese: vellum, norra or optiva?", "Optiva.", ["Vellum is a Finnish"]),
    ("did vellum work with kestrel before or after norra?", "Before.", ["Kestrel"]),
    ("was the kestrel k9 the only vellum phone?", "No.", ["Kestrel K7"]),
    ("who is ada lind, vellum's chief executive?", "Actually, the sources describe Ada Lind", []),
    ("is the kestrel vellum partnership over?", "Yes.", ["six-year"]),
    ("is the kestrel optiva partnership over?", "No: the sources do not report", []),
    ("kestrel works with optiva doesnt it", "Yes.", ["Optiva"]),
    ("did kestrel and vellum work together over 2 years", "Yes.", ["six-year"]),
    ("besides norra which phone makers have camera partners", "As reported", ["Kestrel (with"]),
    ("which camera maker was kestrel with for the last 6 years", "As reported", ["Vellum"]),
    ("who was kestrel with for 2 years", "The sources don't", []),
    ("kestrel x optiva is that a real thing?", "Yes.", ["Optiva"]),
    ("first norra vellum phone = kestrel k9?", "Not as far as reports say", ["Polar X"]),
    ("is optiva finnish like vellum", "No: the sources describe Optiva as Japanese", []),
]


@pytest.mark.parametrize(
    ("words", "held", "not_held"),
    [
        ("did it last 4 years", set(), {Operator.FIRST_LATEST}),
        ("how long did the deal last", set(), {Operator.FIRST_LATEST}),
        ("what was the last leica phone", {Operator.FIRST_LATEST}, set()),
        ("is it out this year", {Operator.TIME}, set()),
        ("will it launch next month", {Operator.TIME, Operator.FUTURE}, set()),
        ("is it out this summer", set(), {Operator.TIME}),  # a season is read as its months
        ("any details at all", set(), {Operator.QUANTIFIER}),
        ("are all its phones leica phones", {Operator.QUANTIFIER}, set()),
    ],
)
def test_the_verb_last_and_relative_times(words: str, held: set[Operator], not_held: set[Operator]):
    found = operators_of(words.split())
    assert held <= found
    assert not (not_held & found)


def _said(answer: object) -> str:
    return getattr(answer, "answer", None) or getattr(answer, "reply", None) or ""


@pytest.mark.parametrize(("question", "start", "holds"), SHIPPED, ids=[q for q, _, _ in SHIPPED])
def test_operators_on_the_shipped_base(
    shipped: Engine, question: str, start: str, holds: list[str]
) -> None:
    text = _said(shipped.ask(question))
    assert text.startswith(start), text
    assert all(h in text for h in holds), text


@pytest.fixture(scope="module")
def norra() -> Engine:
    from bot.facts.yaml_loading import load_fact_base

    return Engine(load_fact_base(Path(DATA) / "norra"))


@pytest.mark.parametrize(("question", "start", "holds"), NORRA, ids=[q for q, _, _ in NORRA])
def test_operators_on_the_norra_base(
    norra: Engine, question: str, start: str, holds: list[str]
) -> None:
    text = _said(norra.ask(question))
    assert text.startswith(start), text
    assert all(h in text for h in holds), text


def test_a_message_too_long_to_read_whole_is_refused_not_read_in_part(shipped: Engine) -> None:
    # Issue #20 item 21: 4,000 characters of random words cost 23-31 ms to read in part.
    words = ("lorem", "ipsum", "dolor", "xiaomi", "leica", "partner", "sit", "amet")
    question = " ".join(words[i % len(words)] for i in range(700))[:4000]
    answer = shipped.ask(question)
    assert not answer.answered
    assert answer.reply is not None
    assert "too long" in answer.reply


def test_a_long_but_readable_message_is_still_read(shipped: Engine) -> None:
    question = "Who does Xiaomi work with, " + "and " * 20 + "who does OnePlus work with?"
    assert shipped.ask(question).answered


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("first leica xiaomi phone july 2022 or july 2023?", "July 2022."),
        ("xiaomi leica phone june 2022 or july 2022", "July 2022."),
        ("is the first leica phone due in june or july", "July."),
    ],
)
def test_a_choice_of_months_names_the_option_whole(
    shipped: Engine, question: str, start: str
) -> None:
    """Options that differ by year are answered with the year: "July." would name both."""
    assert _said(shipped.ask(question)).startswith(start)
