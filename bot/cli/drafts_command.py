"""`camerabot source drafts FILE --date YYYY-MM-DD [--json]`: the changes an article calls for."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bot.drafts import Draft, NewSource, propose_drafts
from bot.facts.yaml_loading import load_fact_base
from bot.runtime.config import Settings


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def describe(number: int, draft: Draft) -> str:
    """A draft as two lines: what it changes, then its quote."""
    parts = []
    for name, value in draft.changes.items():
        if value == draft.quote:
            parts.append(f"{name}: the quote")
        elif isinstance(value, str):
            old = draft.before.get(name)
            parts.append(f"{name} {old} → {value}" if old else f"{name} {value}")
        else:
            parts.append(f"{name} + {', '.join(value)}")
    return (
        f"{number:>3}. {draft.kind.value} {draft.record}: {'; '.join(parts)}\n     “{draft.quote}”"
    )


def cmd_source_drafts(args: argparse.Namespace, settings: Settings) -> int:
    """Propose the drafts for an article in a text file, against the knowledge directory."""
    path = Path(args.file)
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


def add_source_commands(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `drafts` to the actions of `camerabot source`."""
    drafts = actions.add_parser(
        "drafts", help="propose the changes an article (a text file) calls for, each with its quote"
    )
    drafts.add_argument("file", metavar="FILE", help="the article's full text (UTF-8)")
    drafts.add_argument("--date", type=_date, required=True, help="its date, YYYY-MM-DD")
    drafts.add_argument("--title", help="its title (default: the file's name)")
    drafts.add_argument("--id", help="the source id it will have (default: article-DATE)")
    drafts.add_argument("--json", action="store_true", help="one JSON object per draft")
    drafts.set_defaults(handler=cmd_source_drafts)
