"""Every embed and reply text the bot sends, built from the core's plain data, within limits.

Nothing here talks to Discord: each function takes answers, look-ups or the engine and returns an
`Embed` or a string, so the rendering can be tested (and held to the limits) without a gateway.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote, urlsplit

from discord import Colour, Embed
from discord.utils import escape_mentions

from bot.engine.engine import (
    BRAND_PREFIX,
    DONT_KNOW,
    OVERVIEW_ID,
    Answer,
    BrandLookup,
    CitedQuote,
    Engine,
    Suggestion,
    status_phrase,
)
from bot.facts.limits import (
    CHOICE_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_MAX,
    MESSAGE_CONTENT_MAX,
)
from bot.facts.models import FactBase, Partnership, PartnershipStatus

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

DID_YOU_MEAN = "Did you mean this one?"
DID_YOU_MEAN_SEVERAL = "Did you mean one of these?"
DID_YOU_MEAN_ALSO = "Or did you mean another question below?"
RELATED_HEAD = "Here is what they do say:"
NO_SUGGESTION = "Try /partners for what I know, or ask another way."
NOT_YOUR_ANSWER = "Only the person who asked (or a moderator) can delete this answer."
ANSWER_DELETED = "Deleted."
NOT_YOURS = "These suggestions are for the person who asked. Use /ask to ask your own question."
ANSWER_GONE = "That answer is no longer in the fact base."
EMPTY_MENTION = 'Ask me a question after the mention, e.g. "which phones had Leica cameras?"'
SOMETHING_WENT_WRONG = "Something went wrong on my side. Please try again in a moment."
EXPIRED_BUTTON = "This has expired. Please ask again."
ALREADY_VOTED = "You already said that about this answer. Thanks!"
# A server whose admins chose (/config reporters) that only moderators report answers.
REPORTS_BY_MODERATORS = (
    "In this server, only moderators report answers as wrong. Tell one if this answer is."
)
THANKS_HELPFUL = "Thanks! Glad it helped."
THANKS_WRONG = "Thanks for telling us: the moderators will look at this answer."
HELP_WORDS = frozenset({"help", "/help", "commands", "what can you do", "what can you do?"})
NO_TEXT_TO_ANSWER = "That message has no text I can answer."
NO_PERMISSION = "You don't have permission to use this command here."
GUILD_ONLY = "This command works only in a server."
BAD_INPUT = "I couldn't read that input. Please check it and try again."
OUT_OF_DATE = "That command is out of date here. Please try again in a minute."


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


# Every character that starts Discord markdown, anywhere on a line: emphasis, code, spoilers,
# quotes, headings and subtext, masked links ([text](url)), autolinks, mentions and timestamps
# (<…>), and escapes themselves. discord.py's escape_markdown leaves links alone, so a second
# masked link on a line stays live; with every square bracket escaped no masked link can start.
_MARKDOWN = re.compile(r"([\\*_~|`>#<\[\]])")
# A bare URL's scheme ("https:" before "//"): Discord makes it a link wherever it stands, so
# its colon is escaped (shown as written, no longer a link).
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):(?=//)")
# A list item at a line's start ("- ", "+ ", "1. "): its mark is escaped so it shows as typed.
_BULLET = re.compile(r"^([ \t]*)([-+])(?=[ \t]|$)", re.MULTILINE)
_NUMBERED = re.compile(r"^([ \t]*[0-9]+)\.(?=[ \t]|$)", re.MULTILINE)


def escaped(text: str) -> str:
    """Text shown as written on Discord: markdown escaped, no link live, no list started."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _SCHEME.sub(r"\1\\:", text)
    text = _NUMBERED.sub(r"\1\\.", _BULLET.sub(r"\1\\\2", text))
    return escape_mentions(text)


# Every escape `escaped` writes, taken back (a backslash pairs with the character after it).
_ESCAPE = re.compile(r"\\([\\*_~|`>#<\[\]:.+-])")


def unescaped(text: str) -> str:
    """Text shown through `escaped`, back as it was written (for a question read off an embed)."""
    return _ESCAPE.sub(r"\1", text).replace("@\u200b", "@")


def echo(text: str, limit: int = _ECHO_MAX) -> str:
    """User text made safe to show back: one line, clipped, markdown and mentions escaped."""
    flat = " ".join(text.split())
    return clip(escaped(flat), limit)


def shown(text: str) -> str:
    """Fact-base text shown as written: markdown characters escaped."""
    return escaped(text)


# A URL's characters that could end a markdown link early or start another: percent-encoded.
_URL_SAFE = "/?#&=+%~.,;:!*$'@-_"


def safe_url(url: str) -> str | None:
    """An http(s) URL made safe inside a markdown link, or None when it is not one.

    The URL is percent-encoded except for its ordinary punctuation, so no bracket, parenthesis,
    angle bracket, space or backslash can end the link or start a second one.
    """
    text = url.strip()
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe=_URL_SAFE)


def linked(title: str, url: str, limit: int = 200) -> str:
    """A title (escaped) linked to its url when that is a safe http(s) URL, else in italics."""
    text = shown(clip(" ".join(title.split()), limit))
    target = safe_url(url) if url else None
    return f"[{text}]({target})" if target else f"*{text}*"


def quote_block(text: str) -> str:
    """Text as a Discord block quote, every line prefixed."""
    lines = text.splitlines() or [""]
    return "\n".join(f"> {line}" for line in lines)


def source_line(citation: CitedQuote) -> str:
    """The article a quote comes from: its title (linked when there is a url) and date."""
    return clip(f"— {linked(citation.title, citation.url)}, {citation.date}", _SOURCE_LINE_MAX)


def citation_text(citation: CitedQuote, limit: int = EMBED_FIELD_VALUE_MAX) -> str:
    """A quote as a block quote, then its source; the quote is cut so the source always shows."""
    line = source_line(citation)
    room = max(0, limit - len(line) - 1)
    return f"{clip(quote_block(shown(citation.quote)), room)}\n{line}"


def grouped_citations(citations: Sequence[CitedQuote]) -> list[list[CitedQuote]]:
    """Citations grouped by their article, in the order the articles first appear."""
    groups: dict[str, list[CitedQuote]] = {}
    for citation in citations:
        group = groups.setdefault(citation.source_id, [])
        if citation.quote not in [c.quote for c in group]:
            group.append(citation)
    return list(groups.values())


def source_text(group: Sequence[CitedQuote], limit: int = EMBED_FIELD_VALUE_MAX) -> str:
    """One article's heading (title linked, date once), then each of its quotes."""
    first = group[0]
    heading = clip(f"{linked(first.title, first.url)} · {first.date}", _SOURCE_LINE_MAX)
    quotes = "\n".join(quote_block(shown(c.quote)) for c in group)
    return f"{heading}\n{clip(quotes, max(0, limit - len(heading) - 1))}"


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
    total: int = EMBED_TOTAL_MAX,
) -> Embed:
    """An embed within Discord's limits: every part clipped, fields dropped once `total` is reached.

    Fields left out are summarised by one last field with `more(count)` when given. `total`
    is less than 6000 when the embed shares a message with others.
    """
    title = clip(title, min(EMBED_TITLE_MAX, total))
    footer = clip(footer, min(EMBED_FOOTER_MAX, total - len(title)))
    description = clip(description, min(EMBED_DESCRIPTION_MAX, total - len(title) - len(footer)))
    embed = Embed(title=title or None, description=description or None, colour=colour)
    if footer:
        embed.set_footer(text=footer)
    budget = total - len(title) - len(description) - len(footer)
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
    return f"…and {plural(count, 'more source')} not shown."


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """A count with its noun in the right number: "1 partnership", "2 partnerships"."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def listed_partnerships(answer: Answer, base: FactBase) -> list[Partnership] | None:
    """The partnerships an answer built from them lists (all, a brand's), else None."""
    entry = answer.fact_id or ""
    if entry == OVERVIEW_ID:
        return sorted(
            base.partnerships.values(),
            key=lambda p: (p.status is PartnershipStatus.ENDED, p.id),
        )
    if entry.startswith(BRAND_PREFIX):
        return base.partnerships_of(entry.removeprefix(BRAND_PREFIX)) or None
    return None


def answer_text(answer: Answer, base: FactBase | None = None) -> str:
    """The answer's text; an answer listing partnerships as a list (devices as a sub-list).

    The engine words such an answer as sentences (right for a terminal); on Discord, one
    partnership a bullet reads better, with the same facts: status, period, devices.
    """
    text = answer.answer or answer.reply or ""
    listed = listed_partnerships(answer, base) if base is not None and answer.answered else None
    if base is None or not listed:
        return shown(text)
    entry = answer.fact_id or ""
    brand = base.brands.get(entry.removeprefix(BRAND_PREFIX)) if entry != OVERVIEW_ID else None
    subject = f"{brand.name}'s camera partnerships" if brand else "the camera partnerships"
    # A part after one that gave the same date does not repeat it (`once_dated`).
    dated = answer.reported_on and text.startswith("As reported on ")
    head = f"As reported on {answer.reported_on}, {subject}:" if dated else subject
    lines = [shown(head[0].upper() + head[1:])]
    for partnership in listed:
        lines += partnership_lines(partnership, base, from_brand=brand.id if brand else None)
    return "\n".join(lines)


def answer_embed(
    answer: Answer,
    base: FactBase | None = None,
    *,
    title: str | None = None,
    footer: str = "",
    total: int = EMBED_TOTAL_MAX,
) -> Embed:
    """An answer: the question as asked, the answer, the quotes grouped by article.

    No fact id or score: they mean nothing to readers (moderators find the id under "ⓘ").
    With `base`, an answer listing partnerships shows them as a list. `title` replaces the
    question as asked ("" for none: a later part of a message's answer).
    """
    groups = grouped_citations(answer.citations)
    fields = [
        ("Source" if len(groups) == 1 else f"Source {number}", source_text(group))
        for number, group in enumerate(groups, start=1)
    ]
    return build_embed(
        title=echo(answer.question, EMBED_TITLE_MAX) if title is None else title,
        description=answer_text(answer, base),
        fields=fields,
        footer=footer,
        more=_more_sources,
        total=total,
    )


def answer_embeds(answer: Answer, base: FactBase | None = None) -> list[Embed]:
    """An answer's embeds: one, or one a question for a message of several, each with its quotes.

    The first is titled with the message as asked; a part the sources do not answer says so;
    a note about questions left unread is the last embed's footer. Together they hold the
    6000 characters Discord allows all of one message's embeds.
    """
    parts = [p for p in answer.parts if p.kind != "chat"][:EMBEDS_MAX]
    if len(parts) < 2:
        return [answer_embed(answer, base)]
    notes = " ".join(p.reply or "" for p in answer.parts if p.kind == "chat")
    share = EMBED_TOTAL_MAX // len(parts)
    return [
        answer_embed(
            part,
            base,
            title=echo(answer.question, EMBED_TITLE_MAX) if number == 0 else "",
            footer=notes if number == len(parts) - 1 else "",
            total=share,
        )
        for number, part in enumerate(parts)
    ]


def other_suggestions(answer: Answer) -> tuple[Suggestion, ...]:
    """The "did you mean" suggestions that are not among the related facts already shown."""
    shown_ids = {r.fact_id for r in answer.related}
    return tuple(s for s in answer.suggestions if s.fact_id not in shown_ids)


def abstain_text(answer: Answer) -> str:
    """The reply when the engine abstains: its precise refusal (or small talk's reply).

    What the sources do say about the brands asked about (`related`) and the questions the
    person may have meant go on buttons under it.
    """
    head = clip(answer.reply or DONT_KNOW, 1500)
    if answer.kind == "chat":
        return head
    count = len(other_suggestions(answer))
    if answer.related:
        if not head.rstrip().endswith(":"):
            head += " " + RELATED_HEAD
        return head if not count else f"{head}\n{DID_YOU_MEAN_ALSO}"
    if not count:
        return f"{head} {NO_SUGGESTION}"
    return f"{head} {DID_YOU_MEAN if count == 1 else DID_YOU_MEAN_SEVERAL}"


def button_label(text: str) -> str:
    """A button label (at most 80 characters)."""
    return clip(" ".join(text.split()), BUTTON_LABEL_MAX) or ELLIPSIS


def choice_text(text: str) -> str:
    """An autocomplete choice's name or value (1 to 100 characters)."""
    return clip(" ".join(text.split()), CHOICE_MAX) or ELLIPSIS


def partnership_lines(
    partnership: Partnership, base: FactBase, *, from_brand: str | None = None
) -> list[str]:
    """A partnership as a bullet, its phones as sub-bullets.

    The bullet says who with whom, the status, since when, how long and when the first phone was
    due; phones that only reports named are marked so.
    """
    phone = base.brands[partnership.phone_maker].name
    camera = base.brands[partnership.camera_maker].name
    first, second = (camera, phone) if from_brand == partnership.camera_maker else (phone, camera)
    details = [status_phrase(partnership)]
    since = getattr(partnership, "since", None)
    if since is not None:
        details.append(f"since {since.label}")
    if partnership.period:
        period = partnership.period[0].lower() + partnership.period[1:]
        # The sources give a length as an adjective ("four-year", "multi-year").
        details.append(f"{period} partnership" if period.endswith("-year") else period)
    due = getattr(partnership, "first_phone_due", None)
    if due is not None:
        details.append(f"first phone due {due.label}")
    lines = [f"- **{shown(first)}** with **{shown(second)}** — {shown('; '.join(details))}"]
    lines += [f"  - {shown(device)}" for device in partnership.devices]
    lines += [
        f"  - {shown(device)} (reported, not confirmed)"
        for device in getattr(partnership, "reported_devices", ())
    ]
    return lines


def brand_embed(lookup: BrandLookup, engine: Engine) -> Embed:
    """A brand's partnerships, current then ended, with status, devices, dates and quotes."""
    brand = lookup.brand
    if brand is None:
        raise ValueError("brand_embed needs a lookup that found a brand")
    kind = brand.kind.value.replace("_", " ")
    country = f", {brand.country}" if brand.country else ""
    lines: list[str] = []
    fields = []
    for view in lookup.partnerships:
        block = partnership_lines(view.partnership, engine.base, from_brand=brand.id)
        if view.reported_on:
            block[0] += f" (reported {view.reported_on})"
        lines.append("\n".join(block))
        pair = f"{brand.name} × {view.partner.name} ({status_phrase(view.partnership)})"
        fields += [(shown(pair), source_text(group)) for group in grouped_citations(view.citations)]
    if not lines:
        lines.append("No partnerships on record.")
    current = [
        v for v in lookup.partnerships if v.partnership.status is not PartnershipStatus.ENDED
    ]
    return build_embed(
        title=shown(f"{brand.name} ({kind}{country})"),
        description=lines_within(lines, EMBED_DESCRIPTION_MAX, _more_partnerships),
        fields=fields,
        footer=(
            f"{plural(len(lookup.partnerships), 'partnership')}, {len(current)} current · "
            "/partners lists them all"
        ),
        colour=ANSWER_COLOUR if current or not lookup.partnerships else ENDED_COLOUR,
        more=_more_sources,
    )


def unknown_brand_text(lookup: BrandLookup) -> str:
    """The "did you mean" for a brand name the fact base does not know (names on buttons too)."""
    head = f"I don't know a brand called **{echo(lookup.query)}**."
    names = [shown(b.name) for b in lookup.suggestions]
    if len(names) == 1:
        return clip(f"{head} Did you mean {names[0]}?", MESSAGE_CONTENT_MAX)
    if names:
        listed = ", ".join(names[:-1]) + f" or {names[-1]}"
        return clip(f"{head} Did you mean {listed}?", MESSAGE_CONTENT_MAX)
    return f"{head} Try /partners for the list."


def _more_partnerships(count: int) -> str:
    return f"…and {plural(count, 'more partnership')}; try /partner BRAND."


PARTNERSHIPS_PER_PAGE = 8
SOURCES_PER_PAGE = 15


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` items take (at least one)."""
    return max(1, -(-total // per_page))


def page_footer(page: int, pages: int, text: str) -> str:
    """A footer with "page 2 of 3" when there is more than one page."""
    return f"{text} · page {page + 1} of {pages}" if pages > 1 else text


def partnerships_embed(engine: Engine, page: int = 0) -> Embed:
    """One page of every partnership, current first: status, period, devices and date."""
    partnerships = engine.partnerships()
    pages = page_count(len(partnerships), PARTNERSHIPS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    shown_here = partnerships[page * PARTNERSHIPS_PER_PAGE : (page + 1) * PARTNERSHIPS_PER_PAGE]
    blocks = []
    for partnership in shown_here:
        block = partnership_lines(partnership, engine.base)
        reported = engine.reported_on(partnership.citations)
        if reported:
            block[0] += f" (reported {reported})"
        blocks.append("\n".join(block))
    return build_embed(
        title="Camera partnerships",
        description=lines_within(blocks, EMBED_DESCRIPTION_MAX, _more_partnerships)
        or "No partnerships on record.",
        footer=page_footer(
            page,
            pages,
            f"{plural(len(partnerships), 'partnership')}, current first · "
            "/partner BRAND shows the quotes",
        ),
    )


def sources_embed(engine: Engine, page: int = 0) -> Embed:
    """One page of the source articles with their dates, newest first."""
    sources = engine.sources()
    pages = page_count(len(sources), SOURCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    lines = [
        f"- {source.date_label}: {linked(source.title, source.url)} (`{source.id}`)"
        for source in sources[page * SOURCES_PER_PAGE : (page + 1) * SOURCES_PER_PAGE]
    ]
    return build_embed(
        title="Sources",
        description=lines_within(
            lines, EMBED_DESCRIPTION_MAX, lambda n: f"…and {plural(n, 'more article')}."
        )
        or "No sources on record.",
        footer=page_footer(
            page,
            pages,
            f"{plural(len(sources), 'article')} · every answer quotes one of them word for word",
        ),
        colour=INFO_COLOUR,
    )


def help_embed(bot_mention: str = "@camerabot", commands: Mapping[str, str] | None = None) -> Embed:
    """What the bot does and its commands; `commands` maps names to clickable mentions."""
    known = commands or {}

    def command(name: str) -> str:
        return known.get(name) or f"**/{name}**"

    lines = (
        "Ask about smartphone makers' partnerships with camera makers; "
        "every answer quotes its source.",
        "",
        f"{command('ask')} `question` — answer a question, with the quote it comes from "
        "(`private: True` shows the answer to you alone)",
        f"{command('partner')} `brand` — a brand's partnerships, phone maker or camera maker "
        "(typos are fine)",
        f"{command('partners')} — every partnership on record, current and ended",
        f"{command('sources')} — the articles the answers quote, with their dates",
        f"{command('help')} — this text",
        "",
        f"You can also mention me with a question: {bot_mention} which phones had Leica cameras?",
        "Or right-click a message → Apps → **Ask camerabot** to answer a question someone asked.",
        "Under each answer, 👍 or **Wrong or outdated** tells the moderators how it did.",
        "When I'm not sure, I say so instead of guessing.",
    )
    return build_embed(title="camerabot", description="\n".join(lines), colour=INFO_COLOUR)


def cannot_send_text(channel_id: int) -> str:
    """The DM to an asker in a channel where the bot may not post."""
    return (
        f"I can't post in <#{channel_id}> (the server has not given me the right to send "
        "messages there). Ask me here, or with /ask, or in another channel."
    )


def too_long_text(length: int, limit: int) -> str:
    """The refusal of a mention too long to read (never answered from a cut-off part)."""
    return (
        f"Your message is {length} characters; I read questions of up to {limit}. "
        "Please ask it shorter, one question at a time."
    )


def cooldown_text(retry_after: float) -> str:
    """The friendly cooldown message."""
    seconds = max(1, round(retry_after))
    return f"You're asking quickly: please wait {seconds} second{'s' if seconds != 1 else ''}."


def missing_permissions_text(permissions: Sequence[str]) -> str:
    """The bot lacks permissions in a channel."""
    names = ", ".join(p.replace("_", " ") for p in permissions)
    return clip(f"I'm missing a permission here: {names}.", MESSAGE_CONTENT_MAX)


def info_text(
    answer: Answer, *, fact_id: str | None = None, edit: tuple[str, str] | None = None
) -> str:
    """The reply to "ⓘ": the question an answer is for; for moderators, the command editing it.

    `fact_id` is the answer's id; `edit` the record an edit of it changes (kind, id), if any.
    """
    text = f"This answer is for the question “{echo(answer.matched_question or '', 200)}”."
    if answer.reported_on:
        text += f" Its source reported it on {answer.reported_on}."
    if fact_id is None:
        return clip(text, MESSAGE_CONTENT_MAX)
    if edit is not None and edit[0] == "fact":
        text += f"\nFact id: `{fact_id}` (moderators: /fact edit {fact_id} changes it)."
    elif edit is not None:
        kind, record_id = edit
        text += f"\nAnswer id: `{fact_id}`, built from the {kind} `{record_id}` "
        text += f"(moderators: /{kind} edit {record_id} changes it)."
    else:
        text += f"\nAnswer id: `{fact_id}`, built from several records "
        text += "(moderators: /partnership edit or /brand edit changes one)."
    return clip(text, MESSAGE_CONTENT_MAX)


def wrong_report_text(fact_id: str, question: str, reason: str, reporter: str) -> str:
    """The moderators' channel line for a "wrong or outdated" report."""
    why = f" — “{echo(reason, 200)}”" if reason.strip() else " (no reason given)"
    return clip(
        f"{reporter} reported the answer `{fact_id}` as wrong or outdated{why}. "
        f"Question: “{echo(question, 200)}”. /kb feedback lists the reports.",
        MESSAGE_CONTENT_MAX,
    )
