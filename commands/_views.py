"""The suggestion buttons shown when the bot abstains: pressing one answers that question."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import ButtonStyle, ui

from bot.answers import Suggestion
from commands import _render
from commands._errors import report_error

if TYPE_CHECKING:
    from bot.app import CamerabotBot

log = logging.getLogger(__name__)

SUGGESTIONS_MAX = 3
# Interaction tokens last 15 minutes; the buttons go a little before that.
SUGGESTION_TIMEOUT = 600.0


class SuggestionButton(ui.Button["SuggestionView"]):
    """One suggested question; pressing it replaces the "I don't know" with that answer."""

    def __init__(self, suggestion: Suggestion) -> None:
        super().__init__(label=_render.button_label(suggestion.question), style=ButtonStyle.primary)
        self.suggestion = suggestion

    async def callback(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Answer the suggested question in place of the abstention."""
        view = self.view
        question = view.question if view else self.suggestion.question
        try:
            answer = interaction.client.engine.answer_entry(question, self.suggestion.fact_id)
        except KeyError:
            await interaction.response.edit_message(content=_render.ANSWER_GONE, view=None)
        else:
            embed = _render.answer_embed(answer)
            await interaction.response.edit_message(content=None, embed=embed, view=None)
        if view is not None:
            view.stop()


class SuggestionView(ui.View):
    """Up to three suggestion buttons that only the person who asked may press."""

    def __init__(
        self,
        owner_id: int,
        question: str,
        suggestions: Sequence[Suggestion],
        *,
        timeout: float = SUGGESTION_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.question = question
        self.clear_on_timeout: Callable[[], Awaitable[Any]] | None = None
        for suggestion in suggestions[:SUGGESTIONS_MAX]:
            self.add_item(SuggestionButton(suggestion))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person who asked may press; others get a private refusal."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(_render.NOT_YOURS, ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        """Remove the buttons once they can no longer be answered."""
        if self.clear_on_timeout is None:
            return
        try:
            await self.clear_on_timeout()
        except discord.HTTPException:
            log.debug("could not remove expired suggestion buttons", exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: ui.Item[Any]
    ) -> None:
        """Button errors go through the same handler as command errors."""
        await report_error(interaction, error)
