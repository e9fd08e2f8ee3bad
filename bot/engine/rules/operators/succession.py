"""Who a brand partnered with after an ended partnership: "after Huawei, who did Leica go to?".

The answer needs two records, both quoted: the partnership asked about ended, and another of the
same brand is current (and, when both give a start, began later). With no such other, the sources
name no successor, and the answer says so without a guess.
"""

from __future__ import annotations

from itertools import pairwise

from bot.engine.prose import lower_first, lowered, series
from bot.engine.questions import Form, Part
from bot.engine.rules.context import Context, brand_words
from bot.engine.rules.operators.common import about_partnerships, current, entry_of, quoted
from bot.engine.rules.said import Said
from bot.engine.words import canonical
from bot.facts.models import Partnership, PartnershipStatus

# The words after which the earlier partner is named: "after Huawei", "replaced Huawei".
_MARKERS = frozenset("after replaced replace succeeded".split())
# Words that say no more than "partnered with" in such a question: "go to", "turn to", "move on".
_MOVING = frozenset(
    filter(
        None,
        (
            canonical(word) or word
            for word in """go went gone turn turned move moved switch switched pick picked choose
            chose after replace replaced succeeded place now next new""".split()
        ),
    )
)


def succession(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """The partner a brand took after (or in place of) an ended partnership, from the records."""
    # The reader sets "after Huawei" aside as it does "before Xiaomi": here it is the question.
    known = tuple(dict.fromkeys(b for b in (*known, *part.excluded) if b in ctx.base.brands))
    # Not "what": "what happened after Huawei and Leica split?" asks of events, not a partner.
    if part.form is not Form.WH or part.wh not in ("who", "which") or len(known) != 2:
        return None
    if part.months or part.years or part.negated:
        return None
    if not about_partnerships(part, residual - _MOVING):
        return None
    at = next((i for i, w in enumerate(part.words) if w in _MARKERS), None)
    if at is None:
        return None
    earlier = next(
        (b for w in part.words[at + 1 :] for b in known if _names(ctx, b, w)),
        None,
    )
    if earlier is None:
        return None
    anchor = next(b for b in known if b != earlier)
    ended = ctx.pair(anchor, earlier)
    if ended is None:
        return None  # no partnership to follow: the pair rule says so
    if ended.status is not PartnershipStatus.ENDED:
        # "Who did OnePlus go with after Hasselblad?" presumes an end the sources do not report.
        a, e = ctx.name(anchor), ctx.name(earlier)
        return Said(
            f"Actually, the sources do not report that {a} and {e} stopped working together: "
            f"{lowered(ctx.dated(ended.citations))}, {lower_first(ctx.clause(ended, anchor))}.",
            ended.citations,
            entry_id=entry_of([ended]),
        )
    later = [p for p in ctx.of(anchor) if p is not ended and current(p) and _after(p, ended)]
    a, e = ctx.name(anchor), ctx.name(earlier)
    if not later:
        return Said(
            f"The sources name no partner of {a} after {e}. "
            f"{ctx.dated(ended.citations)}, {lower_first(ctx.clause(ended, anchor))}.",
            answered=False,
            about=(anchor, earlier),
        )
    shown = [ended, *later]
    citations = quoted(shown)
    names = series([ctx.name(p.other(anchor)) for p in later])
    said = "; ".join(ctx.clause(p, anchor) for p in shown)
    return Said(
        f"{names}. {ctx.dated(citations)}, {lower_first(said)}.",
        citations,
        entry_id=entry_of(later),
    )


def _after(partnership: Partnership, ended: Partnership) -> bool:
    """Whether a partnership began after an ended one, as far as their starts say."""
    if partnership.since is None or ended.since is None:
        return True  # current after ended, with no start to say otherwise
    later, earlier = partnership.since, ended.since
    return (later.year, later.month or 0) > (earlier.year, earlier.month or 0) or (
        later.year == earlier.year and None in (later.month, earlier.month)
    )


def _names(ctx: Context, brand_id: str, word: str) -> bool:
    names = brand_words(ctx.base.brands[brand_id])
    return word in names or word.removesuffix("s") in names


# "whose partner used to work with Huawei": the earlier tie, as people say it.
_FORMERLY = frozenset({("used", "to"), ("had", "worked"), ("once", "worked")})
_FORMER_WORDS = frozenset({"formerly", "previously", "earlier", "once"})


def partner_of_partner(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Which of several brands has a partner that used to work with another brand (two steps).

    "Out of OnePlus, Vivo and Xiaomi, whose camera partner used to work with Huawei?": each
    option's current partner, then that partner's ended partnership with the brand named, both
    records quoted; none is said as such.
    """
    words = part.words
    if part.form is not Form.WH or part.wh not in ("whose", "which") or "with" not in words:
        return None
    pairs = set(pairwise(words))
    if not (pairs & _FORMERLY or set(words) & _FORMER_WORDS) or "partner" not in residual:
        return None
    if part.devices or part.countries or part.people or part.years or part.negated:
        return None
    at = len(words) - 1 - words[::-1].index("with")
    named = [
        b
        for b in known
        if words[at + 1 : at + 2] and words[at + 1] in brand_words(ctx.base.brands[b])
    ]
    if len(named) != 1 or len(known) < 3:
        return None
    former = named[0]
    options = [b for b in known if b != former]
    kind = ctx.base.brands[former].kind
    if any(ctx.base.brands[b].kind is not kind for b in options):
        return None
    if not residual <= frozenset({"camera", "partner", "work", "launch", "phon", "maker"}):
        return None  # "used" reads as a launch word: nothing else may stand beside
    found: list[tuple[str, Partnership, Partnership]] = []
    for option in options:
        for own in ctx.of(option):
            tie = ctx.pair(own.other(option), former)
            if current(own) and tie is not None and tie.status is PartnershipStatus.ENDED:
                found.append((option, own, tie))
    shown = [p for _, own, tie in found for p in (own, tie)] or [
        p for b in options for p in ctx.of(b)
    ]
    if not shown:
        return None
    told = " ".join(
        ctx.told_clauses([p], p.phone_maker if p.phone_maker != former else p.camera_maker)
        for p in dict.fromkeys(shown)
    )
    if not found:
        return Said(f"None of them, as far as the sources say. {told}", quoted(shown))
    head = series([ctx.name(option) for option, _, _ in found])
    return Said(f"{head}. {told}", quoted(shown), entry_id=entry_of(shown))
