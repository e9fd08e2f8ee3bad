"""/fact: moderators add, edit, remove and look at facts."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

import commands.moderation._render as render
from bot.engine.answer import day_label
from bot.runtime.worklists import fact_review
from bot.store import (
    StaleEdit,
    StoreError,
    UnknownFact,
    record_version,
)
from commands.checks import moderator_only
from commands.client import CamerabotBot
from commands.moderation._base import (
    FACT_ID_MAX,
    MODERATORS_ONLY,
    ModerationCog,
    actor_of,
    fact_id_autocomplete,
)
from commands.moderation._forms import (
    draft_from_record,
)
from commands.moderation._views import (
    ConfirmView,
    HistoryView,
)
from commands.ui.render import echo

log = logging.getLogger(__name__)


class FactCommands(ModerationCog, name="Facts"):
    """/fact add, edit, remove, show and history."""

    fact = app_commands.Group(
        name="fact",
        description="Add, edit, remove or look at a fact (moderators)",
        **MODERATORS_ONLY,
    )

    @fact.command(name="add")
    @moderator_only()
    async def fact_add(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Add a fact: a form, a preview with the brands it names, then Save.

        Args:
            interaction: The slash command's interaction.
        """
        await self.open_add_form(interaction)

    @fact.command(name="edit")
    @moderator_only()
    @app_commands.autocomplete(fact=fact_id_autocomplete)
    async def fact_edit(
        self,
        interaction: discord.Interaction[CamerabotBot],
        fact: app_commands.Range[str, 1, FACT_ID_MAX],
    ) -> None:
        """Edit a fact: the form, pre-filled; saved only if nobody changed it meanwhile.

        Args:
            interaction: The slash command's interaction.
            fact: The fact's id (start typing its id or question).
        """
        await self.open_edit_form(interaction, fact)

    @fact.command(name="remove")
    @moderator_only()
    @app_commands.autocomplete(fact=fact_id_autocomplete)
    async def fact_remove(
        self,
        interaction: discord.Interaction[CamerabotBot],
        fact: app_commands.Range[str, 1, FACT_ID_MAX],
    ) -> None:
        """Remove a fact, after you confirm (/kb undo puts it back).

        Args:
            interaction: The slash command's interaction.
            fact: The fact's id (start typing its id or question).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = await self.target_or_reply(interaction, fact)
        if target is None:
            return

        async def remove(pressed: discord.Interaction[Any]) -> None:
            await pressed.response.defer()
            try:
                change = await self.bot.change_knowledge(
                    lambda: self.store.remove_fact(
                        fact, base_version=target.version, actor=actor_of(pressed.user)
                    )
                )
            except (StaleEdit, UnknownFact) as error:
                text = render.not_removed_text(fact, gone=isinstance(error, UnknownFact))
                await pressed.edit_original_response(content=text, embeds=[], view=None)
                return
            except StoreError as error:  # the lock, a file held open or in a kept style
                text = f"Not removed: {echo(str(error), 1900)}"
                await pressed.edit_original_response(content=text, embeds=[], view=None)
                return
            text = render.removed_text(fact)
            await pressed.edit_original_response(content=text, embeds=[], view=None)
            await self.post_change(pressed, change)

        view = ConfirmView(interaction.user.id, "Remove", remove)
        view.origin = interaction
        await interaction.followup.send(
            f"Remove fact {render.fact_ref(fact)}?",
            embed=render.remove_embed(fact, draft_from_record(target.record)),
            view=view,
            ephemeral=True,
        )

    @fact.command(name="show")
    @moderator_only()
    @app_commands.autocomplete(fact=fact_id_autocomplete)
    async def fact_show(
        self,
        interaction: discord.Interaction[CamerabotBot],
        fact: app_commands.Range[str, 1, FACT_ID_MAX],
    ) -> None:
        """A fact's record as YAML, with its file and version.

        Args:
            interaction: The slash command's interaction.
            fact: The fact's id (start typing its id or question).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        store = self.store

        def read() -> tuple[str, str, str]:
            record = store.fact_record(fact)
            path = store.file_of(fact).relative_to(store.root)
            return store.show_fact(fact), str(path), record_version(record) or ""

        try:
            text, file, version = await self.read_store(read)
        except UnknownFact:
            await self.unknown_fact(interaction, fact)
            return
        embed = render.show_embed(fact, text, file, version)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @fact.command(name="history")
    @moderator_only()
    @app_commands.autocomplete(fact=fact_id_autocomplete)
    async def fact_history(
        self,
        interaction: discord.Interaction[CamerabotBot],
        fact: app_commands.Range[str, 1, FACT_ID_MAX],
    ) -> None:
        """Who changed a fact, when, and what; newest first.

        Args:
            interaction: The slash command's interaction.
            fact: The fact's id (start typing its id or question; removed facts work too).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        entries = await self.read_store(lambda: self.store.history(fact))
        review = await self.read_store(lambda: fact_review(self.bot.state, fact))
        if not entries and review is None and fact not in self.bot.engine.base.facts:
            await self.unknown_fact(interaction, fact)
            return
        note = ""
        if review is not None:
            note = render.review_note(review.by, review.at, day_label(review.against) or "")
        view = HistoryView(interaction.user.id, fact, entries, review=note)
        embed = view.render()
        view.origin = interaction
        if view.pages > 1:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, ephemeral=True)

    # /kb
