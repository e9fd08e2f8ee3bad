"""Closed-world questions over the records: "only", "sole", "exclusive"; "both", "each", "neither".

The records list every partnership the sources report, so "is X the only phone maker that
worked with Y" is settled by Y's other records: another one is a quoted "No"; none at all is
"the sources report only X", never a bare "Yes" (a source that names one partner does not say
there is no other).
"""

from __future__ import annotations

from itertools import pairwise

from bot.engine.lexicon.operators import NEGATORS, ONLY_WORDS
from bot.engine.prose import lower_first, series
from bot.engine.questions import Form, Part
from bot.engine.rules.context import IGNORED, RELATION, Context, partnership_id
from bot.engine.rules.operators.common import (
    about_partnerships,
    clauses,
    current,
    entry_of,
    in_the_past,
    position,
    quoted,
)
from bot.engine.rules.said import Said
from bot.engine.timeline import multi_dated
from bot.facts.models import BrandKind, Partnership
from bot.facts.text import words

_ARTICLES = frozenset({"the", "a", "an", "their", "its", "his", "her"})
_MENTIONED = frozenset({"mention", "articl", "source", "nam", "appear"})
_NEITHER = frozenset({"neither", "nor"})
_BOTH = frozenset({"both", "each", "all", "every"})


def only(ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
    """Whether a brand is the only one another works (or worked) with, over all the records."""
    at = next((i for i, w in enumerate(part.words) if w in ONLY_WORDS), None)
    if at is None or part.form is not Form.YES_NO or not 1 <= len(known) <= 2:
        return None
    if part.devices:
        return _only_phone(ctx, part, known, residual)
    # "the only camera brand mentioned (in the article)": named in the sources, which every
    # brand with a partnership is; so another one is a "No", and nothing else is said to it.
    framed = residual & _MENTIONED
    if not about_partnerships(part, residual - framed):
        return None
    if len(known) == 1:
        said = _only_of_kind(ctx, part, known[0])
        return None if framed and said is not None and not said.text.startswith("No") else said
    if framed:
        return None
    unique, anchor = _roles(ctx, part, known, at)
    partnership = ctx.pair(unique, anchor)
    u, a = ctx.name(unique), ctx.name(anchor)
    if partnership is None:
        text = f"No: the sources report no {u}–{a} partnership at all."
        own = ctx.of(anchor)
        if own:
            text += f" {ctx.told_clauses(own, anchor)}"
        return Said(text, quoted(own), entry_id=entry_of(own))
    others = [p for p in ctx.of(anchor) if p is not partnership]
    return _judged(ctx, part, partnership, others, unique, anchor)


# Words for a phone or a line of phones beside "only": "the only Huawei line with Leica".
_PHONE_WORDS = frozenset({"phon", "lin", "series", "model", "device"})


def _only_phone(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether the phones named were the only ones a partnership was seen on, over its record."""
    if part.negated or not residual - IGNORED <= RELATION | _PHONE_WORDS:
        return None
    brand = part.devices[0][0]
    cameras = [b for b in known if b != brand]
    if len(cameras) != 1 or any(d[0] != brand for d in part.devices):
        return None
    partnership = ctx.pair(brand, cameras[0])
    if partnership is None:
        return None
    named = {
        d
        for device in part.devices
        for d in partnership.devices
        if set(device[1:]) <= set(words(d))
    }
    if len(named) != len(part.devices):
        return None  # a phone the partnership's record does not name: not this rule's
    pair = f"{ctx.name(brand)}–{ctx.name(cameras[0])}"
    seen = f"{ctx.dated(partnership.citations)}, the {pair} partnership was seen on the "
    seen += f"{series(partnership.devices)}."
    if len(partnership.devices) > len(named):
        return Said(f"No. {seen}", partnership.citations, entry_id=partnership_id(partnership))
    # One phone recorded is the closed world as the sources state it, never a bare "Yes".
    return Said(seen, partnership.citations, entry_id=partnership_id(partnership))


def _judged(
    ctx: Context,
    part: Part,
    partnership: Partnership,
    others: list[Partnership],
    unique: str,
    anchor: str,
) -> Said:
    """The answer once the pair and the anchor's other partnerships are known."""
    u, a = ctx.name(unique), ctx.name(anchor)
    everything = [partnership, *others]
    citations = quoted(everything)
    said = ctx.told_clauses(everything, anchor)
    live = [p for p in others if current(p)]
    if live or (others and in_the_past(part)):
        return Said(f"No. {said}", citations, entry_id=entry_of(everything))
    if others:
        # Only ended ones besides: "only one now" is what the records show, "only ever" is not.
        names = series([ctx.name(p.other(anchor)) for p in others])
        head = (
            f"Of current partnerships, the sources report only {u} working with {a}; "
            f"{a}'s partnership with {names} has ended."
        )
        return Said(f"{head} {said}", citations, entry_id=entry_of(everything))
    head = f"The sources report only {u} working with {a}."
    return Said(f"{head} {said}", citations, entry_id=entry_of(everything))


def _roles(ctx: Context, part: Part, known: tuple[str, ...], at: int) -> tuple[str, str]:
    """Which brand the question calls the only one, and whose partners it counts.

    "Is X the only … Y": X; "X only works with Y", "Y's only partner X": X is the anchor.
    """
    places = {brand: position(ctx, part, brand) for brand in known}
    before = [b for b in known if places[b] < at]
    after = [b for b in known if places[b] > at]
    if at and part.words[at - 1] in _ARTICLES and before:
        unique = max(before, key=places.__getitem__)
    elif before and places[max(before, key=places.__getitem__)] == at - 1:
        anchor = max(before, key=places.__getitem__)
        unique = next(b for b in known if b != anchor)
    elif after:
        unique = min(after, key=places.__getitem__)
    else:
        unique = max(before, key=places.__getitem__)
    anchor = next(b for b in known if b != unique)
    return unique, anchor


def _only_of_kind(ctx: Context, part: Part, brand_id: str) -> Said | None:
    """Whether a brand is the only one of its kind with a partnership: over every such brand."""
    brand = ctx.base.brands[brand_id]
    own = ctx.of(brand_id)
    side = "phone_maker" if brand.kind is BrandKind.PHONE_MAKER else "camera_maker"
    rivals = [p for p in ctx.base.partnerships.values() if getattr(p, side) != brand_id]
    if not own:
        return Said(
            f"No: the sources report no partnership of {brand.name}.",
            quoted(rivals[:3]),
            entry_id=entry_of(rivals),
        )
    if not rivals:
        citations = quoted(own)
        head = f"The sources report only {brand.name} in a partnership of this kind."
        said = ctx.told_clauses(own, brand_id)
        return Said(f"{head} {said}", citations, entry_id=entry_of(own))
    shown = rivals[:4]
    citations = quoted(shown)
    listed = "; ".join(ctx.clause(p, getattr(p, side)) for p in shown)
    return Said(
        f"No. {ctx.dated(citations)}, " + lower_first(listed + "."),
        citations,
        entry_id=entry_of(shown),
    )


def quantified(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether both (each, all) or neither of several brands work with a partner, or have one."""
    words = set(part.words)
    # "Do A and B both not work with Y?" says neither, as "neither A nor B" does.
    neither = bool(words & _NEITHER) or bool(words & _BOTH and words & NEGATORS)
    if part.form is not Form.YES_NO or len(known) < 2 or not (neither or words & _BOTH):
        return None
    # "all" is the quantifier itself ("do A, B and C all have partners?"), read here.
    if not about_partnerships(part, residual - {"all"}):
        return None
    kinds = {b: ctx.base.brands[b].kind for b in known}
    groups = [b for b in known if kinds[b] is kinds[known[0]]]
    partners = [b for b in known if kinds[b] is not kinds[known[0]]]
    if len(partners) > 1:
        groups, partners = partners, groups
    if len(groups) < 2 or len(partners) > 1:
        return None  # "both" needs two brands of a kind, and at most one partner to share
    found: dict[str, list[Partnership]] = {}
    for brand in groups:
        own = ctx.of(brand)
        if partners:
            own = [p for p in own if p.other(brand) == partners[0]]
        found[brand] = own
    return _quantified_answer(ctx, part, found, partners[0] if partners else None, neither=neither)


def _quantified_answer(
    ctx: Context,
    part: Part,
    found: dict[str, list[Partnership]],
    partner: str | None,
    *,
    neither: bool,
) -> Said:
    """Yes, no or what the records show, for each brand of a both/neither question.

    In the present tense a brand counts when it has a current partnership; asked of the past
    ("did both work with…"), any partnership counts.
    """
    past = in_the_past(part)
    counts = {b: any(past or current(p) for p in own) for b, own in found.items()}
    shown = [p for own in found.values() for p in own]
    citations = quoted(shown)
    said = ""
    if shown:
        listed = "; ".join(clauses(ctx, own, b) for b, own in found.items() if own)
        said = f" {ctx.dated(citations)}, " + lower_first(listed + ".")
    with_partner = f" with {ctx.name(partner)}" if partner else ""
    lacking = [b for b, counted in counts.items() if not counted]
    kind = "" if past else "current "
    if neither:
        if len(lacking) < len(counts):
            return Said(f"No.{said}", citations, entry_id=entry_of(shown))
        names = series([ctx.name(b) for b in lacking], "or")
        text = f"Yes: the sources report no {kind}partnership of {names}{with_partner}.{said}"
        return Said(text, citations, entry_id=entry_of(shown))
    if lacking:
        names = series([ctx.name(b) for b in lacking], "or")
        text = f"No: the sources report no {kind}partnership of {names}{with_partner}.{said}"
        return Said(text, citations, entry_id=entry_of(shown))
    return Said(f"Yes.{said}", citations, entry_id=entry_of(shown))


# Words that ask which partnership ended ("no longer", "over", "split"), and which goes on.
_ENDED_ASKED = frozenset("ended end over split stopped quit finished dropped dumped".split())
_GOING_ASKED = frozenset({"still", "currently"})


def status_among(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Which of several brands named no longer has a partnership, or still has one."""
    if part.form is not Form.WH or part.wh not in ("which", "who", "whose") or len(known) < 2:
        return None
    if part.devices or part.countries or part.people or part.durations or part.years:
        return None
    if len({ctx.base.brands[b].kind for b in known}) != 1:
        return None  # "which of these ended: Huawei–Leica, OnePlus–Hasselblad?" names pairs
    words = part.words
    pairs = set(pairwise(words))
    ended = ("no", "longer") in pairs or bool(set(words) & _ENDED_ASKED)
    going = bool(set(words) & _GOING_ASKED)
    if ended == going or (set(words) & NEGATORS and ("no", "longer") not in pairs):
        return None
    allowed = RELATION | {"1", "end", "longer"} | ({"launch"} if "over" in words else set())
    if not residual - IGNORED <= allowed:
        return None
    chosen = [
        b
        for b in known
        if ctx.of(b)
        and (
            all(not current(p) for p in ctx.of(b)) if ended else any(current(p) for p in ctx.of(b))
        )
    ]
    if ended and any(
        ctx.of(b) and b not in chosen and not all(map(current, ctx.of(b))) for b in known
    ):
        return None  # a brand with an ended and a current partnership: neither plainly
    if ONLY_WORDS & set(words) and len(chosen) != 1:
        return None
    everything = [p for b in known for p in ctx.of(b)]
    if not everything:
        return None
    head = series([ctx.name(b) for b in chosen]) if chosen else "None of them"
    if multi_dated(ctx.base, everything):
        told = " ".join(ctx.told_clauses(ctx.of(b), b) for b in known if ctx.of(b))
    else:
        listed = "; ".join(ctx.clause(p, b) for b in known for p in ctx.of(b))
        told = f"{ctx.dated(quoted(everything))}, " + lower_first(listed + ".")
    return Said(
        f"{head}, as far as the sources say. {told}",
        quoted(everything),
        entry_id=entry_of(everything),
    )
