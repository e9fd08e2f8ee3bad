"""The decision for a question from its scored shortlist: found, ambiguous or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.engine.matcher.records import Entry
from bot.engine.words import Analysis
from bot.facts.text import plain

# Answer above THRESHOLD when no conflicting entry is within MARGIN.
THRESHOLD = 0.6
MARGIN = 0.05
CONFIDENT = 0.9
SUGGESTION_FLOOR = 0.3
# How many suggestions an abstention offers.
SUGGESTIONS = 3
# Scores are compared rounded to four decimals: the search keeps this much below its threshold.
ROUNDING_SLACK = 2e-4


class Outcome(StrEnum):
    """What the matcher decided."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry with its score for one question and the phrasing that scored it."""

    entry: Entry
    score: float
    phrasing: str


@dataclass(frozen=True, slots=True)
class Match:
    """The decision for one question, with the scored shortlist behind it."""

    outcome: Outcome
    analysis: Analysis
    candidates: tuple[Candidate, ...] = ()
    # False when the search's work budget ran out (a vague question): the decision was taken on
    # the most promising candidates, which exhaustive scoring might not all agree with.
    exact: bool = True

    @property
    def best(self) -> Candidate | None:
        """The chosen candidate when the outcome is FOUND."""
        return self.candidates[0] if self.outcome is Outcome.FOUND else None

    def suggestions(self, limit: int = SUGGESTIONS) -> list[Candidate]:
        """Plausible candidates to offer when the matcher abstains."""
        return [c for c in self.candidates if c.score >= SUGGESTION_FLOOR][:limit]


@lru_cache(maxsize=4096)
def _plain_lower(text: str) -> str:
    return plain(text).lower()


def _quote_overlaps(first: str, second: str) -> bool:
    a, b = _plain_lower(first), _plain_lower(second)
    return a in b or b in a


def agree(first: Entry, second: Entry) -> bool:
    """Whether two entries rest on the same evidence (one quote holds the other)."""
    return any(_quote_overlaps(a, b) for a in first.evidence for b in second.evidence)


def decision_threshold(top: list[float]) -> float:
    """The score below which no entry can change the decision, given the best three so far.

    An entry matters if it could be the best (ties included: the lower id wins), a disagreeing
    runner-up within MARGIN when the best is not CONFIDENT, or one of the suggestions shown when
    the matcher abstains. The value never decreases as the best scores grow, so an entry
    dismissed once stays dismissed.
    """
    best = max(top, default=0.0)
    third = top[0] if len(top) == SUGGESTIONS else 0.0
    needed = best if best >= CONFIDENT else min(best - MARGIN, max(SUGGESTION_FLOOR, third))
    return max(needed, SUGGESTION_FLOOR) - ROUNDING_SLACK


def decide(candidates: Sequence[Candidate]) -> Outcome:
    """Found when the best clears the threshold and no disagreeing runner-up is close."""
    if not candidates or candidates[0].score < THRESHOLD:
        return Outcome.NONE
    best = candidates[0]
    if best.score >= CONFIDENT:
        return Outcome.FOUND
    for runner_up in candidates[1:]:
        if best.score - runner_up.score >= MARGIN:
            break
        if not agree(best.entry, runner_up.entry):
            return Outcome.AMBIGUOUS
    return Outcome.FOUND
