"""Matching questions to entries: a scored shortlist and a decision to answer or abstain."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz

from bot.analysis import QUESTION_TOKENS, Analysis, Analyzer
from bot.models import Brand
from bot.text import plain

# Weights of the three signals; coverage of the question matters most.
QUERY_COVERAGE_WEIGHT = 0.6
PHRASING_COVERAGE_WEIGHT = 0.25
FUZZY_WEIGHT = 0.15
# Credit for a question word found only in an entry's answer, not in its phrasings.
ANSWER_CREDIT = 0.7
# Question words weigh like an ordinary word; an unknown word weighs like the rarest one.
QUESTION_WORD_WEIGHT = 1.0
# Penalties: a brand the entry is not about, an answer of the wrong kind (no time for "when"),
# and words the fact base never uses: the score is multiplied by (1 - their weight share)^power.
FOREIGN_BRAND_FACTOR = 0.45
WRONG_ANSWER_KIND_FACTOR = 0.6
UNKNOWN_WORD_POWER = 1.5
# What is asked (the words other than brands, devices and question words) must be explained:
# the score is multiplied by ASK_FLOOR + (1 - ASK_FLOOR) * the share of those words it covers.
ASK_FLOOR = 0.4
WHO = "?who"
# The decision: answer above THRESHOLD when no conflicting entry is within MARGIN.
THRESHOLD = 0.6
MARGIN = 0.05
CONFIDENT = 0.9
SUGGESTION_FLOOR = 0.3

# What an answer must contain to answer "when", "how long", "how many" and "where".
_POINT_IN_TIME = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|(?:19|20)\d\d|since|until|ago|yesterday|today|tomorrow)\b",
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


class Outcome(StrEnum):
    """What the matcher decided."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Entry:
    """Something the matcher can pick: a fact, or an answer derived from partnerships."""

    id: str
    questions: tuple[str, ...]
    answer: str
    brands: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = ()


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

    @property
    def best(self) -> Candidate | None:
        """The chosen candidate when the outcome is FOUND."""
        return self.candidates[0] if self.outcome is Outcome.FOUND else None

    def suggestions(self, limit: int = 3) -> list[Candidate]:
        """Plausible candidates to offer when the matcher abstains."""
        return [c for c in self.candidates if c.score >= SUGGESTION_FLOOR][:limit]


@dataclass(slots=True)
class _Prepared:
    """An entry's phrasings as token sets, ready for scoring."""

    entry: Entry
    phrasings: list[tuple[str, frozenset[str], str]] = field(default_factory=list)
    answer_tokens: frozenset[str] = frozenset()
    all_tokens: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    answers_time: bool = False
    answers_duration: bool = False
    answers_count: bool = False
    answers_place: bool = False


def _quote_overlaps(first: str, second: str) -> bool:
    a, b = plain(first).lower(), plain(second).lower()
    return a in b or b in a


def agree(first: Entry, second: Entry) -> bool:
    """Whether two entries rest on the same evidence (one quote holds the other)."""
    return any(_quote_overlaps(a, b) for a in first.evidence for b in second.evidence)


class Matcher:
    """Scores questions against entries and decides: found, ambiguous or none."""

    def __init__(self, entries: Iterable[Entry], brands: Iterable[Brand]) -> None:
        entries = list(entries)
        texts = [text for entry in entries for text in (*entry.questions, entry.answer)]
        self.analyzer = Analyzer(brands, texts)
        self._prepared: dict[str, _Prepared] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._document_frequency: dict[str, int] = defaultdict(int)
        for entry in entries:
            self._add(entry)
        self.analyzer.remember_tokens(self._document_frequency)

    # Building

    def _prepare(self, entry: Entry) -> _Prepared:
        prepared = _Prepared(entry)
        brands = set(entry.brands)
        for question in entry.questions:
            analysis = self.analyzer.analyse(question, correct=False)
            tokens = frozenset(analysis.tokens)
            brands |= analysis.brands
            prepared.phrasings.append((question, tokens, " ".join(sorted(tokens))))
        answer = self.analyzer.analyse(entry.answer, correct=False)
        # An entry is about the brands it declares and those its questions name (not its
        # answer: a list of every partnership is not about each brand in it).
        prepared.brands = frozenset(brands)
        prepared.answer_tokens = frozenset(answer.tokens)
        prepared.all_tokens = prepared.answer_tokens.union(
            *(tokens for _, tokens, _ in prepared.phrasings)
        )
        prepared.answers_time = bool(_POINT_IN_TIME.search(entry.answer))
        prepared.answers_duration = bool(_DURATION.search(entry.answer))
        prepared.answers_count = bool(_COUNT.search(entry.answer))
        prepared.answers_place = bool(_PLACE.search(entry.answer))
        return prepared

    def _add(self, entry: Entry) -> None:
        prepared = self._prepare(entry)
        self._prepared[entry.id] = prepared
        for token in prepared.all_tokens:
            self._postings[token].add(entry.id)
            self._document_frequency[token] += 1

    def _remove(self, entry_id: str) -> None:
        prepared = self._prepared.pop(entry_id, None)
        if prepared is None:
            return
        for token in prepared.all_tokens:
            self._postings[token].discard(entry_id)
            self._document_frequency[token] -= 1
            if not self._document_frequency[token]:
                del self._document_frequency[token]
                del self._postings[token]

    def upsert(self, entry: Entry) -> None:
        """Add or replace one entry without rebuilding the rest."""
        self._remove(entry.id)
        self.analyzer.learn((*entry.questions, entry.answer))
        self._add(entry)
        self.analyzer.remember_tokens(self._prepared[entry.id].all_tokens)

    def remove(self, entry_id: str) -> None:
        """Forget one entry."""
        self._remove(entry_id)

    @property
    def entries(self) -> list[Entry]:
        """Every entry, in insertion order."""
        return [prepared.entry for prepared in self._prepared.values()]

    # Scoring

    def _weight(self, token: str) -> float:
        if token in QUESTION_TOKENS:
            return QUESTION_WORD_WEIGHT
        count = len(self._prepared) or 1
        frequency = self._document_frequency.get(token, 0)
        return math.log((count + 1) / (frequency + 0.5)) + 0.5

    def _score(self, analysis: Analysis, prepared: _Prepared) -> tuple[float, str]:
        query = analysis.tokens
        weights = {token: self._weight(token) for token in query}
        total = sum(weights.values()) or 1.0
        # Question words other than "who" are part of what is asked: "where is X from?" is not
        # answered by a phrasing that never asked where.
        asked = [
            token
            for token in analysis.tokens
            if token != WHO
            and token not in analysis.brands
            and token not in analysis.devices
            and token not in analysis.unknown
        ]
        asked_total = sum(weights[token] for token in asked)
        query_text = " ".join(sorted(query))
        best, best_phrasing = 0.0, prepared.entry.questions[0]
        for question, tokens, tokens_text in prepared.phrasings:
            credit = {
                token: 1.0
                if token in tokens
                else ANSWER_CREDIT
                if token in prepared.answer_tokens
                else 0.0
                for token in weights
            }
            covered = sum(weights[token] * credit[token] for token in weights)
            phrasing_total = sum(self._weight(token) for token in tokens) or 1.0
            phrasing_covered = sum(self._weight(token) for token in tokens if token in weights)
            similarity = fuzz.ratio(query_text, tokens_text) / 100
            score = (
                QUERY_COVERAGE_WEIGHT * covered / total
                + PHRASING_COVERAGE_WEIGHT * phrasing_covered / phrasing_total
                + FUZZY_WEIGHT * similarity
            )
            if asked_total:
                asked_share = sum(weights[t] * credit[t] for t in asked) / asked_total
                score *= ASK_FLOOR + (1 - ASK_FLOOR) * asked_share
            if score > best:
                best, best_phrasing = score, question
        if analysis.brands - prepared.brands:
            best *= FOREIGN_BRAND_FACTOR
        if not self._answers_kind(analysis, prepared):
            best *= WRONG_ANSWER_KIND_FACTOR
        unknown = sum(weights[token] for token in analysis.unknown)
        if unknown:
            best *= (1 - unknown / total) ** UNKNOWN_WORD_POWER
        return best, best_phrasing

    @staticmethod
    def _answers_kind(analysis: Analysis, prepared: _Prepared) -> bool:
        kinds = analysis.question_types
        if "?howlong" in kinds:
            return prepared.answers_duration
        if "?when" in kinds:
            return prepared.answers_time
        if "?howmany" in kinds:
            return prepared.answers_count
        if "?where" in kinds:
            return prepared.answers_place
        return True

    def _candidate_ids(self, analysis: Analysis) -> set[str]:
        found: set[str] = set()
        for token in analysis.content:
            found.update(self._postings.get(token, ()))
        return found

    def rank(self, question: str, *, exhaustive: bool = False) -> tuple[Analysis, list[Candidate]]:
        """Every plausible candidate for a question, best first."""
        analysis = self.analyzer.analyse(question)
        if not analysis.content:
            return analysis, []
        ids = self._prepared.keys() if exhaustive else self._candidate_ids(analysis)
        candidates = []
        for entry_id in ids:
            prepared = self._prepared[entry_id]
            score, phrasing = self._score(analysis, prepared)
            if score > 0:
                candidates.append(Candidate(prepared.entry, round(score, 4), phrasing))
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return analysis, candidates

    def match(self, question: str, *, exhaustive: bool = False) -> Match:
        """Decide whether a question has an answer among the entries."""
        analysis, candidates = self.rank(question, exhaustive=exhaustive)
        return Match(decide(candidates), analysis, tuple(candidates[:10]))


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
