"""The moderators' worklists closed: a gap added as a phrasing of a fact, a stale fact reviewed.

A phrasing changes the fact base only through `KnowledgeStore` (the same validation, history,
undo and redo as any edit); a review changes no file. Both record what they closed in the state
backend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.engine.timeline import StaleFact, stale_facts
from bot.facts.text import fold
from bot.state.atomic import LockTimeout
from bot.state.audit import clean_actor
from bot.state.backend import LockBusy, StateBackend, StateUnavailable
from bot.state.gaps import Dismissal, gap_line
from bot.state.reviews import REVIEWED_KEY, Review, keep_review, reviewed_dates, reviews
from bot.store import (
    Change,
    KnowledgeStore,
    StateDirError,
    StoreError,
    StoreLocked,
    record_version,
)


@dataclass(frozen=True, slots=True)
class PhrasingAdded:
    """A question added as a phrasing of a fact, and the gap it closed."""

    question: str
    change: Change
    # None when the gap could not be marked closed (the edit is made: the fact answers it now).
    dismissal: Dismissal | None


def phrasing_reason(fact_id: str) -> str:
    """The reason kept with a gap closed by a phrasing."""
    return f"added as a phrasing of {fact_id}"


def add_gap_phrasing(
    store: KnowledgeStore,
    question: str,
    fact_id: str,
    *,
    actor: str,
    base_version: str | None = None,
) -> PhrasingAdded:
    """Add an unanswered question to a fact's phrasings (an edit), then close the gap.

    Raises UnknownFact, StaleEdit, ChangeRejected (a phrasing too long, too many) or StoreError.
    """
    line = gap_line(question, user_id=None, where="", guild_id=None)
    if line is None:
        raise StoreError("a phrasing needs a question with words in it")
    current = store.fact_record(fact_id)
    phrasings = [str(p) for p in current.get("phrasings") or []]
    asked = {fold(str(current.get("question", ""))), *(fold(p) for p in phrasings)}
    if line.key in asked:
        raise StoreError(f"{fact_id} already has the phrasing {line.question!r}")
    change = store.edit_fact(
        fact_id,
        {"phrasings": [*phrasings, line.question]},
        base_version=base_version or record_version(current),
        actor=actor,
    )
    try:
        made: Dismissal | None = store.dismiss_gap(
            line.question, reason=phrasing_reason(fact_id), actor=actor
        )
    except (StoreError, OSError):
        # The fact answers the question now, so it leaves the list anyway; only the note waits.
        made = None
    return PhrasingAdded(line.question, change, made)


def stale_reviews(backend: StateBackend) -> dict[str, dt.date]:
    """Each reviewed fact and the newest source date it was reviewed against."""
    return reviewed_dates(backend.values.get(REVIEWED_KEY))


def fact_review(backend: StateBackend, fact_id: str) -> Review | None:
    """The last review of a fact as still true, if any."""
    return reviews(backend.values.get(REVIEWED_KEY)).get(fact_id)


def review_stale(
    store: KnowledgeStore, fact_id: str, *, actor: str, timeout: float = 10.0
) -> tuple[Review, StaleFact]:
    """Record that a stale fact still holds, against its newer sources as they are now.

    It leaves the stale list, and its answer the "Since then, …" note, until a source newer
    than those arrives. StoreError when the fact is not stale (or not there).
    """
    backend = store.backend
    listed = {item.fact_id: item for item in stale_facts(store.load(), stale_reviews(backend))}
    found = listed.get(fact_id)
    if found is None or found.newest is None:
        store.fact_record(fact_id)  # UnknownFact: "there is no fact …"
        raise StoreError(f"{fact_id} is not stale: no source about its brands is newer")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    made = Review(fact_id, clean_actor(actor), at, found.newest, found.question)
    try:
        with backend.change_lock(timeout):  # two reviews at once keep both
            keep_review(backend.values, made)
    except (LockTimeout, LockBusy) as error:
        raise StoreLocked(str(error)) from None
    except StateUnavailable as error:
        raise StoreError(f"{error}; nothing was recorded") from None
    except OSError as error:
        raise StateDirError(store.state_dir, error) from None
    return made, found
