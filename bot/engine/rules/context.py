"""What every rule reads: a fact base's lookups and dating helpers, and the words rules know.

A `Context` is what every rule reads; it never reads a question's wording. Its lookups
(`of`, `pair`) are built once from the fact base a `Reasoner` is made with, and kept on a
rebase, as they always were (a moderator's edit changes facts, not partnerships).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from bot.engine.prose import (
    adjective,
    date_label,
    lower_first,
    partnership_clause,
    partnership_sentence,
)
from bot.engine.questions import (
    ALREADY,
    CURRENT,
    LATEST,
    PAST,
    TAGS,
    YEAR,
    Part,
    number_of,
)
from bot.engine.rules.quotes import QuoteIndex
from bot.engine.timeline import Dated, dated_clauses, joined, multi_dated, pieces, several_dates
from bot.engine.words import canonical
from bot.facts.models import Brand, Citation, FactBase, Month, Partnership, PartnershipStatus
from bot.facts.text import words


def _canon(text: str) -> frozenset[str]:
    """The canonical tokens of some words, as the analyzer reads questions."""
    return frozenset(filter(None, (canonical(word) for word in text.split())))


# What each rule understands (canonical tokens): a part holding any other word is not its to
# answer. Partnership words only say "partnership": partner, work with, cameras, phones, makers.
RELATION = _canon("partner work camera cam cams phone maker choose")
END = "end"
START = _canon("start begin began begun since")
LAUNCH = _canon("launch expect first phone partner camera maker delay") | {"1"}
PERSON_WORDS = _canon("name called who")
# Words that ask where things are made: the sources give brands' countries, not factories.
MADE = frozenset(
    "made make makes manufactured manufacture produced produce built build assembled".split()
)
# Words that ask whether something is official: "officially confirmed", "reported".
CONFIRM = _canon("confirm confirmed officially official announce report rumour rumoured say")
COUNTRY_WORDS = _canon("camera maker phone cam") | {"?where"}
LIST_TOKENS = _canon(
    "all name names list maker camera phone partner article source mention mentioned brand "
    "work cam appear talk cover"
)
COMPARE_TOKENS = _canon(
    "differ different difference compare compared comparison vs versus partner camera phone "
    "maker work deal between common same"
) | {"1"}
# Time and chat words steer a rule (still, before) but are never what is asked.
IGNORED = (
    frozenset(CURRENT | PAST | LATEST | ALREADY | TAGS)
    | _canon(" ".join(CURRENT | PAST | LATEST | ALREADY))
    | frozenset("yo nah nope pls plz lol bro dude guys tho rn so".split())
    # Words that praise a maker without asking anything of it ("the legacy camera maker").
    | _canon("legacy traditional heritage established storied")
)
ENDED = PartnershipStatus.ENDED
NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b", re.IGNORECASE)


_COUNTED = _canon("phone partner maker camera model device brand company")


def numbers(part: Part) -> frozenset[str]:
    """The tokens of the counts and years a part names, and their units."""
    following = [*part.words[1:], ""]
    tokens = {
        canonical(w) or w
        for w, after in zip(part.words, following, strict=True)
        if YEAR.fullmatch(w)
        # "for one phone", "two partners": a count of things no record counts, not a length.
        or (number_of(w) is not None and canonical(after) not in _COUNTED)
    }
    if part.durations:
        tokens |= {"year", "last", "long", "after", canonical("decade") or "decade"}
    return frozenset(tokens)


def period_years(period: str) -> int | None:
    """The number of years a period names ("four-year", "4 years"), if it names one."""
    for word in re.split(r"[\s-]+", period.lower()):
        number = number_of(word)
        if number is not None:
            return number
    return None


def current_first(partnership: Partnership) -> tuple[bool, str]:
    """A sort key: current partnerships first, then by id."""
    return (partnership.status is PartnershipStatus.ENDED, partnership.id)


def capitalised(text: str) -> str:
    """A date line that starts a sentence: "As of 23 May 2022"."""
    return text[0].upper() + text[1:]


def partnership_id(partnership: Partnership) -> str:
    """The entry id an answer about one partnership is filed under."""
    return f"partnership:{partnership.id}"


def brand_words(brand: Brand) -> set[str]:
    """The words of a brand's names, and its name run together ("oneplus")."""
    return {w for name in brand.names for w in words(name)} | {"".join(words(brand.name))}


def before(date: dt.date, due: Month) -> bool:
    """Whether a day comes before a due month (or year) begins."""
    return (date.year, date.month) < (due.year, due.month or 1)


class Context:
    """The fact base as rules read it: brands, partnerships, dates and quotable clauses."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self._pairs = {
            frozenset((p.phone_maker, p.camera_maker)): p for p in base.partnerships.values()
        }
        self.quotes = QuoteIndex(base)  # now, not on a first question: ~1 s at 100,000 facts
        self._of: dict[str, list[Partnership]] = {}
        for partnership in sorted(base.partnerships.values(), key=current_first):
            for brand in (partnership.phone_maker, partnership.camera_maker):
                self._of.setdefault(brand, []).append(partnership)

    def rebase(self, base: FactBase) -> None:
        """Serve an edited fact base (a moderator's change: facts, and perhaps sources)."""
        self.quotes.rebase(base)
        self.base = base

    def name(self, brand_id: str) -> str:
        """A brand's display name."""
        return self.base.brands[brand_id].name

    def of(self, brand_id: str) -> list[Partnership]:
        """A brand's partnerships, current ones first."""
        return self._of.get(brand_id, [])

    def pair(self, first: str, second: str) -> Partnership | None:
        """The partnership of two brands, if the sources report one."""
        return self._pairs.get(frozenset((first, second)))

    def dated(self, citations: Iterable[Citation]) -> str:
        """The date line for these citations: As reported on 23 May 2022 (the newest source)."""
        label = date_label(self.base.source_date(tuple(citations)))
        return f"As reported on {label}" if label else "According to the sources"

    def as_of(self, citations: Iterable[Citation]) -> str:
        """The date for a status: as of 23 May 2022 (the newest source's date)."""
        label = date_label(self.base.source_date(tuple(citations)))
        return f"as of {label}" if label else "in the sources"

    def clause(self, partnership: Partnership, subject: str | None = None) -> str:
        """What a partnership is, from one brand's side: "OnePlus works with Hasselblad"."""
        return partnership_clause(partnership, self.base, subject)

    def sentence(self, partnership: Partnership, subject: str | None = None) -> str:
        """A partnership in a sentence or three, with its phones."""
        return partnership_sentence(partnership, self.base, subject)

    def told(
        self,
        partnerships: Iterable[Partnership],
        subject: str | None = None,
        first: Iterable[tuple[str, Citation]] = (),
    ) -> str:
        """Partnerships in sentences after their date line; each dated by its own quotes.

        `first` are sentences to say before them, each with its quote ("Leica is a German
        brand."). With quotes of one date this is "As reported on <date>, <sentences>".
        """
        chosen, before = list(partnerships), list(first)
        citations = [c for _, c in before] + [c for p in chosen for c in p.citations]
        if not several_dates(self.base, citations):
            sentences = [s for s, _ in before] + [self.sentence(p, subject) for p in chosen]
            return f"{self.dated(citations)}, " + lower_first(" ".join(sentences))
        said = [[Dated(self.base.source_date((c,)), s) for s, c in before]]
        said += [pieces(self.base, partnership, subject) for partnership in chosen]
        return joined(said)

    def told_clauses(self, partnerships: Iterable[Partnership], subject: str) -> str:
        """Partnerships from one brand's side in clauses after their date line, as `told`."""
        chosen = list(partnerships)
        if not multi_dated(self.base, chosen):
            citations = [c for p in chosen for c in p.citations]
            clauses = "; ".join(self.clause(p, subject) for p in chosen)
            return f"{self.dated(citations)}, " + lower_first(clauses + ".")
        return dated_clauses(self.base, chosen, subject)

    def mention(self, names: Iterable[str]) -> Citation | None:
        """The shortest clause of a source that names one of these names, as a quote."""
        return self.quotes.shortest(names)

    def support(self, brand: Brand, country: str | None) -> Citation | None:
        """The shortest clause of a source that names the brand and its country, as a quote."""
        if not country:
            return None
        return self.quotes.shortest(brand.names, (adjective(country), country))

    def tokens(self, text: str) -> list[str]:
        """The canonical tokens of a text, as the analyzer reads questions."""
        return [t for w in words(text) if (t := canonical(w)) is not None]
