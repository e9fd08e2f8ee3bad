"""The changes a new article calls for, each drafted with the sentence that calls for it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import bot.drafts.cues as said
from bot.drafts.model import ChangeValue, Draft, DraftKind, NewSource
from bot.drafts.reading import (
    Mention,
    Names,
    NewBrand,
    Sentence,
    devices,
    month_said,
    new_brands,
    period_said,
    sentences,
)
from bot.facts.models import BrandKind, FactBase, Month, Partnership, PartnershipStatus
from bot.facts.text import fold


def propose_drafts(source: NewSource, base: FactBase) -> list[Draft]:
    """Every change the article calls for, in the order it gives them; nothing it does not say.

    Brands the base does not know are found only where a sentence says what they make; phones
    only after their maker's name, with a figure in the model; a partnership only where a
    sentence pairs a phone maker with a camera maker; a status change only where the clause
    that says it says it happened (not that it will, may or did not). Sentences that name a
    brand and that no other draft quotes become draft facts.
    """
    plan = _Plan(source, base)
    names = Names(base)
    article = list(sentences(source.text))
    for sentence in article:
        # Twice: a brand found in a sentence may show what the other brand in it makes.
        for _ in range(2):
            for new in new_brands(sentence, names):
                if new.id not in names.kinds:
                    names.add_brand(new)
                    plan.add_brand(new)
    previous: list[_Pair] = []
    for sentence in article:
        mentions = names.mentions(sentence.text)
        for brand in dict.fromkeys(m.brand for m in mentions):
            if names.kinds[brand] is BrandKind.PHONE_MAKER:
                for device in devices(sentence.text, names.names_of(brand)):
                    plan.add_device(brand, names.display[brand], device, sentence)
        pairs = _pairs(sentence.text, mentions)
        if not pairs and len(previous) == 1 and said.THE_PARTNERSHIP.search(sentence.text):
            # "The first phone from the new partnership is due in November": the pair just named.
            pairs = [_Pair(previous[0].phone, previous[0].camera, 0, len(sentence.text), True)]
        for pair in pairs:
            plan.pair(pair, _Said.of(sentence, pair, pairs, names, source.date.year))
        previous = pairs
    for sentence in article:
        brands = list(dict.fromkeys(m.brand for m in names.mentions(sentence.text)))
        if brands and sentence.text not in plan.quoted:
            plan.add_fact(sentence, [names.display[b] for b in brands], brands)
    return plan.drafts()


@dataclass(frozen=True, slots=True)
class _Pair:
    """A phone maker and a camera maker a sentence puts together, and the span between them."""

    phone: str
    camera: str
    start: int
    end: int
    referred: bool = False


def _pairs(sentence: str, mentions: list[Mention]) -> list[_Pair]:
    """The (phone maker, camera maker) pairs a sentence says work together."""
    found: dict[tuple[str, str], _Pair] = {}
    for cue in [*said.WITH.finditer(sentence), *said.BETWEEN.finditer(sentence)]:
        # The partner named right after the cue (within a few words: "German camera-maker Leica").
        after = [m for m in mentions if cue.end() <= m.start <= cue.end() + 40]
        if not after:
            continue
        other = after[0]
        if cue.group().lower().startswith("between"):
            rest = [m for m in mentions if m.start > other.end and m.kind is not other.kind]
            subject = rest[0] if rest else None
        else:
            before = [m for m in mentions if m.end <= cue.start() and m.kind is not other.kind]
            subject = before[-1] if before else None
        if subject is not None:
            one, two = sorted((subject, other), key=lambda m: m.start)
            phone, camera = (one, two) if one.kind is BrandKind.PHONE_MAKER else (two, one)
            # The span runs from the first naming of the pair's first brand: "Xiaomi launched
            # the Xiaomi 12S Ultra, ... co-engineered with Leica" holds "launched".
            start = min(m.start for m in mentions if m.brand == one.brand)
            found.setdefault(
                (phone.brand, camera.brand), _Pair(phone.brand, camera.brand, start, two.end)
            )
    phones = {m.brand for m in mentions if m.kind is BrandKind.PHONE_MAKER}
    cameras = {m.brand for m in mentions if m.kind is BrandKind.CAMERA_MAKER}
    if not found and len(phones) == 1 and len(cameras) == 1:
        return [_Pair(phones.pop(), cameras.pop(), 0, len(sentence))]
    return list(found.values())


@dataclass(slots=True)
class _Said:
    """What one sentence says about one pair."""

    sentence: Sentence
    phones: list[str] = field(default_factory=list)
    ended: bool = False
    extended: bool = False
    launched: bool = False
    carried: bool = False
    since: str | None = None
    period: str | None = None
    due: str | None = None
    reported: bool = False

    @classmethod
    def of(
        cls, sentence: Sentence, pair: _Pair, pairs: list[_Pair], names: Names, year: int
    ) -> _Said:
        """Read a sentence for one of its pairs: a cue counts for the nearest pair around it."""
        text = sentence.text
        display = names.display[pair.phone]
        phones = [display + d[d.index(" ") :] for d in devices(text, names.names_of(pair.phone))]

        def mine(pattern: re.Pattern[str]) -> bool:
            return any(
                cue.done and _nearest(cue.start, pairs) == pair for cue in said.cues(pattern, text)
            )

        def near(found: tuple[str, int] | None) -> str | None:
            # A date or a length is the pair's whose span it is in, or that it is closest to.
            return found[0] if found and _closest(found[1], pairs) == pair else None

        heard = cls(sentence, phones)
        heard.ended = mine(said.ENDED)
        heard.extended = mine(said.EXTENDED) and not heard.ended
        heard.launched = mine(said.LAUNCHED) and bool(phones)
        # Phones a partnership "was seen on" are its own wherever they stand in the sentence.
        heard.carried = bool(phones) and any(
            cue.done and _closest(cue.start, pairs) == pair for cue in said.cues(said.CARRIED, text)
        )
        heard.since = near(month_said(text, year, said.SINCE, said.BEGAN))
        if said.PARTNERSHIP_WORD.search(text) or heard.extended:
            heard.period = near(period_said(text, extended=heard.extended))
        if said.FIRST.search(text) and said.NOT_DONE.search(text):
            heard.due = near(month_said(text, year, said.DUE))
        heard.reported = bool(said.REPORTED.search(text)) and bool(phones)
        return heard


def _closest(at: int, pairs: list[_Pair]) -> _Pair | None:
    """The pair whose span holds a position most tightly, else the one whose span is nearest."""
    return _nearest(at, pairs) or min(
        pairs, key=lambda p: min(abs(at - p.start), abs(at - p.end)), default=None
    )


def _nearest(at: int, pairs: list[_Pair]) -> _Pair | None:
    """The pair whose span holds a position most tightly (none if no span holds it)."""
    around = [p for p in pairs if p.start <= at < p.end]
    return min(around, key=lambda p: p.end - p.start) if around else None


class _Plan:
    """The drafts found so far, and what they have already proposed."""

    def __init__(self, source: NewSource, base: FactBase) -> None:
        self.source = source
        self.base = base
        self._drafts: list[Draft] = []
        self.quoted: set[str] = set()
        self._known_devices = {
            fold(name)
            for brand in base.brands.values()
            for device in brand.devices
            for name in (*device.names, *(f"{brand.name} {a}" for a in device.aliases))
        }
        self._new: dict[tuple[str, str], Partnership] = {}
        self._unsettled: set[str] = set()
        self._questions: Counter[str] = Counter()

    def _add(
        self,
        kind: DraftKind,
        record: str,
        changes: dict[str, ChangeValue],
        sentence: Sentence,
        before: dict[str, str] | None = None,
    ) -> None:
        if changes:
            self._drafts.append(
                Draft(kind, record, changes, sentence.text, self.source, before or {})
            )
            self.quoted.add(sentence.text)

    def add_brand(self, brand: NewBrand) -> None:
        """A brand the base does not know."""
        changes: dict[str, ChangeValue] = {"name": brand.name, "kind": brand.kind.value}
        if brand.country:
            changes["country"] = brand.country
        self._add(DraftKind.ADD_BRAND, brand.id, changes, brand.sentence)

    def add_device(self, brand: str, display: str, device: str, sentence: Sentence) -> None:
        """A phone of a brand that the base does not list."""
        name = display + device[device.index(" ") :]
        if fold(name) not in self._known_devices:
            self._known_devices.add(fold(name))
            self._add(DraftKind.EDIT_BRAND, brand, {"devices": (name,)}, sentence)

    def add_fact(self, sentence: Sentence, names: list[str], brands: list[str]) -> None:
        """A fact answering with a sentence no other draft quotes."""
        month = Month(self.source.date.year, self.source.date.month).label
        question = f"What was reported about {' and '.join(names)} in {month}"
        # Questions must differ: the second on the same brands is numbered.
        self._questions[question] += 1
        number = self._questions[question]
        changes: dict[str, ChangeValue] = {
            "question": f"{question} ({number})?" if number > 1 else f"{question}?",
            "answer": sentence.text,
            "brands": tuple(brands),
        }
        record = f"{self.source.id}-{sum(d.kind is DraftKind.ADD_FACT for d in self._drafts) + 1}"
        self._add(DraftKind.ADD_FACT, record, changes, sentence)

    def pair(self, pair: _Pair, heard: _Said) -> None:
        """The changes one sentence calls for in one pair's partnership."""
        key = (pair.phone, pair.camera)
        existing = next(
            (p for p in self.base.partnerships.values() if (p.phone_maker, p.camera_maker) == key),
            self._new.get(key),
        )
        if existing is None:
            self._add_partnership(pair, heard)
        else:
            self._edit(existing, heard)

    def _status(self, heard: _Said) -> PartnershipStatus | None:
        """Where a partnership new to the base stands, as the sentence says; None if unsaid."""
        text = heard.sentence.text
        if heard.ended:
            return PartnershipStatus.ENDED
        if heard.launched or heard.extended:
            return PartnershipStatus.ACTIVE
        if said.ANNOUNCED.search(text):
            return PartnershipStatus.ANNOUNCED
        if said.ONGOING.search(text):
            return PartnershipStatus.ACTIVE
        # "which worked with Zeiss ... until 2017", in an article of 2023: it has ended.
        until = re.search(r"\buntil ((?:19|20)\d\d)\b", text)
        if until and int(until[1]) < self.source.date.year:
            return PartnershipStatus.ENDED
        return None

    def _add_partnership(self, pair: _Pair, heard: _Said) -> None:
        text = heard.sentence.text
        if pair.referred or not said.PARTNERSHIP_WORD.search(text) or said.HEARSAY.search(text):
            return
        record = f"{pair.phone}-{pair.camera}"
        status = self._status(heard)
        self._new[(pair.phone, pair.camera)] = Partnership(
            record, pair.phone, pair.camera, status or PartnershipStatus.ANNOUNCED
        )
        if status is None:
            # No sentence yet says where it stands: a later one may (the moderator otherwise).
            self._unsettled.add(record)
        changes: dict[str, ChangeValue] = {"phone_maker": pair.phone, "camera_maker": pair.camera}
        for name, value in (
            ("status", status.value if status else None),
            ("since", heard.since),
            ("period", heard.period),
            ("first_phone_due", heard.due),
        ):
            if value:
                changes[name] = value
        if heard.launched or heard.carried:
            changes["devices"] = tuple(heard.phones)
            if said.FIRST.search(text) and len(heard.phones) == 1:
                changes["first_phone"] = heard.phones[0]
        elif heard.reported and said.NOT_DONE.search(text):
            changes["reported_devices"] = tuple(heard.phones)
        self._add(DraftKind.ADD_PARTNERSHIP, record, changes, heard.sentence)

    def _edit(self, existing: Partnership, heard: _Said) -> None:
        text = heard.sentence.text
        changes: dict[str, ChangeValue] = {}
        before: dict[str, str] = {}

        def change(name: str, value: str, old: str) -> None:
            if value != old:
                changes[name] = value
                before[name] = old

        status = existing.status
        settled = self._status(heard) if existing.id in self._unsettled else None
        if settled is not None:
            self._unsettled.discard(existing.id)
            change("status", settled.value, "")
        elif existing.id in self._unsettled:
            pass
        elif heard.ended:
            change("status", PartnershipStatus.ENDED.value, status.value)
        elif (heard.extended or heard.launched) and status is PartnershipStatus.ANNOUNCED:
            change("status", PartnershipStatus.ACTIVE.value, status.value)
        since = _month_text(existing.since)
        if heard.since and (heard.extended or heard.ended or said.PARTNERSHIP_WORD.search(text)):
            change("since", heard.since, since)
        # A partnership's length changes when it is extended; a missing one may be filled in.
        if heard.period and (heard.extended or not existing.period):
            change("period", heard.period, existing.period)
        # A phone launched once a partnership has ended is not one of its phones; one the
        # partnership "was seen on" is, ended or not.
        launched = heard.launched and not heard.ended and status is not PartnershipStatus.ENDED
        if launched or heard.carried:
            known = {fold(d) for d in existing.devices}
            added = tuple(p for p in heard.phones if fold(p) not in known)
            if added:
                changes["devices"] = added
            if said.FIRST.search(text) and len(heard.phones) == 1 and not existing.devices:
                changes["first_phone"] = heard.phones[0]
        elif heard.due and not existing.devices:
            change("first_phone_due", heard.due, _month_text(existing.first_phone_due))
        if heard.reported and not heard.launched and said.NOT_DONE.search(text):
            known = {fold(d) for d in existing.reported_devices}
            added = tuple(p for p in heard.phones if fold(p) not in known)
            if added:
                changes["reported_devices"] = added
        self._add(DraftKind.EDIT_PARTNERSHIP, existing.id, changes, heard.sentence, before)

    def drafts(self) -> list[Draft]:
        """The drafts, without repeats, and without any field two sentences set differently."""
        values: dict[tuple[str, str], set[str]] = defaultdict(set)
        for draft in self._drafts:
            for name, value in draft.changes.items():
                if isinstance(value, str):
                    values[(draft.record, name)].add(value)
        kept: list[Draft] = []
        seen: set[tuple[str, str, str, str]] = set()
        for draft in self._drafts:
            changes: dict[str, ChangeValue] = {}
            for name, value in draft.changes.items():
                kind = draft.kind.record_kind
                if isinstance(value, str):
                    # Two sentences that disagree on a field: neither is proposed.
                    claim = (kind, draft.record, name, value)
                    if len(values[(draft.record, name)]) == 1 and claim not in seen:
                        changes[name] = value
                        seen.add(claim)
                    continue
                fresh = tuple(v for v in value if (kind, draft.record, name, v) not in seen)
                seen.update((kind, draft.record, name, v) for v in fresh)
                if fresh:
                    changes[name] = fresh
            if changes or draft.kind in (DraftKind.ADD_BRAND, DraftKind.ADD_PARTNERSHIP):
                before = {k: v for k, v in draft.before.items() if k in changes}
                kept.append(
                    Draft(
                        draft.kind,
                        draft.record,
                        changes or draft.changes,
                        draft.quote,
                        draft.source,
                        before,
                    )
                )
        return kept


def _month_text(month: Month | None) -> str:
    if month is None:
        return ""
    return str(month.year) if month.month is None else f"{month.year}-{month.month:02d}"
