"""Any question made of the words the engine reads is answered or refused, never an exception.

A yes/no "where" question naming no country ("does Leica have headquarters?") once raised
IndexError in a rule: on Discord that is no answer at all. Questions are drawn from the
operator lexicon, brands, countries, question words, phones, years and common words, in any
order, so each rule meets forms nobody wrote a test for.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.engine import Engine
from bot.engine.lexicon.operators import VOCABULARY
from tests.conftest import KNOWLEDGE

_ENGINE: list[Engine] = []
WORDS = sorted(
    VOCABULARY
    | set(
        """xiaomi leica oneplus hasselblad vivo zeiss huawei german swedish germany sweden where
        when who what which why how is are was did does do has have will can the a of in with
        for from and or but not no yes phone phones p40 p50 12 ultra pro mi 11 2022 2023 july
        may june year years four partner partnered partnership deal work worked headquarters
        based country camera maker brand first latest only still ended stopped lei jun said ceo
        founder share market growing successful flagship details launch launched announced ?
        , : right""".split()
    )
)


def _engine() -> Engine:
    if not _ENGINE:  # one engine for every example (a module fixture does not mix with @given)
        from bot.facts.yaml_loading import load_fact_base

        _ENGINE.append(Engine(load_fact_base(KNOWLEDGE)))
    return _ENGINE[0]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=9))
def test_no_question_of_known_words_raises(words: list[str]) -> None:
    answer = _engine().ask(" ".join(words))
    # Answered with text, or refused with a reply: never neither, never an empty answer.
    assert (answer.answer is not None) == answer.answered
    assert answer.answer if answer.answered else answer.reply
