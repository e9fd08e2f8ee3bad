"""Text normalisation: the quick path for ASCII gives what full normalisation gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.facts.text import _TYPOGRAPHIC, fold, plain

_SPACE = re.compile(r"\s+")


def _reference_plain(text: str) -> str:
    """plain() as first written: NFKC and marks for every text, then spaces by regex."""
    text = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHIC)).translate(_TYPOGRAPHIC)
    return _SPACE.sub(" ", text).strip()


_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from("\u201c\u201d\u2018\u2019\u2013\u2014\u2033\u00a0\u2028\u0085\u3000ﬁé²"),
        st.characters(),
    ),
    max_size=40,
)


@given(_MIXED)
def test_plain_is_full_normalisation(text: str) -> None:
    assert plain(text) == _reference_plain(text)


def test_plain_examples() -> None:
    assert plain("  Leica\u2019s\t \u201cteaser\u201d\n line ") == 'Leica\'s "teaser" line'
    assert plain("ﬁve\u2033") == 'five"'
    assert plain("a\x1cb") == "a b"
    assert fold("What's   Xiaomi\u2019s partner?") == "what xiaomi partner"
