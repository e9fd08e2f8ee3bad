"""The budgeted search: score only the entries that could change a question's decision.

A best-first branch and bound. Entries holding none of the question's tokens score at most
FUZZY_WEIGHT times the penalties, under SUGGESTION_FLOOR, and are never scored (checked at the
end). The rest are split into groups: by the rarest token they hold, then by brand and by
answer kind (whose penalties prune most), then by each further token, held or not. A group's
bound assumes that every undecided condition goes its way, and its entries are gathered (set
operations) only when that bound still matters.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bot.engine.matcher.bitmaps import bitmap, members
from bot.engine.matcher.index import RANKED_MIN, Index
from bot.engine.matcher.records import Record
from bot.engine.matcher.scoring import Query, answers_kind, bound

# Groups of at most this many entries get a bound each instead of being split further.
_GROUP_SPLIT_MIN = 16
# The work one question may cost the search, in units of about a microsecond: a vague question
# ("price?") can hold thousands of near-tied entries, and scoring them all took a second at
# 100,000 facts. Scoring one phrasing costs PHRASING_COST plus one unit per question token,
# bounding one entry _BOUND_COST, set operations one unit per _SET_ELEMENTS elements. When the
# budget runs out the search stops and decides on what it scored (`Match.exact` is then False).
# Set operations are on bitmaps now, far cheaper than on the sets these units were measured
# on, but they are still counted by elements: the budget runs out where it did, so vague
# questions get the same decisions, sooner.
SEARCH_BUDGET = 2_000
PHRASING_COST = 3
_BOUND_COST = 2
_WALK_COST = 0.5
_SET_ELEMENTS = 50
# How many of the shortest entries holding each common question token a search scores first.
SEEDS = 4

# What the search finds: (score, entry id, phrasing) for each entry scored above 0.
Found = list[tuple[float, str, str]]
Scorer = Callable[[Query, Record], tuple[float, str]]


@dataclass(slots=True)
class Group:
    """Entries that hold the same question tokens so far, with what is known of them.

    Root `first` holds token `first` and none before it; its slots are None until gathered,
    and its bound is below root `first - 1`'s, so roots come one by one.
    """

    # The entries, a bitmap (None until gathered).
    slots: int | None
    # The next token the group is not yet split on.
    after: int
    # The weight of the question tokens every entry holds, and the asked part of it.
    held: float
    asked_held: float
    # Whether the entries are about every brand asked, and give the kind of answer asked:
    # True, False or None while undecided.
    about: bool | None
    kind: bool | None
    first: int


class Search:
    """One question's search over an index (`run`), its state held between steps."""

    def __init__(
        self,
        index: Index,
        query: Query,
        score: Scorer,
        budget: int | None,
        keep: int,
        threshold_of: Callable[[list[float]], float],
    ) -> None:
        self.index = index
        self.query = query
        self.score = score
        self.budget = budget
        self.keep = keep
        self.threshold_of = threshold_of
        weights = query.weights
        postings = index._postings
        order = sorted((t for t in weights if t in postings), key=lambda t: (-weights[t], t))
        self.order = order
        self.count = count = len(order)
        asked = set(query.asked)
        self.gain = [weights[t] for t in order]
        self.asked_gain = [weights[t] if t in asked else 0.0 for t in order]
        # rest[i]: the weight of tokens i and after, which a group not yet split on them may hold.
        self.rest = rest = [0.0] * (count + 1)
        self.asked_rest = asked_rest = [0.0] * (count + 1)
        for i in range(count - 1, -1, -1):
            rest[i] = rest[i + 1] + self.gain[i]
            asked_rest[i] = asked_rest[i + 1] + self.asked_gain[i]
        # How many entries hold each token; their bitmaps, and those of the entries holding
        # any token before i, are made when first needed.
        self.sizes = [index._count(t) for t in order]
        self.bitmaps: dict[int, int] = {}
        self.befores: dict[int, int] = {0: 0}
        self.brands = brands = query.analysis.brands
        about_all = 0
        if brands:
            about_all = -1
            for brand in brands:
                about_all &= bitmap(index._about.get(brand, ()))
        self.about_all = about_all
        self.about_size = about_all.bit_count()
        self.kind_set = index._kinds[query.kind] if query.kind else 0
        self.kind_size = index._kind_sizes[query.kind] if query.kind else 0
        # Bytes of a bitmap, for testing single slots (a shift of a large int costs its size).
        self.width = (len(index._records) + 7) // 8
        self.masks: dict[object, bytes] = {}
        self.found: Found = []
        self.top: list[float] = []  # the `keep` best scores, a min-heap
        self.threshold = threshold_of(self.top)
        # What is left of the work budget (units of about a microsecond, see SEARCH_BUDGET).
        self.left = math.inf if budget is None else float(budget)
        # Scoring a phrasing looks at every question token.
        self.phrasing_cost = PHRASING_COST + len(weights)
        self.heap: list[tuple[float, int, Group]] = []
        self.sequence = 0
        self.scored: set[int] = set()
        self.exact = True

    def run(self) -> tuple[Found, bool]:
        """The entries scored, and whether the budget lasted (see `Matcher._search`)."""
        if self.budget is not None:
            self._seed()
        if self.count:
            self._push(self._root(0))
        self.exact = True
        heap = self.heap
        while heap and -heap[0][0] >= self.threshold:
            if self.left <= 0:
                self.exact = False
                break
            if not self._open(heapq.heappop(heap)[2]):
                break
        if self.exact and bound(self.query, 0.0, 0.0, about=True, kind=True) >= self.threshold:
            # Constants changed so that entries sharing no token could matter: score them all.
            scored = self.scored
            for slot, record in enumerate(self.index._records):
                if record is not None and slot not in scored:
                    score, phrasing = self.score(self.query, record)
                    if score > 0:
                        self.found.append((score, record.entry.id, phrasing))
        return self.found, self.exact

    def _seed(self) -> None:
        """Score the shortest entries holding each common token, whatever their group's bound.

        Short phrasings score highest on vague questions, so the threshold rises early; and
        the few that a budget leaves time for include every token's best.
        """
        records = self.index._records
        for i, token in enumerate(self.order):
            if self.sizes[i] > RANKED_MIN:
                for slot in self.index._ranked_postings(token)[:SEEDS]:
                    if slot not in self.scored:
                        record = records[slot]
                        assert record is not None
                        self._consider(slot, record)

    def _open(self, group: Group) -> bool:
        """Gather, split or score a group; False when the budget ran out while scoring."""
        ids = group.slots
        first, about = group.first, group.about
        if ids is None:
            if about is None:  # a root, split on brands before its entries are gathered
                for inside in (True, False):
                    self._push(
                        Group(
                            None,
                            group.after,
                            group.held,
                            group.asked_held,
                            inside,
                            group.kind,
                            first,
                        )
                    )
                if first + 1 < self.count:
                    self._push(self._root(first + 1))
                return True
            if not self.brands and first + 1 < self.count:
                self._push(self._root(first + 1))
            if self.sizes[first] * (first + 1) / _SET_ELEMENTS < self.left:
                ids = group.slots = self._gather(first, about)
                if not ids:
                    return True
            # Else gathering would cost more than the budget left (a common token at 100,000
            # facts): its entries are walked shortest first instead, as a leaf.
        size = ids.bit_count() if ids is not None else 0
        if ids is None or (
            size <= _GROUP_SPLIT_MIN
            or (group.after == self.count and about is not None and group.kind is not None)
        ):
            walk = (
                self._shortest_first(ids, size, first)
                if ids is not None
                else self._walk_root(group)
            )
            return self._score_leaf(group, walk)
        self._split(group, ids, size)
        return True

    def _score_leaf(self, group: Group, walk: Iterable[int]) -> bool:
        """Bound each entry exactly (a leaf group shares one bound), then score it."""
        after, count = group.after, self.count
        held, asked_held = group.held, group.asked_held
        gain, asked_gain = self.gain, self.asked_gain
        records, query, brands, scored = self.index._records, self.query, self.brands, self.scored
        held_masks = [self._mask(j, self._bits(j)) for j in range(after, count)]
        for slot in walk:
            if self.left <= 0:
                self.exact = False
                break
            self.left -= _BOUND_COST
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
                about=brands <= record.brands,
                kind=answers_kind(query, record),
            )
            if worth >= self.threshold and slot not in scored:
                self._consider(slot, record)
        return self.exact

    def _split(self, group: Group, ids: int, size: int) -> None:
        """Split on the first undecided condition: brand, kind, then the next token."""
        after = group.after
        for inside in (True, False):
            child = Group(
                None, after, group.held, group.asked_held, group.about, group.kind, group.first
            )
            if group.about is None:
                split, split_size, child.about = self.about_all, self.about_size, inside
            elif group.kind is None:
                split, split_size, child.kind = self.kind_set, self.kind_size, inside
            else:
                split, split_size, child.after = self._bits(after), self.sizes[after], after + 1
                if inside:
                    child.held += self.gain[after]
                    child.asked_held += self.asked_gain[after]
            worth = self._value(child)
            if worth >= self.threshold:
                self.left -= (min(size, split_size) if inside else size) / _SET_ELEMENTS
                child.slots = ids & split if inside else ids & ~split
                if child.slots:
                    self._push(child, worth)

    def _bits(self, i: int) -> int:
        found = self.bitmaps.get(i)
        if found is None:
            found = self.bitmaps[i] = self.index._bits(self.order[i])
        return found

    def _before(self, i: int) -> int:
        found = self.befores.get(i)
        if found is None:
            found = self.befores[i] = self._before(i - 1) | self._bits(i - 1)
        return found

    def _mask(self, key: object, bits: int) -> bytes:
        found = self.masks.get(key)
        if found is None:
            found = self.masks[key] = bits.to_bytes(self.width, "little")
        return found

    def _value(self, group: Group) -> float:
        """A group's bound: every undecided condition going its way."""
        after = group.after
        return bound(
            self.query,
            group.held + self.rest[after],
            group.asked_held + self.asked_rest[after],
            about=group.about is not False,
            kind=group.kind is not False,
        )

    def _push(self, group: Group, known: float | None = None) -> None:
        worth = self._value(group) if known is None else known
        if worth >= self.threshold:
            self.sequence += 1
            heapq.heappush(self.heap, (-worth, self.sequence, group))

    def _root(self, i: int) -> Group:
        about = None if self.brands else True
        kind = None if self.query.kind else True
        return Group(None, i + 1, self.gain[i], self.asked_gain[i], about, kind, i)

    def _gather(self, i: int, about: bool) -> int:
        own = self._bits(i)
        self.left -= self.sizes[i] * (i + 1) / _SET_ELEMENTS
        if not self.brands:
            return own & ~self._before(i)
        ids = own & self.about_all if about else own & ~self.about_all
        return ids & ~self._before(i)

    def _walk_root(self, group: Group) -> Iterator[int]:
        """A root's entries, shortest first, without set operations over them."""
        first, about = group.first, group.about
        earlier = self._mask(("before", first), self._before(first))
        about_mask = self._mask("about", self.about_all) if about is not None else b""
        for slot in self.index._ranked_postings(self.order[first]):
            if self.left <= 0:
                self.exact = False  # entries are left that the budget had no time for
                return
            self.left -= _WALK_COST
            at, bit = slot >> 3, 1 << (slot & 7)
            if earlier[at] & bit:
                continue
            if about is not None and bool(about_mask[at] & bit) is not about:
                continue
            yield slot

    def _shortest_first(self, ids: int, size: int, first: int) -> Iterable[int]:
        """A leaf group's entries, shortest phrasing first (then by id)."""
        token = self.order[first]
        if size > RANKED_MIN and size * 8 >= self.sizes[first]:
            # A large share of a large posting list: walk its sorted copy, no sorting here.
            held = ids.to_bytes(self.width, "little")
            return (
                slot
                for slot in self.index._ranked_postings(token)
                if held[slot >> 3] & 1 << (slot & 7)
            )
        self.left -= size / 2
        slots = members(ids)
        # Keys made in one pass and sorted as pairs: a key function's call per slot cost more
        # than the sort. Keys are unique (ids are), so the slot never decides.
        return [
            slot for _, slot in sorted(zip(self.index._brevity_keys(slots), slots, strict=True))
        ]

    def _consider(self, slot: int, record: Record) -> None:
        """Score one entry, keeping the `keep` best scores and the threshold up to date."""
        self.left -= self.phrasing_cost * len(record.entry.questions)
        self.scored.add(slot)
        score, phrasing = self.score(self.query, record)
        if score > 0:
            self.found.append((score, record.entry.id, phrasing))
            top = self.top
            if len(top) < self.keep:
                heapq.heappush(top, score)
            elif score > top[0]:
                heapq.heapreplace(top, score)
            self.threshold = max(self.threshold, self.threshold_of(top))
