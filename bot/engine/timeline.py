"""Claims dated by their own sources: a partnership reported by several articles, clause by clause.

A partnership record holds the state its newest source gives, but each of its claims (the
status, the period, the phones seen, the phones reports named, the due date) is dated by the
quotes that say it. A record whose quotes all come from one source reads as it always did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.engine.prose import (
    date_label,
    lower_first,
    partnership_clause,
    series,
)
from bot.facts.models import Citation, Fact, FactBase, Partnership
from bot.facts.text import words


@dataclass(frozen=True, slots=True)
class Dated:
    """A sentence (or clause) and the date of the source that says it."""

    date: dt.date | None
    text: str


def _dates(base: FactBase, citations: Iterable[Citation]) -> list[dt.date]:
    return [base.sources[c.source_id].date for c in citations if c.source_id in base.sources]


def several_dates(base: FactBase, citations: Iterable[Citation]) -> bool:
    """Whether these quotes come from sources of more than one date."""
    return len(set(_dates(base, citations))) > 1


def _naming(partnership: Partnership, names: Iterable[str]) -> list[Citation]:
    """The record's quotes that name one of these names (every word of it)."""
    wanted = [set(words(name)) for name in names if words(name)]
    return [c for c in partnership.citations if any(name <= set(words(c.quote)) for name in wanted)]


def status_date(base: FactBase, partnership: Partnership) -> dt.date | None:
    """The date a partnership's status stands as of: its newest source's."""
    return base.source_date(partnership.citations)


def claim_date(
    base: FactBase, partnership: Partnership, names: Iterable[str], *, first: bool = False
) -> dt.date | None:
    """When the record's quotes naming these names said it: the newest (or first) of them."""
    found = _dates(base, _naming(partnership, names))
    if not found:
        return status_date(base, partnership)
    return min(found) if first else max(found)


# Words of a quote that names a first phone still to come ("will be the …"): not one seen.
_NOT_YET = frozenset("will would expected due planned rumoured rumored suggested said".split())


def first_seen(base: FactBase, partnership: Partnership) -> tuple[str, Citation] | None:
    """The phone a quote calls the partnership's first, with that quote (the newest says it)."""
    ordered = sorted(
        partnership.citations,
        key=lambda c: (
            base.sources[c.source_id].date if c.source_id in base.sources else dt.date.min
        ),
        reverse=True,
    )
    for citation in ordered:
        said = set(words(citation.quote))
        if "first" not in said or said & _NOT_YET:
            continue
        for device in partnership.devices:
            if set(words(device)) <= said:
                return device, citation
    return None


def claim_quotes(
    base: FactBase, partnership: Partnership, names: Iterable[str]
) -> tuple[Citation, ...]:
    """The quotes of the first source that said a claim (naming these names); all if none do."""
    found = _naming(partnership, names)
    if not found or not several_dates(base, partnership.citations):
        return partnership.citations
    first = min(_dates(base, found))
    return tuple(c for c in found if base.sources[c.source_id].date == first)


def superseded(base: FactBase, partnership: Partnership) -> bool:
    """Whether phones reports named were overtaken by a newer source's phones seen."""
    if not partnership.devices or not partnership.reported_devices:
        return False
    if set(partnership.devices) & set(partnership.reported_devices):
        return False
    reported = claim_date(base, partnership, partnership.reported_devices, first=True)
    seen = claim_date(base, partnership, partnership.devices)
    return reported is not None and seen is not None and reported < seen


def first_phone(base: FactBase, partnership: Partnership) -> str:
    """The phone the newest source calls first, or the first seen once reports are overtaken."""
    found = first_seen(base, partnership)
    if found is not None:
        return found[0]
    return partnership.devices[0] if superseded(base, partnership) else ""


def _month(date: dt.date | None) -> str:
    return f"{date:%B %Y}" if date else "earlier"


def correction(base: FactBase, partnership: Partnership) -> str:
    """What changed about the first phone: the phone reports named, and the one that came."""
    reported = claim_date(base, partnership, partnership.reported_devices, first=True)
    seen = claim_date(base, partnership, partnership.devices)
    phone = base.brands[partnership.phone_maker].name
    camera = base.brands[partnership.camera_maker].name
    return (
        f"In {_month(reported)} reports named the {series(partnership.reported_devices)}; "
        f"as of {date_label(seen)} the first phone of the {phone}–{camera} partnership was the "
        f"{first_phone(base, partnership)}."
    )


def first_sentence(base: FactBase, partnership: Partnership) -> str:
    """The partnership's first phone, dated ("" when no source names it): what changed, if any."""
    if superseded(base, partnership):
        return correction(base, partnership)
    found = first_seen(base, partnership)
    if found is None:
        return ""
    phone = base.brands[partnership.phone_maker].name
    camera = base.brands[partnership.camera_maker].name
    return (
        f"As reported on {date_label(base.source_date((found[1],)))}, the first phone of the "
        f"{phone}–{camera} partnership was the {found[0]}."
    )


def pieces(base: FactBase, partnership: Partnership, subject: str | None = None) -> list[Dated]:
    """A partnership's sentences, each with the date of the quotes that say it."""
    newest = status_date(base, partnership)
    period_date = (
        claim_date(base, partnership, [partnership.period]) if partnership.period else None
    )
    said: list[Dated] = []
    if partnership.period and period_date != newest:
        clause = partnership_clause(replace(partnership, period=""), base, subject)
        said.append(Dated(newest, f"{clause}."))
        said.append(Dated(period_date, f"The partnership was described as {partnership.period}."))
    else:
        said.append(Dated(newest, f"{partnership_clause(partnership, base, subject)}."))
    if partnership.devices:
        seen = claim_date(base, partnership, partnership.devices)
        text = f"The partnership was seen on the {series(partnership.devices)}."
        said.append(Dated(seen, text))
    if superseded(base, partnership):
        seen = claim_date(base, partnership, partnership.devices)
        said.append(Dated(seen, correction(base, partnership)))
        return _clause_first(said)
    if partnership.first_phone_due:
        month = partnership.first_phone_due.label.split()[0]
        due = claim_date(base, partnership, [month], first=True)
        said.append(Dated(due, f"The first phone was due in {partnership.first_phone_due.label}."))
    if partnership.reported_devices:
        reported = claim_date(base, partnership, partnership.reported_devices, first=True)
        text = f"Reports suggested it would be the {series(partnership.reported_devices)}."
        said.append(Dated(reported, text))
    return _clause_first(said)


def _clause_first(said: list[Dated]) -> list[Dated]:
    """The clause naming the pair first, then what else is said, oldest first."""
    rest = sorted(said[1:], key=lambda d: d.date or dt.date.min)
    return [said[0], *rest]


def joined(groups: Sequence[Sequence[Dated]], separator: str = " ", *, lower: bool = False) -> str:
    """Groups of dated sentences (a partnership's, say), oldest group first, in their order.

    A date is said where it changes: "As reported on" for the first and for an older one, "as
    of" for a newer one, so a partnership's name always comes before what is said of it.
    """
    ordered = sorted(
        (group for group in groups if group),
        key=lambda group: group[0].date or dt.date.min,
    )
    out: list[str] = []
    shown: dt.date | None = None
    for piece in (piece for group in ordered for piece in group):
        if piece.date is None or piece.date == shown:
            out.append(lower_first(piece.text) if lower else piece.text)
            continue
        newer = shown is not None and piece.date > shown
        lead = "As of" if newer else "As reported on"
        if lower and out:
            lead = lead.lower()
        out.append(f"{lead} {date_label(piece.date)}, {lower_first(piece.text)}")
        shown = piece.date
    return separator.join(out)


def dated_sentence(base: FactBase, partnership: Partnership, subject: str | None = None) -> str:
    """A partnership in dated sentences ("As reported on 23 May 2022, … As of …")."""
    said = pieces(base, partnership, subject)
    if partnership.summary:
        said.append(Dated(summary_date(base, partnership), partnership.summary))
    return joined([said])


def summary_date(base: FactBase, partnership: Partnership) -> dt.date | None:
    """The date of the quote a summary shares most words with: the one it sums up."""
    summary = set(words(partnership.summary))
    best = max(partnership.citations, key=lambda c: len(summary & set(words(c.quote))))
    return base.source_date((best,))


def dated_clauses(base: FactBase, partnerships: Sequence[Partnership], subject: str) -> str:
    """Several partnerships from one brand's side, each clause dated by its own source."""
    groups = [
        [
            Dated(piece.date, piece.text.removesuffix("."))
            for piece in pieces(base, partnership, subject)[:2]
            if not piece.text.startswith("The partnership was seen")
        ]
        for partnership in partnerships
    ]
    return joined(groups, "; ", lower=True) + "."


def multi_dated(base: FactBase, partnerships: Iterable[Partnership]) -> bool:
    """Whether these partnerships' quotes come from sources of more than one date."""
    return several_dates(base, (c for p in partnerships for c in p.citations))


def first_reports(base: FactBase) -> list[tuple[dt.date, Partnership]]:
    """Each partnership with the date it was first reported, the newest first."""
    found = [
        (min(dates), partnership)
        for partnership in base.partnerships.values()
        if (dates := _dates(base, partnership.citations))
    ]
    return sorted(found, key=lambda pair: (pair[0], pair[1].id), reverse=True)


def newer_records(
    base: FactBase,
    fact: Fact,
    candidates: Iterable[Partnership],
    firsts: list[tuple[dt.date, Partnership]] | None = None,
    reviewed: dt.date | None = None,
) -> list[Partnership]:
    """The partnerships of a pair a fact names, reported by a source newer than its quotes.

    `candidates` are the partnerships of one of the fact's brands. A fact is about a pair when
    it names both brands; a fact of one brand ("Lei Jun is Xiaomi's CEO") is not made stale by
    that brand's partnerships. Citing the newer source (an edit) reviews a fact, and so does a
    moderator's review: `reviewed` is the newest source date it was reviewed against, and only
    sources newer than that make it stale again.
    `firsts` is `first_reports(base)`, worked out once for a base that answers many questions.
    """
    cited = reviewed_since(base, fact, reviewed)
    brands = set(fact.brands)
    said = set(words(f"{fact.question} {fact.answer}"))
    if cited is None or (len(brands) < 2 and not said & (_LATEST | _ONLY)):
        return []
    found = []
    for partnership in candidates:
        newest = status_date(base, partnership)
        pair = {partnership.phone_maker, partnership.camera_maker}
        if pair <= brands and newest is not None and newest > cited:
            found.append(partnership)
    # Closed-world words are judged over every source: a partnership first reported after the
    # fact's quotes overturns its "latest"; one of its brands' overturns its "only".
    # Newest first: the walk stops at the first partnership reported no later than the fact.
    for first, partnership in first_reports(base) if firsts is None else firsts:
        if first <= cited:
            break
        pair = {partnership.phone_maker, partnership.camera_maker}
        about = bool(said & _LATEST) or (bool(said & _ONLY) and bool(pair & brands))
        if about and partnership not in found:
            found.append(partnership)
    return sorted(found, key=lambda p: p.id)


_LATEST = frozenset({"latest", "newest", "recent", "last"})
_ONLY = frozenset({"only", "sole", "exclusive", "exclusively"})


def reviewed_since(base: FactBase, fact: Fact, reviewed: dt.date | None) -> dt.date | None:
    """The date a fact holds as of: its sources', or a later review's (None: no source date)."""
    cited = base.source_date(fact.citations)
    if cited is None or reviewed is None:
        return cited
    return max(cited, reviewed)


def stale_note(
    base: FactBase, fact: Fact, newer: Iterable[Partnership], reviewed: dt.date | None = None
) -> str:
    """What newer sources say of a fact's pair, to follow its answer until it is reviewed."""
    cited = reviewed_since(base, fact, reviewed)
    said = [
        [
            piece
            for piece in pieces(base, partnership)
            if piece.date is not None and cited is not None and piece.date > cited
        ]
        for partnership in newer
    ]
    if not any(said):
        return ""
    return " Since then, " + joined(said).replace("As reported on", "as of", 1)


@dataclass(frozen=True, slots=True)
class StaleFact:
    """A moderator's fact about a pair whose records gained a source newer than its quotes."""

    fact_id: str
    question: str
    cited: dt.date | None
    newer: tuple[str, ...]  # the partnerships' ids
    statement: str  # what the newer sources say, dated
    # The newest source date of those partnerships: what a review now is made against.
    newest: dt.date | None = None
    # The date an earlier review was made against (a source newer than it listed the fact again).
    reviewed: dt.date | None = None

    def line(self) -> str:
        """The fact, the date it cites, and what is newer, in one line."""
        cited = date_label(self.cited) or "no date"
        review = f"; reviewed up to {date_label(self.reviewed)}" if self.reviewed else ""
        return (
            f"{self.fact_id} (cites {cited}{review}; newer: {', '.join(self.newer)}): "
            f"{self.statement.removeprefix(' Since then, ')}"
        )


def stale_facts(base: FactBase, reviewed: Mapping[str, dt.date] | None = None) -> list[StaleFact]:
    """Every fact a newer source about its pair may have overtaken, by id.

    `reviewed`: facts a moderator reviewed as still true, with the newest source date each was
    reviewed against; such a fact is listed again only once a newer source arrives.
    """
    found = []
    firsts = first_reports(base)
    reviews = reviewed or {}
    for fact in sorted(base.facts.values(), key=lambda f: f.id):
        candidates = base.partnerships_of(fact.brands[0]) if fact.brands else []
        newer = newer_records(base, fact, candidates, firsts, reviews.get(fact.id))
        if newer:
            statement = stale_note(base, fact, newer, reviews.get(fact.id))
            ids = tuple(p.id for p in newer)
            dates = [d for p in newer if (d := status_date(base, p)) is not None]
            cited = base.source_date(fact.citations)
            newest = max(dates, default=None)
            made = StaleFact(
                fact.id, fact.question, cited, ids, statement, newest, reviews.get(fact.id)
            )
            found.append(made)
    return found
