"""Matching questions to entries: a scored shortlist and a decision to answer or abstain."""

from __future__ import annotations

import bisect
import heapq
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from rapidfuzz import fuzz

from bot.caches.pickles import fast_pickling
from bot.engine.words import QUESTION_TOKENS, Analysis, Analyzer
from bot.facts.models import Brand
from bot.facts.text import plain, words

_T = TypeVar("_T")

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
# How many suggestions an abstention offers.
SUGGESTIONS = 3

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


# The pattern an answer of each kind holds.
_KIND_PATTERNS = (
    ("answers_time", _POINT_IN_TIME),
    ("answers_duration", _DURATION),
    ("answers_count", _COUNT),
    ("answers_place", _PLACE),
)


class Outcome(StrEnum):
    """What the matcher decided."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@fast_pickling
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


# Answer kinds a question can ask for, and the bit of a record's flags that says an answer
# gives one.
_KIND_FLAGS = ("answers_time", "answers_duration", "answers_count", "answers_place")
_KIND_BITS = {flag: 1 << bit for bit, flag in enumerate(_KIND_FLAGS)}

# An entry ready for scoring is a plain tuple, its record (100,000 small objects of a class of
# their own cost more memory and unpickle slowly):
# (entry, phrasings, answer, brands, flags, brevity).
# Phrasings: each phrasing's sorted tokens joined by spaces, the phrasings joined by " | ", the
# whole between spaces (" a b | c "); a token is held where " token " occurs. Answer: the
# answer's sorted tokens the same way (" a b c "). Brands: those the entry is about. Flags: the
# answer kinds it gives (_KIND_BITS). Brevity: the length of its shortest phrasing (tokens
# joined): short phrasings score highest on vague questions, so a search on a budget scores
# them first.
_Record = tuple[Entry, str, str, frozenset[str], int, int]
_ENTRY, _PHRASINGS, _ANSWER, _BRANDS, _FLAGS, _BREVITY = range(6)


def _record_tokens(record: _Record) -> set[str]:
    """Every token of an entry's phrasings and answer."""
    tokens = set(record[_PHRASINGS].split())
    tokens.discard("|")
    tokens.update(record[_ANSWER].split())
    return tokens


@dataclass(frozen=True, slots=True)
class _Query:
    """What scoring needs of a question, worked out once for every entry it is scored against."""

    analysis: Analysis
    weights: dict[str, float]
    total: float
    asked: tuple[str, ...]
    asked_total: float
    unknown: float
    text: str
    kind: str | None
    # For each token, in question order: (" token ", weight, weight if asked else 0.0).
    terms: tuple[tuple[str, float, float], ...]
    # (" token ", weight) in token order, as a phrasing's tokens are sorted.
    sorted_terms: tuple[tuple[str, float], ...]
    # " device " for each device token the question names.
    devices: tuple[str, ...]


@lru_cache(maxsize=4096)
def _plain_lower(text: str) -> str:
    return plain(text).lower()


def _quote_overlaps(first: str, second: str) -> bool:
    a, b = _plain_lower(first), _plain_lower(second)
    return a in b or b in a


def agree(first: Entry, second: Entry) -> bool:
    """Whether two entries rest on the same evidence (one quote holds the other)."""
    return any(_quote_overlaps(a, b) for a in first.evidence for b in second.evidence)


def _decision_threshold(top: list[float]) -> float:
    """The score below which no entry can change the decision, given the best three so far.

    An entry matters if it could be the best (ties included: the lower id wins), a disagreeing
    runner-up within MARGIN when the best is not CONFIDENT, or one of the suggestions shown when
    the matcher abstains. The value never decreases as the best scores grow, so an entry
    dismissed once stays dismissed.
    """
    best = max(top, default=0.0)
    third = top[0] if len(top) == SUGGESTIONS else 0.0
    needed = best if best >= CONFIDENT else min(best - MARGIN, max(SUGGESTION_FLOOR, third))
    return max(needed, SUGGESTION_FLOOR) - _ROUNDING_SLACK


# Scores are compared rounded to four decimals: the search keeps this much below its threshold.
_ROUNDING_SLACK = 2e-4
# Groups of at most this many entries get a bound each instead of being split further.
_GROUP_SPLIT_MIN = 16
# The work one question may cost the search, in units of about a microsecond: a vague question
# ("price?") can hold thousands of near-tied entries, and scoring them all took a second at
# 100,000 facts. Scoring one phrasing costs _PHRASING_COST plus one unit per question token,
# bounding one entry _BOUND_COST, set operations one unit per _SET_ELEMENTS elements. When the
# budget runs out the search stops and decides on what it scored (`Match.exact` is then False).
# Set operations are on bitmaps now, far cheaper than on the sets these units were measured
# on, but they are still counted by elements: the budget runs out where it did, so vague
# questions get the same decisions, sooner.
SEARCH_BUDGET = 2_000
_PHRASING_COST = 3
_BOUND_COST = 2
_WALK_COST = 0.5
_SET_ELEMENTS = 50
# A leaf group of more entries than this, and an eighth or more of its token's postings, is
# walked in the token's postings sorted by brevity (`_ranked_postings`), not sorted itself.
_RANKED_MIN = 256
# How many of the shortest entries holding each common question token a search scores first.
_SEEDS = 4
# A posting is a bitmap when more than one entry in this many holds its token: a search makes
# bitmaps of the others it needs (a bitmap costs an eighth of a byte per entry of the base, a
# sorted array four bytes per entry holding the token).
_BITMAP_DENSITY = 1024
# Bytes that are not zero, and the bits set in each byte value: a bitmap's slots.
_NONZERO = re.compile(rb"[^\x00]")
_BITS_IN = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))


# Sorts longer than this are done in parts (see sorted_gently).
_SORT_PART = 8192


def sorted_gently(items: Iterable[_T], key: Callable[[_T], Any] | None = None) -> list[_T]:
    """`sorted(items, key=key)`, without holding the interpreter lock for long.

    Sorting 100,000 strings is one C call of ~40 ms during which no other thread runs: an
    engine built in a worker froze the event loop that long. Parts are sorted alone, then
    merged in Python, where the interpreter switches threads as usual.
    """
    ordered = list(items)
    if len(ordered) <= _SORT_PART:
        return sorted(ordered, key=key)
    parts = [
        sorted(ordered[at : at + _SORT_PART], key=key) for at in range(0, len(ordered), _SORT_PART)
    ]
    return list(heapq.merge(*parts, key=key))


def _bitmap(slots: Sequence[int]) -> int:
    """Sorted slots as a bitmap (bit s set for slot s)."""
    if not slots:
        return 0
    buffer = bytearray((slots[-1] >> 3) + 1)
    for slot in slots:
        buffer[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(buffer, "little")


def _members(bits: int, limit: int | None = None) -> list[int]:
    """The slots a bitmap holds, in order (the first `limit` of them)."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    members: list[int] = []
    for match in _NONZERO.finditer(data):
        at = match.start()
        base = at << 3
        members.extend([base + bit for bit in _BITS_IN[data[at]]])
        if limit is not None and len(members) >= limit:
            return members[:limit]
    return members


class Matcher:
    """Scores questions against entries and decides: found, ambiguous or none.

    `match` and `rank` find the same decision as scoring every entry (`exhaustive=True`), but
    score only entries that could change it: entries are grouped by which question tokens they
    hold (set operations on the inverted index's bitmaps), each group has an upper bound of its
    score (`_bound`), and groups are opened best bound first until no bound can reach the
    decision's threshold (`_decision_threshold`). Entries scoring under SUGGESTION_FLOOR, which
    never change a decision or a suggestion, may be left out of the shortlist.

    The work per question is bounded (`budget`, SEARCH_BUDGET): a vague question ("price?")
    holds thousands of near-tied entries at 100,000 facts. The shortest entries of each common
    question token are scored first (seeds), groups too large to gather are walked shortest
    first, and when the budget runs out the decision is taken on what was scored, with
    `Match.exact` False. Within the budget the decision is exhaustive scoring's.
    """

    def __init__(self, entries: Iterable[Entry], brands: Iterable[Brand]) -> None:
        # One entry per id, the last given, in id order.
        entries = sorted_gently({entry.id: entry for entry in entries}.values(), lambda e: e.id)
        # Each entry has a slot, a small int: its record is _records[slot] (None once removed),
        # and the index holds slots, not ids. A replaced entry keeps its slot.
        self._records: list[_Record | None] = []
        self._slots: dict[str, int] = {}
        # Slots below this were given in id order when the matcher was built; later ones, to
        # entries of new ids, are not (autocomplete lists equal weights in id order).
        self._in_id_order = 0
        # Inverted index: token -> the slots of the entries that use it, as a bitmap (an int,
        # bit s for slot s) when the token is common, else as a sorted array: set operations
        # on bitmaps run in C over a few kilobytes, and neither holds an object per entry. Its
        # keys are the tokens the base knows.
        self._postings: dict[str, int | array[int]] = {}
        # How many entries each bitmap posting holds (counting bits costs a pass over them).
        self._dense: dict[str, int] = {}
        # The slots of the entries about each brand (sorted), and bitmaps of those whose
        # answer gives each kind.
        self._about: dict[str, array[int]] = {}
        self._kinds: dict[str, int] = dict.fromkeys(_KIND_FLAGS, 0)
        self._kind_sizes: dict[str, int] = dict.fromkeys(_KIND_FLAGS, 0)
        # Token weights depend on the entry count and the token's frequency: cached until
        # the next change.
        self._weights: dict[str, float] = {}
        self._brand_sets: dict[frozenset[str], frozenset[str]] = {}
        # Large postings as slots sorted by (brevity, id): made on first use, kept up to date.
        self._ranked: dict[str, array[int]] = {}
        # The search's work budget per question (None: unlimited, like exhaustive scoring).
        self.budget: int | None = SEARCH_BUDGET
        self.analyzer = Analyzer(brands, known_tokens=self._postings)
        # Built in one pass: slots come in order, so each posting is born sorted.
        postings: dict[str, array[int]] = {}
        for entry in entries:
            slot = len(self._records)
            record = self._prepare(entry)
            self._records.append(record)
            self._slots[entry.id] = slot
            for token in _record_tokens(record):
                postings.setdefault(token, array("I")).append(slot)
            self._index_slot(slot, record)
        for token, slots in postings.items():
            self._postings[sys.intern(token)] = self._compact(token, slots)
        self._in_id_order = len(self._records)
        for token in self._postings:
            if self._count(token) > _RANKED_MIN:
                self._ranked_postings(token)

    def _compact(self, token: str, slots: array[int]) -> int | array[int]:
        """A posting's form: a bitmap when its token is common, else its sorted array."""
        if len(slots) * _BITMAP_DENSITY > len(self._records):
            self._dense[token] = len(slots)
            return _bitmap(slots)
        return slots

    def _id_of(self, slot: int) -> str:
        record = self._records[slot]
        assert record is not None
        return record[_ENTRY].id

    def _count(self, token: str) -> int:
        """How many entries hold a token (its document frequency)."""
        posting = self._postings.get(token)
        if posting is None:
            return 0
        return self._dense[token] if isinstance(posting, int) else len(posting)

    def _bits(self, token: str) -> int:
        """The entries holding a token, as a bitmap."""
        posting = self._postings.get(token, 0)
        return posting if isinstance(posting, int) else _bitmap(posting)

    def _index_slot(self, slot: int, record: _Record) -> None:
        """File an entry under its brands and answer kinds."""
        for brand in record[_BRANDS]:
            about = self._about.setdefault(brand, array("I"))
            about.insert(bisect.bisect_left(about, slot), slot)
        for flag in _KIND_FLAGS:
            if record[_FLAGS] & _KIND_BITS[flag]:
                self._kinds[flag] |= 1 << slot
                self._kind_sizes[flag] += 1
        self._weights.clear()

    def _prepare(self, entry: Entry) -> _Record:
        """Analyse an entry's texts, adding their words to the analyzer's vocabulary."""
        analyzer = self.analyzer
        brands = set(entry.brands)
        phrasings = []
        for question in entry.questions:
            question_words = words(question)
            analyzer.add_words(question_words)
            analysis = analyzer.analyse_words(question_words, correct=False)
            brands |= analysis.brands
            phrasings.append(" ".join(sorted(set(analysis.tokens))))
        brevity = min(map(len, phrasings), default=0)
        answer_words = words(entry.answer)
        analyzer.add_words(answer_words)
        answer = analyzer.analyse_words(answer_words, correct=False)
        # An entry is about the brands it declares and those its questions name (not its
        # answer: a list of every partnership is not about each brand in it).
        brand_set = frozenset(brands)
        flags = 0
        for flag, pattern in _KIND_PATTERNS:
            if pattern.search(entry.answer):
                flags |= _KIND_BITS[flag]
        return (
            entry,
            f" {' | '.join(phrasings)} ",
            f" {' '.join(sorted(set(answer.tokens)))} ",
            self._brand_sets.setdefault(brand_set, brand_set),
            flags,
            brevity,
        )

    def _add(self, entry: Entry, slot: int | None = None) -> None:
        record = self._prepare(entry)
        if slot is None:
            slot = len(self._records)
            self._records.append(record)
        else:
            self._records[slot] = record
        self._slots[entry.id] = slot
        for token in _record_tokens(record):
            posting = self._postings.get(token)
            if posting is None:
                self._postings[sys.intern(token)] = array("I", (slot,))
            elif isinstance(posting, int):
                self._postings[token] = posting | 1 << slot
                self._dense[token] += 1
            else:
                posting.insert(bisect.bisect_left(posting, slot), slot)
                self._postings[token] = self._compact(token, posting)
            ranked = self._ranked.get(token)
            if ranked is not None:
                bisect.insort(ranked, slot, key=self._brevity_key)
        self._index_slot(slot, record)

    def _brevity_key(self, slot: int) -> tuple[int, str]:
        record = self._records[slot]
        assert record is not None
        return record[_BREVITY], record[_ENTRY].id

    def _remove(self, entry_id: str) -> int | None:
        """Forget an entry; its slot, now free."""
        slot = self._slots.get(entry_id)
        if slot is None:
            return None
        record = self._records[slot]
        assert record is not None
        brevity = record[_BREVITY]
        for token in _record_tokens(record):
            posting = self._postings[token]
            if isinstance(posting, int):
                posting &= ~(1 << slot)
                self._postings[token] = posting
                self._dense[token] -= 1
                if not posting:
                    del self._dense[token]
            else:
                del posting[bisect.bisect_left(posting, slot)]
            if not posting:
                del self._postings[token]
            ranked = self._ranked.get(token)
            if ranked is not None:
                at = bisect.bisect_left(ranked, (brevity, entry_id), key=self._brevity_key)
                del ranked[at]
                if not ranked:
                    del self._ranked[token]
        # After the ranked lists, whose key reads the record.
        self._records[slot] = None
        del self._slots[entry_id]
        for brand in record[_BRANDS]:
            about = self._about[brand]
            del about[bisect.bisect_left(about, slot)]
            if not about:
                del self._about[brand]
        for flag in _KIND_FLAGS:
            if record[_FLAGS] & _KIND_BITS[flag]:
                self._kinds[flag] &= ~(1 << slot)
                self._kind_sizes[flag] -= 1
        self._weights.clear()
        entry = record[_ENTRY]
        self.analyzer.remove_texts((*entry.questions, entry.answer))
        return slot

    def adopt(self, entries: Iterable[Entry]) -> None:
        """Hold these entries, each equal to the one of its id, instead of those (no re-index)."""
        records, slots = self._records, self._slots
        for entry in entries:
            slot = slots[entry.id]
            records[slot] = (entry, *records[slot][1:])  # type: ignore[index]
        # Keyed by the held entries' ids too: the old keys would be a second copy of each id.
        self._slots = {
            record[_ENTRY].id: slot for slot, record in enumerate(records) if record is not None
        }

    def upsert(self, entry: Entry) -> None:
        """Add or replace one entry without rebuilding the rest."""
        self._add(entry, self._remove(entry.id))

    def remove(self, entry_id: str) -> None:
        """Forget one entry."""
        self._remove(entry_id)

    @property
    def entries(self) -> list[Entry]:
        """Every entry: those built with in id order, then those added since."""
        return [record[_ENTRY] for record in self._records if record is not None]

    def _record(self, entry_id: str) -> _Record:
        """The record of an entry."""
        record = self._records[self._slots[entry_id]]
        assert record is not None
        return record

    # Scoring

    def _weight(self, token: str) -> float:
        weight = self._weights.get(token)
        if weight is not None:
            return weight
        if token in QUESTION_TOKENS:
            weight = QUESTION_WORD_WEIGHT
        else:
            count = len(self._slots) or 1
            frequency = self._count(token)
            weight = math.log((count + 1) / (frequency + 0.5)) + 0.5
            if not frequency:
                return weight  # unknown words are not cached: users can type any number of them
        self._weights[token] = weight
        return weight

    def _query(self, analysis: Analysis) -> _Query:
        """The per-question part of scoring."""
        query = analysis.tokens
        weights = {token: self._weight(token) for token in query}
        total = sum(weights.values()) or 1.0
        # Question words other than "who" are part of what is asked: "where is X from?" is not
        # answered by a phrasing that never asked where.
        asked = tuple(
            token
            for token in analysis.tokens
            if token != WHO
            and token not in analysis.brands
            and token not in analysis.devices
            and token not in analysis.unknown
        )
        asked_total = sum(weights[token] for token in asked)
        unknown = sum(weights[token] for token in analysis.unknown)
        query_text = " ".join(sorted(query))
        kind = self._asked_kind(analysis)
        asked_set = set(asked)
        terms = tuple(
            (f" {token} ", weight, weight if token in asked_set else 0.0)
            for token, weight in weights.items()
        )
        sorted_terms = tuple((f" {token} ", weights[token]) for token in sorted(weights))
        devices = tuple(f" {token} " for token in analysis.devices)
        return _Query(
            analysis,
            weights,
            total,
            asked,
            asked_total,
            unknown,
            query_text,
            kind,
            terms,
            sorted_terms,
            devices,
        )

    def _score(self, query: _Query, record: _Record) -> tuple[float, str]:
        """The score of one entry for a question, and the phrasing that earned it.

        `_bound` must stay an upper bound of this score: change both together
        (tests/bot/engine/matcher/test_index.py checks it). Sums run in the order of the first
        version (question tokens in question order, a phrasing's in sorted order), so scores stay
        bit for bit.
        """
        entry, phrasings, answer = record[_ENTRY], record[_PHRASINGS], record[_ANSWER]
        total = query.total
        asked_total = query.asked_total
        terms = query.terms
        sorted_terms = query.sorted_terms
        text = query.text
        cached = self._weights
        # Each question token's credit when a phrasing does not hold it: its answer's, or none.
        answered = [ANSWER_CREDIT if padded in answer else 0.0 for padded, _, _ in terms]
        best, best_phrasing = 0.0, entry.questions[0]
        for question, part in zip(entry.questions, phrasings.split("|"), strict=True):
            covered = asked_covered = 0.0
            for (padded, weight, asked_weight), credit in zip(terms, answered, strict=True):
                if padded in part:
                    covered += weight
                    asked_covered += asked_weight
                elif credit:
                    covered += weight * credit
                    asked_covered += asked_weight * credit
            asked_factor = (
                ASK_FLOOR + (1 - ASK_FLOOR) * (asked_covered / asked_total) if asked_total else 1.0
            )
            # With full phrasing coverage and similarity (their most), a phrasing that cannot
            # beat the best so far needs no more work: float sums and products are monotonic,
            # so its score is at most this ceiling.
            ceiling = QUERY_COVERAGE_WEIGHT * covered / total + PHRASING_COVERAGE_WEIGHT
            if (ceiling + FUZZY_WEIGHT) * asked_factor <= best:
                continue
            phrasing_covered = 0.0
            for padded, weight in sorted_terms:
                if padded in part:
                    phrasing_covered += weight
            tokens = part.split()
            try:
                phrasing_total = sum(map(cached.__getitem__, tokens)) or 1.0
            except KeyError:  # weights not worked out since the last change
                phrasing_total = sum(map(self._weight, tokens)) or 1.0
            similarity = fuzz.ratio(text, part[1:-1]) / 100
            score = (
                QUERY_COVERAGE_WEIGHT * covered / total
                + PHRASING_COVERAGE_WEIGHT * phrasing_covered / phrasing_total
                + FUZZY_WEIGHT * similarity
            )
            if asked_total:
                score *= asked_factor
            if score > best:
                best, best_phrasing = score, question
        if query.analysis.brands - record[_BRANDS] or not self._names_devices(query, record):
            best *= FOREIGN_BRAND_FACTOR
        if not self._answers_kind(query, record):
            best *= WRONG_ANSWER_KIND_FACTOR
        if query.unknown:
            best *= (1 - query.unknown / total) ** UNKNOWN_WORD_POWER
        return best, best_phrasing

    @staticmethod
    def _bound(query: _Query, held: float, asked_held: float, *, about: bool, kind: bool) -> float:
        """An upper bound of `_score` for the entries that hold question tokens of weight `held`.

        The tokens are held in a phrasing or the answer, `asked_held` of the weight is asked;
        `about`: the entries are about every brand the question names; `kind`: their answers
        give the kind of answer asked for. Each phrasing covers at most `held`; phrasing
        coverage and similarity are at most 1 (and phrasing coverage is 0 when nothing is held).
        """
        score = QUERY_COVERAGE_WEIGHT * held / query.total + FUZZY_WEIGHT
        if held:
            score += PHRASING_COVERAGE_WEIGHT
        if query.asked_total:
            score *= ASK_FLOOR + (1 - ASK_FLOOR) * min(1.0, asked_held / query.asked_total)
        if not about:
            score *= FOREIGN_BRAND_FACTOR
        if not kind:
            score *= WRONG_ANSWER_KIND_FACTOR
        if query.unknown:
            score *= (1 - query.unknown / query.total) ** UNKNOWN_WORD_POWER
        return score

    @staticmethod
    def _names_devices(query: _Query, record: _Record) -> bool:
        """Whether the entry mentions every device the question names ("12 Pro" is not "12 Ultra").

        Like a brand the entry is not about, a device it never mentions is penalised; the
        penalty only lowers a score, so `_bound` stays an upper bound without it.
        """
        return all(
            padded in record[_ANSWER] or padded in record[_PHRASINGS] for padded in query.devices
        )

    @staticmethod
    def _asked_kind(analysis: Analysis) -> str | None:
        """The answer kind (_KIND_FLAGS) an answer must give for this question, if any."""
        kinds = analysis.question_types
        if "?howlong" in kinds:
            return "answers_duration"
        if "?when" in kinds:
            return "answers_time"
        if "?howmany" in kinds:
            return "answers_count"
        if "?where" in kinds:
            return "answers_place"
        return None

    @staticmethod
    def _answers_kind(query: _Query, record: _Record) -> bool:
        return query.kind is None or bool(record[_FLAGS] & _KIND_BITS[query.kind])

    # Searching

    def _search(
        self,
        query: _Query,
        keep: int = SUGGESTIONS,
        threshold_of: Callable[[list[float]], float] = _decision_threshold,
    ) -> tuple[list[tuple[float, str, str]], bool]:
        """Score the entries that could change the decision: (score, entry id, phrasing), exact.

        `exact` is False when the work budget (`self.budget`) ran out before every entry that
        could change the decision was scored: the entries found are then the most promising
        ones (best bound first, shortest phrasing first among equals), not provably the best.

        `threshold_of` gives, from the `keep` best scores so far (a min-heap), the score under
        which entries no longer matter; it must never decrease as those scores grow.

        A best-first branch and bound. Entries holding none of the question's tokens score
        at most FUZZY_WEIGHT times the penalties, under SUGGESTION_FLOOR, and are never scored
        (checked at the end). The rest are split into groups: by the rarest token they hold,
        then by brand and by answer kind (whose penalties prune most), then by each further
        token, held or not. A group's bound assumes that every undecided condition goes its
        way, and its entries are gathered (set operations) only when that bound still matters.
        """
        weights = query.weights
        postings = self._postings
        order = sorted((t for t in weights if t in postings), key=lambda t: (-weights[t], t))
        count = len(order)
        asked = set(query.asked)
        gain = [weights[t] for t in order]
        asked_gain = [weights[t] if t in asked else 0.0 for t in order]
        # rest[i]: the weight of tokens i and after, which a group not yet split on them may hold.
        rest = [0.0] * (count + 1)
        asked_rest = [0.0] * (count + 1)
        for i in range(count - 1, -1, -1):
            rest[i] = rest[i + 1] + gain[i]
            asked_rest[i] = asked_rest[i + 1] + asked_gain[i]
        # How many entries hold each token; their bitmaps, and those of the entries holding
        # any token before i, are made when first needed.
        sizes = [self._count(t) for t in order]
        bitmaps: dict[int, int] = {}
        befores: dict[int, int] = {0: 0}

        def bits(i: int) -> int:
            found = bitmaps.get(i)
            if found is None:
                found = bitmaps[i] = self._bits(order[i])
            return found

        def before(i: int) -> int:
            found = befores.get(i)
            if found is None:
                found = befores[i] = before(i - 1) | bits(i - 1)
            return found

        brands = query.analysis.brands
        about_all = 0
        if brands:
            about_all = -1
            for brand in brands:
                about_all &= _bitmap(self._about.get(brand, ()))
        about_size = about_all.bit_count()
        kind_set = self._kinds[query.kind] if query.kind else 0
        kind_size = self._kind_sizes[query.kind] if query.kind else 0
        # Bytes of a bitmap, for testing single slots (a shift of a large int costs its size).
        width = (len(self._records) + 7) // 8
        masks: dict[object, bytes] = {}

        def mask(key: object, bitmap: int) -> bytes:
            found = masks.get(key)
            if found is None:
                found = masks[key] = bitmap.to_bytes(width, "little")
            return found

        found: list[tuple[float, str, str]] = []
        top: list[float] = []  # the `keep` best scores, a min-heap
        threshold = threshold_of(top)
        bound = self._bound
        records = self._records
        # What is left of the work budget (units of about a microsecond, see SEARCH_BUDGET).
        left = math.inf if self.budget is None else float(self.budget)
        # Scoring a phrasing looks at every question token.
        phrasing_cost = _PHRASING_COST + len(weights)
        # A group: [slots, next token, held, asked held, about, kind, root], its slots a bitmap.
        # About (the entries are about every brand asked) and kind (they give the kind of
        # answer asked) are True, False or None while undecided. Root i holds token i and none
        # before it; its slots are None until gathered, and its bound is below root i-1's, so
        # roots come one by one.
        heap: list[tuple[float, int, list]] = []
        sequence = 0

        def value(group: list) -> float:
            _, after, held, asked_held, about, kind, _ = group
            return bound(
                query,
                held + rest[after],
                asked_held + asked_rest[after],
                about=about is not False,
                kind=kind is not False,
            )

        def push(group: list, known: float | None = None) -> None:
            nonlocal sequence
            worth = value(group) if known is None else known
            if worth >= threshold:
                sequence += 1
                heapq.heappush(heap, (-worth, sequence, group))

        def root(i: int) -> list:
            about = None if brands else True
            kind = None if query.kind else True
            return [None, i + 1, gain[i], asked_gain[i], about, kind, i]

        def gather(i: int, about: bool) -> int:
            nonlocal left
            own = bits(i)
            left -= sizes[i] * (i + 1) / _SET_ELEMENTS
            if not brands:
                return own & ~before(i)
            ids = own & about_all if about else own & ~about_all
            return ids & ~before(i)

        def walk_root(first: int, about: bool | None) -> Iterator[int]:
            """Root `first`'s entries, shortest first, without set operations over them."""
            nonlocal left, exact
            earlier = mask(("before", first), before(first))
            about_mask = mask("about", about_all) if about is not None else b""
            for slot in self._ranked_postings(order[first]):
                if left <= 0:
                    exact = False  # entries are left that the budget had no time for
                    return
                left -= _WALK_COST
                at, bit = slot >> 3, 1 << (slot & 7)
                if earlier[at] & bit:
                    continue
                if about is not None and bool(about_mask[at] & bit) is not about:
                    continue
                yield slot

        def shortest_first(ids: int, size: int, first: int) -> Iterable[int]:
            """A leaf group's entries, shortest phrasing first (then by id)."""
            nonlocal left
            token = order[first]
            if size > _RANKED_MIN and size * 8 >= sizes[first]:
                # A large share of a large posting list: walk its sorted copy, no sorting here.
                held = ids.to_bytes(width, "little")
                return (
                    slot
                    for slot in self._ranked_postings(token)
                    if held[slot >> 3] & 1 << (slot & 7)
                )
            left -= size / 2
            return sorted(_members(ids), key=self._brevity_key)

        def consider(slot: int, record: _Record) -> None:
            """Score one entry, keeping the `keep` best scores and the threshold up to date."""
            nonlocal left, threshold
            left -= phrasing_cost * len(record[_ENTRY].questions)
            scored.add(slot)
            score, phrasing = self._score(query, record)
            if score > 0:
                found.append((score, record[_ENTRY].id, phrasing))
                if len(top) < keep:
                    heapq.heappush(top, score)
                elif score > top[0]:
                    heapq.heapreplace(top, score)
                threshold = max(threshold, threshold_of(top))

        scored: set[int] = set()
        if self.budget is not None:
            # Seeds: the shortest entries holding each common token, whatever their group's
            # bound. Short phrasings score highest on vague questions, so the threshold rises
            # early; and the few that a budget leaves time for include every token's best.
            for i, token in enumerate(order):
                if sizes[i] > _RANKED_MIN:
                    for slot in self._ranked_postings(token)[:_SEEDS]:
                        if slot not in scored:
                            consider(slot, records[slot])  # type: ignore[arg-type]
        if count:
            push(root(0))
        exact = True
        while heap and -heap[0][0] >= threshold:
            if left <= 0:
                exact = False
                break
            group = heapq.heappop(heap)[2]
            ids, after, held, asked_held, about, kind, first = group
            if ids is None:
                if about is None:  # a root, split on brands before its entries are gathered
                    push([None, after, held, asked_held, True, kind, first])
                    push([None, after, held, asked_held, False, kind, first])
                    if first + 1 < count:
                        push(root(first + 1))
                    continue
                if not brands and first + 1 < count:
                    push(root(first + 1))
                if sizes[first] * (first + 1) / _SET_ELEMENTS < left:
                    ids = group[0] = gather(first, about)
                    if not ids:
                        continue
                else:
                    # Gathering would cost more than the budget left (a common token at
                    # 100,000 facts): walk its entries shortest first instead, as a leaf.
                    ids = None
            size = ids.bit_count() if ids is not None else 0
            if ids is None or (
                size <= _GROUP_SPLIT_MIN
                or (after == count and about is not None and kind is not None)
            ):
                # Bound each entry exactly (a leaf group shares one bound), then score it.
                walk = (
                    shortest_first(ids, size, first) if ids is not None else walk_root(first, about)
                )
                held_masks = [mask(j, bits(j)) for j in range(after, count)]
                for slot in walk:
                    if left <= 0:
                        exact = False
                        break
                    left -= _BOUND_COST
                    record = records[slot]
                    assert record is not None
                    entry_held, entry_asked = held, asked_held
                    at, bit = slot >> 3, 1 << (slot & 7)
                    for j, held_mask in enumerate(held_masks, after):
                        if held_mask[at] & bit:
                            entry_held += gain[j]
                            entry_asked += asked_gain[j]
                    worth = bound(
                        query,
                        entry_held,
                        entry_asked,
                        about=brands <= record[_BRANDS],
                        kind=self._answers_kind(query, record),
                    )
                    if worth >= threshold and slot not in scored:
                        consider(slot, record)
                if not exact:
                    break
                continue
            # Split on the first undecided condition: brand, kind, then the next token.
            for inside in (True, False):
                child = [None, after, held, asked_held, about, kind, first]
                if about is None:
                    split, split_size, child[4] = about_all, about_size, inside
                elif kind is None:
                    split, split_size, child[5] = kind_set, kind_size, inside
                else:
                    split, split_size, child[1] = bits(after), sizes[after], after + 1
                    if inside:
                        child[2] += gain[after]
                        child[3] += asked_gain[after]
                worth = value(child)
                if worth >= threshold:
                    left -= (min(size, split_size) if inside else size) / _SET_ELEMENTS
                    child[0] = ids & split if inside else ids & ~split
                    if child[0]:
                        push(child, worth)
        if exact and bound(query, 0.0, 0.0, about=True, kind=True) >= threshold:
            # Constants changed so that entries sharing no token could matter: score them all.
            for slot, record in enumerate(records):
                if record is not None and slot not in scored:
                    score, phrasing = self._score(query, record)
                    if score > 0:
                        found.append((score, record[_ENTRY].id, phrasing))
        return found, exact

    def _ranked_postings(self, token: str) -> array[int]:
        """The slots holding a token, shortest phrasing first: made once, then kept up to date."""
        ranked = self._ranked.get(token)
        if ranked is None:
            posting = self._postings[token]
            slots = _members(posting) if isinstance(posting, int) else posting
            ranked = self._ranked[token] = array("I", sorted_gently(slots, self._brevity_key))
        return ranked

    def rank(self, question: str, *, exhaustive: bool = False) -> tuple[Analysis, list[Candidate]]:
        """Plausible candidates for a question, best first.

        Exhaustive ranking scores every entry; the default scores only entries that can change
        the decision within the work budget, so it may leave out candidates under
        SUGGESTION_FLOOR (and, when the budget runs out, candidates it had no time for).
        """
        analysis, candidates, _ = self._rank(question, exhaustive=exhaustive)
        return analysis, candidates

    def _rank(self, question: str, *, exhaustive: bool) -> tuple[Analysis, list[Candidate], bool]:
        """`rank`, and whether its candidates are those exhaustive scoring decides on."""
        analysis = self.analyzer.analyse(question)
        exact = True
        if not analysis.content:
            return analysis, [], exact
        query = self._query(analysis)
        if exhaustive:
            scored = []
            for record in self._records:
                if record is not None:
                    score, phrasing = self._score(query, record)
                    scored.append((score, record[_ENTRY].id, phrasing))
        else:
            scored, exact = self._search(query)
        candidates = [
            Candidate(self._record(entry_id)[_ENTRY], round(score, 4), phrasing)
            for score, entry_id, phrasing in scored
            if score > 0
        ]
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return analysis, candidates, exact

    def covering(self, question: str, limit: int) -> list[tuple[Entry, float]]:
        """The `limit` entries holding the most question weight, most first (autocomplete).

        An entry's weight is that of the question's tokens it holds in a phrasing or its answer;
        entries holding none are left out, and equal weights come in id order. Cheap: only set
        operations on the index (bitmaps), no scoring.
        """
        analysis = self.analyzer.analyse(question)
        postings = self._postings
        weights = {t: self._weight(t) for t in analysis.tokens if t in postings}
        order = sorted(weights, key=lambda t: (-weights[t], t))
        bits = [self._bits(t) for t in order]
        rest = [0.0] * (len(order) + 1)
        for i in range(len(order) - 1, -1, -1):
            rest[i] = rest[i + 1] + weights[order[i]]
        # Groups as in _search, by the tokens held: (-(held + what the rest may add), sequence,
        # slots (a bitmap) or None for a root not yet made, next token, held).
        heap: list[tuple[float, int, int | None, int, float]] = []
        if order:
            heap.append((-rest[0], 0, None, 1, weights[order[0]]))
        found: list[tuple[Entry, float]] = []
        sequence = 0
        before = 0
        while heap and len(found) < limit:
            _, _, ids, after, held = heapq.heappop(heap)
            if ids is None:
                i = after - 1
                ids = bits[i] & ~before
                before |= bits[i]  # roots come in token order
                if i + 1 < len(order):
                    sequence += 1
                    root = weights[order[i + 1]]
                    heapq.heappush(heap, (-rest[i + 1], sequence, None, i + 2, root))
            if after == len(order):
                first = self._first_by_id(ids, limit - len(found))
                found += [(self._record(entry_id)[_ENTRY], held) for entry_id in first]
                continue
            token_bits = bits[after]
            inside, outside = ids & token_bits, ids & ~token_bits
            for part, part_held in ((inside, held + weights[order[after]]), (outside, held)):
                if part:
                    sequence += 1
                    value = part_held + rest[after + 1]
                    heapq.heappush(heap, (-value, sequence, part, after + 1, part_held))
        return found

    def _first_by_id(self, ids: int, limit: int) -> list[str]:
        """The ids of the first `limit` entries of a bitmap, in id order."""
        ordered = self._in_id_order
        # The lowest slots, in id order below `ordered`, and every later one.
        first = [self._id_of(slot) for slot in _members(ids, limit) if slot < ordered]
        late = ids >> ordered
        if late:
            first += [self._id_of(ordered + slot) for slot in _members(late)]
            first = heapq.nsmallest(limit, first)
        return first

    def match(self, question: str, *, exhaustive: bool = False) -> Match:
        """Decide whether a question has an answer among the entries."""
        analysis, candidates, exact = self._rank(question, exhaustive=exhaustive)
        return Match(decide(candidates), analysis, tuple(candidates[:10]), exact=exact)


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
