"""Buttons that outlive a restart, and the session-bound views' ids.

Persistent buttons are `DynamicItem`s: everything they need is in a compact `custom_id`
("cb:<kind>:…", at most 100 characters) and they are registered at start-up, so a button pressed
after a restart still works. Buttons of short-lived views (moderators' forms, pages of a private
list) carry "cb:x:<boot>:<random>": pressed after the process that made them is gone, they get a
short "this has expired" reply instead of Discord's "This interaction failed".

    cb:sg:<owner>:<entry>      a suggested question ("did you mean"), for the person who asked
    cb:br:<owner>:<brand>      a suggested brand
    cb:fb:<up|wr>:<entry>      feedback on an answer: helpful, or wrong or outdated
    cb:in:<entry>              "ⓘ": what the answer matched (and its fact id, for moderators)
    cb:pg:<pa|so>:<page>:<owner>  a page of /partners or /sources
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import weakref
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

import discord
from discord import ButtonStyle, ui

from bot.engine.engine import Answer, Suggestion
from bot.engine.entries import edited_record
from bot.facts.models import FactBase
from bot.state.feedback import REASON_MAX, Vote
from bot.state.settings import REPORTERS_EVERYONE
from commands.checks import is_moderator
from commands.errors import report_error
from commands.ui import render as _render

if TYPE_CHECKING:
    from commands.client import CamerabotBot
log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100
# Where votes on an answer reasoned from several records (no single fact id) are filed.
REASONED = "reasoned"
SUGGESTIONS_MAX = 3
# This process's id in session buttons: a press after a restart is told the buttons expired.
BOOT = os.urandom(4).hex()
# The session buttons still served here, by custom_id.
_LIVE: weakref.WeakValueDictionary[str, ui.View] = weakref.WeakValueDictionary()


def session_id() -> str:
    """A custom_id for a button of a short-lived view."""
    return f"cb:x:{BOOT}:{os.urandom(6).hex()}"


def _custom_id(item: ui.Item[Any]) -> str:
    """The custom_id of a session button or menu as discord.py hands it back."""
    if not isinstance(item, ui.Button | ui.Select):
        raise TypeError(f"a session item of camerabot is a button or a menu, not {item!r}")
    return item.custom_id or ""


def _button(item: ui.Item[Any]) -> ui.Button[Any]:
    """The button a persistent item was registered with (discord.py hands it back as an Item)."""
    if not isinstance(item, ui.Button):
        raise TypeError(f"a persistent item of camerabot is a button, not {type(item).__name__}")
    return item


class SessionView(ui.View):
    """A view whose buttons say "expired" when pressed after the process that made them ended."""

    def add_item(self, item: ui.Item[Any]) -> SessionView:
        """Add an item, giving a button or a menu a session custom_id."""
        if isinstance(item, ui.Select) or (isinstance(item, ui.Button) and item.url is None):
            item.custom_id = session_id()
            _LIVE[item.custom_id] = self
        super().add_item(item)
        return self


def _fits(custom_id: str) -> str | None:
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


async def _reply(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private reply (a follow-up when the interaction was answered already)."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def _only_owner(interaction: discord.Interaction[Any], owner_id: int) -> bool:
    """Whether the presser is `owner_id`; anyone else gets a private refusal."""
    if interaction.user.id == owner_id:
        return True
    await interaction.response.send_message(_render.NOT_YOURS, ephemeral=True)
    return False


class _Persistent(ui.DynamicItem[ui.Button[Any]], template=r"cb:none"):
    """A persistent button; its errors go through the command tree's handler.

    (discord.py only logs a dynamic item's exception, and the user would see "This interaction
    failed".)
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the button; report any error once, privately."""
        try:
            await self.run(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """What pressing the button does."""
        raise NotImplementedError


class Expired(ui.DynamicItem[ui.Button[Any]], template=r"cb:x:(?P<boot>[0-9a-f]+):[0-9a-f]+"):
    """A session button the bot no longer serves (made before a restart, or timed out)."""

    def __init__(self, custom_id: str, live: bool) -> None:
        super().__init__(ui.Button(label="…", custom_id=custom_id))
        self.live = live

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> Expired:
        """Whether a live view serves it is decided now, before that view's callback runs."""
        view = _LIVE.get(_custom_id(item))
        return cls(_custom_id(item), live=view is not None and not view.is_finished())

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Say it expired, unless a live view answers it."""
        if self.live:
            return
        await _reply(interaction, _render.EXPIRED_BUTTON)


class Legacy(
    ui.DynamicItem[ui.Button[Any]], template=r"[0-9a-f]{32}|cb:(?!(?:sg|br|fb|in|pg|x|dl):).*"
):
    """A button of an earlier version (random ids, or a kind of button no longer made)."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> Legacy:
        """Any such id."""
        return cls(ui.Button(label="…", custom_id=_custom_id(item)))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Say it expired."""
        await _reply(interaction, _render.EXPIRED_BUTTON)


# Answers and their buttons


class DeleteButton(_Persistent, template=r"cb:dl:(?P<owner>\d+)"):
    """🗑 under a public answer: the asker (or whoever may manage messages here) deletes it."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(
            ui.Button(emoji="🗑", style=ButtonStyle.secondary, custom_id=f"cb:dl:{owner_id}")
        )
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> DeleteButton:
        """Rebuilt from its id."""
        return cls(int(match["owner"]))

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """The asker, a moderator of the fact base, or anyone who may manage messages here."""
        settings = interaction.client.settings
        if (
            interaction.user.id == self.owner_id
            or interaction.permissions.manage_messages
            or is_moderator(interaction, settings)
        ):
            return True
        await interaction.response.send_message(_render.NOT_YOUR_ANSWER, ephemeral=True)
        return False

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Delete the answer; say so privately."""
        await interaction.response.send_message(_render.ANSWER_DELETED, ephemeral=True)
        if interaction.message is not None:
            await interaction.message.delete()


def answer_view(answer: Answer, owner_id: int | None = None) -> ui.View | None:
    """The buttons under an answer: 👍, "Wrong or outdated" and ⓘ (persistent).

    An answer reasoned from several records (no single fact) gets the feedback buttons, its
    votes filed under REASONED, and no ⓘ. An answer to several questions files its votes
    under REASONED too unless one entry answers them all, and has one ⓘ a part ("ⓘ 1", "ⓘ 2").
    """
    if not answer.answered:
        return None
    answered = [p for p in answer.parts if p.answered] or [answer]
    entries = list(dict.fromkeys(p.fact_id for p in answered if p.fact_id))
    ids = {p.fact_id for p in answered}
    entry = ids.pop() if len(ids) == 1 else None
    items: list[ui.DynamicItem[Any]] = [
        FeedbackButton(Vote.HELPFUL, entry or REASONED),
        FeedbackButton(Vote.WRONG, entry or REASONED),
    ]
    for number, fact_id in enumerate(entries, start=1):
        items.append(InfoButton(fact_id, f"ⓘ {number}" if len(entries) > 1 else "ⓘ"))
    if owner_id is not None:
        items.append(DeleteButton(owner_id))
    view = ui.View(timeout=None)
    for item in items:
        if len(item.custom_id) <= CUSTOM_ID_MAX:
            view.add_item(item)
    return view if view.children else None


def answer_reply(
    answer: Answer, base: FactBase | None = None, *, owner_id: int | None = None
) -> dict[str, Any]:
    """The keyword arguments of a message holding an answer: its embeds and buttons.

    `owner_id`: who asked, for a public answer they may delete (🗑).
    """
    kwargs: dict[str, Any] = {"embeds": _render.answer_embeds(answer, base)}
    view = answer_view(answer, owner_id)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def suggestion_view(
    owner_id: int, suggestions: Sequence[Suggestion], related: Sequence[Suggestion] = ()
) -> ui.View | None:
    """The buttons under a refusal, for the person who asked (persistent).

    First what the sources do say about the brands asked about (`related`), then up to three
    questions the person may have meant; pressing one answers it in place of the refusal.
    """
    view = ui.View(timeout=None)
    seen: set[str] = set()
    for suggestion, style in [
        *((r, ButtonStyle.secondary) for r in related[:SUGGESTIONS_MAX]),
        *((s, ButtonStyle.primary) for s in suggestions[:SUGGESTIONS_MAX]),
    ]:
        if suggestion.fact_id in seen or not _fits(f"cb:sg:{owner_id}:{suggestion.fact_id}"):
            continue
        seen.add(suggestion.fact_id)
        view.add_item(
            SuggestionButton(owner_id, suggestion.fact_id, suggestion.question, style=style)
        )
    return view if view.children else None


def refusal_reply(owner_id: int, answer: Answer) -> dict[str, Any]:
    """The keyword arguments of a refusal: its text, and its buttons unless it is small talk."""
    kwargs: dict[str, Any] = {"content": _render.abstain_text(answer)}
    if answer.kind != "chat":
        view = suggestion_view(owner_id, answer.suggestions, answer.related)
        if view is not None:
            kwargs["view"] = view
    return kwargs


class SuggestionButton(_Persistent, template=r"cb:sg:(?P<owner>\d+):(?P<entry>\S+)"):
    """A suggested question: pressing it replaces the "I don't know" with that answer."""

    def __init__(
        self,
        owner_id: int,
        entry_id: str,
        label: str = "…",
        *,
        style: ButtonStyle = ButtonStyle.primary,
    ) -> None:
        super().__init__(
            ui.Button(
                label=_render.button_label(label),
                style=style,
                custom_id=f"cb:sg:{owner_id}:{entry_id}",
            )
        )
        self.owner_id = owner_id
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> SuggestionButton:
        """Rebuilt from its id, after a restart too."""
        return cls(
            int(match["owner"]),
            match["entry"],
            _button(item).label or "…",
            style=_button(item).style,
        )

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Only the person who asked may press; others get a private refusal."""
        return await _only_owner(interaction, self.owner_id)

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Answer the suggested question in place of the abstention."""
        try:
            answer = interaction.client.engine.answer_entry("", self.entry_id)
        except KeyError:
            await interaction.response.edit_message(content=_render.ANSWER_GONE, view=None)
            return
        answer = replace(answer, question=answer.matched_question or "")
        reply = answer_reply(answer, interaction.client.engine.base)
        await interaction.response.edit_message(content=None, **_with_view(reply))


def _with_view(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Edits must clear the old buttons when the new message has none."""
    return {"view": None, **kwargs}


def brand_view(owner_id: int, brand_ids: Sequence[str], names: Sequence[str]) -> ui.View | None:
    """Suggested brands as persistent buttons, for the person who asked."""
    view = ui.View(timeout=None)
    for brand_id, name in list(zip(brand_ids, names, strict=True))[:SUGGESTIONS_MAX]:
        if _fits(f"cb:br:{owner_id}:{brand_id}"):
            view.add_item(BrandButton(owner_id, brand_id, name))
    return view if view.children else None


class BrandButton(_Persistent, template=r"cb:br:(?P<owner>\d+):(?P<brand>[a-z0-9-]+)"):
    """A suggested brand: pressing it shows that brand's partnerships."""

    def __init__(self, owner_id: int, brand_id: str, label: str = "…") -> None:
        super().__init__(
            ui.Button(
                label=_render.button_label(label),
                style=ButtonStyle.primary,
                custom_id=f"cb:br:{owner_id}:{brand_id}",
            )
        )
        self.owner_id = owner_id
        self.brand_id = brand_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> BrandButton:
        """Rebuilt from its id."""
        return cls(int(match["owner"]), match["brand"], _button(item).label or "…")

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Only the person who asked."""
        return await _only_owner(interaction, self.owner_id)

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Show the brand's partnerships in place of the "did you mean"."""
        engine = interaction.client.engine
        brand = engine.base.brands.get(self.brand_id)
        lookup = engine.find_brand(brand.name) if brand is not None else None
        if lookup is None or lookup.brand is None:
            await interaction.response.edit_message(content=_render.EXPIRED_BUTTON, view=None)
            return
        embed = _render.brand_embed(lookup, engine)
        await interaction.response.edit_message(content=None, embed=embed, view=None)


class FeedbackButton(_Persistent, template=r"cb:fb:(?P<vote>up|wr):(?P<entry>\S+)"):
    """👍 or "Wrong or outdated" under an answer; one vote per person per answer."""

    def __init__(self, vote: Vote, entry_id: str) -> None:
        code = "up" if vote is Vote.HELPFUL else "wr"
        super().__init__(
            ui.Button(
                label=None if vote is Vote.HELPFUL else "Wrong or outdated",
                emoji="👍" if vote is Vote.HELPFUL else None,
                style=ButtonStyle.secondary,
                custom_id=f"cb:fb:{code}:{entry_id}",
            )
        )
        self.vote = vote
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        """Rebuilt from its id."""
        return cls(Vote.HELPFUL if match["vote"] == "up" else Vote.WRONG, match["entry"])

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Record 👍 at once; "wrong" asks for an optional reason first."""
        question = asked_question(interaction.message)
        if self.vote is Vote.WRONG and not may_report(interaction):
            await _reply(interaction, _render.REPORTS_BY_MODERATORS)
            return
        if self.vote is Vote.WRONG:
            await interaction.response.send_modal(WrongModal(self.entry_id, question))
            return
        await record_vote(interaction, self.entry_id, question, Vote.HELPFUL)


def may_report(interaction: discord.Interaction[CamerabotBot]) -> bool:
    """Whether the user may report an answer wrong here (a server's /config reporters)."""
    bot = interaction.client
    if bot.effective_settings(interaction.guild_id).reporters == REPORTERS_EVERYONE:
        return True
    user = interaction.user
    if interaction.permissions.manage_guild:
        return True
    roles = bot.settings.moderator_role_ids
    return isinstance(user, discord.Member) and any(role.id in roles for role in user.roles)


def asked_question(message: discord.Message | None) -> str:
    """The question an answer message was for: its embed's title, unescaped."""
    if message is None or not message.embeds:
        return ""
    return _render.unescaped(message.embeds[0].title or "")


async def record_vote(
    interaction: discord.Interaction[CamerabotBot],
    entry_id: str,
    question: str,
    vote: Vote,
    reason: str = "",
) -> None:
    """Store a vote (in a worker thread: the log is a locked file) and thank the voter."""
    bot = interaction.client
    message = interaction.message
    answer_id = str(message.id) if message is not None else f"interaction:{interaction.id}"
    try:
        new = await asyncio.to_thread(
            bot.feedback.record,
            answer_id=answer_id,
            voter_id=interaction.user.id,
            vote=vote,
            fact_id=entry_id,
            question=question,
            guild_id=interaction.guild_id,
            reason=reason,
        )
    except OSError:
        log.warning("could not record feedback", exc_info=True)
        await _reply(interaction, _render.SOMETHING_WENT_WRONG)
        return
    if not new:
        await _reply(interaction, _render.ALREADY_VOTED)
        return
    log.info("feedback: %s on %s by user %s", vote.value, entry_id, interaction.user.id)
    await _reply(
        interaction, _render.THANKS_WRONG if vote is Vote.WRONG else _render.THANKS_HELPFUL
    )
    if vote is Vote.WRONG:
        await bot.post_mod_log(
            _render.wrong_report_text(entry_id, question, reason, interaction.user.mention)
        )


class WrongModal(ui.Modal):
    """The form behind "Wrong or outdated": an optional one-line reason."""

    def __init__(self, entry_id: str, question: str) -> None:
        super().__init__(title="Wrong or outdated?", timeout=600)
        self.entry_id = entry_id
        self.question = question
        self.reason: ui.TextInput[WrongModal] = ui.TextInput(
            custom_id="reason",
            label="What is wrong? (optional)",
            placeholder="e.g. the partnership ended in 2024",
            required=False,
            max_length=REASON_MAX,
        )
        self.add_item(self.reason)

    async def on_submit(  # type: ignore[override]  # this bot's interactions are CamerabotBot's
        self, interaction: discord.Interaction[CamerabotBot]
    ) -> None:
        """Record the vote with its reason."""
        await record_vote(interaction, self.entry_id, self.question, Vote.WRONG, self.reason.value)

    async def on_error(  # type: ignore[override]  # Modal.on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        """Errors go through the same handler as command errors."""
        await report_error(interaction, error)


class InfoButton(_Persistent, template=r"cb:in:(?P<entry>\S+)"):
    """The "ⓘ" button: what the answer matched; moderators see its fact id too."""

    def __init__(self, entry_id: str, label: str = "ⓘ") -> None:
        super().__init__(
            ui.Button(label=label, style=ButtonStyle.secondary, custom_id=f"cb:in:{entry_id}")
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> InfoButton:
        """Rebuilt from its id (and its label: "ⓘ 2" under an answer to several questions)."""
        return cls(match["entry"], _button(item).label or "ⓘ")

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Privately: the question the answer is for, and for moderators its fact id."""
        bot = interaction.client
        try:
            answer = bot.engine.answer_entry("", self.entry_id)
        except KeyError:
            await _reply(interaction, _render.ANSWER_GONE)
            return
        if not is_moderator(interaction, bot.settings):
            await _reply(interaction, _render.info_text(answer))
            return
        edit = edited_record(self.entry_id, bot.engine.base)
        text = _render.info_text(answer, fact_id=self.entry_id, edit=edit)
        if edit is None:
            await _reply(interaction, text)
            return
        # The form of what the answer was built from: its fact, brand or partnership.
        view = EditRecordView(interaction.user.id, *edit)
        await interaction.response.send_message(text, view=view, ephemeral=True)


class _Forms(Protocol):
    """The moderators' forms a cog opens (commands.moderation; found by name, never imported)."""

    async def open_edit_form(
        self, interaction: discord.Interaction[Any], fact_id: str, *, report: bool = False
    ) -> None: ...

    async def open_record_form(
        self, interaction: discord.Interaction[Any], kind: str, record_id: str
    ) -> None: ...


# The moderators' cog that opens every form (it holds /kb, and the record forms' steps).
FORMS_COG = "KnowledgeBase"
EDIT_TIMEOUT = 840.0


class EditRecordView(SessionView):
    """Under a moderator's ⓘ: a button that opens the form of what the answer was built from."""

    def __init__(self, owner_id: int, kind: str, record_id: str) -> None:
        super().__init__(timeout=EDIT_TIMEOUT)
        self.owner_id = owner_id
        self.kind = kind
        self.record_id = record_id
        what = record_id if kind == "fact" else f"{kind} {record_id}"
        button = ui.Button[EditRecordView](
            label=_render.clip(f"Edit {what}", 80), style=ButtonStyle.primary
        )
        button.callback = self._open  # type: ignore[method-assign]
        self.add_item(button)

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        if not await _only_owner(interaction, self.owner_id):
            return
        if not is_moderator(interaction, interaction.client.settings):
            await _reply(interaction, _render.NO_PERMISSION)
            return
        forms = cast("_Forms | None", interaction.client.get_cog(FORMS_COG))
        if forms is None:  # the moderators' extension failed to load
            await _reply(interaction, f"The forms are not loaded: try /{self.kind} edit.")
            return
        if self.kind == "fact":
            await forms.open_edit_form(interaction, self.record_id)
        else:
            await forms.open_record_form(interaction, self.kind, self.record_id)


# Pages of the public lists


def page_view(kind: str, page: int, pages: int, owner_id: int) -> ui.View | None:
    """Previous and next buttons for a page of /partners ("pa") or /sources ("so")."""
    if pages <= 1:
        return None
    view = ui.View(timeout=None)
    view.add_item(PageButton(kind, page - 1, owner_id, "◀ Previous", disabled=page <= 0))
    view.add_item(PageButton(kind, page + 1, owner_id, "Next ▶", disabled=page >= pages - 1))
    return view


def list_page(bot: CamerabotBot, kind: str, page: int) -> tuple[discord.Embed, int, int]:
    """A page of a list: its embed, the page shown and the page count."""
    engine = bot.engine
    if kind == "pa":
        total, per_page = len(engine.partnerships()), _render.PARTNERSHIPS_PER_PAGE
        render = _render.partnerships_embed
    else:
        total, per_page = len(engine.sources()), _render.SOURCES_PER_PAGE
        render = _render.sources_embed
    pages = _render.page_count(total, per_page)
    page = min(max(page, 0), pages - 1)
    return render(engine, page), page, pages


def list_reply(bot: CamerabotBot, kind: str, page: int, owner_id: int) -> dict[str, Any]:
    """The message of one page of a list, with its buttons."""
    embed, page, pages = list_page(bot, kind, page)
    kwargs: dict[str, Any] = {"embed": embed}
    view = page_view(kind, page, pages, owner_id)
    if view is not None:
        kwargs["view"] = view
    return kwargs


class PageButton(_Persistent, template=r"cb:pg:(?P<kind>pa|so):(?P<page>-?\d+):(?P<owner>\d+)"):
    """Turn a page: the person who asked turns the message; anyone else gets a private copy."""

    def __init__(
        self, kind: str, page: int, owner_id: int, label: str = "…", *, disabled: bool = False
    ) -> None:
        super().__init__(
            ui.Button(
                label=label,
                style=ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"cb:pg:{kind}:{page}:{owner_id}",
            )
        )
        self.kind = kind
        self.page = page
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        """Rebuilt from its id."""
        return cls(
            match["kind"], int(match["page"]), int(match["owner"]), _button(item).label or "…"
        )

    async def run(self, interaction: discord.Interaction[CamerabotBot]) -> None:
        """Show the page (the list is read now, so it is current)."""
        bot = interaction.client
        if interaction.user.id == self.owner_id:
            reply = list_reply(bot, self.kind, self.page, self.owner_id)
            await interaction.response.edit_message(**_with_view(reply))
            return
        reply = list_reply(bot, self.kind, self.page, interaction.user.id)
        await interaction.response.send_message(ephemeral=True, **reply)


# Registered by the extensions whose messages carry them (each in its own `setup()`), so a button
# of an earlier message, from before a restart too, is served by its custom_id. Registering a
# template twice is harmless: the bot keeps one handler per template.
ANSWER_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (
    SuggestionButton,
    FeedbackButton,
    InfoButton,
    DeleteButton,
)
LIST_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (BrandButton, PageButton)
# Any extension with buttons: presses of expired session buttons and of retired ids get a reply.
SESSION_ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (Expired, Legacy)
