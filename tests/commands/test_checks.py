"""Who counts as a moderator, for callers that are not a server member."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from commands.checks import is_moderator, lookup_cooldown, question_cooldown
from commands.cooldown import UserCooldown


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


class Servers:
    """A client whose every server has its own budgets: one question, one look-up a minute."""

    def __init__(self) -> None:
        self.cooldowns: dict[tuple[int | None, bool], UserCooldown] = {}

    def cooldown_for(self, guild_id: int | None, *, lookup: bool = False) -> UserCooldown:
        return self.cooldowns.setdefault((guild_id, lookup), UserCooldown(1, 60))


def asked(client: Servers, guild_id: int | None, at: float = 1_000.0) -> Any:
    return SimpleNamespace(
        client=client,
        guild_id=guild_id,
        user=SimpleNamespace(id=7),
        created_at=datetime.fromtimestamp(at, UTC),
    )


@pytest.mark.parametrize(
    ("cooldown", "lookup"), [(question_cooldown, False), (lookup_cooldown, True)]
)
async def test_a_commands_cooldown_counts_in_the_server_it_is_used_in(
    cooldown: Callable[[], Callable[[Any], Any]], lookup: bool
) -> None:
    async def probe(interaction: discord.Interaction) -> None:
        """A command for the check to guard."""

    command = app_commands.Command(name="probe", description="probe", callback=cooldown()(probe))
    [check] = command.checks
    client = Servers()
    assert await check(asked(client, 10))
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        await check(asked(client, 10, at=1_001.0))
    assert refused.value.retry_after == pytest.approx(59.0)
    # The error carries the bucket that refused (discord.py's CommandOnCooldown.cooldown).
    assert refused.value.cooldown is client.cooldowns[(10, lookup)].bucket(7)
    # Another server and direct messages have budgets of their own.
    assert await check(asked(client, 20, at=1_001.0))
    assert await check(asked(client, None, at=1_001.0))
    assert list(client.cooldowns) == [(10, lookup), (20, lookup), (None, lookup)]
