"""/source drafts: a stored source's drafts reviewed a page at a time, accepted, edited or rejected.

The review itself (numbering, the base check, applying through the store, rejections kept) is
`bot.runtime.review.DraftReview`, shared with `camerabot source drafts|accept|reject`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import discord
from discord import ButtonStyle, TextStyle, app_commands, ui

import commands.moderation._render as render
from bot.facts.limits import CHOICES_PER_AUTOCOMPLETE
from bot.runtime.review import (
    OPEN,
    DraftReview,
    Numbered,
    Review,
    ReviewError,
)
from bot.store import Change, ChangeRejected, StaleEdit
from bot.store.records import UnknownRecord
from commands.checks import is_moderator, moderator_only
from commands.client import CamerabotBot
from commands.moderation._base import SOURCE_ID_MAX, ModerationCog, actor_of
from commands.moderation._views import OwnedView
from commands.ui.render import clip, echo, shown

log = logging.getLogger(__name__)

# How long the review's buttons work (Discord's interaction tokens last 15 minutes).
REVIEW_TIMEOUT = 840.0
EDIT_FIELDS_MAX = 4000
REASON_MAX = 200


def fields_text(draft: dict[str, Any]) -> str:
    """A draft's changes as the edit form shows them: `field: value`, one a line."""
    lines = []
    for name, value in draft["changes"].items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"{name}: {text}")
    return "\n".join(lines)


def parse_fields(text: str, draft: dict[str, Any]) -> dict[str, str]:
    """The edit form's lines as edits; a field of the draft left out is dropped."""
    edits: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise ReviewError(f"each line is 'field: value', not {echo(line, 80)!r}")
        edits[key.strip()] = value.strip()
    for name in draft["changes"]:
        edits.setdefault(name, "")
    return edits


def draft_embed(review: Review, index: int) -> discord.Embed:
    """One draft of a review: what it changes, its quote and source, and where it stands."""
    item = review.items[index]
    draft = item.draft
    lines = []
    for name, value in draft["changes"].items():
        if value == draft["quote"]:
            lines.append(f"**{name}**: the quote")
        elif isinstance(value, list):
            lines.append(f"**{name}** + {shown(', '.join(value))}")
        else:
            old = draft["before"].get(name)
            change = f"{shown(old)} → {shown(value)}" if old else shown(value)
            lines.append(f"**{name}**: {change}")
    title = f"Draft {item.number} of {len(review.items)}: {draft['kind']} {draft['record']}"
    embed = discord.Embed(title=clip(title, 256), description=clip("\n".join(lines), 4000))
    date = dt.date.fromisoformat(review.date)
    source = f"— *{shown(review.title)}*, {date.day} {date:%B %Y}"
    embed.add_field(name="Quote", value=clip(f"> {shown(draft['quote'])}\n{source}", 1024))
    state = {"accepted": "Accepted", "rejected": "Rejected"}.get(item.state, "To review")
    if item.note and item.state != OPEN:
        state += f" ({echo(item.note, 200)})"
    embed.set_footer(text=f"{state} · {len(review.open)} of {len(review.items)} left to review")
    return embed


class DraftReviewView(OwnedView):
    """A source's drafts one a page: Previous, Accept, Edit, Reject, Next."""

    fixed_deadline = True

    def __init__(
        self, cog: DraftCommands, owner_id: int, review: Review, *, timeout: float = REVIEW_TIMEOUT
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.cog = cog
        self.review = review
        self.index = next((n for n, i in enumerate(review.items) if i.state == OPEN), 0)
        self.render()

    @property
    def item(self) -> Numbered:
        """The draft shown."""
        return self.review.items[self.index]

    def render(self) -> discord.Embed:
        """Lay out the buttons for the draft shown; its embed."""
        self.clear_items()
        closed = self.item.state != OPEN
        last = len(self.review.items) - 1
        for label, style, disabled, action in (
            ("◀ Previous", ButtonStyle.secondary, self.index <= 0, self._previous),
            ("Accept", ButtonStyle.success, closed, self._accept),
            ("Edit", ButtonStyle.primary, closed, self._edit),
            ("Reject", ButtonStyle.danger, closed, self._reject),
            ("Next ▶", ButtonStyle.secondary, self.index >= last, self._next),
        ):
            button: ui.Button[DraftReviewView] = ui.Button(
                label=label, style=style, disabled=disabled
            )
            button.callback = action  # type: ignore[method-assign]  # each button its action
            self.add_item(button)
        return draft_embed(self.review, self.index)

    async def show(self, interaction: discord.Interaction[Any], *, after: bool = False) -> None:
        """The draft shown now, in place (`after`: the interaction was already answered)."""
        embed = self.render()
        if after:
            await interaction.edit_original_response(content=None, embed=embed, view=self)
        else:
            await interaction.response.edit_message(content=None, embed=embed, view=self)

    async def _previous(self, interaction: discord.Interaction[Any]) -> None:
        self.index = max(0, self.index - 1)
        await self.show(interaction)

    async def _next(self, interaction: discord.Interaction[Any]) -> None:
        self.index = min(len(self.review.items) - 1, self.index + 1)
        await self.show(interaction)

    async def _accept(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()
        await self.cog.accept(interaction, self, {})

    async def _edit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(DraftEditModal(self))

    async def _reject(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(RejectModal(self))

    def moved_on(self, review: Review) -> None:
        """After a draft is decided: the review as stored, showing the next open draft."""
        self.review = review
        count = len(review.items)
        order = [*range(self.index + 1, count), *range(self.index + 1)]
        self.index = next((n for n in order if review.items[n].state == OPEN), self.index)


class DraftEditModal(ui.Modal):
    """A draft's fields, to change before it is accepted."""

    def __init__(self, view: DraftReviewView) -> None:
        super().__init__(title=clip(f"Edit draft {view.item.number}, then accept it", 45))
        self.view = view
        self.fields: ui.TextInput[DraftEditModal] = ui.TextInput(
            label="Fields (field: value, one a line)",
            custom_id="fields",
            style=TextStyle.paragraph,
            default=clip(fields_text(view.item.draft), EDIT_FIELDS_MAX),
            max_length=EDIT_FIELDS_MAX,
        )
        self.add_item(self.fields)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Accept the draft with the fields as typed."""
        try:
            edits = parse_fields(self.fields.value, self.view.item.draft)
        except ReviewError as error:
            await interaction.response.send_message(str(error), ephemeral=True)
            return
        await interaction.response.defer()
        await self.view.cog.accept(interaction, self.view, edits)


class RejectModal(ui.Modal):
    """Why a draft is rejected."""

    def __init__(self, view: DraftReviewView) -> None:
        super().__init__(title=clip(f"Reject draft {view.item.number}", 45))
        self.view = view
        self.reason: ui.TextInput[RejectModal] = ui.TextInput(
            label="Why (kept; it is not proposed again)", custom_id="reason", max_length=REASON_MAX
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Reject the draft and show the next one."""
        await interaction.response.defer()
        await self.view.cog.reject(interaction, self.view, self.reason.value)


class DraftCommands(ModerationCog, name="Drafts"):
    """/source drafts (added to the /source group by the extension's setup)."""

    def review(self) -> DraftReview:
        """The review of the bot's store."""
        return DraftReview(self.store)

    async def open_review(
        self, interaction: discord.Interaction[CamerabotBot], source: str
    ) -> None:
        """The source's drafts, the first still open shown (ephemeral)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            review = await self.bot.read_knowledge(lambda: self.review().drafts(source))
        except UnknownRecord:
            await interaction.followup.send(
                f"There is no source `{echo(source, 80)}` (see /sources).", ephemeral=True
            )
            return
        if not review.items:
            await interaction.followup.send(
                f"The source `{review.source}` calls for no change the fact base lacks.",
                ephemeral=True,
            )
            return
        view = DraftReviewView(self, interaction.user.id, review)
        view.origin = interaction
        await interaction.followup.send(
            embed=draft_embed(review, view.index), view=view, ephemeral=True
        )

    async def accept(
        self, interaction: discord.Interaction[Any], view: DraftReviewView, edits: dict[str, str]
    ) -> None:
        """Apply the draft shown (with `edits`) through the store; then the next one."""
        number = view.item.number
        review = self.review()
        actor = actor_of(interaction.user)

        def operation() -> Change:
            done = review.accept(
                view.review.source, [number], actor=actor, edits={number: edits} if edits else None
            )
            return done[0].changes[-1]  # one change a draft (a no-op if nothing was new)

        try:
            change = await self.bot.change_knowledge(operation)
        except ChangeRejected as error:
            log.info("draft %d refused for user %s", number, interaction.user.id)
            await interaction.edit_original_response(
                content=f"Draft {number} was not applied:",
                embeds=[render.refused_embed(error), draft_embed(view.review, view.index)],
                view=view,
            )
            return
        except (ReviewError, StaleEdit, UnknownRecord) as error:
            await self._stopped(interaction, view, str(error))
            return
        if not change.noop:
            await self.post_change(interaction, change)
        await self._next(interaction, view)

    async def reject(
        self, interaction: discord.Interaction[Any], view: DraftReviewView, reason: str
    ) -> None:
        """Record the draft shown as rejected, with the reason; then the next one."""
        number = view.item.number
        actor = actor_of(interaction.user)
        try:
            await self.bot.read_knowledge(
                lambda: self.review().reject(view.review.source, [number], reason, actor=actor)
            )
        except ReviewError as error:
            await self._stopped(interaction, view, str(error))
            return
        await self._next(interaction, view)

    async def _next(self, interaction: discord.Interaction[Any], view: DraftReviewView) -> None:
        try:
            review = await self.bot.read_knowledge(lambda: self.review().kept(view.review.source))
        except ReviewError as error:
            await self._stopped(interaction, view, str(error))
            return
        view.moved_on(review)
        await view.show(interaction, after=True)

    async def _stopped(
        self, interaction: discord.Interaction[Any], view: DraftReviewView, why: str
    ) -> None:
        text = f"Nothing changed: {echo(why, 500)}. Run /source drafts again."
        await interaction.edit_original_response(content=text, embed=None, view=None)
        view.stop()


async def source_autocomplete(
    interaction: discord.Interaction[CamerabotBot], current: str
) -> list[app_commands.Choice[str]]:
    """Source ids for moderators, newest first, those holding the text."""
    bot = interaction.client
    if not is_moderator(interaction, bot.settings):
        return []
    wanted = current.casefold()
    return [
        app_commands.Choice(name=clip(f"{s.id} — {s.title}", 100), value=s.id)
        for s in bot.engine.sources()
        if wanted in s.id.casefold() or wanted in s.title.casefold()
    ][:CHOICES_PER_AUTOCOMPLETE]


def drafts_command(cog: DraftCommands) -> app_commands.Command[Any, Any, None]:
    """`/source drafts`, bound to `cog`, for the /source group."""

    async def source_drafts(
        interaction: discord.Interaction[CamerabotBot],
        source: app_commands.Range[str, 1, SOURCE_ID_MAX],
    ) -> None:
        """Review the changes a stored source calls for, one draft a page (moderators).

        Args:
            interaction: The slash command's interaction.
            source: The source's id (see /sources).
        """
        await cog.open_review(interaction, source)

    command: app_commands.Command[Any, Any, None] = app_commands.Command(
        name="drafts",
        description="Review the changes a stored source calls for, one draft a page",
        callback=source_drafts,
    )
    command.autocomplete("source")(source_autocomplete)
    return moderator_only()(command)
