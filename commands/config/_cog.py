"""/config: a server's answer channels, cooldown and who may report answers (Manage Server).

Stored in the state backend (STATE_DIR's files or PostgreSQL), so every process and host sees
them; what a server has not set comes from .env. The bot keeps them in memory: answering never
waits on the state backend.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.errors import CamerabotError
from bot.state.settings import REPORTERS_EVERYONE, ServerSettings
from commands.ui.render import echo

if TYPE_CHECKING:
    from commands.client import CamerabotBot
log = logging.getLogger(__name__)

MAX_ANSWER_CHANNELS = 25
NO_MESSAGE_CONTENT_NOTE = (
    "\nThis bot runs without the Message Content intent, so it cannot read plain messages: "
    "until its owner sets ANSWER_CHANNEL_IDS (which turns the intent on), only mentions are "
    "answered there."
)


async def _admin(interaction: discord.Interaction[CamerabotBot]) -> bool:
    """Only in a server, only for members with Manage Server there (checked at every run)."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


def describe(bot: CamerabotBot, guild_id: int) -> str:
    """The server's settings in effect, each marked as set here or from the defaults."""
    own = bot.server_settings.get(guild_id, ServerSettings())
    now = bot.effective_settings(guild_id)

    def origin(value: object) -> str:
        return "" if value is None else " (set for this server)"

    channels = ", ".join(f"<#{channel}>" for channel in sorted(now.answer_channel_ids)) or "none"
    reporters = "everyone" if now.reporters == REPORTERS_EVERYONE else "moderators only"
    return "\n".join(
        [
            f"**Answer channels** (plain questions answered): {channels}"
            + origin(own.answer_channel_ids),
            f"**Cooldown**: {now.cooldown_rate} questions every {now.cooldown_seconds:g} s"
            + origin(own.cooldown_rate),
            f"**Who may report answers wrong**: {reporters}" + origin(own.reporters),
        ]
    )


class Config(Cog):
    """Each server's settings, for its admins."""

    config = app_commands.Group(
        name="config",
        description="This server's camerabot settings (Manage Server)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot

    async def _save(
        self,
        interaction: discord.Interaction[CamerabotBot],
        settings: ServerSettings,
        *,
        note: str = "",
    ) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None  # guild_only
        try:
            await asyncio.to_thread(self.bot.state.settings.put, guild_id, settings)
        except (CamerabotError, OSError) as error:
            log.warning("could not store the settings of server %s: %s", guild_id, error)
            await interaction.response.send_message(
                f"The settings could not be saved: {echo(str(error), 300)}", ephemeral=True
            )
            return
        self.bot.server_settings[guild_id] = settings
        log.info("server %s settings changed by user %s", guild_id, interaction.user.id)
        await interaction.response.send_message(
            "Saved.\n" + describe(self.bot, guild_id) + note, ephemeral=True
        )

    def _own(self, interaction: discord.Interaction[CamerabotBot]) -> ServerSettings:
        return self.bot.server_settings.get(interaction.guild_id or 0, ServerSettings())

    @config.command(name="show")
    @app_commands.check(_admin)
    async def show(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """This server's settings, and which come from the bot's defaults.

        Args:
            interaction: The slash command's interaction.
        """
        assert interaction.guild_id is not None
        await interaction.response.send_message(
            describe(self.bot, interaction.guild_id), ephemeral=True
        )

    @config.command(name="answer-channel")
    @app_commands.check(_admin)
    async def answer_channel(
        self,
        interaction: discord.Interaction[CamerabotBot],
        action: Literal["add", "remove", "none", "default"],
        channel: discord.TextChannel | discord.ForumChannel | None = None,
    ) -> None:
        """Where plain questions are answered without a mention.

        Args:
            interaction: The slash command's interaction.
            action: add or remove a channel; none: no channel; default: the bot's default.
            channel: The channel to add or remove.
        """
        own = self._own(interaction)
        channels: frozenset[int] | None
        if action in ("add", "remove") and channel is None:
            await interaction.response.send_message(
                f"Name the channel to {action}.", ephemeral=True
            )
            return
        if action == "default":
            channels = None
        elif action == "none":
            channels = frozenset()
        else:
            assert channel is not None
            current = own.answer_channel_ids
            if current is None:
                current = self.bot.effective_settings(interaction.guild_id).answer_channel_ids
            channels = current | {channel.id} if action == "add" else current - {channel.id}
            if len(channels) > MAX_ANSWER_CHANNELS:
                await interaction.response.send_message(
                    f"At most {MAX_ANSWER_CHANNELS} answer channels.", ephemeral=True
                )
                return
        note = ""
        if channels and not self.bot.intents.message_content:
            # Without the intent Discord sends the bot no text of plain messages: say so.
            note = NO_MESSAGE_CONTENT_NOTE
        changed = dataclasses.replace(own, answer_channel_ids=channels)
        await self._save(interaction, changed, note=note)

    @config.command(name="cooldown")
    @app_commands.check(_admin)
    async def cooldown(
        self,
        interaction: discord.Interaction[CamerabotBot],
        questions: app_commands.Range[int, 1, 100] | None = None,
        seconds: app_commands.Range[float, 1.0, 3600.0] | None = None,
    ) -> None:
        """How many questions each member may ask in how many seconds (none: the default).

        Args:
            interaction: The slash command's interaction.
            questions: Questions allowed in the period; leave both out for the bot's default.
            seconds: The period, in seconds.
        """
        own = self._own(interaction)
        changed = dataclasses.replace(own, cooldown_rate=questions, cooldown_seconds=seconds)
        await self._save(interaction, changed)

    @config.command(name="reporters")
    @app_commands.check(_admin)
    async def reporters(
        self,
        interaction: discord.Interaction[CamerabotBot],
        who: Literal["everyone", "moderators", "default"],
    ) -> None:
        """Who may press "Wrong or outdated" under answers in this server.

        Args:
            interaction: The slash command's interaction.
            who: everyone; moderators (Manage Server or a moderator role); default.
        """
        own = self._own(interaction)
        value = None if who == "default" else who
        await self._save(interaction, dataclasses.replace(own, reporters=value))

    @config.command(name="reset")
    @app_commands.check(_admin)
    async def reset(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Every setting back to the bot's defaults.

        Args:
            interaction: The slash command's interaction.
        """
        await self._save(interaction, ServerSettings())


async def setup(bot: CamerabotBot) -> None:
    """Load the cog."""
    await bot.add_cog(Config(bot))
