"""The moderators' forms and buttons: the fact form, its preview, confirmations, the gaps list.

Only the moderator who opened one may use it, and only while still a moderator; every error goes
through the command tree's handler. What the buttons do is the
cogs' (`commands.moderation._base.ModerationCog`), reached through the `FactForms` protocol:
the views never import a cog.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

import discord
from discord import ButtonStyle, TextStyle, ui

import commands.moderation._render as render
from bot.engine.entries import edited_record
from bot.state.audit import AuditEntry
from bot.state.feedback import FactFeedback
from bot.state.gaps import REASON_MAX, Gap
from commands.checks import is_moderator
from commands.client import CamerabotBot
from commands.errors import report_error
from commands.moderation._forms import FIELD_MAX, EditTarget, FactDraft
from commands.ui.persistent import SessionView
from commands.ui.render import NO_PERMISSION, clip

log = logging.getLogger(__name__)

MODAL_TITLE_MAX = 45
# A form left open this long is dropped (its submission would then fail).
MODAL_TIMEOUT = 3600.0
# Interaction tokens last 15 minutes: a preview's buttons go a little before, so the message can
# still be edited to say so.
PREVIEW_TIMEOUT = 840.0
CONFIRM_TIMEOUT = 120.0
# Two rows of five buttons; the third holds the Dismiss menu, the fourth the Add-as-phrasing
# menu, the fifth Previous and Next.
GAPS_PER_PAGE = 10
# How many unanswered questions /kb gaps reads (five pages).
GAPS_MAX = 100
BUTTONS_PER_ROW = 5


@dataclass(frozen=True, slots=True)
class FactFlow:
    """One moderator's way through the fact form: what they typed, and which fact they edit."""

    owner_id: int
    draft: FactDraft
    target: EditTarget | None = None
    brands: tuple[str, ...] = field(default=())

    @property
    def editing(self) -> bool:
        """Whether this edits an existing fact (else it adds one)."""
        return self.target is not None


class FactForms(Protocol):
    """What the moderators' views call back: the fact form's steps (a moderators' cog)."""

    bot: CamerabotBot

    async def open_add_form(
        self, interaction: discord.Interaction[Any], *, question: str = ""
    ) -> None:
        """Open an empty fact form (or one with a question)."""
        ...

    async def open_edit_form(
        self, interaction: discord.Interaction[Any], fact_id: str, *, report: bool = False
    ) -> None:
        """Open the edit form of a fact (`report`: from a report, which saving resolves)."""
        ...

    async def show_preview(
        self, interaction: discord.Interaction[Any], flow: FactFlow, *, replace: bool
    ) -> None:
        """Show what Save would write."""
        ...

    async def save_draft(self, interaction: discord.Interaction[Any], flow: FactFlow) -> None:
        """Save the previewed fact."""
        ...

    async def reopen_current(self, interaction: discord.Interaction[Any], flow: FactFlow) -> None:
        """Reopen the form on the fact as stored now."""
        ...


class GapForms(FactForms, Protocol):
    """What the /kb gaps list calls back: the fact form, and dismissing a question."""

    async def dismiss_gap(
        self, interaction: discord.Interaction[Any], gap: Gap, reason: str
    ) -> bool:
        """Take a question off /kb gaps with a reason (or say why not); whether it was."""
        ...

    def nearest_facts(self, question: str) -> list[tuple[str, str]]:
        """The facts nearest a question, as (id, question) pairs, best first."""
        ...

    async def add_gap_phrasing(
        self, interaction: discord.Interaction[Any], gap: Gap, fact_id: str
    ) -> bool:
        """Add a question as a phrasing of a fact (or say why not); whether it was."""
        ...


async def _owner_check(interaction: discord.Interaction[Any], owner_id: int) -> bool:
    """Only the moderator who opened it, and only while still a moderator."""
    if interaction.user.id != owner_id:
        await interaction.response.send_message(render.NOT_YOURS, ephemeral=True)
        return False
    if not is_moderator(interaction, interaction.client.settings):
        log.warning("refused a moderation button for user %s: no longer a moderator", owner_id)
        await interaction.response.send_message(NO_PERMISSION, ephemeral=True)
        return False
    return True


class OwnedView(SessionView):
    """Buttons for the moderator who opened them, pressed only while still a moderator.

    When they expire, the message they sit under (`origin`'s original response) is edited with
    `expired_update()`.
    """

    # Whether the buttons stop when `origin`'s token expires (pressing one does not renew it):
    # for buttons that never edit their message, whose only token is the command's.
    fixed_deadline = False

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.lifetime = timeout
        # The interaction whose original response is the message the buttons sit under.
        self.origin: discord.Interaction[Any] | None = None

    def expired_update(self) -> dict[str, Any]:
        """The message's new fields once the buttons expire: by default, no buttons."""
        return {"view": None}

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who opened it, and only while still a moderator."""
        if self.fixed_deadline and self.origin is not None:
            # discord.py renews the timeout at each press; keep it at the origin's deadline.
            age = (discord.utils.utcnow() - self.origin.created_at).total_seconds()
            self.timeout = max(0.001, self.lifetime - age)
        return await _owner_check(interaction, self.owner_id)

    async def on_timeout(self) -> None:
        """Edit the message as `expired_update` says (it may be gone by now)."""
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(**self.expired_update())
        except discord.HTTPException:
            log.debug("could not mark an expired %s", type(self).__name__, exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: ui.Item[Any]
    ) -> None:
        """Button errors go through the same handler as command errors."""
        await report_error(interaction, error)


class FactModal(ui.Modal):
    """The fact form: question, other phrasings, answer, source and quote."""

    def __init__(self, cog: FactForms, flow: FactFlow, *, replace: bool) -> None:
        title = f"Edit fact {flow.target.fact_id}" if flow.target else "Add a fact"
        super().__init__(title=clip(title, MODAL_TITLE_MAX), timeout=MODAL_TIMEOUT)
        self.cog = cog
        self.flow = flow
        self.replace = replace
        draft = flow.draft
        self.question = self._input(
            "question",
            "Question",
            "The question people ask (at most 100 characters)",
            draft.question,
        )
        self.phrasings = self._input(
            "phrasings",
            "Other phrasings, one a line",
            "Optional: other ways people ask it (each at most 200 characters)",
            draft.phrasings,
            paragraph=True,
            required=False,
        )
        self.answer = self._input(
            "answer",
            "Answer",
            "The answer, from the source (at most 3500 characters)",
            draft.answer,
            paragraph=True,
        )
        self.source = self._input(
            "source",
            "Source id",
            "The article quoted; empty means the newest. /sources lists them",
            draft.source,
            required=False,
        )
        self.quote = self._input(
            "quote",
            "Quote, word for word from the source",
            "Copied exactly from the article (at most 900 characters)",
            draft.quote,
            paragraph=True,
        )

    def _input(
        self,
        custom_id: str,
        label: str,
        description: str,
        value: str,
        *,
        paragraph: bool = False,
        required: bool = True,
    ) -> ui.TextInput[FactModal]:
        text_input: ui.TextInput[FactModal] = ui.TextInput(
            custom_id=custom_id,
            style=TextStyle.paragraph if paragraph else TextStyle.short,
            default=value[: FIELD_MAX[custom_id]] or None,
            required=required,
            max_length=FIELD_MAX[custom_id],
        )
        self.add_item(ui.Label(text=label, description=description, component=text_input))
        return text_input

    def typed(self) -> FactDraft:
        """What was submitted."""
        return FactDraft(
            question=self.question.value,
            phrasings=self.phrasings.value,
            answer=self.answer.value,
            source=self.source.value,
            quote=self.quote.value,
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who opened the form."""
        return await _owner_check(interaction, self.flow.owner_id)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Show the preview of what was typed."""
        flow = FactFlow(self.flow.owner_id, self.typed(), self.flow.target)
        await self.cog.show_preview(interaction, flow, replace=self.replace)

    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        """Errors go through the same handler as command errors."""
        await report_error(interaction, error)


class DraftState(StrEnum):
    """Which buttons a fact form's message offers."""

    PREVIEW = "preview"  # Save, Edit, Cancel
    REFUSED = "refused"  # (Use the nearest passage and save,) Edit again, Cancel
    STALE = "stale"  # Edit the new version, Cancel


class _Button(ui.Button["DraftView"]):
    def __init__(
        self,
        label: str,
        style: ButtonStyle,
        action: Callable[[discord.Interaction[Any]], Awaitable[None]],
    ) -> None:
        super().__init__(label=label, style=style)
        self.action = action

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is not None:
            # The latest press's message is the one to mark when the buttons expire.
            view.origin = interaction
        await self.action(interaction)


class DraftView(OwnedView):
    """The buttons under a fact form's preview, or under its refusal."""

    def __init__(
        self,
        cog: FactForms,
        flow: FactFlow,
        state: DraftState,
        *,
        timeout: float = PREVIEW_TIMEOUT,
        nearest: str | None = None,
    ) -> None:
        super().__init__(flow.owner_id, timeout=timeout)
        self.cog = cog
        self.flow = flow
        self.state = state
        # The source's passage nearest to a refused quote, offered to save in one click.
        self.nearest = nearest
        if state is DraftState.REFUSED and nearest:
            self.add_item(
                _Button("Use the nearest passage and save", ButtonStyle.success, self.use_nearest)
            )
        if state is DraftState.PREVIEW:
            self.add_item(_Button("Save", ButtonStyle.success, self.save))
            self.add_item(_Button("Edit", ButtonStyle.secondary, self.edit))
        elif state is DraftState.REFUSED:
            self.add_item(_Button("Edit again", ButtonStyle.primary, self.edit))
        else:
            self.add_item(_Button("Edit the new version", ButtonStyle.primary, self.edit_current))
        self.add_item(_Button("Cancel", ButtonStyle.secondary, self.cancel))

    async def save(self, interaction: discord.Interaction[Any]) -> None:
        """Write the fact through the store."""
        self.stop()
        await self.cog.save_draft(interaction, self.flow)

    async def use_nearest(self, interaction: discord.Interaction[Any]) -> None:
        """Save the form with the nearest passage as its quote."""
        self.stop()
        assert self.nearest is not None
        draft = replace(self.flow.draft, quote=self.nearest)
        await self.cog.save_draft(interaction, replace(self.flow, draft=draft))

    async def edit(self, interaction: discord.Interaction[Any]) -> None:
        """Reopen the form, pre-filled with what was typed."""
        self.stop()
        await interaction.response.send_modal(FactModal(self.cog, self.flow, replace=True))

    async def edit_current(self, interaction: discord.Interaction[Any]) -> None:
        """Reopen the form on the fact's current version."""
        self.stop()
        await self.cog.reopen_current(interaction, self.flow)

    async def cancel(self, interaction: discord.Interaction[Any]) -> None:
        """Drop the form."""
        self.stop()
        await interaction.response.edit_message(content=render.CANCELLED, embeds=[], view=None)

    def expired_update(self) -> dict[str, Any]:
        """Say that the preview expired; the typed text stays visible."""
        return {"content": render.EXPIRED_PREVIEW, "view": None}


class ConfirmView(OwnedView):
    """Confirm or cancel a destructive change; only the moderator who asked may press."""

    def __init__(
        self,
        owner_id: int,
        label: str,
        on_confirm: Callable[[discord.Interaction[Any]], Awaitable[None]],
        *,
        timeout: float = CONFIRM_TIMEOUT,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.on_confirm = on_confirm
        confirm: ui.Button[ConfirmView] = ui.Button(label=label, style=ButtonStyle.danger)
        confirm.callback = self._confirm  # type: ignore[method-assign]
        cancel: ui.Button[ConfirmView] = ui.Button(label="Cancel", style=ButtonStyle.secondary)
        cancel.callback = self._cancel  # type: ignore[method-assign]
        self.add_item(confirm)
        self.add_item(cancel)

    async def _confirm(self, interaction: discord.Interaction[Any]) -> None:
        self.stop()
        await self.on_confirm(interaction)

    async def _cancel(self, interaction: discord.Interaction[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content=render.CANCELLED, embeds=[], view=None)

    def expired_update(self) -> dict[str, Any]:
        """Nothing happens when nobody confirms; say so."""
        return {"content": render.EXPIRED_CONFIRM, "embeds": [], "view": None}


class _PageButton(ui.Button["PagedView"]):
    def __init__(self, label: str, step: int, *, disabled: bool, row: int) -> None:
        super().__init__(label=label, style=ButtonStyle.secondary, disabled=disabled, row=row)
        self.step = step

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is not None:
            await view.turn(interaction, view.page + self.step)


class PagedView(OwnedView):
    """A moderator's private list, a page at a time, with Previous and Next.

    Its buttons edit the message through each press's own interaction, yet go when the command's
    token does (the message can only be marked expired through that token).
    """

    fixed_deadline = True

    def __init__(self, owner_id: int, pages: int, *, timeout: float = PREVIEW_TIMEOUT) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.pages = max(1, pages)
        self.page = 0

    def page_embed(self) -> discord.Embed:
        """The embed of the current page."""
        raise NotImplementedError

    def page_items(self) -> list[ui.Item[Any]]:
        """The buttons of the current page besides Previous and Next."""
        return []

    def render(self) -> discord.Embed:
        """Lay out the current page's buttons; its embed."""
        self.clear_items()
        for item in self.page_items():
            self.add_item(item)
        if self.pages > 1:
            last_row = BUTTONS_PER_ROW - 1
            self.add_item(_PageButton("◀ Previous", -1, disabled=self.page <= 0, row=last_row))
            self.add_item(
                _PageButton("Next ▶", 1, disabled=self.page >= self.pages - 1, row=last_row)
            )
        return self.page_embed()

    async def turn(self, interaction: discord.Interaction[Any], page: int) -> None:
        """Show another page in place."""
        self.page = min(max(page, 0), self.pages - 1)
        embed = self.render()
        await interaction.response.edit_message(embed=embed, view=self)


class HistoryView(PagedView):
    """A fact's (or another record's) history, newest first, a page at a time."""

    def __init__(
        self,
        owner_id: int,
        fact_id: str,
        entries: Sequence[AuditEntry],
        kind: str = "fact",
        review: str = "",
    ) -> None:
        per_page = render.HISTORY_PER_PAGE
        super().__init__(owner_id, -(-len(entries) // per_page))
        self.fact_id = fact_id
        self.entries = list(entries)
        self.kind = kind
        self.review = review

    def page_embed(self) -> discord.Embed:
        """The page's changes."""
        return render.history_embed(
            self.fact_id, self.entries, page=self.page, kind=self.kind, review=self.review
        )


class GapButton(ui.Button["GapsView"]):
    """One listed question: pressing it opens the fact form with that question."""

    def __init__(self, index: int, gap: Gap, *, row: int = 0) -> None:
        # The gap is kept by index in the view: no user text goes into the custom_id.
        super().__init__(
            label=render.gap_label(index + 1, gap), style=ButtonStyle.secondary, row=row
        )
        self.index = index

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None:
            return
        gap = view.gaps[self.index]
        await view.cog.open_add_form(interaction, question=gap.question)


class GapsView(PagedView):
    """Unanswered questions a page at a time, a button for each (20 a page, five a row).

    The buttons go when the /kb gaps interaction's token does, however often they are pressed.
    """

    def __init__(
        self,
        cog: GapForms,
        owner_id: int,
        gaps: Sequence[Gap],
        *,
        timeout: float = PREVIEW_TIMEOUT,
    ) -> None:
        self.gaps = list(gaps[:GAPS_MAX])
        super().__init__(owner_id, -(-len(self.gaps) // GAPS_PER_PAGE), timeout=timeout)
        self.cog = cog
        self.render()

    def page_items(self) -> list[ui.Item[Any]]:
        """A button for each question on the page, and the menu that dismisses one."""
        first = self.page * GAPS_PER_PAGE
        shown = self.gaps[first : first + GAPS_PER_PAGE]
        items: list[ui.Item[Any]] = [
            GapButton(first + n, gap, row=n // BUTTONS_PER_ROW) for n, gap in enumerate(shown)
        ]
        if shown:
            row = GAPS_PER_PAGE // BUTTONS_PER_ROW
            items.append(_DismissSelect(first, shown, row=row))
            items.append(_PhrasingSelect(first, shown, row=row + 1))
        return items

    def page_embed(self) -> discord.Embed:
        """The page's questions."""
        names = {guild.id: guild.name for guild in self.cog.bot.guilds}
        return render.gaps_embed(
            self.gaps, page=self.page, per_page=GAPS_PER_PAGE, server_names=names
        )

    async def dismissed(self, interaction: discord.Interaction[Any], gap: Gap) -> None:
        """The list without a question just dismissed, in place."""
        await interaction.response.edit_message(**self._without(gap))

    async def closed(self, gap: Gap) -> None:
        """The list without a question closed from another message (it may be gone by now)."""
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(**self._without(gap))
        except discord.HTTPException:
            log.debug("could not update the gaps list", exc_info=True)

    def _without(self, gap: Gap) -> dict[str, Any]:
        """The message's fields once `gap` leaves the list."""
        self.gaps = [kept for kept in self.gaps if kept.key != gap.key]
        if not self.gaps:
            self.stop()
            return {"content": render.NO_GAPS, "embed": None, "view": None}
        self.pages = -(-len(self.gaps) // GAPS_PER_PAGE)
        self.page = min(self.page, self.pages - 1)
        return {"embed": self.render(), "view": self}


class _GapSelect(ui.Select["GapsView"]):
    """The page's questions, numbered as the list shows them, to choose one of."""

    def __init__(self, first: int, shown: Sequence[Gap], *, placeholder: str, row: int) -> None:
        # The gap is kept by index in the view: no user text goes into the custom_id.
        options = [
            discord.SelectOption(label=clip(f"{first + n + 1}. {gap.question}", 100), value=str(n))
            for n, gap in enumerate(shown)
        ]
        super().__init__(placeholder=placeholder, options=options, row=row)
        self.first = first

    def chosen(self, view: GapsView) -> Gap:
        """The question chosen."""
        return view.gaps[self.first + int(self.values[0])]


class _DismissSelect(_GapSelect):
    """The page's questions: choosing one asks why it is dismissed (spam, abuse, off topic)."""

    def __init__(self, first: int, shown: Sequence[Gap], *, row: int) -> None:
        super().__init__(first, shown, placeholder=render.DISMISS_PLACEHOLDER, row=row)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None:
            return
        await interaction.response.send_modal(DismissModal(view, self.chosen(view)))


class DismissModal(ui.Modal):
    """Why a question is dismissed: kept with who and when, and told to the moderators."""

    def __init__(self, gaps_view: GapsView, gap: Gap) -> None:
        super().__init__(title="Dismiss a question", timeout=MODAL_TIMEOUT)
        self.gaps_view = gaps_view
        self.gap = gap
        self.reason: ui.TextInput[DismissModal] = ui.TextInput(
            custom_id="reason", style=TextStyle.short, required=True, max_length=REASON_MAX
        )
        self.add_item(
            ui.Label(text="Why", description=clip(gap.question, 100), component=self.reason)
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who opened the list, and only while still a moderator."""
        return await _owner_check(interaction, self.gaps_view.owner_id)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Dismiss it; the list without it."""
        if await self.gaps_view.cog.dismiss_gap(interaction, self.gap, self.reason.value):
            await self.gaps_view.dismissed(interaction, self.gap)

    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        """Errors go through the same handler as command errors."""
        await report_error(interaction, error)


class _PhrasingSelect(_GapSelect):
    """The page's questions: choosing one offers the nearest facts to add it to as a phrasing."""

    def __init__(self, first: int, shown: Sequence[Gap], *, row: int) -> None:
        super().__init__(first, shown, placeholder=render.PHRASING_PLACEHOLDER, row=row)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None:
            return
        gap = self.chosen(view)
        nearest = view.cog.nearest_facts(gap.question)
        chooser = PhrasingView(view, gap, nearest)
        await interaction.response.send_message(
            render.phrasing_question(gap.question, bool(nearest)), view=chooser, ephemeral=True
        )
        chooser.origin = interaction


class PhrasingView(OwnedView):
    """Which fact a question becomes a phrasing of: the nearest facts, or one typed by id."""

    def __init__(self, gaps_view: GapsView, gap: Gap, nearest: Sequence[tuple[str, str]]) -> None:
        super().__init__(gaps_view.owner_id, timeout=PREVIEW_TIMEOUT)
        self.gaps_view = gaps_view
        self.gap = gap
        if nearest:
            options = [
                discord.SelectOption(label=clip(fact_id, 100), description=clip(question, 100),
                                     value=fact_id)
                for fact_id, question in nearest[:PHRASING_CHOICES]
            ]  # fmt: skip
            choose: ui.Select[PhrasingView] = ui.Select(
                placeholder="The fact it asks…", options=options
            )
            choose.callback = self._chosen  # type: ignore[method-assign]
            self.choose: ui.Select[PhrasingView] | None = choose
            self.add_item(choose)
        else:
            self.choose = None
        other = ui.Button[PhrasingView](label="Another fact…", style=ButtonStyle.secondary)
        other.callback = self._other  # type: ignore[method-assign]
        self.add_item(other)

    async def _chosen(self, interaction: discord.Interaction[Any]) -> None:
        assert self.choose is not None
        await self.add(interaction, self.choose.values[0])

    async def _other(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(PhrasingModal(self))

    async def add(self, interaction: discord.Interaction[Any], fact_id: str) -> None:
        """Add the question to the fact; this message says so, and the list loses it."""
        if await self.gaps_view.cog.add_gap_phrasing(interaction, self.gap, fact_id):
            self.stop()
            await self.on_timeout()  # this chooser's menu goes: the question is added
            await self.gaps_view.closed(self.gap)


# How many of the nearest facts the phrasing menu offers.
PHRASING_CHOICES = 10


class PhrasingModal(ui.Modal):
    """The id of the fact a question becomes a phrasing of, typed."""

    def __init__(self, chooser: PhrasingView) -> None:
        super().__init__(title="Add as a phrasing", timeout=MODAL_TIMEOUT)
        self.chooser = chooser
        self.fact: ui.TextInput[PhrasingModal] = ui.TextInput(
            custom_id="fact", style=TextStyle.short, required=True, max_length=100
        )
        self.add_item(
            ui.Label(
                text="Fact id (/fact show lists one)",
                description=clip(chooser.gap.question, 100),
                component=self.fact,
            )
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who opened the list, and only while still a moderator."""
        return await _owner_check(interaction, self.chooser.owner_id)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Add it to that fact."""
        await self.chooser.add(interaction, self.fact.value.strip())

    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        """Errors go through the same handler as command errors."""
        await report_error(interaction, error)


class StaleForms(Protocol):
    """What /kb stale calls back: a stale fact reviewed as still true."""

    async def review_stale(self, interaction: discord.Interaction[Any], fact_id: str) -> bool:
        """Record that a stale fact still holds (or say why not); whether it was."""
        ...


class StaleView(OwnedView):
    """The listed stale facts in a menu: choosing one records it as reviewed, still true."""

    def __init__(self, cog: StaleForms, owner_id: int, facts: Sequence[tuple[str, str]]) -> None:
        super().__init__(owner_id, timeout=PREVIEW_TIMEOUT)
        self.cog = cog
        self.facts = list(facts[:STALE_CHOICES])
        self.render()

    def render(self) -> None:
        """The menu of the facts not reviewed yet."""
        self.clear_items()
        options = [
            discord.SelectOption(label=clip(fact_id, 100), description=clip(question, 100),
                                 value=fact_id)
            for fact_id, question in self.facts
        ]  # fmt: skip
        menu: ui.Select[StaleView] = ui.Select(
            placeholder=render.STALE_PLACEHOLDER, options=options
        )
        menu.callback = self._chosen  # type: ignore[method-assign]
        self.menu = menu
        self.add_item(menu)

    async def _chosen(self, interaction: discord.Interaction[Any]) -> None:
        fact_id = self.menu.values[0]
        if not await self.cog.review_stale(interaction, fact_id):
            return
        self.facts = [(i, q) for i, q in self.facts if i != fact_id]
        if not self.facts:
            self.stop()
            await interaction.edit_original_response(content=render.ALL_REVIEWED, view=None)
            return
        self.render()
        await interaction.edit_original_response(view=self)


# How many stale facts the review menu offers (Discord: 25 options a menu).
STALE_CHOICES = 25


class FeedbackForms(FactForms, Protocol):
    """What /kb feedback calls back: the fact form, and the brand and partnership forms."""

    async def open_record_form(
        self,
        interaction: discord.Interaction[Any],
        kind: str,
        record_id: str,
        *,
        fixed: Mapping[str, Any] | None = None,
        report: str | None = None,
    ) -> None:
        """Open a record's edit form (`report`: the answer id whose reports saving resolves)."""
        ...


class FeedbackView(PagedView):
    """Answers reported wrong, a page at a time, each with a button that opens its edit form.

    An answer built from a fact opens the fact form; one built from a brand's or a pair's
    records, that brand's or partnership's form.
    """

    def __init__(self, cog: FeedbackForms, owner_id: int, reports: Sequence[FactFeedback]) -> None:
        self.reports = list(reports)
        super().__init__(owner_id, -(-len(self.reports) // render.FEEDBACK_PER_PAGE))
        self.cog = cog
        self.render()

    def page_items(self) -> list[ui.Item[Any]]:
        """An "Edit" button for each fact on the page that still exists."""
        first = self.page * render.FEEDBACK_PER_PAGE
        shown = self.reports[first : first + render.FEEDBACK_PER_PAGE]
        items: list[ui.Item[Any]] = []
        base = self.cog.bot.engine.base
        for n, report in enumerate(shown):
            edit = edited_record(report.fact_id, base)
            button = _EditButton(first + n + 1, report.fact_id, edit, row=n // BUTTONS_PER_ROW)
            # Removed since, or an answer built from every partnership: nothing to open.
            button.disabled = edit is None
            items.append(button)
        return items

    def page_embed(self) -> discord.Embed:
        """The page's reports."""
        names = {guild.id: guild.name for guild in self.cog.bot.guilds}
        return render.feedback_embed(self.reports, page=self.page, server_names=names)


class _EditButton(ui.Button["FeedbackView"]):
    def __init__(
        self, number: int, entry_id: str, edit: tuple[str, str] | None, *, row: int
    ) -> None:
        kind, record_id = edit or ("fact", entry_id)
        what = record_id if kind == "fact" else f"{kind} {record_id}"
        super().__init__(
            label=clip(f"{number}. Edit {what}", 80), style=ButtonStyle.primary, row=row
        )
        self.entry_id = entry_id
        self.edit = edit

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None or self.edit is None:
            return
        kind, record_id = self.edit
        if kind == "fact":
            await view.cog.open_edit_form(interaction, record_id, report=True)
        else:
            await view.cog.open_record_form(interaction, kind, record_id, report=self.entry_id)
