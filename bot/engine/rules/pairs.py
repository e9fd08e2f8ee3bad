"""Rules about two brands: whether they work together, since when, for how long."""

from __future__ import annotations

from bot.engine.prose import count_words, lower_first, lowered, series
from bot.engine.questions import CURRENT, PAST, Form, Part
from bot.engine.rules.context import (
    END,
    NEGATION,
    RELATION,
    START,
    Context,
    capitalised,
    numbers,
    partnership_id,
    period_years,
)
from bot.engine.rules.devices import phones_of
from bot.engine.rules.said import Said
from bot.engine.timeline import claim_quotes
from bot.facts.models import BrandKind, Citation, Partnership, PartnershipStatus


def pair(ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]) -> Said | None:
    """What the records say of two brands: whether, since when, how long, and how it ended."""
    if len(known) != 2 or part.devices or part.countries or part.people:
        return None  # "is Leica German and Hasselblad Swedish?" is not about a pair
    if "?where" in part.analysis.tokens:
        return None  # "are Leica and Zeiss from the same country?" neither
    if part.excluded and part.form is Form.YES_NO:
        return None  # "did Xiaomi work with Leica before Huawei?" asks an order
    first, second = known
    partnership = ctx.pair(first, second)
    ending = END in part.analysis.tokens
    starting = part.says(START) or "start" in residual
    allowed = RELATION | {END, "year", "?when"} | START | numbers(part)
    if partnership is not None and partnership.summary and not NEGATION.search(partnership.summary):
        allowed |= set(ctx.tokens(partnership.summary))
    if partnership is not None and part.form is Form.YES_NO and residual - RELATION == {"official"}:
        return _official(ctx, part, partnership, first)
    if not residual - START <= allowed:
        return None
    if partnership is None:
        if part.form not in (Form.YES_NO, Form.WH, Form.PLAIN) or part.negated:
            return None
        if part.form is not Form.YES_NO and not (residual & (RELATION | {END}) or starting):
            return None
        # "Did X stop working with Y?", "is the X Y deal longer than…" presume a partnership.
        asks_how_long = bool({"?howlong", "?howmany"} & part.analysis.question_types)
        presumed = ending or bool(part.durations) or bool(part.comparison) or asks_how_long
        return _no_pair(ctx, first, second, yes_no=part.form is Form.YES_NO, presumed=presumed)
    asks_length = bool({"?howlong", "?howmany"} & part.analysis.question_types)
    if (starting or part.wh == "when" or "year" in residual) and not (
        part.durations or part.years or ending or asks_length
    ):
        said = _since(ctx, part, partnership, first, residual)
        if said is not None:
            return said
    if part.durations:
        return _duration_check(ctx, part, partnership, first)
    if asks_length and partnership.period and not ending:
        # "How long is the Norra Vellum deal?": the length the record gives.
        text = ctx.told([partnership], first)
        return Said(text, partnership.citations, entry_id=partnership_id(partnership), shaped=False)
    if ending and part.wh == "when" and partnership.status is PartnershipStatus.ENDED:
        a, b = ctx.name(first), ctx.name(second)
        return Said(
            f"The sources don't say when {a} and {b} ended their partnership. "
            f"{capitalised(ctx.as_of(partnership.citations))}, "
            f"{lower_first(ctx.sentence(partnership, first))}",
            answered=False,
            about=(first, second),
        )
    if part.years:
        return _year_check(ctx, part, partnership, first)
    if part.form is Form.YES_NO and part.words[:1] == ("will",):
        # "Will Leica work with Huawei again?": the sources report what was, not what will be.
        a, b = ctx.name(first), ctx.name(second)
        sentence = lower_first(ctx.sentence(partnership, first))
        return Said(
            f"The sources don't say what {a} and {b} will do. "
            f"{capitalised(ctx.as_of(partnership.citations))}, {sentence}",
            answered=False,
            about=(first, second),
        )
    if part.form is Form.YES_NO:
        # Words only the summary explains ("flagships") are answered with the summary.
        summary = bool(residual - RELATION - START - {END})
        return _pair_yes_no(ctx, part, partnership, first, ending=ending, summary=summary)
    if ending and partnership.status is not PartnershipStatus.ENDED:
        # "Why did Vivo stop working with Zeiss?" presumes an end the sources do not report.
        return _correct_end(ctx, partnership, first)
    if part.wh is None and not residual:
        return None
    asks_other = part.analysis.question_types - {"?who"}
    if ending or starting or asks_other or part.wh not in {"which", "what"}:
        return None
    if "phon" in residual and residual <= RELATION:
        return phones_of(ctx, partnership, kind=part.says({"kind", "type", "sort", "category"}))
    if part.wh == "what" and residual == {"partner"}:
        return Said(
            ctx.told([partnership], first),
            partnership.citations,
            entry_id=partnership_id(partnership),
            shaped=False,
        )
    return None


def _official(ctx: Context, part: Part, partnership: Partnership, subject: str) -> Said | None:
    """Whether a partnership is official: only a quote that says so makes it a "Yes"."""
    said = [c for c in partnership.citations if "official" in c.quote.lower().split()]
    if part.negated or not said or partnership.status is PartnershipStatus.ENDED:
        return None
    a, b = ctx.name(subject), ctx.name(partnership.other(subject))
    text = f"Yes. {ctx.dated(said)}, the partnership between {a} and {b} is official."
    return Said(text, tuple(said), entry_id=partnership_id(partnership))


def _since(
    ctx: Context, part: Part, partnership: Partnership, subject: str, residual: frozenset[str]
) -> Said | None:
    """When a partnership began: its `since`, or precisely that the sources do not say."""
    if not residual - START - {"year", "?when"} <= RELATION:
        return None
    a, b = ctx.name(subject), ctx.name(partnership.other(subject))
    since = partnership.since
    if since is None:
        return Said(
            f"The sources don't say when {a} and {b} started working together.",
            answered=False,
            about=(subject, partnership.other(subject)),
        )
    said = claim_quotes(ctx.base, partnership, [str(since.year)])
    text = f"{ctx.dated(said)}, {a} and {b} partnered in {since.label}."
    return Said(text, partnership.citations, entry_id=partnership_id(partnership))


def _duration_check(
    ctx: Context, part: Part, partnership: Partnership, subject: str
) -> Said | None:
    """How long a partnership lasted, checked against the length a question names."""
    length = period_years(partnership.period)
    said = ctx.told([partnership], subject)
    if part.negated and part.form is not Form.WH:
        # "Did they not work together for four years?": what the sources say, no yes or no.
        return Said(said, partnership.citations, entry_id=partnership_id(partnership))
    if length is None:
        return _multi_year(ctx, part, partnership, subject)
    asked = series([count_words(d) for d in part.durations], "or")
    if part.comparison == ">":
        right = all(length > d for d in part.durations)
        asked = f"more than {asked}" if not right else asked
    elif part.comparison == "<":
        right = all(length < d for d in part.durations)
        asked = f"less than {asked}" if not right else asked
    else:
        right = length in part.durations
    if partnership.status is not PartnershipStatus.ENDED and part.form is Form.YES_NO:
        # "Have they worked together for five years?" of a deal announced or running: no time
        # worked is recorded, only the length agreed.
        # "Was it signed for over a year?" asks the length agreed, not the time worked.
        signed = part.says({"signed", "sign", "agreed", "announced"})
        worked = part.says({"have", "has", "did", "worked", "were", "was"}) and not signed
        if worked:
            years = count_words(length)
            agreed = "announced" if partnership.status is PartnershipStatus.ANNOUNCED else "agreed"
            head = f"Not as far as the sources say: it was {agreed} as a {years}-year one."
            entry = partnership_id(partnership)
            return Said(f"{head} {said}", partnership.citations, entry_id=entry)
    if part.form is Form.EITHER_OR and not part.comparison:
        head = (
            f"{count_words(length).capitalize()} years."
            if right
            else "Neither, as far as the sources say."
        )
    elif part.form is Form.YES_NO:
        head = (
            "Yes." if right else f"No: the sources report {count_words(length)} years, not {asked}."
        )
    elif not right:
        # "Why did they split after 10 years?" presumes a length the sources contradict.
        head = f"Actually, the sources report {count_words(length)} years, not {asked}."
    else:
        return None
    return Said(f"{head} {said}", partnership.citations, entry_id=partnership_id(partnership))


def _multi_year(ctx: Context, part: Part, partnership: Partnership, subject: str) -> Said | None:
    """A length asked of a "multi-year" partnership: more than one year, and no more is said.

    "Is it just one year?" is a quoted "No"; "over a year?" a "Yes"; "under two years?" a "No"
    (several years are at least two); any other length is not settled by the sources.
    """
    if "multi" not in partnership.period or part.form is not Form.YES_NO:
        return None
    if len(part.durations) != 1:
        return None
    # "Have they worked together for over a year?" asks the time worked, not the term signed.
    signed = part.says({"signed", "sign", "agreed", "announced", "deal", "contract"})
    if part.says({"have", "has", "did", "worked", "were", "was", "lasted", "last"}) and not signed:
        return None
    asked = part.durations[0]
    verdict: bool | None
    if part.comparison == ">":
        verdict = True if asked <= 1 else None
    elif part.comparison == "<":
        verdict = False if asked <= 2 else None
    else:
        verdict = False if asked == 1 else None
    citations = partnership.citations
    # Dated clause by clause: a later source may have changed the pair since "multi-year".
    said = ctx.told([partnership], subject)
    if verdict is None:
        a, b = ctx.name(subject), ctx.name(partnership.other(subject))
        return Said(
            f"The sources don't say how many years the {a}–{b} partnership runs. {said}",
            answered=False,
            about=(subject, partnership.other(subject)),
        )
    head = "Yes." if verdict else f"No: the sources report a {partnership.period} partnership."
    return Said(f"{head} {said}", citations, entry_id=partnership_id(partnership))


def _year_check(ctx: Context, part: Part, partnership: Partnership, subject: str) -> Said | None:
    """Whether a partnership began in the year a question names."""
    since = partnership.since
    if since is None or part.form is not Form.YES_NO:
        return None
    a, b = ctx.name(subject), ctx.name(partnership.other(subject))
    said = f"{ctx.dated(partnership.citations)}, {a} and {b} partnered in {since.label}."
    if part.negated:
        # "Did Leica not partner with Xiaomi in 2022?": what the sources say, no yes or no.
        return Said(said, partnership.citations, entry_id=partnership_id(partnership))
    head = "Yes." if since.year in part.years else "No, as far as the sources say."
    return Said(f"{head} {said}", partnership.citations, entry_id=partnership_id(partnership))


def _no_pair(
    ctx: Context, first: str, second: str, *, yes_no: bool, presumed: bool = False
) -> Said:
    a, b = ctx.name(first), ctx.name(second)
    ordered = (a, b)
    if ctx.base.brands[first].kind is BrandKind.CAMERA_MAKER:
        ordered = (b, a)
    head = "Actually, t" if presumed else "No: t" if yes_no else "T"
    text = f"{head}he sources report no {ordered[0]}–{ordered[1]} partnership."
    clauses = []
    citations: list[Citation] = []
    for brand in (first, second):
        own = ctx.of(brand)
        if own:
            clauses.append(" and ".join(ctx.clause(p, brand) for p in own))
            # A clause says who works with whom: each record's first quote says so.
            citations += [p.citations[0] for p in own]
    if clauses:
        text += f" {ctx.dated(citations)}, " + lower_first("; ".join(clauses) + ".")
    citations_tuple = tuple(dict.fromkeys(citations))
    own_first = ctx.of(first) or ctx.of(second)
    return Said(
        text,
        citations_tuple,
        entry_id=partnership_id(own_first[0]) if own_first else None,
    )


def _pair_yes_no(
    ctx: Context, part: Part, partnership: Partnership, subject: str, *, ending: bool, summary: bool
) -> Said:
    citations = partnership.citations
    if part.negated:
        # "Does Vivo not work with Zeiss?": say what the sources say, without a yes or no.
        sentence = lower_first(ctx.sentence(partnership, subject))
        return Said(f"{ctx.dated(citations)}, {sentence}", citations)
    ended = partnership.status is PartnershipStatus.ENDED
    present = part.says(CURRENT)
    past = part.says(PAST) or part.words[:1] in (("did",), ("was",), ("were",), ("had",))
    told = ctx.told([partnership], subject)
    if summary and partnership.summary:
        told = f"{told} {partnership.summary}"
    entry = partnership_id(partnership)
    if ending:
        if ended:
            return Said(f"Yes. {told}", citations, entry_id=entry)
        return Said(
            f"No: the sources do not report that it ended. {told}",
            citations,
            entry_id=entry,
        )
    if ended and (present or not past):
        return Said(f"Not any more. {told}", citations, entry_id=entry)
    if ended:
        return Said(f"Yes, but it has ended. {told}", citations, entry_id=entry)
    return Said(f"Yes. {told}", citations, entry_id=entry)


def _correct_end(ctx: Context, partnership: Partnership, subject: str) -> Said:
    citations = partnership.citations
    a, b = ctx.name(subject), ctx.name(partnership.other(subject))
    sentence = lower_first(ctx.sentence(partnership, subject))
    text = (
        f"Actually, the sources do not report that {a} and {b} stopped working together: "
        f"{lowered(ctx.dated(citations))}, {sentence}"
    )
    return Said(text, citations, entry_id=partnership_id(partnership))
