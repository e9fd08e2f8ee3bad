"""Negated questions about a pair, questions about the future, and relations no record holds.

"Is Vivo no longer working with Zeiss?" is the pair's status read the other way round; two
negations are left to the pair rule, which then says what the sources report without a yes or
no. "Will OnePlus partner with Leica?" is never predicted: the sources report what was as of
their date. "Did Xiaomi buy Leica?", "Does Leica make phones?": no record holds ownership or what
a camera maker makes beside cameras, so the rule says so.
"""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator, negations
from bot.engine.prose import lower_first
from bot.engine.questions import Form, Part
from bot.engine.rules.context import END, Context, capitalised
from bot.engine.rules.operators.common import (
    FIRST_PHONE_TOKENS,
    about_partnerships,
    clauses,
    current,
    entry_of,
    in_the_past,
    quoted,
)
from bot.engine.rules.said import Said


def _canon_years(part: Part) -> frozenset[str]:
    """The tokens of the years a part names ("in 2030"): a time, not what is asked."""
    return frozenset(str(year) for year in part.years)


def negated_pair(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether two brands do not (or no longer) work together: the pair's status, negated."""
    if part.form is not Form.YES_NO or len(known) != 2 or negations(part.words) != 1:
        return None
    if END in part.analysis.tokens or not about_partnerships(part, residual):
        return None
    first, second = known
    partnership = ctx.pair(first, second)
    if partnership is None:
        a, b = ctx.name(first), ctx.name(second)
        own = [p for brand in known for p in ctx.of(brand)]
        text = f"The sources report no {a}–{b} partnership."
        if own:
            listed = "; ".join(
                clauses(ctx, ctx.of(brand), brand) for brand in known if ctx.of(brand)
            )
            text += f" {ctx.dated(quoted(own))}, " + lower_first(listed + ".")
        return Said(text, quoted(own), entry_id=entry_of(own))
    citations = partnership.citations
    said = ctx.told([partnership], first)
    if current(partnership):
        head = "No."
    elif in_the_past(part) and not part.says({"longer", "anymore", "now", "still"}):
        head = "No: they did, until the partnership ended."  # "didn't Huawei work with Leica?"
    else:
        head = "Yes: the partnership has ended."
    return Said(f"{head} {said}", citations, entry_id=entry_of([partnership]))


def future(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """What brands will do: what the sources report as of their date, never a forecast."""
    tokens = set(part.analysis.tokens)
    if Operator.FUTURE not in part.operators or not 1 <= len(known) <= 2 or part.devices:
        return None
    if tokens & FIRST_PHONE_TOKENS or part.form is not Form.YES_NO:
        return None
    if not about_partnerships(part, residual - _canon_years(part), timed=True):
        return None  # "Will Leica help Xiaomi with optical design?": the facts may say
    names = " and ".join(ctx.name(b) for b in known)
    head = f"The sources don't say what {names} will do."
    partnership = ctx.pair(*known) if len(known) == 2 else None
    shown = [partnership] if partnership else [p for b in known for p in ctx.of(b)]
    if not shown or partnership is not None:
        # "Will Leica work with Huawei again?": a refusal, with what the sources do say.
        if partnership is not None:
            head += f" {capitalised(ctx.as_of(partnership.citations))}, " + lower_first(
                ctx.clause(partnership, known[0]) + "."
            )
        return Said(head, answered=False, about=known)
    citations = quoted(shown)
    said = f"{capitalised(ctx.as_of(citations))}, "
    if len(known) == 2:
        said += f"they report no {ctx.name(known[0])}–{ctx.name(known[1])} partnership; "
    listed = "; ".join(clauses(ctx, ctx.of(b), b) for b in known if ctx.of(b))
    return Said(f"{head} {said}{lower_first(listed)}.", citations, entry_id=entry_of(shown))


def relation(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Ownership and what a brand makes besides: no record holds such a relation."""
    del residual
    if not known or Operator.RELATION not in part.operators:
        return None
    names = " and ".join(ctx.name(b) for b in known)
    return Said(
        f"The sources don't say that about {names}: they report partnerships, not who owns or "
        "makes what.",
        answered=False,
        about=known,
    )


# The stems of the words that ask who said something, as a quote may write them.
_SPEECH = ("announc", "said", "say", "confirm", "claim", "state")


def said_by(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a brand said or announced something of a pair: the quote that says it, verbatim.

    Who is speaking is the quote's to say ("The company has announced…"): the answer gives the
    quote and no yes or no.
    """
    del residual
    if Operator.SPEAKER not in part.operators or part.form is not Form.YES_NO:
        return None
    if len(known) != 2 or part.devices or part.people:
        return None
    partnership = ctx.pair(*known)
    if partnership is None:
        return None
    spoken = [c for c in partnership.citations if any(s in c.quote.lower() for s in _SPEECH)]
    if not spoken:
        return None
    quote = spoken[0]
    text = f"{ctx.dated([quote])}, the source says: “{quote.quote}”"
    return Said(text, (quote,), entry_id=entry_of([partnership]), shaped=False)
