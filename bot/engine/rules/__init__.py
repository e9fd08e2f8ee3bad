"""Rules over the partnership and brand records: `Reasoner(base).answer(part) -> Said | None`.

Layout (each module one job; nothing here imports discord):

- `reasoner.py`: `Reasoner`, the one entry: checks a part's unknown names, then tries the rules.
- `registry.py`: `RULES`, the ordered tuple of rules; the first to answer a part answers it.
- `said.py`: `Said` (what a rule says) and `Rule` (the shape of a rule).
- `context.py`: `Context` (brands, partnerships, dating helpers) and the words rules understand.
- `quotes.py`: `QuoteIndex`, the shortest source clause naming a brand or a device.
- rule families: `brands.py`, `lists.py`, `choices.py`, `devices.py`, `pairs.py`.

Invariants: a rule reads records through its `Context`, never the question's wording; it answers
only when every residual word of the part is one it understands, and returns None otherwise so
the next rule, and finally the fact matcher, may answer.

To add a rule:

1. Write it as a function `rule(ctx, part, known, residual) -> Said | None` (the `Rule`
   protocol) in the family module it belongs to, or in a new module for a new family (e.g.
   `order.py` for first/latest/before/after). Put words it understands in `context.py` beside
   the others, and helpers only it uses in its own module; a family imports `context`, `said`
   and at most other families' helpers (as `lists` uses `devices.phones_of`), never `registry`
   or `reasoner`.
2. Register it in `registry.RULES` at the place its questions must be caught: order decides
   answers, so say why there in a comment when it is not obvious.
3. Add its questions to tests/bot/engine/rules/ (asked of the fictional Norra fact base) and
   check the golden tests, the held-out sets and the public yardstick are unchanged.

The folder holds at most 12 modules: when families outgrow it, move them into a subpackage
(`rules/families/`) and import them from there in `registry.py`.
"""

from __future__ import annotations

from bot.engine.rules.reasoner import Reasoner
from bot.engine.rules.said import Said

__all__ = ["Reasoner", "Said"]
