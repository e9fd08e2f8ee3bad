"""Either/or rules: which of two options the records choose, or neither."""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator
from bot.engine.prose import adjective, lower_first, series
from bot.engine.questions import COUNTRY_KEYS, MONTHS, NATIONALITIES, PAST, Form, Part
from bot.engine.rules.context import (
    COUNTRY_WORDS,
    END,
    ENDED,
    IGNORED,
    NEGATION,
    RELATION,
    Context,
    brand_words,
    partnership_id,
)
from bot.engine.rules.devices import due_partnership
from bot.engine.rules.said import Said
from bot.engine.timeline import multi_dated
from bot.engine.words import canonical
from bot.facts.models import Citation, Partnership, PartnershipStatus
from bot.facts.text import fold, words


def either_or(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Which of two options the records choose: a country, phone, order, status or partner."""
    if part.form is not Form.EITHER_OR or len(part.options) != 2:
        return None
    left, right = part.options
    countries = [
        [NATIONALITIES[w] for w in option if w in NATIONALITIES] for option in (left, right)
    ]
    if all(countries) and len(known) == 1:
        return _country_choice(ctx, known[0], [c[0] for c in countries], left, right)
    if len(part.countries) == 1 and len(known) >= 2:
        # "which is the german one: leica, zeiss or hasselblad?" asks a brand by its country.
        return _brand_of_country(ctx, part, known, residual)
    if part.countries:
        return None  # a country asked is no partner to choose
    if len(part.devices) == 2:
        return _device_choice(ctx, part)
    if left[-1:] == ("before",) and right[:1] == ("after",):
        # "…before or after Xiaomi": the brand after "after" is one to order, not set aside.
        return _before_or_after(ctx, part, tuple(b for b in part.brands if b in ctx.base.brands))
    if Operator.TIME in part.operators:
        return None  # "July or August, before 2023?": no other choice reads a time
    said = _order_choice(ctx, part, known, left, right) or _status_choice(
        ctx, part, known, left, right
    )
    if said is not None:
        return said
    said = _summary_choice(ctx, part, known, left, right)
    if said is not None:
        return said
    months = [[MONTHS[w] for w in option if w in MONTHS] for option in (left, right)]
    if all(months):
        said = _month_choice(ctx, part, known, [m[0] for m in months])
        if said is not None:
            return said
    return _brand_choice(ctx, part, known, left, right)


def _option_partnerships(
    ctx: Context, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
) -> list[Partnership] | None:
    """The partnership each option names: a pair, or a partner of the brand outside them.

    "xiaomi-leica or oneplus-hasselblad"; "who had Leica first, Huawei or Xiaomi?".
    """
    named = [
        [b for b in known if any(w in brand_words(ctx.base.brands[b]) for w in option)]
        for option in (left, right)
    ]
    outside = [b for b in known if not any(b in n for n in named)]
    found = []
    for brands in named:
        pair = brands if len(brands) == 2 else [*outside, *brands] if len(brands) == 1 else []
        partnership = ctx.pair(*pair) if len(pair) == 2 else None
        if partnership is None:
            return None
        found.append(partnership)
    return found if found[0] is not found[1] else None


def _order_choice(
    ctx: Context, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
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
    found = _option_partnerships(ctx, known, left, right)
    if found is None:
        return None
    ordered = _ordered(*found)
    if ordered is None:
        return None  # the records do not order them
    older, newest = ordered
    chosen = older if first else newest
    label = f"{ctx.name(chosen.phone_maker)}–{ctx.name(chosen.camera_maker)}"
    citations = tuple(dict.fromkeys([*older.citations, *newest.citations]))
    body = f"{lower_first(ctx.sentence(older))} {ctx.sentence(newest)}"
    head = f"The {label} partnership {'came first' if first else 'is the newer one'}."
    return Said(f"{head} {ctx.dated(citations)}, {body}", citations)


_RANK = {PartnershipStatus.ENDED: 0, PartnershipStatus.ACTIVE: 1, PartnershipStatus.ANNOUNCED: 2}


def _ordered(a: Partnership, b: Partnership) -> tuple[Partnership, Partnership] | None:
    """Two partnerships, older first: by `since` when both give one, else an ended one first."""
    if a.since and b.since and a.since != b.since:
        return (a, b) if a.since < b.since else (b, a)
    if _RANK[a.status] != _RANK[b.status]:
        return (a, b) if _RANK[a.status] < _RANK[b.status] else (b, a)
    return None


def _before_or_after(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """A pair's partnership before or after another's, as the records order them.

    "did Leica work with Huawei before or after Xiaomi?" orders Huawei–Leica and Xiaomi–Leica.
    """
    words = part.words
    at = words.index("before")
    if words[at + 1 : at + 3] != ("or", "after"):
        return None
    named = [
        [b for b in known if set(words[s]) & brand_words(ctx.base.brands[b])]
        for s in (slice(0, at), slice(at + 3, None))
    ]
    if len(named[0]) != 2 or len(named[1]) != 1:
        return None
    asked = ctx.pair(*named[0])
    others = [ctx.pair(b, named[1][0]) for b in named[0]]
    other = [p for p in others if p is not None]
    if asked is None or len(other) != 1:
        return None
    ordered = _ordered(asked, other[0])
    if ordered is None:
        return None
    older, newest = ordered
    citations = tuple(dict.fromkeys([*older.citations, *newest.citations]))
    body = f"{lower_first(ctx.sentence(older))} {ctx.sentence(newest)}"
    head = "Before." if older is asked else "After."
    return Said(f"{head} {ctx.dated(citations)}, {body}", citations)


def _status_choice(
    ctx: Context, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
) -> Said | None:
    """A partnership the brands announced is official ("Official or just a rumour?")."""
    options = [set(option) for option in (left, right)]
    official = [o & {"official", "confirmed", "announced", "real"} for o in options]
    rumour = [
        o & {"rumor", "rumour", "rumored", "rumoured", "speculation", "reported"} for o in options
    ]
    if not ((official[0] and rumour[1]) or (official[1] and rumour[0])) or len(known) != 2:
        return None
    partnership = ctx.pair(*known)
    if partnership is None or partnership.status is PartnershipStatus.ENDED:
        return None
    sentence = lower_first(ctx.sentence(partnership))
    citations = partnership.citations
    return Said(
        f"Official. {ctx.dated(citations)}, {sentence}",
        citations,
        entry_id=partnership_id(partnership),
    )


def _summary_choice(
    ctx: Context, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
) -> Said | None:
    """A choice the pair's summary settles: "Vivo's Zeiss deal: budget phones or flagships?"."""
    partnership = ctx.pair(*known) if len(known) == 2 else None
    if partnership is None or not partnership.summary or NEGATION.search(partnership.summary):
        return None
    summary = set(ctx.tokens(partnership.summary))
    generic = RELATION | {"?where", "?why", "?when"}
    held = [
        option
        for option in (left, right)
        if (tokens := set(ctx.tokens(" ".join(option))) - generic) and tokens <= summary
    ]
    if len(held) != 1:
        return None
    text = f"{' '.join(held[0]).capitalize()}. {ctx.dated(partnership.citations)}, "
    text += lower_first(partnership.summary)
    return Said(text, partnership.citations, entry_id=partnership_id(partnership))


def _device_choice(ctx: Context, part: Part) -> Said | None:
    """Which of two phones came of a partnership, seen on it or named by reports."""
    brand = part.devices[0][0]
    for partnership in ctx.of(brand):
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
        pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
        citations = partnership.citations
        if named[0][1]:
            text = (
                f"{ctx.dated(citations)}, the {pair} partnership was seen on the "
                f"{series(partnership.devices)}."
            )
        else:
            named_phone = series(partnership.reported_devices)
            text = (
                f"The {named_phone}, according to reports. {ctx.dated(citations)}, reports "
                f"suggested the first phone of the {pair} partnership would be the "
                f"{named_phone}."
            )
        return Said(text, citations, entry_id=partnership_id(partnership))
    return None


def _country_choice(
    ctx: Context, brand_id: str, countries: list[str], left: tuple[str, ...], right: tuple[str, ...]
) -> Said | None:
    brand = ctx.base.brands[brand_id]
    country = COUNTRY_KEYS.get(fold(brand.country or ""))
    support = ctx.support(brand, brand.country)
    if country is None or support is None:
        return None
    chosen = [opt for opt, c in zip((left, right), countries, strict=True) if c == country]
    nationality = adjective(brand.country or "")
    if chosen:
        text = f"{nationality}. {ctx.dated([support])}, {brand.name} is a {nationality} brand."
    else:
        text = f"Neither. {ctx.dated([support])}, {brand.name} is a {nationality} brand."
    return Said(text, (support,), entry_id=f"partners:{brand.id}")


def _brand_of_country(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Which of several brands is from the country asked, each country quoted or not stated."""
    if part.wh not in {"which", "who", None} or part.negated or part.devices or part.people:
        return None
    if not residual - IGNORED <= COUNTRY_WORDS | {"1"}:
        return None
    asked = part.countries[0]
    chosen: list[str] = []
    stated: list[str] = []
    unstated: list[str] = []
    citations: list[Citation] = []
    for brand_id in known:
        brand = ctx.base.brands[brand_id]
        support = ctx.support(brand, brand.country) if brand.country else None
        if support is None:
            unstated.append(f"The sources don't say where {brand.name} is from.")
            continue
        citations.append(support)
        clause = f"{brand.name} is a {adjective(brand.country or '')} brand"
        if COUNTRY_KEYS.get(fold(brand.country or "")) == asked:
            chosen.append(brand.name)
            stated.insert(0, clause)
        else:
            stated.append(clause)
    if len(chosen) != 1:
        return None  # none, or several: no one brand to name
    text = f"{chosen[0]}. {ctx.dated(citations)}, " + "; ".join(stated) + "."
    return Said(" ".join([text, *unstated]), tuple(citations))


def _month_choice(
    ctx: Context, part: Part, known: tuple[str, ...], months: list[int]
) -> Said | None:
    partnership = due_partnership(ctx, known)
    if partnership is None or partnership.first_phone_due is None:
        return None
    due = partnership.first_phone_due
    citations = partnership.citations
    names = {number: name for name, number in MONTHS.items() if len(name) > 3 or name == "may"}
    if part.years:
        # "July 2022 or July 2023?": the options differ by year; the month alone names neither.
        if due.month not in months or due.year not in part.years:
            return None
        head = f"{due.label}."
    elif due.month in months:
        head = f"{names[due.month].title()}."
    else:
        asked = series([names[m].title() for m in months], "or")
        head = f"Neither {asked}, as far as the sources say."
    text = (
        f"{head} {ctx.dated(citations)}, the first phone of the "
        f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)} "
        f"partnership was due in {due.label}."
    )
    return Said(text, citations, entry_id=partnership_id(partnership))


def _brand_choice(
    ctx: Context, part: Part, known: tuple[str, ...], left: tuple[str, ...], right: tuple[str, ...]
) -> Said | None:
    option_brands = []
    for option, edge in ((left, -1), (right, 0)):
        found = [b for b in known if any(w in brand_words(ctx.base.brands[b]) for w in option)]
        if len(found) > 1:
            # "Does OnePlus or Vivo work with Leica?": the option is the brand beside "or".
            found = [b for b in found if option[edge] in brand_words(ctx.base.brands[b])]
        if len(found) != 1:
            return None
        option_brands.append(found[0])
    if len(set(option_brands)) != 2:
        return None  # "did Huawei end it or did Leica?" is not a choice of partners
    subjects = [b for b in known if b not in option_brands]
    if len(subjects) != 1 or not (part.residual - IGNORED) <= RELATION | {END}:
        return None
    subject = subjects[0]
    partnered = [p for b in option_brands if (p := ctx.pair(subject, b)) is not None]
    past = part.says(PAST) or part.words[:1] in (("did",), ("was",), ("were",), ("had",))
    if not past and any(p.status is not ENDED for p in partnered):
        # "Does Kestrel work with Vellum or Optiva?" asks about now: ended ones are not it.
        partnered = [p for p in partnered if p.status is not ENDED]
    if not partnered:
        text = (
            f"Neither, as far as the sources say: they report no partnership of "
            f"{ctx.name(subject)} with {series([ctx.name(b) for b in option_brands], 'or')}."
        )
        # Each brand named with its own partners: "Neither" alone would leave the asker to
        # guess whom OnePlus and Vivo do work with.
        told = [(p, b) for b in (subject, *option_brands) for p in ctx.of(b)]
        told = [(p, b) for i, (p, b) in enumerate(told) if p not in [q for q, _ in told[:i]]]
        own = [p for p, _ in told]
        citations = tuple(dict.fromkeys(c for p in own for c in p.citations))
        if own and multi_dated(ctx.base, own):
            groups = {b: [p for p, o in told if o == b] for _, b in told}
            text += " " + " ".join(ctx.told_clauses(ps, b) for b, ps in groups.items())
        elif own:
            text += f" {ctx.dated(citations)}, " + lower_first(
                "; ".join(ctx.clause(p, b) for p, b in told) + "."
            )
        return Said(text, citations, entry_id=partnership_id(own[0]) if own else None)
    lines = [ctx.sentence(p, subject) for p in partnered]
    citations = tuple(c for p in partnered for c in p.citations)
    head = series([ctx.name(p.other(subject)) for p in partnered], "and")
    text = f"{head}. {ctx.dated(citations)}, " + lower_first(" ".join(lines))
    return Said(text, citations, entry_id=partnership_id(partnered[0]))


# Words that say a partnership goes on, and words that say it ended: "still with Zeiss or did
# that end?", "together or is it over?", "ended, or still working together?".
_GOES_ON = frozenset("still now currently anymore today".split())
_ENDED_WORDS = frozenset(
    # Not a last "not" or "no": "still with Leica or not?" is a yes/no question, the pair rule's.
    """end ended ending over split splitted broke break broken finished done stopped stop
    quit finish""".split()
)
_ENDED_TOKENS = _ENDED_WORDS | frozenset(filter(None, (canonical(w) for w in _ENDED_WORDS)))
_STATUS_TOKENS = frozenset(filter(None, (canonical(w) or w for w in "together thing over".split())))


def status_or(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a pair still works together or has ended, asked as a choice of the two."""
    if "or" not in part.words or len(known) != 2 or part.negated:
        return None
    if part.devices or part.countries or part.people or part.durations or part.years:
        return None
    at = part.words.index("or")
    before = {canonical(w) or w for w in part.words[:at]} | set(part.words[:at])
    after = {canonical(w) or w for w in part.words[at + 1 :]} | set(part.words[at + 1 :])
    # One side asks whether it goes on, the other whether it ended.
    if not (
        (before & _GOES_ON and after & _ENDED_TOKENS)
        or (after & _GOES_ON and before & _ENDED_TOKENS)
    ):
        return None
    if not residual <= RELATION | {END} | _STATUS_TOKENS:
        return None
    partnership = ctx.pair(*known)
    if partnership is None:
        return None  # no partnership to go on or end: the pair rule says so
    citations = partnership.citations
    sentence = lower_first(ctx.sentence(partnership, known[0]))
    head = (
        "It has ended."
        if partnership.status is ENDED
        else "Still together, as far as the sources say."
    )
    return Said(
        f"{head} {ctx.dated(citations)}, {sentence}",
        citations,
        entry_id=partnership_id(partnership),
    )
