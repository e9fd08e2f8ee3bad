"""Shared by the Discord tests: Discord's limits as checks on what the bot sends, and helpers."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.runtime.config import Settings
    from commands.client import CamerabotBot
NAME = re.compile(r"^[-_'\w]{1,32}$")


def embed_problems(embed: discord.Embed) -> list[str]:
    """Every way an embed breaks Discord's limits (empty: it would be accepted)."""
    data = embed.to_dict()
    problems = []
    if len(data.get("title", "")) > 256:
        problems.append("title over 256")
    if len(data.get("description", "")) > 4096:
        problems.append("description over 4096")
    fields = data.get("fields", [])
    if len(fields) > 25:
        problems.append(f"{len(fields)} fields")
    for field in fields:
        if not 1 <= len(field["name"]) <= 256:
            problems.append(f"field name of {len(field['name'])}")
        if not 1 <= len(field["value"]) <= 1024:
            problems.append(f"field value of {len(field['value'])}")
    if len(data.get("footer", {}).get("text", "")) > 2048:
        problems.append("footer over 2048")
    if len(data.get("author", {}).get("name", "")) > 256:
        problems.append("author over 256")
    total = (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + len(data.get("footer", {}).get("text", ""))
        + len(data.get("author", {}).get("name", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )
    if total > 6000:
        problems.append(f"total {total} over 6000")
    return problems


def _size(option: dict[str, Any]) -> int:
    size = len(option.get("name", "")) + len(option.get("description", ""))
    for choice in option.get("choices") or ():
        size += len(choice["name"]) + len(str(choice["value"]))
    for key in ("name_localizations", "description_localizations"):
        size += sum(len(v) for v in (option.get(key) or {}).values())
    return size + sum(_size(child) for child in option.get("options") or ())


def command_problems(command: dict[str, Any], path: str = "") -> list[str]:
    """Every way one command's payload (from `to_dict(tree)`) breaks Discord's limits."""
    where = f"{path}/{command.get('name')}"
    problems = []
    name = command.get("name", "")
    if not NAME.match(name) or name != name.lower():
        problems.append(f"{where}: bad name {name!r}")
    description = command.get("description", "")
    if command.get("type", 1) == 1 and not 1 <= len(description) <= 100:
        problems.append(f"{where}: description of {len(description)} characters")
    if description.endswith("…"):
        problems.append(f"{where}: description cut short or missing: {description!r}")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}: {len(options)} options")
    required = [o.get("required", False) for o in options if o.get("type") not in (1, 2)]
    if required != sorted(required, reverse=True):
        problems.append(f"{where}: an optional option comes before a required one")
    choices = command.get("choices") or []
    if len(choices) > 25:
        problems.append(f"{where}: {len(choices)} choices")
    if choices and command.get("autocomplete"):
        problems.append(f"{where}: both choices and autocomplete")
    for choice in choices:
        if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
            problems.append(f"{where}: choice {choice['name']!r} too long")
    if "min_length" in command and not 0 <= command["min_length"] <= 6000:
        problems.append(f"{where}: min_length {command['min_length']}")
    if "max_length" in command and not 1 <= command["max_length"] <= 6000:
        problems.append(f"{where}: max_length {command['max_length']}")
    if not path and _size(command) > 8000:
        problems.append(f"{where}: {_size(command)} characters in all")
    for option in options:
        problems += command_problems(option, where)
    return problems


def use_settings(bot: CamerabotBot, **changes: object) -> None:
    """Change the running bot's settings (they are read at each use)."""
    bot.settings = replace(bot.settings, **changes)


def gap_lines(settings: Settings) -> list[str]:
    path = settings.state_dir / "gaps.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def only_embed(message) -> discord.Embed:
    assert len(message.embeds) == 1
    return message.embeds[0]


def callbacks_since(env, mark: int) -> list:
    """The interaction responses (callbacks) the bot sent since `mark` = len(env.http_requests)."""
    return [r for r in env.http_requests[mark:] if r.path.endswith("/callback")]


class ScriptedEngine:
    """The real engine, except for scripted answers to some questions."""

    def __init__(self, engine, answers: dict) -> None:
        self._engine = engine
        self._answers = answers

    def ask(self, question: str):
        return self._answers.get(question) or self._engine.ask(question)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


def custom_ids(message) -> list[str]:
    """Every button custom_id of a message (a ResponseMessage, a stored or a discord.Message)."""
    rows = message.components
    ids = []
    for row in rows:
        children = row.get("components", []) if isinstance(row, dict) else row.children
        for child in children:
            custom_id = child.get("custom_id") if isinstance(child, dict) else child.custom_id
            if custom_id:
                ids.append(custom_id)
    return ids


def fact_of(message) -> str | None:
    """The fact an answer message is from: the id in its "ⓘ" button (never shown in public)."""
    for custom_id in custom_ids(message):
        if custom_id.startswith("cb:in:"):
            return custom_id.removeprefix("cb:in:")
    return None
