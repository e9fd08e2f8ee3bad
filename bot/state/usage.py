"""Usage figures: each question asked, whether it was answered, and the server it came from.

One JSON line a question in `STATE_DIR/usage.jsonl`, appended under a lock that every process
sharing the folder respects. `UsageLog` is the interface a moderator's `/kb stats` and
`camerabot kb stats` read (`record`, `figures`): another backend may stand in for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.state import jsonl

log = logging.getLogger(__name__)

USAGE_FILE = "usage.jsonl"
# Where a question came from when it was not in a server.
DIRECT = "direct messages"


@dataclass(frozen=True, slots=True)
class Usage:
    """How many questions one server (or all of them) asked, and how many were answered."""

    where: str
    asked: int
    answered: int

    @property
    def answered_share(self) -> float:
        """The share of questions answered, 0 to 1 (0 when none were asked)."""
        return self.answered / self.asked if self.asked else 0.0


class UsageLog:
    """Counts questions per server in an append-only log shared by every process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, *, server: int | None, answered: bool) -> None:
        """Count one question from `server` (None: a direct message)."""
        line = {
            "server": server,
            "answered": bool(answered),
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        with jsonl.locked(self.path, "a") as handle:
            jsonl.append(handle, line)

    def figures(self) -> tuple[Usage, list[Usage]]:
        """The totals, then each server's figures, most questions first."""
        counts: dict[str, list[int]] = {}
        if self.path.is_file():
            with jsonl.locked(self.path, "r") as handle:
                for item in jsonl.good_lines(handle, self.path, jsonl.json_object, log):
                    server = item.get("server")
                    where = str(server) if isinstance(server, int) else DIRECT
                    tally = counts.setdefault(where, [0, 0])
                    tally[0] += 1
                    tally[1] += item.get("answered") is True
        servers = [Usage(where, asked, answered) for where, (asked, answered) in counts.items()]
        servers.sort(key=lambda usage: (-usage.asked, usage.where))
        total = Usage("all", sum(u.asked for u in servers), sum(u.answered for u in servers))
        return total, servers


def usage_lines(
    total: Usage, servers: list[Usage], names: dict[str, str] | None = None
) -> list[str]:
    """The figures as text lines: the totals, then one line a server (named when known)."""
    names = names or {}

    def line(usage: Usage, label: str) -> str:
        share = f"{usage.answered_share:.0%}"
        return f"{label}: {usage.asked} asked, {usage.answered} answered ({share})"

    if not total.asked:
        return ["no questions counted yet"]
    return [line(total, "All servers")] + [
        line(usage, names.get(usage.where, usage.where)) for usage in servers
    ]
