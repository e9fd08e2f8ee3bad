"""The moderators' worklists closed through the store: a gap added as another phrasing of a fact.

Each action changes the fact base only through `KnowledgeStore` (the same validation, history,
undo and redo as any edit) and records what it closed in the state backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.facts.text import fold
from bot.state.gaps import Dismissal, gap_line
from bot.store import Change, KnowledgeStore, StoreError, record_version


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
