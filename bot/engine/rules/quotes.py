"""The quote index: the shortest source clause naming a brand or a device, found fast.

Invariant: clause k of source i is number starts[i] + k, and a word's postings are sorted
clause numbers; only words that start a brand's or a device's name (or a country) are indexed
up front, any other word the first time a name starting with it is asked for.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable

from bot.engine.prose import adjective
from bot.facts.models import Citation, FactBase
from bot.facts.text import fold, words


class QuoteIndex:
    """The source clauses of a fact base, indexed by the words that start names."""

    def __init__(self, base: FactBase) -> None:
        self._base = base
        # The source clauses holding each word that starts a brand's or a device's name (the
        # only words searched for), by number: clause k of source i is number starts[i] + k.
        # Clauses are split again when quoted, so the index holds no text.
        self._clause_sources: tuple[str, ...] = ()
        self._clause_starts = array("I")
        self._clause_words: dict[str, array[int]] = {}
        self._index_clauses()
        self._found: dict[tuple[str, ...], Citation | None] = {}

    def rebase(self, base: FactBase) -> None:
        """Quote an edited fact base's sources: re-indexed only if they changed."""
        if base.sources is not self._base.sources and base.sources != self._base.sources:
            self._found.clear()
            self._base = base
            self._index_clauses()
        self._base = base

    def shortest(self, names: Iterable[str], also: Iterable[str] = ()) -> Citation | None:
        """The shortest source clause naming one of `names` (and one of `also`, if given)."""
        folded_names = tuple(sorted({fold(n) for n in names}))
        needles = tuple(sorted({fold(n) for n in also}))
        key = (*folded_names, "|", *needles)
        if key in self._found:
            return self._found[key]
        # Only clauses holding every word of a name can name it (at 100,000 facts, scanning and
        # folding every clause for each new brand took a second on the event loop): the index
        # gives them, and only they are split and folded again.
        numbers = {i for n in folded_names if n for i in self._holding(n) or ()}
        if needles:
            near = [self._holding(n, lazily=False) for n in needles if n]
            held = [found for found in near if found is not None]
            if len(held) == len(near):  # a needle no index knows narrows nothing
                numbers &= set[int]().union(*held)
        best: tuple[int, Citation] | None = None
        split: tuple[int, list[str]] = (-1, [])
        starts = self._clause_starts
        for number in sorted(numbers):
            source = bisect.bisect_right(starts, number) - 1
            if split[0] != source:  # numbers are sorted: each source is split once
                split = (source, clauses(self._source_text(source)))
            clause = split[1][number - starts[source]]
            if best is not None and len(clause) >= best[0]:
                continue
            folded = f" {fold(clause)} "
            named = any(f" {n} " in folded for n in folded_names)
            placed = not needles or any(f" {n} " in folded for n in needles)
            if named and placed:
                best = (len(clause), Citation(self._clause_sources[source], clause))
        found = self._found[key] = best[1] if best else None
        return found

    def _holding(self, name: str, *, lazily: bool = True) -> set[int] | None:
        """The clauses holding every word of a folded name that the index knows.

        Its first word is indexed now if it is not yet (`lazily`); else a name none of whose
        words is indexed gives None: any clause may hold it.
        """
        parts = name.split()
        postings = [self._clause_words[w] for w in dict.fromkeys(parts) if w in self._clause_words]
        if not postings:
            if not lazily:
                return None
            postings = [self._clauses_with(parts[0])]
        postings.sort(key=len)
        rest = postings[1:]
        return {number for number in postings[0] if all(_holds(p, number) for p in rest)}

    def _source_text(self, number: int) -> str:
        return self._base.sources[self._clause_sources[number]].text

    def _clauses_with(self, word: str) -> array[int]:
        """The numbers of the clauses holding a word (indexed now if no name started with it)."""
        found = self._clause_words.get(word)
        if found is None:
            # A brand the index was not built for: every clause is read once for its word.
            found = self._clause_words[word] = array("I")
            starts = self._clause_starts
            for source in range(len(self._clause_sources)):
                for at, clause in enumerate(clauses(self._source_text(source))):
                    if word in words(clause):
                        found.append(starts[source] + at)
        return found

    def _index_clauses(self) -> None:
        """Number every source clause, and index those holding a word of a name or country."""
        wanted = set()
        for brand in self._base.brands.values():
            for name in (*brand.names, *(n for d in brand.devices for n in d.names)):
                wanted.update(words(name))
            if brand.country:
                wanted.update(words(f"{brand.country} {adjective(brand.country)}"))
        index: dict[str, array[int]] = {word: array("I") for word in wanted}
        starts = array("I")
        number = 0
        for source in self._base.sources.values():
            starts.append(number)
            for clause in clauses(source.text):
                for word in wanted.intersection(words(clause)):
                    index[word].append(number)
                number += 1
        self._clause_sources = tuple(self._base.sources)
        self._clause_starts, self._clause_words = starts, index


def clauses(text: str) -> list[str]:
    """A source's sentences, and their clauses joined by ', and' or ';' (quotable pieces)."""
    pieces = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        pieces.append(sentence)
        pieces += [p for p in re.split(r",\s+and\s+|;\s+", sentence) if p != sentence]
    return [p.strip() for p in pieces if len(p.split()) >= 3]


def _holds(numbers: array[int], number: int) -> bool:
    """Whether a sorted array holds a number."""
    at = bisect.bisect_left(numbers, number)
    return at < len(numbers) and numbers[at] == number
