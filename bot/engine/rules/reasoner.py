"""Answering from the partnership and brand records: yes/no, premises, lists, comparisons.

Every rule works on any brand and partnership: it reads the records, never a question's
wording. A rule answers only when every word the question asks with is one it understands
(the part's residual tokens); anything else is left to the fact matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.engine.lexicon.operators import Operator
from bot.engine.prose import series
from bot.engine.questions import Part
from bot.engine.rules.context import IGNORED, Context
from bot.engine.rules.registry import HANDLES, READS_FLAGS, RULES
from bot.engine.rules.said import Said
from bot.facts.models import Brand, Citation, FactBase, Partnership

__all__ = ["Reasoner", "Said"]


class Reasoner:
    """Rules over a fact base's partnerships and brands: the one entry to them."""

    def __init__(self, base: FactBase) -> None:
        self._context = Context(base)

    @property
    def base(self) -> FactBase:
        """The fact base the rules read."""
        return self._context.base

    def rebase(self, base: FactBase) -> None:
        """Serve an edited fact base (a moderator's change: facts, and perhaps sources)."""
        self._context.rebase(base)

    def of(self, brand_id: str) -> list[Partnership]:
        """A brand's partnerships, current ones first."""
        return self._context.of(brand_id)

    def mention(self, names: Iterable[str]) -> Citation | None:
        """The shortest clause of a source that names one of these names, as a quote."""
        return self._context.mention(names)

    def support(self, brand: Brand, country: str | None) -> Citation | None:
        """The shortest clause of a source that names the brand and its country, as a quote."""
        return self._context.support(brand, country)

    def answer(self, part: Part) -> Said | None:
        """What the records say to one part, or None to leave it to the fact matcher."""
        base = self._context.base
        known = tuple(b for b in part.brands if b in base.brands and b not in part.excluded)
        if part.unknown_brands:
            names = series([n.title() for n in part.unknown_brands], "or")
            return Said(f"The sources say nothing about {names}.", answered=False, about=known)
        if part.unresolved:
            return Said(f"The sources don't name {part.unresolved}.", answered=False, about=known)
        if part.unknown_devices:
            names = series(part.unknown_devices, "or")
            return Said(f"The sources say nothing about the {names}.", answered=False, about=known)
        residual = part.residual - IGNORED
        held = part.operators
        # A negation the reader did not understand ("no longer"): no rule reads it.
        unread = Operator.NEGATION in held and not part.negated
        # A comparison is read only with a count to compare ("longer than four years").
        unread |= Operator.COMPARE in held and not (part.comparison and part.durations)
        for rule in RULES:
            said = rule(self._context, part, known, residual)
            if said is None:
                continue
            understood = held <= HANDLES.get(rule, frozenset())
            if rule in READS_FLAGS and unread:
                understood = False
            if not said.answered or understood:
                return said
            # Issue #17: the rule does not read every operator of the part ("only", "before
            # July", "will"): it may say what the sources report, never Yes or No over it.
            return _reported(said)
        return None


_POLAR = re.compile(r"^(yes|no)[.:,]\s*", re.IGNORECASE)


def _reported(said: Said) -> Said | None:
    """A rule's answer over a word it does not read: kept if it only reports, else None.

    An answer that would open with a yes or a no steps aside: the word may flip it.
    """
    if said.shaped or _POLAR.match(said.text) or said.text[:4].lower() in ("not ", "not,", "not."):
        return None  # a yes, a no, a choice or a correction: the word may change it
    return said
