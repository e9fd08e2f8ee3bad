"""The rules, in the order they are tried: the first that answers a part answers it.

Order decides answers (a person's question is never a brand's; an either/or is settled before a
pair's yes/no), so a new rule goes where its questions must be caught, not at the end by habit.
"""

from __future__ import annotations

from bot.engine.lexicon.operators import Operator
from bot.engine.rules.brands import kind_of, person, what_is, where_from
from bot.engine.rules.choices import either_or, status_or
from bot.engine.rules.devices import device, first_named, first_phone
from bot.engine.rules.lists import compare, listing, partners
from bot.engine.rules.operators import (
    again,
    countries_all,
    due_by,
    future,
    instead,
    negated_pair,
    only,
    partner_of_partner,
    phones_aside,
    phones_success,
    quantified,
    ranked,
    relation,
    relative_year,
    said_by,
    scope,
    status_among,
    status_in_year,
    succession,
    term_choice,
)
from bot.engine.rules.pairs import pair
from bot.engine.rules.said import Rule

RULES: tuple[Rule, ...] = (
    # The operator rules first: a question holding "only", "both", "not", "will", "before July"
    # or "bought" is theirs before any rule that would read it without that word.
    relation,
    instead,
    phones_aside,
    phones_success,
    scope,
    ranked,
    status_among,
    countries_all,
    term_choice,
    only,
    quantified,
    negated_pair,
    due_by,
    relative_year,
    status_in_year,
    again,
    future,
    said_by,
    partner_of_partner,
    succession,
    status_or,
    person,
    kind_of,
    what_is,
    compare,
    listing,
    either_or,
    where_from,
    first_named,
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
    relation: frozenset({_O.RELATION}),
    instead: frozenset({_O.INSTEAD}),
    countries_all: frozenset({_O.QUANTIFIER}),
    term_choice: frozenset({_O.COMPARE}),  # "or a longer term arrangement?"
    only: frozenset({_O.ONLY}),
    phones_aside: frozenset({_O.ONLY, _O.ADDITIVE}),
    phones_success: frozenset({_O.ONLY, _O.ADDITIVE, _O.QUANTIFIER}),
    scope: frozenset({_O.QUANTIFIER, _O.ONLY}),
    ranked: frozenset({_O.FIRST_LATEST}),
    # "…the only one that's over?": "over" the state, read as the comparison word it looks like.
    status_among: frozenset({_O.NEGATION, _O.ONLY, _O.COMPARE}),
    quantified: frozenset({_O.QUANTIFIER, _O.NEGATION}),
    negated_pair: frozenset({_O.NEGATION}),
    due_by: frozenset({_O.TIME, _O.FUTURE, _O.FIRST_LATEST}),
    relative_year: frozenset({_O.TIME, _O.FUTURE, _O.FIRST_LATEST, _O.SPEAKER}),
    status_in_year: frozenset(),
    again: frozenset({_O.REPEAT}),
    future: frozenset({_O.FUTURE, _O.ADDITIVE, _O.TIME, _O.REPEAT}),
    said_by: frozenset({_O.SPEAKER}),
    partner_of_partner: frozenset(),
    succession: frozenset({_O.TIME, _O.INSTEAD, _O.FUTURE}),
    # "still with Zeiss or did that end too?": "too" adds nothing, "or is it over" compares nothing.
    status_or: frozenset({_O.ADDITIVE, _O.COMPARE}),
    person: frozenset(),
    kind_of: frozenset(),
    what_is: frozenset(),
    compare: frozenset({_O.COMPARE, _O.QUANTIFIER}),
    listing: frozenset({_O.ADDITIVE, _O.QUANTIFIER}),
    either_or: frozenset({_O.FIRST_LATEST, _O.TIME}),  # a time only as "before or after"
    where_from: frozenset({_O.NEGATION}),
    first_named: frozenset({_O.FIRST_LATEST, _O.FUTURE}),
    device: frozenset({_O.FUTURE, _O.QUANTIFIER, _O.FIRST_LATEST, _O.SPEAKER}),
    first_phone: frozenset({_O.FIRST_LATEST, _O.FUTURE}),
    pair: frozenset({_O.NEGATION, _O.COMPARE}),
    partners: frozenset({_O.ADDITIVE, _O.QUANTIFIER}),
}
# Rules that read a negation or a comparison only as the reader flags it (`part.negated`,
# `part.comparison`): one the reader did not flag ("no longer") is not theirs to answer.
READS_FLAGS: frozenset[Rule] = frozenset(
    {
        person,
        kind_of,
        what_is,
        compare,
        listing,
        either_or,
        where_from,
        first_named,
        device,
        first_phone,
        pair,
        partners,
    }
)
# Rules that read the countries a part names ("is Leica German?", "German or Swedish?"). Any
# other rule steps aside from a part naming a place: "will it launch in India?" asks of a market
# the records say nothing of, and a launch month does not answer it.
READS_COUNTRIES: frozenset[Rule] = frozenset(
    {where_from, either_or, what_is, person, countries_all}
)
# Rules that read a brand compared with "like" ("is Hasselblad German like Leica?"). Any other
# steps aside: "is Xiaomi a phone maker like OnePlus?" asks of no Xiaomi–OnePlus pair, and "is
# it multi-year like OnePlus?" of no OnePlus deal.
READS_LIKE: frozenset[Rule] = frozenset({where_from})
