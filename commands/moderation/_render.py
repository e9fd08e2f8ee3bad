"""Every embed and text of the moderators' commands, within Discord's limits, echoes escaped.

Like `_render`, nothing here talks to Discord: plain data in (drafts, store errors, audit entries,
problems), an `Embed` or a string out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from discord import Colour, Embed

from bot.facts.limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    MESSAGE_CONTENT_MAX,
)
from bot.facts.models import FactBase
from bot.facts.problems import Problem
from bot.facts.validation import printable
from bot.state.audit import Action, AuditEntry, entry_time
from bot.state.feedback import FactFeedback
from bot.state.gaps import Gap
from bot.state.settings import servers_text
from bot.store import FACT_KEYS, Change, ChangeRejected, ReloadResult
from commands.moderation._forms import FactDraft
from commands.ui.render import (
    INFO_COLOUR,
    build_embed,
    clip,
    echo,
    lines_within,
    plural,
    quote_block,
    shown,
)

PREVIEW_COLOUR = Colour(0xD69E2E)
REFUSED_COLOUR = Colour(0xC53030)

# How much of one value a history line or a problem shows.
_SNIPPET_MAX = 160
_PROBLEM_MAX = 300
_PROBLEMS_SHOWN = 20

CANCELLED = "Cancelled: nothing was changed."
NOTHING_TO_UNDO = "There is no change to undo."
NOTHING_TO_REDO = "There is no undone change to redo."
EXPIRED_PREVIEW = (
    "This preview expired and nothing was saved. Your text is still shown below; "
    "run /fact add again to save it."
)
EXPIRED_CONFIRM = "Timed out: nothing was changed."
NOT_YOURS = "These buttons are for the moderator who ran the command."
NO_GAPS = "No unanswered questions: everything asked so far is answered by the fact base."
TOO_LONG_TO_EDIT = (
    "This fact's phrasings are longer than a Discord form holds (4000 characters), so editing "
    "it here would lose some. Edit its file instead (`camerabot fact edit` or git)."
)


def code_block(text: str, limit: int, language: str = "") -> str:
    """Text in a code block of at most `limit` characters; a ``` inside cannot close it."""
    body = text.replace("```", "`\u200b``")
    fence = f"```{language}\n"
    room = max(0, limit - len(fence) - len("\n```"))
    return f"{fence}{clip(body, room)}\n```"


def fact_ref(fact_id: str) -> str:
    """A fact id as inline code (ids are lower-case letters, digits and '-')."""
    return f"`{clip(fact_id.replace('`', ''), 80)}`"


def when(at: str) -> str:
    """An audit time as "2024-05-01 12:00 UTC", or marked as no time (a damaged log line)."""
    moment = entry_time(at)
    if moment is None:
        return f"an unreadable time ({echo(printable(at), 40)})"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


# The fact form


def preview_embed(
    draft: FactDraft,
    *,
    source_id: str,
    source_title: str | None,
    brands: Sequence[str],
    fact_id: str | None = None,
    kept_citations: int = 0,
) -> Embed:
    """What Save would write: question, answer, quote with its source, the recognised brands."""
    source = f"`{echo(source_id, 63)}`" if source_id else "*(none)*"
    if source_title:
        source += f" — *{shown(clip(source_title, 200))}*"
    elif source_id:
        source += " (not a known source)"
    quote = quote_block(shown(draft.quote)) if draft.quote.strip() else "*(none)*"
    room = EMBED_FIELD_VALUE_MAX - len(source) - 1
    fields = [
        ("Answer", shown(draft.answer) or "*(empty)*"),
        ("Quote", f"{clip(quote, room)}\n{source}"),
        ("Brands (recognised in the text)", ", ".join(f"`{b}`" for b in brands) or "none"),
    ]
    phrasings = draft.phrasing_lines()
    if phrasings:
        fields.append(
            (f"Other phrasings ({len(phrasings)})", "\n".join(shown(p) for p in phrasings))
        )
    if kept_citations:
        fields.append(("Other citations", f"{kept_citations} more, kept as they are"))
    title = f"Edit {fact_id}: " if fact_id else "New fact: "
    return build_embed(
        title=title + (shown(draft.question) or "(no question)"),
        fields=fields,
        footer="Save checks it (the quote must be in the source) and makes it answerable at once",
        colour=PREVIEW_COLOUR,
    )


def remove_embed(fact_id: str, draft: FactDraft) -> Embed:
    """The fact a moderator is asked to confirm removing."""
    return build_embed(
        title=f"Remove {fact_id}: {shown(draft.question)}",
        description=shown(draft.answer),
        footer="Removed facts can be put back with /kb undo",
        colour=REFUSED_COLOUR,
    )


def problem_line(problem: Problem) -> str:
    """One problem, escaped and short; with its file and line when it is about the disk."""
    where = f"{problem.file}:{problem.line}: " if problem.line else ""
    return "- " + echo(where + problem.message, _PROBLEM_MAX)


def problems_text(problems: Sequence[Problem], limit: int = EMBED_DESCRIPTION_MAX) -> str:
    """Problems one a line, as many as fit, then how many more."""
    lines = [problem_line(p) for p in problems[:_PROBLEMS_SHOWN]]
    hidden = len(problems) - len(lines)

    def more(count: int) -> str:
        return f"…and {plural(count + hidden, 'more problem')}."

    if hidden:
        lines.append(more(0))
    return lines_within(lines, limit, more)


def refused_embed(error: ChangeRejected) -> Embed:
    """Why a change was refused: the reason and every problem (what was typed is kept)."""
    count = len(error.problems)
    return build_embed(
        title=f"Not saved: {count} problem{'s' if count != 1 else ''}",
        description=f"{echo(error.reason, 200)}:\n{problems_text(error.problems, 3800)}",
        footer="Nothing was written. Edit again keeps what you typed.",
        colour=REFUSED_COLOUR,
    )


def did_you_mean(passage: str) -> str:
    """The source's passage nearest to a refused quote, offered instead."""
    return clip(f"Did you mean: “{echo(passage, 1800)}”", MESSAGE_CONTENT_MAX)


def stale_text(fact_id: str, last: AuditEntry | None) -> str:
    """Someone changed the fact since the form opened: nothing was written."""
    who = ""
    if last is not None:
        who = f" ({echo(last.description, 80)} by {echo(last.actor, 60)}, {when(last.at)})"
    return clip(
        f"Not saved: fact {fact_ref(fact_id)} was changed by someone else since you opened it"
        f"{who}. Your text is below; **Edit the new version** opens the form on the current "
        "version.",
        MESSAGE_CONTENT_MAX,
    )


def gone_text(fact_id: str) -> str:
    """The fact was removed while the form was open."""
    return f"Not saved: fact {fact_ref(fact_id)} no longer exists (removed meanwhile)."


def removed_text(fact_id: str) -> str:
    """The reply once a fact is removed."""
    return f"Removed fact {fact_ref(fact_id)}. /kb undo puts it back."


def not_removed_text(fact_id: str, *, gone: bool) -> str:
    """The fact changed (or went) since the confirmation was shown: nothing was removed."""
    if gone:
        return f"Not removed: fact {fact_ref(fact_id)} no longer exists (removed meanwhile)."
    return (
        f"Not removed: fact {fact_ref(fact_id)} was changed by someone else since you asked. "
        f"Look at it again (/fact show {fact_id}) and remove it if it should still go."
    )


def saved_text(change: Change) -> str:
    """The reply to a saved fact form: its id, answerable now."""
    if change.noop:
        return f"Nothing to save: fact {fact_ref(change.record_id)} already says that."
    verb = "Added" if change.action == Action.ADD else "Saved"
    return (
        f"{verb} fact {fact_ref(change.record_id)} in `{change.file}`; it is answerable now. "
        f"/fact show {change.record_id} shows it, /kb undo reverts it."
    )


def change_line(change: Change, moderator: str) -> str:
    """The moderators' channel line for a change: who, what, which record."""
    kind = change.kind or "fact"  # fact, source, brand or partnership
    verb = {
        Action.ADD: "added",
        Action.EDIT: "edited",
        Action.REMOVE: "removed",
        Action.ADD_SOURCE: "added",
    }.get(change.action)
    if verb is None:
        reverted = change.entry.reverted_action if change.entry else None
        did = "redid" if change.action == Action.REDO else "undid"
        verb = f"{did} the {reverted or 'last change'} of"
    line = f"{moderator} {verb} {kind} {fact_ref(change.record_id)}"
    if change.history_postponed:
        # The reason names the bot's own folders: the server's log has it, not the channel.
        line += (
            " — its history could not be written (the state folder is full or read-only); "
            "it waits to be written with the next change"
        )
    return clip(line, MESSAGE_CONTENT_MAX)


# Looking at facts


def unknown_fact_text(fact_id: str, suggestions: Sequence[str]) -> str:
    """No fact has this id; the closest ids, if any."""
    head = f"There is no fact with id `{echo(fact_id, 100).replace('`', '')}`."
    if suggestions:
        return clip(f"{head} Did you mean {', '.join(map(fact_ref, suggestions))}?", 2000)
    return f"{head} Start typing to pick one from the list."


def show_embed(fact_id: str, text: str, file: str, version: str) -> Embed:
    """A fact's record as YAML, with its file and version."""
    return build_embed(
        title=f"Fact {fact_id}",
        description=code_block(text, EMBED_DESCRIPTION_MAX - 100, "yaml"),
        footer=f"{file} · version {version} · /fact edit {fact_id} changes it",
        colour=INFO_COLOUR,
    )


def _snippet(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(
            f"{v.get('source')}: {v.get('quote')}" if isinstance(v, Mapping) else str(v)
            for v in value
        )
    return echo(str(value), _SNIPPET_MAX) if value not in (None, "") else "—"


def _label(record: Mapping[str, Any]) -> Any:
    """What names a record in a line: a fact's question, a brand's name, a source's title."""
    for key in ("question", "name", "title", "id"):
        if record.get(key):
            return record[key]
    return None


def record_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What a change did to a record: each changed field, before → after."""
    if before is None and after is None:
        return "nothing"
    if before is None:
        return f"added: {_snippet(_label(after or {}))}"
    if after is None:
        return f"removed: {_snippet(_label(before))}"
    keys = [k for k in FACT_KEYS if k in before or k in after]
    keys += sorted(k for k in {*before, *after} if k not in FACT_KEYS)
    lines = [
        f"**{k}**: {_snippet(before.get(k))} → {_snippet(after.get(k))}"
        for k in keys
        if before.get(k) != after.get(k)
    ]
    return "\n".join(lines) or "no field changed"


HISTORY_PER_PAGE = 10
FEEDBACK_PER_PAGE = 10


def pages_note(page: int, pages: int) -> str:
    """A page note, " · page 2 of 3", when there is more than one page."""
    return f" · page {page + 1} of {pages}" if pages > 1 else ""


def history_embed(
    fact_id: str,
    entries: Sequence[AuditEntry],
    *,
    page: int = 0,
    kind: str = "fact",
    review: str = "",
) -> Embed:
    """Who changed a fact (or a record of another kind), when, and what: newest first, a page.

    `review`: the line saying when the fact was last reviewed as still true, if it was.
    """
    newest = list(reversed(entries))
    pages = max(1, -(-len(newest) // HISTORY_PER_PAGE))
    shown_here = newest[page * HISTORY_PER_PAGE : (page + 1) * HISTORY_PER_PAGE]
    fields = [
        (
            f"{when(e.at)} · {echo(e.actor, 80)} · "
            f"{echo(e.description.split(f' of {kind} ')[0], 80)}",
            record_changes(e.before, e.after),
        )
        for e in shown_here
    ]
    return build_embed(
        title=f"History of {fact_id}" if kind == "fact" else f"History of {kind} {fact_id}",
        description=(review + "\n" if review else "")
        + (
            ""
            if entries
            else "No recorded changes (it was never changed from Discord "
            "or the command line; git log has the rest)."
        ),
        fields=fields,
        footer=f"{plural(len(entries), 'change')}, newest first{pages_note(page, pages)}",
        colour=INFO_COLOUR,
        more=lambda n: (
            f"…and {plural(n, 'more change')} on this page; "
            f"`camerabot {kind} history {fact_id}` lists all."
        ),
    )


# The fact base


def undo_embed(entry: AuditEntry, *, redo: bool = False) -> Embed:
    """The change /kb undo would revert (or /kb redo make again), to confirm."""
    verb = "Redo" if redo else "Undo"
    return build_embed(
        title=f"{verb} the {shown(entry.description)}?",
        description=record_changes(entry.before, entry.after),
        footer=f"by {clip(entry.actor, 80)}, {when(entry.at)} · the {verb.lower()} is recorded too",
        colour=PREVIEW_COLOUR,
    )


def undone_text(change: Change, *, redo: bool = False) -> str:
    """The reply once undone (or redone): what the record is now, and where to go next."""
    reverted = change.entry.reverted_action if change.entry else None
    if change.after is None:
        now = "It is removed"
    elif change.before is None:
        now = "It is back"
    else:
        now = "It is restored"
    done = "Redone" if redo else "Undone"
    return (
        f"{done}: the {reverted or 'last change'} of {change.kind} {fact_ref(change.record_id)}. "
        f"{now}; /kb undo steps further back, /kb redo makes an undone change again."
    )


def counts(base: FactBase) -> str:
    """How much the base holds."""
    return (
        f"{len(base.sources)} sources, {len(base.brands)} brands, "
        f"{len(base.partnerships)} partnerships, {len(base.facts)} facts"
    )


def validate_embed(problems: Sequence[Problem], base: FactBase) -> Embed:
    """The files on disk checked: every problem with file and line, or valid with counts."""
    if not problems:
        return build_embed(
            title="knowledge/ is valid",
            description=f"Serving {counts(base)}.",
            colour=INFO_COLOUR,
        )
    return build_embed(
        title=f"knowledge/ has {plural(len(problems), 'problem')}",
        description=problems_text(problems),
        footer="The bot keeps answering from the last good version until they are fixed",
        colour=REFUSED_COLOUR,
    )


def reload_embed(result: ReloadResult, base: FactBase) -> Embed:
    """What /kb reload found."""
    if result.problems:
        return build_embed(
            title="Not reloaded: knowledge/ has problems",
            description=problems_text(result.problems),
            footer="Still answering from the last good version",
            colour=REFUSED_COLOUR,
        )
    return build_embed(
        title="Reloaded" if result.changed else "Nothing changed",
        description=f"Serving {counts(base)}.",
        colour=INFO_COLOUR,
    )


def gap_label(number: int, gap: Gap) -> str:
    """The button of one listed gap."""
    return clip(f"{number}. {' '.join(gap.question.split())}", 80)


def _from(guilds: Iterable[int], names: Mapping[int, str] | None) -> str:
    """Where a question came from (" · from Camera Fans, DM", escaped), or nothing."""
    text = servers_text(guilds, names)
    return f" · from {echo(text, 120)}" if text else ""


def gaps_embed(
    gaps: Sequence[Gap],
    *,
    page: int = 0,
    per_page: int = 20,
    server_names: Mapping[int, str] | None = None,
) -> Embed:
    """A page of unanswered questions, most asked first, with the servers they came from."""
    pages = max(1, -(-len(gaps) // per_page))
    first = page * per_page
    lines = [
        f"**{n}.** {echo(g.question, 150)} — asked {g.count}×, last {g.last_asked[:10]}"
        + (" (in the console)" if g.where == {"console"} else "")
        + _from(g.guilds, server_names)
        for n, g in enumerate(gaps[first : first + per_page], start=first + 1)
    ]
    return build_embed(
        title="Unanswered questions",
        description=lines_within(lines, EMBED_DESCRIPTION_MAX, lambda n: f"…and {n} more."),
        footer="Press a number to answer that question with a new fact (/fact add, pre-filled), "
        "add it as another phrasing of a fact, or dismiss one from the menu"
        + pages_note(page, pages),
        colour=INFO_COLOUR,
    )


DISMISS_PLACEHOLDER = "Dismiss a question (spam, abuse, off topic)…"
STALE_PLACEHOLDER = "Still true: mark a fact reviewed against the newer sources…"
STALE_MENU_TEXT = (
    "Checked one against the newer sources and it still holds? Choose it: it leaves this list, "
    "and its answer the “Since then…” note, until a newer source arrives."
)
ALL_REVIEWED = "Every listed fact is reviewed."


def review_note(by: str, at: str, against: str) -> str:
    """A fact's last review as still true, for its history (the reviewer's name escaped)."""
    return (
        f"Last reviewed as still true {when(at)} by {echo(by, 80)}, against the sources up to "
        f"{against}."
    )


def reviewed_line(moderator: str, fact_id: str, against: str, newer: Sequence[str]) -> str:
    """The moderators' channel line for a stale fact reviewed as still true."""
    line = (
        f"{moderator} reviewed {fact_ref(fact_id)} as still true against the sources up to "
        f"{against} ({', '.join(newer)})"
    )
    return clip(line, MESSAGE_CONTENT_MAX)


PHRASING_PLACEHOLDER = "Add a question as another phrasing of a fact…"


def phrasing_question(question: str, nearest: bool) -> str:
    """What the phrasing chooser asks (user text escaped)."""
    which = "Choose the fact it asks (nearest first), or" if nearest else "No fact is near it:"
    return f"Add “{echo(question, 300)}” as another phrasing: {which} press **Another fact…**"


def phrasing_line(moderator: str, question: str, change: Change) -> str:
    """The moderators' channel line for a question added as a phrasing (user text escaped)."""
    line = (
        f"{moderator} added the unanswered question “{echo(question, 300)}” as a phrasing of "
        f"{fact_ref(change.record_id)} (version {change.version})"
    )
    return clip(line, MESSAGE_CONTENT_MAX)


def dismissed_line(moderator: str, question: str, reason: str) -> str:
    """The moderators' channel line for a dismissed question (user text escaped)."""
    line = f"{moderator} dismissed the unanswered question “{echo(question, 300)}”: {echo(reason)}"
    return clip(line, MESSAGE_CONTENT_MAX)


NO_FEEDBACK = "No answer has been reported wrong or outdated."
# Where the answer buttons file votes on an answer with no single fact
# (commands.ui.persistent.REASONED).
REASONED_ANSWERS = "reasoned"


def feedback_embed(
    reports: Sequence[FactFeedback],
    *,
    page: int = 0,
    server_names: Mapping[int, str] | None = None,
) -> Embed:
    """A page of the facts readers reported wrong, most reported first, with their reasons."""
    pages = max(1, -(-len(reports) // FEEDBACK_PER_PAGE))
    first = page * FEEDBACK_PER_PAGE
    fields = []
    for number, report in enumerate(reports[first : first + FEEDBACK_PER_PAGE], start=first + 1):
        what = (
            "answers reasoned from several records"
            if report.fact_id == REASONED_ANSWERS
            else report.fact_id
        )
        name = f"{number}. {what} — {plural(report.wrong, 'report')} wrong, {report.helpful} 👍"
        lines = [f"- “{echo(reason, 200)}”" for reason in report.reasons]
        if report.questions:
            lines.append(f"Asked as: “{echo(report.questions[0], 150)}”")
        if report.guilds:
            lines.append(f"From: {echo(servers_text(report.guilds, server_names), 150)}")
        fields.append((name, "\n".join(lines) or "No reason given."))
    return build_embed(
        title="Answers reported wrong or outdated",
        fields=fields,
        footer="Press a number to edit that fact or record" + pages_note(page, pages),
        colour=PREVIEW_COLOUR,
    )


def source_added_text(change: Change) -> str:
    """The reply once a source is added."""
    return (
        f"Added source {fact_ref(change.record_id)} (`sources/{change.record_id}.txt`). "
        f"Cite it in /fact add by its id."
    )


def export_text(size: int) -> str:
    """The message holding the export."""
    return (
        f"Every knowledge file, article texts too ({size:,} bytes zipped). "
        "/kb import (or `camerabot kb import`) restores exactly these files."
    )


def export_too_large_text(size: int) -> str:
    """The export is larger than a message may carry."""
    return (
        f"The export is {size:,} bytes zipped, too large to attach here: "
        "run `camerabot kb export FILE.zip` on the server instead."
    )


IMPORT_QUESTION = (
    "Import this archive? The knowledge files become exactly its files (checked whole first; "
    "nothing changes if any is invalid). /kb undo does not take an import back: export first "
    "to keep what is there now."
)


def imported_text(names: Sequence[str]) -> str:
    """The reply once an archive is imported."""
    if not names:
        return "Imported: the files were already exactly those of the archive; nothing changed."
    listed = ", ".join(f"`{echo(n, 80)}`" for n in names[:10])
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    return clip(f"Imported: {plural(len(names), 'file')} changed ({listed}{more}).", 1900)


def resolved_line(moderator: str, fact_id: str, count: int) -> str:
    """The moderators' channel line for reports resolved by an edit made from them."""
    reports = plural(count, "report")
    return clip(f"{moderator} resolved {reports} on {fact_ref(fact_id)}", MESSAGE_CONTENT_MAX)


def imported_line(moderator: str, count: int) -> str:
    """The moderators' channel line for an import."""
    return f"{moderator} imported an archive: {plural(count, 'knowledge file')} changed"
