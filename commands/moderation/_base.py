"""What the moderators' cogs share: the access log, store reads, and the fact form's flow.

Every command is for moderators only (Manage Server, or a role in MODERATOR_ROLE_IDS), checked
when it runs; every attempt is logged with the member's id. Changes go through the bot's
KnowledgeStore (validated, locked, atomic, audited) and are answerable as soon as they are saved;
each is also posted to MOD_LOG_CHANNEL_ID.

Discord drops an interaction not answered within 3 seconds, and a reload of a large fact base
holds `bot.knowledge_lock` (and the store's lock) for much longer. So every interaction answers
before it waits on either: a form opens from the engine served now (no lock), a preview reads
brands through that engine, and whatever must wait for a lock defers first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypedDict, TypeVar

import discord
from discord import app_commands
from discord.ext.commands import Cog

import commands.moderation._render as render
from bot.errors import CamerabotError
from bot.facts.limits import CHOICES_PER_AUTOCOMPLETE
from bot.state.backend import resolve_reports
from bot.store import (
    Change,
    ChangeRejected,
    KnowledgeStore,
    StaleEdit,
    StoreError,
    UnknownFact,
    record_version,
)
from commands.checks import is_moderator
from commands.client import CamerabotBot
from commands.moderation._forms import (
    EditTarget,
    FactDraft,
    add_fields,
    draft_from_record,
    edit_brands,
    edit_fields,
    record_of_fact,
    same_fact,
    unique,
)
from commands.moderation._record_forms import nearest_quote
from commands.moderation._views import (
    DraftState,
    DraftView,
    FactFlow,
    FactModal,
)
from commands.ui.render import choice_text, echo

log = logging.getLogger(__name__)

T = TypeVar("T")

FACT_ID_MAX = 100
TITLE_MAX = 256
DATE_MAX = 30
URL_MAX = 500
SOURCE_ID_MAX = 63
# A source article's text: plenty for an article, small enough to read in one go.
SOURCE_BYTES_MAX = 1_000_000
# What one message may carry in attachments (Discord's smallest upload limit is 10 MiB).
FILE_BYTES_PER_MESSAGE = 8 * 1024 * 1024
DID_YOU_MEAN_MAX = 3
# How many reported facts /kb feedback reads (ten pages).
FEEDBACK_MAX = 100


class GroupAccess(TypedDict):
    """The keyword arguments that hide a command group from non-moderators."""

    guild_only: bool
    default_permissions: discord.Permissions


MODERATORS_ONLY: GroupAccess = {
    "guild_only": True,
    "default_permissions": discord.Permissions(manage_guild=True),
}


def actor_of(user: discord.abc.User) -> str:
    """Who made a change, as the audit log records it: name and Discord id."""
    return f"{user.name} (discord {user.id})"


async def fact_id_autocomplete(
    interaction: discord.Interaction[CamerabotBot], current: str
) -> list[app_commands.Choice[str]]:
    """Fact ids for moderators: those starting with the text, then facts whose question matches."""
    bot = interaction.client
    if not is_moderator(interaction, bot.settings):
        return []
    choices = bot.engine.fact_choices(current, CHOICES_PER_AUTOCOMPLETE)
    return [
        app_commands.Choice(name=choice_text(f"{fact_id} — {question}"), value=fact_id)
        for fact_id, question in choices[:CHOICES_PER_AUTOCOMPLETE]
        if len(fact_id) <= FACT_ID_MAX
    ]


class ModerationCog(Cog):
    """A moderators' cog: logs every attempt, reads the store, runs the fact form."""

    def __init__(self, bot: CamerabotBot) -> None:
        self.bot = bot

    @property
    def store(self) -> KnowledgeStore:
        """The bot's KnowledgeStore."""
        return self.bot.store

    async def interaction_check(  # type: ignore[override]  # this bot's interactions are CamerabotBot's
        self, interaction: discord.Interaction[CamerabotBot]
    ) -> bool:
        """Log every attempt with the member's id; `moderator_only` decides."""
        allowed = is_moderator(interaction, self.bot.settings)
        command = interaction.command.qualified_name if interaction.command else "-"
        if allowed:
            log.info(
                "moderation: /%s by user %s in guild %s",
                command,
                interaction.user.id,
                interaction.guild_id,
            )
        else:
            log.warning(
                "moderation refused: /%s by user %s in guild %s is not a moderator",
                command,
                interaction.user.id,
                interaction.guild_id,
            )
        return True

    async def post_change(self, interaction: discord.Interaction[Any], change: Change) -> None:
        """Log a change and post it to the moderators' channel."""
        log.info(
            "%s %s %s by user %s",
            change.action,
            change.kind,
            change.record_id,
            interaction.user.id,
        )
        if change.history_postponed:
            log.warning("the history of that change waits: %s", change.history_postponed)
        await self.bot.post_mod_log(render.change_line(change, interaction.user.mention))

    # Fact lookups

    async def unknown_fact(self, interaction: discord.Interaction[Any], fact_id: str) -> None:
        """Tell the moderator no fact has this id, with the closest ones."""
        choices = self.bot.engine.fact_choices(fact_id, DID_YOU_MEAN_MAX)
        suggestions = [fid for fid, _ in choices[:DID_YOU_MEAN_MAX]]
        text = render.unknown_fact_text(fact_id, suggestions)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def read_store(self, operation: Callable[[], T]) -> T:
        """Run a blocking store call in a worker thread.

        It may wait on the store's lock (held through a reload, or by another process): answer
        (or defer) the interaction before awaiting this.
        """
        return await asyncio.to_thread(operation)

    async def read_target(self, fact_id: str) -> EditTarget:
        """The fact as stored now, and its version (UnknownFact when there is none)."""
        record = await self.read_store(lambda: self.store.fact_record(fact_id))
        return EditTarget(fact_id, record_version(record) or "", record)

    def served_target(self, fact_id: str) -> EditTarget | None:
        """The fact as the bot serves it now, read without any lock (None when there is none).

        Saving an edit of it checks that the stored record is still this fact.
        """
        fact = self.bot.engine.base.facts.get(fact_id)
        if fact is None:
            return None
        return EditTarget(fact_id, "", record_of_fact(fact), served=True)

    async def target_or_reply(
        self, interaction: discord.Interaction[Any], fact_id: str
    ) -> EditTarget | None:
        """The fact as stored now, or None once the moderator is told there is no such fact."""
        try:
            return await self.read_target(fact_id)
        except UnknownFact:
            await self.unknown_fact(interaction, fact_id)
            return None

    def newest_source(self) -> str:
        """The default source of a new fact: the newest article."""
        sources = self.bot.engine.sources()
        return sources[0].id if sources else ""

    # The fact form

    async def open_add_form(
        self, interaction: discord.Interaction[Any], *, question: str = ""
    ) -> None:
        """Open an empty fact form (or one with a question), citing the newest source."""
        draft = FactDraft(question=question, source=self.newest_source())
        flow = FactFlow(interaction.user.id, draft)
        await interaction.response.send_modal(FactModal(self, flow, replace=False))

    def recognised(self, text: str) -> list[str]:
        """The brands a text names, through the vocabulary of the engine served now.

        No lock is taken (a reload may hold it for long, and the form's preview must answer within
        Discord's deadline): like /ask, it reads the engine on the event loop, where in-place
        updates happen too; a full rebuild makes a new engine and leaves this one alone.
        """
        return unique(self.store.recognise_brands(text, self.bot.engine))

    async def show_preview(
        self, interaction: discord.Interaction[Any], flow: FactFlow, *, replace: bool
    ) -> None:
        """The preview of a submitted form: what Save would write, with Save, Edit and Cancel."""
        draft = flow.draft
        named = self.recognised(draft.text)
        if flow.target is not None:
            old = self.recognised(draft_from_record(flow.target.record).text)
            named = edit_brands(flow.target, old, named)
        flow = FactFlow(flow.owner_id, draft, flow.target, tuple(named))
        view = DraftView(self, flow, DraftState.PREVIEW)
        view.origin = interaction
        embed = self.preview(flow)
        if replace and interaction.message is not None:
            await interaction.response.edit_message(content=None, embeds=[embed], view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    def quoted_source(self, flow: FactFlow) -> str:
        """The id of the source a flow's quote is checked against (as the store will)."""
        source_id = flow.draft.source.strip()
        if not source_id and flow.target is None:
            return self.newest_source()
        if not source_id and flow.target is not None and flow.target.citations:
            return str(flow.target.citations[0].get("source", ""))
        return source_id

    def nearest_to_quote(self, flow: FactFlow) -> str | None:
        """The source's passage nearest to a quote not word for word in it (read unlocked)."""
        source = self.bot.engine.base.sources.get(self.quoted_source(flow))
        return nearest_quote(source.text, flow.draft.quote) if source is not None else None

    def preview(self, flow: FactFlow) -> discord.Embed:
        """The preview embed of a flow."""
        draft = flow.draft
        source_id = self.quoted_source(flow)
        source = self.bot.engine.base.sources.get(source_id)
        kept = len(flow.target.citations) - 1 if flow.target and flow.target.citations else 0
        return render.preview_embed(
            draft,
            source_id=source_id,
            source_title=source.title if source else None,
            brands=flow.brands,
            fact_id=flow.target.fact_id if flow.target else None,
            kept_citations=kept,
        )

    def _operation(self, flow: FactFlow, actor: str) -> Callable[[], Change]:
        store = self.store
        target = flow.target
        if target is None:
            fields = add_fields(flow.draft, flow.brands, self.newest_source())
            return lambda: store.add_fact(fields, actor=actor)
        draft, brands = flow.draft, flow.brands

        def edit() -> Change:
            current = target
            if target.served:
                # The form showed the served fact: edit the stored record only if it is that fact.
                record = store.fact_record(target.fact_id)
                version = record_version(record)
                if not same_fact(record, target.record):
                    raise StaleEdit(target.fact_id, None, version, record)
                current = EditTarget(target.fact_id, version or "", record)
            fields = edit_fields(draft, current, brands)
            return store.edit_fact(
                target.fact_id, fields, base_version=current.version, actor=actor
            )

        return edit

    async def save_draft(self, interaction: discord.Interaction[Any], flow: FactFlow) -> None:
        """Save a previewed form; on a refusal, the problems and the form again."""
        await interaction.response.defer()
        embed = self.preview(flow)
        try:
            change = await self.bot.change_knowledge(
                self._operation(flow, actor_of(interaction.user))
            )
        except ChangeRejected as error:
            log.info(
                "refused a fact from user %s: %d problem(s)",
                interaction.user.id,
                len(error.problems),
            )
            refused = render.refused_embed(error)
            embeds = [refused, embed] if len(refused) + len(embed) <= 6000 else [refused]
            nearest = self.nearest_to_quote(flow)
            view = DraftView(self, flow, DraftState.REFUSED, nearest=nearest)
            view.origin = interaction
            content = render.did_you_mean(nearest) if nearest else None
            await interaction.edit_original_response(content=content, embeds=embeds, view=view)
            return
        except StaleEdit as error:
            assert flow.target is not None
            fact_id = flow.target.fact_id
            entries = await self.read_store(lambda: self.store.history(fact_id))
            # Who changed it, when the audit log knows (not for a hand edit or a git pull).
            last = entries[-1] if entries and entries[-1].after == error.record else None
            # "Edit the new version" opens the form on the record this save found.
            current = (
                EditTarget(fact_id, error.current or "", error.record)
                if error.record is not None
                else self.served_target(fact_id) or flow.target
            )
            stale = FactFlow(flow.owner_id, flow.draft, replace(current, report=flow.target.report))
            view = DraftView(self, stale, DraftState.STALE)
            view.origin = interaction
            text = render.stale_text(flow.target.fact_id, last)
            await interaction.edit_original_response(content=text, embeds=[embed], view=view)
            return
        except UnknownFact:
            assert flow.target is not None
            as_new = FactFlow(flow.owner_id, flow.draft)
            view = DraftView(self, as_new, DraftState.REFUSED)
            view.origin = interaction
            text = render.gone_text(flow.target.fact_id) + " Edit again adds it as a new fact."
            await interaction.edit_original_response(content=text, embeds=[embed], view=view)
            return
        except StoreError as error:  # the lock, a file held open or in a kept style, STATE_DIR
            view = DraftView(self, flow, DraftState.REFUSED)
            view.origin = interaction
            text = f"Not saved: {echo(str(error), 1800)} Edit again keeps what you typed."
            await interaction.edit_original_response(content=text, embeds=[embed], view=view)
            return
        await interaction.edit_original_response(
            content=render.saved_text(change), embeds=[], view=None
        )
        if not change.noop:
            await self.post_change(interaction, change)
            if flow.target is not None and flow.target.report:
                await self.resolve_reports(interaction, flow.target.fact_id)

    async def resolve_reports(self, interaction: discord.Interaction[Any], fact_id: str) -> None:
        """After an edit made from a report: the fact's reports resolved, and the mod log told."""
        by = actor_of(interaction.user)
        try:
            count = await asyncio.to_thread(resolve_reports, self.bot.state, fact_id, by=by)
        except (CamerabotError, OSError) as error:  # the change is saved; the report stays
            log.warning("could not resolve the reports on %s: %s", fact_id, error)
            return
        if count:
            await self.bot.post_mod_log(
                render.resolved_line(interaction.user.mention, fact_id, count)
            )

    async def reopen_current(self, interaction: discord.Interaction[Any], flow: FactFlow) -> None:
        """After a stale edit: the form again, on the version the save found (`flow.target`).

        Nothing is read here: a form must be the first answer, so it cannot wait on a lock.
        """
        assert flow.target is not None
        draft = draft_from_record(flow.target.record)
        fresh = FactFlow(flow.owner_id, draft, flow.target)
        await interaction.response.send_modal(FactModal(self, fresh, replace=True))

    # /fact

    async def open_edit_form(
        self, interaction: discord.Interaction[Any], fact_id: str, *, report: bool = False
    ) -> None:
        """The edit form of a fact, pre-filled (or why it cannot open); `report`: from a report."""
        # The form must be the first answer: it opens on the served fact, without waiting on a
        # lock; Save checks that the stored record is still that fact.
        target = self.served_target(fact_id)
        if target is None:
            await self.unknown_fact(interaction, fact_id)
            return
        draft = draft_from_record(target.record)
        if not draft.fits():
            await interaction.response.send_message(render.TOO_LONG_TO_EDIT, ephemeral=True)
            return
        flow = FactFlow(interaction.user.id, draft, replace(target, report=report))
        await interaction.response.send_modal(FactModal(self, flow, replace=False))
