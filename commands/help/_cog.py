"""/help: what the bot does and how to ask it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext.commands import Cog

from commands.ui import render as _render

if TYPE_CHECKING:
    from commands.client import CamerabotBot
log = logging.getLogger(__name__)


class Help(Cog):
    """Explains the commands."""

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """How to ask camerabot about phone makers' camera partnerships.

        Args:
            interaction: The slash command's interaction.
        """
        me = self.bot.user
        mention = me.mention if me is not None else "@camerabot"
        commands = await self.bot.mentions_of_commands()
        embed = _render.help_embed(mention, commands)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: CamerabotBot) -> None:
    """Load the cog."""
    await bot.add_cog(Help(bot))
