"""A choice of one partner over another: "instead of", "rather than", "in place of", "replaced".

"Did Leica pick Xiaomi instead of Huawei?" claims two things: Leica works with Xiaomi, and not
(any more) with Huawei. Both are settled by records, each quoted: "Yes" only when the chosen
partnership is current and the other has ended; "No" when the chosen one is not reported or both
are current; otherwise what the sources report of each, without a yes or a no. Asked of now,
with no word of choosing ("is Vivo with Zeiss rather than Hasselblad?"), a current partnership
and no record of the other is a "Yes", and an ended one a "No".
"""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator
from bot.engine.prose import lower_first
from bot.engine.questions import Form, Part
from bot.engine.rules.context import Context, brand_words
from bot.engine.rules.operators.common import (
    about_partnerships,
    current,
    entry_of,
    in_the_past,
    quoted,
)
from bot.engine.rules.said import Said
from bot.engine.words import canonical

# The words that name the one set aside: the brand named first after one of them is dropped.
_MARKERS = frozenset("instead rather place replace replaced replaces replacing".split())
# Verbs of choosing a partner, which say no more than the relation does: "picked", "went with".
# Words that ask of a choice made, which a record of who works with whom does not show.
_CHOICE_VERBS = frozenset(
    """pick picked picks choose chose chosen chooses go went gone goes select selected switch
    switched move moved swap swapped prefer preferred replace replaced replaces replacing dump
    dumped drop dropped leave left ditch ditched""".split()
)
_PASSIVE = frozenset("was is were been be being got get".split())
_CHOOSING = frozenset(
    filter(
        None,
        (
            canonical(word) or word
            for word in """pick picked choose chose chosen go went gone select selected switch
            switched move moved swap swapped prefer preferred now instead rather place replace
            replaced of than""".split()
        ),
    )
)


def instead(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a brand works with one partner instead of another, from both records."""
    if Operator.INSTEAD not in part.operators or part.form not in (Form.YES_NO, Form.PLAIN):
        return None
    if len(known) != 3 or part.negated or not about_partnerships(part, residual - _CHOOSING):
        return None
    kinds = [ctx.base.brands[b].kind for b in known]
    odd = [b for b, k in zip(known, kinds, strict=True) if kinds.count(k) == 1]
    if len(odd) != 1:
        return None  # two partners of one kind and the brand they partner with, or not this rule
    anchor = odd[0]
    chosen, dropped = _roles(ctx, part, [b for b in known if b != anchor])
    if chosen is None or dropped is None:
        return None
    picked, other = ctx.pair(anchor, chosen), ctx.pair(anchor, dropped)
    a, c, d = ctx.name(anchor), ctx.name(chosen), ctx.name(dropped)
    shown = [p for p in (picked, other) if p is not None] or ctx.of(anchor)
    citations = quoted(shown)
    said = "; ".join(ctx.clause(p, anchor) for p in shown)
    if other is None:
        said += f"; the sources report no {a}–{d} partnership" if shown else ""
    reported = f"{ctx.dated(citations)}, {lower_first(said)}." if shown else ""
    entry = entry_of(shown)
    if picked is None:
        return Said(
            f"No: the sources report no {a}–{c} partnership. {reported}", citations, entry_id=entry
        )
    if other is not None and current(picked) and current(other):
        return Said(f"No: {a} works with both. {reported}", citations, entry_id=entry)
    if other is not None and current(picked) and not current(other):
        return Said(f"Yes. {reported}", citations, entry_id=entry)
    if _now(part) and current(picked) and other is None:
        # "Is Vivo with Zeiss rather than Hasselblad?" asks who the partner is now, not of a
        # choice: the records list every partnership the sources report.
        return Said(f"Yes. {reported}", citations, entry_id=entry)
    if _now(part) and not current(picked):
        return Said(f"No: that partnership has ended. {reported}", citations, entry_id=entry)
    # One not reported, or the chosen one ended: the records do not say one replaced the other.
    head = f"The sources don't say {a} chose {c} over {d}."
    return Said(f"{head} {reported}", citations, entry_id=entry, shaped=False)


def _now(part: Part) -> bool:
    """Whether the part asks who a brand's partner is now, not whether it chose one."""
    return not in_the_past(part) and not part.says(_CHOICE_VERBS)


def _roles(ctx: Context, part: Part, partners: list[str]) -> tuple[str | None, str | None]:
    """The partner chosen and the one set aside: the first named after "instead", "rather"….

    "Was Huawei replaced by Xiaomi?" turns it round: the one named after a passive "replaced"
    is the one chosen.
    """
    words = part.words
    at = next(
        (
            i
            for i, w in enumerate(words)
            if w in _MARKERS and (w != "place" or words[i - 1] == "in")
        ),
        None,
    )
    if at is None:
        return None, None
    passive = words[at].startswith("replac") and (
        words[at + 1 : at + 2] == ("by",) or (at > 0 and words[at - 1] in _PASSIVE)
    )
    for word in words[at + 1 :]:
        for brand in partners:
            names = brand_words(ctx.base.brands[brand])
            if word in names or word.removesuffix("s") in names:
                other = next(b for b in partners if b != brand)
                return (brand, other) if passive else (other, brand)
    return None, None
