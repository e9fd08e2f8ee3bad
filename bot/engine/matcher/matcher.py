"""Matching questions to entries: a scored shortlist and a decision to answer or abstain.

The façade over the matcher's parts: records (records.py), the index (index.py), scores and
their bounds (scoring.py), the budgeted search (search.py) and the decision (decision.py).
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections.abc import Callable, Iterable

from bot.engine.matcher.bitmaps import SORT_PART as _SORT_PART
from bot.engine.matcher.bitmaps import members as _members
from bot.engine.matcher.bitmaps import sorted_gently
from bot.engine.matcher.decision import (
    CONFIDENT,
    MARGIN,
    SUGGESTION_FLOOR,
    SUGGESTIONS,
    THRESHOLD,
    Candidate,
    Match,
    Outcome,
    agree,
    decide,
    decision_threshold,
)
from bot.engine.matcher.index import Index
from bot.engine.matcher.records import Entry, Record
from bot.engine.matcher.records import record_tokens as _record_tokens
from bot.engine.matcher.scoring import (
    ANSWER_CREDIT,
    ASK_FLOOR,
    FOREIGN_BRAND_FACTOR,
    FUZZY_WEIGHT,
    PHRASING_COVERAGE_WEIGHT,
    QUERY_COVERAGE_WEIGHT,
    UNKNOWN_WORD_POWER,
    WRONG_ANSWER_KIND_FACTOR,
    Query,
    answers_kind,
    bound,
    make_query,
    score,
)
from bot.engine.matcher.search import PHRASING_COST as _PHRASING_COST
from bot.engine.matcher.search import SEARCH_BUDGET, Found, Search
from bot.engine.matcher.search import SEEDS as _SEEDS
from bot.engine.words import Analysis
from bot.facts.models import Brand

__all__ = [
    "ANSWER_CREDIT",
    "ASK_FLOOR",
    "CONFIDENT",
    "FOREIGN_BRAND_FACTOR",
    "FUZZY_WEIGHT",
    "MARGIN",
    "PHRASING_COVERAGE_WEIGHT",
    "QUERY_COVERAGE_WEIGHT",
    "SEARCH_BUDGET",
    "SUGGESTIONS",
    "SUGGESTION_FLOOR",
    "THRESHOLD",
    "UNKNOWN_WORD_POWER",
    "WRONG_ANSWER_KIND_FACTOR",
    "_PHRASING_COST",
    "_SEEDS",
    "_SORT_PART",
    "Candidate",
    "Entry",
    "Match",
    "Matcher",
    "Outcome",
    "_members",
    "_record_tokens",
    "agree",
    "decide",
    "sorted_gently",
]


def _holds(posting: int | array[int], slot: int) -> bool:
    """Whether a posting (a bitmap, or a sorted array of slots) holds a slot."""
    if isinstance(posting, int):
        return bool(posting >> slot & 1)
    at = bisect.bisect_left(posting, slot)
    return at < len(posting) and posting[at] == slot


class Matcher(Index):
    """Scores questions against entries and decides: found, ambiguous or none.

    `match` and `rank` find the same decision as scoring every entry (`exhaustive=True`), but
    score only entries that could change it: entries are grouped by which question tokens they
    hold (set operations on the inverted index's bitmaps), each group has an upper bound of its
    score (`_bound`), and groups are opened best bound first until no bound can reach the
    decision's threshold (`decision_threshold`). Entries scoring under SUGGESTION_FLOOR, which
    never change a decision or a suggestion, may be left out of the shortlist.

    The work per question is bounded (`budget`, SEARCH_BUDGET): a vague question ("price?")
    holds thousands of near-tied entries at 100,000 facts. The shortest entries of each common
    question token are scored first (seeds), groups too large to gather are walked shortest
    first, and when the budget runs out the decision is taken on what was scored, with
    `Match.exact` False. Within the budget the decision is exhaustive scoring's.
    """

    # An upper bound of `_score` for a group of entries (scoring.bound).
    _bound = staticmethod(bound)
    _answers_kind = staticmethod(answers_kind)

    def __init__(self, entries: Iterable[Entry], brands: Iterable[Brand]) -> None:
        # The search's work budget per question (None: unlimited, like exhaustive scoring).
        self.budget: int | None = SEARCH_BUDGET
        super().__init__(entries, brands)

    def _query(self, analysis: Analysis) -> Query:
        """The per-question part of scoring."""
        return make_query(analysis, self._weight)

    def _score(self, query: Query, record: Record) -> tuple[float, str]:
        """The score of one entry for a question, and the phrasing that earned it."""
        return score(query, record, self._weights, self._weight)

    def _search(
        self,
        query: Query,
        keep: int = SUGGESTIONS,
        threshold_of: Callable[[list[float]], float] = decision_threshold,
    ) -> tuple[Found, bool]:
        """Score the entries that could change the decision: (score, entry id, phrasing), exact.

        `exact` is False when the work budget (`self.budget`) ran out before every entry that
        could change the decision was scored: the entries found are then the most promising
        ones (best bound first, shortest phrasing first among equals), not provably the best.

        `threshold_of` gives, from the `keep` best scores so far (a min-heap), the score under
        which entries no longer matter; it must never decrease as those scores grow.
        """
        return Search(self, query, self._score, self.budget, keep, threshold_of).run()

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
            scored: Found = []
            for record in self._records:
                if record is not None:
                    entry_score, phrasing = self._score(query, record)
                    scored.append((entry_score, record.entry.id, phrasing))
        else:
            scored, exact = self._search(query)
        candidates = [
            Candidate(self._record(entry_id).entry, round(entry_score, 4), phrasing)
            for entry_score, entry_id, phrasing in scored
            if entry_score > 0
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
        # Groups as in the search, by the tokens held: (-(held + what the rest may add),
        # sequence, slots (a bitmap) or None for a root not yet made, next token, held).
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
                found += [(self._record(entry_id).entry, held) for entry_id in first]
                continue
            token_bits = bits[after]
            inside, outside = ids & token_bits, ids & ~token_bits
            for part, part_held in ((inside, held + weights[order[after]]), (outside, held)):
                if part:
                    sequence += 1
                    value = part_held + rest[after + 1]
                    heapq.heappush(heap, (-value, sequence, part, after + 1, part_held))
        return found

    def holding(self, tokens: Iterable[str], limit: int) -> list[Entry]:
        """The entries that hold every one of these tokens (in a phrasing, answer or quote).

        At most `limit` of them, in id order; none when a token is held nowhere. The rarest
        token's postings are walked and looked up in the others' (a bitmap's bit, a sorted
        array's bisection), so the work grows with the rarest token, not with the base.
        """
        postings = self._postings
        asked = list(dict.fromkeys(tokens))
        if not asked or any(token not in postings for token in asked):
            return []
        asked.sort(key=self._count)
        rarest = postings[asked[0]]
        if isinstance(rarest, int):
            # Every token is common: the bitmaps' intersection, as `covering` takes them.
            ids = rarest
            for token in asked[1:]:
                ids &= self._bits(token)
                if not ids:
                    return []
            return [self._record(entry_id).entry for entry_id in self._first_by_id(ids, limit)]
        others = [postings[token] for token in asked[1:]]
        found: list[Entry] = []
        for slot in rarest:
            if all(_holds(posting, slot) for posting in others):
                found.append(self._record(self._id_of(slot)).entry)
                if len(found) == limit:
                    break
        return sorted(found, key=lambda entry: entry.id)

    def match(self, question: str, *, exhaustive: bool = False) -> Match:
        """Decide whether a question has an answer among the entries."""
        analysis, candidates, exact = self._rank(question, exhaustive=exhaustive)
        return Match(decide(candidates), analysis, tuple(candidates[:10]), exact=exact)
