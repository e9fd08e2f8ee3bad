"""What the operator rules share: where a brand is named in a part, tense, and quoted clauses."""

from __future__ import annotations

from collections.abc import Iterable

from bot.engine.questions import PAST, Part
from bot.engine.rules.context import IGNORED, RELATION, Context, brand_words, partnership_id
from bot.facts.models import Citation, Partnership, PartnershipStatus

# Tokens of a question about a partnership's first phone ("first", "phone", "launch", "due"):
# the timing rule answers those, the future rule leaves them to it.
FIRST_PHONE_TOKENS = frozenset({"1", "phon", "launch", "release", "expect", "due", "model"})
# Words that put a question in the past: "did", "was", "worked", "ever", "before".
_PAST_WORDS = frozenset("did was were had worked partnered collaborated teamed ever".split())


def position(ctx: Context, part: Part, brand_id: str) -> int:
    """Where a brand is first named in the part's words (past the end when it is not)."""
    names = brand_words(ctx.base.brands[brand_id])
    for index, word in enumerate(part.words):
        if word in names or word.removesuffix("s") in names:
            return index
    return len(part.words)


def in_the_past(part: Part) -> bool:
    """Whether the part asks about what was ("did…", "worked", "ever"), not what is."""
    return part.says(_PAST_WORDS | PAST) or part.words[:1] in (("has",), ("have",))


def current(partnership: Partnership) -> bool:
    """Whether a partnership had not ended as of its newest source."""
    return partnership.status is not PartnershipStatus.ENDED


def clauses(ctx: Context, partnerships: Iterable[Partnership], subject: str) -> str:
    """What each partnership is, from one brand's side, joined: "Leica works with Xiaomi; …"."""
    return "; ".join(ctx.clause(p, subject) for p in partnerships)


def quoted(partnerships: Iterable[Partnership]) -> tuple[Citation, ...]:
    """Every quote of these partnerships, once each."""
    return tuple(dict.fromkeys(c for p in partnerships for c in p.citations))


def entry_of(partnerships: list[Partnership]) -> str | None:
    """The entry an answer about these partnerships is filed under: the first one's."""
    return partnership_id(partnerships[0]) if partnerships else None


# Words a question about partnerships in general may hold beside the relation: "ever", "one".
_GENERAL = frozenset({"end", "ever", "one", "any", "company", "brand", "firm", "legacy"})


def about_partnerships(part: Part, residual: frozenset[str], *, timed: bool = False) -> bool:
    """Whether a part asks about partnerships and nothing else (no phone, date, country…)."""
    if part.devices or part.countries or part.people or part.durations:
        return False
    if (part.years or part.months) and not timed:
        return False  # `timed`: a time may stand beside ("will they work together in 2030?")
    if part.unknown_brands or part.unresolved:
        return False
    return residual - IGNORED <= RELATION | _GENERAL
