"""The `camerabot` command line: run the bot or the console, ask, look up, validate."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.cli.console import run_console
from bot.cli.drafts_command import add_source_commands
from bot.cli.moderation import add_moderation_commands
from bot.cli.records import add_record_commands
from bot.cli.state_commands import add_state_commands
from bot.cli.text_views import format_answer, format_brand, format_partnerships, format_sources
from bot.engine.engine import Engine
from bot.errors import CamerabotError
from bot.facts.problems import KnowledgeError
from bot.facts.yaml_loading import check_knowledge
from bot.runtime.config import Settings, SettingsError, load_settings
from bot.runtime.startup import open_engine
from bot.runtime.state import open_state
from bot.runtime.worklists import stale_reviews

log = logging.getLogger("bot")


def configure_logging(level: str) -> None:
    """Configure logging once, for every entry point."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _knowledge(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.knowledge) if args.knowledge else settings.knowledge_dir


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """The bot when a token is set, otherwise the console."""
    if settings.has_token:
        from commands.app import run_bot

        try:
            return run_bot(settings)
        except (OSError, TimeoutError) as error:  # aiohttp's connection errors are OSErrors
            print(f"camerabot: cannot reach Discord: {_reason(error)}", file=sys.stderr)
            return 1
    return cmd_console(args, settings)


def _reason(error: BaseException) -> str:
    """One line on why a connection failed (never a traceback; the token is never in it)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


def _reviewed_engine(args: argparse.Namespace, settings: Settings) -> Engine:
    """The engine, knowing the stale facts moderators reviewed (their answers lose the note)."""
    engine = open_engine(_knowledge(args, settings), state_dir=settings.state_dir)
    try:
        state = open_state(settings, knowledge_dir=_knowledge(args, settings))
        try:
            engine.reviewed = stale_reviews(state)
        finally:
            state.close()
    except (CamerabotError, OSError) as error:
        # Answering goes on: a reviewed fact's answer then notes the newer sources again.
        log.warning("the reviews of stale facts were not read: %s", error)
    return engine


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    """The interactive console."""
    engine = _reviewed_engine(args, settings)
    # Questions it cannot answer go to /kb gaps (not those of `camerabot ask`: scripts, evals).
    state = open_state(settings, knowledge_dir=_knowledge(args, settings))
    try:
        run_console(
            engine, sys.stdin, sys.stdout, interactive=sys.stdin.isatty(), gap_log=state.gaps
        )
    finally:
        state.gaps.flush()  # lines kept while the log was busy are written before the process ends
        state.close()
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line of standard input."""
    engine = _reviewed_engine(args, settings)
    if args.question:
        questions: Iterable[str] = [" ".join(args.question)]
    else:
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")  # a bad byte must not lose the other lines
        questions = (line.rstrip("\r\n") for line in sys.stdin)
    for number, question in enumerate(questions):
        # Undecodable bytes in argv come as lone surrogates, which cannot be printed: '?'.
        answer = engine.ask(question.encode("utf-8", "replace").decode("utf-8"))
        if args.json:
            print(
                json.dumps(_with_iso_dates(answer.to_json(), engine), ensure_ascii=False),
                flush=True,
            )
        else:
            print(("\n" if number else "") + format_answer(answer), flush=True)
    return 0


def _with_iso_dates(data: dict[str, Any], engine: Engine) -> dict[str, Any]:
    """`ask --json` output with each citation's `date_iso` (YYYY-MM-DD) beside its `date`."""
    for citation in data.get("citations", []):
        source = engine.base.sources.get(citation.get("source_id"))
        citation["date_iso"] = source.date.isoformat() if source is not None else None
    return data


def cmd_partner(args: argparse.Namespace, settings: Settings) -> int:
    """A brand's partnerships."""
    engine = open_engine(_knowledge(args, settings), state_dir=settings.state_dir)
    lookup = engine.find_brand(" ".join(args.brand))
    print(format_brand(lookup, engine, partners="`camerabot partners`"))
    return 0 if lookup.brand else 1


def cmd_partners(args: argparse.Namespace, settings: Settings) -> int:
    """Every partnership."""
    print(
        format_partnerships(open_engine(_knowledge(args, settings), state_dir=settings.state_dir))
    )
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    """Every source."""
    print(format_sources(open_engine(_knowledge(args, settings), state_dir=settings.state_dir)))
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check a knowledge directory and list every problem."""
    root = Path(args.directory) if args.directory else _knowledge(args, settings)
    base, problems = check_knowledge(root)
    if problems or base is None:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(
        f"{root}: valid — {len(base.sources)} sources, {len(base.brands)} brands, "
        f"{len(base.partnerships)} partnerships, {len(base.facts)} facts"
    )
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the slash commands with Discord: globally, or in one guild (instantly)."""
    if not settings.has_token:
        print("camerabot: sync needs DISCORD_TOKEN (see README.md)", file=sys.stderr)
        return 2
    from commands.app import SyncError, sync_once

    engine = open_engine(_knowledge(args, settings), state_dir=settings.state_dir)
    try:
        count = sync_once(settings, engine, args.guild)
    except SyncError as error:
        print(f"camerabot: {error}", file=sys.stderr)
        return 1
    except (OSError, TimeoutError) as error:
        print(f"camerabot: cannot reach Discord: {_reason(error)}", file=sys.stderr)
        return 1
    print(f"synced {count} command(s) to {f'guild {args.guild}' if args.guild else 'all guilds'}")
    return 0


Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="camerabot",
        description="Answers questions about phone makers' camera partnerships, with citations.",
    )
    parser.add_argument("--knowledge", metavar="DIR", help="knowledge directory (KNOWLEDGE_DIR)")
    parser.set_defaults(handler=cmd_run)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("run", help="the Discord bot if DISCORD_TOKEN is set, else the console")
    sub.add_parser("console", help="the interactive console").set_defaults(handler=cmd_console)
    ask = sub.add_parser("ask", help="answer a question (or one per line of standard input)")
    ask.add_argument("question", nargs="*", help="the question; none: read standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.set_defaults(handler=cmd_ask)
    partner = sub.add_parser("partner", help="a brand's partnerships")
    partner.add_argument("brand", nargs="+")
    partner.set_defaults(handler=cmd_partner)
    sub.add_parser("partners", help="every partnership").set_defaults(handler=cmd_partners)
    sub.add_parser("sources", help="every source article").set_defaults(handler=cmd_sources)
    validate = sub.add_parser("validate", help="check the knowledge files")
    validate.add_argument("directory", nargs="?", help="knowledge directory to check")
    validate.set_defaults(handler=cmd_validate)
    add_source_commands(add_record_commands(sub, add_moderation_commands(sub)))
    add_state_commands(sub)
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, metavar="ID", help="only this guild (instant updates)")
    sync.set_defaults(handler=cmd_sync)
    sub.choices["run"].set_defaults(handler=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `camerabot` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"camerabot: bad setting: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level if args.command in {None, "run"} else "WARNING")
    if settings.env_file is not None:
        log.info("settings from the environment and %s", settings.env_file)
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except KnowledgeError as error:
        print(f"camerabot: the knowledge files are invalid:\n{error.report()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`camerabot partners | head -1`): stop quietly, and point stdout
        # at /dev/null so the flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:
        # A state file that cannot be used (a link, a FIFO, no right to read it): named, exit 2,
        # as the store's own state errors are, never a traceback.
        print(f"camerabot: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
