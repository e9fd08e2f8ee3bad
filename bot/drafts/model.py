"""A draft: one change a new article calls for, with its sentence from the article as the quote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.errors import CamerabotError
from bot.facts.limits import QUOTE_MAX
from bot.facts.text import quote_key
from bot.facts.validation import quote_in

# A change's value: a text (a scalar field's new value) or texts (items to add to a list field).
ChangeValue = str | tuple[str, ...]


class DraftQuoteError(CamerabotError, ValueError):
    """A draft's quote is not word for word in its source (a bug: drafts quote their source)."""


class DraftKind(StrEnum):
    """What applying a draft does to the fact base."""

    ADD_BRAND = "add_brand"
    EDIT_BRAND = "edit_brand"
    ADD_PARTNERSHIP = "add_partnership"
    EDIT_PARTNERSHIP = "edit_partnership"
    ADD_FACT = "add_fact"

    @property
    def record_kind(self) -> str:
        """The kind of record the draft adds or edits: brand, partnership or fact."""
        return self.value.split("_", 1)[1]


@dataclass(frozen=True, slots=True)
class NewSource:
    """An article not yet in the fact base: its id, date, title and full text."""

    id: str
    date: dt.date
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """One proposed change: the record it adds or edits, the fields it sets, and its quote.

    `changes` maps a field to its new value (a text) or to the items to add to it (a tuple);
    `before` holds the edited fields' current values. Applying a draft also cites its quote
    from `source` on the record. The quote is checked against the source when the draft is
    made: a draft whose quote is not in its source cannot exist.
    """

    kind: DraftKind
    record: str
    changes: Mapping[str, ChangeValue]
    quote: str
    source: NewSource = field(repr=False)
    before: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.quote.strip() or len(self.quote) > QUOTE_MAX:
            raise DraftQuoteError(f"draft for {self.record}: a quote of {len(self.quote)} chars")
        if not quote_in(quote_key(self.quote), quote_key(self.source.text)):
            raise DraftQuoteError(
                f"draft for {self.record}: the quote is not in {self.source.id}: {self.quote!r}"
            )

    def atoms(self) -> set[tuple[str, str, str, str]]:
        """The draft's claims one by one: (record kind, record, field, value); facts make none."""
        if self.kind is DraftKind.ADD_FACT:
            return set()
        kind = self.kind.record_kind
        found = set()
        for name, value in self.changes.items():
            for item in (value,) if isinstance(value, str) else value:
                found.add((kind, self.record, name, item))
        return found

    def to_json(self) -> dict[str, Any]:
        """One JSON object: kind, record, changes, before, quote and source."""
        return {
            "kind": self.kind.value,
            "record": self.record,
            "changes": {k: v if isinstance(v, str) else list(v) for k, v in self.changes.items()},
            "before": dict(self.before),
            "quote": self.quote,
            "source": self.source.id,
        }
