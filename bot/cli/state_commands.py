"""`camerabot state migrate --to postgres|files`: run-time state copied between backends."""

from __future__ import annotations

import argparse
import sys

from bot.errors import CamerabotError
from bot.runtime.config import Settings
from bot.runtime.state import open_backend
from bot.state.backend import FileBackend
from bot.state.transfer import copy_state


def cmd_state_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Copy STATE_DIR's files into PostgreSQL (`--to postgres`) or back (`--to files`)."""
    url = str(settings.database_url)
    if not url:
        sys.stderr.write("camerabot: state migrate needs DATABASE_URL=postgresql://…\n")
        return 2
    state_dir = settings.state_dir
    try:
        files = FileBackend(state_dir)
        database = open_backend(state_dir, url, knowledge_dir=settings.knowledge_dir)
        try:
            source, target = (files, database) if args.to == "postgres" else (database, files)
            copied = copy_state(source, target)
        finally:
            database.close()
    except CamerabotError as error:
        sys.stderr.write(f"camerabot: {error}\n")
        return 1
    sys.stdout.write(
        f"copied from {source.name} to {target.name}: {copied.history} history entries, "
        f"{copied.gaps} unanswered questions, {copied.votes} votes, {copied.servers} servers' "
        f"settings, {copied.values} other values\n"
    )
    return 0


def add_state_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `state migrate` to the `camerabot` subcommands."""
    state = sub.add_parser("state", help="run-time state: copy it between files and PostgreSQL")
    actions = state.add_subparsers(dest="state_command", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate", help="copy STATE_DIR into DATABASE_URL (--to postgres) or back (--to files)"
    )
    migrate.add_argument("--to", choices=("postgres", "files"), required=True)
    migrate.set_defaults(handler=cmd_state_migrate)
