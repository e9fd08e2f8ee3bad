"""Each server's own settings, set by its admins with /config; unset fields use .env's values."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.state.atomic import atomic_write, file_lock

# Who may press "Wrong or outdated" on answers in a server.
REPORTERS_EVERYONE = "everyone"
REPORTERS_MODERATORS = "moderators"
REPORTERS = (REPORTERS_EVERYONE, REPORTERS_MODERATORS)


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """A server's settings; None means "as in .env"."""

    answer_channel_ids: frozenset[int] | None = None
    cooldown_rate: int | None = None
    cooldown_seconds: float | None = None
    reporters: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored JSON object."""
        return {
            "answer_channel_ids": (
                sorted(self.answer_channel_ids) if self.answer_channel_ids is not None else None
            ),
            "cooldown_rate": self.cooldown_rate,
            "cooldown_seconds": self.cooldown_seconds,
            "reporters": self.reporters,
        }

    @classmethod
    def from_json(cls, data: object) -> ServerSettings:
        """Settings from a stored object; fields that are not valid count as unset."""
        if not isinstance(data, dict):
            return cls()
        channels = data.get("answer_channel_ids")
        rate = data.get("cooldown_rate")
        seconds = data.get("cooldown_seconds")
        reporters = data.get("reporters")
        return cls(
            answer_channel_ids=(
                frozenset(int(c) for c in channels if isinstance(c, int))
                if isinstance(channels, list)
                else None
            ),
            cooldown_rate=rate if isinstance(rate, int) and rate > 0 else None,
            cooldown_seconds=(
                float(seconds) if isinstance(seconds, int | float) and seconds > 0 else None
            ),
            reporters=reporters if reporters in REPORTERS else None,
        )


class SettingsFile:
    """Every server's settings in one JSON file in STATE_DIR, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> dict[int, ServerSettings]:
        """Every server's stored settings; an unreadable file counts as none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        found: dict[int, ServerSettings] = {}
        for key, value in data.items():
            if key.isdigit():
                found[int(key)] = ServerSettings.from_json(value)
        return found

    def get(self, guild_id: int) -> ServerSettings:
        """A server's settings (empty when none are stored)."""
        return self.all().get(guild_id, ServerSettings())

    def put(self, guild_id: int, settings: ServerSettings) -> None:
        """Store a server's settings, under the file's lock (shards write it too)."""
        with file_lock(self.path.with_name(f".{self.path.name}.lock")):
            stored = self.all()
            stored[guild_id] = settings
            data = {str(k): v.to_json() for k, v in sorted(stored.items())}
            atomic_write(self.path, json.dumps(data, indent=2).encode("utf-8"))


# How a direct message is named where moderators read which server a report came from.
DM_LABEL = "DM"


def servers_text(guilds: Iterable[int], names: Mapping[int, str] | None = None) -> str:
    """The servers a question or report came from, for moderators: "Camera Fans, DM".

    A server's name when known (else "server <id>"); 0 stands for a direct message.
    """
    named = sorted((names or {}).get(guild) or f"server {guild}" for guild in set(guilds) if guild)
    if 0 in set(guilds):
        named.append(DM_LABEL)
    return ", ".join(named)
