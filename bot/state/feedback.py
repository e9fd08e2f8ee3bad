"""Readers' votes on answers (👍 or "wrong or outdated"), kept for moderators in STATE_DIR.

An append-only JSON-lines log under an exclusive lock, like the gaps log: several shard processes
may vote at once. One vote per person per answer (a Discord message): a later vote replaces the
earlier one, so people can change their mind; `summary` reads each voter's last vote only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.state import jsonl

log = logging.getLogger(__name__)

REASON_MAX = 200
QUESTION_MAX = 300
REASONS_KEPT = 5
FEEDBACK_FILE = "feedback.jsonl"


class Vote(StrEnum):
    """What a reader said about an answer."""

    HELPFUL = "helpful"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """One vote as stored."""

    answer_id: str  # the Discord message (or other place) the answer was given in
    voter_id: int
    vote: Vote
    fact_id: str
    question: str
    guild_id: int | None = None
    reason: str = ""
    at: str = ""

    def to_json(self) -> dict[str, object]:
        """The JSON line."""
        return {
            "answer_id": self.answer_id,
            "voter_id": self.voter_id,
            "vote": self.vote.value,
            "fact_id": self.fact_id,
            "question": self.question,
            "guild_id": self.guild_id,
            "reason": self.reason,
            "at": self.at,
        }


@dataclass(slots=True)
class FactFeedback:
    """What readers said about one fact: counts, and the newest reasons and questions."""

    fact_id: str
    wrong: int = 0
    helpful: int = 0
    reasons: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    last_at: str = ""
    # The servers it was reported from, as ids; 0 stands for a direct message.
    guilds: set[int] = field(default_factory=set)


def _clean(text: str, limit: int) -> str:
    """One line, unprintable characters as spaces, trimmed to `limit`."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(flat.split())[:limit]


class FeedbackLog:
    """Records votes; several processes may append to the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self,
        *,
        answer_id: str,
        voter_id: int,
        vote: Vote,
        fact_id: str,
        question: str,
        guild_id: int | None = None,
        reason: str = "",
    ) -> bool:
        """Store a vote; False when this voter's last vote on this answer was the same already."""
        record = new_vote(
            answer_id=answer_id,
            voter_id=voter_id,
            vote=vote,
            fact_id=fact_id,
            question=question,
            guild_id=guild_id,
            reason=reason,
        )
        # Read and append under one exclusive lock: two presses at once cannot both count.
        with jsonl.locked(self.path, "a+") as handle:
            handle.seek(0)
            previous = None
            for raw in handle:
                item = _parse(raw)
                if item and item.answer_id == record.answer_id and item.voter_id == voter_id:
                    previous = item
            if previous and previous.vote == vote and previous.reason == record.reason:
                return False
            handle.seek(0, 2)
            jsonl.append(handle, record.to_json())
            handle.flush()
        return True

    def records(self) -> list[VoteRecord]:
        """Every vote stored, oldest first; damaged lines are skipped."""
        if not self.path.is_file():
            return []
        with jsonl.locked(self.path, "r") as handle:
            return list(jsonl.good_lines(handle, self.path, _parse, log))

    def import_records(self, records: list[VoteRecord]) -> None:
        """Append votes as they were stored."""
        with jsonl.locked(self.path, "a") as handle:
            for record in records:
                jsonl.append(handle, record.to_json())

    def votes(self) -> list[VoteRecord]:
        """Each voter's last vote on each answer, oldest first."""
        return latest_votes(self.records())

    def summary(self, limit: int = 25) -> list[FactFeedback]:
        """Facts reported wrong, most reported first (then most recent), with their reasons."""
        return summarise(self.votes(), limit)


def latest_votes(records: list[VoteRecord]) -> list[VoteRecord]:
    """Each voter's last vote on each answer among `records` (oldest first)."""
    latest: dict[tuple[str, int], VoteRecord] = {}
    for item in records:
        key = (item.answer_id, item.voter_id)
        latest.pop(key, None)
        latest[key] = item
    return list(latest.values())


def new_vote(
    *,
    answer_id: str,
    voter_id: int,
    vote: Vote,
    fact_id: str,
    question: str,
    guild_id: int | None,
    reason: str,
) -> VoteRecord:
    """A vote made fit to store: texts trimmed to one line, the time now."""
    return VoteRecord(
        answer_id=str(answer_id),
        voter_id=voter_id,
        vote=Vote(vote),
        fact_id=fact_id,
        question=_clean(question, QUESTION_MAX),
        guild_id=guild_id,
        reason=_clean(reason, REASON_MAX),
        at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def summarise(votes: list[VoteRecord], limit: int) -> list[FactFeedback]:
    """Facts reported wrong among `votes`, most reported first (then most recent)."""
    facts: dict[str, FactFeedback] = {}
    for item in votes:
        entry = facts.setdefault(item.fact_id, FactFeedback(item.fact_id))
        if item.vote is Vote.HELPFUL:
            entry.helpful += 1
            continue
        entry.wrong += 1
        entry.guilds.add(item.guild_id or 0)
        entry.last_at = max(entry.last_at, item.at)
        if item.reason and item.reason not in entry.reasons:
            entry.reasons.insert(0, item.reason)
        if item.question and item.question not in entry.questions:
            entry.questions.insert(0, item.question)
    reported = [f for f in facts.values() if f.wrong]
    for entry in reported:
        del entry.reasons[REASONS_KEPT:]
        del entry.questions[REASONS_KEPT:]
    reported.sort(key=lambda f: f.last_at, reverse=True)
    reported.sort(key=lambda f: f.wrong, reverse=True)
    return reported[:limit]


def _parse(raw: str) -> VoteRecord | None:
    """A stored vote, or None when the line is damaged."""
    item = jsonl.json_object(raw)
    if item is None:
        return None
    try:
        guild = item.get("guild_id")
        return VoteRecord(
            answer_id=str(item["answer_id"]),
            voter_id=int(item["voter_id"]),
            vote=Vote(item["vote"]),
            fact_id=str(item["fact_id"]),
            question=str(item.get("question", "")),
            guild_id=int(guild) if guild is not None else None,
            reason=str(item.get("reason", "")),
            at=str(item.get("at", "")),
        )
    except (KeyError, ValueError, TypeError, OverflowError):  # 1e999 as an id
        return None


# Reports resolved, in the state backend's named values (files and PostgreSQL alike):
# {fact_id: {"at", "by", "votes": [[answer_id, voter_id, at], …]}}. The votes a resolution
# covered no longer count as reports (named one by one: a vote cast in the same second as the
# resolution still counts); a later "wrong" vote lists the fact again.
RESOLVED_KEY = "feedback.resolved"


def resolved_votes(stored: object) -> set[tuple[str, int, str]]:
    """The votes resolutions covered, from a stored value; damaged entries skipped."""
    found: set[tuple[str, int, str]] = set()
    for item in (stored if isinstance(stored, dict) else {}).values():
        votes = item.get("votes") if isinstance(item, dict) else None
        for vote in votes if isinstance(votes, list) else []:
            if isinstance(vote, list) and len(vote) == 3:
                answer_id, voter_id, at = vote
                if isinstance(answer_id, str) and isinstance(voter_id, int) and isinstance(at, str):
                    found.add((answer_id, voter_id, at))
    return found


def open_votes(votes: list[VoteRecord], resolved: set[tuple[str, int, str]]) -> list[VoteRecord]:
    """The votes no resolution covered."""
    return [vote for vote in votes if (vote.answer_id, vote.voter_id, vote.at) not in resolved]


def resolution(
    stored: object, fact_id: str, by: str, votes: list[VoteRecord]
) -> dict[str, dict[str, Any]]:
    """The stored value with `votes` on `fact_id` resolved now, by `by`."""
    kept: dict[str, dict[str, Any]] = {
        key: item
        for key, item in (stored if isinstance(stored, dict) else {}).items()
        if isinstance(key, str) and isinstance(item, dict)
    }
    before = kept.get(fact_id, {}).get("votes")
    covered = [*(before if isinstance(before, list) else [])]
    covered += [[v.answer_id, v.voter_id, v.at] for v in votes]
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    kept[fact_id] = {"at": at, "by": by, "votes": covered}
    return dict(sorted(kept.items()))
