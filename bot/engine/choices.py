"""Facts for a moderator's fact-id autocomplete."""

from __future__ import annotations

import bisect

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.engine.matcher.matcher import Matcher
from bot.facts.models import Fact
from bot.facts.text import words


def fact_choices(
    facts: dict[str, Fact], ids: list[str], matcher: Matcher, text: str, limit: int = 25
) -> list[tuple[str, str]]:
    """Facts for a moderator's fact-id autocomplete: (id, question) pairs, best first.

    `ids` are the facts' ids in order. Ids that start with the text (its words joined by '-')
    come first, in id order; then the facts that hold the most of the text's words as the
    matcher reads them (typos and synonyms tolerated), the questions closest to the text first
    among equals. Every fact, in id order, when the text is empty.
    """
    key = "-".join(words(text))
    if not key:
        return [(fact_id, facts[fact_id].question) for fact_id in ids[:limit]]
    chosen: dict[str, str] = {}
    start = bisect.bisect_left(ids, key)
    # At most `limit` ids from there (a slice to the end copied 100,000 of them).
    for fact_id in ids[start : start + limit]:
        if not fact_id.startswith(key):
            break
        chosen[fact_id] = facts[fact_id].question
    if len(chosen) < limit:
        # Facts holding the most of the text's (typo-corrected, canonical) words, then
        # the closest questions among equals. Derived answers are not facts: room for some.
        typed = default_process(text)
        need = limit - len(chosen)
        held_facts = [
            (round(held, 6), fact)
            for entry, held in matcher.covering(text, 3 * limit)
            if (fact := facts.get(entry.id)) is not None and fact.id not in chosen
        ]
        if len(held_facts) > need:
            # The closeness of a question only orders equal weights: a fact weighing less
            # than `need` others cannot be shown, and its closeness is not worked out.
            least = min(held for held, _ in held_facts[:need])
            held_facts = [(held, fact) for held, fact in held_facts if held >= least]
        ranked = sorted(
            (-held, -fuzz.WRatio(typed, default_process(fact.question)), fact.id)
            for held, fact in held_facts
        )
        for _, _, fact_id in ranked[:need]:
            chosen[fact_id] = facts[fact_id].question
    return list(chosen.items())
