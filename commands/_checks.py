"""Checks shared by the cogs: the question cooldown, and who counts as a moderator.

`moderator_only()` both hides a command from members without Manage Server (Discord's
`default_permissions`, which server admins may override) and enforces it when the command runs
(Manage Server, or a role in MODERATOR_ROLE_IDS), since the first alone is only a default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.app import CamerabotBot

T = TypeVar("T")


def is_moderator(interaction: discord.Interaction[Any], moderator_role_ids: frozenset[int]) -> bool:
    """Whether the user may moderate here: Manage Server, or one of the moderator roles."""
    user = interaction.user
    if interaction.guild is None or not isinstance(user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    return any(role.id in moderator_role_ids for role in user.roles)


async def _moderator_predicate(interaction: discord.Interaction[CamerabotBot]) -> bool:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage
    if not is_moderator(interaction, interaction.client.settings.moderator_role_ids):
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


def moderator_only() -> Callable[[T], T]:
    """Hide a command from non-moderators and refuse it at run time to anyone else."""

    def decorator(func: T) -> T:
        func = app_commands.check(_moderator_predicate)(func)
        func = app_commands.guild_only()(func)
        return app_commands.default_permissions(manage_guild=True)(func)

    return decorator


async def _cooldown_predicate(interaction: discord.Interaction[CamerabotBot]) -> bool:
    cooldown = interaction.client.cooldown
    now = interaction.created_at.timestamp()
    retry_after = cooldown.hit(interaction.user.id, now)
    if retry_after is not None:
        raise app_commands.CommandOnCooldown(cooldown.bucket(interaction.user.id), retry_after)
    return True


def question_cooldown() -> Callable[[T], T]:
    """Count the command against the user's shared question cooldown."""
    check: Any = app_commands.check(_cooldown_predicate)
    return check
