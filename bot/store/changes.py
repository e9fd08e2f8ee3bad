"""Applying a change: validate the record, journal it, rewrite only its text in its file.

Every method runs under the store's exclusive lock, after the loaded view was brought up to the
disk. A change is checked like loading checks it (`build_fact`), then: its history entry is
journaled (`History.begin`), the file's content hash is compared with the one the change was
computed from (a hand edit or a `git pull` since: `FileChanged`, and the store recomputes), the
file is replaced atomically, and the entry is appended (`History.complete`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.caches.digests import digest
from bot.facts.models import Brand, Fact, Partnership, Source
from bot.facts.problems import Problem
from bot.facts.raw import FACTS_DIR, SOURCE_TEXTS_DIR, SOURCES_FILE, RawKnowledge
from bot.facts.record_files import (
    Item,
    RecordFile,
    clear_lines,
    dump_record,
    from_records,
    parse_item,
    plain_data,
    trailing_comments,
    uses_crlf,
)
from bot.facts.validation import ID_PATTERN, build_fact, build_fact_base
from bot.facts.yaml_loading import parse_yaml_records
from bot.state.atomic import FileReplaced, atomic_write, checked_replace, remove_file
from bot.state.audit import Action, AuditEntry, Kind, clean_actor, new_entry_id, now_iso
from bot.state.writers import WRITER_WAIT, being_written, wait_until_written
from bot.store.disk import file_digest, stamp
from bot.store.errors import (
    ChangeRejected,
    FileBeingWritten,
    FileChanged,
    NothingToUndo,
    StaleEdit,
    StoreError,
    UnkeptFileStyle,
)
from bot.store.events import Change
from bot.store.fields import (
    NEW_FACTS_FILE,
    cited_sources,
    item_text_fits,
    normalise_fact_fields,
    record_version,
    slugify,
    unique,
)
from bot.store.history import History
from bot.store.open_files import SeenFacts
from bot.store.served import LoadedKnowledge

# New facts fill moderated.yaml, then moderated-2.yaml, -3, …: the first with fewer records.
MAX_NEW_FACTS_PER_FILE = 500

_FACT_FILE = re.compile(r"^facts/[A-Za-z0-9][A-Za-z0-9_-]{0,100}\.yaml$")


def new_facts_file(number: int) -> str:
    """The `number`th file new facts go to (1: moderated.yaml, 2: moderated-2.yaml, and so on)."""
    return NEW_FACTS_FILE if number == 1 else f"{FACTS_DIR}/moderated-{number}.yaml"


# A line that is a YAML document marker: "---" or "..." alone or before a space.
_DOCUMENT_MARKER = re.compile(rb"(?m)^(?:---|\.\.\.)(?:[ \t\r]|$)")


# A comment: "#" at a line's start or after a blank (in quotes or a block scalar it may be text,
# and the change is refused all the same: refusing is safe, dropping a comment is not).
_COMMENT = re.compile(rb"(?m)(?:^|[ \t])#")


def refuse_unkept_style(root: Path, name: str, *, splittable: bool = True) -> None:
    """UnkeptFileStyle when the file on disk is in a style an undo could not put back.

    A file that cannot be cut into records (an indented list, flow style) is rewritten whole in
    the plain style by its first change: refused when it holds a comment, which that would drop.
    """
    try:
        data = (root / name).read_bytes()
    except FileNotFoundError:
        return  # a new file is written in the plain style
    style = unkept_style(data)
    if style is not None:
        raise UnkeptFileStyle(name, style)
    if not splittable and _COMMENT.search(data):
        style = "comments in records that cannot be cut apart (an indented list or flow style)"
        advice = "write each record as a list item at the line's start (- id: …)"
        raise UnkeptFileStyle(name, style, advice)


def unkept_style(data: bytes) -> str | None:
    """The style of a file that a change could not keep byte for byte, or None when it can.

    Changes splice records' texts with one kind of line end (LF or CRLF) into files without a
    byte order mark or document markers; anything else would come back otherwise from an undo.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "a byte order mark"
    crlf, cr, lf = data.count(b"\r\n"), data.count(b"\r"), data.count(b"\n")
    if cr != crlf:
        return "carriage returns without line feeds (old Mac line ends)"
    if crlf and crlf != lf:
        return "mixed line ends (LF and CRLF)"
    if _DOCUMENT_MARKER.search(data):
        return "document markers (--- or ...)"
    return None


@dataclass(slots=True)
class _Splice:
    """`remove` items at `index` replaced by `texts` (with their models); `main` is the change's."""

    index: int
    remove: int
    texts: list[str]
    values: list[Any]
    main: int = 0
    header: str | None = None


def _keep_comments(file: RecordFile, splice: _Splice) -> _Splice:
    """A removal or re-insertion that keeps the comments written above the next record.

    A removed record's text ends with the comments above the record after it: they move to the
    record before (or the header). Putting the record back (an undo) takes them back, so the file
    is again byte for byte what it was.
    """
    index = splice.index
    before = file.items[index - 1] if index else None
    before_text = before.text if before is not None else file.header
    if not splice.texts and splice.remove == 1:
        trail = trailing_comments(file.items[index].text)
        if not trail:
            return splice
        if before is None:
            return _Splice(index, 1, [], [], header=file.header + trail)
        return _Splice(index - 1, 2, [before.text + trail], [before.value], main=1)
    if splice.texts and splice.remove == 0:
        trail = trailing_comments(splice.texts[0])
        if not trail or not before_text.endswith(trail):
            return splice
        kept = before_text[: -len(trail)]
        if before is None:
            return dataclasses.replace(splice, header=kept)
        return _Splice(index - 1, 1, [kept, *splice.texts], [before.value, *splice.values], main=1)
    return splice


class _PendingSourceRaw(RawKnowledge):
    """Raw knowledge whose source texts come from memory: a new source checked before writing."""

    pending: dict[str, str]

    def read_source_text(self, relative: str) -> str | None:
        return self.pending.get(relative)

    def source_text(self, relative: str) -> tuple[str | None, str]:
        text = self.pending.get(relative)
        return text, "" if text is not None else f"source text '{relative}' is missing"


class ChangeWriter:
    """Makes one change at a time to the files of a `LoadedKnowledge`, with its history."""

    def __init__(
        self,
        loaded: LoadedKnowledge,
        history: History,
        publish: Callable[[AuditEntry], None] | None = None,
    ) -> None:
        self.loaded = loaded
        self.history = history
        self.root = loaded.root
        # The entry id of the last change whose history waits in the journal, and why.
        self._postponed: tuple[str, str] | None = None
        # With KNOWLEDGE_REMOTE: commits and pushes the files a change wrote, before its history.
        self.publish = publish

    # Checking

    def checked_fact(
        self,
        record: dict[str, Any],
        file: str,
        typed: Mapping[str, Any],
        *,
        replacing: str | None = None,
    ) -> tuple[Fact, str]:
        """Validate a fact record as its file would hold it; its canonical text."""
        base = self.loaded.base
        assert base is not None
        record_id = record.get("id") if isinstance(record.get("id"), str) else None

        def refuse(message: str) -> ChangeRejected:
            return ChangeRejected([Problem(file, 0, record_id, message)], typed)

        try:
            text = dump_record(record)
        except yaml.YAMLError:
            raise refuse("a field holds a value that is not text, a list or a mapping") from None
        probe = parse_item(text, file, 1)
        if probe is None or plain_data(probe) != plain_data(record):
            raise refuse("the fields cannot be stored as YAML exactly as typed")
        clear_lines(probe)
        probe.file = file
        seen = SeenFacts(self.loaded.facts_at, lambda fact_id: fact_id == replacing)
        cited = cited_sources(probe, base.sources)
        fact, problems = build_fact(probe, base.brands, cited, seen, self.loaded.asked_index())
        if problems or fact is None:
            raise ChangeRejected(problems or [Problem(file, 0, record_id, "invalid fact")], typed)
        return fact, text

    def check_version(self, fact_id: str, item: Item, base_version: str | None) -> None:
        """StaleEdit when the fact is no longer the version the moderator saw."""
        current = record_version(item.record)
        if base_version is not None and base_version != current:
            raise StaleEdit(fact_id, base_version, current, plain_data(item.record))

    def new_facts_file(self) -> str:
        """The file a new fact goes to: the first moderated file with room."""
        number = 1
        while True:
            name = new_facts_file(number)
            file = self.loaded.files.get(name)
            if file is None or len(file.items) < MAX_NEW_FACTS_PER_FILE:
                return name
            number += 1

    # Writing, journal first

    def _unchanged_on_disk(self, name: str) -> None:
        """FileChanged when `name` is no longer the bytes this change was computed from.

        A file some program is still writing in place (an editor's save in two writes) is
        waited for: the read this change was computed from may hold only its first part.
        """
        path = self.root / name
        if not wait_until_written(path):
            # Not retried: a program holding the file open would hold it through every try.
            self.loaded.forget(name)
            raise FileBeingWritten(name, WRITER_WAIT)
        if file_digest(path) != self.loaded.hashes.get(name):
            self.loaded.forget(name)
            raise FileChanged(name)

    def _commit(
        self,
        entry: AuditEntry,
        file: RecordFile,
        index: int,
        remove: int,
        texts: list[str],
        value: Any = None,
        *,
        source_text: tuple[Path, str | None] | None = None,
    ) -> tuple[Item | None, AuditEntry]:
        """Journal `entry`, write the splice (and a source text: written, or None: removed)."""
        if texts and remove == 1 and file.splittable:
            # Comments above the next record are cut into this one's text: keep them.
            trail = trailing_comments(file.items[index].text)
            if trail and not texts[0].endswith(trail):
                texts = [texts[0] + trail.replace("\r\n", "\n"), *texts[1:]]
        crlf = file.splittable and uses_crlf(file)
        if crlf:
            texts = [text.replace("\r\n", "\n").replace("\n", "\r\n") for text in texts]
        if texts and index == len(file.items) and file.needs_break_before(index):
            texts = [("\r\n" if crlf else "\n") + texts[0], *texts[1:]]
        entry = dataclasses.replace(entry, after_text=texts[0] if texts else None)
        splice = _Splice(index, remove, texts, [value] * len(texts))
        if file.splittable:
            splice = _keep_comments(file, splice)
        self._unchanged_on_disk(file.name)
        refuse_unkept_style(self.root, file.name, splittable=file.splittable)
        self.history.begin(entry)
        try:
            if source_text is not None and source_text[1] is not None:
                atomic_write(source_text[0], source_text[1].encode("utf-8"))
            item = self._write(file, splice)
            if source_text is not None and source_text[1] is None:
                remove_file(source_text[0])
        except FileChanged:
            self.history.discard()  # nothing was written
            raise
        except BaseException:
            # The journal settles it from what reached the disk (nothing, or all of it).
            self.loaded.forget(file.name)
            with contextlib.suppress(Exception):
                self.history.reconcile(self.root)
            raise
        if source_text is not None:
            found = stamp(source_text[0])
            key = f"{SOURCE_TEXTS_DIR}/{source_text[0].name}"
            stamps = dict(self.loaded.stamps or {})
            if found is None:
                stamps.pop(key, None)
            else:
                stamps[key] = found
            self.loaded.stamps = stamps
        if self.publish is not None:
            try:
                self.publish(entry)
            except StoreError:
                # The publisher put the files back as the remote has them: nothing of this
                # change is left, so neither is its journal (RemoteMoved: the store redoes it).
                # The view in memory holds the change half applied: read the disk again whole
                # (rare: only a race between hosts or a remote lost mid-change costs this).
                self.loaded.stamps = None
                self.history.discard()
                raise
        written = self.history.complete(entry)
        self._postponed = None if written else (entry.id, str(self.history.postponed))
        return item, entry

    def _write(self, file: RecordFile, splice: _Splice) -> Item | None:
        """Write `file` with a splice applied, then apply it in memory; the new item, if any."""
        loaded = self.loaded
        path = self.root / file.name
        index, remove, texts = splice.index, splice.remove, splice.texts
        content = file.spliced(index, remove, texts, header=splice.header)
        expected = loaded.hashes.get(file.name)

        def unchanged(old: bytes | None) -> bool:
            # Checked again at the swap: a writer that started since must finish first.
            if old is not None and being_written(path):
                return False
            return (None if old is None else digest(old)) == expected

        # An emptied fact file is deleted: undoing the add that made it leaves no trace.
        delete = not content and file.name.startswith(f"{FACTS_DIR}/")
        data = None if delete else content.encode("utf-8")
        try:
            checked_replace(path, data, unchanged)
        except FileReplaced:
            loaded.forget(file.name)
            raise FileChanged(file.name) from None
        if data is None:
            loaded.hashes.pop(file.name, None)
        else:
            loaded.hashes[file.name] = digest(data)
        new_item: Item | None = None
        if not content:
            file.header, file.items, file.splittable = "", [], True
        elif file.splittable:
            if splice.header is not None:
                file.set_header(splice.header)
            start = file.start_at(index)
            new: list[Item] = []
            for text, value in zip(texts, splice.values, strict=True):
                record = parse_item(text, file.name, start)
                assert record is not None
                new.append(Item(text, record, start, value))
                start += text.count("\n")
            file.apply(index, remove, new)
            for item in new:  # a neighbour that took over comments stands in a new item
                if isinstance(item.value, Fact) and file.name.startswith(f"{FACTS_DIR}/"):
                    loaded.facts_at[item.value.id] = (file.name, item)
            new_item = new[splice.main] if len(new) > splice.main else None
        else:
            value = splice.values[0] if splice.values else None
            values = {item.record.get("id"): item.value for item in file.items}
            records, problems = parse_yaml_records(content, file.name)
            assert not problems
            rebuilt = from_records(file.name, content, records)
            for position, item in enumerate(rebuilt.items):
                is_new = texts and position == index
                item.value = value if is_new else values.get(item.record.get("id"))
                if is_new:
                    new_item = item
            loaded.files[file.name] = rebuilt
            if file.name.startswith(f"{FACTS_DIR}/"):
                for item in rebuilt.items:
                    loaded.facts_at[item.record["id"]] = (file.name, item)
        loaded.files.setdefault(file.name, file)
        stamps = dict(loaded.stamps or {})
        found = stamp(path)
        if found is not None:
            stamps[file.name] = found
        else:
            stamps.pop(file.name, None)
        loaded.stamps = stamps
        return new_item

    def change(
        self,
        action: str,
        kind: str,
        record_id: str,
        before: Fact | Source | Brand | Partnership | None,
        after: Fact | Source | Brand | Partnership | None,
        file: str,
        after_item: Item | None,
        entry: AuditEntry | None,
    ) -> Change:
        """The result of a change, with what other processes changed meanwhile."""
        assert self.loaded.base is not None
        reload = self.loaded.drain(with_problems=False)
        version = record_version(after_item.record) if after_item is not None else None
        return Change(
            action=action,
            kind=kind,
            record_id=record_id,
            before=before,
            after=after,
            base=self.loaded.base,
            file=file,
            version=version,
            entry=entry,
            reload=reload if reload.changed else None,
            history_postponed=(
                self._postponed[1]
                if entry is not None and self._postponed and self._postponed[0] == entry.id
                else None
            ),
        )

    # Facts

    def add_fact(self, record: dict[str, Any], typed: Mapping[str, Any], actor: str) -> Change:
        """Add a fact record (its id made from the question when it has none)."""
        loaded = self.loaded
        if not record.get("id"):
            record.pop("id", None)
            slug = unique(slugify(record.get("question")), loaded.facts_at.__contains__)
            record = {"id": slug, **record}
        name = self.new_facts_file()
        fact, text = self.checked_fact(record, name, typed)
        file = loaded.files.get(name) or RecordFile(name)
        loaded.files.setdefault(name, file)
        position = len(file.items)
        entry = audit_entry(actor, Action.ADD, Kind.FACT, fact.id, name, position, None, record)
        item, entry = self._commit(entry, file, position, 0, [text], fact)
        assert item is not None
        loaded.set_fact(fact.id, fact, (name, item))
        return self.change(Action.ADD, Kind.FACT, fact.id, None, fact, name, item, entry)

    def edit_fact(
        self,
        fact_id: str,
        fields: Mapping[str, Any],
        typed: Mapping[str, Any],
        base_version: str | None,
        actor: str,
    ) -> Change:
        """Change some fields of a fact; it stays in its file."""
        name, item = self.loaded.located(fact_id)
        self.check_version(fact_id, item, base_version)
        current = plain_data(item.record)
        record, problems = normalise_fact_fields(fields, current, file=name)
        if record.get("id") != fact_id:
            message = "a fact's id cannot be changed: add a new fact and remove this one"
            problems.append(Problem(name, 0, fact_id, message))
        if problems:
            raise ChangeRejected(problems, typed)
        before = item.value
        if record == current:
            return self.change(Action.EDIT, Kind.FACT, fact_id, before, before, name, item, None)
        fact, text = self.checked_fact(record, name, typed, replacing=fact_id)
        file = self.loaded.files[name]
        position = file.index_of(item)
        entry = audit_entry(actor, Action.EDIT, Kind.FACT, fact_id, name, position, item, record)
        new_item, entry = self._commit(entry, file, position, 1, [text], fact)
        assert new_item is not None
        self.loaded.set_fact(fact_id, fact, (name, new_item))
        return self.change(Action.EDIT, Kind.FACT, fact_id, before, fact, name, new_item, entry)

    def remove_fact(self, fact_id: str, base_version: str | None, actor: str) -> Change:
        """Remove a fact from its file."""
        name, item = self.loaded.located(fact_id)
        self.check_version(fact_id, item, base_version)
        file = self.loaded.files[name]
        position = file.index_of(item)
        entry = audit_entry(actor, Action.REMOVE, Kind.FACT, fact_id, name, position, item, None)
        _, entry = self._commit(entry, file, position, 1, [])
        self.loaded.set_fact(fact_id, None, None)
        return self.change(Action.REMOVE, Kind.FACT, fact_id, item.value, None, name, None, entry)

    # Sources

    def insert_source(
        self,
        record: dict[str, Any],
        body: str,
        position: int | None,
        item_text: str | None,
        actor: str,
        action: str,
        extra: dict[str, Any],
    ) -> Change:
        """Add a source record to sources.yaml and its text to sources/<id>.txt."""
        base = self.loaded.base
        assert base is not None
        source_id = str(record.get("id"))
        typed = {**record, "text": body}
        path = self.root / SOURCE_TEXTS_DIR / f"{source_id}.txt"
        problems: list[Problem] = []
        if not ID_PATTERN.fullmatch(source_id) or record.get("file") != (
            f"{SOURCE_TEXTS_DIR}/{source_id}.txt"
        ):
            raise ChangeRejected([Problem(SOURCES_FILE, 0, None, "bad source id")], typed)
        if source_id in base.sources:
            problems.append(Problem(SOURCES_FILE, 0, source_id, f"duplicate id '{source_id}'"))
        if path.exists() or path.is_symlink():
            message = f"a source text {record['file']} exists already"
            problems.append(Problem(SOURCES_FILE, 0, source_id, message))
        if problems:
            raise ChangeRejected(problems, typed)
        try:
            text = dump_record(record)
        except yaml.YAMLError:
            text = ""
        probe = parse_item(text, SOURCES_FILE, 1) if text else None
        if probe is None or plain_data(probe) != plain_data(record):
            message = "the fields cannot be stored as YAML exactly as typed"
            raise ChangeRejected([Problem(SOURCES_FILE, 0, source_id, message)], typed)
        clear_lines(probe)
        probe.file = SOURCES_FILE
        raw = _PendingSourceRaw(root=self.root, sources=[probe])
        raw.pending = {record["file"]: body}
        checked, problems = build_fact_base(raw)
        if problems or checked is None:
            raise ChangeRejected(problems, typed)
        source = checked.sources[source_id]
        if item_text_fits(item_text, record, SOURCES_FILE):
            text = str(item_text)
        file = self.loaded.files[SOURCES_FILE]
        index = len(file.items) if position is None else max(0, min(position, len(file.items)))
        entry = audit_entry(
            actor, action, Kind.SOURCE, source_id, SOURCES_FILE, index, None, record,
            source_text=body, **extra,
        )  # fmt: skip
        item, entry = self._commit(entry, file, index, 0, [text], source, source_text=(path, body))
        assert item is not None
        self.loaded.base = dataclasses.replace(base, sources={**base.sources, source.id: source})
        return self.change(action, Kind.SOURCE, source_id, None, source, SOURCES_FILE, item, entry)

    # Undo and redo: the same, applying an entry's change backwards or forwards again

    def _stale_since(self, entry: AuditEntry, current: dict[str, Any] | None) -> StaleEdit:
        return StaleEdit(
            entry.record_id,
            record_version(entry.after),
            record_version(current),
            current,
            f"'{entry.record_id}' was changed since ({entry.description}); "
            "it cannot be undone or redone automatically: edit it instead",
        )

    def revert(self, entry: AuditEntry, actor: str, *, redo: bool = False) -> Change:
        """Undo `entry` (put its `before` back), or with `redo` make it again (its `after`)."""
        if entry.kind == Kind.SOURCE:
            return self._revert_source(entry, actor, redo)
        return self._revert_fact(entry, actor, redo)

    def _revert_fact(self, entry: AuditEntry, actor: str, redo: bool) -> Change:
        loaded = self.loaded
        fact_id = entry.record_id
        located = loaded.facts_at.get(fact_id)
        current = plain_data(located[1].record) if located else None
        now, target = (entry.before, entry.after) if redo else (entry.after, entry.before)
        now_text, target_text = (
            (entry.before_text, entry.after_text) if redo else (entry.after_text, entry.before_text)
        )
        if current != now:
            raise self._stale_since(entry, current)
        action = Action.REDO if redo else Action.UNDO
        extra = {"reverts": entry.id, "reverted_action": entry.action}
        typed = dict(target or current or {})
        if target is None:
            assert located is not None
            name, item = located
            file = loaded.files[name]
            position = file.index_of(item)
            new = audit_entry(
                actor, action, Kind.FACT, fact_id, name, position, item, None, **extra
            )
            _, new = self._commit(new, file, position, 1, [])
            loaded.set_fact(fact_id, None, None)
            return self.change(action, Kind.FACT, fact_id, item.value, None, name, None, new)
        old: Item | None
        if located is None:
            name = entry.file if _FACT_FILE.fullmatch(entry.file) else self.new_facts_file()
            file = loaded.files.get(name) or RecordFile(name)
            loaded.files.setdefault(name, file)
            position, remove, old = max(0, min(entry.position, len(file.items))), 0, None
        else:
            name, old = located
            file = loaded.files[name]
            position, remove = file.index_of(old), 1
        fact, text = self.checked_fact(dict(target), name, typed, replacing=fact_id)
        if item_text_fits(target_text, target, name) and (old is None or old.text == now_text):
            text = str(target_text)
        new = audit_entry(actor, action, Kind.FACT, fact_id, name, position, old, target, **extra)
        new_item, new = self._commit(new, file, position, remove, [text], fact)
        assert new_item is not None
        loaded.set_fact(fact_id, fact, (name, new_item))
        before = old.value if old is not None else None
        return self.change(action, Kind.FACT, fact_id, before, fact, name, new_item, new)

    def _revert_source(self, entry: AuditEntry, actor: str, redo: bool) -> Change:
        base = self.loaded.base
        assert base is not None
        source_id = entry.record_id
        file = self.loaded.files[SOURCES_FILE]
        found = [item for item in file.items if item.record.get("id") == source_id]
        current = plain_data(found[0].record) if found else None
        now, target = (entry.before, entry.after) if redo else (entry.after, entry.before)
        if current != now:
            raise self._stale_since(entry, current)
        action = Action.REDO if redo else Action.UNDO
        extra = {"reverts": entry.id, "reverted_action": entry.action}
        if target is not None and now is None:
            if entry.source_text is None:
                raise NothingToUndo(f"the history of {entry.description} lacks the source text")
            target_text = entry.after_text if redo else entry.before_text
            return self.insert_source(
                dict(target), entry.source_text, entry.position, target_text, actor, action, extra
            )
        if target is not None or not found:
            raise NothingToUndo(f"{entry.description} cannot be undone or redone")
        item = found[0]
        citing = [
            f.id for f in base.facts.values() if any(c.source_id == source_id for c in f.citations)
        ]
        citing += [
            p.id
            for p in base.partnerships.values()
            if any(c.source_id == source_id for c in p.citations)
        ]
        if citing:
            message = f"source '{source_id}' is cited by {', '.join(sorted(citing)[:10])}"
            raise ChangeRejected([Problem(SOURCES_FILE, 0, source_id, message)], current or {})
        position = file.index_of(item)
        path = self.root / SOURCE_TEXTS_DIR / f"{source_id}.txt"
        body = entry.source_text
        owned = ID_PATTERN.fullmatch(source_id) and item.record.get("file") == (
            f"{SOURCE_TEXTS_DIR}/{source_id}.txt"
        )
        if owned and body is None and path.is_file():
            body = path.read_text(encoding="utf-8")
        new = audit_entry(
            actor, action, Kind.SOURCE, source_id, SOURCES_FILE, position, item, None,
            source_text=body, **extra,
        )  # fmt: skip
        _, new = self._commit(
            new, file, position, 1, [], source_text=(path, None) if owned else None
        )
        sources = {k: v for k, v in base.sources.items() if k != source_id}
        self.loaded.base = dataclasses.replace(base, sources=sources)
        return self.change(
            action, Kind.SOURCE, source_id, item.value, None, SOURCES_FILE, None, new
        )


def audit_entry(
    actor: str,
    action: str,
    kind: str,
    record_id: str,
    file: str,
    position: int,
    before: Item | dict[str, Any] | None,
    after: Mapping[str, Any] | None,
    **extra: Any,
) -> AuditEntry:
    """The history entry of a change: who, what, where, and the record before and after."""
    before_record = before.record if isinstance(before, Item) else before
    return AuditEntry(
        id=new_entry_id(),
        at=now_iso(),
        actor=clean_actor(actor),
        action=action,
        kind=kind,
        record_id=record_id,
        file=file,
        position=position,
        before=plain_data(before_record) if before_record is not None else None,
        after=plain_data(after) if after is not None else None,
        before_text=before.text if isinstance(before, Item) else extra.pop("before_text", None),
        **extra,
    )
