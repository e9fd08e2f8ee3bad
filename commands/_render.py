"""Every embed and reply text the bot sends, built from the core's plain data, within limits.

Nothing here talks to Discord: each function takes answers, look-ups or the engine and returns an
`Embed` or a string, so the rendering can be tested (and held to the limits) without a gateway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from discord import Colour, Embed
from discord.utils import escape_markdown, escape_mentions

from bot.answers import Answer, BrandLookup, CitedQuote, Engine, describe, status_phrase
from bot.limits import (
    CHOICE_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    MESSAGE_CONTENT_MAX,
)
from bot.models import PartnershipStatus

log = logging.getLogger(__name__)

ELLIPSIS = "…"
BUTTON_LABEL_MAX = 80
# How far back from the cut a word boundary may be, as a share of the limit.
_WORD_BREAK_SHARE = 0.2
# Room a title line of a citation may take before the quote is cut.
_SOURCE_LINE_MAX = 300
# User text is echoed back at most this long.
_ECHO_MAX = 100

ANSWER_COLOUR = Colour(0x2B6CB0)
ENDED_COLOUR = Colour(0x718096)
INFO_COLOUR = Colour(0x38A169)

DONT_KNOW = "I don't know that: the sources don't say."
DID_YOU_MEAN = "Did you mean one of these?"
NO_SUGGESTION = "Try /partners for what I know, or ask another way."
NOT_YOURS = "These suggestions are for the person who asked. Use /ask to ask your own question."
ANSWER_GONE = "That answer is no longer in the fact base."
EMPTY_MENTION = 'Ask me a question after the mention, e.g. "which phones had Leica cameras?"'
SOMETHING_WENT_WRONG = "Something went wrong on my side. Please try again in a moment."
NO_PERMISSION = "You don't have permission to use this command here."
GUILD_ONLY = "This command works only in a server."
BAD_INPUT = "I couldn't read that input. Please check it and try again."
OUT_OF_DATE = "That command is out of date here. Please try again in a minute."

HELP_LINES = (
    "Ask about smartphone makers' partnerships with camera makers; every answer quotes its source.",
    "",
    "**/ask** `question` — answer a question, with the quote it comes from",
    "**/partner** `brand` — a brand's partnerships, phone maker or camera maker (typos are fine)",
    "**/partners** — every partnership on record, current and ended",
    "**/sources** — the articles the answers quote, with their dates",
    "**/help** — this text",
    "",
    "You can also mention me with a question: @camerabot which phones had Leica cameras?",
    "When I'm not sure, I say so instead of guessing.",
)


# Text within limits


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut (at a word if near)."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > 0 and space >= len(cut) - int(limit * _WORD_BREAK_SHARE):
        cut = cut[:space]
    cut = cut.rstrip()
    # A lone trailing backslash would escape the ellipsis (or leave half an escape): drop it.
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def echo(text: str, limit: int = _ECHO_MAX) -> str:
    """User text made safe to show back: one line, clipped, markdown and mentions escaped."""
    flat = " ".join(text.split())
    return clip(escape_mentions(escape_markdown(flat)), limit)


def shown(text: str) -> str:
    """Fact-base text shown as written: markdown characters escaped."""
    return escape_markdown(text)


def quote_block(text: str) -> str:
    """Text as a Discord block quote, every line prefixed."""
    lines = text.splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines)


def source_line(citation: CitedQuote) -> str:
    """The article a quote comes from: its title (linked when there is a url) and date."""
    title = shown(clip(citation.title, 200))
    name = f"[{title}]({citation.url})" if citation.url else f"*{title}*"
    return clip(f"— {name}, {citation.date}", _SOURCE_LINE_MAX)


def citation_text(citation: CitedQuote, limit: int = EMBED_FIELD_VALUE_MAX) -> str:
    """A quote as a block quote, then its source; the quote is cut so the source always shows."""
    line = source_line(citation)
    room = max(0, limit - len(line) - 1)
    return f"{clip(quote_block(shown(citation.quote)), room)}\n{line}"


def lines_within(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """As many whole lines as fit in `limit`, then `more(n)` for the n lines left out."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for index, line in enumerate(lines):
        if len("\n".join([*kept, line, more(len(lines) - index - 1)])) > limit:
            break
        kept.append(line)
    return clip("\n".join([*kept, more(len(lines) - len(kept))]), limit)


# Embeds within limits


def build_embed(
    *,
    title: str,
    description: str = "",
    fields: Sequence[tuple[str, str]] = (),
    footer: str = "",
    colour: Colour = ANSWER_COLOUR,
    more: Callable[[int], str] | None = None,
) -> Embed:
    """An embed holding Discord's limits: every part clipped, fields dropped once 6000 is reached.

    Fields left out are summarised by one last field with `more(count)` when given.
    """
    title = clip(title, EMBED_TITLE_MAX)
    footer = clip(footer, EMBED_FOOTER_MAX)
    description = clip(
        description, min(EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX - len(title) - len(footer))
    )
    embed = Embed(title=title, description=description or None, colour=colour)
    if footer:
        embed.set_footer(text=footer)
    budget = EMBED_TOTAL_MAX - len(title) - len(description) - len(footer)
    for index, (raw_name, raw_value) in enumerate(fields):
        name = clip(raw_name, EMBED_FIELD_NAME_MAX) or "\u200b"
        value = clip(raw_value, EMBED_FIELD_VALUE_MAX) or "\u200b"
        left = len(fields) - index
        note = clip(more(left - 1), EMBED_FIELD_VALUE_MAX) if more and left > 1 else ""
        reserve = len(ELLIPSIS) + len(note) if note else 0
        slots = EMBED_FIELDS_MAX - len(embed.fields) - (1 if note else 0)
        if slots <= 0 or len(name) + len(value) + reserve > budget:
            note = clip(more(left), EMBED_FIELD_VALUE_MAX) if more else ""
            if note and len(embed.fields) < EMBED_FIELDS_MAX and len(note) + 1 <= budget:
                embed.add_field(name=ELLIPSIS, value=note, inline=False)
            elif note:
                log.debug("no room for the overflow note of %r", title)
            break
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
    return embed


def _more_sources(count: int) -> str:
    return f"…and {count} more source{'s' if count != 1 else ''} not shown."


def answer_embed(answer: Answer) -> Embed:
    """An answer: matched question, answer, each quote with its article, fact id, confidence."""
    fields = [
        ("Source" if len(answer.citations) == 1 else f"Source {number}", citation_text(citation))
        for number, citation in enumerate(answer.citations, start=1)
    ]
    return build_embed(
        title=answer.matched_question or answer.question,
        description=shown(answer.answer or ""),
        fields=fields,
        footer=f"{answer.fact_id} · confidence {answer.score:.0%}",
        more=_more_sources,
    )


def abstain_text(answer: Answer) -> str:
    """The reply when the engine abstains; the suggestions themselves go on buttons."""
    head = answer.reply or DONT_KNOW
    if answer.kind == "chat":
        return head
    if answer.related:
        head += "\n" + "\n".join(f"- {shown(r.question)}" for r in answer.related)
    return f"{head}\n{DID_YOU_MEAN if answer.suggestions else NO_SUGGESTION}"


def button_label(text: str) -> str:
    """A button label (at most 80 characters)."""
    return clip(" ".join(text.split()), BUTTON_LABEL_MAX) or ELLIPSIS


def choice_text(text: str) -> str:
    """An autocomplete choice's name or value (1 to 100 characters)."""
    return clip(" ".join(text.split()), CHOICE_MAX) or ELLIPSIS


def brand_embed(lookup: BrandLookup, engine: Engine) -> Embed:
    """A brand's partnerships, current then ended, with status, devices, dates and quotes."""
    brand = lookup.brand
    if brand is None:
        raise ValueError("brand_embed needs a lookup that found a brand")
    kind = brand.kind.value.replace("_", " ")
    country = f", {brand.country}" if brand.country else ""
    lines = []
    fields = []
    for view in lookup.partnerships:
        sentence = describe(view.partnership, engine.base, from_brand=brand.id)
        reported = f" — as reported on {view.reported_on}" if view.reported_on else ""
        lines.append(f"- {shown(sentence)}{reported}")
        pair = f"{brand.name} × {view.partner.name} ({status_phrase(view.partnership)})"
        fields += [(pair, citation_text(citation)) for citation in view.citations]
    if not lines:
        lines.append("No partnerships on record.")
    current = [
        v for v in lookup.partnerships if v.partnership.status is not PartnershipStatus.ENDED
    ]
    return build_embed(
        title=f"{brand.name} ({kind}{country})",
        description=lines_within(lines, EMBED_DESCRIPTION_MAX, _more_partnerships),
        fields=fields,
        footer=(
            f"{len(lookup.partnerships)} partnership(s), {len(current)} current · "
            "/partners lists them all"
        ),
        colour=ANSWER_COLOUR if current or not lookup.partnerships else ENDED_COLOUR,
        more=_more_sources,
    )


def unknown_brand_text(lookup: BrandLookup) -> str:
    """The "did you mean" for a brand name the fact base does not know."""
    head = f"I don't know a brand called **{echo(lookup.query)}**."
    if lookup.suggestions:
        names = ", ".join(shown(b.name) for b in lookup.suggestions)
        return clip(f"{head} Did you mean: {names}?", MESSAGE_CONTENT_MAX)
    return f"{head} Try /partners for the list."


def _more_partnerships(count: int) -> str:
    return f"…and {count} more partnership{'s' if count != 1 else ''}; try /partner BRAND."


def partnerships_embed(engine: Engine) -> Embed:
    """Every partnership, current ones first, each with its status, period, devices and date."""
    partnerships = engine.partnerships()
    base = engine.base
    fields = []
    for partnership in partnerships:
        phone = base.brands[partnership.phone_maker].name
        camera = base.brands[partnership.camera_maker].name
        reported = engine.reported_on(partnership.citations)
        lines = [shown(describe(partnership, base))]
        if reported:
            lines.append(f"As reported on {reported}.")
        fields.append((f"{phone} × {camera} — {status_phrase(partnership)}", "\n".join(lines)))
    return build_embed(
        title="Camera partnerships",
        description="" if partnerships else "No partnerships on record.",
        fields=fields,
        footer="Current first, then ended · /partner BRAND shows the quotes",
        more=_more_partnerships,
    )


def sources_embed(engine: Engine) -> Embed:
    """Every source article with its date, newest first."""
    sources = engine.sources()
    lines = []
    for source in sources:
        title = shown(clip(source.title, 200))
        name = f"[{title}]({source.url})" if source.url else f"*{title}*"
        lines.append(f"- {source.date_label}: {name} (`{source.id}`)")
    return build_embed(
        title="Sources",
        description=lines_within(
            lines, EMBED_DESCRIPTION_MAX, lambda n: f"…and {n} more article(s)."
        )
        or "No sources on record.",
        footer=f"{len(sources)} article(s) · every answer quotes one of them word for word",
        colour=INFO_COLOUR,
    )


def help_embed() -> Embed:
    """What the bot does and its commands, in a few lines."""
    return build_embed(title="camerabot", description="\n".join(HELP_LINES), colour=INFO_COLOUR)


def cooldown_text(retry_after: float) -> str:
    """The friendly cooldown message."""
    seconds = max(1, round(retry_after))
    return f"You're asking quickly: please wait {seconds} second{'s' if seconds != 1 else ''}."


def missing_permissions_text(permissions: Sequence[str]) -> str:
    """The bot lacks permissions in a channel."""
    names = ", ".join(p.replace("_", " ") for p in permissions)
    return clip(f"I'm missing a permission here: {names}.", MESSAGE_CONTENT_MAX)
