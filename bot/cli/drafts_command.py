"""`camerabot source drafts ID|FILE`, `source accept` and `source reject`: reviewing drafts.

`source drafts ID` works on a stored source (numbered once, kept for `accept` and `reject`, see
`bot/runtime/review.py`); with `--date` the argument is an article's text file instead, whose
drafts are proposed against the knowledge directory and not kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.moderation import _run, _store, cli_actor, common_options
from bot.drafts import Draft, NewSource, propose_drafts
from bot.facts.yaml_loading import load_fact_base
from bot.runtime.config import Settings
from bot.runtime.review import Applied, DraftReview, Numbered, ReviewError, parse_edits
from bot.state.audit import Kind
from bot.store import ChangeRejected


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def describe(number: int, draft: Draft | dict[str, Any], state: str = "") -> str:
    """A draft (or its JSON) as two lines: what it changes, then its quote."""
    data = draft.to_json() if isinstance(draft, Draft) else draft
    parts = []
    for name, value in data["changes"].items():
        if value == data["quote"]:
            parts.append(f"{name}: the quote")
        elif isinstance(value, str):
            old = data["before"].get(name)
            parts.append(f"{name} {old} → {value}" if old else f"{name} {value}")
        else:
            parts.append(f"{name} + {', '.join(value)}")
    mark = f" [{state}]" if state else ""
    return (
        f"{number:>3}. {data['kind']} {data['record']}: {'; '.join(parts)}{mark}\n"
        f"     “{data['quote']}”"
    )


def cmd_source_drafts(args: argparse.Namespace, settings: Settings) -> int:
    """The drafts of a stored source (kept, numbered) or of an article in a text file."""
    if args.date is None:
        return _stored_drafts(args, settings)
    path = Path(args.target)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        sys.stderr.write(f"camerabot: cannot read {path}: {error}\n")
        return 2
    source = NewSource(
        args.id or f"article-{args.date.isoformat()}", args.date, args.title or path.stem, text
    )
    knowledge = Path(args.knowledge) if args.knowledge else settings.knowledge_dir
    drafts = propose_drafts(source, load_fact_base(knowledge))
    if args.json:
        for draft in drafts:
            sys.stdout.write(json.dumps(draft.to_json(), ensure_ascii=False) + "\n")
        return 0
    label = f"{source.date.day} {source.date:%B %Y}"
    sys.stdout.write(f"{len(drafts)} draft(s) from {path.name} ({source.id}, {label}):\n")
    for number, draft in enumerate(drafts, 1):
        sys.stdout.write(describe(number, draft) + "\n")
    return 0


def _print_review(items: list[Numbered], as_json: bool) -> None:
    for item in items:
        if as_json:
            line = {"number": item.number, "state": item.state, **item.draft}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            state = "" if item.state == "open" else item.state
            sys.stdout.write(describe(item.number, item.draft, state) + "\n")


def _stored_drafts(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(args, settings)

    def action() -> int:
        if not _is_source(store, args.target) and Path(args.target).is_file():
            raise ReviewError(
                f"there is no source '{args.target}'; to read a file's drafts give --date "
                f"(or add it first: source add {args.target} --title … --date …)"
            )
        review = DraftReview(store).drafts(args.target)
        if not args.json:
            label = dt.date.fromisoformat(review.date)
            sys.stdout.write(
                f"{len(review.items)} draft(s) of {review.source} ({review.title}, "
                f"{label.day} {label:%B %Y}), {len(review.open)} to review "
                f"(base {review.base}):\n"
            )
        _print_review(list(review.items), args.json)
        return 0

    return _run(action, store)


def _is_source(store: Any, source_id: str) -> bool:
    return source_id in store.records.ids(Kind.SOURCE)


def cmd_source_accept(args: argparse.Namespace, settings: Settings) -> int:
    """Accept drafts of a stored source by number, each applied through the store."""
    store = _store(args, settings)

    def action() -> int:
        edits: dict[int, dict[str, str]] = {}
        for number, *pairs in args.edit or []:
            try:
                key = int(number)
            except ValueError:
                raise ReviewError(f"--edit takes a draft's number first, not {number!r}") from None
            edits.setdefault(key, {}).update(parse_edits(pairs))
        review = DraftReview(store)
        shown: list[int] = []

        def accepted(applied: Applied) -> None:
            shown.append(applied.number)
            made = ", ".join(f"{c.kind} {c.record_id}" for c in applied.changes) or "nothing new"
            sys.stdout.write(f"accepted draft {applied.number} ({applied.kind}): {made}\n")
            for name in applied.unkept:
                sys.stdout.write(
                    f"  {name} is not kept: the knowledge files have no field for it\n"
                )

        try:
            review.accept(
                args.source_id, args.numbers, actor=cli_actor(), edits=edits, accepted=accepted
            )
        except ChangeRejected:
            refused = next(n for n in dict.fromkeys(args.numbers) if n not in shown)
            sys.stderr.write(f"camerabot: draft {refused} was not applied (nor those after it)\n")
            raise
        left = review.kept(args.source_id).open
        sys.stdout.write(f"{len(left)} draft(s) of {args.source_id} left to review\n")
        return 0

    return _run(action, store)


def cmd_source_reject(args: argparse.Namespace, settings: Settings) -> int:
    """Reject drafts of a stored source with a reason; they are not proposed again."""
    store = _store(args, settings)

    def action() -> int:
        review = DraftReview(store).reject(
            args.source_id, args.numbers, args.reason, actor=cli_actor()
        )
        numbers = ", ".join(str(n) for n in dict.fromkeys(args.numbers))
        sys.stdout.write(
            f"rejected draft(s) {numbers} of {args.source_id}; {len(review.open)} left to review\n"
        )
        return 0

    return _run(action, store)


def _number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a draft's number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a draft's number: {text!r}")
    return number


def add_source_commands(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `drafts`, `accept` and `reject` to the actions of `camerabot source`."""
    common = common_options()
    drafts = actions.add_parser(
        "drafts",
        parents=[common],
        help="the changes a stored source (ID) or an article's file (FILE --date) calls for",
    )
    drafts.add_argument(
        "target", metavar="ID|FILE", help="a stored source's id; with --date, a text file"
    )
    drafts.add_argument(
        "--date", type=_date, help="read ID|FILE as a text file of this date, YYYY-MM-DD"
    )
    drafts.add_argument("--title", help="its title (default: the file's name)")
    drafts.add_argument("--id", help="the source id it will have (default: article-DATE)")
    drafts.add_argument("--json", action="store_true", help="one JSON object per draft")
    drafts.set_defaults(handler=cmd_source_drafts)
    accept = actions.add_parser(
        "accept", parents=[common], help="apply drafts of a stored source, by number"
    )
    accept.add_argument("source_id", metavar="ID")
    accept.add_argument("numbers", metavar="N", type=_number, nargs="+")
    accept.add_argument(
        "--edit", nargs="+", action="append", metavar=("N", "KEY=VALUE"),
        help="change draft N's fields before applying it (a list field: comma-separated)",
    )  # fmt: skip
    accept.set_defaults(handler=cmd_source_accept)
    reject = actions.add_parser(
        "reject", parents=[common], help="reject drafts of a stored source, with a reason"
    )
    reject.add_argument("source_id", metavar="ID")
    reject.add_argument("numbers", metavar="N", type=_number, nargs="+")
    reject.add_argument("--reason", required=True, help="why (kept; not proposed again)")
    reject.set_defaults(handler=cmd_source_reject)
