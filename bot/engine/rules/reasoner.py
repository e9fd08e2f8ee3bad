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
from bot.engine.questions import COUNTRIES, COUNTRY_KEYS, Form, Part, asked_kind
from bot.engine.rules.context import IGNORED, Context
from bot.engine.rules.lists import partners
from bot.engine.rules.registry import HANDLES, READS_COUNTRIES, READS_FLAGS, READS_LIKE, RULES
from bot.engine.rules.said import Said
from bot.facts.models import Brand, BrandKind, Citation, FactBase, Partnership
from bot.facts.text import fold

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

    def miskinded(self, part: Part) -> bool:
        """Whether a yes/no part asks a brand to be another kind of maker than it is."""
        return _other_kind(self._context, part)

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
        if _other_kind(self._context, part):
            return None  # "Is Xiaomi a camera maker?": no rule reads what a brand is asked to be
        residual = part.residual - IGNORED
        held = part.operators
        # A negation the reader did not understand ("no longer"): no rule reads it.
        unread = Operator.NEGATION in held and not part.negated
        # A comparison is read only with a count to compare ("longer than four years").
        unread |= Operator.COMPARE in held and not (part.comparison and part.durations)
        for rule in RULES:
            if part.countries and rule not in READS_COUNTRIES and rule is not partners:
                continue
            if part.compares and rule not in READS_LIKE:
                continue
            said = rule(self._context, part, known, residual)
            if said is not None and part.countries and rule is partners:
                said = _country_premise(self._context, part, known, said)
            if said is None:
                continue
            # A subject pronoun that names nothing ("was that a leica phone?") is not read.
            understood = held <= HANDLES.get(rule, frozenset()) and not part.dangling
            if rule in READS_FLAGS and unread:
                understood = False
            if not said.answered or understood:
                return said
            # Issue #17: the rule does not read every operator of the part ("only", "before
            # July", "will"): it may say what the sources report, never Yes or No over it.
            return _reported(said, part)
        return None


_POLAR = re.compile(r"^(yes|no)[.:,]\s*", re.IGNORECASE)


def _reported(said: Said, part: Part) -> Said | None:
    """A rule's answer over a word it does not read: kept if it only reports, else None.

    An answer that would open with a yes or a no steps aside: the word may flip it. So does
    any answer to a wh-question: "who was the first to…?" is not answered by every partnership.
    """
    if part.wh is not None and part.form is not Form.YES_NO:
        return None
    if said.shaped or _POLAR.match(said.text) or said.text[:4].lower() in ("not ", "not,", "not."):
        return None  # a yes, a no, a choice or a correction: the word may change it
    return said


def _country_premise(ctx: Context, part: Part, known: tuple[str, ...], said: Said) -> Said | None:
    """A brand's partners asked by a country ("which Swedish company is Xiaomi working with?").

    The partners are said after the premise is corrected when none is from the country asked;
    anything else asked of a country (a yes or no, several brands) is not this rule's.
    """
    if part.wh is None or part.form is Form.YES_NO or len(known) != 1 or len(part.countries) != 1:
        return None
    asked = part.countries[0]
    for partnership in ctx.of(known[0]):
        other = {partnership.phone_maker, partnership.camera_maker} - {known[0]}
        countries = {COUNTRY_KEYS.get(fold(ctx.base.brands[b].country or "")) for b in other}
        if asked in countries:
            return said
    brand = ctx.base.brands[known[0]].name
    text = f"The sources report no {COUNTRIES[asked][0]} partner of {brand}. {said.text}"
    return Said(text, said.citations, entry_id=said.entry_id, about=said.about)


def _other_kind(ctx: Context, part: Part) -> bool:
    """Whether a yes/no part asks a brand to be another kind of maker than its record says."""
    if part.form is not Form.YES_NO:
        return False
    asked = asked_kind(part, lambda word: _brand_named(ctx, part, word))
    if asked is None:
        return False
    brand = ctx.base.brands.get(asked[0])
    kind = BrandKind.CAMERA_MAKER if asked[1] == "camera" else BrandKind.PHONE_MAKER
    return brand is None or brand.kind is not kind


def _brand_named(ctx: Context, part: Part, word: str) -> str | None:
    """The brand id a word of the part names, among the part's brands."""
    for brand_id in part.brands:
        brand = ctx.base.brands.get(brand_id)
        if brand is not None and word in {fold(name) for name in brand.names}:
            return brand_id
    return None
