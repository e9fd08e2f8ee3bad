"""/kb and /source: moderators undo, reload, validate, export and import the fact base; sources."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands

import commands.moderation._render as render
from bot.engine.answer import day_label
from bot.engine.timeline import stale_facts
from bot.facts.validation import parse_date
from bot.runtime.worklists import PhrasingAdded, add_gap_phrasing, review_stale
from bot.state.audit import Kind
from bot.state.backend import open_reports
from bot.state.gaps import Gap
from bot.state.usage import usage_lines
from bot.store import (
    Change,
    ChangeRejected,
    StoreError,
)
from bot.store.records import UnknownRecord
from bot.store.records.passages import uncited
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
    actor_of,
)
from commands.moderation._records import RecordFlows, source_autocomplete
from commands.moderation._views import (
    GAPS_MAX,
    PHRASING_CHOICES,
    ConfirmView,
    FeedbackView,
    GapsView,
    StaleView,
)
from commands.ui.render import echo

log = logging.getLogger(__name__)
NO_STALE = "No fact is older than the records of its brands."
STALE_LINE_MAX = 300
STALE_SHOWN = 25
STALE_MESSAGE_MAX = 1900
NO_UNCITED = "Every sentence of every source is cited by a fact or record."
# Lines /kb coverage shows (a source's heading or one sentence); the command line lists all.
COVERAGE_SHOWN = 60


class KnowledgeBaseCommands(RecordFlows, name="KnowledgeBase"):
    """/kb undo, redo, reload, validate, export, import, gaps and feedback; /source."""

    kb = app_commands.Group(
        name="kb",
        description="The fact base: undo, reload, validate, export, gaps, readers' feedback",
        **MODERATORS_ONLY,
    )
    source = app_commands.Group(
        name="source",
        description="Add, read, edit or remove a source article (moderators)",
        **MODERATORS_ONLY,
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
        """Every knowledge file, article texts too, in one zip (/kb import restores it).

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.read_store(self.store.export_archive)
        if len(data) > FILE_BYTES_PER_MESSAGE:
            text = render.export_too_large_text(len(data))
            await interaction.followup.send(text, ephemeral=True)
            return
        attached = discord.File(io.BytesIO(data), filename=EXPORT_NAME)
        text = render.export_text(len(data))
        await interaction.followup.send(text, file=attached, ephemeral=True)

    @kb.command(name="import")
    @moderator_only()
    async def kb_import(
        self, interaction: discord.Interaction[CamerabotBot], archive: discord.Attachment
    ) -> None:
        """Make the knowledge files exactly those of a /kb export zip, after you confirm.

        Args:
            interaction: The slash command's interaction.
            archive: A zip made by /kb export (or camerabot kb export).
        """
        if archive.size > IMPORT_BYTES_MAX:
            text = (
                f"Not imported: the file is {archive.size:,} bytes; at most {IMPORT_BYTES_MAX:,}."
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await archive.read()

        async def restore(pressed: discord.Interaction[Any]) -> None:
            await pressed.response.defer()
            actor = actor_of(pressed.user)
            try:
                names = await self.bot.read_knowledge(
                    lambda: self.store.import_archive(data, actor=actor)
                )
            except ChangeRejected as error:
                embed = render.refused_embed(error)
                await pressed.edit_original_response(content=None, embeds=[embed], view=None)
                return
            except StoreError as error:
                text = f"Not imported: {echo(str(error), 1900)}"
                await pressed.edit_original_response(content=text, embeds=[], view=None)
                return
            await self.bot.reload_knowledge(force=True)
            text = render.imported_text(names)
            await pressed.edit_original_response(content=text, embeds=[], view=None)
            log.info("kb import by user %s: %d file(s) changed", pressed.user.id, len(names))
            await self.bot.post_mod_log(render.imported_line(pressed.user.mention, len(names)))

        view = ConfirmView(interaction.user.id, "Import", restore)
        view.origin = interaction
        await interaction.followup.send(render.IMPORT_QUESTION, view=view, ephemeral=True)

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

    async def dismiss_gap(
        self, interaction: discord.Interaction[Any], gap: Gap, reason: str
    ) -> bool:
        """Take a question off /kb gaps with a reason (or say why not); whether it was."""
        actor = actor_of(interaction.user)
        try:
            await asyncio.to_thread(
                self.store.dismiss_gap, gap.question, reason=reason, actor=actor
            )
        except StoreError as error:  # the lock, STATE_DIR, a blank reason
            text = f"Not dismissed: {echo(str(error), 1800)}"
            await interaction.response.send_message(text, ephemeral=True)
            return False
        log.info("user %s dismissed an unanswered question", interaction.user.id)
        await self.bot.post_mod_log(
            render.dismissed_line(interaction.user.mention, gap.question, reason)
        )
        return True

    def nearest_facts(self, question: str) -> list[tuple[str, str]]:
        """The facts nearest a question (its suggestions, then the fact autocomplete's)."""
        engine = self.bot.engine
        found = {s.fact_id: s.question for s in engine.ask(question).suggestions}
        found |= {i: q for i, q in engine.fact_choices(question, 25) if i not in found}
        return [(i, q) for i, q in found.items() if i in engine.base.facts][:PHRASING_CHOICES]

    async def add_gap_phrasing(
        self, interaction: discord.Interaction[Any], gap: Gap, fact_id: str
    ) -> bool:
        """Add a question as a phrasing of a fact through the store; whether it was."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = actor_of(interaction.user)
        added: list[PhrasingAdded] = []

        def operation() -> Change:
            added.append(add_gap_phrasing(self.store, gap.question, fact_id, actor=actor))
            return added[0].change

        try:
            change = await self.bot.change_knowledge(operation)
        except ChangeRejected as error:
            await interaction.followup.send(embed=render.refused_embed(error), ephemeral=True)
            return False
        except StoreError as error:  # no such fact, already a phrasing, the lock, STATE_DIR
            text = f"Not added: {echo(str(error), 1800)}"
            await interaction.followup.send(text, ephemeral=True)
            return False
        await interaction.followup.send(
            render.phrasing_line("You", gap.question, change), ephemeral=True
        )
        log.info("user %s added a phrasing to fact %s", interaction.user.id, change.record_id)
        await self.bot.post_mod_log(
            render.phrasing_line(interaction.user.mention, gap.question, change)
        )
        return True

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
        engine = self.bot.engine
        stale = await asyncio.to_thread(stale_facts, engine.base, engine.reviewed)
        if not stale:
            await interaction.followup.send(NO_STALE, ephemeral=True)
            return
        lines = [f"- {fact.line()}"[:STALE_LINE_MAX] for fact in stale[:STALE_SHOWN]]
        if len(stale) > STALE_SHOWN:
            lines.append(f"…and {len(stale) - STALE_SHOWN} more (camerabot kb stale lists all).")
        lines.append("Citing the newer source with /fact edit reviews a fact, as does the menu.")
        await _send_lines(interaction, lines)
        shown = [(fact.fact_id, fact.question) for fact in stale[:STALE_SHOWN]]
        view = StaleView(self, interaction.user.id, shown)
        view.origin = interaction
        await interaction.followup.send(render.STALE_MENU_TEXT, view=view, ephemeral=True)

    async def review_stale(self, interaction: discord.Interaction[Any], fact_id: str) -> bool:
        """Record a stale fact as reviewed, still true, through the state backend.

        The menu's message is updated by the caller (`interaction` is deferred as an update).
        """
        await interaction.response.defer()
        actor = actor_of(interaction.user)
        try:
            made, found = await self.bot.read_knowledge(
                lambda: review_stale(self.store, fact_id, actor=actor)
            )
        except StoreError as error:  # not stale any more, removed, the lock, STATE_DIR
            text = f"Not reviewed: {echo(str(error), 1800)}"
            await interaction.followup.send(text, ephemeral=True)
            return False
        await self.bot.load_reviews()  # this process answers without the note at once
        line = render.reviewed_line("You", fact_id, day_label(made.against) or "", found.newer)
        await interaction.followup.send(line, ephemeral=True)
        log.info("user %s reviewed the stale fact %s", interaction.user.id, fact_id)
        mention = interaction.user.mention
        await self.bot.post_mod_log(
            render.reviewed_line(mention, fact_id, day_label(made.against) or "", found.newer)
        )
        return True

    @kb.command(name="coverage")
    @moderator_only()
    async def kb_coverage(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """The source sentences no fact, partnership or person cites, by source.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await asyncio.to_thread(uncited, self.bot.engine.base)
        if not found:
            await interaction.followup.send(NO_UNCITED, ephemeral=True)
            return
        lines: list[str] = []
        for source, left in found:
            lines.append(f"{source.id} ({source.date_label}): {len(left)} sentence(s) uncited")
            lines += [f"- {sentence}"[:STALE_LINE_MAX] for sentence in left]
        if len(lines) > COVERAGE_SHOWN:
            more = len(lines) - COVERAGE_SHOWN
            lines[COVERAGE_SHOWN:] = [f"…and {more} more lines (camerabot kb coverage lists all)."]
        lines.append("A fact or record quoting a sentence covers it (/fact add).")
        await _send_lines(interaction, lines)

    @kb.command(name="feedback")
    @moderator_only()
    async def kb_feedback(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Answers readers reported wrong or outdated, most reported first, with their reasons.

        Args:
            interaction: The slash command's interaction.
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        reports = await asyncio.to_thread(open_reports, self.bot.state, FEEDBACK_MAX)
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
        text: discord.Attachment | None = None,
        title: app_commands.Range[str, 1, TITLE_MAX] | None = None,
        date: app_commands.Range[str, 1, DATE_MAX] | None = None,
        url: app_commands.Range[str, 1, URL_MAX] | None = None,
        source_id: app_commands.Range[str, 1, SOURCE_ID_MAX] | None = None,
    ) -> None:
        """Add a source article: attach its text (a .txt file), or paste it in the form.

        Args:
            interaction: The slash command's interaction.
            text: The article's text as a UTF-8 text file (at most 1 MB); without it, a form.
            title: The article's title, as published.
            date: The article's date, YYYY-MM-DD.
            url: Where the article was published, if online.
            source_id: Its id (lower-case letters, digits, '-'); default from the title.
        """
        if text is None:
            texts = {"title": title or "", "date": date or "", "url": url or ""}
            texts["id"] = source_id or ""
            await self.open_add_record_form(interaction, Kind.SOURCE, "", {}, texts)
            return
        problem = NO_TITLE if not title or not date else date_problem(date) or size_problem(text)
        if problem or not title or not date:
            await interaction.response.send_message(problem or NO_TITLE, ephemeral=True)
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

    @source.command(name="show")
    @moderator_only()
    @app_commands.autocomplete(source=source_autocomplete)
    async def source_show(
        self,
        interaction: discord.Interaction[CamerabotBot],
        source: app_commands.Range[str, 1, SOURCE_ID_MAX],
        page: app_commands.Range[int, 1, 10_000] = 1,
    ) -> None:
        """Read a source article, a page at a time (to quote it word for word).

        Args:
            interaction: The slash command's interaction.
            source: The source's id (start typing its id or title).
            page: The page to start at.
        """
        await self.show_source(interaction, source, page)

    @source.command(name="edit")
    @moderator_only()
    @app_commands.autocomplete(source=source_autocomplete)
    async def source_edit(
        self,
        interaction: discord.Interaction[CamerabotBot],
        source: app_commands.Range[str, 1, SOURCE_ID_MAX],
    ) -> None:
        """Edit a source's title, date or address (its text stays: quotes were checked on it).

        Args:
            interaction: The slash command's interaction.
            source: The source's id (start typing its id or title).
        """
        await self.open_record_form(interaction, Kind.SOURCE, source)

    @source.command(name="history")
    @moderator_only()
    @app_commands.autocomplete(source=source_autocomplete)
    async def source_history(
        self,
        interaction: discord.Interaction[CamerabotBot],
        source: app_commands.Range[str, 1, SOURCE_ID_MAX],
    ) -> None:
        """Who added, changed or removed a source, when, and what; newest first.

        Args:
            interaction: The slash command's interaction.
            source: The source's id (removed ones work too).
        """
        await self.show_history(interaction, Kind.SOURCE, source)

    @source.command(name="remove")
    @moderator_only()
    @app_commands.autocomplete(source=source_autocomplete)
    async def source_remove(
        self,
        interaction: discord.Interaction[CamerabotBot],
        source: app_commands.Range[str, 1, SOURCE_ID_MAX],
    ) -> None:
        """Remove a source nothing cites, after you confirm (/kb undo puts it back, text too).

        Args:
            interaction: The slash command's interaction.
            source: The source's id (start typing its id or title).
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        records = self.store.records
        try:
            version = await self.read_store(lambda: records.version(Kind.SOURCE, source))
        except UnknownRecord:
            await self.unknown_record(interaction, Kind.SOURCE, source)
            return

        async def remove(pressed: discord.Interaction[Any]) -> None:
            await pressed.response.defer()
            actor = actor_of(pressed.user)
            try:
                change = await self.bot.change_knowledge(
                    lambda: records.remove(Kind.SOURCE, source, base_version=version, actor=actor)
                )
            except ChangeRejected as error:
                embed = render.refused_embed(error)
                await pressed.edit_original_response(content=None, embeds=[embed], view=None)
                return
            except StoreError as error:  # changed or removed meanwhile
                text = f"Not removed: {echo(str(error), 1900)}"
                await pressed.edit_original_response(content=text, embeds=[], view=None)
                return
            text = (
                f"Removed source {render.fact_ref(source)} and its text. /kb undo puts them back."
            )
            await pressed.edit_original_response(content=text, embeds=[], view=None)
            await self.post_change(pressed, change)

        view = ConfirmView(interaction.user.id, "Remove", remove)
        view.origin = interaction
        question = f"Remove source {render.fact_ref(source)} and its text?"
        await interaction.followup.send(question, view=view, ephemeral=True)


EXPORT_NAME = "camerabot-knowledge.zip"
# A /kb import attachment: an export of a large fact base fits.
IMPORT_BYTES_MAX = 25 * 1024 * 1024
NO_TITLE = (
    "Not added: with an attached text, give its title and date too "
    "(or leave out the file to paste the text in a form)."
)
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


async def _send_lines(interaction: discord.Interaction[Any], lines: list[str]) -> None:
    """Private follow-ups: several messages rather than one cut short, each line whole."""
    messages: list[str] = []
    for line in lines:
        escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(line))
        if not messages or len(messages[-1]) + len(escaped) + 1 > STALE_MESSAGE_MAX:
            messages.append(escaped)
        else:
            messages[-1] += "\n" + escaped
    for message in messages:
        await interaction.followup.send(message, ephemeral=True)
