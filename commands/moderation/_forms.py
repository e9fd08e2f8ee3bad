"""The fact form's data, without Discord: what a moderator typed, and the store fields from it.

A `FactDraft` holds the five inputs exactly as typed, so a refused or stale change can be offered
again pre-filled. `add_fields` and `edit_fields` turn a draft into `KnowledgeStore` fields; an
edit keeps what the form cannot show (other citations, brands the new text no longer names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.facts import limits
from bot.facts.models import Fact

# Discord's text inputs hold at most 4000 characters.
INPUT_MAX = 4000
# Each input's real limit, so Discord's counter shows it as people type: a question is an
# autocomplete choice (100), an answer and a quote fit an embed (3500, 900), a source id 63.
# Phrasings are one a line, each at most 200: only the whole input can be limited here.
FIELD_MAX = {
    "question": limits.CHOICE_MAX,
    "phrasings": limits.PHRASINGS_TEXT_MAX,
    "answer": limits.ANSWER_MAX,
    "source": 63,
    "quote": limits.QUOTE_MAX,
}


@dataclass(frozen=True, slots=True)
class FactDraft:
    """The fact form's five inputs as the moderator typed them."""

    question: str = ""
    phrasings: str = ""
    answer: str = ""
    source: str = ""
    quote: str = ""

    @property
    def text(self) -> str:
        """The text brands are recognised in: question, phrasings and answer (not the quote)."""
        return "\n".join(part for part in (self.question, self.phrasings, self.answer) if part)

    def phrasing_lines(self) -> list[str]:
        """The phrasings, one a line, blank lines dropped."""
        return [line.strip() for line in self.phrasings.splitlines() if line.strip()]

    def fits(self) -> bool:
        """Whether every input fits a Discord text input (so the form can show it whole)."""
        return all(
            len(value) <= limit
            for value, limit in zip(self.values(), FIELD_MAX.values(), strict=True)
        )

    def values(self) -> tuple[str, ...]:
        """The inputs in form order."""
        return (self.question, self.phrasings, self.answer, self.source, self.quote)


@dataclass(frozen=True, slots=True)
class EditTarget:
    """The fact an edit started from: its id, the record as read and that record's version.

    A `served` target is the fact as the bot serves it (read without waiting on any lock, so the
    form opens at once even during a reload): it has no version yet. Saving reads the stored
    record and goes on only if it is this same fact (`same_fact`); otherwise the edit is stale.
    """

    fact_id: str
    version: str
    record: Mapping[str, Any] = field(default_factory=dict)
    served: bool = False
    # Opened from a /kb feedback report: saving a change resolves the fact's reports.
    report: bool = False

    @property
    def citations(self) -> list[dict[str, Any]]:
        """The record's citations (plain mappings)."""
        citations = self.record.get("citations")
        return [dict(c) for c in citations if isinstance(c, Mapping)] if citations else []

    @property
    def brands(self) -> list[str]:
        """The record's brands."""
        brands = self.record.get("brands")
        return [str(b) for b in brands] if isinstance(brands, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def draft_from_record(record: Mapping[str, Any]) -> FactDraft:
    """The form pre-filled from a stored fact: its first citation in source and quote."""
    phrasings = record.get("phrasings")
    lines = [str(p) for p in phrasings] if isinstance(phrasings, list) else []
    citations = EditTarget("", "", record).citations
    first = citations[0] if citations else {}
    return FactDraft(
        question=_text(record.get("question")),
        phrasings="\n".join(lines),
        answer=_text(record.get("answer")),
        source=_text(first.get("source")),
        quote=_text(first.get("quote")),
    )


def record_of_fact(fact: Fact) -> dict[str, Any]:
    """A served fact as a record (what the loader built it from, trimmed)."""
    record: dict[str, Any] = {"id": fact.id, "question": fact.question}
    if fact.phrasings:
        record["phrasings"] = list(fact.phrasings)
    record["answer"] = fact.answer
    if fact.brands:
        record["brands"] = list(fact.brands)
    record["citations"] = [{"source": c.source_id, "quote": c.quote} for c in fact.citations]
    return record


def _trimmed(value: object) -> object:
    """A record as the loader reads it: texts stripped, empty optional fields left out."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return {
            str(key): _trimmed(item)
            for key, item in value.items()
            if item is not None and item != [] and item != ""
        }
    if isinstance(value, list | tuple):
        return [_trimmed(item) for item in value]
    return value


def same_fact(record: Mapping[str, Any], served: Mapping[str, Any]) -> bool:
    """Whether a stored record is the fact a served target shows (not changed since)."""
    return _trimmed(record) == _trimmed(served)


def unique(items: Iterable[str]) -> list[str]:
    """Items in order, each once."""
    return list(dict.fromkeys(items))


def add_fields(draft: FactDraft, brands: Sequence[str], default_source: str) -> dict[str, Any]:
    """The store fields of a new fact; an empty source is the default (newest) one."""
    return {
        "question": draft.question,
        "phrasings": draft.phrasings,
        "answer": draft.answer,
        "source": draft.source.strip() or default_source,
        "quote": draft.quote,
        "brands": unique(brands),
    }


def edit_brands(
    target: EditTarget, old_named: Sequence[str], new_named: Sequence[str]
) -> list[str]:
    """An edit's brands: the fact's own, plus those the edited text names and the old did not.

    Brands are curated (a fact may be about a brand it does not name), so an edit never drops one;
    a brand is removed by editing the file.
    """
    added = [brand for brand in new_named if brand not in old_named]
    return unique([*target.brands, *added])


def edit_fields(draft: FactDraft, target: EditTarget, brands: Sequence[str]) -> dict[str, Any]:
    """The store fields of an edit: the form's fields, the first citation replaced, others kept."""
    citations = target.citations
    source = draft.source.strip() or (citations[0].get("source", "") if citations else "")
    first = {"source": source, "quote": draft.quote}
    if (
        citations
        and citations[0].get("source") == source
        and citations[0].get("quote") == (draft.quote)
    ):
        first = citations[0]
    return {
        "question": draft.question,
        "phrasings": draft.phrasings,
        "answer": draft.answer,
        "citations": [first, *citations[1:]],
        "brands": unique(brands),
    }
