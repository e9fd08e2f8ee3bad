"""Frozen records of the fact base: sources, brands, partnerships and facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.caches.pickles import fast_pickling


class BrandKind(StrEnum):
    """What a brand makes, as far as partnerships go."""

    PHONE_MAKER = "phone_maker"
    CAMERA_MAKER = "camera_maker"


class PartnershipStatus(StrEnum):
    """Where a partnership stood when its source reported it."""

    ANNOUNCED = "announced"
    ACTIVE = "active"
    ENDED = "ended"


@fast_pickling
@dataclass(frozen=True, slots=True)
class Source:
    """An article the fact base quotes, with its full text."""

    id: str
    title: str
    date: dt.date
    url: str
    file: str
    text: str

    @property
    def date_label(self) -> str:
        """The date as people write it: 23 May 2022."""
        return f"{self.date.day} {self.date:%B %Y}"


@fast_pickling
@dataclass(frozen=True, slots=True)
class Citation:
    """A quote that occurs word for word in a source."""

    source_id: str
    quote: str


@fast_pickling
@dataclass(frozen=True, slots=True)
class Device:
    """A phone model, with the spellings a source or a user may give it."""

    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name first, then every alias."""
        return (self.name, *self.aliases)


@fast_pickling
@dataclass(frozen=True, slots=True)
class Person:
    """Someone a source names with their role at a brand ("Lei Jun", "founder and CEO")."""

    name: str
    role: str
    citations: tuple[Citation, ...] = ()


@fast_pickling
@dataclass(frozen=True, slots=True)
class Brand:
    """A phone maker or a camera maker."""

    id: str
    name: str
    kind: BrandKind
    country: str | None = None
    aliases: tuple[str, ...] = ()
    devices: tuple[Device, ...] = ()
    people: tuple[Person, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The display name first, then every alias."""
        return (self.name, *self.aliases)


@fast_pickling
@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A year, or a month of a year: when something was due."""

    year: int
    month: int | None = None

    @property
    def label(self) -> str:
        """As people write it: July 2022, or 2022."""
        if self.month is None:
            return str(self.year)
        return f"{dt.date(self.year, self.month, 1):%B %Y}"

    def contains(self, date: dt.date) -> bool:
        """Whether a day falls in this month (or year)."""
        return date.year == self.year and self.month in (None, date.month)


@fast_pickling
@dataclass(frozen=True, slots=True)
class Partnership:
    """A phone maker working with a camera maker, as the sources describe it."""

    id: str
    phone_maker: str
    camera_maker: str
    status: PartnershipStatus
    period: str = ""
    devices: tuple[str, ...] = ()
    summary: str = ""
    citations: tuple[Citation, ...] = ()
    # When the first phone of the partnership was due, and phones reports (not the brands) named.
    first_phone_due: Month | None = None
    reported_devices: tuple[str, ...] = ()
    # When the partnership began (or was announced), as its quotes say.
    since: Month | None = None

    def other(self, brand_id: str) -> str:
        """The partner of `brand_id` in this partnership."""
        return self.camera_maker if brand_id == self.phone_maker else self.phone_maker


@fast_pickling
@dataclass(frozen=True, slots=True)
class Fact:
    """A question the bot can answer, its other phrasings, the answer and its citations."""

    id: str
    question: str
    answer: str
    citations: tuple[Citation, ...]
    phrasings: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()

    @property
    def questions(self) -> tuple[str, ...]:
        """The canonical question first, then every other phrasing."""
        return (self.question, *self.phrasings)


@fast_pickling
@dataclass(frozen=True, slots=True)
class FactBase:
    """Everything the bot knows, validated and cross-referenced."""

    sources: dict[str, Source] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)

    def partnerships_of(self, brand_id: str) -> list[Partnership]:
        """Every partnership the brand is part of, current ones first."""
        found = [
            p for p in self.partnerships.values() if brand_id in (p.phone_maker, p.camera_maker)
        ]
        return sorted(found, key=lambda p: (p.status is PartnershipStatus.ENDED, p.id))

    def source_date(self, citations: tuple[Citation, ...]) -> dt.date | None:
        """The newest date among the cited sources: when the claim was last reported."""
        dates = [self.sources[c.source_id].date for c in citations if c.source_id in self.sources]
        return max(dates) if dates else None
