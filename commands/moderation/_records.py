"""/brand and /partnership, and the record forms /source shares: thin over `store.records`.

A form opens on the record as served (no lock: a form must be the first answer); Save reads the
stored record and goes on only if the form's fields still show it, with its version as the edit's
base (so a change made meanwhile is refused, never overwritten). A quote not word for word in its
source is refused with the source's nearest passage and a button that puts it in and saves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import discord
from discord import ButtonStyle, TextStyle, app_commands, ui

import commands.moderation._render as render
from bot.facts.limits import CHOICES_PER_AUTOCOMPLETE, EMBED_DESCRIPTION_MAX
from bot.facts.record_files import dump_mapping
from bot.state.audit import Action, Kind
from bot.store import Change, ChangeRejected, StaleEdit, record_version
from bot.store.records import RECORD_FILES, UnknownRecord, text_page
from commands.checks import is_moderator, moderator_only
from commands.client import CamerabotBot
from commands.errors import report_error
from commands.moderation._base import MODERATORS_ONLY, ModerationCog, actor_of
from commands.moderation._record_forms import (
    INPUTS,
    SOURCE_ADD_INPUTS,
    Input,
    form_fields,
    model_record,
    nearest_fixes,
    record_texts,
    with_fixes,
)
from commands.moderation._views import (
    MODAL_TIMEOUT,
    MODAL_TITLE_MAX,
    PREVIEW_TIMEOUT,
    HistoryView,
    OwnedView,
    PagedView,
    _owner_check,
)
from commands.ui.render import INFO_COLOUR, build_embed, choice_text, clip, echo

log = logging.getLogger(__name__)

RECORD_ID_MAX = 63
SOURCE_PAGE_SIZE = 1800


@dataclass(frozen=True, slots=True)
class RecordFlow:
    """One moderator's way through a record form: the record, what was typed, what it showed."""

    owner_id: int
    kind: str
    record_id: str
    texts: Mapping[str, str]
    # The form's texts as first shown (an edit); None when adding.
    opened: Mapping[str, str] | None = None
    # Fields the form does not show: an added record's id and pair, a brand's kind.
    fixed: Mapping[str, Any] = field(default_factory=dict)
    # The answer id whose reports saving resolves (the form was opened from /kb feedback).
    report: str | None = None

    def fits(self) -> bool:
        """Whether every text fits its input (so the form can show it whole)."""
        return all(len(self.texts.get(spec.key, "")) <= spec.max_length for spec in self.inputs)

    @property
    def inputs(self) -> tuple[Input, ...]:
        """The form's text inputs."""
        if self.kind == Kind.SOURCE and self.opened is None:
            return SOURCE_ADD_INPUTS
        return INPUTS[self.kind]


def record_ref(kind: str, record_id: str) -> str:
    """A record named in a reply: its kind and id in code."""
    return f"{kind} {render.fact_ref(record_id)}"


class RecordModal(ui.Modal):
    """A record's form: its fields as texts, lists one a line."""

    def __init__(self, cog: RecordFlows, flow: RecordFlow, *, replace: bool) -> None:
        verb = "Edit" if flow.opened is not None else "Add"
        title = f"{verb} {flow.kind} {flow.record_id}".strip()
        super().__init__(title=clip(title, MODAL_TITLE_MAX), timeout=MODAL_TIMEOUT)
        self.cog = cog
        self.flow = flow
        self.replace = replace
        self.inputs: dict[str, ui.TextInput[RecordModal]] = {}
        for spec in flow.inputs:
            value = flow.texts.get(spec.key, "")[: spec.max_length]
            text_input: ui.TextInput[RecordModal] = ui.TextInput(
                custom_id=spec.key,
                style=TextStyle.paragraph if spec.paragraph else TextStyle.short,
                default=value or None,
                required=spec.required,
                max_length=spec.max_length,
            )
            self.add_item(
                ui.Label(text=spec.label, description=spec.description, component=text_input)
            )
            self.inputs[spec.key] = text_input

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who opened the form."""
        return await _owner_check(interaction, self.flow.owner_id)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Save what was typed."""
        texts = {key: text_input.value for key, text_input in self.inputs.items()}
        await self.cog.save_record(interaction, replace(self.flow, texts=texts), self.replace)

    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        """Errors go through the same handler as command errors."""
        await report_error(interaction, error)


class _Button(ui.Button["RecordView"]):
    def __init__(self, label: str, style: ButtonStyle, action: Any) -> None:
        super().__init__(label=label, style=style)
        self.action = action

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.view is not None:
            self.view.origin = interaction
            self.view.stop()
        await self.action(interaction)


class RecordView(OwnedView):
    """The buttons under a refused or stale record form: the nearest passage, edit, cancel."""

    def __init__(
        self,
        cog: RecordFlows,
        flow: RecordFlow,
        *,
        fixes: list[tuple[str, str]] | None = None,
        current: RecordFlow | None = None,
    ) -> None:
        super().__init__(flow.owner_id, timeout=PREVIEW_TIMEOUT)
        self.cog = cog
        self.flow = flow
        if fixes:
            fixed = replace(flow, texts=with_fixes(flow.texts, fixes))
            label = "Use the nearest passage" + ("s" if len(fixes) > 1 else "") + " and save"
            self.add_item(
                _Button(label, ButtonStyle.success, lambda i: cog.save_record(i, fixed, True))
            )
        if current is not None:
            self.add_item(
                _Button("Edit the new version", ButtonStyle.primary, self.opener(current))
            )
        else:
            self.add_item(_Button("Edit again", ButtonStyle.primary, self.opener(flow)))
        self.add_item(_Button("Cancel", ButtonStyle.secondary, self.cancel))

    def opener(self, flow: RecordFlow) -> Any:
        """A button action that opens the form on `flow`."""

        async def open_form(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_modal(RecordModal(self.cog, flow, replace=True))

        return open_form

    async def cancel(self, interaction: discord.Interaction[Any]) -> None:
        """Drop the form."""
        await interaction.response.edit_message(content=render.CANCELLED, embeds=[], view=None)

    def expired_update(self) -> dict[str, Any]:
        """Say that nothing was saved; the refusal stays visible."""
        return {"content": "This form expired and nothing was saved.", "view": None}


class SourceTextView(PagedView):
    """A source's text a page at a time, with its title, date and address."""

    def __init__(self, owner_id: int, source_id: str, record: Mapping[str, Any], text: str) -> None:
        _, pages = text_page(text, 1, SOURCE_PAGE_SIZE)
        super().__init__(owner_id, pages)
        self.source_id = source_id
        self.record = record
        self.text = text

    def page_embed(self) -> discord.Embed:
        """The page's text, escaped."""
        page, pages = text_page(self.text, self.page + 1, SOURCE_PAGE_SIZE)
        url = str(self.record.get("url") or "")
        head = f"{self.record.get('date')}" + (f" · <{url}>" if url else "")
        return build_embed(
            title=clip(str(self.record.get("title") or self.source_id), 256),
            description=clip(f"{echo(head, 600)}\n\n{echo(page, 3000)}", EMBED_DESCRIPTION_MAX),
            footer=f"{self.source_id} · page {self.page + 1} of {pages} · quote it word for word",
            colour=INFO_COLOUR,
        )


def record_embed(kind: str, record_id: str, record: Mapping[str, Any]) -> discord.Embed:
    """A record as YAML, with its file and version."""
    return build_embed(
        title=f"{kind.capitalize()} {record_id}",
        description=render.code_block(dump_mapping(dict(record)), EMBED_DESCRIPTION_MAX - 100),
        footer=f"{RECORD_FILES[kind]} · version {record_version(record)} · "
        f"/{kind} edit {record_id} changes it",
        colour=INFO_COLOUR,
    )


def saved_text(change: Change) -> str:
    """The reply once a record is saved."""
    ref = record_ref(change.kind, change.record_id)
    if change.noop:
        return f"Nothing to save: {ref} already says that."
    verb = "Edited" if change.action == Action.EDIT else "Added"
    return f"{verb} {ref} in `{change.file}`; answers use it now. /kb undo reverts it."


class RecordFlows(ModerationCog):
    """The record forms' steps, shared by /brand, /partnership and /source."""

    def served(self, kind: str, record_id: str) -> Mapping[str, Any] | None:
        """The record as the bot serves it now (no lock), or None when there is none."""
        base = self.bot.engine.base
        model: Any = None
        if kind == Kind.BRAND:
            model = base.brands.get(record_id)
        elif kind == Kind.PARTNERSHIP:
            model = base.partnerships.get(record_id)
        else:
            model = base.sources.get(record_id)
        return model_record(model) if model is not None else None

    async def unknown_record(
        self, interaction: discord.Interaction[Any], kind: str, record_id: str
    ) -> None:
        """No record of that kind has this id."""
        text = (
            f"There is no {kind} `{echo(record_id, 80).replace('`', '')}`. Pick one from the list."
        )
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def open_record_form(
        self,
        interaction: discord.Interaction[Any],
        kind: str,
        record_id: str,
        *,
        fixed: Mapping[str, Any] | None = None,
        report: str | None = None,
    ) -> None:
        """The edit form of a record, pre-filled from the served record (or why it cannot open).

        `report`: opened from the reports on that answer id, which saving resolves.
        """
        record = self.served(kind, record_id)
        if record is None:
            await self.unknown_record(interaction, kind, record_id)
            return
        texts = record_texts(kind, record)
        flow = RecordFlow(
            interaction.user.id, kind, record_id, texts, texts, fixed or {}, report=report
        )
        if not flow.fits():
            # A form cut short would drop what it cannot show when saved.
            text = (
                f"This {kind}'s fields are longer than a Discord form holds, so editing it here "
                f"would lose some. Use `camerabot {kind} edit {record_id}` instead."
            )
            await interaction.response.send_message(clip(text, 1900), ephemeral=True)
            return
        await interaction.response.send_modal(RecordModal(self, flow, replace=False))

    async def open_add_record_form(
        self,
        interaction: discord.Interaction[Any],
        kind: str,
        record_id: str,
        fixed: Mapping[str, Any],
        texts: Mapping[str, str] | None = None,
    ) -> None:
        """An empty form for a new record (`fixed`: its id and what the command gave)."""
        flow = RecordFlow(interaction.user.id, kind, record_id, texts or {}, None, fixed)
        await interaction.response.send_modal(RecordModal(self, flow, replace=False))

    def _record_operation(
        self, flow: RecordFlow, fields: Mapping[str, Any], actor: str
    ) -> Callable[[], Change]:
        records = self.store.records
        store = self.store

        def change() -> Change:
            if flow.opened is None and flow.kind == Kind.SOURCE:
                texts = flow.texts
                return store.add_source(
                    texts.get("id") or None, texts.get("title", ""), texts.get("date", ""),
                    texts.get("url", ""), texts.get("text", ""), actor=actor,
                )  # fmt: skip
            if flow.opened is None:
                return records.add(flow.kind, {**flow.fixed, **fields}, actor=actor)
            current = records.record(flow.kind, flow.record_id)
            version = record_version(current)
            if record_texts(flow.kind, current) != dict(flow.opened):
                # Changed since the form opened: never overwrite what someone else saved.
                raise StaleEdit(flow.record_id, None, version, current)
            return records.edit(
                flow.kind, flow.record_id, {**flow.fixed, **fields},
                base_version=version, actor=actor,
            )  # fmt: skip

        return change

    async def _reply(
        self, interaction: discord.Interaction[Any], *, replace: bool, **message: Any
    ) -> None:
        if replace:
            await interaction.edit_original_response(**message)
        else:
            message.setdefault("embeds", [])
            if message.get("view") is None:
                message.pop("view", None)
            await interaction.followup.send(ephemeral=True, **message)

    async def save_record(
        self, interaction: discord.Interaction[Any], flow: RecordFlow, replace: bool
    ) -> None:
        """Save a submitted record form; on a refusal, the problems, the nearest passages, Edit."""
        if replace:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        fields: dict[str, Any] = {}
        try:
            if not (flow.kind == Kind.SOURCE and flow.opened is None):
                fields = form_fields(flow.kind, flow.texts)
            operation = self._record_operation(flow, fields, actor_of(interaction.user))
            change = await self.bot.change_knowledge(operation)
        except ChangeRejected as rejected:
            log.info(
                "refused a %s from user %s: %d problem(s)",
                flow.kind,
                interaction.user.id,
                len(rejected.problems),
            )
            sources = {s.id: s.text for s in self.bot.engine.base.sources.values()}
            fixes = nearest_fixes(fields, sources)
            content = clip("\n".join(render.did_you_mean(p) for _, p in fixes), 2000)
            view = RecordView(self, flow, fixes=fixes)
            view.origin = interaction
            embed = render.refused_embed(rejected)
            await self._reply(
                interaction, replace=replace, content=content or None, embeds=[embed], view=view
            )
            return
        except StaleEdit as error:
            current = flow
            if isinstance(error.record, Mapping):
                texts = record_texts(flow.kind, error.record)
                current = RecordFlow(
                    flow.owner_id, flow.kind, flow.record_id, texts, texts, flow.fixed, flow.report
                )
            view = RecordView(self, flow, current=current)
            view.origin = interaction
            text = (
                f"Not saved: {record_ref(flow.kind, flow.record_id)} was changed by someone else "
                "since you opened it. **Edit the new version** opens the form on it."
            )
            await self._reply(interaction, replace=replace, content=text, view=view)
            return
        except UnknownRecord:
            text = f"Not saved: {record_ref(flow.kind, flow.record_id)} no longer exists."
            await self._reply(interaction, replace=replace, content=text, view=None)
            return
        if flow.kind == Kind.SOURCE and flow.opened is None:
            text = render.source_added_text(change)
        else:
            text = saved_text(change)
        await self._reply(interaction, replace=replace, content=text, embeds=[], view=None)
        if not change.noop:
            await self.post_change(interaction, change)
            if flow.report is not None:
                await self.resolve_reports(interaction, flow.report)

    async def show_record(
        self, interaction: discord.Interaction[Any], kind: str, record_id: str
    ) -> None:
        """A record as stored, as YAML with its file and version."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            record = await self.read_store(lambda: self.store.records.record(kind, record_id))
        except UnknownRecord:
            await self.unknown_record(interaction, kind, record_id)
            return
        await interaction.followup.send(embed=record_embed(kind, record_id, record), ephemeral=True)

    async def show_history(
        self, interaction: discord.Interaction[Any], kind: str, record_id: str
    ) -> None:
        """Who changed a record, when and what; newest first, ten a page."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        entries = await self.read_store(lambda: self.store.history(record_id, kind=kind))
        if not entries and self.served(kind, record_id) is None:
            await self.unknown_record(interaction, kind, record_id)
            return
        view = HistoryView(interaction.user.id, record_id, entries, kind)
        embed = view.render()
        view.origin = interaction
        if view.pages > 1:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, ephemeral=True)

    async def show_source(
        self, interaction: discord.Interaction[Any], source_id: str, page: int
    ) -> None:
        """A source's record and text, a page at a time with Previous and Next."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        records = self.store.records

        def read() -> tuple[dict[str, Any], str]:
            return records.record(Kind.SOURCE, source_id), records.source_text(source_id)

        try:
            record, text = await self.read_store(read)
        except UnknownRecord:
            await self.unknown_record(interaction, Kind.SOURCE, source_id)
            return
        view = SourceTextView(interaction.user.id, source_id, record, text)
        view.page = min(max(page, 1), view.pages) - 1
        embed = view.render()
        view.origin = interaction
        if view.pages > 1:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, ephemeral=True)


def _choices(
    interaction: discord.Interaction[CamerabotBot],
    current: str,
    table: Mapping[str, Any],
    name: Any,
) -> list[app_commands.Choice[str]]:
    """Ids of a record table for moderators: those with the typed text in their id or name."""
    if not is_moderator(interaction, interaction.client.settings):
        return []
    typed = current.strip().lower()
    found = [
        (record_id, name(record))
        for record_id, record in table.items()
        if typed in record_id.lower() or typed in name(record).lower()
    ]
    found.sort(key=lambda pair: (not pair[0].startswith(typed), pair[0]))
    return [
        app_commands.Choice(name=choice_text(f"{rid} — {label}"), value=rid)
        for rid, label in found[:CHOICES_PER_AUTOCOMPLETE]
        if len(rid) <= RECORD_ID_MAX
    ]


async def brand_autocomplete(
    interaction: discord.Interaction[CamerabotBot], current: str
) -> list[app_commands.Choice[str]]:
    """Brand ids, by id or name."""
    brands = interaction.client.engine.base.brands
    return _choices(interaction, current, brands, lambda b: b.name)


async def partnership_autocomplete(
    interaction: discord.Interaction[CamerabotBot], current: str
) -> list[app_commands.Choice[str]]:
    """Partnership ids, by id or summary."""
    partnerships = interaction.client.engine.base.partnerships
    return _choices(interaction, current, partnerships, lambda p: p.summary or p.id)


async def source_autocomplete(
    interaction: discord.Interaction[CamerabotBot], current: str
) -> list[app_commands.Choice[str]]:
    """Source ids, by id or title."""
    sources = interaction.client.engine.base.sources
    return _choices(interaction, current, sources, lambda s: f"{s.date} {s.title}")


BRAND_KINDS = [
    app_commands.Choice(name="phone maker", value="phone_maker"),
    app_commands.Choice(name="camera maker", value="camera_maker"),
]


class RecordCommands(RecordFlows, name="Records"):
    """/brand and /partnership: add, edit, show and history."""

    brand = app_commands.Group(
        name="brand", description="Add, edit or look at a brand (moderators)", **MODERATORS_ONLY
    )
    partnership = app_commands.Group(
        name="partnership",
        description="Add, edit or look at a partnership (moderators)",
        **MODERATORS_ONLY,
    )

    @brand.command(name="add")
    @moderator_only()
    @app_commands.choices(kind=BRAND_KINDS)
    @app_commands.rename(brand_id="id")
    async def brand_add(
        self,
        interaction: discord.Interaction[CamerabotBot],
        brand_id: app_commands.Range[str, 1, RECORD_ID_MAX],
        kind: app_commands.Choice[str],
    ) -> None:
        """Add a brand: a form for its name, country, other names, devices and people.

        Args:
            interaction: The slash command's interaction.
            brand_id: Its id: lower-case letters, digits and '-' (e.g. oppo).
            kind: What it makes.
        """
        fixed = {"id": brand_id, "kind": kind.value}
        await self.open_add_record_form(interaction, Kind.BRAND, brand_id, fixed)

    @brand.command(name="edit")
    @moderator_only()
    @app_commands.choices(kind=BRAND_KINDS)
    @app_commands.autocomplete(brand=brand_autocomplete)
    async def brand_edit(
        self,
        interaction: discord.Interaction[CamerabotBot],
        brand: app_commands.Range[str, 1, RECORD_ID_MAX],
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        """Edit a brand: the form, pre-filled; saved only if nobody changed it meanwhile.

        Args:
            interaction: The slash command's interaction.
            brand: The brand's id (start typing its id or name).
            kind: Change what it makes (else it stays).
        """
        fixed = {"kind": kind.value} if kind is not None else {}
        await self.open_record_form(interaction, Kind.BRAND, brand, fixed=fixed)

    @brand.command(name="show")
    @moderator_only()
    @app_commands.autocomplete(brand=brand_autocomplete)
    async def brand_show(
        self,
        interaction: discord.Interaction[CamerabotBot],
        brand: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """A brand's record as YAML, with its file and version.

        Args:
            interaction: The slash command's interaction.
            brand: The brand's id (start typing its id or name).
        """
        await self.show_record(interaction, Kind.BRAND, brand)

    @brand.command(name="history")
    @moderator_only()
    @app_commands.autocomplete(brand=brand_autocomplete)
    async def brand_history(
        self,
        interaction: discord.Interaction[CamerabotBot],
        brand: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """Who changed a brand, when, and what; newest first.

        Args:
            interaction: The slash command's interaction.
            brand: The brand's id (removed ones work too).
        """
        await self.show_history(interaction, Kind.BRAND, brand)

    @partnership.command(name="add")
    @moderator_only()
    @app_commands.autocomplete(phone_maker=brand_autocomplete, camera_maker=brand_autocomplete)
    async def partnership_add(
        self,
        interaction: discord.Interaction[CamerabotBot],
        phone_maker: app_commands.Range[str, 1, RECORD_ID_MAX],
        camera_maker: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """Add a partnership: a form for its status, dates, phones, summary and citations.

        Args:
            interaction: The slash command's interaction.
            phone_maker: The phone maker's brand id.
            camera_maker: The camera maker's brand id.
        """
        record_id = f"{phone_maker}-{camera_maker}"
        fixed = {"id": record_id, "phone_maker": phone_maker, "camera_maker": camera_maker}
        details = "status: announced\nsince: \nperiod: \nfirst_phone_due: "
        await self.open_add_record_form(
            interaction, Kind.PARTNERSHIP, record_id, fixed, {"details": details}
        )

    @partnership.command(name="edit")
    @moderator_only()
    @app_commands.autocomplete(partnership=partnership_autocomplete)
    async def partnership_edit(
        self,
        interaction: discord.Interaction[CamerabotBot],
        partnership: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """Edit a partnership: the form, pre-filled; saved only if nobody changed it meanwhile.

        Args:
            interaction: The slash command's interaction.
            partnership: The partnership's id (e.g. xiaomi-leica).
        """
        await self.open_record_form(interaction, Kind.PARTNERSHIP, partnership)

    @partnership.command(name="show")
    @moderator_only()
    @app_commands.autocomplete(partnership=partnership_autocomplete)
    async def partnership_show(
        self,
        interaction: discord.Interaction[CamerabotBot],
        partnership: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """A partnership's record as YAML, with its file and version.

        Args:
            interaction: The slash command's interaction.
            partnership: The partnership's id (e.g. xiaomi-leica).
        """
        await self.show_record(interaction, Kind.PARTNERSHIP, partnership)

    @partnership.command(name="history")
    @moderator_only()
    @app_commands.autocomplete(partnership=partnership_autocomplete)
    async def partnership_history(
        self,
        interaction: discord.Interaction[CamerabotBot],
        partnership: app_commands.Range[str, 1, RECORD_ID_MAX],
    ) -> None:
        """Who changed a partnership, when, and what; newest first.

        Args:
            interaction: The slash command's interaction.
            partnership: The partnership's id (removed ones work too).
        """
        await self.show_history(interaction, Kind.PARTNERSHIP, partnership)
