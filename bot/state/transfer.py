"""Copying run-time state from one backend to another (`camerabot state migrate`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import CamerabotError
from bot.state.backend import StateBackend


class StateNotEmpty(CamerabotError):  # noqa: N818 - it names what happened
    """The target backend holds state already: copying would mix two histories."""


@dataclass(frozen=True, slots=True)
class Copied:
    """How much was copied, by kind."""

    history: int
    gaps: int
    votes: int
    servers: int
    values: int


def copy_state(source: StateBackend, target: StateBackend) -> Copied:
    """Copy every piece of `source`'s state into an empty `target`, in its original order.

    Refused (StateNotEmpty) when the target has history, questions or votes already, or when
    the source has a change under way (finish it first: any change or start settles it).
    """
    if source.journal.exists():
        raise StateNotEmpty(
            f"the {source.name} state has a change under way; run any change (or start the bot) "
            "to settle it, then migrate"
        )
    if target.audit.last() is not None or target.gaps.lines() or target.feedback.records():
        raise StateNotEmpty(
            f"the {target.name} state is not empty: nothing was copied, so two histories are "
            "never mixed"
        )
    entries = list(source.audit.entries())
    for entry in entries:
        target.audit.append(entry)
    lines = source.gaps.lines()
    target.gaps.import_lines(lines)
    votes = source.feedback.records()
    target.feedback.import_records(votes)
    servers = source.settings.all()
    for guild_id, settings in servers.items():
        target.settings.put(guild_id, settings)
    values = source.values.all()
    for key, value in values.items():
        target.values.put(key, value)
    return Copied(len(entries), len(lines), len(votes), len(servers), len(values))
