"""`RecordStore`: brands, partnerships and sources changed through the store's one write path.

Each change is checked like loading checks the files (`build_fact_base` over the sources, brands
and partnerships with the change applied), refused with every problem (`ChangeRejected`; a quote
not word for word in its source names the nearest passage), guarded by the record's version
(`StaleEdit`), then journaled, written and audited by the store's `ChangeWriter`, so history,
undo and redo, the lock and the crash journal are those of facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import yaml

from bot.facts.models import Brand, Citation, FactBase, Partnership, Source
from bot.facts.problems import Problem
from bot.facts.raw import (
    BRANDS_FILE,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
    RawKnowledge,
    Record,
)
from bot.facts.record_files import (
    Item,
    RecordFile,
    clear_lines,
    dump_record,
    parse_item,
    plain_data,
)
from bot.facts.text import quote_key
from bot.facts.validation import (
    BRAND_FIELDS,
    PARTNERSHIP_FIELDS,
    SOURCE_FIELDS,
    build_fact_base,
    quote_in,
)
from bot.state.audit import Action, AuditEntry, Kind
from bot.store.changes import ChangeWriter, audit_entry
from bot.store.errors import ChangeRejected, FileChanged, NothingToUndo, StaleEdit, StoreError
from bot.store.events import Change
from bot.store.fields import input_problem, item_text_fits, record_version, typed_copy
from bot.store.records.passages import nearest_passage

_T = TypeVar("_T")

# The kinds of record this store changes, and the file each lives in.
RECORD_FILES = {
    Kind.SOURCE: SOURCES_FILE,
    Kind.BRAND: BRANDS_FILE,
    Kind.PARTNERSHIP: PARTNERSHIPS_FILE,
}
_ORDER = {
    Kind.SOURCE: tuple(SOURCE_FIELDS),
    Kind.BRAND: tuple(BRAND_FIELDS),
    Kind.PARTNERSHIP: tuple(PARTNERSHIP_FIELDS),
}
# A source's fields a moderator may edit: its text and file stay (quotes were checked on it).
SOURCE_EDITABLE = ("title", "date", "url")
# Changes one reading retries when a file is replaced under it (a hand edit, a pull).
_READ_ATTEMPTS = 10

Model = Source | Brand | Partnership
Changing = Callable[[Mapping[str, Any], Callable[[], Change]], Change]
Reading = Callable[[Callable[[], Any]], Any]


class UnknownRecord(StoreError, LookupError):  # noqa: N818 - named like UnknownFact
    """No record of this kind has this id."""

    def __init__(self, kind: str, record_id: object) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"there is no {kind} '{str(record_id)[:80]}'")


def _ordered(kind: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's keys in schema order (unknown keys last, for validation to name)."""
    order = _ORDER[kind]
    known = {key: record[key] for key in order if key in record}
    return {**known, **{k: v for k, v in record.items() if k not in known}}


def _clean(value: Any) -> Any:
    """Texts stripped, empty texts and lists dropped from mappings (an optional field cleared)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.date):
        return value.isoformat()  # the files write dates as text
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, Mapping):
        cleaned = {str(key): _clean(item) for key, item in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ("", [], None)}
    return value


class RecordStore:
    """Adds, edits, removes and shows sources, brands and partnerships; see the module docstring."""

    def __init__(self, writer: ChangeWriter, changing: Changing, reading: Reading) -> None:
        self._writer = writer
        self._changing = changing
        self._reading = reading

    # Reading

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """The record as stored (plain data), e.g. to pre-fill a form; UnknownRecord if none."""
        found: dict[str, Any] = self._reading(
            lambda: plain_data(self._located(kind, record_id)[1].record)
        )
        return found

    def version(self, kind: str, record_id: str) -> str:
        """The record's version now: pass it back as `base_version` when changing it."""
        return record_version(self.record(kind, record_id)) or ""

    def source_text(self, source_id: str) -> str:
        """A source's article text (page it with `text_page`); UnknownRecord if no such source."""

        def read() -> str:
            self._located(Kind.SOURCE, source_id)
            base = self._writer.loaded.base
            assert base is not None
            return base.sources[source_id].text

        text: str = self._reading(read)
        return text

    def ids(self, kind: str) -> list[str]:
        """The ids of every record of a kind, in file order (for autocomplete)."""

        def read() -> list[str]:
            file = self._file(kind)
            return [str(item.record.get("id")) for item in file.items]

        ids: list[str] = self._reading(read)
        return ids

    def _file(self, kind: str) -> RecordFile:
        name = RECORD_FILES.get(kind)
        if name is None:
            raise StoreError(f"unknown kind of record '{kind}'")
        for attempt in range(1, _READ_ATTEMPTS + 1):
            try:
                return self._writer.loaded.files[name]
            except FileChanged:
                if attempt == _READ_ATTEMPTS:
                    raise
                self._writer.loaded.refresh()
        raise AssertionError("unreachable")

    def _located(self, kind: str, record_id: object) -> tuple[RecordFile, Item]:
        file = self._file(kind)
        for item in file.items:
            if item.record.get("id") == record_id:
                return file, item
        raise UnknownRecord(kind, record_id)

    # Changing

    def add(self, kind: str, fields: Mapping[str, Any], *, actor: str) -> Change:
        """Add a brand or a partnership (`fields` as the file holds them, `id` included).

        Sources are added with `KnowledgeStore.add_source` (their text goes with them).
        Raises ChangeRejected.
        """
        if kind not in (Kind.BRAND, Kind.PARTNERSHIP):
            raise StoreError(f"add a {kind} with its own command")
        typed = typed_copy(fields)
        self._refuse_bad_input(kind, {"id": "-", **typed}, typed, raw=fields)
        record = _ordered(kind, _clean(dict(fields)))
        self._refuse_bad_input(kind, record, typed)

        def change() -> Change:
            record_id = record.get("id")
            if any(item.record.get("id") == record_id for item in self._file(kind).items):
                message = f"there is already a {kind} '{record_id}'"
                raise ChangeRejected(
                    [Problem(RECORD_FILES[kind], 0, str(record_id), message)], typed
                )
            return self._put(kind, str(record_id), record, None, actor, Action.ADD, typed)

        return self._changing(typed, change)

    def edit(
        self,
        kind: str,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        base_version: str | None,
        actor: str,
    ) -> Change:
        """Change some fields of a record (an empty value clears an optional one); the others stay.

        `base_version` is `version(kind, record_id)` as the moderator saw it (None: no check).
        Raises UnknownRecord, StaleEdit or ChangeRejected.
        """
        typed = typed_copy(fields)
        self._refuse_bad_input(kind, {"id": record_id}, typed, raw=fields)

        def change() -> Change:
            _, item = self._located(kind, record_id)
            current = plain_data(item.record)
            self._check_version(record_id, current, base_version)
            problems: list[Problem] = []
            if "id" in fields and fields["id"] != record_id:
                problems.append(self._problem(kind, record_id, f"a {kind}'s id cannot be changed"))
            if kind == Kind.SOURCE:
                for key in fields.keys() - {"id", *SOURCE_EDITABLE}:
                    message = (
                        f"a source's '{key}' cannot be changed (only {', '.join(SOURCE_EDITABLE)})"
                    )
                    problems.append(self._problem(kind, record_id, message))
            if problems:
                raise ChangeRejected(problems, typed)
            merged = {**current, **{str(k): v for k, v in fields.items()}}
            record = _ordered(kind, _clean(merged))
            if kind == Kind.SOURCE and "url" not in record and "url" in current:
                record = _ordered(kind, {**record, "url": ""})  # the schema writes url: ""
            self._refuse_bad_input(kind, record, typed)
            if record == current:
                base = self._writer.loaded.base
                assert base is not None
                value = item.value
                return self._writer.change(
                    Action.EDIT, kind, record_id, value, value, RECORD_FILES[kind], item, None
                )
            return self._put(kind, record_id, record, current, actor, Action.EDIT, typed)

        return self._changing(typed, change)

    def remove(self, kind: str, record_id: str, *, base_version: str | None, actor: str) -> Change:
        """Remove a record; refused, naming them, while other records cite or name it.

        A source's text file goes with it (kept in the history: `kb undo` puts both back).
        """
        typed = {"id": record_id}

        def change() -> Change:
            _, item = self._located(kind, record_id)
            current = plain_data(item.record)
            self._check_version(record_id, current, base_version)
            return self._put(kind, record_id, None, current, actor, Action.REMOVE, typed)

        return self._changing(typed, change)

    # Undo and redo

    @staticmethod
    def reverts(entry: AuditEntry) -> bool:
        """Whether `revert` is the one to undo or redo this entry (else the fact writer's)."""
        if entry.kind in (Kind.BRAND, Kind.PARTNERSHIP):
            return True
        # A source's edit; its adds and removals carry its text and go through the fact writer.
        return entry.kind == Kind.SOURCE and entry.before is not None and entry.after is not None

    def revert(self, entry: AuditEntry, actor: str, *, redo: bool) -> Change:
        """Undo `entry` (put its `before` back), or with `redo` make it again (its `after`)."""
        kind, record_id = entry.kind, entry.record_id
        file = self._file(kind)
        found = [item for item in file.items if item.record.get("id") == record_id]
        current = plain_data(found[0].record) if found else None
        now, target = (entry.before, entry.after) if redo else (entry.after, entry.before)
        if current != now:
            raise StaleEdit(
                record_id,
                record_version(now),
                record_version(current),
                current,
                f"'{record_id}' was changed since ({entry.description}); "
                "it cannot be undone or redone automatically: edit it instead",
            )
        if target is None and current is None:
            raise NothingToUndo(f"{entry.description} cannot be undone or redone")
        action = Action.REDO if redo else Action.UNDO
        text = entry.after_text if redo else entry.before_text
        now_text = entry.before_text if redo else entry.after_text
        if found and found[0].text != now_text:
            text = None  # the file was reformatted since: write the canonical text
        extra = {"reverts": entry.id, "reverted_action": entry.action}
        typed = dict(target or current or {})
        return self._put(
            kind, record_id, target, current, actor, action, typed,
            position=entry.position, text=text, extra=extra,
        )  # fmt: skip

    # The one path every change takes

    def _put(
        self,
        kind: str,
        record_id: str,
        target: dict[str, Any] | None,
        current: dict[str, Any] | None,
        actor: str,
        action: str,
        typed: Mapping[str, Any],
        *,
        position: int | None = None,
        text: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Change:
        """Check the base with `target` in place of `current`, then write it (None: removed)."""
        writer = self._writer
        name = RECORD_FILES[kind]
        file = self._file(kind)
        index = next(
            (i for i, it in enumerate(file.items) if it.record.get("id") == record_id), None
        )
        old = file.items[index] if index is not None else None
        base = self._checked(kind, record_id, target, index, typed)
        value: Model | None = None
        texts: list[str] = []
        if target is not None:
            value = self._model(base, kind, record_id)
            item_text = dump_record(target)
            if text is not None and item_text_fits(text, target, name):
                item_text = text  # an undo puts the record's own bytes back
            texts = [item_text]
        if index is None:
            index = len(file.items) if position is None else max(0, min(position, len(file.items)))
        entry = audit_entry(
            actor, action, kind, record_id, name, index, old, target, **dict(extra or {}),
            **self._source_text(kind, record_id, target, current),
        )  # fmt: skip
        source_text = None
        if kind == Kind.SOURCE and target is None:
            source_text = (writer.root / SOURCE_TEXTS_DIR / f"{record_id}.txt", None)
        new_item, entry = writer._commit(
            entry, file, index, 1 if old is not None else 0, texts, value, source_text=source_text
        )
        writer.loaded.base = base
        before = old.value if old is not None else None
        return writer.change(action, kind, record_id, before, value, name, new_item, entry)

    def _source_text(
        self,
        kind: str,
        record_id: str,
        target: Mapping[str, Any] | None,
        current: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """A removed source's text, kept in its history entry so that an undo can write it back."""
        if kind != Kind.SOURCE or target is not None or current is None:
            return {}
        base = self._writer.loaded.base
        source = base.sources.get(record_id) if base is not None else None
        return {"source_text": source.text} if source is not None else {}

    @staticmethod
    def _model(base: FactBase, kind: str, record_id: str) -> Model:
        if kind == Kind.SOURCE:
            return base.sources[record_id]
        if kind == Kind.BRAND:
            return base.brands[record_id]
        return base.partnerships[record_id]

    def _checked(
        self,
        kind: str,
        record_id: str,
        target: dict[str, Any] | None,
        index: int | None,
        typed: Mapping[str, Any],
    ) -> FactBase:
        """The base with the change made, checked like loading; else ChangeRejected."""
        loaded = self._writer.loaded
        base = loaded.base
        assert base is not None
        name = RECORD_FILES[kind]
        used = self._still_used(kind, record_id, target, base)
        if used:
            raise ChangeRejected(used, typed)
        raw = RawKnowledge(root=self._writer.root)
        for other_kind, other_name in RECORD_FILES.items():
            records: list[Record] = [item.record for item in self._file(other_kind).items]
            if other_kind == kind:
                records = list(records)
                probe = self._probe(kind, record_id, target, typed) if target is not None else None
                if index is None and probe is not None:
                    records.append(probe)
                elif index is not None:
                    records[index : index + 1] = [probe] if probe is not None else []
            raw.add_file(other_name, records, [])
        checked, problems = build_fact_base(raw)
        if problems or checked is None:
            raise ChangeRejected(
                problems + self._nearest(target, checked or base, raw, name), typed
            )
        return dataclasses.replace(
            base, sources=checked.sources, brands=checked.brands, partnerships=checked.partnerships
        )

    def _probe(
        self, kind: str, record_id: str, target: dict[str, Any], typed: Mapping[str, Any]
    ) -> Record:
        name = RECORD_FILES[kind]
        try:
            text = dump_record(target)
        except yaml.YAMLError:
            text = ""
        probe = parse_item(text, name, 1) if text else None
        if probe is None or plain_data(probe) != plain_data(target):
            message = "the fields cannot be stored as YAML exactly as typed"
            raise ChangeRejected([self._problem(kind, record_id, message)], typed)
        clear_lines(probe)
        probe.file = name
        return probe

    @staticmethod
    def _still_used(
        kind: str, record_id: str, target: Mapping[str, Any] | None, base: FactBase
    ) -> list[Problem]:
        """A removed source or brand that facts still cite or name (partnerships: by validation)."""
        if target is not None or kind == Kind.PARTNERSHIP:
            return []
        groups: list[tuple[str, list[str]]] = []
        if kind == Kind.SOURCE:

            def cites(citations: tuple[Citation, ...]) -> bool:
                return any(c.source_id == record_id for c in citations)

            partnerships = [p.id for p in base.partnerships.values() if cites(p.citations)]
            people = [
                b.id for b in base.brands.values() if any(cites(p.citations) for p in b.people)
            ]
            groups += [("partnerships", partnerships), ("people of", people)]
            groups.append(("facts", [f.id for f in base.facts.values() if cites(f.citations)]))
            what = "cited by"
        else:
            groups.append(("facts", [f.id for f in base.facts.values() if record_id in f.brands]))
            what = "named by"
        shown = []
        for label, users in groups:
            if users:
                more = f" and {len(users) - 10} more" if len(users) > 10 else ""
                shown.append(f"the {label} {', '.join(sorted(users)[:10])}{more}")
        if not shown:
            return []
        message = f"{kind} '{record_id}' is still {what} {'; '.join(shown)}; change those first"
        return [Problem(RECORD_FILES[kind], 0, record_id, message)]

    @staticmethod
    def _nearest(
        target: Mapping[str, Any] | None, base: FactBase, raw: RawKnowledge, name: str
    ) -> list[Problem]:
        """For each quote not word for word in its source, the source's nearest passage."""
        if target is None:
            return []
        citations = list(target.get("citations") or [])
        for person in target.get("people") or []:
            if isinstance(person, Mapping):
                citations += list(person.get("citations") or [])
        found: list[Problem] = []
        for number, citation in enumerate(citations, start=1):
            if not isinstance(citation, Mapping):
                continue
            source_id, quote = citation.get("source"), citation.get("quote")
            source = base.sources.get(source_id) if isinstance(source_id, str) else None
            if source is None or not isinstance(quote, str) or not quote.strip():
                continue
            if quote_in(quote_key(quote), quote_key(source.text)):
                continue
            passage = nearest_passage(source.text, quote)
            hint = f"the nearest passage is: {passage!r}" if passage else "no passage is near it"
            message = f"quote {number} is not word for word in {source_id}; {hint}"
            found.append(Problem(name, 0, str(target.get("id")), message))
        return found

    def _refuse_bad_input(
        self, kind: str, record: Mapping[str, Any], typed: Mapping[str, Any], raw: object = None
    ) -> None:
        """Input too big, too deep or not storable (checked before anything walks it), or no id."""
        reason = input_problem(raw if raw is not None else record)
        if not isinstance(record.get("id"), str) or not record.get("id"):
            reason = reason or f"a {kind} needs an id"
        if reason:
            raise ChangeRejected([self._problem(kind, record.get("id"), reason)], typed)

    @staticmethod
    def _problem(kind: str, record_id: object, message: str) -> Problem:
        return Problem(
            RECORD_FILES[kind], 0, record_id if isinstance(record_id, str) else None, message
        )

    @staticmethod
    def _check_version(record_id: str, current: dict[str, Any], base_version: str | None) -> None:
        version = record_version(current)
        if base_version is not None and base_version != version:
            raise StaleEdit(record_id, base_version, version, current)
