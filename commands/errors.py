"""The one place errors become replies: the command tree's handler, also used by the views.

Expected failures (cooldown, permissions, bad input) get a short ephemeral message; anything else
is logged with its traceback and the user only hears that something went wrong.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import AppCommandError, CommandTree

from commands.origin import asked_in
from commands.ui import render as _render

log = logging.getLogger(__name__)


def expected_message(error: BaseException) -> str | None:
    """The message for an expected failure, or None when the error is a bug."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return _render.cooldown_text(error.retry_after)
    if isinstance(error, app_commands.NoPrivateMessage):
        return _render.GUILD_ONLY
    if isinstance(error, app_commands.BotMissingPermissions):
        return _render.missing_permissions_text(error.missing_permissions)
    if isinstance(error, app_commands.CheckFailure):
        return _render.NO_PERMISSION
    if isinstance(error, app_commands.TransformerError):
        return _render.BAD_INPUT
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        log.warning("out-of-date command invoked: %s (run `camerabot sync`)", error)
        return _render.OUT_OF_DATE
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Tell the user what went wrong (once, ephemerally); log the traceback of unexpected errors."""
    message = expected_message(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else "-"
        log.error(
            "error in interaction (command %s, user %s, guild %s)",
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
        message = _render.SOMETHING_WENT_WRONG
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not report an error to user %s", interaction.user.id, exc_info=True)


class CamerabotTree(CommandTree[Any]):
    """The command tree, with the bot's one error handler."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Note the command's server for what it records (its task and threads inherit it)."""
        asked_in.set(interaction.guild_id)
        return True

    async def on_error(self, interaction: discord.Interaction[Any], error: AppCommandError) -> None:
        """Reply to a failed command once, and log it when it is a bug."""
        await report_error(interaction, error)
