"""What the engine answers: answers with their citations, suggestions and brand look-ups."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
    # A message of several questions: each paragraph of `answer` as its own answer, in order,
    # with its own citations (a part the sources do not answer says so in its `reply`).
    parts: tuple[Answer, ...] = ()

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


ORDINALS = ("first", "second", "third", "fourth", "fifth")
_REPORTED = re.compile(r"^(?:(Yes|No)\. )?As reported on ([^,]+), ")


def composed(question: str, answers: Sequence[Answer], unread: int = 0) -> Answer:
    """One answer from the answers to a message's questions, each kept as a part.

    The text is the parts' paragraphs (a part without an answer is named as such); the
    citations are all parts' together; the fact and matched question are the first answered
    part's. When every answered part opens "As reported on <the same date>, " only the first
    says it.
    """
    given = [a for a in answers if a.answered and a.answer]
    parts = [
        a if a.answered and a.answer else _unanswered(a, _ordinal(number))
        for number, a in enumerate(once_dated(answers))
    ]
    if unread:
        more = "question" if unread == 1 else f"{unread} questions"
        note = f"I answer {len(answers)} questions at a time: ask the last {more} again."
        parts.append(Answer("", False, None, 0.0, reply=note, kind="chat"))
    dates = [a.reported_on for a in given if a.reported_on]
    return Answer(
        question=question,
        answered=True,
        answer="\n\n".join(p.answer or p.reply or "" for p in parts),
        score=min(a.score for a in given),
        fact_id=given[0].fact_id,
        matched_question=given[0].matched_question,
        reported_on=dates[0] if dates else None,
        citations=tuple(dict.fromkeys(c for a in given for c in a.citations)),
        parts=tuple(parts),
    )


def _ordinal(number: int) -> str:
    return ORDINALS[number] if number < len(ORDINALS) else f"number {number + 1}"


def _unanswered(answer: Answer, ordinal: str) -> Answer:
    """A part the sources do not answer, named by its place in the message."""
    text = f"The sources don't answer your {ordinal} question."
    return replace(answer, answered=False, answer=None, reply=text, kind="refusal")


def once_dated(answers: Sequence[Answer]) -> list[Answer]:
    """Answers whose texts all open "As reported on <one date>, ": the date kept on the first."""
    answered = [a for a in answers if a.answered and a.answer]
    found = [_REPORTED.match(a.answer or "") for a in answered]
    dates = {m.group(2) for m in found if m}
    if len(answered) < 2 or len(dates) != 1 or not all(found):
        return list(answers)
    shown: list[Answer] = []
    for answer in answers:
        match = _REPORTED.match(answer.answer or "") if answer.answered else None
        if match is None or not any(a.answered and a.answer for a in shown):
            shown.append(answer)
            continue
        rest = (answer.answer or "")[match.end() :]
        rest = rest[:1].upper() + rest[1:]
        polarity = f"{match.group(1)}. " if match.group(1) else ""
        shown.append(replace(answer, answer=polarity + rest))
    return shown


def day_label(date: dt.date | None) -> str | None:
    """A date as answers give it, e.g. 23 May 2022; None for no date."""
    return f"{date.day} {date:%B %Y}" if date else None


def with_date(text: str, date_label: str | None) -> str:
    """An answer that says when its source reported it ("No." or "Yes." stays first)."""
    if not date_label or _REPORTED.match(text):
        return text  # an answer dated clause by clause (several sources) keeps its own dates
    polarity, _, rest = text.partition(" ")
    if polarity in {"Yes.", "No.", "Yes,", "No,"} and rest:
        return f"{polarity[:-1]}. {with_date(rest, date_label)}"
    first, _, _rest = text.partition(" ")
    if first.lower().strip(",.") in _LOWER_FIRST:
        text = text[0].lower() + text[1:]
    return f"As reported on {date_label}, {text}"
