"""The decision at its edges: THRESHOLD, MARGIN and CONFIDENT, and questions scored just below."""

from __future__ import annotations

import pytest

from bot.engine.engine import Engine
from bot.engine.matcher.matcher import (
    CONFIDENT,
    MARGIN,
    THRESHOLD,
    Candidate,
    Entry,
    Outcome,
    agree,
    decide,
)

JUST = 1e-6


def entry(name: str, *evidence: str) -> Entry:
    return Entry(id=name, questions=(f"{name}?",), answer=f"{name}.", evidence=evidence)


BEST = entry("best", "Leica, the German camera manufacturer")
SAME = entry("same", "the German camera manufacturer")  # its quote is part of BEST's
OTHER = entry("other", "Swedish brand Hassleblad")


def ranked(*scored: tuple[Entry, float]) -> list[Candidate]:
    return [Candidate(e, score, e.questions[0]) for e, score in scored]


def test_nothing_to_choose_from() -> None:
    assert decide([]) is Outcome.NONE


@pytest.mark.parametrize(
    ("score", "outcome"),
    [
        (THRESHOLD - JUST, Outcome.NONE),
        (THRESHOLD, Outcome.FOUND),
        (THRESHOLD + JUST, Outcome.FOUND),
        (0.0, Outcome.NONE),
        (1.0, Outcome.FOUND),
    ],
)
def test_the_threshold(score: float, outcome: Outcome) -> None:
    assert decide(ranked((BEST, score))) is outcome


def test_a_disagreeing_runner_up_within_the_margin_makes_it_ambiguous() -> None:
    # Scores in [0.5, 1) never differ by exactly MARGIN in floating point, so the edge is
    # tested a hair either side of it.
    best = THRESHOLD + 0.1
    assert decide(ranked((BEST, best), (OTHER, best - MARGIN + JUST))) is Outcome.AMBIGUOUS
    assert decide(ranked((BEST, best), (OTHER, best - MARGIN - JUST))) is Outcome.FOUND
    assert decide(ranked((BEST, best), (OTHER, best))) is Outcome.AMBIGUOUS


def test_a_runner_up_on_the_same_evidence_does_not() -> None:
    best = THRESHOLD + 0.1
    assert decide(ranked((BEST, best), (SAME, best))) is Outcome.FOUND


def test_every_runner_up_within_the_margin_is_looked_at() -> None:
    best = THRESHOLD + 0.1
    close = ranked((BEST, best), (SAME, best - MARGIN / 4), (OTHER, best - MARGIN / 2))
    assert decide(close) is Outcome.AMBIGUOUS
    beyond = ranked((BEST, best), (SAME, best - MARGIN / 4), (OTHER, best - 2 * MARGIN))
    assert decide(beyond) is Outcome.FOUND


def test_a_confident_best_ignores_close_runner_ups() -> None:
    assert decide(ranked((BEST, CONFIDENT), (OTHER, CONFIDENT))) is Outcome.FOUND
    below = CONFIDENT - JUST
    assert decide(ranked((BEST, below), (OTHER, below))) is Outcome.AMBIGUOUS


def test_agreement_is_any_shared_quote_either_way() -> None:
    assert agree(BEST, SAME)
    assert agree(SAME, BEST)
    assert not agree(BEST, OTHER)
    assert not agree(BEST, entry("bare"))
    mixed = entry("mixed", "Swedish brand Hassleblad", "the German camera manufacturer")
    assert agree(mixed, BEST)
    assert agree(BEST, mixed)
    assert agree(entry("case", "LEICA, THE GERMAN CAMERA MANUFACTURER"), BEST)


# Questions whose best candidate scores just under THRESHOLD, each a wrong answer if given:
# "Hasselblad is a Swedish brand" does not say where OnePlus's Hasselblad phones are made.
NEAR_THRESHOLD = [
    "Where are Hasselblad phones made?",
    "Where do Hasselblad phones come from?",
    "Where are Hasselblad lenses made?",
    "Where are Leica phones made?",
]


@pytest.mark.parametrize("question", NEAR_THRESHOLD)
def test_the_matcher_refuses_near_threshold_questions(engine: Engine, question: str) -> None:
    match = engine.matcher.match(question)
    assert match.outcome is Outcome.NONE, [(c.entry.id, c.score) for c in match.candidates[:3]]


def test_the_near_threshold_questions_are_near_it(engine: Engine) -> None:
    """They guard the threshold only while some score close under it: replace them if not."""
    scores = []
    for question in NEAR_THRESHOLD:
        match = engine.matcher.match(question)
        scores.append(match.candidates[0].score if match.candidates else 0.0)
    assert any(THRESHOLD - 0.1 <= score < THRESHOLD for score in scores), scores
