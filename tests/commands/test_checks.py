"""Who counts as a moderator, for callers that are not a server member."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from commands.checks import is_moderator


def interaction(user: Any, guild: Any) -> Any:
    # Permissions that would allow it: only membership of the server may decide here.
    return SimpleNamespace(
        user=user, guild=guild, permissions=discord.Permissions(manage_guild=True)
    )


def test_only_a_member_of_the_server_can_be_a_moderator() -> None:
    stranger = discord.Object(id=1)  # a User, not a Member: a direct message or a webhook
    server = SimpleNamespace(id=2)
    assert not is_moderator(interaction(stranger, server), frozenset({3}))
    assert not is_moderator(interaction(stranger, None), frozenset({3}))
