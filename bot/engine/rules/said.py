"""What a rule says, and the shape every rule has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.engine.questions import Part
from bot.engine.rules.context import Context
from bot.facts.models import Citation


@dataclass(frozen=True, slots=True)
class Said:
    """What the records say to one question: the text, its citations, or a refusal."""

    text: str
    citations: tuple[Citation, ...] = ()
    answered: bool = True
    entry_id: str | None = None
    # Known brands a refusal should show what the sources do say about.
    about: tuple[str, ...] = ()
    # Whether the answer's shape matters (a yes/no, a correction, a choice, a list): an answer
    # that merely states a record yields to a moderator's fact that answers the same question.
    shaped: bool = True


class Rule(Protocol):
    """A rule: what the records say to a part, or None to leave it to the next rule.

    `known` holds the part's brands the fact base knows (less those excluded); `residual` the
    words the part asks with that no rule ignores.
    """

    def __call__(
        self, ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str], /
    ) -> Said | None:
        """What the records say to the part, or None."""
        ...
