"""Answering from the partnership and brand records: yes/no, premises, lists, comparisons.

Every rule works on any brand and partnership: it reads the records, never a question's
wording. A rule answers only when every word the question asks with is one it understands
(the part's residual tokens); anything else is left to the fact matcher.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.prose import (
    adjective,
    count_words,
    date_label,
    lower_first,
    lowered,
    partnership_clause,
    partnership_sentence,
    series,
)
from bot.engine.questions import (
    ALREADY,
    CAMERA_TOKENS,
    COUNTRY_KEYS,
    CURRENT,
    LATEST,
    MONTHS,
    NATIONALITIES,
    PAST,
    PHONE_TOKENS,
    SEASONS,
    TAGS,
    YEAR,
    Form,
    Part,
    number_of,
)
from bot.engine.words import canonical
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    FactBase,
    Month,
    Partnership,
    PartnershipStatus,
)
from bot.facts.text import fold, words


def _canon(text: str) -> frozenset[str]:
    """The canonical tokens of some words, as the analyzer reads questions."""
    return frozenset(filter(None, (canonical(word) for word in text.split())))


# What each rule understands (canonical tokens): a part holding any other word is not its to
# answer. Partnership words only say "partnership": partner, work with, cameras, phones, makers.
_RELATION = _canon("partner work camera cam cams phone maker choose")
_END = "end"
_START = _canon("start begin began begun since")
_LAUNCH = _canon("launch expect first phone partner camera maker delay") | {"1"}
_PERSON_WORDS = _canon("name called who")
# Words that ask where things are made: the sources give brands' countries, not factories.
_MADE = frozenset(
    "made make makes manufactured manufacture produced produce built build assembled".split()
)
# Words that ask whether something is official: "officially confirmed", "reported".
_CONFIRM = _canon("confirm confirmed officially official announce report rumour rumoured say")
_COUNTRY_WORDS = _canon("camera maker phone cam") | {"?where"}
_LIST_TOKENS = _canon(
    "all name names list maker camera phone partner article source mention mentioned brand "
    "work cam appear talk cover"
)
_COMPARE_TOKENS = _canon(
    "differ different difference compare compared comparison vs versus partner camera phone "
    "maker work deal between common same"
) | {"1"}
# Time and chat words steer a rule (still, before) but are never what is asked.
_IGNORED = (
    frozenset(CURRENT | PAST | LATEST | ALREADY | TAGS)
    | _canon(" ".join(CURRENT | PAST | LATEST | ALREADY))
    | frozenset("yo nah nope pls plz lol bro dude guys tho rn so".split())
    # Words that praise a maker without asking anything of it ("the legacy camera maker").
    | _canon("legacy traditional heritage established storied")
)
_ENDED = PartnershipStatus.ENDED
_NEGATION = re.compile(r"\b(no|not|never|none|nothing|neither|nor)\b|n't\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Said:
    """What the records say to one question: the text, its citations, or a refusal."""

    text: str
    citations: tuple[Citation, ...] = ()
    answered: bool = True
    entry_id: str | None = None
    # Known brands a refusal should show what the sources do say about.
    about: tuple[str, ...] = ()
    # Whether the answer's shape matters (a yes/no, a correction, a choice, a list): an answer
    # that merely states a record yields to a moderator's fact that answers the same question.
    shaped: bool = True


class Reasoner:
    """Rules over a fact base's partnerships and brands."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self._pairs = {
            frozenset((p.phone_maker, p.camera_maker)): p for p in base.partnerships.values()
        }
        # The source clauses holding each word that starts a brand's or a device's name (the
        # only words searched for), by number: clause k of source i is number starts[i] + k.
        # Clauses are split again when quoted, so the index holds no text.
        self._clause_sources: tuple[str, ...] = ()
        self._clause_starts = array("I")
        self._clause_words: dict[str, array[int]] = {}
        self._index_clauses()  # now, not on a first question: ~1 s at 100,000 facts
        self._found: dict[tuple[str, ...], Citation | None] = {}
        self._of: dict[str, list[Partnership]] = {}
        for partnership in sorted(base.partnerships.values(), key=_current_first):
            for brand in (partnership.phone_maker, partnership.camera_maker):
                self._of.setdefault(brand, []).append(partnership)

    def rebase(self, base: FactBase) -> None:
        """Serve an edited fact base (a moderator's change: facts, and perhaps sources)."""
        if base.sources is not self.base.sources and base.sources != self.base.sources:
            self._found.clear()
            self.base = base
            self._index_clauses()
        self.base = base

    # Helpers over the records

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

    # The rules

    def answer(self, part: Part) -> Said | None:
        """What the records say to one part, or None to leave it to the fact matcher."""
        known = tuple(b for b in part.brands if b in self.base.brands and b not in part.excluded)
        if part.unknown_brands:
            names = series([n.title() for n in part.unknown_brands], "or")
            return Said(f"The sources say nothing about {names}.", answered=False, about=known)
        if part.unresolved:
            return Said(f"The sources don't name {part.unresolved}.", answered=False, about=known)
        if part.unknown_devices:
            names = series(part.unknown_devices, "or")
            return Said(f"The sources say nothing about the {names}.", answered=False, about=known)
        residual = part.residual - _IGNORED
        for rule in (
            self._person,
            self._what_is,
            self._compare,
            self._list,
            self._either_or,
            self._country,
            self._device,
            self._first_phone,
            self._pair_rule,
            self._partners,
        ):
            said = rule(part, known, residual)
            if said is not None:
                return said
        return None

    def _person(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        """Who someone is, by name or by role: "Who is Xiaomi's CEO?", "Is Lei Jun Leica's CEO?"."""
        if len(part.people) != 1:
            return None
        if part.countries or part.months or part.durations or part.devices:
            return None  # "Is Lei Jun German?": the sources say nothing of the sort
        brand_id, name, _ = part.people[0]
        brand = self.base.brands[brand_id]
        person = next((p for p in brand.people if p.name == name), None)
        if person is None:
            return None
        roles = set(filter(None, (canonical(w) for w in words(person.role))))
        names = set(filter(None, (canonical(w) for w in words(name))))
        asked = residual - roles - names
        if asked - _PERSON_WORDS:
            return None  # "What did Xiaomi's CEO say?" is for the facts about what they said
        said = f"{self.dated(person.citations)}, {name} is {brand.name}'s {person.role}."
        others = [b for b in known if b != brand_id]
        if part.form is Form.YES_NO:
            if others:
                other = self.name(others[0])
                role = f"{brand.name}'s {person.role}"
                head = f"No: the sources describe {name} as {role}, not {other}'s."
            elif roles & set(part.analysis.tokens) or not asked:
                head = "Yes."
            else:
                return None
            return Said(f"{head} {said}", person.citations, entry_id=f"partners:{brand_id}")
        if others or part.wh not in {"who", "what", None}:
            return None
        return Said(said, person.citations, entry_id=f"partners:{brand_id}", shaped=False)

    def _what_is(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        """What the sources say a brand is and who it works with ("What's Hasselblad?")."""
        if part.wh not in {"what", "who"} or len(known) != 1 or residual or part.people:
            return None
        if part.analysis.question_types - {"?who"} or part.devices:
            return None
        brand = self.base.brands[known[0]]
        own = self.of(brand.id)
        support = self.support(brand, brand.country)
        said = []
        citations: list[Citation] = []
        if support is not None:
            said.append(f"{brand.name} is a {adjective(brand.country or '')} brand.")
            citations.append(support)
        said += [self.sentence(p, brand.id) for p in own]
        citations += [c for p in own for c in p.citations]
        if not said:
            return None
        text = f"{self.dated(citations)}, {lower_first(' '.join(said))}"
        return Said(
            text, tuple(dict.fromkeys(citations)), entry_id=f"partners:{brand.id}", shaped=False
        )

    def _compare(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        if part.form is not Form.COMPARE or len(known) < 2:
            return None
        if not residual <= _COMPARE_TOKENS:
            return None
        phones = [b for b in known if self.base.brands[b].kind is BrandKind.PHONE_MAKER]
        cameras = [b for b in known if self.base.brands[b].kind is BrandKind.CAMERA_MAKER]
        chosen: list[Partnership] = []
        for brand, others in [(b, cameras) for b in phones] + [(b, phones) for b in cameras]:
            own = [p for p in self.of(brand) if p.other(brand) in others] or (
                self.of(brand) if not others or brand in phones else []
            )
            chosen += [p for p in own if p not in chosen]
        if len(chosen) < 2:
            return None
        lines = [self.sentence(p) for p in chosen]
        citations = tuple(c for p in chosen for c in p.citations)
        text = f"{self.dated(citations)}: " + " ".join(lines)
        return Said(text, citations, entry_id=_partnership_id(chosen[0]))

    def _list(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        if part.form is not Form.LIST or not residual <= _LIST_TOKENS:
            return None
        if known:
            return self._list_phones(part, known)
        tokens = part.analysis.tokens
        kind = None
        if any(t in CAMERA_TOKENS for t in tokens) and "maker" in tokens:
            kind = BrandKind.CAMERA_MAKER
        elif any(t in PHONE_TOKENS for t in tokens) and "maker" in tokens:
            kind = BrandKind.PHONE_MAKER
        partnerships = sorted(self.base.partnerships.values(), key=_current_first)
        if not partnerships:
            return None
        if kind is None:
            if "partner" not in tokens:
                return None
            lines = [self.sentence(p) for p in partnerships]
            citations = tuple(c for p in partnerships for c in p.citations)
            text = f"{self.dated(citations)}, the camera partnerships were: " + " ".join(lines)
            return Said(text, citations, entry_id="partnerships:all")
        brands = [
            brand for brand in self.base.brands.values() if brand.kind is kind and self.of(brand.id)
        ]
        entries = []
        citations_list: list[Citation] = []
        for brand in brands:
            own = self.of(brand.id)
            current = [self.name(p.other(brand.id)) for p in own if p.status is not _ENDED]
            ended = [self.name(p.other(brand.id)) for p in own if p.status is _ENDED]
            partners = [f"with {series(current)}"] if current else []
            if ended:
                partners.append(f"{'earlier ' if current else 'formerly '}with {series(ended)}")
            entries.append(f"{brand.name} ({'; '.join(partners)})")
            citations_list += [p.citations[0] for p in self.of(brand.id)]
        noun = "camera makers" if kind is BrandKind.CAMERA_MAKER else "phone makers"
        citations = tuple(dict.fromkeys(citations_list))
        text = f"{self.dated(citations)}, the {noun} in the sources are {series(entries)}."
        return Said(text, citations, entry_id="partnerships:all")

    def _list_phones(self, part: Part, known: tuple[str, ...]) -> Said | None:
        """The phones of a partnership, or every phone of a brand that the sources name."""
        if "phon" not in part.analysis.tokens:
            return self._list_partners(known)
        if len(known) == 2:
            partnership = self.pair(*known)
            return self._phones_of(partnership) if partnership else None
        if len(known) != 1:
            return None
        brand = self.base.brands[known[0]]
        found: list[tuple[str, Citation]] = []
        for device in brand.devices:
            support = self.mention(device.names)
            if support is not None:
                found.append((device.name, support))
        if not found:
            return None
        citations = tuple(dict.fromkeys(c for _, c in found))
        names = series(f"the {name}" for name, _ in found)
        text = f"{self.dated(citations)}, the sources name these {brand.name} phones: {names}."
        return Said(text, citations, entry_id=f"partners:{brand.id}")

    def _list_partners(self, known: tuple[str, ...]) -> Said | None:
        """Each brand's partnerships: "Name the camera partners of OnePlus, Vivo and Xiaomi"."""
        if len(known) < 2:
            return None
        chosen = list(dict.fromkeys(p for brand in known for p in self.of(brand)))
        if not chosen:
            return None
        citations = tuple(c for p in chosen for c in p.citations[:1])
        body = " ".join(f"{self.clause(p)}." for p in chosen)
        return Said(f"{self.dated(citations)}, {lower_first(body)}", citations)

    def mention(self, names: Iterable[str]) -> Citation | None:
        """The shortest clause of a source that names one of these names, as a quote."""
        return self._shortest(names)

    def _either_or(
        self, part: Part, known: tuple[str, ...], residual: frozenset[str]
    ) -> Said | None:
        if part.form is not Form.EITHER_OR or len(part.options) != 2:
            return None
        left, right = part.options
        countries = [
            [NATIONALITIES[w] for w in option if w in NATIONALITIES] for option in (left, right)
        ]
        if all(countries) and len(known) == 1:
            return self._country_choice(known[0], [c[0] for c in countries], left, right)
        if len(part.devices) == 2:
            return self._device_choice(part)
        said = self._order_choice(part, known, left, right) or self._status_choice(
            part, known, left, right
        )
        if said is not None:
            return said
        said = self._summary_choice(part, known, left, right)
        if said is not None:
            return said
        months = [[MONTHS[w] for w in option if w in MONTHS] for option in (left, right)]
        if all(months):
            said = self._month_choice(part, known, [m[0] for m in months])
            if said is not None:
                return said
        return self._brand_choice(part, known, left, right)

    def _option_partnerships(
        self, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
    ) -> list[Partnership] | None:
        """The partnership each option names: a pair, or a partner of the brand outside them.

        "xiaomi-leica or oneplus-hasselblad"; "who had Leica first, Huawei or Xiaomi?".
        """
        named = [
            [b for b in known if any(w in _brand_words(self.base.brands[b]) for w in option)]
            for option in (left, right)
        ]
        outside = [b for b in known if not any(b in n for n in named)]
        found = []
        for brands in named:
            pair = brands if len(brands) == 2 else [*outside, *brands] if len(brands) == 1 else []
            partnership = self.pair(*pair) if len(pair) == 2 else None
            if partnership is None:
                return None
            found.append(partnership)
        return found if found[0] is not found[1] else None

    def _order_choice(
        self, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
    ) -> Said | None:
        """Which partnership came first or is newer, as far as the records order them.

        By `since` when both give one, else by status: an ended partnership came before a current
        one, and one just announced is the newest.
        """
        if part.says({"longer", "shorter", "long", "length"}):
            return None  # "which deal is longer?" compares lengths, not dates
        # The order asked, from the words outside the options ("the old Huawei one" describes).
        asked = [w for w in part.words if w not in {*left, *right}]
        tokens = {canonical(w) for w in asked}
        first = bool(tokens & {"1", "before"}) or bool({"earlier", "older", "oldest"} & set(asked))
        newer = bool(tokens & {"latest"}) or bool({"newer", "later", "last"} & set(asked))
        if first == newer:
            return None
        found = self._option_partnerships(known, left, right)
        if found is None:
            return None
        rank = {
            PartnershipStatus.ENDED: 0,
            PartnershipStatus.ACTIVE: 1,
            PartnershipStatus.ANNOUNCED: 2,
        }
        a, b = found
        if a.since and b.since and a.since != b.since:
            older, newest = (a, b) if a.since < b.since else (b, a)
        elif rank[a.status] != rank[b.status]:
            older, newest = (a, b) if rank[a.status] < rank[b.status] else (b, a)
        else:
            return None  # the records do not order them
        chosen = older if first else newest
        label = f"{self.name(chosen.phone_maker)}–{self.name(chosen.camera_maker)}"
        citations = tuple(dict.fromkeys([*older.citations, *newest.citations]))
        body = f"{lower_first(self.sentence(older))} {self.sentence(newest)}"
        head = f"The {label} partnership {'came first' if first else 'is the newer one'}."
        return Said(f"{head} {self.dated(citations)}, {body}", citations)

    def _status_choice(
        self, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
    ) -> Said | None:
        """A partnership the brands announced is official ("Official or just a rumour?")."""
        options = [set(option) for option in (left, right)]
        official = [o & {"official", "confirmed", "announced", "real"} for o in options]
        rumour = [
            o & {"rumor", "rumour", "rumored", "rumoured", "speculation", "reported"}
            for o in options
        ]
        if not ((official[0] and rumour[1]) or (official[1] and rumour[0])) or len(known) != 2:
            return None
        partnership = self.pair(*known)
        if partnership is None or partnership.status is PartnershipStatus.ENDED:
            return None
        sentence = lower_first(self.sentence(partnership))
        citations = partnership.citations
        return Said(
            f"Official. {self.dated(citations)}, {sentence}",
            citations,
            entry_id=_partnership_id(partnership),
        )

    def _summary_choice(
        self, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
    ) -> Said | None:
        """A choice the pair's summary settles: "Vivo's Zeiss deal: budget phones or flagships?"."""
        partnership = self.pair(*known) if len(known) == 2 else None
        if partnership is None or not partnership.summary or _NEGATION.search(partnership.summary):
            return None
        summary = set(self._tokens(partnership.summary))
        generic = _RELATION | {"?where", "?why", "?when"}
        held = [
            option
            for option in (left, right)
            if (tokens := set(self._tokens(" ".join(option))) - generic) and tokens <= summary
        ]
        if len(held) != 1:
            return None
        text = f"{' '.join(held[0]).capitalize()}. {self.dated(partnership.citations)}, "
        text += lower_first(partnership.summary)
        return Said(text, partnership.citations, entry_id=_partnership_id(partnership))

    def _device_choice(self, part: Part) -> Said | None:
        """Which of two phones came of a partnership, seen on it or named by reports."""
        brand = part.devices[0][0]
        for partnership in self.of(brand):
            named = [
                (device, seen)
                for device in part.devices
                for names, seen in (
                    (partnership.devices, True),
                    (partnership.reported_devices, False),
                )
                if any(set(device[1:]) <= set(words(name)) for name in names)
            ]
            if len(named) != 1:
                continue
            pair = f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)}"
            citations = partnership.citations
            if named[0][1]:
                text = (
                    f"{self.dated(citations)}, the {pair} partnership was seen on the "
                    f"{series(partnership.devices)}."
                )
            else:
                named_phone = series(partnership.reported_devices)
                text = (
                    f"The {named_phone}, according to reports. {self.dated(citations)}, reports "
                    f"suggested the first phone of the {pair} partnership would be the "
                    f"{named_phone}."
                )
            return Said(text, citations, entry_id=_partnership_id(partnership))
        return None

    def _country_choice(
        self, brand_id: str, countries: list[str], left: tuple[str, ...], right: tuple[str, ...]
    ) -> Said | None:
        brand = self.base.brands[brand_id]
        country = COUNTRY_KEYS.get(fold(brand.country or ""))
        support = self.support(brand, brand.country)
        if country is None or support is None:
            return None
        chosen = [opt for opt, c in zip((left, right), countries, strict=True) if c == country]
        nationality = adjective(brand.country or "")
        if chosen:
            text = f"{nationality}. {self.dated([support])}, {brand.name} is a {nationality} brand."
        else:
            text = f"Neither. {self.dated([support])}, {brand.name} is a {nationality} brand."
        return Said(text, (support,), entry_id=f"partners:{brand.id}")

    def _month_choice(self, part: Part, known: tuple[str, ...], months: list[int]) -> Said | None:
        partnership = self._due_partnership(known)
        if partnership is None or partnership.first_phone_due is None:
            return None
        due = partnership.first_phone_due
        citations = partnership.citations
        names = {number: name for name, number in MONTHS.items() if len(name) > 3 or name == "may"}
        if due.month in months:
            head = f"{names[due.month].title()}."
        else:
            asked = series([names[m].title() for m in months], "or")
            head = f"Neither {asked}, as far as the sources say."
        text = (
            f"{head} {self.dated(citations)}, the first phone of the "
            f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)} "
            f"partnership was due in {due.label}."
        )
        return Said(text, citations, entry_id=_partnership_id(partnership))

    def _brand_choice(
        self, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
    ) -> Said | None:
        option_brands = []
        for option in (left, right):
            found = [
                b for b in known if any(w in _brand_words(self.base.brands[b]) for w in option)
            ]
            if len(found) != 1:
                return None
            option_brands.append(found[0])
        if len(set(option_brands)) != 2:
            return None  # "did Huawei end it or did Leica?" is not a choice of partners
        subjects = [b for b in known if b not in option_brands]
        if len(subjects) != 1 or not (part.residual - _IGNORED) <= _RELATION | {_END}:
            return None
        subject = subjects[0]
        found = [p for b in option_brands if (p := self.pair(subject, b)) is not None]
        past = part.says(PAST) or part.words[:1] in (("did",), ("was",), ("were",), ("had",))
        if not past and any(p.status is not _ENDED for p in found):
            # "Does Kestrel work with Vellum or Optiva?" asks about now: ended ones are not it.
            found = [p for p in found if p.status is not _ENDED]
        if not found:
            text = (
                f"Neither, as far as the sources say: they report no partnership of "
                f"{self.name(subject)} with {series([self.name(b) for b in option_brands], 'or')}."
            )
            own = self.of(subject)
            citations = tuple(c for p in own for c in p.citations)
            if own:
                text += f" {self.dated(citations)}, " + lower_first(
                    "; ".join(self.clause(p, subject) for p in own) + "."
                )
            return Said(text, citations, entry_id=_partnership_id(own[0]) if own else None)
        lines = [self.sentence(p, subject) for p in found]
        citations = tuple(c for p in found for c in p.citations)
        head = series([self.name(p.other(subject)) for p in found], "and")
        text = f"{head}. {self.dated(citations)}, " + lower_first(" ".join(lines))
        return Said(text, citations, entry_id=_partnership_id(found[0]))

    def _country(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        if len(known) == 1 and known[0] in part.described:
            return self._identity(part, known[0], residual)
        if len(known) == 2 and part.says({"same", "both"}) and "?where" in part.analysis.tokens:
            return self._same_country(known)
        if len(known) != 1:
            return None
        asked_where = part.wh == "where" or "?where" in part.analysis.tokens
        if not part.countries and not asked_where:
            return None
        if part.says(_MADE):
            return None  # "Where are Hasselblad phones made?" asks a factory, not a brand's country
        if part.form not in (Form.YES_NO, Form.WH) or (part.form is Form.WH and part.countries):
            return None
        country_words = {canonical(w) for w in part.words if w in NATIONALITIES}
        if not residual - country_words <= _COUNTRY_WORDS:
            return None
        brand = self.base.brands[known[0]]
        if brand.country is None:
            return Said(
                f"The sources don't say where {brand.name} is from.", answered=False, about=known
            )
        support = self.support(brand, brand.country)
        if support is None:
            return None
        nationality = adjective(brand.country)
        country = COUNTRY_KEYS.get(fold(brand.country))
        said = f"{self.dated([support])}, {brand.name} is a {nationality} brand."
        shaped = part.form is Form.YES_NO
        if part.form is Form.YES_NO:
            if country in part.countries:
                said = f"Yes. {said}"
            else:
                asked = adjective(part.countries[0])
                described = f"the sources describe {brand.name} as {nationality}"
                said = f"No: {described}, not {asked}. {said}"
        return Said(said, (support,), entry_id=f"partners:{brand.id}", shaped=shaped)

    def _same_country(self, known: tuple[str, ...]) -> Said:
        """Whether two brands are from the same country, as the sources describe them."""
        brands = [self.base.brands[b] for b in known]
        supports = [self.support(brand, brand.country) for brand in brands]
        unknown = [brand.name for brand, s in zip(brands, supports, strict=True) if s is None]
        if unknown:
            verb = "is" if len(unknown) == 1 else "are"
            return Said(
                f"The sources don't say where {series(unknown)} {verb} from.",
                answered=False,
                about=known,
            )
        keys = [COUNTRY_KEYS.get(fold(brand.country or "")) for brand in brands]
        first, second = (f"{b.name} is a {adjective(b.country or '')} brand" for b in brands)
        head = "Yes" if keys[0] == keys[1] else "No"
        citations = tuple(s for s in supports if s is not None)
        return Said(f"{head}. {self.dated(citations)}, {first} and {second}.", citations)

    def _identity(self, part: Part, brand_id: str, residual: frozenset[str]) -> Said | None:
        """Which brand a description names: "Which brand is Swedish?" -> Hasselblad."""
        if part.wh not in {"which", "what", "who"} or residual - _COUNTRY_WORDS:
            return None
        brand = self.base.brands[brand_id]
        support = self.support(brand, brand.country)
        if support is None:
            return None
        text = f"{self.dated([support])}, {brand.name} is a {adjective(brand.country or '')} brand."
        return Said(text, (support,), entry_id=f"partners:{brand.id}")

    def support(self, brand: Brand, country: str | None) -> Citation | None:
        """The shortest clause of a source that names the brand and its country, as a quote."""
        if not country:
            return None
        return self._shortest(brand.names, (adjective(country), country))

    def _shortest(self, names: Iterable[str], also: Iterable[str] = ()) -> Citation | None:
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
            if all(found is not None for found in near):
                numbers &= set().union(*near)  # type: ignore[arg-type]
        best: tuple[int, Citation] | None = None
        split: tuple[int, list[str]] = (-1, [])
        starts = self._clause_starts
        for number in sorted(numbers):
            source = bisect.bisect_right(starts, number) - 1
            if split[0] != source:  # numbers are sorted: each source is split once
                split = (source, _clauses(self._source_text(source)))
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
        return self.base.sources[self._clause_sources[number]].text

    def _clauses_with(self, word: str) -> array[int]:
        """The numbers of the clauses holding a word (indexed now if no name started with it)."""
        found = self._clause_words.get(word)
        if found is None:
            # A brand the index was not built for: every clause is read once for its word.
            found = self._clause_words[word] = array("I")
            starts = self._clause_starts
            for source in range(len(self._clause_sources)):
                for at, clause in enumerate(_clauses(self._source_text(source))):
                    if word in words(clause):
                        found.append(starts[source] + at)
        return found

    def _index_clauses(self) -> None:
        """Number every source clause, and index those holding a word of a name or country."""
        wanted = set()
        for brand in self.base.brands.values():
            for name in (*brand.names, *(n for d in brand.devices for n in d.names)):
                wanted.update(words(name))
            if brand.country:
                wanted.update(words(f"{brand.country} {adjective(brand.country)}"))
        index: dict[str, array[int]] = {word: array("I") for word in wanted}
        starts = array("I")
        number = 0
        for source in self.base.sources.values():
            starts.append(number)
            for clause in _clauses(source.text):
                for word in wanted.intersection(words(clause)):
                    index[word].append(number)
                number += 1
        self._clause_sources = tuple(self.base.sources)
        self._clause_starts, self._clause_words = starts, index

    def _due_partnership(self, known: tuple[str, ...]) -> Partnership | None:
        if len(known) == 2:
            return self.pair(*known)
        if len(known) == 1:
            due = [p for p in self.of(known[0]) if p.first_phone_due or p.reported_devices]
            return due[0] if len(due) == 1 else None
        return None

    def _device(self, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
        """Whether a phone came of a partnership: seen on it, or only named by reports."""
        if not part.devices:
            return None
        if "1" in part.analysis.tokens and part.form is Form.YES_NO and len(part.devices) == 1:
            return self._first_named(part, known)
        if part.says({"last", "latest", "newest"}):
            return None  # the sources do not order the phones they name
        corrected = self._device_premise(part, known)
        if corrected is not None or part.form is not Form.YES_NO:
            return corrected
        if not residual <= _RELATION | _LAUNCH | _CONFIRM | {"launch", "expect", "?when"}:
            return None
        said = []
        citations: list[Citation] = []
        for device in part.devices:
            brand, model = device[0], set(device[1:])
            others = [b for b in known if b != brand]
            if any(self.base.brands[b].kind is BrandKind.PHONE_MAKER for b in others):
                # "Will the Norra phone be the Kestrel K9?" asks about Norra's phone.
                said, citations = self._not_the_reported(part, known)
                break
            for partnership in self.of(brand):
                if others and partnership.other(brand) not in others:
                    continue
                pair = f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)}"
                if any(model <= set(words(name)) for name in partnership.devices):
                    said.append(
                        f"Yes. {self.dated(partnership.citations)}, the {pair} partnership was "
                        f"seen on the {series(partnership.devices)}."
                    )
                elif any(model <= set(words(name)) for name in partnership.reported_devices):
                    said.append(
                        f"Not confirmed: {lowered(self.dated(partnership.citations))}, "
                        f"reports suggested the first phone of the {pair} partnership would be the "
                        f"{series(partnership.reported_devices)}."
                    )
                else:
                    continue
                citations += partnership.citations
        if not said:
            said, citations = self._not_the_reported(part, known)
        if len(said) != 1:
            # A phone no partnership names is for the fact matcher (or a refusal).
            return None
        entry = f"partners:{part.devices[0][0]}"
        return Said(said[0], tuple(citations), entry_id=entry)

    def _first_named(self, part: Part, known: tuple[str, ...]) -> Said | None:
        """The first phone asked about: only the phones reports named ("Was the P30 the first?")."""
        said, citations = self._not_the_reported(part, known)
        if said:
            return Said(said[0], tuple(citations))
        return None

    def _not_the_reported(
        self, part: Part, known: tuple[str, ...]
    ) -> tuple[list[str], list[Citation]]:
        """A phone that is not the one reports named: "Will the Leica phone be the Mi 11 Ultra?"."""
        asks_first = "1" in part.analysis.tokens or part.says({"will", "going", "gonna"})
        if len(part.devices) != 1 or "phon" not in part.analysis.tokens or not asks_first:
            return [], []
        # The partnership asked about: of the brands named other than the phone's own maker.
        asked = [b for b in known if b != part.devices[0][0]]
        pairs = (
            {self.pair(*asked)}
            if len(asked) == 2
            else {self.pair(*known)}
            if len(known) == 2
            else set()
        )
        partnership = pairs.pop() if len(pairs) == 1 else None
        if partnership is None or not partnership.reported_devices:
            return [], []
        model = set(part.devices[0][1:])
        if any(model <= set(words(name)) for name in partnership.reported_devices):
            return [], []
        pair = f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)}"
        text = (
            f"Not as far as reports say: {lowered(self.dated(partnership.citations))}, reports "
            f"suggested the first phone of the {pair} partnership would be the "
            f"{series(partnership.reported_devices)}."
        )
        return [text], list(partnership.citations)

    def _device_premise(self, part: Part, known: tuple[str, ...]) -> Said | None:
        """A phone asked about with a camera maker its partnership was not with: say whose."""
        if len(part.devices) != 1:
            return None
        brand = part.devices[0][0]
        model = set(part.devices[0][1:])
        cameras = [b for b in known if b != brand]
        own = [p for p in self.of(brand) if any(model <= set(words(d)) for d in p.devices)]
        if len(own) != 1 or len(cameras) != 1 or own[0].other(brand) == cameras[0]:
            return None
        partnership = own[0]
        device = next(d for d in partnership.devices if model <= set(words(d)))
        pair = f"{self.name(brand)}–{self.name(cameras[0])}"
        head = "No: t" if part.form is Form.YES_NO else "T"
        text = (
            f"{head}he sources report no {pair} partnership; the {device} came of "
            f"{self.name(brand)}'s partnership with {self.name(partnership.other(brand))}. "
            f"{self.dated(partnership.citations)}, the partnership was seen on the "
            f"{series(partnership.devices)}."
        )
        return Said(text, partnership.citations, entry_id=_partnership_id(partnership))

    def _first_phone(
        self, part: Part, known: tuple[str, ...], residual: frozenset[str]
    ) -> Said | None:
        if part.devices:
            return None
        tokens = set(part.analysis.tokens)
        asks_date = bool(part.months or part.years) and bool(tokens & {"1", "phon"})
        asks_first = (
            part.wh in {"which", "what"}
            and "phon" in tokens
            and bool(tokens & {"1", "report", "launch", "say", "announce"})
        )
        if (
            not tokens & {"launch", "expect"}
            and not part.says(ALREADY - {"yet"})
            and not asks_date
            and not asks_first
        ):
            return None
        months = {canonical(name) for name in [*MONTHS, *SEASONS]} | _numbers(part)
        if not residual - {"launch", "expect"} - months <= _LAUNCH | _CONFIRM:
            return None
        partnership = self._due_partnership(known)
        if partnership is None or partnership.first_phone_due is None:
            return None
        if asks_first and not part.months:
            # "Which phone is the first Xiaomi Leica one?": the phones reports named.
            return self._phones_of(partnership)
        due = partnership.first_phone_due
        citations = partnership.citations
        reported = self.base.source_date(citations)
        pair = f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)}"
        fact = f"the first phone of the {pair} partnership was due in {due.label}"
        if part.years and not part.months and part.form in (Form.YES_NO, Form.PLAIN, Form.WH):
            if due.year in part.years:
                text = f"Yes. {self.dated(citations)}, {fact}."
            else:
                asked = series([str(y) for y in part.years], "or")
                text = (
                    f"Not as far as the sources say: {self.as_of(citations)}, {fact}, not {asked}."
                )
            return Said(text, citations, entry_id=_partnership_id(partnership))
        if part.months and part.form in (Form.YES_NO, Form.PLAIN, Form.WH):
            if due.month in part.months:
                text = f"Yes. {self.dated(citations)}, {fact}."
            else:
                names = [n for n, m in MONTHS.items() if m in part.months and len(n) > 3]
                asked = names[0].title() if names else "then"
                text = (
                    f"Not as far as the sources say: {self.as_of(citations)}, {fact}, not {asked}."
                )
            return Said(text, citations, entry_id=_partnership_id(partnership))
        if part.form is Form.YES_NO and (part.says(ALREADY) or "launch" in tokens):
            if reported is not None and _before(reported, due):
                text = f"Not {self.as_of(citations)}: {fact}."
            else:
                text = (
                    f"The sources don't say whether it has launched: {self.as_of(citations)}, "
                    f"{fact}."
                )
            return Said(text, citations, entry_id=_partnership_id(partnership))
        if part.wh == "when":
            return Said(
                f"{self.dated(citations)}, {fact}.",
                citations,
                entry_id=_partnership_id(partnership),
            )
        return None

    def _pair_rule(
        self, part: Part, known: tuple[str, ...], residual: frozenset[str]
    ) -> Said | None:
        if len(known) != 2 or part.devices or part.countries or part.people:
            return None  # "is Leica German and Hasselblad Swedish?" is not about a pair
        if "?where" in part.analysis.tokens:
            return None  # "are Leica and Zeiss from the same country?" neither
        if part.excluded and part.form is Form.YES_NO:
            return None  # "did Xiaomi work with Leica before Huawei?" asks an order
        first, second = known
        partnership = self.pair(first, second)
        ending = _END in part.analysis.tokens
        starting = part.says(_START) or "start" in residual
        allowed = _RELATION | {_END, "year", "?when"} | _START | _numbers(part)
        if (
            partnership is not None
            and partnership.summary
            and not _NEGATION.search(partnership.summary)
        ):
            allowed |= set(self._tokens(partnership.summary))
        if not residual - _START <= allowed:
            return None
        if partnership is None:
            if part.form not in (Form.YES_NO, Form.WH, Form.PLAIN) or part.negated:
                return None
            if part.form is not Form.YES_NO and not (residual & (_RELATION | {_END}) or starting):
                return None
            return self._no_pair(first, second, yes_no=part.form is Form.YES_NO)
        asks_length = bool({"?howlong", "?howmany"} & part.analysis.question_types)
        if (starting or part.wh == "when" or "year" in residual) and not (
            part.durations or part.years or ending or asks_length
        ):
            said = self._since(part, partnership, first, residual)
            if said is not None:
                return said
        if part.durations:
            return self._duration_check(part, partnership, first)
        if asks_length and partnership.period and not ending:
            # "How long is the Norra Vellum deal?": the length the record gives.
            text = f"{self.dated(partnership.citations)}, " + lower_first(
                self.sentence(partnership, first)
            )
            return Said(
                text, partnership.citations, entry_id=_partnership_id(partnership), shaped=False
            )
        if ending and part.wh == "when" and partnership.status is PartnershipStatus.ENDED:
            a, b = self.name(first), self.name(second)
            return Said(
                f"The sources don't say when {a} and {b} ended their partnership. "
                f"{capitalised(self.as_of(partnership.citations))}, "
                f"{lower_first(self.sentence(partnership, first))}",
                answered=False,
                about=(first, second),
            )
        if part.years:
            return self._year_check(part, partnership, first)
        if part.form is Form.YES_NO and part.words[:1] == ("will",):
            # "Will Leica work with Huawei again?": the sources report what was, not what will be.
            a, b = self.name(first), self.name(second)
            sentence = lower_first(self.sentence(partnership, first))
            return Said(
                f"The sources don't say what {a} and {b} will do. "
                f"{capitalised(self.as_of(partnership.citations))}, {sentence}",
                answered=False,
                about=(first, second),
            )
        if part.form is Form.YES_NO:
            # Words only the summary explains ("flagships") are answered with the summary.
            summary = bool(residual - _RELATION - _START - {_END})
            return self._pair_yes_no(part, partnership, first, ending=ending, summary=summary)
        if ending and partnership.status is not PartnershipStatus.ENDED:
            # "Why did Vivo stop working with Zeiss?" presumes an end the sources do not report.
            return self._correct_end(partnership, first)
        if part.wh is None and not residual:
            return None
        asks_other = part.analysis.question_types - {"?who"}
        if ending or starting or asks_other or part.wh not in {"which", "what"}:
            return None
        if "phon" in residual and residual <= _RELATION:
            return self._phones_of(
                partnership, kind=part.says({"kind", "type", "sort", "category"})
            )
        if part.wh == "what" and residual == {"partner"}:
            return Said(
                f"{self.dated(partnership.citations)}, "
                + lower_first(self.sentence(partnership, first)),
                partnership.citations,
                entry_id=_partnership_id(partnership),
                shaped=False,
            )
        return None

    def _since(
        self, part: Part, partnership: Partnership, subject: str, residual: frozenset[str]
    ) -> Said | None:
        """When a partnership began: its `since`, or precisely that the sources do not say."""
        if not residual - _START - {"year", "?when"} <= _RELATION:
            return None
        a, b = self.name(subject), self.name(partnership.other(subject))
        since = partnership.since
        if since is None:
            return Said(
                f"The sources don't say when {a} and {b} started working together.",
                answered=False,
                about=(subject, partnership.other(subject)),
            )
        text = f"{self.dated(partnership.citations)}, {a} and {b} partnered in {since.label}."
        return Said(text, partnership.citations, entry_id=_partnership_id(partnership))

    def _duration_check(self, part: Part, partnership: Partnership, subject: str) -> Said | None:
        """How long a partnership lasted, checked against the length a question names."""
        length = _period_years(partnership.period)
        if length is None:
            return None
        said = f"{self.dated(partnership.citations)}, " + lower_first(
            self.sentence(partnership, subject)
        )
        asked = series([count_words(d) for d in part.durations], "or")
        if part.comparison == ">":
            right = all(length > d for d in part.durations)
            asked = f"more than {asked}" if not right else asked
        elif part.comparison == "<":
            right = all(length < d for d in part.durations)
            asked = f"less than {asked}" if not right else asked
        else:
            right = length in part.durations
        if partnership.status is PartnershipStatus.ANNOUNCED and part.form is Form.YES_NO:
            # "Have they worked together for five years?" of a deal just announced: no time
            # worked is recorded, only the length announced.
            worked = part.says({"have", "has", "did", "worked", "were", "was"})
            if worked:
                years = count_words(length)
                head = f"Not as far as the sources say: it was announced as a {years}-year one."
                entry = _partnership_id(partnership)
                return Said(f"{head} {said}", partnership.citations, entry_id=entry)
        if part.form is Form.EITHER_OR and not part.comparison:
            head = (
                f"{count_words(length).capitalize()} years."
                if right
                else "Neither, as far as the sources say."
            )
        elif part.form is Form.YES_NO:
            head = (
                "Yes."
                if right
                else f"No: the sources report {count_words(length)} years, not {asked}."
            )
        elif not right:
            # "Why did they split after 10 years?" presumes a length the sources contradict.
            head = f"Actually, the sources report {count_words(length)} years, not {asked}."
        else:
            return None
        return Said(f"{head} {said}", partnership.citations, entry_id=_partnership_id(partnership))

    def _year_check(self, part: Part, partnership: Partnership, subject: str) -> Said | None:
        """Whether a partnership began in the year a question names."""
        since = partnership.since
        if since is None or part.form is not Form.YES_NO:
            return None
        a, b = self.name(subject), self.name(partnership.other(subject))
        said = f"{self.dated(partnership.citations)}, {a} and {b} partnered in {since.label}."
        head = "Yes." if since.year in part.years else "No, as far as the sources say."
        return Said(f"{head} {said}", partnership.citations, entry_id=_partnership_id(partnership))

    def _phones_of(self, partnership: Partnership, *, kind: bool = False) -> Said:
        """Which phones came of a partnership: those seen, those reports named, or none said."""
        pair = f"{self.name(partnership.phone_maker)}–{self.name(partnership.camera_maker)}"
        citations = partnership.citations
        entry = _partnership_id(partnership)
        if partnership.devices:
            text = (
                f"{self.dated(citations)}, the {pair} partnership was seen on the "
                f"{series(partnership.devices)}."
            )
            return Said(text, citations, entry_id=entry, shaped=False)
        if partnership.summary and "phon" in self._tokens(partnership.summary) and kind:
            # "What kind of Vivo phones…?": "its flagship smartphones" is the kind.
            text = f"{self.dated(citations)}, {lower_first(partnership.summary)}"
            return Said(text, citations, entry_id=entry, shaped=False)
        if partnership.summary and "phon" in self._tokens(partnership.summary):
            # "Its flagship smartphones" is a kind of phone, not a name: refused, with it said.
            return Said(
                f"The sources don't name the phones of the {pair} partnership: "
                f"{lower_first(partnership.summary)}",
                answered=False,
                about=(partnership.phone_maker, partnership.camera_maker),
            )
        if partnership.reported_devices:
            # "Not out yet" only where the record says so: a due date after the source's date.
            reported = self.base.source_date(citations)
            due = partnership.first_phone_due
            not_yet = due is not None and reported is not None and _before(reported, due)
            head = "No phone had come of it yet: " if not_yet else ""
            dated = lowered(self.dated(citations)) if not_yet else self.dated(citations)
            text = (
                f"{head}{dated}, reports suggested the first phone of the {pair} partnership "
                f"would be the {series(partnership.reported_devices)}."
            )
            return Said(text, citations, entry_id=entry)
        return Said(
            f"The sources don't say which phones came of the {pair} partnership.",
            answered=False,
            about=(partnership.phone_maker, partnership.camera_maker),
        )

    def _no_pair(self, first: str, second: str, *, yes_no: bool) -> Said:
        a, b = self.name(first), self.name(second)
        ordered = (a, b)
        if self.base.brands[first].kind is BrandKind.CAMERA_MAKER:
            ordered = (b, a)
        head = "No: t" if yes_no else "T"
        text = f"{head}he sources report no {ordered[0]}–{ordered[1]} partnership."
        clauses = []
        citations: list[Citation] = []
        for brand in (first, second):
            own = self.of(brand)
            if own:
                clauses.append(" and ".join(self.clause(p, brand) for p in own))
                # A clause says who works with whom: each record's first quote says so.
                citations += [p.citations[0] for p in own]
        if clauses:
            text += f" {self.dated(citations)}, " + lower_first("; ".join(clauses) + ".")
        citations_tuple = tuple(dict.fromkeys(citations))
        own_first = self.of(first) or self.of(second)
        return Said(
            text,
            citations_tuple,
            entry_id=_partnership_id(own_first[0]) if own_first else None,
        )

    def _pair_yes_no(
        self, part: Part, partnership: Partnership, subject: str, *, ending: bool, summary: bool
    ) -> Said:
        citations = partnership.citations
        if part.negated:
            # "Does Vivo not work with Zeiss?": say what the sources say, without a yes or no.
            sentence = lower_first(self.sentence(partnership, subject))
            return Said(f"{self.dated(citations)}, {sentence}", citations)
        ended = partnership.status is PartnershipStatus.ENDED
        present = part.says(CURRENT)
        past = part.says(PAST) or part.words[:1] in (("did",), ("was",), ("were",), ("had",))
        sentence = lower_first(self.sentence(partnership, subject))
        if summary and partnership.summary:
            sentence = f"{sentence} {partnership.summary}"
        dated = self.dated(citations)
        entry = _partnership_id(partnership)
        if ending:
            if ended:
                return Said(f"Yes. {dated}, {sentence}", citations, entry_id=entry)
            return Said(
                f"No: the sources do not report that it ended. {dated}, {sentence}",
                citations,
                entry_id=entry,
            )
        if ended and (present or not past):
            return Said(f"Not any more. {dated}, {sentence}", citations, entry_id=entry)
        if ended:
            return Said(f"Yes, but it has ended. {dated}, {sentence}", citations, entry_id=entry)
        return Said(f"Yes. {dated}, {sentence}", citations, entry_id=entry)

    def _correct_end(self, partnership: Partnership, subject: str) -> Said:
        citations = partnership.citations
        a, b = self.name(subject), self.name(partnership.other(subject))
        sentence = lower_first(self.sentence(partnership, subject))
        text = (
            f"Actually, the sources do not report that {a} and {b} stopped working together: "
            f"{lowered(self.dated(citations))}, {sentence}"
        )
        return Said(text, citations, entry_id=_partnership_id(partnership))

    def _partners(
        self, part: Part, known: tuple[str, ...], residual: frozenset[str]
    ) -> Said | None:
        if len(known) != 1 or part.form not in (Form.WH, Form.YES_NO, Form.PLAIN) or part.devices:
            return None
        asks_who = part.wh in {"who", "which", "what", "whom"} or (
            part.wh == "why" and _END in residual
        )
        if part.form is Form.WH and not asks_who:
            return None
        brand = known[0]
        ending = _END in residual
        residual = residual - _numbers(part) if part.years else residual
        # "Who is it with now?" asks for partners with nothing but "with".
        bare_with = not residual and part.wh in {"who", "which"} and part.says({"with"})
        if not bare_with and (not residual or not residual <= _RELATION | {_END}):
            return None
        if part.analysis.question_types - {"?who"} and not (part.wh == "why" and ending):
            return None
        if part.form is Form.PLAIN and not residual & {"partner"}:
            return None
        if part.form is Form.YES_NO and not residual & {"partner", "work"}:
            return None  # "Is Leica a phone maker?" asks its kind, not its partners
        own = [p for p in self.of(brand) if p.other(brand) not in part.excluded]
        if ending or part.says(PAST):
            chosen = [p for p in own if p.status is PartnershipStatus.ENDED]
            wanted = "ended"
        elif part.says(CURRENT | LATEST):
            chosen = [p for p in own if p.status is not PartnershipStatus.ENDED]
            wanted = "current"
        else:
            chosen, wanted = own, "any"
        if part.years:
            chosen = [p for p in chosen if p.since is not None and p.since.year in part.years]
            if not chosen:
                return None
        name = self.name(brand)
        if not chosen:
            if not own:
                return Said(
                    f"The sources report no camera partnership of {name}.",
                    answered=False,
                    about=known,
                )
            citations = tuple(c for p in own for c in p.citations)
            text = (
                f"The sources report no {'ended' if wanted == 'ended' else 'current'} "
                f"partnership of {name}. {self.dated(citations)}, "
                + lower_first(" ".join(self.sentence(p, brand) for p in own))
            )
            return Said(text, citations, entry_id=f"partners:{brand}")
        citations = tuple(c for p in chosen for c in p.citations)
        body = " ".join(self.sentence(p, brand) for p in chosen)
        head = "Yes. " if part.form is Form.YES_NO else ""
        text = f"{head}{self.dated(citations)}, {lower_first(body)}"
        shaped = part.form is Form.YES_NO or wanted != "any"
        return Said(text, citations, entry_id=f"partners:{brand}", shaped=shaped)

    def _tokens(self, text: str) -> list[str]:
        return [t for w in words(text) if (t := canonical(w)) is not None]


def _numbers(part: Part) -> frozenset[str]:
    """The tokens of the counts and years a part names, and their units."""
    tokens = {
        canonical(w) or w for w in part.words if number_of(w) is not None or YEAR.fullmatch(w)
    }
    if part.durations:
        tokens |= {"year", "last", "long", "after"}
    return frozenset(tokens)


def _period_years(period: str) -> int | None:
    """The number of years a period names ("four-year", "4 years"), if it names one."""
    for word in re.split(r"[\s-]+", period.lower()):
        number = number_of(word)
        if number is not None:
            return number
    return None


def _current_first(partnership: Partnership) -> tuple[bool, str]:
    return (partnership.status is PartnershipStatus.ENDED, partnership.id)


def capitalised(text: str) -> str:
    """A date line that starts a sentence: "As of 23 May 2022"."""
    return text[0].upper() + text[1:]


def _partnership_id(partnership: Partnership) -> str:
    return f"partnership:{partnership.id}"


def _brand_words(brand: Brand) -> set[str]:
    return {w for name in brand.names for w in words(name)} | {"".join(words(brand.name))}


def _clauses(text: str) -> list[str]:
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


def _before(date: dt.date, due: Month) -> bool:
    """Whether a day comes before a due month (or year) begins."""
    return (date.year, date.month) < (due.year, due.month or 1)
