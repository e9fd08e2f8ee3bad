"""The registry: the rules are tried in the order that decides answers."""

from __future__ import annotations

from bot.engine.rules.registry import RULES


def test_rules_are_tried_in_their_dispatch_order() -> None:
    names = [rule.__name__ for rule in RULES]
    assert names == [
        "relation",
        "instead",
        "phones_aside",
        "phones_success",
        "scope",
        "ranked",
        "status_among",
        "countries_all",
        "term_choice",
        "only",
        "quantified",
        "negated_pair",
        "due_by",
        "relative_year",
        "status_in_year",
        "again",
        "future",
        "said_by",
        "partner_of_partner",
        "succession",
        "status_or",
        "person",
        "kind_of",
        "what_is",
        "compare",
        "listing",
        "either_or",
        "where_from",
        "first_named",
        "device",
        "first_phone",
        "pair",
        "partners",
    ]
