"""A partnership asked about "again": whether the records hold an earlier one of the same pair.

"Has Xiaomi teamed up with Leica again?" presumes that Xiaomi and Leica worked together before.
A "Yes" to it needs two partnerships of the pair in the records, the earlier one ended; one
partnership alone is "No: the sources report no earlier one", whatever its status.
"""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator
from bot.engine.prose import lower_first
from bot.engine.questions import Form, Part
from bot.engine.rules.context import Context
from bot.engine.rules.operators.common import about_partnerships, clauses, current, entry_of, quoted
from bot.engine.rules.said import Said


def again(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether two brands work together again: an earlier, ended partnership of theirs."""
    if Operator.REPEAT not in part.operators or Operator.FUTURE in part.operators:
        return None  # "will they work together again?" is the future rule's: no forecast
    if part.form is not Form.YES_NO or len(known) != 2 or part.negated:
        return None
    if not about_partnerships(part, residual):
        return None
    first, second = known
    a, b = ctx.name(first), ctx.name(second)
    pairs = [p for p in ctx.of(first) if p.other(first) == second]
    if not pairs:
        return Said(f"No: the sources report no {a}–{b} partnership.", about=known)
    said = f"{ctx.dated(quoted(pairs))}, " + lower_first(clauses(ctx, pairs, first) + ".")
    if len(pairs) > 1 and any(current(p) for p in pairs) and not all(current(p) for p in pairs):
        return Said(f"Yes. {said}", quoted(pairs), entry_id=entry_of(pairs))
    if len(pairs) > 1:
        return None  # several partnerships of one pair, not one after another's end
    return Said(
        f"No: the sources report no earlier {a}–{b} partnership. {said}",
        quoted(pairs),
        entry_id=entry_of(pairs),
    )
