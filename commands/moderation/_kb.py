"""/kb and /source: moderators undo, reload, validate and export the fact base, and add sources."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands

import commands.moderation._render as render
from bot.engine.timeline import stale_facts
from bot.facts.validation import parse_date
from bot.state.usage import usage_lines
from bot.store import (
    ChangeRejected,
    StoreError,
)
from commands.checks import moderator_only
from commands.client import CamerabotBot
from commands.moderation._base import (
    DATE_MAX,
    FEEDBACK_MAX,
    FILE_BYTES_PER_MESSAGE,
    MODERATORS_ONLY,
    SOURCE_BYTES_MAX,
    SOURCE_ID_MAX,
    TITLE_MAX,
    URL_MAX,
    ModerationCog,
    actor_of,
    batches,
    export_name,
)
from commands.moderation._views import (
    GAPS_MAX,
    ConfirmView,
    FeedbackView,
    GapsView,
)
from commands.ui.render import echo

log = logging.getLogger(__name__)
NO_STALE = "No fact is older than the records of its brands."
STALE_LINE_MAX = 300
STALE_SHOWN = 25
STALE_MESSAGE_MAX = 1900


class KnowledgeBaseCommands(ModerationCog, name="KnowledgeBase"):
    """/kb undo, redo, reload, validate, export, gaps and feedback; /source add."""

    kb = app_commands.Group(
        name="kb",
        description="The fact base: undo, reload, validate, export, gaps, readers' feedback",
        **MODERATORS_ONLY,
    )
    source = app_commands.Group(
        name="source", description="Add a source article (moderators)", **MODERATORS_ONLY
    )

    @kb.command(name="undo")
    @moderator_only()
    async def kb_undo(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Revert the newest change not yet undone, whoever made it, after you confirm.

        Args:
            interaction: The slash command's interaction.
        """
        await self._step(interaction, redo=False)

    @kb.command(name="redo")
    @moderator_only()
    async def kb_redo(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Make the newest undone change again, after you confirm.

        Args:
            interaction: The slash command's interaction.
        """
        await self._step(interaction, redo=True)

    async def _step(self, interaction: discord.Interaction[CamerabotBot], *, redo: bool) -> None:
        """Show the change an undo (or redo) would take, then take it when confirmed."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        entry = await self.read_store(self.store.next_redo if redo else self.store.last_change)
        if entry is None:
            nothing = render.NOTHING_TO_REDO if redo else render.NOTHING_TO_UNDO
            await interaction.followup.send(nothing, ephemeral=True)
            return

        async def step(pressed: discord.Interaction[Any]) -> None:
            await pressed.response.defer()
            actor = actor_of(pressed.user)
            try:
                change = await self.bot.change_knowledge(
                    lambda: (
                        self.store.redo(actor=actor, expected=entry.id)
                        if redo
                        else self.store.undo(actor=actor, expected=entry.id)
                    )
                )
            except ChangeRejected as error:
                embed = render.refused_embed(error)
                await pressed.edit_original_response(content=None, embeds=[embed], view=None)
                return
            except StoreError as error:  # stale, nothing to undo, the lock, the state folder
                text = f"Not {'redone' if redo else 'undone'}: {echo(str(error), 1900)}"
                await pressed.edit_original_response(content=text, embeds=[], view=None)
                return
            await pressed.edit_original_response(
                content=render.undone_text(change, redo=redo), embeds=[], view=None
            )
            await self.post_change(pressed, change)

        view = ConfirmView(interaction.user.id, "Redo" if redo else "Undo", step)
        view.origin = interaction
        embed = render.undo_embed(entry, redo=redo)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    @kb.command(name="reload")
    @moderator_only()
    async def kb_reload(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Re-read knowledge/ now (it is watched anyway); problems keep the last good version.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.reload_knowledge(force=True)
        embed = render.reload_embed(result, self.bot.engine.base)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @kb.command(name="validate")
    @moderator_only()
    async def kb_validate(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Check the knowledge files on disk: every problem with its file and line.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await asyncio.to_thread(self.store.validate)
        embed = render.validate_embed(problems, self.bot.engine.base)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @kb.command(name="export")
    @moderator_only()
    async def kb_export(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """The fact base's YAML files, attached.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        root = self.store.root

        def read() -> list[tuple[str, bytes]]:
            return [(export_name(p, root), p.read_bytes()) for p in self.store.export()]

        files = await asyncio.to_thread(read)
        fitting = [(n, d) for n, d in files if len(d) <= FILE_BYTES_PER_MESSAGE]
        skipped = [n for n, d in files if len(d) > FILE_BYTES_PER_MESSAGE]
        groups = batches([len(d) for _, d in fitting]) or [[]]
        for number, group in enumerate(groups, start=1):
            attached = [
                discord.File(io.BytesIO(fitting[i][1]), filename=fitting[i][0]) for i in group
            ]
            text = render.export_text(len(fitting), number, len(groups), skipped)
            await interaction.followup.send(text, files=attached, ephemeral=True)

    @kb.command(name="gaps")
    @moderator_only()
    async def kb_gaps(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Questions the bot could not answer, most asked first; a button turns one into a fact.

        Args:
            interaction: The slash command's interaction.
        """
        # Each question is asked of the engine, between changes: a reload may hold the lock.
        await interaction.response.defer(ephemeral=True, thinking=True)
        gaps = await self.bot.read_knowledge(
            lambda: self.store.gaps(self.bot.engine, limit=GAPS_MAX)
        )
        if not gaps:
            await interaction.followup.send(render.NO_GAPS, ephemeral=True)
            return
        view = GapsView(self, interaction.user.id, gaps)
        view.origin = interaction
        await interaction.followup.send(embed=view.page_embed(), view=view, ephemeral=True)

    @kb.command(name="stats")
    @moderator_only()
    async def kb_stats(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Questions asked and the share answered, in all and per server.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        total, servers = await asyncio.to_thread(self.bot.usage.figures)
        names = {str(guild.id): guild.name for guild in self.bot.guilds}
        text = "\n".join(usage_lines(total, servers, names))
        await interaction.followup.send(
            discord.utils.escape_mentions(discord.utils.escape_markdown(text))[:1900],
            ephemeral=True,
        )

    @kb.command(name="stale")
    @moderator_only()
    async def kb_stale(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Facts a newer source about their brands may overtake, with what is newer.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        stale = await asyncio.to_thread(stale_facts, self.bot.engine.base)
        if not stale:
            await interaction.followup.send(NO_STALE, ephemeral=True)
            return
        lines = [f"- {fact.line()}"[:STALE_LINE_MAX] for fact in stale[:STALE_SHOWN]]
        if len(stale) > STALE_SHOWN:
            lines.append(f"…and {len(stale) - STALE_SHOWN} more (camerabot kb stale lists all).")
        lines.append("Citing the newer source with /fact edit reviews a fact.")
        # Several messages rather than one cut short: each line whole, each message in bounds.
        messages: list[str] = []
        for line in lines:
            escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(line))
            if not messages or len(messages[-1]) + len(escaped) + 1 > STALE_MESSAGE_MAX:
                messages.append(escaped)
            else:
                messages[-1] += "\n" + escaped
        for message in messages:
            await interaction.followup.send(message, ephemeral=True)

    @kb.command(name="feedback")
    @moderator_only()
    async def kb_feedback(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Answers readers reported wrong or outdated, most reported first, with their reasons.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        reports = await asyncio.to_thread(self.bot.feedback.summary, FEEDBACK_MAX)
        if not reports:
            await interaction.followup.send(render.NO_FEEDBACK, ephemeral=True)
            return
        view = FeedbackView(self, interaction.user.id, reports)
        view.origin = interaction
        await interaction.followup.send(embed=view.page_embed(), view=view, ephemeral=True)

    # /source

    @source.command(name="add")
    @moderator_only()
    @app_commands.rename(source_id="id")
    async def source_add(
        self,
        interaction: discord.Interaction[CamerabotBot],
        title: app_commands.Range[str, 1, TITLE_MAX],
        date: app_commands.Range[str, 1, DATE_MAX],
        text: discord.Attachment,
        url: app_commands.Range[str, 1, URL_MAX] | None = None,
        source_id: app_commands.Range[str, 1, SOURCE_ID_MAX] | None = None,
    ) -> None:
        """Add a source article: its title, date and text (a UTF-8 .txt file).

        Args:
            interaction: The slash command's interaction.
            title: The article's title, as published.
            date: The article's date, YYYY-MM-DD.
            text: The article's text as a UTF-8 text file (at most 1 MB).
            url: Where the article was published, if online.
            source_id: Its id (lower-case letters, digits, '-'); default from the title.
        """
        problem = date_problem(date) or size_problem(text)
        if problem:
            await interaction.response.send_message(problem, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            body = (await text.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            await interaction.followup.send(NOT_UTF8, ephemeral=True)
            return
        actor = actor_of(interaction.user)
        try:
            change = await self.bot.change_knowledge(
                lambda: self.store.add_source(source_id, title, date, url or "", body, actor=actor)
            )
        except ChangeRejected as error:
            await interaction.followup.send(embed=render.refused_embed(error), ephemeral=True)
            return
        await interaction.followup.send(render.source_added_text(change), ephemeral=True)
        await self.post_change(interaction, change)


NOT_UTF8 = "Not added: the text file must be UTF-8 text (save it as UTF-8 .txt and try again)."


def date_problem(date: str) -> str | None:
    """Why a source date is refused, or None."""
    if parse_date(date) is not None:
        return None
    return f"Not added: the date must be a real date written YYYY-MM-DD, not {echo(date, 20)}."


def size_problem(attachment: discord.Attachment) -> str | None:
    """Why a source text attachment is refused before reading it, or None."""
    if attachment.size > SOURCE_BYTES_MAX:
        return (
            f"Not added: the text file is {attachment.size:,} bytes; "
            f"at most {SOURCE_BYTES_MAX:,} are accepted."
        )
    return None
