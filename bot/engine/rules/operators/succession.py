"""Who a brand partnered with after an ended partnership: "after Huawei, who did Leica go to?".

The answer needs two records, both quoted: the partnership asked about ended, and another of the
same brand is current (and, when both give a start, began later). With no such other, the sources
name no successor, and the answer says so without a guess.
"""

from __future__ import annotations

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
