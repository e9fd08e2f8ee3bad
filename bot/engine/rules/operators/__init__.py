"""Rules for operator words (`bot.engine.lexicon.operators`): only, both/neither, not, before, will.

Each rule answers a part only when it reads every operator the part holds (the registry's
`HANDLES` says which), and opens with "Yes" or "No" only when the records' quotes establish the
whole proposition; otherwise it says what the sources report, or steps aside.
"""

from __future__ import annotations

from bot.engine.rules.operators.closed_world import only, quantified, status_among
from bot.engine.rules.operators.countries import countries_all
from bot.engine.rules.operators.instead import instead
from bot.engine.rules.operators.phones import phones_aside, phones_success
from bot.engine.rules.operators.polarity import future, negated_pair, relation, said_by
from bot.engine.rules.operators.ranking import ranked
from bot.engine.rules.operators.repeat import again
from bot.engine.rules.operators.scope import scope, term_choice
from bot.engine.rules.operators.succession import partner_of_partner, succession
from bot.engine.rules.operators.timing import due_by, relative_year, status_in_year

__all__ = [
    "again",
    "countries_all",
    "due_by",
    "future",
    "instead",
    "negated_pair",
    "only",
    "partner_of_partner",
    "phones_aside",
    "phones_success",
    "quantified",
    "ranked",
    "relation",
    "relative_year",
    "said_by",
    "scope",
    "status_among",
    "status_in_year",
    "succession",
    "term_choice",
]
