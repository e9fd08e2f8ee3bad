"""A draft never carries a quote that is not word for word in its source (property tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.drafts import Draft, DraftKind, DraftQuoteError, NewSource, propose_drafts
from bot.facts.models import FactBase
from bot.facts.text import quote_key
from bot.facts.validation import quote_in

TEXT = "Oppo has announced a partnership with Hasselblad. The Oppo Find X6 Pro is due in March."
SOURCE = NewSource("later", dt.date(2023, 1, 10), "A later article", TEXT)

# Pieces of news prose: names, cues, dates, punctuation, typographic marks and odd spaces.
PIECES = [
    "Xiaomi",
    "Leica",
    "OnePlus",
    "Hasselblad",
    "Vivo",
    "Zeiss",
    "Huawei",
    "Oppo",
    "Sony",
    "Xiaomi 14 Ultra",
    "Vivo X90 Pro",
    "OnePlus 11",
    "Huawei P60",
    "Oppo Find X7",
    "launched",
    "unveiled",
    "will launch",
    "has not",
    "ended its partnership with",
    "extended its partnership with",
    "a partnership with",
    "partnered with",
    "worked with",
    "German camera maker",
    "phone maker",
    "the Swedish camera maker",
    "'s first phone",
    "which began in 2020",
    "for three more years",
    "until 2027",
    "in March 2024",
    "this year",
    "reports suggest",
    "according to",
    "the first",
    "the partnership",
    "first",
    " ",
    " ",
    ", ",
    ". ",
    "! ",
    "? ",
    "\n",
    "\n\n",
    "“",
    "”",
    "’s",
    "-",
    "\u00a0",
    "\u2014",
]
prose = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map(" ".join)


@given(start=st.integers(0, len(TEXT)), length=st.integers(1, len(TEXT)))
def test_a_slice_of_whole_words_makes_a_draft_and_anything_else_is_refused(start, length) -> None:
    quote = TEXT[start : start + length]
    verbatim = bool(quote.strip()) and quote_in(quote_key(quote), quote_key(TEXT))
    if verbatim:
        assert Draft(DraftKind.ADD_FACT, "f", {"answer": quote}, quote, SOURCE).quote == quote
    else:
        with pytest.raises(DraftQuoteError):
            Draft(DraftKind.ADD_FACT, "f", {"answer": quote}, quote, SOURCE)


@given(quote=st.text(min_size=1, max_size=60))
def test_a_quote_from_elsewhere_is_refused(quote: str) -> None:
    if not quote.strip() or not quote_in(quote_key(quote), quote_key(TEXT)):
        with pytest.raises(DraftQuoteError):
            Draft(DraftKind.ADD_FACT, "f", {}, quote, SOURCE)


def test_a_quote_with_a_changed_letter_is_refused() -> None:
    with pytest.raises(DraftQuoteError):
        Draft(
            DraftKind.ADD_FACT, "f", {}, "Oppo has announced a partnership with Hassleblad.", SOURCE
        )


@given(text=prose)
def test_every_draft_of_any_article_quotes_a_slice_of_it(text: str, fact_base: FactBase) -> None:
    source = NewSource("later", dt.date(2023, 1, 10), "A later article", text)
    for draft in propose_drafts(source, fact_base):
        assert draft.quote in text
        assert draft.quote.strip() == draft.quote
        assert draft.source is source
        for value in draft.changes.values():
            assert value
