"""`camerabot fact …` and `camerabot kb …`: the moderators' operations on the command line.

They go through the same KnowledgeStore as the Discord commands (same validation, lock, audit
log and undo); the actor is the OS user.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.answers import Engine
from bot.audit import AuditEntry
from bot.store import (
    ChangeRejected,
    KnowledgeStore,
    NothingToUndo,
    StaleEdit,
    StoreError,
    UnknownFact,
)

if TYPE_CHECKING:
    from bot.config import Settings


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def cli_actor() -> str:
    """The OS user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _store(args: argparse.Namespace, settings: Settings) -> KnowledgeStore:
    knowledge = Path(args.knowledge) if args.knowledge else settings.knowledge_dir
    state = Path(args.state) if getattr(args, "state", None) else settings.state_dir
    return KnowledgeStore(knowledge, state)


def _read_fields_file(path: str) -> dict[str, Any]:
    """A fact record from a YAML file (a mapping, or a list of one), read with safe_load."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"cannot read {path}: {error}") from None
    except yaml.YAMLError as error:
        raise StoreError(f"{path} is not plain YAML: {error}") from None
    except RecursionError:
        raise StoreError(f"{path}: the data is nested too deeply") from None
    except ValueError as error:  # e.g. an impossible unquoted date, 2022-02-30
        raise StoreError(f"{path}: {error}") from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise StoreError(f"{path} must hold one fact record (a mapping of fields)")
    return data


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = _read_fields_file(args.from_file) if args.from_file else {}
    for name, value in (
        ("id", getattr(args, "fact_id_option", None)),
        ("question", args.question),
        ("answer", args.answer),
        ("phrasings", args.phrasing),
        ("brands", args.brand),
        ("source", args.source),
        ("quote", args.quote),
    ):
        if value is not None:
            fields[name] = value
    return fields


def _rejected(error: ChangeRejected) -> int:
    _err(f"camerabot: {error.report()}")
    return 1


def _run(action: Any) -> int:
    try:
        return int(action())
    except ChangeRejected as error:
        return _rejected(error)
    except (StaleEdit, UnknownFact, NothingToUndo) as error:
        _err(f"camerabot: {error}")
        return 1
    except StoreError as error:
        _err(f"camerabot: {error}")
        return 1


def cmd_fact_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a fact."""
    store = _store(args, settings)

    def action() -> int:
        change = store.add_fact(_fields(args), actor=cli_actor())
        _out(f"added fact {change.record_id} to {change.file} (version {change.version})")
        return 0

    return _run(action)


def cmd_fact_edit(args: argparse.Namespace, settings: Settings) -> int:
    """Edit some fields of a fact."""
    store = _store(args, settings)

    def action() -> int:
        fields = _fields(args)
        if not fields:
            _err("camerabot: nothing to change: give --question, --answer, … or --from-file")
            return 2
        change = store.edit_fact(
            args.fact_id, fields, base_version=args.base_version, actor=cli_actor()
        )
        if change.noop:
            _out(f"fact {change.record_id} already says that; nothing changed")
        else:
            _out(f"edited fact {change.record_id} in {change.file} (version {change.version})")
        return 0

    return _run(action)


def cmd_fact_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a fact."""
    store = _store(args, settings)

    def action() -> int:
        change = store.remove_fact(args.fact_id, base_version=args.base_version, actor=cli_actor())
        _out(f"removed fact {change.record_id} from {change.file} (kb undo puts it back)")
        return 0

    return _run(action)


def cmd_fact_show(args: argparse.Namespace, settings: Settings) -> int:
    """Show a fact's record as YAML, with its file and version."""
    store = _store(args, settings)

    def action() -> int:
        text = store.show_fact(args.fact_id)
        path = store.file_of(args.fact_id).relative_to(store.root)
        _out(f"# {path}, version {store.version(args.fact_id)}")
        sys.stdout.write(text)
        return 0

    return _run(action)


def _describe(entry: AuditEntry) -> str:
    return f"{entry.at}  {entry.actor}  {entry.description}  [{entry.id}]"


def cmd_fact_history(args: argparse.Namespace, settings: Settings) -> int:
    """A fact's changes, oldest first."""
    store = _store(args, settings)
    entries = store.history(args.fact_id)
    if args.json:
        for entry in entries:
            _out(json.dumps(entry.to_json(), ensure_ascii=False))
        return 0
    if not entries:
        _out(f"no recorded changes to {args.fact_id}")
        return 0
    for entry in entries:
        _out(_describe(entry))
        changed = sorted(
            key
            for key in {*(entry.before or {}), *(entry.after or {})}
            if (entry.before or {}).get(key) != (entry.after or {}).get(key)
        )
        if entry.before is not None and entry.after is not None:
            _out(f"    changed: {', '.join(changed) or 'nothing'}")
    return 0


def cmd_kb_gaps(args: argparse.Namespace, settings: Settings) -> int:
    """Unanswered questions, most asked first, without those the base now answers."""
    store = _store(args, settings)
    engine = Engine(store.load())
    gaps = store.gaps(engine, limit=args.limit)
    if not gaps:
        _out("no unanswered questions")
        return 0
    for gap in gaps:
        _out(f"{gap.count:5d}  {gap.question}  (last asked {gap.last_asked})")
    return 0


def cmd_kb_undo(args: argparse.Namespace, settings: Settings) -> int:
    """Revert the last change."""
    store = _store(args, settings)

    def action() -> int:
        change = store.undo(actor=cli_actor(), expected=args.expect)
        reverted = change.entry.reverted_action if change.entry else None
        _out(f"undid the {reverted or 'last change'} of {change.kind} {change.record_id}")
        return 0

    return _run(action)


def cmd_kb_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check every knowledge file, as loading does."""
    if args.directory:
        args.knowledge = args.directory
    store = _store(args, settings)
    problems = store.validate()
    for problem in problems:
        _out(str(problem))
    if problems:
        _err(f"{len(problems)} problem(s) in {store.root}")
        return 1
    base = store.load()
    _out(
        f"{store.root}: valid — {len(base.sources)} sources, {len(base.brands)} brands, "
        f"{len(base.partnerships)} partnerships, {len(base.facts)} facts"
    )
    return 0


def _fact_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    if adding:
        parser.add_argument("--id", dest="fact_id_option", help="the id (default: from question)")
    parser.add_argument("--question", help="the canonical question (≤ 100 characters)")
    parser.add_argument(
        "--phrasing", action="append", help="another way to ask (repeat; replaces all on edit)"
    )
    parser.add_argument("--answer", help="the answer (≤ 3500 characters)")
    parser.add_argument("--source", help="the id of the cited source")
    parser.add_argument("--quote", help="the quote, word for word from the source")
    parser.add_argument(
        "--brand", action="append", help="a brand id the fact is about (repeat; replaces on edit)"
    )
    parser.add_argument("--from-file", metavar="FILE", help="a YAML file holding the record")


def add_moderation_commands(sub: argparse._SubParsersAction) -> None:
    """Add `fact` and `kb` to the `camerabot` subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--state", metavar="DIR", help="state directory (STATE_DIR)")

    fact = sub.add_parser("fact", help="add, edit, remove or show a fact, or list its history")
    actions = fact.add_subparsers(dest="fact_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a fact")
    _fact_options(add, adding=True)
    add.set_defaults(handler=cmd_fact_add)
    edit = actions.add_parser("edit", parents=[common], help="change some fields of a fact")
    edit.add_argument("fact_id")
    _fact_options(edit, adding=False)
    edit.add_argument("--base-version", help="refuse if the fact is no longer this version")
    edit.set_defaults(handler=cmd_fact_edit)
    remove = actions.add_parser("remove", parents=[common], help="remove a fact")
    remove.add_argument("fact_id")
    remove.add_argument("--base-version", help="refuse if the fact is no longer this version")
    remove.set_defaults(handler=cmd_fact_remove)
    show = actions.add_parser("show", parents=[common], help="a fact's record as YAML")
    show.add_argument("fact_id")
    show.set_defaults(handler=cmd_fact_show)
    history = actions.add_parser("history", parents=[common], help="who changed a fact, when")
    history.add_argument("fact_id")
    history.add_argument("--json", action="store_true", help="the full audit entries")
    history.set_defaults(handler=cmd_fact_history)

    kb = sub.add_parser("kb", help="the knowledge base: unanswered questions, undo, validate")
    kb_actions = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    gaps = kb_actions.add_parser("gaps", parents=[common], help="unanswered questions")
    gaps.add_argument("--limit", type=int, default=25, help="how many (default 25)")
    gaps.set_defaults(handler=cmd_kb_gaps)
    undo = kb_actions.add_parser("undo", parents=[common], help="revert the last change")
    undo.add_argument("--expect", metavar="ENTRY", help="refuse unless this is the last change")
    undo.set_defaults(handler=cmd_kb_undo)
    validate = kb_actions.add_parser("validate", parents=[common], help="check the files")
    validate.add_argument("directory", nargs="?", help="knowledge directory to check")
    validate.set_defaults(handler=cmd_kb_validate)
