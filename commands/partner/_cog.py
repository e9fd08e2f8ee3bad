"""Brands and partnerships: /partner (with autocomplete), /partners and /sources."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext.commands import Cog

from bot.facts.limits import CHOICES_PER_AUTOCOMPLETE
from commands.checks import lookup_cooldown
from commands.ui import render as _render
from commands.ui.persistent import (
    ANSWER_ITEMS,
    LIST_ITEMS,
    SESSION_ITEMS,
    brand_view,
    list_reply,
)

if TYPE_CHECKING:
    from commands.client import CamerabotBot
log = logging.getLogger(__name__)

BRAND_MAX = 100


class Partner(Cog):
    """Looks up brands, partnerships and the articles behind them."""

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot

    @app_commands.command(name="partner")
    @lookup_cooldown()
    async def partner(
        self,
        interaction: discord.Interaction[CamerabotBot],
        brand: app_commands.Range[str, 1, BRAND_MAX],
    ) -> None:
        """A brand's camera partnerships, current and ended, with devices, dates and quotes.

        Args:
            interaction: The slash command's interaction.
            brand: A phone maker or camera maker, e.g. Leica or OnePlus (typos are fine).
        """
        engine = self.bot.engine
        lookup = engine.find_brand(brand)
        if lookup.brand is None:
            suggested = lookup.suggestions
            view = brand_view(
                interaction.user.id, [b.id for b in suggested], [b.name for b in suggested]
            )
            text = _render.unknown_brand_text(lookup)
            if view is None:
                await interaction.response.send_message(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True, view=view)
            return
        await interaction.response.send_message(embed=_render.brand_embed(lookup, engine))

    @partner.autocomplete("brand")
    async def brand_autocomplete(
        self, interaction: discord.Interaction[CamerabotBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Brand names and aliases close to what the user typed, best first."""
        brands = self.bot.engine.brand_choices(current, CHOICES_PER_AUTOCOMPLETE)
        return [
            app_commands.Choice(name=_render.choice_text(b.name), value=_render.choice_text(b.name))
            for b in brands[:CHOICES_PER_AUTOCOMPLETE]
        ]

    @app_commands.command(name="partners")
    @lookup_cooldown()
    async def partners(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Every phone maker and camera maker partnership on record, current and ended.

        Args:
            interaction: The slash command's interaction.
        """
        reply = list_reply(self.bot, "pa", 0, interaction.user.id)
        await interaction.response.send_message(**reply)

    @app_commands.command(name="sources")
    @lookup_cooldown()
    async def sources(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """The articles the answers quote, with their dates.

        Args:
            interaction: The slash command's interaction.
        """
        reply = list_reply(self.bot, "so", 0, interaction.user.id)
        await interaction.response.send_message(**reply)


async def setup(bot: CamerabotBot) -> None:
    """Load the cog and serve the buttons of its lists, earlier ones too."""
    bot.add_dynamic_items(*LIST_ITEMS, *ANSWER_ITEMS, *SESSION_ITEMS)
    await bot.add_cog(Partner(bot))
