"""Stale facts reviewed as still true: who, when, and the newest source date they were read against.

Kept in the state backend's named values (files and PostgreSQL alike) under `REVIEWED_KEY`:
{fact_id: {"by", "at", "against": "YYYY-MM-DD", "question"}}. A review holds until a source
newer than `against` arrives about the fact's brands: then the fact is stale again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

REVIEWED_KEY = "stale.reviewed"


@dataclass(frozen=True, slots=True)
class Review:
    """A moderator's word that a stale fact still holds, against sources up to a date."""

    fact_id: str
    by: str
    at: str
    against: dt.date
    # The fact's question when reviewed, for the history of a fact removed since.
    question: str = ""

    def to_json(self) -> dict[str, str]:
        """The stored JSON object (without the fact id, its key)."""
        return {
            "by": self.by,
            "at": self.at,
            "against": self.against.isoformat(),
            "question": self.question,
        }


def reviews(stored: object) -> dict[str, Review]:
    """The reviews in a stored value; damaged entries are skipped."""
    found: dict[str, Review] = {}
    for key, item in (stored if isinstance(stored, dict) else {}).items():
        if not (isinstance(key, str) and isinstance(item, dict)):
            continue
        by, at, against = item.get("by"), item.get("at"), item.get("against")
        if not (isinstance(by, str) and isinstance(at, str) and isinstance(against, str)):
            continue
        try:
            date = dt.date.fromisoformat(against)
        except ValueError:
            continue
        question = item.get("question")
        found[key] = Review(key, by, at, date, question if isinstance(question, str) else "")
    return found


def reviewed_dates(stored: object) -> dict[str, dt.date]:
    """Each reviewed fact and the newest source date it was reviewed against."""
    return {fact_id: review.against for fact_id, review in reviews(stored).items()}


class _Values(Protocol):
    """The state backend's named values."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


def keep_review(values: _Values, made: Review) -> None:
    """Store a review with the others (call it holding the change lock: none is lost)."""
    kept = reviews(values.get(REVIEWED_KEY))
    kept[made.fact_id] = made
    values.put(REVIEWED_KEY, {key: kept[key].to_json() for key in sorted(kept)})
    log.info(
        "%s reviewed the fact %s as still true, against sources up to %s",
        made.by,
        made.fact_id,
        made.against,
    )
