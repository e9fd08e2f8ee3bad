"""The rules, in the order they are tried: the first that answers a part answers it.

Order decides answers (a person's question is never a brand's; an either/or is settled before a
pair's yes/no), so a new rule goes where its questions must be caught, not at the end by habit.
"""

from __future__ import annotations

from bot.engine.rules import brands, choices, devices, lists, pairs
from bot.engine.rules.said import Rule

RULES: tuple[Rule, ...] = (
    brands.person,
    brands.what_is,
    lists.compare,
    lists.listing,
    choices.either_or,
    brands.where_from,
    devices.device,
    devices.first_phone,
    pairs.pair,
    lists.partners,
)
