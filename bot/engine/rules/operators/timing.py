"""A first phone's due date against a question's "before", "after", "by" or "until" a time.

The records give the month (or year) a partnership's first phone was due, as a source reported
it on its date. "Will it launch before July 2022?" compares that month with the one asked, and
says it as what was reported, dated; a time the due date does not settle (a month asked of a
due year) is not answered with a yes or a no.
"""

from __future__ import annotations

from itertools import pairwise

from bot.engine.lexicon.operators import MONTHS
from bot.engine.prose import lowered
from bot.engine.questions import YEAR, Form, Part
from bot.engine.rules.context import LAUNCH, RELATION, Context, partnership_id
from bot.engine.rules.devices import due_partnership
from bot.engine.rules.operators.common import FIRST_PHONE_TOKENS
from bot.engine.rules.said import Said
from bot.engine.timeline import claim_quotes
from bot.engine.words import canonical
from bot.facts.models import Month, PartnershipStatus

_BEFORE = frozenset({"before", "prior", "earlier"})
_AFTER = frozenset({"after", "later"})
_BY = frozenset({"by", "until", "till"})
# The tokens a question places a time with ("before" reads "befor"), "wait until", "set to".
_TIMING = frozenset(
    {"wait", "after", "befor", "before", "until", "till", "prior", "by", "later", "set", "expect"}
)


def due_by(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a first phone was due before, after or by the month or year asked."""
    # "Will Xiaomi reveal the specs before July?" asks of another event than the launch.
    timing = {canonical(w) or w for w in part.words if w in MONTHS} | _TIMING
    if not residual - timing - {str(year) for year in part.years} <= LAUNCH:
        return None
    order = _order(part)
    if not set(part.analysis.tokens) & FIRST_PHONE_TOKENS:
        return None  # "is the deal going to last until 2051?" asks of the partnership, not a phone
    if order is None or not (part.months or part.years) or part.devices or len(part.years) > 1:
        return None
    if len(part.months) > 1 or part.form not in (Form.YES_NO, Form.PLAIN):
        return None
    partnership = due_partnership(ctx, known)
    if partnership is None or partnership.first_phone_due is None:
        return None
    due = partnership.first_phone_due
    month = part.months[0] if part.months else _may(part)
    asked = Month(part.years[0] if part.years else due.year, month)
    verdict = _compare(due, asked, order)
    citations = partnership.citations
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    fact = f"the first phone of the {pair} partnership was due in {due.label}"
    entry = partnership_id(partnership)
    if verdict is None:
        text = f"The sources don't say: {ctx.as_of(citations)}, {fact}."
        return Said(text, citations, entry_id=entry)
    head = "Yes" if verdict else "No"
    return Said(f"{head}: {lowered(ctx.dated(citations))}, {fact}.", citations, entry_id=entry)


def _may(part: Part) -> int | None:
    """May as a month when a year follows it ("after May 2022"); the reader leaves "may" out."""
    for word, after in zip(part.words, part.words[1:], strict=False):
        if word == "may" and YEAR.fullmatch(after):
            return 5
    return None


def _order(part: Part) -> str | None:
    """How the question places the time it names: before, after, by or from it, or None.

    "Do we have to wait until April?" asks whether it comes no earlier than April: "from".
    """
    if "wait" in part.words:
        return "from"
    for word in part.words:
        if word in _BEFORE:
            return "before"
        if word in _AFTER:
            return "after"
        if word in _BY:
            return "by"
    return None


def _compare(due: Month, asked: Month, order: str) -> bool | None:
    """Whether the due month lies before, after or by the asked one; None when undecided."""
    if asked.month is None or due.month is None:
        if due.year == asked.year and asked.month is not None:
            return None  # a month asked of a due year: the sources do not settle it
        # By years: "before 2023" of July 2022, "by 2022" of July 2022.
        first: tuple[int, int] = (due.year, 0)
        last: tuple[int, int] = (asked.year, 0)
        if order in ("by", "from"):
            return first <= last if order == "by" else first >= last
    else:
        first, last = (due.year, due.month), (asked.year, asked.month)
    if order == "before":
        return first < last
    if order == "after":
        return first > last
    if order == "from":
        return first >= last
    return first <= last


def relative_year(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """A first phone due "this year or next year", counted from its source's date.

    A dated source says "July this year" of its own year; a question asked later means another
    year by "this year", so the answer names the year each way and opens with no yes or no.
    """
    words = part.words
    pairs = set(pairwise(words))
    if not {("this", "year"), ("next", "year")} <= pairs or "or" not in words:
        return None
    if part.devices or part.years or len(part.months) > 1 or part.negated:
        return None
    if not set(part.analysis.tokens) & FIRST_PHONE_TOKENS:
        return None
    if not residual - {"year", "next", "say"} - {canonical(w) or w for w in MONTHS} <= LAUNCH:
        return None
    partnership = due_partnership(ctx, known)
    if partnership is None or partnership.first_phone_due is None:
        return None
    due = partnership.first_phone_due
    said_due = claim_quotes(ctx.base, partnership, [due.label.split()[0]])
    reported = ctx.base.source_date(said_due)
    if reported is None or due.year - reported.year not in (0, 1):
        return None
    if part.months and due.month not in part.months:
        return None  # "July this year or next?" of an August due month: not this rule's
    head = "This year" if due.year == reported.year else "Next year"
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    text = (
        f"{head}, counted from the source's date: {ctx.as_of(said_due)}, the first phone of the "
        f"{pair} partnership was due in {due.label}."
    )
    return Said(text, partnership.citations, entry_id=partnership_id(partnership))


def status_in_year(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a pair was still together in a year, as its records and their dates say.

    "Is Vivo still with Zeiss in 2022?" of a current partnership reported on 23 May 2022 (or
    begun before and reported since) is "Yes, as of" the newest source; of one ended by then,
    "Not as of 23 May 2022" (it may have run earlier that year). A year before it began is a
    "No"; a year after the newest source is what it reported, with no yes or no for a current
    one and a "No" for one that had ended.
    """
    if part.form is not Form.YES_NO or len(known) != 2 or "still" not in part.words:
        return None
    if len(part.years) != 1 or part.months or part.devices or part.negated or part.durations:
        return None
    if not residual - {str(part.years[0])} <= RELATION:
        return None
    partnership = ctx.pair(*known)
    if partnership is None:
        return None
    citations = partnership.citations
    reported = ctx.base.source_date(citations)
    if reported is None:
        return None
    asked, since = part.years[0], partnership.since
    said = ctx.told([partnership], known[0])
    entry = partnership_id(partnership)
    ended = partnership.status is PartnershipStatus.ENDED
    if since is not None and asked < since.year:
        return Said(f"No: they partnered in {since.label}. {said}", citations, entry_id=entry)
    if asked > reported.year:
        if ended:
            return Said(
                f"No: it had ended {ctx.as_of(citations)}. {said}", citations, entry_id=entry
            )
        # A year after the newest source: what it reported, never a forecast.
        text = f"The sources don't say: {ctx.as_of(citations)}, they were still together. {said}"
        return Said(text, citations, entry_id=entry)
    if ended and asked == reported.year:
        return Said(f"Not {ctx.as_of(citations)}: it had ended. {said}", citations, entry_id=entry)
    if not ended and asked == reported.year:
        return Said(f"Yes, {ctx.as_of(citations)}. {said}", citations, entry_id=entry)
    if not ended and since is not None:
        head = (
            f"Yes: they partnered in {since.label} and were still together {ctx.as_of(citations)}."
        )
        return Said(f"{head} {said}", citations, entry_id=entry)
    # An ended partnership's last year, or a start, that no record gives: said, not judged.
    text = f"The sources don't say whether they were still together in {asked}. {said}"
    return Said(text, citations, entry_id=entry)
