"""Helpers shared by the moderators' command tests (this module holds no tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from bot.store import slugify

SOURCE = "article-2022-05-23"
# A question the shipped fact base does not answer, and a fact that answers it.
QUESTION = "Which devices does Zeiss design cameras for at Vivo?"
ANSWER = "Zeiss works on the cameras of Vivo's flagship smartphones."
QUOTE = "Vivo has a partnership with Zeiss for its cameras for flagship smartphones"
NEW_FACT_ID = slugify(QUESTION)
# The /fact edit form of the shipped fact leica-country, pre-filled.
LEICA_COUNTRY_FORM = {
    "question": "Where is Leica from?",
    "phrasings": "Is Leica a German company?\nWhich country is Leica based in?\n"
    "What nationality is Leica?",
    "answer": "Leica is a German camera maker.",
    "source": SOURCE,
    "quote": "Leica, the German camera manufacturer",
}


def fact_form(**changes: str) -> dict[str, str]:
    """Valid values for the fact form (by input custom_id); override any of them.

    The source is the one the form is pre-filled with (the newest), left as it is.
    """
    values = {"question": QUESTION, "answer": ANSWER, "source": SOURCE, "quote": QUOTE}
    values.update(changes)
    return values


def modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """A modal payload's text inputs, each with its label and description added."""
    inputs = []
    for component in modal["components"]:
        if component.get("type") == 18:  # a Label around its input
            inputs.append(
                {
                    **component["component"],
                    "label": component["label"],
                    "description": component.get("description"),
                }
            )
        else:
            inputs += [dict(child) for child in component.get("components", [])]
    return inputs


def prefilled(modal: dict[str, Any]) -> dict[str, str]:
    """What a modal shows pre-filled, by input custom_id ("" when empty)."""
    return {item["custom_id"]: item.get("value") or "" for item in modal_inputs(modal)}


def stored(env, result) -> Any:
    """The backend's current copy of an interaction's response message (after later edits)."""
    message = result.response
    return env.backend.get_message(message.channel_id, message.id)


def labels(message: Any) -> list[str]:
    """The button labels of a message (backend message or ResponseMessage)."""
    return [
        c["label"]
        for row in message.components
        for c in row.get("components", [])
        if c.get("type") == discord.ComponentType.button.value
    ]


def menu_id(message: Any, placeholder: str) -> str:
    """The custom_id of a message's select menu whose placeholder starts so."""
    [found] = [
        c["custom_id"]
        for row in message.components
        for c in row.get("components", [])
        if c.get("type") == discord.ComponentType.select.value
        and str(c.get("placeholder", "")).startswith(placeholder)
    ]
    return str(found)


def option_of(message: Any, placeholder: str, text: str) -> str:
    """The value of the option whose label holds `text`, in the menu whose placeholder starts so."""
    [found] = [
        option["value"]
        for row in message.components
        for c in row.get("components", [])
        if c.get("type") == discord.ComponentType.select.value
        and str(c.get("placeholder", "")).startswith(placeholder)
        for option in c.get("options", [])
        if text in option["label"]
    ]
    return str(found)


def embeds_of(message: Any) -> list[discord.Embed]:
    """A backend message's embeds."""
    return [discord.Embed.from_dict(e) for e in message.embeds]


def reply(result) -> Any:
    """The message a (possibly deferred) command answered with."""
    return result.followups[0] if result.followups else result.response


async def add_fact(member, channel, env, **changes: str) -> tuple[Any, Any]:
    """/fact add, fill the form, press Save: (the preview result, the Save result)."""
    shown = await member.slash(channel, "fact add")
    preview = await member.submit_modal(shown, fact_form(**changes))
    saved = await member.click(preview.response, label="Save")
    return preview, saved


def knowledge_files(root: Path) -> dict[str, bytes]:
    """Every file under knowledge/, to check that nothing changed."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def audit_lines(state: Path) -> list[str]:
    """The audit log's lines."""
    path = state / "audit.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def posted_payloads(env, mark: int) -> list[dict[str, Any]]:
    """The bodies of every message the bot posted or edited since `mark`."""
    payloads = []
    for request in env.http_requests[mark:]:
        body = request.json
        if request.method in ("POST", "PATCH") and isinstance(body, dict):
            data = body.get("data", body)
            if isinstance(data, dict) and ("content" in data or "embeds" in data):
                payloads.append(data)
    return payloads
