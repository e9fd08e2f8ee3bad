"""The rules, in the order they are tried: the first that answers a part answers it.

Order decides answers (a person's question is never a brand's; an either/or is settled before a
pair's yes/no), so a new rule goes where its questions must be caught, not at the end by habit.
"""

from __future__ import annotations

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
