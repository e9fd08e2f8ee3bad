"""Reviewing a stored source's drafts: numbered once, accepted through the store, or rejected.

`DraftReview(store).drafts(source_id)` proposes the drafts of a source already in the fact
base and keeps them, numbered, with the fingerprint of the knowledge files they were made from
(in the state backend's values, so the command line and the bot share them). `accept` applies
drafts by number through `KnowledgeStore.records` and `add_fact` (the one write path: checks,
history, undo and redo, version checks), each citing its quote; `reject` records a reason, and a
rejected draft is not proposed again. Accept and reject are refused when the knowledge files
changed since the drafts were numbered, other than by this review's own accepts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.drafts import NewSource, propose_drafts
from bot.facts.text import fold
from bot.state.audit import Kind
from bot.store import KnowledgeStore, StoreError
from bot.store.events import Change

# The value key a source's review is kept under.
_KEY = "drafts:{}"
# Fields a draft's change adds items to (an edit's value is a comma-separated list).
LIST_FIELDS = frozenset({"devices", "reported_devices", "brands", "phrasings", "aliases"})
# Fields a draft may set that today's knowledge files have no place for.
UNKEPT = frozenset({"first_phone"})
OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"


class ReviewError(StoreError):
    """A review cannot go on (no such draft, the base changed since, nothing proposed)."""


@dataclass(frozen=True, slots=True)
class Numbered:
    """A draft of a review: its number, the draft as JSON, where it stands, and why."""

    number: int
    draft: dict[str, Any]
    state: str = OPEN
    note: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """A source's drafts as numbered, and the fingerprint of the base they apply to."""

    source: str
    title: str
    date: str
    base: str
    items: tuple[Numbered, ...]

    def item(self, number: int) -> Numbered:
        """The draft numbered `number`; ReviewError if there is none."""
        if not 1 <= number <= len(self.items):
            raise ReviewError(
                f"there is no draft {number} of {self.source} (drafts 1 to {len(self.items)})"
            )
        return self.items[number - 1]

    @property
    def open(self) -> list[Numbered]:
        """The drafts neither accepted nor rejected."""
        return [item for item in self.items if item.state == OPEN]


@dataclass(frozen=True, slots=True)
class Applied:
    """What accepting one draft did: the changes made and what could not be kept."""

    number: int
    kind: str
    changes: tuple[Change, ...]
    unkept: tuple[str, ...] = ()


def draft_key(draft: Mapping[str, Any]) -> str:
    """A draft's identity across proposals: what it changes and its quote."""
    parts = [draft["kind"], draft["record"], draft["changes"], draft["quote"]]
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def parse_edits(pairs: Iterable[str]) -> dict[str, str]:
    """`key=value` texts as a mapping; ReviewError on one without '='."""
    edits: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ReviewError(f"an edit is key=value, not {pair!r}")
        edits[key.strip()] = value.strip()
    return edits


def edited(draft: Mapping[str, Any], edits: Mapping[str, str]) -> dict[str, Any]:
    """The draft's changes with a moderator's edits: a list field comma-separated, '' drops."""
    changes = dict(draft["changes"])
    for key, value in edits.items():
        if key in ("id", "citations"):
            raise ReviewError(f"a draft's {key} cannot be edited")
        if not value:
            changes.pop(key, None)
        elif key in LIST_FIELDS:
            changes[key] = [item.strip() for item in value.split(",") if item.strip()]
        else:
            changes[key] = value
    return changes


class DraftReview:
    """The drafts of stored sources, kept between `drafts` and `accept` (see the module doc)."""

    def __init__(self, store: KnowledgeStore) -> None:
        self._store = store
        self._values = store.backend.values

    def fingerprint(self) -> str:
        """The knowledge files' fingerprint: it changes with any record, fact or source."""
        return hashlib.sha256(self._store.export_archive()).hexdigest()[:16]

    def drafts(self, source_id: str) -> Review:
        """The source's drafts: as numbered before if the base is unchanged, else anew."""
        record = self._store.records.record(Kind.SOURCE, source_id)  # UnknownRecord if none
        stored = self._values.get(_KEY.format(source_id))
        now = self.fingerprint()
        if isinstance(stored, dict) and stored.get("base") == now:
            return _review(stored)
        text = self._store.records.source_text(source_id)
        source = NewSource(
            source_id, dt.date.fromisoformat(str(record["date"])), str(record["title"]), text
        )
        done = stored.get("done", {}) if isinstance(stored, dict) else {}
        proposed = [d.to_json() for d in propose_drafts(source, self._store.base)]
        fresh = [d for d in proposed if draft_key(d) not in done]
        kept = {
            "source": source_id,
            "title": source.title,
            "date": source.date.isoformat(),
            "base": now,
            "drafts": fresh,
            "states": {},
            "done": done,
        }
        self._values.put(_KEY.format(source_id), kept)
        # As stored (fields in the order the values store keeps them), so every listing agrees.
        return _review(json.loads(json.dumps(kept, sort_keys=True)))

    def _current(self, source_id: str) -> dict[str, Any]:
        stored = self._values.get(_KEY.format(source_id))
        if not isinstance(stored, dict):
            raise ReviewError(
                f"no drafts of {source_id} to review yet: run `source drafts {source_id}` first"
            )
        if stored.get("base") != self.fingerprint():
            raise ReviewError(
                f"the fact base changed since the drafts of {source_id} were numbered; "
                f"run `source drafts {source_id}` again and use its numbers"
            )
        return stored

    def kept(self, source_id: str) -> Review:
        """The drafts as numbered, if the base is unchanged since; ReviewError otherwise."""
        return _review(self._current(source_id))

    def _open(self, stored: dict[str, Any], numbers: Iterable[int]) -> list[Numbered]:
        review = _review(stored)
        chosen = [review.item(n) for n in dict.fromkeys(numbers)]
        for item in chosen:
            if item.state != OPEN:
                raise ReviewError(f"draft {item.number} of {review.source} is already {item.state}")
        return chosen

    def _mark(self, stored: dict[str, Any], item: Numbered, state: str, note: str) -> None:
        stored["states"][str(item.number)] = {"state": state, "note": note}
        stored["done"][draft_key(item.draft)] = {"state": state, "note": note}
        stored["base"] = self.fingerprint()
        self._values.put(_KEY.format(stored["source"]), stored)

    def reject(self, source_id: str, numbers: Iterable[int], reason: str, *, actor: str) -> Review:
        """Reject drafts with a reason; they are not proposed again for this source."""
        if not reason.strip():
            raise ReviewError("give the reason a draft is rejected")
        stored = self._current(source_id)
        for item in self._open(stored, numbers):
            self._mark(stored, item, REJECTED, f"{reason.strip()} ({actor})")
        return _review(stored)

    def accept(
        self,
        source_id: str,
        numbers: Iterable[int],
        *,
        actor: str,
        edits: Mapping[int, Mapping[str, str]] | None = None,
        applied: Callable[[Change], None] | None = None,
        accepted: Callable[[Applied], None] | None = None,
    ) -> list[Applied]:
        """Apply drafts in the order given, each through the store, citing its quote.

        `applied` sees each change made (to update an engine), `accepted` each draft once done.
        A draft the store refuses stops the rest (ChangeRejected); those before it stay made.
        """
        stored = self._current(source_id)
        chosen = self._open(stored, numbers)
        edits = edits or {}
        for number in edits:
            if number not in {item.number for item in chosen}:
                raise ReviewError(f"--edit {number}: draft {number} is not among those accepted")
        done: list[Applied] = []
        for item in chosen:
            result = self._apply(item, edits.get(item.number, {}), actor)
            for change in result.changes:
                if applied is not None:
                    applied(change)
            self._mark(stored, item, ACCEPTED, actor)
            done.append(result)
            if accepted is not None:
                accepted(result)
        return done

    def _apply(self, item: Numbered, edits: Mapping[str, str], actor: str) -> Applied:
        draft = item.draft
        changes = edited(draft, edits)
        unkept = tuple(sorted(k for k in changes if k in UNKEPT))
        fields = {k: v for k, v in changes.items() if k not in UNKEPT}
        cite = {"source": draft["source"], "quote": draft["quote"]}
        records = self._store.records
        kind, record = draft["kind"], draft["record"]
        made: list[Change] = []
        if kind == "add_fact":
            made.append(
                self._store.add_fact({"id": record, **fields, "citations": [cite]}, actor=actor)
            )
        elif kind == "add_brand":
            if "devices" in fields:
                fields["devices"] = [{"name": d} for d in fields["devices"]]
            made.append(records.add(Kind.BRAND, {"id": record, **fields}, actor=actor))
        elif kind == "add_partnership":
            made.append(
                records.add(
                    Kind.PARTNERSHIP, {"id": record, **fields, "citations": [cite]}, actor=actor
                )
            )
        elif kind in ("edit_brand", "edit_partnership"):
            target = Kind.BRAND if kind == "edit_brand" else Kind.PARTNERSHIP
            current = records.record(target, record)
            version = records.version(target, record)
            merged = _merged(target, current, fields)
            if target == Kind.PARTNERSHIP:
                citations = list(current.get("citations") or [])
                if cite not in citations:
                    merged["citations"] = [*citations, cite]
            # Nothing new (the record holds it all): the store answers with a no-op change.
            merged = merged or {"id": record}
            made.append(records.edit(target, record, merged, base_version=version, actor=actor))
        else:
            raise ReviewError(f"draft {item.number}: unknown kind {kind!r}")
        return Applied(item.number, kind, tuple(made), unkept)


def _merged(kind: str, current: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """An edit's fields: scalars replaced, list items added after the record's own."""
    merged: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in LIST_FIELDS:
            merged[name] = value
            continue
        items = list(current.get(name) or [])
        if kind == Kind.BRAND and name == "devices":
            known = {fold(str(d.get("name", ""))) for d in items if isinstance(d, Mapping)}
            added = [{"name": v} for v in value if fold(v) not in known]
        else:
            known = {fold(str(d)) for d in items}
            added = [v for v in value if fold(v) not in known]
        if added:
            merged[name] = [*items, *added]
    return merged


def _review(stored: Mapping[str, Any]) -> Review:
    states = stored.get("states", {})
    items = tuple(
        Numbered(
            number,
            draft,
            states.get(str(number), {}).get("state", OPEN),
            states.get(str(number), {}).get("note", ""),
        )
        for number, draft in enumerate(stored.get("drafts", []), 1)
    )
    return Review(stored["source"], stored["title"], stored["date"], stored["base"], items)
