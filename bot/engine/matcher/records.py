"""What the matcher picks (`Entry`) and its record: an entry's texts ready for scoring.

A record is a `NamedTuple`, a plain tuple underneath: 100,000 small objects of a class with
instance dicts would cost more memory and unpickle slowly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.caches.pickles import fast_pickling

# What an answer must contain to answer "when", "how long", "how many" and "where".
_POINT_IN_TIME = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|(?:19|20)\d\d|since|until|ago|yesterday|today|tomorrow|"
    # "over the past couple of quarters" says since when, as "since 2021" does.
    r"past (?:\w+ ){0,2}(?:quarters?|years?|months?|weeks?))\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(years?|months?|weeks?|days?|quarters?|decades?|multi-year|long-term)\b", re.IGNORECASE
)
# A count is a number before a lower-case word ("four years"), not a model name ("12 Pro").
_COUNT = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
    r"thousands?|millions?|billions?)\s+[a-z]"
)
_PLACE = re.compile(
    r"\b(german|germany|swed|sweden|swedish|chin|china|chinese|japan|japanese|korea|korean|"
    r"american|america|usa|united states|france|french|british|britain|uk|india|indian|taiwan|"
    r"taiwanese|finland|finnish|italy|italian|swiss|switzerland|europe|european|asia|asian|"
    r"countr(y|ies)|based in|headquartered)\w*",
    re.IGNORECASE,
)

# Answer kinds a question can ask for, and the bit of a record's flags that says an answer
# gives one.
KIND_FLAGS = ("answers_time", "answers_duration", "answers_count", "answers_place")
KIND_BITS = {flag: 1 << bit for bit, flag in enumerate(KIND_FLAGS)}

# The pattern an answer of each kind holds.
KIND_PATTERNS = (
    ("answers_time", _POINT_IN_TIME),
    ("answers_duration", _DURATION),
    ("answers_count", _COUNT),
    ("answers_place", _PLACE),
)


def _lower_case_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The pattern without IGNORECASE, for lower-cased ASCII text (None: it is not one)."""
    if not pattern.flags & re.IGNORECASE:
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


# Matching IGNORECASE alternations costs three times matching the same pattern over the
# lower-cased text (1.5 s of a 100,000-fact build for `_PLACE` alone). On ASCII text the two
# agree exactly (no other character folds to an ASCII letter there); other text keeps the
# pattern itself.
_KIND_MATCHERS = tuple(
    (KIND_BITS[flag], pattern, _lower_case_twin(pattern)) for flag, pattern in KIND_PATTERNS
)


def answer_flags(answer: str) -> int:
    """The answer kinds (KIND_BITS) an answer gives."""
    flags = 0
    lowered = answer.lower() if answer.isascii() else None
    for bit, pattern, twin in _KIND_MATCHERS:
        if twin is not None and lowered is not None:
            found = twin.search(lowered)
        else:
            found = pattern.search(answer)
        if found:
            flags |= bit
    return flags


@fast_pickling
@dataclass(frozen=True, slots=True)
class Entry:
    """Something the matcher can pick: a fact, or an answer derived from partnerships."""

    id: str
    questions: tuple[str, ...]
    answer: str
    brands: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = ()


class Record(NamedTuple):
    """An entry ready for scoring.

    Phrasings: each phrasing's sorted tokens joined by spaces, the phrasings joined by " | ",
    the whole between spaces (" a b | c "); a token is held where " token " occurs. Answer: the
    answer's sorted tokens the same way (" a b c "). Brevity: the length of its shortest
    phrasing (tokens joined): short phrasings score highest on vague questions, so a search on a
    budget scores them first.
    """

    entry: Entry
    phrasings: str
    answer: str
    # The brands the entry is about.
    brands: frozenset[str]
    # The answer kinds it gives (KIND_BITS).
    flags: int
    brevity: int


def record_tokens(record: Record) -> set[str]:
    """Every token of an entry's phrasings and answer."""
    tokens = set(record.phrasings.split())
    tokens.discard("|")
    tokens.update(record.answer.split())
    return tokens
