"""The moderators' extension: /fact, /kb and /source (_kb), /source drafts, /brand, /partnership."""

from __future__ import annotations

import logging

import discord

from commands.client import CamerabotBot
from commands.moderation._drafts import DraftCommands, drafts_command
from commands.moderation._facts import FactCommands
from commands.moderation._kb import KnowledgeBaseCommands
from commands.moderation._records import RecordCommands
from commands.ui.persistent import SESSION_ITEMS

log = logging.getLogger(__name__)


async def setup(bot: CamerabotBot) -> None:
    """Load the cog into MOD_GUILD_IDS only; without them, moderation from Discord is off."""
    guild_ids = sorted(bot.settings.mod_guild_ids)
    if not guild_ids:
        log.warning(
            "MOD_GUILD_IDS is not set: /fact, /kb and /source are off on Discord "
            "(the command line still works: camerabot fact …, camerabot kb …)"
        )
        return
    log.info("moderators' commands registered in server(s) %s", ", ".join(map(str, guild_ids)))
    guilds = [discord.Object(g) for g in guild_ids]
    bot.add_dynamic_items(*SESSION_ITEMS)
    await bot.add_cog(FactCommands(bot), guilds=guilds)
    knowledge = KnowledgeBaseCommands(bot)
    drafts = DraftCommands(bot)
    # /source drafts lives in its own module but belongs to the /source group.
    source = next(c for c in knowledge.__cog_app_commands__ if c.name == "source")
    assert isinstance(source, discord.app_commands.Group)
    source.add_command(drafts_command(drafts))
    await bot.add_cog(knowledge, guilds=guilds)
    await bot.add_cog(drafts, guilds=guilds)
    await bot.add_cog(RecordCommands(bot), guilds=guilds)
