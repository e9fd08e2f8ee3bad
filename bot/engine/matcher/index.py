"""The matcher's index: each entry's record in a slot, and the slots by token, brand and kind.

Invariants: an entry has one slot, a small int, for as long as it is held (a replaced entry
keeps its slot); every posting, brand list and ranked list is sorted and holds exactly the
slots of the records that have its token, brand or kind; token weights are cached only until
the next change.
"""

from __future__ import annotations

import bisect
import heapq
import logging
import math
import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import cast

from bot.engine.matcher import prepare
from bot.engine.matcher.bitmaps import bitmap, members, sorted_gently
from bot.engine.matcher.records import (
    KIND_BITS,
    KIND_FLAGS,
    Entry,
    Record,
    record_tokens,
)
from bot.engine.matcher.scoring import QUESTION_WORD_WEIGHT
from bot.engine.words import QUESTION_TOKENS, Analyzer
from bot.facts.models import Brand
from bot.facts.text import words

# A leaf group of more entries than this, and an eighth or more of its token's postings, is
# walked in the token's postings sorted by brevity (`ranked_postings`), not sorted itself.
RANKED_MIN = 256
# A posting is a bitmap when more than one entry in this many holds its token: a search makes
# bitmaps of the others it needs (a bitmap costs an eighth of a byte per entry of the base, a
# sorted array four bytes per entry holding the token).
_BITMAP_DENSITY = 1024

log = logging.getLogger(__name__)


class Index:
    """Entries' records in slots, an inverted index of their tokens, and their brands and kinds."""

    def __init__(self, entries: Iterable[Entry], brands: Iterable[Brand]) -> None:
        # One entry per id, the last given, in id order.
        entries = sorted_gently({entry.id: entry for entry in entries}.values(), lambda e: e.id)
        # Each entry has a slot, a small int: its record is _records[slot] (None once removed),
        # and the index holds slots, not ids. A replaced entry keeps its slot.
        self._records: list[Record | None] = []
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
        self._kinds: dict[str, int] = dict.fromkeys(KIND_FLAGS, 0)
        self._kind_sizes: dict[str, int] = dict.fromkeys(KIND_FLAGS, 0)
        # Token weights depend on the entry count and the token's frequency: cached until
        # the next change.
        self._weights: dict[str, float] = {}
        # How many entries hold each token only in the sentences they quote: their weight is
        # the phrasings' and answers' (a quote's every word would make common words rarer).
        self._quoted: dict[str, int] = {}
        self._brand_sets: dict[frozenset[str], frozenset[str]] = {}
        # Large postings as slots sorted by (brevity, id): made on first use, kept up to date.
        self._ranked: dict[str, array[int]] = {}
        brands = list(brands)
        self.analyzer = Analyzer(brands, known_tokens=self._postings)
        # Built in one pass: slots come in order, so each posting is born sorted.
        postings: dict[str, array[int]] = {}
        for entry, (record, quote_only) in zip(
            entries, self._records_of(entries, brands), strict=True
        ):
            slot = len(self._records)
            self._records.append(record)
            self._slots[entry.id] = slot
            self._count_quoted(quote_only, 1)
            for token in record_tokens(record):
                postings.setdefault(token, array("I")).append(slot)
            self._index_slot(slot, record)
        for token, slots in postings.items():
            self._postings[sys.intern(token)] = self._compact(token, slots)
        self._in_id_order = len(self._records)
        # Every slot was given in id order, and a sort is stable: sorting a posting (slots
        # ascending) by brevity alone orders it by (brevity, id), as `_ranked_postings` does,
        # without making a key tuple per slot (~1.7 million at 100,000 facts).
        brevities = [cast("Record", record).brevity for record in self._records]
        for token, posting in self._postings.items():
            if self._count(token) > RANKED_MIN:
                held = members(posting) if isinstance(posting, int) else posting
                self._ranked[token] = array("I", sorted_gently(held, brevities.__getitem__))

    def _uncount_quoted(self, record: Record) -> None:
        """Uncount the tokens an entry being removed holds only in what it quotes."""
        if ":" in record.entry.id or not record.entry.evidence:
            return
        own = set(record.phrasings.split())
        own.update(self.analyzer.analyse_words(words(record.entry.answer), correct=False).tokens)
        self._count_quoted(set(record.answer.split()) - own, -1)

    def _count_quoted(self, tokens: Iterable[str], change: int) -> None:
        """Count (1) or uncount (-1) tokens an entry holds only in what it quotes."""
        for token in tokens:
            left = self._quoted.get(token, 0) + change
            if left:
                self._quoted[token] = left
            else:
                self._quoted.pop(token, None)

    def _compact(self, token: str, slots: array[int]) -> int | array[int]:
        """A posting's form: a bitmap when its token is common, else its sorted array."""
        if len(slots) * _BITMAP_DENSITY > len(self._records):
            self._dense[token] = len(slots)
            return bitmap(slots)
        return slots

    def _id_of(self, slot: int) -> str:
        record = self._records[slot]
        assert record is not None
        return record.entry.id

    def _count(self, token: str) -> int:
        """How many entries hold a token (its document frequency)."""
        posting = self._postings.get(token)
        if posting is None:
            return 0
        return self._dense[token] if isinstance(posting, int) else len(posting)

    def _bits(self, token: str) -> int:
        """The entries holding a token, as a bitmap."""
        posting = self._postings.get(token, 0)
        return posting if isinstance(posting, int) else bitmap(posting)

    def _index_slot(self, slot: int, record: Record) -> None:
        """File an entry under its brands and answer kinds."""
        for brand in record.brands:
            about = self._about.setdefault(brand, array("I"))
            about.insert(bisect.bisect_left(about, slot), slot)
        for flag in KIND_FLAGS:
            if record.flags & KIND_BITS[flag]:
                self._kinds[flag] |= 1 << slot
                self._kind_sizes[flag] += 1
        self._weights.clear()

    def _records_of(
        self, entries: list[Entry], brands: list[Brand]
    ) -> Iterator[tuple[Record, frozenset[str]]]:
        """Each entry's record and quoted-only tokens, in order; of a large build, half elsewhere.

        Half: this process also files every record and builds the rest of the engine, but only
        after the other's answer, which it would wait for longer if it analysed less.
        """
        mine = len(entries) // 2 if len(entries) >= prepare.PARALLEL_MIN_ENTRIES else len(entries)
        other = None
        if mine < len(entries):
            try:
                other = prepare.OtherPart(entries[mine:], brands)
            except OSError as error:
                log.info("analysing the entries in one process: %s", error)
                mine = len(entries)
        for entry in entries[:mine]:
            yield self._prepare(entry)
        theirs = other.result() if other is not None else None
        if theirs is None:
            for entry in entries[mine:]:
                yield self._prepare(entry)
            return
        found, counts = theirs
        self.analyzer.add_counts(counts)
        for entry, texts in zip(entries[mine:], found, strict=True):
            yield self._new_record(entry, texts), texts.quote_only

    def _prepare(self, entry: Entry) -> tuple[Record, frozenset[str]]:
        """Analyse an entry's texts, adding their words to the analyzer's vocabulary.

        Returns its record and the tokens it holds only in the sentences it quotes.
        """
        texts = prepare.analysed(self.analyzer, entry)
        return self._new_record(entry, texts), texts.quote_only

    def _new_record(self, entry: Entry, texts: prepare.Analysed) -> Record:
        # Entries about the same brands share one set of them.
        brand_set = self._brand_sets.setdefault(texts.brands, texts.brands)
        return Record(entry, texts.phrasings, texts.answer, brand_set, texts.flags, texts.brevity)

    def _add(self, entry: Entry, slot: int | None = None) -> None:
        record, quote_only = self._prepare(entry)
        if slot is None:
            slot = len(self._records)
            self._records.append(record)
        else:
            self._records[slot] = record
        self._slots[entry.id] = slot
        self._count_quoted(quote_only, 1)
        for token in record_tokens(record):
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
        return record.brevity, record.entry.id

    def _brevity_keys(self, slots: Iterable[int]) -> list[tuple[int, str]]:
        """`_brevity_key` of each slot, in one pass (held slots only: a free one fails)."""
        records = cast("list[Record]", self._records)
        return [(record.brevity, record.entry.id) for record in map(records.__getitem__, slots)]

    def _remove(self, entry_id: str) -> int | None:
        """Forget an entry; its slot, now free."""
        slot = self._slots.get(entry_id)
        if slot is None:
            return None
        record = self._records[slot]
        assert record is not None
        self._uncount_quoted(record)
        for token in record_tokens(record):
            self._unpost(token, slot, (record.brevity, entry_id))
        # After the ranked lists, whose key reads the record.
        self._records[slot] = None
        del self._slots[entry_id]
        for brand in record.brands:
            about = self._about[brand]
            del about[bisect.bisect_left(about, slot)]
            if not about:
                del self._about[brand]
        for flag in KIND_FLAGS:
            if record.flags & KIND_BITS[flag]:
                self._kinds[flag] &= ~(1 << slot)
                self._kind_sizes[flag] -= 1
        self._weights.clear()
        entry = record.entry
        quoted = " ".join(prepare.quoted_words(entry))
        self.analyzer.remove_texts((*entry.questions, entry.answer, quoted))
        return slot

    def _unpost(self, token: str, slot: int, key: tuple[int, str]) -> None:
        """Take a slot out of a token's posting and ranked list (`key`: its brevity key)."""
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
            at = bisect.bisect_left(ranked, key, key=self._brevity_key)
            del ranked[at]
            if not ranked:
                del self._ranked[token]

    def adopt(self, entries: Iterable[Entry]) -> None:
        """Hold these entries, each equal to the one of its id, instead of those (no re-index)."""
        records, slots = self._records, self._slots
        for entry in entries:
            slot = slots[entry.id]
            record = records[slot]
            assert record is not None
            records[slot] = record._replace(entry=entry)
        # Keyed by the held entries' ids too: the old keys would be a second copy of each id.
        self._slots = {
            record.entry.id: slot for slot, record in enumerate(records) if record is not None
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
        return [record.entry for record in self._records if record is not None]

    def _record(self, entry_id: str) -> Record:
        """The record of an entry."""
        record = self._records[self._slots[entry_id]]
        assert record is not None
        return record

    def _ranked_postings(self, token: str) -> array[int]:
        """The slots holding a token, shortest phrasing first: made once, then kept up to date."""
        ranked = self._ranked.get(token)
        if ranked is None:
            posting = self._postings[token]
            slots = members(posting) if isinstance(posting, int) else posting
            ranked = self._ranked[token] = array("I", sorted_gently(slots, self._brevity_key))
        return ranked

    def _first_by_id(self, ids: int, limit: int) -> list[str]:
        """The ids of the first `limit` entries of a bitmap, in id order."""
        ordered = self._in_id_order
        # The lowest slots, in id order below `ordered`, and every later one.
        first = [self._id_of(slot) for slot in members(ids, limit) if slot < ordered]
        late = ids >> ordered
        if late:
            first += [self._id_of(ordered + slot) for slot in members(late)]
            first = heapq.nsmallest(limit, first)
        return first

    def _weight(self, token: str) -> float:
        """A token's weight: rarer tokens weigh more."""
        weight = self._weights.get(token)
        if weight is not None:
            return weight
        if token in QUESTION_TOKENS:
            weight = QUESTION_WORD_WEIGHT
        else:
            count = len(self._slots) or 1
            frequency = self._count(token) - self._quoted.get(token, 0)
            weight = math.log((count + 1) / (frequency + 0.5)) + 0.5
            if not frequency:
                return weight  # unknown words are not cached: users can type any number of them
        self._weights[token] = weight
        return weight
