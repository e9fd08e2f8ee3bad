"""Which server a question came from, carried to where unanswered questions are recorded.

The bot notes the server of each message and slash command in a context variable as it hands
them to the cogs (`asked_in`); every task and worker thread started from there inherits it, so
`ServerTaggedGaps` files an unanswered question under its server without each cog passing it.
"""

from __future__ import annotations

import contextvars

from bot.state.backend import GapStore
from bot.state.gaps import Gap, GapLine

# The server (guild id) of the message or interaction being handled; None: a DM or none.
asked_in: contextvars.ContextVar[int | None] = contextvars.ContextVar("asked_in", default=None)


class ServerTaggedGaps:
    """A GapStore whose records carry the server they were asked in, when the caller omits it."""

    def __init__(self, gaps: GapStore) -> None:
        self.gaps = gaps

    def record(
        self,
        question: str,
        *,
        user_id: int | None = None,
        where: str = "",
        guild_id: int | None = None,
    ) -> None:
        """Record an unanswered question under its server."""
        if guild_id is None and where != "dm":
            guild_id = asked_in.get()
        self.gaps.record(question, user_id=user_id, where=where, guild_id=guild_id)

    def top(self, limit: int = 25, *, exclude: set[str] | None = None) -> list[Gap]:
        """The most asked unanswered questions."""
        return self.gaps.top(limit, exclude=exclude)

    def lines(self) -> list[GapLine]:
        """Every stored question."""
        return self.gaps.lines()

    def import_lines(self, lines: list[GapLine]) -> None:
        """Append stored questions."""
        self.gaps.import_lines(lines)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the questions recorded so far are stored."""
        return self.gaps.flush(timeout)
