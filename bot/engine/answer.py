"""What the engine answers: answers with their citations, suggestions and brand look-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.facts.models import Brand, Partnership

# Words that start a sentence but not a name, so "The first phone…" can follow "As reported…, ".
_LOWER_FIRST = frozenset(
    "the a an both its it their they this that these those with before after yes no reports".split()
)


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """A citation ready to show: the quote, and the source's id, title, date and url."""

    source_id: str
    title: str
    date: str
    quote: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question the user may have meant."""

    fact_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot says to a question: the text, its citations and how sure it is."""

    question: str
    answered: bool
    answer: str | None
    score: float
    fact_id: str | None = None
    matched_question: str | None = None
    reported_on: str | None = None
    citations: tuple[CitedQuote, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    # What the sources do say about the brands a refused question names.
    related: tuple[Suggestion, ...] = ()
    # What to say when there is no answer: a precise refusal, or the reply to small talk.
    reply: str | None = None
    # "answer", "refusal" or "chat" (small talk, which is not an unanswered question).
    kind: str = "answer"

    @property
    def is_gap(self) -> bool:
        """Whether this is a question the sources could not answer (for /kb gaps)."""
        return not self.answered and self.kind != "chat"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `camerabot ask --json`."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "kind": self.kind,
            "reply": self.reply,
            "score": self.score,
            "fact_id": self.fact_id,
            "citations": [
                {"source_id": c.source_id, "title": c.title, "date": c.date, "quote": c.quote}
                for c in self.citations
            ],
            "suggestions": [s.question for s in self.suggestions],
            "related": [{"fact_id": r.fact_id, "question": r.question} for r in self.related],
        }


@dataclass(frozen=True, slots=True)
class PartnershipView:
    """One partnership as seen from one of its brands."""

    partnership: Partnership
    partner: Brand
    citations: tuple[CitedQuote, ...]
    reported_on: str | None


@dataclass(frozen=True, slots=True)
class BrandLookup:
    """The brand a name was taken for, or the brands it might have meant."""

    query: str
    brand: Brand | None
    partnerships: tuple[PartnershipView, ...] = ()
    suggestions: tuple[Brand, ...] = field(default_factory=tuple)


def day_label(date: dt.date | None) -> str | None:
    """A date as answers give it, e.g. 23 May 2022; None for no date."""
    return f"{date.day} {date:%B %Y}" if date else None


def with_date(text: str, date_label: str | None) -> str:
    """An answer that says when its source reported it ("No." or "Yes." stays first)."""
    if not date_label:
        return text
    polarity, _, rest = text.partition(" ")
    if polarity in {"Yes.", "No.", "Yes,", "No,"} and rest:
        return f"{polarity[:-1]}. {with_date(rest, date_label)}"
    first, _, _rest = text.partition(" ")
    if first.lower().strip(",.") in _LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return f"As reported on {date_label}, {text}"
