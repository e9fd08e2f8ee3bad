"""The answer engine: questions to cited answers, brands to their partnerships. Plain data only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.matcher import Candidate, Entry, Match, Matcher, Outcome
from bot.models import Brand, BrandKind, Citation, Fact, FactBase, Partnership, PartnershipStatus
from bot.text import compact, fold

# Ids of answers derived from partnerships; ':' never occurs in a fact id, so they cannot clash.
OVERVIEW_ID = "partnerships:all"
BRAND_PREFIX = "partners:"
PARTNERSHIP_PREFIX = "partnership:"

# Words that start a sentence but not a name, so "The first phone…" can follow "As reported…, ".
_LOWER_FIRST = frozenset(
    "the a an both its it their they this that these those with before after yes no".split()
)


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """A citation ready to show: the quote, and the source's id, title, date and url."""

    source_id: str
    title: str
    date: str
    quote: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question the user may have meant."""

    fact_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot says to a question: the text, its citations and how sure it is."""

    question: str
    answered: bool
    answer: str | None
    score: float
    fact_id: str | None = None
    matched_question: str | None = None
    reported_on: str | None = None
    citations: tuple[CitedQuote, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `camerabot ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "score": self.score,
            "fact_id": self.fact_id,
            "citations": [
                {"source_id": c.source_id, "title": c.title, "date": c.date, "quote": c.quote}
                for c in self.citations
            ],
            "suggestions": [s.question for s in self.suggestions],
        }


@dataclass(frozen=True, slots=True)
class PartnershipView:
    """One partnership as seen from one of its brands."""

    partnership: Partnership
    partner: Brand
    citations: tuple[CitedQuote, ...]
    reported_on: str | None


@dataclass(frozen=True, slots=True)
class BrandLookup:
    """The brand a name was taken for, or the brands it might have meant."""

    query: str
    brand: Brand | None
    partnerships: tuple[PartnershipView, ...] = ()
    suggestions: tuple[Brand, ...] = field(default_factory=tuple)


def _date_label(date: dt.date | None) -> str | None:
    return f"{date.day} {date:%B %Y}" if date else None


def with_date(text: str, date_label: str | None) -> str:
    """An answer that says when its source reported it."""
    if not date_label:
        return text
    first, _, _rest = text.partition(" ")
    if first.lower().strip(",.") in _LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return f"As reported on {date_label}, {text}"


def status_phrase(partnership: Partnership) -> str:
    """The status in words: announced, active, or ended."""
    return {
        PartnershipStatus.ANNOUNCED: "announced",
        PartnershipStatus.ACTIVE: "active",
        PartnershipStatus.ENDED: "ended",
    }[partnership.status]


class Engine:
    """The fact base and its matcher, answering questions and brand look-ups."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self._derived = _derived_entries(base)
        entries = [fact_entry(fact) for fact in base.facts.values()]
        entries += [entry for entry, _ in self._derived.values()]
        self.matcher = Matcher(entries, base.brands.values())
        self._brand_names = {
            name: brand.id for brand in base.brands.values() for name in _brand_keys(brand)
        }

    # Incremental updates (a moderator's edit: no full rebuild)

    def upsert_fact(self, fact: Fact, base: FactBase) -> None:
        """Add or replace one fact; `base` is the fact base that now holds it."""
        self.base = base
        self.matcher.upsert(fact_entry(fact))

    def remove_fact(self, fact_id: str, base: FactBase) -> None:
        """Forget one fact; `base` is the fact base without it."""
        self.base = base
        self.matcher.remove(fact_id)

    # Questions

    def ask(self, question: str) -> Answer:
        """Answer a question, or abstain with suggestions."""
        return self.answer_match(question, self.matcher.match(question))

    def answer_match(self, question: str, match: Match) -> Answer:
        """The Answer for a question the matcher has decided on."""
        best = match.best
        if best is None:
            top = match.candidates[0].score if match.candidates else 0.0
            suggestions = tuple(
                Suggestion(c.entry.id, self.question_of(c)) for c in match.suggestions()
            )
            return Answer(question, False, None, top, suggestions=suggestions)
        return self.answer_entry(question, best.entry.id, best.score)

    def answer_entry(self, question: str, entry_id: str, score: float = 1.0) -> Answer:
        """The answer of one entry (a fact or a derived answer), whatever the question."""
        fact = self.base.facts.get(entry_id)
        if fact is not None:
            text, citations, title = fact.answer, fact.citations, fact.question
        elif entry_id in self._derived:
            entry, citations = self._derived[entry_id]
            text, title = entry.answer, entry.questions[0]
        else:
            raise KeyError(entry_id)
        reported = _date_label(self.base.source_date(citations))
        return Answer(
            question=question,
            answered=True,
            answer=with_date(text, reported),
            score=score,
            fact_id=entry_id,
            matched_question=title,
            reported_on=reported,
            citations=self.cite(citations),
        )

    def question_of(self, candidate: Candidate) -> str:
        """The canonical question of a candidate, for suggestions."""
        return candidate.entry.questions[0]

    def cite(self, citations: tuple[Citation, ...]) -> tuple[CitedQuote, ...]:
        """Citations with their source's title and date."""
        shown = []
        for citation in citations:
            source = self.base.sources[citation.source_id]
            shown.append(
                CitedQuote(source.id, source.title, source.date_label, citation.quote, source.url)
            )
        return tuple(shown)

    # Brands

    def find_brand(self, name: str) -> BrandLookup:
        """The brand a name means (typos tolerated), with its partnerships."""
        key = compact(name)
        brand_id = self._brand_names.get(key)
        if brand_id is None and key:
            found = process.extract(
                key, self._brand_names, scorer=fuzz.WRatio, score_cutoff=70, limit=6
            )
            # rapidfuzz gives (value, score, key) for a mapping: the value is the brand id.
            # Each brand's best score; a brand's aliases must not count as its runner-up.
            best: dict[str, float] = {}
            for brand, score, _ in found:
                best.setdefault(brand, score)
            ranked = list(best)
            scores = [*best.values(), 0.0, 0.0]
            # One typo (a swapped pair counts as one: "huwaei") in a name of 4+ letters is
            # taken too, when it fits one brand only; the score alone holds it under 85.
            near = {
                brand
                for known, brand in self._brand_names.items()
                if len(known) >= 4 and OSA.distance(key, known, score_cutoff=1) <= 1
            }
            if scores[0] >= 85 and scores[0] - scores[1] >= 10:
                brand_id = ranked[0]
            elif len(near) == 1:
                brand_id = near.pop()
            else:
                suggestions = tuple(self.base.brands[b] for b in ranked[:3])
                return BrandLookup(name, None, suggestions=suggestions)
        if brand_id is None:
            return BrandLookup(name, None)
        brand = self.base.brands[brand_id]
        views = tuple(self.view(p, brand.id) for p in self.base.partnerships_of(brand.id))
        return BrandLookup(name, brand, views)

    def view(self, partnership: Partnership, brand_id: str) -> PartnershipView:
        """A partnership from one brand's side."""
        partner = self.base.brands[partnership.other(brand_id)]
        reported = _date_label(self.base.source_date(partnership.citations))
        return PartnershipView(partnership, partner, self.cite(partnership.citations), reported)

    def brand_choices(self, text: str, limit: int = 25) -> list[Brand]:
        """Brands for autocomplete: best first, every brand when the text is empty."""
        brands = sorted(self.base.brands.values(), key=lambda b: b.name.lower())
        key = compact(text)
        if not key:
            return brands[:limit]
        scored: dict[str, float] = {}
        for brand in brands:
            best = 0.0
            for name in _brand_keys(brand):
                if name.startswith(key):
                    score = 200.0 - len(name)
                else:
                    score = max(fuzz.WRatio(key, name), fuzz.ratio(key, name[: len(key)]))
                best = max(best, score)
            if best >= 60:
                scored[brand.id] = best
        ranked = sorted(scored, key=lambda b: (-scored[b], b))
        return [self.base.brands[b] for b in ranked[:limit]]

    def partnerships(self) -> list[Partnership]:
        """Every partnership: current ones first, then ended ones."""
        return sorted(
            self.base.partnerships.values(),
            key=lambda p: (p.status is PartnershipStatus.ENDED, p.id),
        )

    def sources(self) -> list[Any]:
        """Every source, newest first."""
        return sorted(self.base.sources.values(), key=lambda s: (s.date, s.id), reverse=True)


def _brand_keys(brand: Brand) -> set[str]:
    return {compact(name) for name in brand.names} | {fold(brand.name)}


def fact_entry(fact: Fact) -> Entry:
    """A fact as the matcher sees it."""
    return Entry(
        id=fact.id,
        questions=fact.questions,
        answer=fact.answer,
        brands=frozenset(fact.brands),
        evidence=tuple(c.quote for c in fact.citations),
    )


def describe(partnership: Partnership, base: FactBase, *, from_brand: str | None = None) -> str:
    """One sentence on a partnership: who, status, time, devices."""
    phone = base.brands[partnership.phone_maker].name
    camera = base.brands[partnership.camera_maker].name
    if from_brand == partnership.camera_maker:
        head = f"{camera} with {phone}"
    else:
        head = f"{phone} with {camera}"
    details = [status_phrase(partnership)]
    if partnership.period:
        details.append(partnership.period[0].lower() + partnership.period[1:])
    text = f"{head} ({'; '.join(details)})"
    if partnership.devices:
        text += f", seen on the {', '.join(partnership.devices)}"
    return text


def _derived_entries(base: FactBase) -> dict[str, tuple[Entry, tuple[Citation, ...]]]:
    """Answers built from partnerships: one per brand, one per pair, and the overview."""
    derived: dict[str, tuple[Entry, tuple[Citation, ...]]] = {}
    partnerships = sorted(
        base.partnerships.values(), key=lambda p: (p.status is PartnershipStatus.ENDED, p.id)
    )
    if not partnerships:
        return derived
    citations = tuple(c for p in partnerships for c in p.citations)
    listing = "; ".join(describe(p, base) for p in partnerships)
    overview = Entry(
        id=OVERVIEW_ID,
        questions=(
            "Which phone makers have camera partnerships?",
            "List all camera partnerships",
            "What camera partnerships are there?",
            "Which smartphone makers work with camera makers?",
            "Which camera makers work with phone makers?",
            "All partnerships",
        ),
        answer=f"The camera partnerships on record: {listing}.",
        evidence=tuple(c.quote for c in citations),
    )
    derived[overview.id] = (overview, citations)
    for brand in base.brands.values():
        own = base.partnerships_of(brand.id)
        if not own:
            continue
        name = brand.name
        questions = [
            name,
            f"Who does {name} partner with?",
            f"Who works with {name}?",
            f"Who are {name}'s partners?",
            f"{name} partnerships",
        ]
        if brand.kind is BrandKind.CAMERA_MAKER:
            questions += [
                f"Which phone makers work with {name}?",
                f"Which phones have {name} cameras?",
            ]
        else:
            questions += [f"Which camera maker does {name} work with?", f"{name} camera partner"]
        listing = "; ".join(describe(p, base, from_brand=brand.id) for p in own)
        brand_citations = tuple(c for p in own for c in p.citations)
        entry = Entry(
            id=f"{BRAND_PREFIX}{brand.id}",
            questions=tuple(questions),
            answer=f"{name}'s camera partnerships: {listing}.",
            brands=frozenset({brand.id}),
            evidence=tuple(c.quote for c in brand_citations),
        )
        derived[entry.id] = (entry, brand_citations)
    for partnership in partnerships:
        phone = base.brands[partnership.phone_maker].name
        camera = base.brands[partnership.camera_maker].name
        summary = f" {partnership.summary}" if partnership.summary else ""
        entry = Entry(
            id=f"{PARTNERSHIP_PREFIX}{partnership.id}",
            questions=(
                f"{phone} and {camera}",
                f"{phone} {camera} partnership",
                f"{camera} {phone} phones",
                f"Are {phone} and {camera} partners?",
                f"What is the status of the {phone} {camera} partnership?",
            ),
            answer=f"{describe(partnership, base)}.{summary}",
            brands=frozenset({partnership.phone_maker, partnership.camera_maker}),
            evidence=tuple(c.quote for c in partnership.citations),
        )
        derived[entry.id] = (entry, partnership.citations)
    return derived


__all__ = [
    "Answer",
    "BrandLookup",
    "CitedQuote",
    "Engine",
    "Outcome",
    "PartnershipView",
    "Suggestion",
]
