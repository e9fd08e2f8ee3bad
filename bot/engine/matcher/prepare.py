"""An entry's texts analysed for the index; at a large build, half of them in another process.

What an entry's record holds depends only on its own texts and the brands (`Analyzer.scan`
reads neither the vocabulary nor other entries), so the entries can be analysed in any order
and anywhere: at 100,000 facts analysing them is ~10 s of one core, most of a start with no
cache, and a second interpreter takes half of it (`Index._records_of`). The
vocabulary each analysis adds to is counts of words, merged back (`Analyzer.add_counts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from bot.caches.second_process import SecondProcess, frames_of, serve
from bot.engine.lexicon.operators import WORDS, Operator
from bot.engine.matcher.records import Entry, answer_flags
from bot.engine.words import Analyzer
from bot.facts.models import Brand
from bot.facts.text import words

# Fewer entries than this are analysed in this process: starting another costs ~0.3 s.
PARALLEL_MIN_ENTRIES = 20_000


class Analysed(NamedTuple):
    """An entry's texts as its record holds them (see `Record`), short of the entry itself."""

    phrasings: str
    answer: str
    brands: frozenset[str]
    flags: int
    brevity: int
    # The tokens it holds only in the sentences it quotes (`quoted_words`).
    quote_only: frozenset[str]


def quoted_words(entry: Entry) -> list[str]:
    """The words of the sentences a moderator's fact quotes, by which it is found too.

    "What do Xiaomi and Leica agree on?" finds the fact whose quote says they agree. An entry
    derived from the records ("partners:xiaomi") quotes whole paragraphs, whose every word
    would find it; and a quote's attribution ("Xiaomi has said that…") is not what it answers:
    who said it is for the fact's own answer to give.
    """
    if ":" in entry.id:
        return []
    return [
        word
        for quote in entry.evidence
        for word in words(quote)
        if WORDS.get(word) is not Operator.SPEAKER
    ]


def analysed(analyzer: Analyzer, entry: Entry) -> Analysed:
    """Analyse an entry's texts, adding their words to the analyzer's vocabulary."""
    brands = set(entry.brands)
    phrasings = []
    # `scan`, not `analyse_words`: a record needs neither the unknown words nor the order.
    for question in entry.questions:
        question_words = words(question)
        analyzer.add_words(question_words)
        tokens, named, _ = analyzer.scan(question_words)
        brands |= named
        phrasings.append(" ".join(sorted(set(tokens))))
    answer_words = words(entry.answer)
    quoted = quoted_words(entry)
    analyzer.add_words(answer_words + quoted)
    answer_tokens = set(analyzer.scan(answer_words)[0])
    quote_only: set[str] = set()
    if quoted:
        quote_only = set(analyzer.scan(quoted)[0]) - answer_tokens
        quote_only.difference_update(*(p.split() for p in phrasings))
        answer_tokens |= quote_only
    # An entry is about the brands it declares and those its questions name (not its
    # answer: a list of every partnership is not about each brand in it).
    return Analysed(
        f" {' | '.join(phrasings)} ",
        f" {' '.join(sorted(answer_tokens))} ",
        frozenset(brands),
        answer_flags(entry.answer),
        min(map(len, phrasings), default=0),
        frozenset(quote_only),
    )


# What the other process is sent: the brands, then each entry's id, questions, answer, brands
# and quotes, in frames.
_Text = tuple[str, tuple[str, ...], str, frozenset[str], tuple[str, ...]]


def _analyse_part(frames: list[Any]) -> Iterator[object]:
    """The analyses in frames, in the order sent; the words counted last."""
    brands: list[Brand] = frames[0]
    analyzer = Analyzer(brands)
    for texts in frames[1:]:
        yield [analysed(analyzer, Entry(*text)) for text in texts]
    yield analyzer.word_counts


def main() -> None:
    """The other process: analyse the entries sent on stdin; the analyses on stdout."""
    serve(_analyse_part)


class OtherPart:
    """Entries analysed in a second process while this one analyses the others."""

    def __init__(self, entries: Sequence[Entry], brands: list[Brand]) -> None:
        """Send `entries` off (OSError: no process could start)."""
        texts: list[_Text] = [
            (entry.id, entry.questions, entry.answer, entry.brands, entry.evidence)
            for entry in entries
        ]
        self._count = len(entries)
        self._process = SecondProcess("bot.engine.matcher.prepare", [brands, *frames_of(texts)])

    def result(self) -> tuple[list[Analysed], Counter[str]] | None:
        """Their analyses in the order sent and the words they counted; None if it failed."""
        answer = self._process.answer()
        if not answer or not isinstance(answer[-1], Counter):
            return None
        found = [texts for frame in answer[:-1] for texts in frame]
        if len(found) != self._count:
            return None
        return found, answer[-1]
