"""The source passage nearest to a quote that is not word for word in it ("did you mean: …")."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.facts.models import FactBase, Source

# A sentence ends at . ! or ? before a space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The source text's sentences (and lines), stripped, in order."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def nearest_passage(text: str, quote: str) -> str | None:
    """The sentence of `text` most like `quote` (case and typos aside), or None when none is."""
    wanted = " ".join(quote.split()).lower()
    if not wanted:
        return None
    best: tuple[float, float, str] | None = None
    for sentence in sentences(text):
        lowered = sentence.lower()
        # partial: the quote is a stretch of the sentence; ratio breaks ties by length.
        score = (fuzz.partial_ratio(wanted, lowered), fuzz.ratio(wanted, lowered), sentence)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None or best[0] < 50:
        return None
    return best[2]


def text_page(text: str, page: int, size: int = 1800) -> tuple[str, int]:
    """Page `page` (from 1, clamped) of a text cut at line or sentence ends; and how many pages."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        for piece in [line] if len(line) <= size else re.split(r"(?<=[.!?] )", line):
            # A sentence longer than a page is cut where the page ends.
            pieces += [piece[i : i + size] for i in range(0, len(piece), size)]
    pages: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > size:
            pages.append(current)
            current = ""
        current += piece
    if current or not pages:
        pages.append(current)
    number = max(1, min(page, len(pages)))
    return pages[number - 1], len(pages)


def _flat(text: str) -> str:
    """Text with its whitespace as single spaces."""
    return " ".join(text.split())


def uncited(base: FactBase) -> list[tuple[Source, list[str]]]:
    """Each source's sentences no fact, partnership or person cites, sources by date then id.

    A sentence counts as cited when a quote of that source holds it or lies within it.
    """
    quotes: dict[str, list[str]] = {}
    cited = [
        *(c for fact in base.facts.values() for c in fact.citations),
        *(c for pair in base.partnerships.values() for c in pair.citations),
        *(c for brand in base.brands.values() for p in brand.people for c in p.citations),
    ]
    for citation in cited:
        quotes.setdefault(citation.source_id, []).append(_flat(citation.quote))
    found = []
    for source in sorted(base.sources.values(), key=lambda s: (s.date, s.id)):
        known = quotes.get(source.id, [])
        left = [
            sentence
            for sentence in sentences(source.text)
            if not any(q in _flat(sentence) or _flat(sentence) in q for q in known if q)
        ]
        if left:
            found.append((source, left))
    return found
