"""The rules, in the order they are tried: the first that answers a part answers it.

Order decides answers (a person's question is never a brand's; an either/or is settled before a
pair's yes/no), so a new rule goes where its questions must be caught, not at the end by habit.
"""

from __future__ import annotations

from bot.engine.operators import Operator
from bot.engine.rules.brands import person, what_is, where_from
from bot.engine.rules.choices import either_or
from bot.engine.rules.devices import device, first_phone
from bot.engine.rules.lists import compare, listing, partners
from bot.engine.rules.pairs import pair
from bot.engine.rules.said import Rule

RULES: tuple[Rule, ...] = (
    person,
    what_is,
    compare,
    listing,
    either_or,
    where_from,
    device,
    first_phone,
    pair,
    partners,
)

_O = Operator
# The operators each rule understands (issue #17): a part holding any other operator is not given
# to the rule, so no rule answers "Yes" or "No" over a word it does not read. A rule not listed
# understands none.
HANDLES: dict[Rule, frozenset[Operator]] = {
    person: frozenset(),
    what_is: frozenset(),
    compare: frozenset({_O.COMPARE, _O.QUANTIFIER}),
    listing: frozenset({_O.ADDITIVE, _O.QUANTIFIER}),
    either_or: frozenset(),
    where_from: frozenset(),
    device: frozenset(),
    first_phone: frozenset({_O.FIRST_LATEST, _O.FUTURE}),
    pair: frozenset({_O.NEGATION, _O.COMPARE}),
    partners: frozenset({_O.ADDITIVE, _O.QUANTIFIER}),
}
