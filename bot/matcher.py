"""Matching questions to entries: a scored shortlist and a decision to answer or abstain."""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz

from bot.analysis import QUESTION_TOKENS, Analysis, Analyzer
from bot.models import Brand
from bot.picklecache import fast_pickling
from bot.text import plain, words

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


class Matcher:
    """Scores questions against entries and decides: found, ambiguous or none.

    `match` and `rank` find the same decision as scoring every entry (`exhaustive=True`), but
    score only entries that could change it: entries are grouped by which question tokens they
    hold (set operations on the inverted index), each group has an upper bound of its score
    (`_bound`), and groups are opened best bound first until no bound can reach the decision's
    threshold (`_decision_threshold`). Entries scoring under SUGGESTION_FLOOR, which never
    change a decision or a suggestion, may be left out of the shortlist.

    The work per question is bounded (`budget`, SEARCH_BUDGET): a vague question ("price?")
    holds thousands of near-tied entries at 100,000 facts. The shortest entries of each common
    question token are scored first (seeds), groups too large to gather are walked shortest
    first, and when the budget runs out the decision is taken on what was scored, with
    `Match.exact` False. Within the budget the decision is exhaustive scoring's.
    """

    def __init__(self, entries: Iterable[Entry], brands: Iterable[Brand]) -> None:
        entries = list(entries)
        self._prepared: dict[str, _Record] = {}
        # Inverted index: token -> ids of the entries that use it; its size is the token's
        # document frequency, and its keys are the tokens the base knows.
        self._postings: dict[str, set[str]] = {}
        # Ids of the entries about each brand, and of those whose answer gives each kind.
        self._about: dict[str, set[str]] = {}
        self._kinds: dict[str, set[str]] = {flag: set() for flag in _KIND_FLAGS}
        # Token weights depend on the entry count and the token's frequency: cached until
        # the next change.
        self._weights: dict[str, float] = {}
        self._brand_sets: dict[frozenset[str], frozenset[str]] = {}
        # Large postings as lists sorted by (brevity, id): made on first use, kept up to date.
        self._ranked: dict[str, list[str]] = {}
        # The search's work budget per question (None: unlimited, like exhaustive scoring).
        self.budget: int | None = SEARCH_BUDGET
        self.analyzer = Analyzer(brands, known_tokens=self._postings)
        for entry in entries:
            self._add(entry)
        for token, ids in self._postings.items():
            if len(ids) > _RANKED_MIN:
                self._ranked_postings(token)

    # Building

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

    def _add(self, entry: Entry) -> None:
        record = self._prepare(entry)
        entry_id = entry.id
        self._prepared[entry_id] = record
        for token in _record_tokens(record):
            self._postings.setdefault(token, set()).add(entry_id)
            ranked = self._ranked.get(token)
            if ranked is not None:
                bisect.insort(ranked, entry_id, key=self._brevity_key)
        for brand in record[_BRANDS]:
            self._about.setdefault(brand, set()).add(entry_id)
        for flag in _KIND_FLAGS:
            if record[_FLAGS] & _KIND_BITS[flag]:
                self._kinds[flag].add(entry_id)
        self._weights.clear()

    def _brevity_key(self, entry_id: str) -> tuple[int, str]:
        return self._prepared[entry_id][_BREVITY], entry_id

    def _remove(self, entry_id: str) -> None:
        record = self._prepared.get(entry_id)
        if record is None:
            return
        brevity = record[_BREVITY]
        for token in _record_tokens(record):
            postings = self._postings[token]
            postings.discard(entry_id)
            if not postings:
                del self._postings[token]
            ranked = self._ranked.get(token)
            if ranked is not None:
                at = bisect.bisect_left(ranked, (brevity, entry_id), key=self._brevity_key)
                del ranked[at]
                if not ranked:
                    del self._ranked[token]
        del self._prepared[entry_id]  # after the ranked lists, whose key reads it
        for brand in record[_BRANDS]:
            about = self._about[brand]
            about.discard(entry_id)
            if not about:
                del self._about[brand]
        for flag in _KIND_FLAGS:
            self._kinds[flag].discard(entry_id)
        self._weights.clear()
        entry = record[_ENTRY]
        self.analyzer.remove_texts((*entry.questions, entry.answer))

    def adopt(self, entries: Iterable[Entry]) -> None:
        """Hold these entries, each equal to the one of its id, instead of those (no re-index)."""
        records = self._prepared
        for entry in entries:
            records[entry.id] = (entry, *records[entry.id][1:])

    def upsert(self, entry: Entry) -> None:
        """Add or replace one entry without rebuilding the rest."""
        self._remove(entry.id)
        self._add(entry)

    def remove(self, entry_id: str) -> None:
        """Forget one entry."""
        self._remove(entry_id)

    @property
    def entries(self) -> list[Entry]:
        """Every entry, in insertion order."""
        return [record[_ENTRY] for record in self._prepared.values()]

    # Scoring

    def _weight(self, token: str) -> float:
        weight = self._weights.get(token)
        if weight is not None:
            return weight
        if token in QUESTION_TOKENS:
            weight = QUESTION_WORD_WEIGHT
        else:
            count = len(self._prepared) or 1
            frequency = len(self._postings.get(token, ()))
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
        (tests/test_index.py checks it). Sums run in the order of the first version (question
        tokens in question order, a phrasing's in sorted order), so scores stay bit for bit.
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
                score *= ASK_FLOOR + (1 - ASK_FLOOR) * (asked_covered / asked_total)
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
        brands = query.analysis.brands
        about_all: set[str] = set()
        if brands:
            about_sets = sorted((self._about.get(b, set()) for b in brands), key=len)
            about_all = about_sets[0].intersection(*about_sets[1:])
        kind_set = self._kinds[query.kind] if query.kind else set()

        found: list[tuple[float, str, str]] = []
        top: list[float] = []  # the `keep` best scores, a min-heap
        threshold = threshold_of(top)
        bound = self._bound
        prepared_of = self._prepared
        # What is left of the work budget (units of about a microsecond, see SEARCH_BUDGET).
        left = math.inf if self.budget is None else float(self.budget)
        # Scoring a phrasing looks at every question token.
        phrasing_cost = _PHRASING_COST + len(weights)
        # A group: [ids, next token, held, asked held, about, kind, root]. About (the entries
        # are about every brand asked) and kind (they give the kind of answer asked) are True,
        # False or None while undecided. Root i holds token i and none before it; its ids are
        # None until gathered, and its bound is below root i-1's, so roots come one by one.
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

        def gather(i: int, about: bool) -> set[str]:
            nonlocal left
            own = postings[order[i]]
            left -= len(own) * (i + 1) / _SET_ELEMENTS
            if not brands:
                return own.difference(*(postings[order[j]] for j in range(i)))
            ids = own & about_all if about else own - about_all
            ids.difference_update(*(postings[order[j]] for j in range(i)))
            return ids

        def walk_root(first: int, about: bool | None) -> Iterator[str]:
            """Root `first`'s entries, shortest first, without set operations over them."""
            nonlocal left, exact
            before = [postings[order[j]] for j in range(first)]
            for entry_id in self._ranked_postings(order[first]):
                if left <= 0:
                    exact = False  # entries are left that the budget had no time for
                    return
                left -= _WALK_COST
                if any(entry_id in other for other in before):
                    continue
                if about is not None and (entry_id in about_all) is not about:
                    continue
                yield entry_id

        def shortest_first(ids: set[str], first: int) -> Iterable[str]:
            """A leaf group's entries, shortest phrasing first (then by id)."""
            nonlocal left
            token = order[first]
            if len(ids) > _RANKED_MIN and len(ids) * 8 >= len(postings[token]):
                # A large share of a large posting list: walk its sorted copy, no sorting here.
                return (entry_id for entry_id in self._ranked_postings(token) if entry_id in ids)
            left -= len(ids) / 2
            return sorted(ids, key=lambda entry_id: (prepared_of[entry_id][_BREVITY], entry_id))

        def consider(entry_id: str, record: _Record) -> None:
            """Score one entry, keeping the `keep` best scores and the threshold up to date."""
            nonlocal left, threshold
            left -= phrasing_cost * len(record[_ENTRY].questions)
            scored.add(entry_id)
            score, phrasing = self._score(query, record)
            if score > 0:
                found.append((score, entry_id, phrasing))
                if len(top) < keep:
                    heapq.heappush(top, score)
                elif score > top[0]:
                    heapq.heapreplace(top, score)
                threshold = max(threshold, threshold_of(top))

        scored: set[str] = set()
        if self.budget is not None:
            # Seeds: the shortest entries holding each common token, whatever their group's
            # bound. Short phrasings score highest on vague questions, so the threshold rises
            # early; and the few that a budget leaves time for include every token's best.
            for token in order:
                if len(postings[token]) > _RANKED_MIN:
                    for entry_id in self._ranked_postings(token)[:_SEEDS]:
                        if entry_id not in scored:
                            consider(entry_id, prepared_of[entry_id])
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
                if len(postings[order[first]]) * (first + 1) / _SET_ELEMENTS < left:
                    ids = group[0] = gather(first, about)
                    if not ids:
                        continue
                else:
                    # Gathering would cost more than the budget left (a common token at
                    # 100,000 facts): walk its entries shortest first instead, as a leaf.
                    ids = None
            if ids is None or (
                len(ids) <= _GROUP_SPLIT_MIN
                or (after == count and about is not None and kind is not None)
            ):
                # Bound each entry exactly (a leaf group shares one bound), then score it.
                walk = shortest_first(ids, first) if ids is not None else walk_root(first, about)
                for entry_id in walk:
                    if left <= 0:
                        exact = False
                        break
                    left -= _BOUND_COST
                    record = prepared_of[entry_id]
                    entry_held, entry_asked = held, asked_held
                    for j in range(after, count):
                        if entry_id in postings[order[j]]:
                            entry_held += gain[j]
                            entry_asked += asked_gain[j]
                    worth = bound(
                        query,
                        entry_held,
                        entry_asked,
                        about=brands <= record[_BRANDS],
                        kind=self._answers_kind(query, record),
                    )
                    if worth >= threshold and entry_id not in scored:
                        consider(entry_id, record)
                if not exact:
                    break
                continue
            # Split on the first undecided condition: brand, kind, then the next token.
            for inside in (True, False):
                child = [None, after, held, asked_held, about, kind, first]
                if about is None:
                    split, child[4] = about_all, inside
                elif kind is None:
                    split, child[5] = kind_set, inside
                else:
                    split, child[1] = postings[order[after]], after + 1
                    if inside:
                        child[2] += gain[after]
                        child[3] += asked_gain[after]
                worth = value(child)
                if worth >= threshold:
                    left -= (min(len(ids), len(split)) if inside else len(ids)) / _SET_ELEMENTS
                    child[0] = ids & split if inside else ids - split
                    if child[0]:
                        push(child, worth)
        if exact and bound(query, 0.0, 0.0, about=True, kind=True) >= threshold:
            # Constants changed so that entries sharing no token could matter: score them all.
            for entry_id, record in self._prepared.items():
                if entry_id not in scored:
                    score, phrasing = self._score(query, record)
                    if score > 0:
                        found.append((score, entry_id, phrasing))
        return found, exact

    def _ranked_postings(self, token: str) -> list[str]:
        """The ids holding a token, shortest phrasing first: made once, then kept up to date."""
        ranked = self._ranked.get(token)
        if ranked is None:
            prepared_of = self._prepared
            ranked = self._ranked[token] = sorted(
                self._postings[token],
                key=lambda entry_id: (prepared_of[entry_id][_BREVITY], entry_id),
            )
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
            for entry_id, record in self._prepared.items():
                score, phrasing = self._score(query, record)
                scored.append((score, entry_id, phrasing))
        else:
            scored, exact = self._search(query)
        prepared_of = self._prepared
        candidates = [
            Candidate(prepared_of[entry_id][_ENTRY], round(score, 4), phrasing)
            for score, entry_id, phrasing in scored
            if score > 0
        ]
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return analysis, candidates, exact

    def covering(self, question: str, limit: int) -> list[tuple[Entry, float]]:
        """The `limit` entries holding the most question weight, most first (autocomplete).

        An entry's weight is that of the question's tokens it holds in a phrasing or its answer;
        entries holding none are left out, and equal weights come in id order. Cheap: only set
        operations on the index, no scoring.
        """
        analysis = self.analyzer.analyse(question)
        postings = self._postings
        weights = {t: self._weight(t) for t in analysis.tokens if t in postings}
        order = sorted(weights, key=lambda t: (-weights[t], t))
        rest = [0.0] * (len(order) + 1)
        for i in range(len(order) - 1, -1, -1):
            rest[i] = rest[i + 1] + weights[order[i]]
        # Groups as in _search, by the tokens held: (-(held + what the rest may add), sequence,
        # ids or None for a root not yet made, next token, held).
        heap: list[tuple[float, int, set[str] | None, int, float]] = []
        if order:
            heap.append((-rest[0], 0, None, 1, weights[order[0]]))
        found: list[tuple[Entry, float]] = []
        sequence = 0
        while heap and len(found) < limit:
            _, _, ids, after, held = heapq.heappop(heap)
            if ids is None:
                i = after - 1
                ids = postings[order[i]].difference(*(postings[order[j]] for j in range(i)))
                if i + 1 < len(order):
                    sequence += 1
                    root = weights[order[i + 1]]
                    heapq.heappush(heap, (-rest[i + 1], sequence, None, i + 2, root))
            if after == len(order):
                first = heapq.nsmallest(limit - len(found), ids)
                found += [(self._prepared[entry_id][_ENTRY], held) for entry_id in first]
                continue
            token = order[after]
            inside, outside = ids & postings[token], ids - postings[token]
            for part, part_held in ((inside, held + weights[token]), (outside, held)):
                if part:
                    sequence += 1
                    value = part_held + rest[after + 1]
                    heapq.heappush(heap, (-value, sequence, part, after + 1, part_held))
        return found

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
