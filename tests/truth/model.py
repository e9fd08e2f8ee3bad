"""The oracle model: what a knowledge directory's records establish, and nothing more."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.facts.models import Brand, BrandKind, FactBase, Month, Partnership, PartnershipStatus
from bot.facts.yaml_loading import load_fact_base

NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
CURRENT = (PartnershipStatus.ANNOUNCED, PartnershipStatus.ACTIVE)
# A cause in an ending quote ("after Kestrel cut its range"), not a length ("after three years").
_CAUSE = re.compile(r"\b(because|due to|with \w+ facing|after (?!\w+ years?\b))", re.IGNORECASE)
_SUPERLATIVE = re.compile(
    r"\b([A-Z]\w+) is the (latest|first|newest|earliest) (?:smart)?phone maker to partner"
)


@dataclass(frozen=True, slots=True)
class BrandFacts:
    """A brand as the records give it."""

    id: str
    name: str
    names: tuple[str, ...]
    kind: BrandKind
    country: str | None
    devices: tuple[str, ...]
    people: tuple[tuple[str, str], ...]  # (name, role)

    @property
    def is_phone_maker(self) -> bool:
        return self.kind is BrandKind.PHONE_MAKER


@dataclass(frozen=True, slots=True)
class PairFacts:
    """A partnership as the records give it, with the date its newest source reported it."""

    id: str
    phone: str
    camera: str
    status: PartnershipStatus
    since: Month | None
    period: str
    period_years: int | None
    first_due: Month | None
    devices: tuple[str, ...]
    reported_devices: tuple[str, ...]
    reported_on: dt.date
    first_reported: dt.date
    quotes: tuple[str, ...]

    @property
    def current(self) -> bool:
        return self.status in CURRENT

    @property
    def ended(self) -> bool:
        return self.status is PartnershipStatus.ENDED

    @property
    def cause_of_end(self) -> bool:
        """Whether a quote of an ended partnership links the ending to a cause."""
        return self.ended and any("end" in q and _CAUSE.search(q) for q in self.quotes)


@dataclass(frozen=True, slots=True)
class Model:
    """Brands, partnerships and sources of one knowledge directory."""

    brands: dict[str, BrandFacts]
    pairs: dict[tuple[str, str], PairFacts]
    sources: dict[str, dt.date]
    # (brand name, "latest"/"first") as a source states it in so many words.
    superlatives: frozenset[tuple[str, str]]
    # Device names a source calls successful.
    successful: frozenset[str]
    # The date of the source that states each superlative, the earliest if several do.
    superlative_dates: dict[tuple[str, str], dt.date]

    @property
    def latest(self) -> dt.date:
        return max(self.sources.values())

    def phone_makers(self) -> list[BrandFacts]:
        return [b for b in self.brands.values() if b.is_phone_maker]

    def camera_makers(self) -> list[BrandFacts]:
        return [b for b in self.brands.values() if not b.is_phone_maker]

    def pair(self, a: str, b: str) -> PairFacts | None:
        """The record pairing two brands, in either order."""
        return self.pairs.get((a, b)) or self.pairs.get((b, a))

    def pairs_of(self, brand_id: str) -> list[PairFacts]:
        return [p for p in self.pairs.values() if brand_id in (p.phone, p.camera)]

    def maker_of(self, device: str) -> BrandFacts:
        return next(b for b in self.brands.values() if device in b.devices)


def period_years(period: str) -> int | None:
    """4 for "four-year", None for "multi-year" or no period."""
    word = period.removesuffix("-year")
    return int(word) if word.isdigit() else NUMBERS.get(word)


def _brand(brand: Brand) -> BrandFacts:
    return BrandFacts(
        id=brand.id,
        name=brand.name,
        names=brand.names,
        kind=brand.kind,
        country=brand.country,
        devices=tuple(d.name for d in brand.devices),
        people=tuple((p.name, p.role) for p in brand.people),
    )


def _pair(base: FactBase, record: Partnership) -> PairFacts:
    reported_on = base.source_date(record.citations)
    assert reported_on is not None, record.id
    return PairFacts(
        id=record.id,
        phone=record.phone_maker,
        camera=record.camera_maker,
        status=record.status,
        since=record.since,
        period=record.period,
        period_years=period_years(record.period),
        first_due=record.first_phone_due,
        devices=record.devices,
        reported_devices=record.reported_devices,
        reported_on=reported_on,
        first_reported=min(base.sources[c.source_id].date for c in record.citations),
        quotes=tuple(c.quote for c in record.citations),
    )


def _sentences(base: FactBase) -> list[str]:
    text = " ".join(s.text for s in base.sources.values())
    return re.split(r"(?<=[.!?])\s+", text)


def _superlatives(base: FactBase) -> frozenset[tuple[str, str]]:
    words = {"newest": "latest", "earliest": "first"}
    found = (m.groups()[:2] for s in _sentences(base) for m in _SUPERLATIVE.finditer(s))
    return frozenset((name, words.get(word, word)) for name, word in found)


def _superlative_dates(base: FactBase) -> dict[tuple[str, str], dt.date]:
    words = {"newest": "latest", "earliest": "first"}
    found: dict[tuple[str, str], dt.date] = {}
    for source in sorted(base.sources.values(), key=lambda s: s.date):
        for sentence in re.split(r"(?<=[.!?])\s+", source.text):
            for match in _SUPERLATIVE.finditer(sentence):
                name, word = match.group(1), match.group(2)
                found.setdefault((name, words.get(word, word)), source.date)
    return found


def _successful(base: FactBase) -> frozenset[str]:
    praised = [s for s in _sentences(base) if "successful" in s]
    return frozenset(
        device.name
        for brand in base.brands.values()
        for device in brand.devices
        if any(name in s for s in praised for name in device.names)
    )


def load_model(root: Path) -> Model:
    """The oracle model of a knowledge directory, read with the project's own loader."""
    base: FactBase = load_fact_base(root)
    pairs = [_pair(base, p) for p in base.partnerships.values()]
    return Model(
        brands={b.id: _brand(b) for b in base.brands.values()},
        pairs={(p.phone, p.camera): p for p in pairs},
        sources={s.id: s.date for s in base.sources.values()},
        superlatives=_superlatives(base),
        successful=_successful(base),
        superlative_dates=_superlative_dates(base),
    )
