"""Checks shared by the cogs: the question cooldown, and who counts as a moderator.

The moderators' commands exist only in MOD_GUILD_IDS (the servers whose moderators keep the
shared fact base), and `moderator_only()` checks that again when a command runs: the server must
be one of them, and the member must have Manage Server there or a role in MODERATOR_ROLE_IDS.
Discord's `default_permissions` (hiding the commands from other members) is only a default that a
server's admins may change, never the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.runtime.config import Settings
    from commands.client import CamerabotBot
    from commands.cooldown import UserCooldown
T = TypeVar("T")


def is_moderator(interaction: discord.Interaction[Any], settings: Settings) -> bool:
    """Whether the user may moderate here: in a MOD_GUILD_IDS server, Manage Server or a role."""
    user = interaction.user
    if interaction.guild is None or not isinstance(user, discord.Member):
        return False
    if interaction.guild.id not in settings.mod_guild_ids:
        return False
    if interaction.permissions.manage_guild:
        return True
    return any(role.id in settings.moderator_role_ids for role in user.roles)


async def _moderator_predicate(interaction: discord.Interaction[CamerabotBot]) -> bool:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage
    if not is_moderator(interaction, interaction.client.settings):
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
    return _counted(interaction, interaction.client.cooldown_for(interaction.guild_id))


async def _lookup_cooldown_predicate(interaction: discord.Interaction[CamerabotBot]) -> bool:
    return _counted(interaction, interaction.client.cooldown_for(interaction.guild_id, lookup=True))


def _counted(interaction: discord.Interaction[CamerabotBot], cooldown: UserCooldown) -> bool:
    """Count one use against `cooldown`; CommandOnCooldown (a private reply) when over it."""
    now = interaction.created_at.timestamp()
    retry_after = cooldown.hit(interaction.user.id, now)
    if retry_after is not None:
        raise app_commands.CommandOnCooldown(cooldown.bucket(interaction.user.id), retry_after)
    return True


def question_cooldown() -> Callable[[T], T]:
    """Count the command against the user's shared question cooldown."""
    check: Callable[[T], T] = app_commands.check(_cooldown_predicate)
    return check


def lookup_cooldown() -> Callable[[T], T]:
    """Count a cheap look-up (/partner, /partners, /sources) against its own, larger budget."""
    check: Callable[[T], T] = app_commands.check(_lookup_cooldown_predicate)
    return check
