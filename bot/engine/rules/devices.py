"""Rules about phones: which came of a partnership, and when the first was due."""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator
from bot.engine.prose import lower_first, lowered, series
from bot.engine.questions import ALREADY, MONTHS, SEASONS, Form, Part
from bot.engine.rules.context import (
    CONFIRM,
    LAUNCH,
    RELATION,
    Context,
    before,
    numbers,
    partnership_id,
)
from bot.engine.rules.said import Said
from bot.engine.timeline import claim_quotes, first_sentence
from bot.engine.timeline import first_phone as first_named_phone
from bot.engine.words import canonical
from bot.facts.models import BrandKind, Citation, Partnership
from bot.facts.text import words


def device(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a phone came of a partnership: seen on it, or only named by reports."""
    if not part.devices:
        return None
    # "Are the P30 Pro and P40 both Leica phones?": "both" is read over two phones or more.
    quantified = Operator.QUANTIFIER in part.operators
    # "huawei p40 and p50, leica on both?": a claim closed by "both" asks it of each phone.
    closing = part.words[-1:] in (("both",), ("each",)) or part.words[-3:] == ("both", "of", "them")
    yes_no = part.form is Form.YES_NO or (quantified and closing and part.form is Form.PLAIN)
    if quantified and (len(part.devices) < 2 or not yes_no):
        return None
    counted = "1" in part.analysis.tokens and not part.pronoun_one  # "one of" is no "first"
    if counted and part.form is Form.YES_NO and len(part.devices) == 1:
        return _first_named(ctx, part, known)
    if Operator.FIRST_LATEST in part.operators:
        return None  # only one phone asked to be the first is read ("was the P30 the first?")
    if part.says({"last", "latest", "newest"}):
        return None  # the sources do not order the phones they name
    corrected = _device_premise(ctx, part, known)
    if corrected is not None or not yes_no:
        return None if quantified else corrected
    if not residual <= RELATION | LAUNCH | CONFIRM | {"launch", "expect", "?when"}:
        return None
    said: list[str] = []
    citations: list[Citation] = []
    for device in part.devices:
        brand, model = device[0], set(device[1:])
        others = [b for b in known if b != brand]
        if any(ctx.base.brands[b].kind is BrandKind.PHONE_MAKER for b in others):
            # "Will the Norra phone be the Kestrel K9?" asks about Norra's phone.
            said, citations = _not_the_reported(ctx, part, known)
            break
        for partnership in ctx.of(brand):
            if others and partnership.other(brand) not in others:
                continue
            pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
            if any(model <= set(words(name)) for name in partnership.devices):
                said.append(
                    f"Yes. {ctx.dated(partnership.citations)}, the {pair} partnership was "
                    f"seen on the {series(partnership.devices)}."
                )
            elif any(model <= set(words(name)) for name in partnership.reported_devices):
                said.append(
                    f"Not confirmed: {lowered(ctx.dated(partnership.citations))}, "
                    f"reports suggested the first phone of the {pair} partnership would be the "
                    f"{series(partnership.reported_devices)}."
                )
            else:
                continue
            citations += partnership.citations
    if not said:
        said, citations = _not_the_reported(ctx, part, known)
    if len(part.devices) > 1 and len(said) == len(part.devices) and len(set(said)) == 1:
        # "Are the P30 Pro and P40 both Leica phones?": one partnership seen on each.
        said, citations = said[:1], list(dict.fromkeys(citations))
    elif quantified:
        return None  # phones the records answer differently: no one yes or no for "both"
    if len(said) != 1:
        # A phone no partnership names is for the fact matcher (or a refusal).
        return None
    if Operator.SPEAKER in part.operators and not said[0].startswith("Not "):
        # "did Leica confirm the P40 was theirs?": a phone seen on a partnership says nothing of
        # who said so. A phone only reports named was confirmed by nobody, whoever is asked.
        return None
    entry = f"partners:{part.devices[0][0]}"
    return Said(said[0], tuple(citations), entry_id=entry)


def _first_named(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """The first phone asked about: only the phones reports named ("Was the P30 the first?")."""
    said, citations = _not_the_reported(ctx, part, known)
    if said:
        return Said(said[0], tuple(citations))
    return None


def first_named(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a phone was a partnership's first, where a source names the first phone."""
    del residual
    if len(part.devices) != 1 or part.form is not Form.YES_NO or part.negated:
        return None
    if "1" not in part.analysis.tokens:
        return None
    brand = part.devices[0][0]
    others = [b for b in known if b != brand]
    chosen = [p for p in ctx.of(brand) if not others or p.other(brand) in others]
    named = [(p, first_named_phone(ctx.base, p)) for p in chosen]
    named = [(p, phone) for p, phone in named if phone]
    if len(named) != 1:
        return None
    partnership, phone = named[0]
    head = "Yes." if set(part.devices[0][1:]) <= set(words(phone)) else "No."
    said = first_sentence(ctx.base, partnership)
    return Said(f"{head} {said}", partnership.citations, entry_id=partnership_id(partnership))


def _not_the_reported(
    ctx: Context, part: Part, known: tuple[str, ...]
) -> tuple[list[str], list[Citation]]:
    """A phone that is not the one reports named: "Will the Leica phone be the Mi 11 Ultra?"."""
    asks_first = "1" in part.analysis.tokens or part.says({"will", "going", "gonna"})
    if len(part.devices) != 1 or "phon" not in part.analysis.tokens or not asks_first:
        return [], []
    # The partnership asked about: of the brands named other than the phone's own maker.
    asked = [b for b in known if b != part.devices[0][0]]
    pairs = (
        {ctx.pair(*asked)} if len(asked) == 2 else {ctx.pair(*known)} if len(known) == 2 else set()
    )
    if len(known) == 1:
        # "Will the first phone of the partnership be the 12 Pro?": the phone maker's one
        # partnership whose first phone reports named.
        pairs = {p for p in ctx.of(known[0]) if p.reported_devices}
    partnership = pairs.pop() if len(pairs) == 1 else None
    if partnership is None or not partnership.reported_devices:
        return [], []
    model = set(part.devices[0][1:])
    if any(model <= set(words(name)) for name in partnership.reported_devices):
        return [], []
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    text = (
        f"Not as far as reports say: {lowered(ctx.dated(partnership.citations))}, reports "
        f"suggested the first phone of the {pair} partnership would be the "
        f"{series(partnership.reported_devices)}."
    )
    return [text], list(partnership.citations)


def _device_premise(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """A phone asked about with a camera maker its partnership was not with: say whose."""
    if len(part.devices) != 1:
        return None
    brand = part.devices[0][0]
    model = set(part.devices[0][1:])
    cameras = [b for b in known if b != brand]
    own = [p for p in ctx.of(brand) if any(model <= set(words(d)) for d in p.devices)]
    if len(own) != 1 or len(cameras) != 1 or own[0].other(brand) == cameras[0]:
        return None
    partnership = own[0]
    device = next(d for d in partnership.devices if model <= set(words(d)))
    pair = f"{ctx.name(brand)}–{ctx.name(cameras[0])}"
    head = "No: t" if part.form is Form.YES_NO else "T"
    claim = f"{head}he sources report no {pair} partnership"
    if ctx.pair(brand, cameras[0]) is not None:
        # The pair exists, only not on this phone: the sources do not say it, nor deny it.
        claim = f"The sources don't say {ctx.name(cameras[0])} worked on the {device}"
    text = (
        f"{claim}; the {device} came of "
        f"{ctx.name(brand)}'s partnership with {ctx.name(partnership.other(brand))}. "
        f"{ctx.dated(partnership.citations)}, the partnership was seen on the "
        f"{series(partnership.devices)}."
    )
    return Said(text, partnership.citations, entry_id=partnership_id(partnership))


def first_phone(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """When the first phone of a partnership was due, and whether it had launched."""
    if part.devices:
        return None
    tokens = set(part.analysis.tokens)
    asks_date = bool(part.months or part.years) and bool(tokens & {"1", "phon"})
    # "What month does it launch?", "what is the first phone's launch month?": a when.
    asks_when = part.wh == "when" or "?when" in tokens or (part.wh == "what" and "month" in tokens)
    asks_first = (
        part.wh in {"which", "what"}
        and not asks_when
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
    months = {canonical(name) for name in [*MONTHS, *SEASONS]} | numbers(part)
    if not residual - {"launch", "expect"} - months - ({"month"} if asks_when else set()) <= (
        LAUNCH | CONFIRM
    ):
        return None
    partnership = due_partnership(ctx, known)
    if partnership is None or partnership.first_phone_due is None:
        return None
    if asks_first and not part.months:
        # "Which phone is the first Xiaomi Leica one?": the phones reports named.
        return phones_of(ctx, partnership)
    due = partnership.first_phone_due
    citations = partnership.citations
    # The due date is dated by the quotes that first said it, not by a later article's.
    said_due = claim_quotes(ctx.base, partnership, [due.label.split()[0]])
    reported = ctx.base.source_date(citations)
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    fact = f"the first phone of the {pair} partnership was due in {due.label}"
    if part.years and not part.months and part.form in (Form.YES_NO, Form.PLAIN, Form.WH):
        if due.year in part.years:
            text = f"Yes. {ctx.dated(said_due)}, {fact}."
        else:
            asked = series([str(y) for y in part.years], "or")
            text = f"Not as far as the sources say: {ctx.as_of(said_due)}, {fact}, not {asked}."
        return Said(text, citations, entry_id=partnership_id(partnership))
    if part.months and part.form in (Form.YES_NO, Form.PLAIN, Form.WH):
        if due.month in part.months and (not part.years or due.year in part.years):
            text = f"Yes. {ctx.dated(said_due)}, {fact}."
        else:
            # Full names only ("may" is one), not "jun" or "sept".
            names = [n for n, m in MONTHS.items() if m in part.months and (len(n) > 3 or m == 5)]
            asked = names[0].title() if names else "then"
            if part.years:
                # "In July 2030?" of July 2022: the year is what differs.
                asked = f"{asked} {series([str(y) for y in part.years], 'or')}"
            text = f"Not as far as the sources say: {ctx.as_of(said_due)}, {fact}, not {asked}."
        return Said(text, citations, entry_id=partnership_id(partnership))
    if part.form is Form.YES_NO and (part.says(ALREADY) or "launch" in tokens):
        first = first_sentence(ctx.base, partnership)
        if first and not part.negated:
            # A source names the first phone that came: it has launched.
            return Said(f"Yes. {first}", citations, entry_id=partnership_id(partnership))
        if reported is not None and before(reported, due):
            text = f"Not {ctx.as_of(said_due)}: {fact}."
        else:
            text = f"The sources don't say whether it has launched: {ctx.as_of(said_due)}, {fact}."
        return Said(text, citations, entry_id=partnership_id(partnership))
    if asks_when:
        return Said(
            f"{ctx.dated(said_due)}, {fact}.",
            citations,
            entry_id=partnership_id(partnership),
        )
    return None


def phones_of(ctx: Context, partnership: Partnership, *, kind: bool = False) -> Said:
    """Which phones came of a partnership: those seen, those reports named, or none said."""
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    citations = partnership.citations
    entry = partnership_id(partnership)
    first = first_sentence(ctx.base, partnership)
    if first:
        return Said(first, citations, entry_id=entry, shaped=False)
    if partnership.devices:
        text = (
            f"{ctx.dated(citations)}, the {pair} partnership was seen on the "
            f"{series(partnership.devices)}."
        )
        return Said(text, citations, entry_id=entry, shaped=False)
    if partnership.summary and "phon" in ctx.tokens(partnership.summary) and kind:
        # "What kind of Vivo phones…?": "its flagship smartphones" is the kind.
        text = f"{ctx.dated(citations)}, {lower_first(partnership.summary)}"
        return Said(text, citations, entry_id=entry, shaped=False)
    if partnership.summary and "phon" in ctx.tokens(partnership.summary):
        # "Its flagship smartphones" is a kind of phone, not a name: refused, with it said.
        return Said(
            f"The sources don't name the phones of the {pair} partnership: "
            f"{lower_first(partnership.summary)}",
            answered=False,
            about=(partnership.phone_maker, partnership.camera_maker),
        )
    if partnership.reported_devices:
        # "Not out yet" only where the record says so: a due date after the source's date.
        reported = ctx.base.source_date(citations)
        due = partnership.first_phone_due
        not_yet = due is not None and reported is not None and before(reported, due)
        head = "No phone had come of it yet: " if not_yet else ""
        dated = lowered(ctx.dated(citations)) if not_yet else ctx.dated(citations)
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


def due_partnership(ctx: Context, known: tuple[str, ...]) -> Partnership | None:
    """The one partnership of the brands named that has a first phone due or reported."""
    if len(known) == 2:
        return ctx.pair(*known)
    if len(known) == 1:
        due = [p for p in ctx.of(known[0]) if p.first_phone_due or p.reported_devices]
        return due[0] if len(due) == 1 else None
    return None
