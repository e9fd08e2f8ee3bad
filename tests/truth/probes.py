"""Probe questions: every brand, pair, device and person crossed with every operator.

Each rule has at least three templates; each template is asked as written ("Does Xiaomi work
with Leica?") and in lower-case Discord style ("does xiaomi work with leica"). A probe keeps
its rule and arguments, so the oracle judges it from the records and never from its wording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import combinations, permutations

from bot.facts.models import Month
from tests.truth.model import BrandFacts, Model

ADJECTIVES = {
    "Germany": "German",
    "Sweden": "Swedish",
    "Finland": "Finnish",
    "Japan": "Japanese",
    "Denmark": "Danish",
    "Austria": "Austrian",
    "Portugal": "Portuguese",
    "China": "Chinese",
}
EXTRA_COUNTRIES = ("Germany", "Japan", "China")

TEMPLATES: dict[str, tuple[str, ...]] = {
    # plain pair
    "works_with": (
        "Does {X} work with {Y}?",
        "Is {X} partnered with {Y}?",
        "Do {X} and {Y} have a partnership?",
        "Is {Y} working with {X}?",
    ),
    "ever_worked": (
        "Did {X} ever work with {Y}?",
        "Have {X} and {Y} ever been partners?",
        "Has {X} ever partnered with {Y}?",
    ),
    "device_with": (
        "Was the {D} made with {Y}?",
        "Does the {D} have {Y} cameras?",
        "Did {Y} work on the {D}?",
    ),
    # negation
    "not_works": (
        "Does {X} not work with {Y}?",
        "Is it true that {X} does not work with {Y}?",
        "{X} doesn't work with {Y}, right?",
    ),
    "stopped": (
        "Is {X} no longer working with {Y}?",
        "Did {X} stop working with {Y}?",
        "Has {X} stopped working with {Y}?",
    ),
    # only / sole / exclusive
    "only_current": (
        "Is {X} the only phone maker that works with {Y}?",
        "Does {Y} work exclusively with {X}?",
        "Is {X} {Y}'s sole phone partner?",
    ),
    "only_ever": (
        "Has {Y} only ever worked with {X}?",
        "Is {X} the only phone maker {Y} has ever partnered with?",
        "Was {X} {Y}'s only phone partner ever?",
    ),
    # first / latest
    "latest": (
        "Is {X} the latest phone maker to partner with a camera maker?",
        "Is {X} the newest phone maker to team up with a camera brand?",
        "Was {X} the most recent phone maker to partner with a camera maker?",
    ),
    "first": (
        "Is {X} the first phone maker to partner with a camera maker?",
        "Was {X} the earliest phone maker to team up with a camera brand?",
        "Did {X} partner with a camera maker before any other phone maker?",
    ),
    "pair_first": (
        "Was {X} the first phone maker to work with {Y}?",
        "Is {X} {Y}'s first phone partner?",
        "Was {X} {Y}'s first ever smartphone partner?",
    ),
    "pair_latest": (
        "Is {X} the latest phone maker to work with {Y}?",
        "Was {X} the latest phone maker to partner with {Y}?",
        "Is {X} the newest phone brand to team up with {Y}?",
    ),
    # the first phone's launch
    "due_before": (
        "Will the first {X} {Y} phone launch before {M}?",
        "Is the first {X} {Y} phone due before {M}?",
        "Will the first phone from {X} and {Y} come out earlier than {M}?",
    ),
    "due_after": (
        "Will the first {X} {Y} phone launch after {M}?",
        "Is the first {X} {Y} phone due after {M}?",
        "Will the first phone from {X} and {Y} come out later than {M}?",
    ),
    "due_in": (
        "Will the first {X} {Y} phone launch in {M}?",
        "Is the first {X} {Y} phone due in {M}?",
        "Is the first phone from {X} and {Y} coming in {M}?",
    ),
    "due_by": (
        "Will the first {X} {Y} phone be out by {M}?",
        "Is the first {X} {Y} phone due by {M}?",
        "Will the first phone from {X} and {Y} launch no later than {M}?",
    ),
    "due_until": (
        "Will the first {X} {Y} phone not launch until {M}?",
        "Do we have to wait until {M} for the first {X} {Y} phone?",
        "Is the first {X} {Y} phone not due until {M}?",
    ),
    "due_relative": (
        "Is the first {X} {Y} phone due this year or next year?",
        "Will the first {X} {Y} phone launch this year or next year?",
        "The first phone from {X} and {Y}: this year or next year?",
    ),
    # lengths
    "longer": (
        "Is the {X} {Y} partnership longer than {N} years?",
        "Is the {X} {Y} deal for more than {N} years?",
        "Was the {X} {Y} partnership signed for over {N} years?",
    ),
    "shorter": (
        "Is the {X} {Y} partnership shorter than {N} years?",
        "Is the {X} {Y} deal for less than {N} years?",
        "Was the {X} {Y} partnership signed for under {N} years?",
    ),
    "length_is": (
        "Is the {X} {Y} partnership {N} years long?",
        "Is the {X} {Y} deal just {N} years?",
        "The {X} {Y} deal is {N} years, right?",
        "Is the {X} {Y} partnership just for {N} years?",
    ),
    "length_decade": (
        "Is the {X} {Y} partnership a decade long?",
        "Is the {X} {Y} deal for a decade?",
        "The {X} {Y} deal is like a decade, right?",
    ),
    "shorter_year": (
        "Is the {X} {Y} partnership shorter than a year?",
        "Is the {X} {Y} deal for less than a year?",
        "Is the {X} {Y} deal under a year?",
    ),
    "term_choice": (
        "Is the {X} {Y} partnership a one-off or long term?",
        "{X} and {Y}: a one-off deal or a long-term one?",
        "Is the {X} {Y} deal long term or a one-off?",
    ),
    "worked_longer": (
        "Did {X} and {Y} work together for more than {N} years?",
        "Were {X} and {Y} partners for longer than {N} years?",
        "Did the {X} {Y} partnership last more than {N} years?",
    ),
    "worked_shorter": (
        "Did {X} and {Y} work together for less than {N} years?",
        "Were {X} and {Y} partners for fewer than {N} years?",
        "Did the {X} {Y} partnership last less than {N} years?",
    ),
    # the future
    "will_partner": (
        "Will {X} partner with {Y}?",
        "Is {X} going to team up with {Y}?",
        "Will {X} work with {Y} in the future?",
    ),
    "still_in": (
        "Will {X} and {Y} still work together in {YEAR}?",
        "Will {X} still be partnered with {Y} in {YEAR}?",
        "Is the {X} {Y} partnership going to last until {YEAR}?",
    ),
    "status_in": (
        "Is {X} still with {Y} in {YEAR}?",
        "Are {X} and {Y} still partners in {YEAR}?",
        "Is {X} still working with {Y} in {YEAR}?",
    ),
    # the status as a choice: going on, or ended
    "still_or": (
        "Is {X} still with {Y} or did that end?",
        "Are {X} and {Y} still together or is it over?",
        "Did {X} and {Y} split or are they still partners?",
    ),
    # who came after an ended partnership
    "successor": (
        "Who did {Y} partner with after {X}?",
        "After {X}, who did {Y} go to?",
        "Who replaced {X} as {Y}'s partner?",
        "Which camera maker did {X} turn to after {Y}?",
    ),
    # cause
    "why_end": (
        "Why did {X} and {Y} end their partnership?",
        "Why did the {X} {Y} partnership end?",
        "What made {X} and {Y} split?",
    ),
    "why_partner": (
        "Why did {X} partner with {Y}?",
        "Why did {X} team up with {Y}?",
        "What made {X} choose {Y}?",
    ),
    # who said / announced
    "announced_by": (
        "Did {A} announce the {X} {Y} partnership?",
        "Was the {X} {Y} partnership announced by {A}?",
        "Was it {A} that announced the partnership between {X} and {Y}?",
    ),
    "person_announced": (
        "Did {P} announce the {X} {Y} partnership?",
        "Was the {X} {Y} partnership announced by {P}?",
        "Was it {P} who announced the {X} {Y} deal?",
    ),
    "person_role": (
        "Is {P} the {R} of {B}?",
        "Is {P} {B}'s {R}?",
        "Does {P} work at {B} as {R}?",
    ),
    # both / all / neither / each
    "both_have": (
        "Do {X} and {Z} both have camera partnerships?",
        "Do both {X} and {Z} have a camera partner?",
        "Does each of {X} and {Z} have a camera partnership?",
    ),
    "all_have": (
        "Do {X}, {Z} and {W} all have camera partners?",
        "Do {X}, {Z} and {W} all have a camera partnership?",
        "Are {X}, {Z} and {W} all working with camera makers?",
    ),
    "all_had": (
        "Did {X}, {Z} and {W} all work with camera makers?",
        "Have {X}, {Z} and {W} all had camera partners?",
        "Did {X}, {Z} and {W} all partner with a camera maker?",
    ),
    "which_ended": (
        "Which of {X}, {Z} and {W} no longer has a camera partner?",
        "Of {X}, {Z} and {W}, which one's camera partnership is over?",
        "Which of {X}, {Z} and {W} still has a camera partner?",
    ),
    "partner_of_partner": (
        "Out of {X}, {Z} and {W}, whose camera partner used to work with {A}?",
        "Which of {X}, {Z} and {W} has a partner that previously worked with {A}?",
        "Among {X}, {Z} and {W}, whose partner used to work with {A}?",
    ),
    "both_with": (
        "Do {X} and {Z} both work with {Y}?",
        "Do both {X} and {Z} work with {Y}?",
        "Does each of {X} and {Z} work with {Y}?",
    ),
    "neither_with": (
        "Does neither {X} nor {Z} work with {Y}?",
        "Is it true that neither {X} nor {Z} works with {Y}?",
        "Do {X} and {Z} both not work with {Y}?",
    ),
    # relations the records do not cover
    "bought": (
        "Did {X} buy {Y}?",
        "Does {X} own {Y}?",
        "Did {X} merge with {Y}?",
    ),
    "makes_phones": (
        "Does {Y} make phones?",
        "Is {Y} a phone maker?",
        "Does {Y} make smartphones?",
    ),
    # the kind of maker a brand is
    "camera_kind": (
        "Is {Y} a camera maker?",
        "Is {Y} a camera company?",
        "{Y} is a camera manufacturer, right?",
    ),
    "kind_choice": (
        "Is {Y} a phone maker or a camera maker?",
        "{Y}, phone or camera company?",
        "What kind of company is {Y}, phone or camera?",
    ),
    # instead of / rather than
    "instead": (
        "Did {X} partner with {Y} instead of {Z}?",
        "Did {X} choose {Y} rather than {Z}?",
        "Did {X} go with {Y} instead of {Z}?",
    ),
    "instead_now": (
        "Does {X} work with {Y} instead of {Z}?",
        "Is {X} with {Y} rather than {Z}?",
        "Is {X}'s partner {Y} rather than {Z}?",
    ),
    "instead_phone": (
        "Did {Y} pick {X} instead of {Z}?",
        "So {Y} went with {X} rather than {Z} now?",
        "Has {Y} replaced {Z} with {X}?",
        "Was {Z} replaced by {X} as {Y}'s partner?",
    ),
    # double negation
    "not_not": (
        "Isn't it true that {X} doesn't work with {Y}?",
        "Is it not the case that {X} does not work with {Y}?",
        "Isn't it so that {X} does not work with {Y}?",
    ),
    # antonyms
    "unsuccessful": (
        "Was the {X} {Y} partnership unsuccessful?",
        "Was the {X} {Y} partnership a failure?",
        "Did the {X} {Y} partnership fail?",
    ),
    "flop": (
        "Was the {D} a flop?",
        "Was the {D} unsuccessful?",
        "Did the {D} fail?",
    ),
    "success": (
        "Was the {D} a success?",
        "Was the {D} successful?",
        "Did the {D} do well?",
    ),
    "both_success": (
        "Were the {D} and the {D2} both successful?",
        "Did both the {D} and the {D2} do well?",
        "{D} and {D2}: were both a success?",
    ),
    "success_too": (
        "Did the {D} do well too, or just the {D2}?",
        "Was the {D} successful too or only the {D2}?",
        "Did the {D} sell well too, or just the {D2}?",
    ),
    # wrong premises
    "premise_end": (
        "Why did {X} stop working with {Y}?",
        "When did {X} and {Y} split?",
        "Why did {X} leave {Y}?",
    ),
    # operators over the phones a partnership was seen on
    "phones_aside": (
        "Apart from the {D}, which {X} phones had {Y}?",
        "Which {X} phones had {Y} cameras besides the {D}?",
        "Other than the {D}, what {X} phones used {Y}?",
    ),
    "only_phones": (
        "Was {Y} only on the {D} and the {D2}?",
        "Were the {D} and the {D2} the only {Y} phones?",
        "{X} and {Y}: only the {D} and {D2}, right?",
    ),
    "both_phones": (
        "Were the {D} and the {D2} both {Y} phones?",
        "{D} and {D2}, {Y} on both?",
        "Did both the {D} and the {D2} use {Y}?",
    ),
    "too_or_only": (
        "Did {Y} work on the {D} too, or only the {D2}?",
        "Was the {D} a {Y} phone too, or just the {D2}?",
        "{X} and {Y} made the {D} together too, or only the {D2}?",
    ),
    # every / all against the scope a record quotes
    "scope_all": (
        "Does {X} use {Y} on every phone?",
        "Is {X}'s {Y} partnership for all {X} phones?",
        "Every {X} phone has {Y} cameras?",
        "Does {X} use {Y} on all its phones or only some?",
    ),
    # country
    "country_is": (
        "Is {Y} {ADJ}?",
        "Is {Y} a {ADJ} company?",
        "Is {Y} from {COUNTRY}?",
    ),
    "country_all": (
        "Are {Y} and {Z} both {ADJ}?",
        "Are both {Y} and {Z} from {COUNTRY}?",
        "Is each of {Y} and {Z} a {ADJ} company?",
    ),
    "country_not": (
        "Is {Y} not {ADJ}?",
        "Is it true that {Y} is not {ADJ}?",
        "Is {Y} not from {COUNTRY}?",
    ),
}

OPERATORS: dict[str, tuple[str, ...]] = {
    "pair": ("works_with", "ever_worked", "device_with"),
    "negation": ("not_works", "stopped"),
    "only": ("only_current", "only_ever"),
    "first_latest": ("latest", "first", "pair_first", "pair_latest"),
    "launch": ("due_before", "due_after", "due_in", "due_by", "due_until", "due_relative"),
    "length": (
        "longer",
        "shorter",
        "length_is",
        "worked_longer",
        "worked_shorter",
        "term_choice",
        "length_decade",
        "shorter_year",
    ),
    "future": ("will_partner", "still_in", "status_in"),
    "status_choice": ("still_or",),
    "succession": ("successor",),
    "cause": ("why_end", "why_partner"),
    "who_said": ("announced_by", "person_announced", "person_role"),
    "both_neither": (
        "both_have",
        "both_with",
        "neither_with",
        "all_have",
        "all_had",
        "which_ended",
        "partner_of_partner",
    ),
    "relation": ("bought", "makes_phones"),
    "kind": ("camera_kind", "kind_choice"),
    "instead": ("instead", "instead_now", "instead_phone"),
    "double_negation": ("not_not",),
    "antonym": ("unsuccessful", "flop", "success", "both_success", "success_too"),
    "wrong_premise": ("premise_end",),
    "country": ("country_is", "country_not", "country_all"),
    "phones": ("phones_aside", "only_phones", "both_phones", "too_or_only"),
    "scope": ("scope_all",),
}
OPERATOR_OF = {rule: op for op, rules in OPERATORS.items() for rule in rules}


@dataclass(frozen=True, slots=True)
class Probe:
    """A question, its rule, and the records it is about (brand ids, device, month, years)."""

    rule: str
    question: str = ""
    x: str = ""  # a phone maker (or the brand asked about)
    y: str = ""  # a camera maker
    z: str = ""  # another brand
    w: str = ""  # a third brand, for quantifiers over several
    a: str = ""  # the brand said to announce
    device: str = ""
    device2: str = ""  # a second phone, for operators over several
    person: str = ""
    role: str = ""
    month: Month | None = None
    years: int = 0
    country: str = ""

    @property
    def operator(self) -> str:
        return OPERATOR_OF[self.rule]


def _words(model: Model, probe: Probe) -> dict[str, str]:
    def name(brand_id: str) -> str:
        return model.brands[brand_id].name if brand_id else ""

    return {
        "X": name(probe.x),
        "Y": name(probe.y),
        "Z": name(probe.z),
        "W": name(probe.w),
        "A": name(probe.a),
        "B": name(probe.x),
        "D": probe.device,
        "D2": probe.device2,
        "P": probe.person,
        "R": probe.role,
        "M": probe.month.label if probe.month else "",
        "N": str(probe.years),
        "YEAR": str(probe.years),
        "COUNTRY": probe.country,
        "ADJ": ADJECTIVES.get(probe.country, probe.country),
    }


def _discord(question: str) -> str:
    return question.lower().rstrip("?")


def phrased(model: Model, probe: Probe) -> Iterator[Probe]:
    """The probe in every template of its rule, as written and in Discord style."""
    words = _words(model, probe)
    for template in TEMPLATES[probe.rule]:
        question = template.format(**words)
        yield replace(probe, question=question)
        yield replace(probe, question=_discord(question))


def _shift(month: Month, by: int) -> Month:
    index = month.year * 12 + (month.month or 6) - 1 + by
    return Month(index // 12, index % 12 + 1)


def _months(model: Model) -> list[Month]:
    """Months around every due date, the due years, and the years either side."""
    found: set[Month] = set()
    for pair in model.pairs.values():
        if due := pair.first_due:
            found |= {_shift(due, by) for by in (-3, -1, 0, 1, 5)}
            found |= {Month(due.year + by) for by in (-1, 0, 1)}
    latest = model.latest
    found |= {Month(latest.year, latest.month), Month(latest.year + 1)}
    return sorted(found, key=lambda m: (m.year, m.month or 0))


def _pairs(model: Model) -> Iterator[tuple[BrandFacts, BrandFacts]]:
    for phone in model.phone_makers():
        for camera in model.camera_makers():
            yield phone, camera


def _pair_probes(model: Model) -> Iterator[Probe]:
    future = (model.latest.year + 3, 2030 if model.latest.year < 2030 else model.latest.year + 8)
    pair_rules = (
        "works_with ever_worked still_or successor not_works stopped only_current only_ever "
        "will_partner why_end why_partner not_not unsuccessful premise_end bought term_choice "
        "due_relative pair_first pair_latest length_decade shorter_year"
    ).split()
    for phone, camera in _pairs(model):
        for rule in pair_rules:
            yield Probe(rule, x=phone.id, y=camera.id)
        for month in _months(model):
            for rule in ("due_before", "due_after", "due_in", "due_by", "due_until"):
                yield Probe(rule, x=phone.id, y=camera.id, month=month)
        for years in range(1, 9):
            for rule in ("longer", "shorter", "length_is", "worked_longer", "worked_shorter"):
                yield Probe(rule, x=phone.id, y=camera.id, years=years)
        for year in future:
            yield Probe("still_in", x=phone.id, y=camera.id, years=year)
        for year in sorted({d.year + by for d in model.sources.values() for by in (-3, -1, 0, 1)}):
            yield Probe("status_in", x=phone.id, y=camera.id, years=year)
        for announcer in (phone, camera):
            yield Probe("announced_by", x=phone.id, y=camera.id, a=announcer.id)
        for other in model.camera_makers():
            if other.id != camera.id:
                for rule in ("instead", "instead_now"):
                    yield Probe(rule, x=phone.id, y=camera.id, z=other.id)
        for other in model.phone_makers():
            if other.id != phone.id:
                for rule in ("both_with", "neither_with", "instead_phone"):
                    yield Probe(rule, x=phone.id, y=camera.id, z=other.id)


def _brand_probes(model: Model) -> Iterator[Probe]:
    countries = sorted({b.country for b in model.brands.values() if b.country})
    for brand in model.brands.values():
        for rule in ("makes_phones", "camera_kind", "kind_choice"):
            yield Probe(rule, y=brand.id)
        for country in sorted({*countries, *EXTRA_COUNTRIES}):
            for rule in ("country_is", "country_not"):
                yield Probe(rule, y=brand.id, country=country)
    for one, other in combinations(model.brands.values(), 2):
        for country in sorted({*countries, *EXTRA_COUNTRIES}):
            yield Probe("country_all", y=one.id, z=other.id, country=country)
    for phone in model.phone_makers():
        for rule in ("latest", "first"):
            yield Probe(rule, x=phone.id)
    for one, other in permutations(model.phone_makers(), 2):
        yield Probe("both_have", x=one.id, z=other.id)
    for one, other, third in permutations(model.phone_makers(), 3):
        for rule in ("all_have", "all_had", "which_ended"):
            yield Probe(rule, x=one.id, z=other.id, w=third.id)
        for former in model.phone_makers():
            if former.id not in (one.id, other.id, third.id):
                yield Probe("partner_of_partner", x=one.id, z=other.id, w=third.id, a=former.id)


def _device_probes(model: Model) -> Iterator[Probe]:
    for brand in model.phone_makers():
        for device in brand.devices:
            for rule in ("flop", "success"):
                yield Probe(rule, device=device)
            for camera in model.camera_makers():
                yield Probe("device_with", x=brand.id, y=camera.id, device=device)


def _phones_probes(model: Model) -> Iterator[Probe]:
    for brand in model.phone_makers():
        # The brand's partners, and one camera maker it has no record with (a "no" to ask).
        partners = [c for c in model.camera_makers() if model.pair(brand.id, c.id)]
        strangers = [c for c in model.camera_makers() if c not in partners]
        for camera in partners + strangers[:1]:
            yield Probe("scope_all", x=brand.id, y=camera.id)
            for device in brand.devices:
                yield Probe("phones_aside", x=brand.id, y=camera.id, device=device)
            pairs = list(permutations(brand.devices, 2))
            for one, other in pairs if camera in partners else pairs[:1]:
                for rule in ("only_phones", "both_phones", "too_or_only"):
                    yield Probe(rule, x=brand.id, y=camera.id, device=one, device2=other)


def _success_probes(model: Model) -> Iterator[Probe]:
    for brand in model.phone_makers():
        for one, other in permutations(brand.devices, 2):
            for rule in ("both_success", "success_too"):
                yield Probe(rule, x=brand.id, device=one, device2=other)


def _person_probes(model: Model) -> Iterator[Probe]:
    for brand in model.brands.values():
        for person, role in brand.people:
            for other in model.brands.values():
                yield Probe("person_role", x=other.id, person=person, role=role)
            for phone, camera in _pairs(model):
                yield Probe("person_announced", x=phone.id, y=camera.id, person=person)


def probes(model: Model) -> list[Probe]:
    """Every probe of a model, each in every phrasing."""
    bases = [
        *_pair_probes(model),
        *_brand_probes(model),
        *_device_probes(model),
        *_phones_probes(model),
        *_success_probes(model),
        *_person_probes(model),
    ]
    return [phrasing for probe in bases for phrasing in phrased(model, probe)]
