"""`camerabot fact …` and `camerabot kb …`: the moderators' operations on the command line.

They go through the same KnowledgeStore as the Discord commands (same validation, lock, audit
log and undo); the actor is the OS user.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.engine.engine import Engine
from bot.engine.entries import BRAND_PREFIX, OVERVIEW_ID, PARTNERSHIP_PREFIX
from bot.engine.timeline import stale_facts
from bot.facts.problems import KnowledgeError
from bot.facts.validation import printable
from bot.runtime.config import Settings
from bot.runtime.git_remote import open_store
from bot.runtime.state import open_state
from bot.runtime.worklists import add_gap_phrasing, fact_review, review_stale, stale_reviews
from bot.state.atomic import LockTimeout
from bot.state.audit import AuditEntry, shown_at
from bot.state.backend import LockBusy, StateUnavailable, open_reports, resolve_reports
from bot.state.settings import servers_text
from bot.state.usage import USAGE_FILE, UsageLog, usage_lines
from bot.store import (
    Change,
    ChangeRejected,
    KnowledgeStore,
    NothingToUndo,
    StaleEdit,
    StateDirError,
    StoreError,
    StoreLocked,
    UnknownFact,
    record_version,
)
from bot.store.records.passages import uncited


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
    backend = open_state(settings, state_dir=state, knowledge_dir=knowledge)
    return open_store(
        settings,
        knowledge,
        state,
        lock_timeout=getattr(args, "wait", None) or 10.0,
        backend=backend,
    )


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


def _listed(values: list[str] | None) -> list[str] | None:
    """A repeated option's values; `--phrasing ""` alone gives [], which clears the list."""
    if values is None:
        return None
    return [value for value in values if value.strip()]


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = _read_fields_file(args.from_file) if args.from_file else {}
    for name, value in (
        ("id", getattr(args, "fact_id_option", None)),
        ("question", args.question),
        ("answer", args.answer),
        ("phrasings", _listed(args.phrasing)),
        ("brands", _listed(args.brand)),
        ("source", args.source),
        ("quote", args.quote),
    ):
        if value is not None:
            fields[name] = value
    return fields


def _citation_fields(
    args: argparse.Namespace, fields: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    """`--add-citation`, `--remove-citation`; `--source/--quote` may not drop other citations."""
    citations = list(current.get("citations") or [])
    adding = getattr(args, "add_citation", None) or []
    removing = getattr(args, "remove_citation", None) or []
    if ("source" in fields or "quote" in fields) and len(citations) > 1 and not args.replace:
        raise StoreError(
            f"the fact has {len(citations)} citations and --source/--quote would replace them "
            "all: use --add-citation SOURCE QUOTE and --remove-citation N, or add --replace"
        )
    if not adding and not removing:
        return fields
    if "source" in fields or "quote" in fields or "citations" in fields:
        raise StoreError("give --add-citation/--remove-citation or --source/--quote, not both")
    for number in sorted(set(removing), reverse=True):
        if not 1 <= number <= len(citations):
            raise StoreError(
                f"--remove-citation {number}: the fact has citations 1 to {len(citations)}"
            )
        del citations[number - 1]
    citations += [{"source": source, "quote": quote} for source, quote in adding]
    return {**fields, "citations": citations}


def _rejected(error: ChangeRejected) -> int:
    _err(f"camerabot: {error.report()}")
    return 1


def _run(action: Any, store: KnowledgeStore | None = None) -> int:
    try:
        code = int(action())
        postponed = store.history_log.postponed if store is not None else None
        if postponed is not None:
            # The change is made; only its history waits (in the journal): a state error.
            _err(
                f"camerabot: {postponed}; the change was made, but its history waits in the "
                "journal until the next change or start"
            )
            return 2
        return code
    except ChangeRejected as error:
        return _rejected(error)
    except StateDirError as error:
        _err(f"camerabot: {error}; nothing was changed")
        return 2
    except KnowledgeError as error:
        _err(
            f"camerabot: the knowledge files have problems (camerabot validate):\n{error.report()}"
        )
        return 1
    except (StaleEdit, UnknownFact, NothingToUndo, StoreLocked) as error:
        _err(f"camerabot: {error}")
        return 1
    except StoreError as error:
        _err(f"camerabot: {error}")
        return 1
    except OSError as error:
        _err(f"camerabot: {error.filename or 'a file'}: {error.strerror or error}")
        return 2


def cmd_fact_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a fact."""
    store = _store(args, settings)

    def action() -> int:
        change = store.add_fact(_fields(args), actor=cli_actor())
        _out(f"added fact {change.record_id} to {change.file} (version {change.version})")
        return 0

    return _run(action, store)


def cmd_fact_edit(args: argparse.Namespace, settings: Settings) -> int:
    """Edit some fields of a fact."""
    store = _store(args, settings)

    def action() -> int:
        fields = _fields(args)
        if not fields and not args.add_citation and not args.remove_citation:
            _err("camerabot: nothing to change: give --question, --answer, … or --from-file")
            return 2
        current = store.fact_record(args.fact_id)
        fields = _citation_fields(args, fields, current)
        # The version read here guards the fields computed from it (citations) as well.
        base_version = args.base_version or record_version(current)
        change = store.edit_fact(args.fact_id, fields, base_version=base_version, actor=cli_actor())
        if change.noop:
            _out(f"fact {change.record_id} already says that; nothing changed")
        else:
            _out(f"edited fact {change.record_id} in {change.file} (version {change.version})")
        return 0

    return _run(action, store)


def cmd_fact_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a fact."""
    store = _store(args, settings)

    def action() -> int:
        change = store.remove_fact(args.fact_id, base_version=args.base_version, actor=cli_actor())
        _out(f"removed fact {change.record_id} from {change.file} (kb undo puts it back)")
        return 0

    return _run(action, store)


def cmd_fact_show(args: argparse.Namespace, settings: Settings) -> int:
    """Show a fact's record as YAML, with its file and version."""
    store = _store(args, settings)

    def action() -> int:
        if not store.root.is_dir():
            _err(f"camerabot: the knowledge directory {store.root} does not exist")
            return 1
        text = store.show_fact(args.fact_id)
        path = store.file_of(args.fact_id).relative_to(store.root)
        _out(f"# {path}, version {store.version(args.fact_id)}")
        sys.stdout.write(text)
        return 0

    return _run(action, store)


def _describe(entry: AuditEntry) -> str:
    # A damaged or hand-edited log line is shown, never obeyed: a terminal escape or a line
    # break in it prints as an escape.
    return (
        f"{shown_at(entry.at)}  {printable(entry.actor)}  {printable(entry.description)}  "
        f"[{printable(entry.id)}]"
    )


def cmd_fact_history(args: argparse.Namespace, settings: Settings) -> int:
    """A fact's changes, oldest first."""
    store = _store(args, settings)

    def action() -> int:
        entries = store.history(args.fact_id)
        review = fact_review(store.backend, args.fact_id)
        if not entries and review is None:
            store.fact_record(args.fact_id)  # UnknownFact: "there is no fact …"
        if args.json:
            for entry in entries:
                _out(json.dumps(entry.to_json(), ensure_ascii=False))
            return 0
        if not entries:
            _out(f"no recorded changes to {args.fact_id}")
        _history(entries)
        if review is not None:
            _out(
                f"{shown_at(review.at)}  {printable(review.by)}  reviewed as still true against "
                f"the sources up to {review.against.isoformat()} (the last review)"
            )
        return 0

    return _run(action, store)


def _history(entries: list[AuditEntry]) -> None:
    for entry in entries:
        _out(_describe(entry))
        changed = sorted(
            key
            for key in {*(entry.before or {}), *(entry.after or {})}
            if (entry.before or {}).get(key) != (entry.after or {}).get(key)
        )
        if entry.before is not None and entry.after is not None:
            _out(f"    changed: {printable(', '.join(changed)) or 'nothing'}")


def cmd_kb_gaps(args: argparse.Namespace, settings: Settings) -> int:
    """Unanswered questions, most asked first, without those the base now answers."""
    store = _store(args, settings)

    def action() -> int:
        engine = Engine(store.load())
        gaps = store.gaps(engine, limit=args.limit)
        if not gaps:
            _out("no unanswered questions")
            return 0
        for gap in gaps:
            place = ", in the console" if gap.where == {"console"} else ""
            if gap.guilds:
                place += f", from {servers_text(gap.guilds)}"
            _out(f"{gap.count:5d}  {gap.question}  (last asked {gap.last_asked}{place})")
        return 0

    return _run(action, store)


def cmd_kb_gaps_dismiss(args: argparse.Namespace, settings: Settings) -> int:
    """Take an unanswered question off the list (until asked again), with a reason."""
    store = _store(args, settings)

    def action() -> int:
        made = store.dismiss_gap(args.question, reason=args.reason, actor=cli_actor())
        _out(f"dismissed: {made.question}  (reason: {made.reason}; listed again if asked again)")
        return 0

    return _run(action, store)


def cmd_kb_gaps_add_phrasing(args: argparse.Namespace, settings: Settings) -> int:
    """Add an unanswered question as another phrasing of a fact; the gap is closed."""
    store = _store(args, settings)

    def action() -> int:
        added = add_gap_phrasing(store, args.question, args.fact_id, actor=cli_actor())
        change = added.change
        _out(
            f"added {added.question!r} as a phrasing of {change.record_id} in {change.file} "
            f"(version {change.version}; kb undo takes it back)"
        )
        if added.dismissal is None:
            _err("camerabot: the question could not be marked closed; the fact answers it now")
        return 0

    return _run(action, store)


def cmd_kb_feedback_resolve(args: argparse.Namespace, settings: Settings) -> int:
    """Mark a fact's reports resolved: it leaves `kb feedback` until reported again."""
    state = Path(args.state) if getattr(args, "state", None) else settings.state_dir
    backend = open_state(settings, state_dir=state)
    try:
        count = resolve_reports(backend, args.fact_id, by=cli_actor(), timeout=args.wait)
    except (LockBusy, LockTimeout, StateUnavailable, OSError) as error:
        _err(f"camerabot: {error}; nothing was changed")
        return 2
    finally:
        backend.close()
    if not count:
        _err(f"camerabot: no open report on {args.fact_id}")
        return 1
    _out(f"resolved {count} report(s) on {args.fact_id}")
    return 0


def cmd_kb_coverage(args: argparse.Namespace, settings: Settings) -> int:
    """The source sentences no fact, partnership or person cites, by source."""
    store = _store(args, settings)

    def action() -> int:
        base = store.load()
        found = uncited(base)
        for source, left in found:
            if args.json:
                for sentence in left:
                    item = {"source": source.id, "sentence": sentence}
                    _out(json.dumps(item, ensure_ascii=False))
                continue
            _out(f"{source.id} ({source.date_label}): {len(left)} sentence(s) no record cites")
            for sentence in left:
                _out(f"    - {printable(sentence)}")
        if not found and not args.json:
            _out(f"every sentence of the {len(base.sources)} source(s) is cited")
        return 0

    return _run(action, store)


def cmd_kb_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Questions asked on Discord and the share answered, in all and per server."""
    state = Path(args.state) if getattr(args, "state", None) else settings.state_dir
    total, servers = UsageLog(state / USAGE_FILE).figures()
    if args.json:
        for usage in [total, *servers]:
            _out(json.dumps({**dataclasses.asdict(usage), "answered_share": usage.answered_share}))
        return 0
    for line in usage_lines(total, servers):
        _out(line)
    return 0


def cmd_kb_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Answers readers reported wrong or outdated on Discord, most reported first."""
    if args.limit < 1:
        _err("--limit must be at least 1")
        return 2
    state = Path(args.state) if getattr(args, "state", None) else settings.state_dir
    backend = open_state(settings, state_dir=state)
    try:
        reports = open_reports(backend, limit=args.limit)
    finally:
        backend.close()
    if args.json:
        for report in reports:
            # Servers as ids, 0 for a direct message.
            data = {**dataclasses.asdict(report), "guilds": sorted(report.guilds)}
            _out(json.dumps(data, ensure_ascii=False))
        return 0
    if not reports:
        _out("no answer has been reported wrong or outdated")
        return 0
    for report in reports:
        counts = f"{report.helpful} helpful, last {report.last_at}"
        _out(f"{report.wrong:5d}  {report.fact_id}  ({counts})")
        for reason in report.reasons:
            _out(f"         - {reason}")
        if report.questions:
            _out(f"         asked as: {report.questions[0]}")
        if report.guilds:
            _out(f"         from: {servers_text(report.guilds)}")
        _out(f"         edit: {_edit_hint(report.fact_id)}")
    _out("(kb feedback resolve ID marks one resolved)")
    return 0


def _edit_hint(entry_id: str) -> str:
    """The command that edits what an answer was built from (a fact, brand or partnership)."""
    if entry_id.startswith(BRAND_PREFIX):
        return f"camerabot brand edit {entry_id.removeprefix(BRAND_PREFIX)} …"
    if entry_id.startswith(PARTNERSHIP_PREFIX):
        return f"camerabot partnership edit {entry_id.removeprefix(PARTNERSHIP_PREFIX)} …"
    if entry_id == OVERVIEW_ID:
        return "camerabot partnership edit ID … (built from every partnership)"
    return f"camerabot fact edit {entry_id} …"


def cmd_kb_stale(args: argparse.Namespace, settings: Settings) -> int:
    """Facts about a pair whose records gained a newer source, with what is newer."""
    store = _store(args, settings)

    def action() -> int:
        stale = stale_facts(store.load(), stale_reviews(store.backend))
        if args.json:
            for fact in stale:
                data = {**dataclasses.asdict(fact), "cited": str(fact.cited or "")}
                data |= {"newest": str(fact.newest or ""), "reviewed": str(fact.reviewed or "")}
                data["statement"] = fact.statement.removeprefix(" Since then, ")
                _out(json.dumps(data, ensure_ascii=False))
            return 0
        if not stale:
            _out("no fact is older than the records of its brands")
            return 0
        for fact in stale:
            _out(fact.line())
        _out(
            "(kb stale review FACT_ID, once you checked it still holds, or citing the newer "
            "source with fact edit FACT_ID --add-citation …, reviews a fact)"
        )
        return 0

    return _run(action, store)


def cmd_kb_stale_review(args: argparse.Namespace, settings: Settings) -> int:
    """Record that a stale fact still holds: it leaves the list until a newer source arrives."""
    store = _store(args, settings)

    def action() -> int:
        made, found = review_stale(store, args.fact_id, actor=cli_actor(), timeout=args.wait)
        _out(
            f"reviewed {made.fact_id} as still true against the sources up to "
            f"{made.against.isoformat()} ({', '.join(found.newer)}); listed again when a newer "
            "source arrives"
        )
        return 0

    return _run(action, store)


def _now(change: Change) -> str:
    """What the record is after an undo or redo, in words."""
    what = f"{change.kind} {change.record_id}"
    if change.after is None:
        return f"{what} is removed"
    if change.before is None:
        return f"{what} is back (version {change.version})"
    return f"{what} is restored to its version {change.version}"


def _step(args: argparse.Namespace, settings: Settings, *, redo: bool) -> int:
    store = _store(args, settings)
    verb = "redo" if redo else "undo"

    def action() -> int:
        entry = store.next_redo() if redo else store.last_change()
        if entry is None:
            raise NothingToUndo(f"there is no change to {verb}")
        _out(f"{verb}: {_describe(entry)}")
        if args.dry_run:
            return 0
        expected = args.expect or entry.id
        if redo:
            change = store.redo(actor=cli_actor(), expected=expected)
        else:
            change = store.undo(actor=cli_actor(), expected=expected)
        done = "redid" if redo else "undid"
        reverted = change.entry.reverted_action if change.entry else None
        _out(f"{done} the {reverted or 'change'}: {_now(change)}")
        return 0

    return _run(action, store)


def cmd_kb_undo(args: argparse.Namespace, settings: Settings) -> int:
    """Revert the newest change not yet undone (shown first)."""
    return _step(args, settings, redo=False)


def cmd_kb_redo(args: argparse.Namespace, settings: Settings) -> int:
    """Make the newest undone change again (shown first)."""
    return _step(args, settings, redo=True)


def cmd_kb_last(args: argparse.Namespace, settings: Settings) -> int:
    """The change `kb undo` would revert, and the one `kb redo` would make again."""
    store = _store(args, settings)

    def action() -> int:
        undo, redo = store.last_change(), store.next_redo()
        _out(f"kb undo would revert: {_describe(undo) if undo else 'nothing'}")
        if redo is not None:
            _out(f"kb redo would make again: {_describe(redo)}")
        return 0

    return _run(action, store)


def _seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        value = float(text) if text.isascii() else -1.0
    except ValueError:
        value = -1.0
    if not 0 < value < 10**6:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text!r}")
    return value


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isascii() or not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


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
        "--phrasing",
        action="append",
        help='another way to ask (repeat; replaces all on edit; --phrasing "" clears them)',
    )
    parser.add_argument("--answer", help="the answer (≤ 3500 characters)")
    parser.add_argument("--source", help="the id of the cited source")
    parser.add_argument("--quote", help="the quote, word for word from the source")
    parser.add_argument(
        "--brand",
        action="append",
        help='a brand id the fact is about (repeat; replaces on edit; --brand "" clears them)',
    )
    parser.add_argument("--from-file", metavar="FILE", help="a YAML file holding the record")


def _add_list_actions(
    gaps: argparse.ArgumentParser,
    feedback: argparse.ArgumentParser,
    stale: argparse.ArgumentParser,
) -> None:
    """`kb gaps dismiss|add-phrasing`, `kb feedback resolve`, `kb stale review`."""
    # The same options after a list's own action (`kb gaps dismiss … --state D`): suppressed
    # defaults, so that the action does not undo the ones given before it.
    inner = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    inner.add_argument("--state", metavar="DIR", help="state directory (STATE_DIR)")
    inner.add_argument("--wait", type=_seconds, metavar="SECONDS", help="as above")
    gaps_actions = gaps.add_subparsers(dest="gaps_command", metavar="ACTION")
    dismiss = gaps_actions.add_parser(
        "dismiss", parents=[inner], help="take a question off the list until asked again"
    )
    dismiss.add_argument("question")
    dismiss.add_argument("--reason", required=True, help="why (kept with who and when)")
    dismiss.set_defaults(handler=cmd_kb_gaps_dismiss)
    phrasing = gaps_actions.add_parser(
        "add-phrasing", parents=[inner], help="add a question as another phrasing of a fact"
    )
    phrasing.add_argument("question")
    phrasing.add_argument("fact_id")
    phrasing.set_defaults(handler=cmd_kb_gaps_add_phrasing)
    feedback_actions = feedback.add_subparsers(dest="feedback_command", metavar="ACTION")
    resolve = feedback_actions.add_parser(
        "resolve", parents=[inner], help="mark a fact's reports resolved"
    )
    resolve.add_argument("fact_id", metavar="ID", help="a fact, partners:BRAND or partnership:ID")
    resolve.set_defaults(handler=cmd_kb_feedback_resolve)
    stale_actions = stale.add_subparsers(dest="stale_command", metavar="ACTION")
    review = stale_actions.add_parser(
        "review", parents=[inner], help="record that a stale fact still holds"
    )
    review.add_argument("fact_id")
    review.set_defaults(handler=cmd_kb_stale_review)


def common_options() -> argparse.ArgumentParser:
    """The options every command that changes the fact base takes: --state and --wait."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--state", metavar="DIR", help="state directory (STATE_DIR)")
    common.add_argument(
        "--wait", type=_seconds, metavar="SECONDS", default=10.0,
        help="how long a change waits for another one to finish (default 10)",
    )  # fmt: skip
    return common


def add_moderation_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add `fact` and `kb` to the `camerabot` subcommands; the `kb` actions, for more."""
    common = common_options()

    fact = sub.add_parser("fact", help="add, edit, remove or show a fact, or list its history")
    actions = fact.add_subparsers(dest="fact_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a fact")
    _fact_options(add, adding=True)
    add.set_defaults(handler=cmd_fact_add)
    edit = actions.add_parser("edit", parents=[common], help="change some fields of a fact")
    edit.add_argument("fact_id")
    _fact_options(edit, adding=False)
    edit.add_argument("--base-version", help="refuse if the fact is no longer this version")
    edit.add_argument(
        "--add-citation", nargs=2, action="append", metavar=("SOURCE", "QUOTE"),
        help="add a citation (repeat)",
    )  # fmt: skip
    edit.add_argument(
        "--remove-citation", type=_positive, action="append", metavar="N",
        help="remove the Nth citation, as `fact show` lists them (repeat)",
    )  # fmt: skip
    edit.add_argument(
        "--replace", action="store_true", help="let --source/--quote replace several citations"
    )
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
    gaps.add_argument("--limit", type=_positive, default=25, help="how many (default 25)")
    gaps.set_defaults(handler=cmd_kb_gaps)
    for name, handler, text in (
        ("undo", cmd_kb_undo, "revert the newest change not yet undone (shown first)"),
        ("redo", cmd_kb_redo, "make the newest undone change again (shown first)"),
    ):
        step = kb_actions.add_parser(name, parents=[common], help=text)
        step.add_argument(
            "--expect", metavar="ENTRY", help=f"refuse unless this is the change {name} would take"
        )
        step.add_argument("--dry-run", action="store_true", help="only show that change")
        step.set_defaults(handler=handler)
    last = kb_actions.add_parser("last", parents=[common], help="the change kb undo would revert")
    last.set_defaults(handler=cmd_kb_last)
    feedback = kb_actions.add_parser(
        "feedback", parents=[common], help="answers readers reported wrong or outdated"
    )
    feedback.add_argument("--limit", type=_positive, default=25, help="how many facts (default 25)")
    feedback.add_argument("--json", action="store_true", help="one JSON object a line")
    feedback.set_defaults(handler=cmd_kb_feedback)
    coverage = kb_actions.add_parser(
        "coverage", parents=[common], help="source sentences no record or fact cites"
    )
    coverage.add_argument("--json", action="store_true", help="one JSON object a sentence")
    coverage.set_defaults(handler=cmd_kb_coverage)
    stats = kb_actions.add_parser(
        "stats", parents=[common], help="questions asked and the share answered, per server"
    )
    stats.add_argument("--json", action="store_true", help="one JSON object a line")
    stats.set_defaults(handler=cmd_kb_stats)
    stale = kb_actions.add_parser(
        "stale", parents=[common], help="facts a newer source about their brands may overtake"
    )
    stale.add_argument("--json", action="store_true", help="one JSON object a line")
    stale.set_defaults(handler=cmd_kb_stale)
    _add_list_actions(gaps, feedback, stale)
    validate = kb_actions.add_parser("validate", parents=[common], help="check the files")
    validate.add_argument("directory", nargs="?", help="knowledge directory to check")
    validate.set_defaults(handler=cmd_kb_validate)
    return kb_actions
