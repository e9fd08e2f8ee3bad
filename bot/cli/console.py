"""The local console: the bot's commands and answers in a terminal, without Discord."""

from __future__ import annotations

import logging
import re
import shutil
import textwrap
from collections.abc import Callable
from typing import TextIO

from bot.cli.text_views import (
    HELP,
    format_answer,
    format_brand,
    format_partnerships,
    format_sources,
)
from bot.engine.engine import Engine
from bot.errors import CamerabotError
from bot.state.backend import GapStore

log = logging.getLogger(__name__)

GREETING = """\
camerabot console — no DISCORD_TOKEN is set, so the bot answers here instead of on Discord.
To connect to Discord, put DISCORD_TOKEN=… in .env (see README.md) and run `make run` again.
Type a question, or /help."""


def respond(engine: Engine, line: str, gap_log: GapStore | None = None) -> str | None:
    """The console's reply to one line; None means quit.

    A question it cannot answer is recorded in `gap_log` (when given) for /kb gaps, marked as
    asked in the console.
    """
    line = line.strip()
    if not line:
        return ""

    def ask(question: str) -> str:
        answer = engine.ask(question)
        if answer.is_gap and gap_log is not None:
            try:
                gap_log.record(question, where="console")
            except (OSError, CamerabotError) as error:
                log.warning("could not record an unanswered question: %s", error)
        return format_answer(answer)

    if not line.startswith("/"):
        return ask(line)
    command, *rest = line[1:].split(maxsplit=1) or [""]
    argument = rest[0].strip() if rest else ""
    handlers: dict[str, Callable[[], str]] = {
        "ask": lambda: ask(argument) if argument else "Usage: /ask QUESTION",
        "partner": lambda: (
            format_brand(engine.find_brand(argument), engine)
            if argument
            else "Usage: /partner BRAND"
        ),
        "partners": lambda: format_partnerships(engine),
        "sources": lambda: format_sources(engine),
        "help": lambda: HELP,
    }
    if command.lower() in {"quit", "exit"}:
        return None
    handler = handlers.get(command.lower())
    if handler is None:
        return f"Unknown command /{command}. Type /help for the commands."
    return handler()


_LEAD = re.compile(r"[ \t]*(?:[>\-][ \t]+)?")


def wrap(text: str, width: int) -> str:
    """Lines longer than `width` wrapped at spaces, continued under their text ("  > " kept)."""
    lines = []
    for line in text.splitlines():
        if len(line) <= width:
            lines.append(line)
            continue
        lead = _LEAD.match(line).group()  # type: ignore[union-attr]
        carry = lead if lead.strip() == ">" else " " * len(lead)
        lines += textwrap.wrap(
            line, width, subsequent_indent=carry, break_long_words=False, break_on_hyphens=False
        ) or [line]
    return "\n".join(lines)


def run_console(
    engine: Engine,
    stdin: TextIO,
    stdout: TextIO,
    *,
    interactive: bool,
    width: int | None = None,
    gap_log: GapStore | None = None,
) -> None:
    """Read lines until end of input or /quit, answering each.

    At a terminal replies are wrapped to its width (or `width`); piped, each reply is followed
    by a blank line so that answers stay apart. Unanswered questions go to `gap_log`.
    """
    print(GREETING, file=stdout)
    if interactive and width is None:
        width = shutil.get_terminal_size().columns
    while True:
        if interactive:
            print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        reply = respond(engine, line, gap_log)
        if reply is None:
            break
        if reply:
            if width:
                reply = wrap(reply, max(width - 1, 40))
            print(reply if interactive else reply + "\n", file=stdout, flush=True)
