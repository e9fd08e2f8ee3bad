"""First and latest among phone makers, from a source's own ranking sentence (issue #17).

"Is OnePlus the latest phone maker to partner with a camera maker?" is settled only by a source
that ranks ("Xiaomi is the latest smartphone maker to partner with a legacy camera
manufacturer"): the brand it names is the latest as of that source's date; another is not. "Is
Xiaomi the first…?" of the brand a source calls the latest is "No" only when the records hold
another phone maker, reported by then, that worked with the same camera maker: it partnered
before the latest one did. A partnership first reported after the ranking source may have
overtaken it, so "latest" is then said as of its date, without a yes or a no.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.engine.questions import Form, Part
from bot.engine.rules.context import IGNORED, RELATION, Context
from bot.engine.rules.said import Said
from bot.facts.models import BrandKind, Citation, FactBase, Partnership
from bot.facts.text import fold

# "<Brand> is the latest smartphone maker to partner…": a source ranking a phone maker.
_RANKING = re.compile(
    r"\b((?:[A-Z][\w-]*\s){1,2})is the (latest|newest|most recent|first|earliest) "
    r"(?:smartphone |phone |handset |mobile )?(?:maker|brand|company|manufacturer|vendor) "
    r"to (?:partner|team up|tie up|work|collaborate)[^.!?]*[.!?]?"
)
_RANKS = {"latest": "latest", "newest": "latest", "most recent": "latest"}
_RANKS |= {"first": "first", "earliest": "first"}
_MAKER_NOUNS = frozenset(
    "maker makers brand company manufacturer firm vendor oem partner partners".split()
)
_BEFORE_NOUN = frozenset("ever smartphone phone mobile handset".split())


@dataclass(frozen=True, slots=True)
class Ranked:
    """A brand a source ranks among phone makers, as of the source's date."""

    brand: str
    rank: str  # "latest" or "first"
    citation: Citation
    date: dt.date


_FOUND: dict[int, tuple[object, tuple[Ranked, ...]]] = {}


def rankings(base: FactBase) -> tuple[Ranked, ...]:
    """Every ranking sentence of the base's sources, read once per set of sources."""
    cached = _FOUND.get(id(base.sources))
    if cached is not None and cached[0] is base.sources:
        return cached[1]
    names = {fold(n): b.id for b in base.brands.values() for n in b.names}
    found = []
    for source in base.sources.values():
        for match in _RANKING.finditer(source.text):
            named = match.group(1).split()
            # "The Xiaomi is…" would not be a name: the last word, or the last two, may be.
            brand = names.get(fold(named[-1])) or names.get(fold(" ".join(named[-2:])))
            if brand is not None and base.brands[brand].kind is BrandKind.PHONE_MAKER:
                quote = match.group(0).strip()
                rank = _RANKS[match.group(2)]
                found.append(Ranked(brand, rank, Citation(source.id, quote), source.date))
    _FOUND.clear()  # one base served at a time: the old entry would hold its sources alive
    _FOUND[id(base.sources)] = (base.sources, tuple(found))
    return tuple(found)


def _asked_rank(part: Part) -> str | None:
    """The rank a question asks of a maker ("the first phone company to…"), or None."""
    words = part.words
    for index, word in enumerate(words):
        rank = _RANKS.get(word)
        if word == "recent" and words[index - 1 : index] == ("most",):
            rank = "latest"
        if rank is None:
            continue
        after = index + 1
        while after < len(words) and words[after] in _BEFORE_NOUN:
            after += 1
        if after < len(words) and words[after] in _MAKER_NOUNS:
            return rank
        return None  # the rank of another noun ("the first phone from…"): not a maker's
    return None


def _first_reported(ctx: Context, partnership: Partnership) -> dt.date | None:
    dates = [ctx.base.sources[c.source_id].date for c in partnership.citations]
    return min(dates) if dates else None


def _later(ctx: Context, brand: str | None, since: dt.date) -> list[Partnership]:
    """Partnerships of phone makers (of one, if given) first reported after a date."""
    return [
        p
        for p in ctx.base.partnerships.values()
        if (brand is None or p.phone_maker == brand)
        and (first := _first_reported(ctx, p)) is not None
        and first > since
    ]


def ranked(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a phone maker is the first or the latest to partner with a camera maker."""
    if part.form is not Form.YES_NO or part.negated or not 1 <= len(known) <= 2:
        return None
    if part.devices or part.countries or part.people or part.durations or part.years:
        return None
    if len(known) == 2:
        return _partner_ranked(ctx, part, known, residual)
    brand = known[0]
    if ctx.base.brands[brand].kind is not BrandKind.PHONE_MAKER:
        return None
    tokens = set(part.analysis.tokens)
    if not {"partner", "camera"} <= tokens or not residual - IGNORED <= RELATION | {
        "1",
        "ever",
        "earliest",
    }:
        return None
    asked = _asked_rank(part)
    if asked is None:
        return None
    found = rankings(ctx.base)
    own = [r for r in found if r.brand == brand]
    same = [r for r in found if r.rank == asked]
    if len({r.brand for r in same}) > 1:
        return None  # sources that rank different brands alike: no one answer
    if same:
        return _stated(ctx, brand, asked, same[0])
    if asked == "first" and any(r.rank == "latest" for r in own):
        return _latest_not_first(ctx, brand, next(r for r in own if r.rank == "latest"))
    return None


def _stated(ctx: Context, brand: str, asked: str, ranking: Ranked) -> Said | None:
    """The brand a source ranks as asked: this one (yes), or another (no)."""
    quote = f"As reported on {_label(ranking.date)}, the source says: “{ranking.citation.quote}”"
    if asked == "latest" and _later(ctx, None if ranking.brand == brand else brand, ranking.date):
        return None  # a partnership reported since may be newer: not this rule's to rank
    if ranking.brand == brand:
        return Said(f"Yes. {quote}", (ranking.citation,))
    return Said(f"No. {quote}", (ranking.citation,))


def _latest_not_first(ctx: Context, brand: str, ranking: Ranked) -> Said | None:
    """The latest is not the first when another maker worked with its partner before."""
    cameras = {p.camera_maker for p in ctx.of(brand)}
    earlier = [
        p
        for p in ctx.base.partnerships.values()
        if p.phone_maker != brand
        and p.camera_maker in cameras
        and (first := _first_reported(ctx, p)) is not None
        and first <= ranking.date
    ]
    if not earlier:
        return None
    name = ctx.name(brand)
    quote = f"As reported on {_label(ranking.date)}, the source says: “{ranking.citation.quote}”"
    before = " ".join(ctx.told_clauses([p], p.phone_maker) for p in earlier)
    text = f"No: the sources call {name} the latest, not the first. {quote} {before}"
    citations = (ranking.citation, *(c for p in earlier for c in p.citations))
    return Said(text, tuple(dict.fromkeys(citations)))


def _label(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _partner_ranked(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a phone maker is a camera maker's first or latest partner, from the ranking.

    The maker a source calls the latest to partner with a camera maker partnered with its one
    camera partner then: another phone maker that partnered with that camera maker by the
    ranking's date came before it.
    """
    kinds = {ctx.base.brands[b].kind: b for b in known}
    if len(kinds) != 2 or not residual - IGNORED <= RELATION | {"1", "ever", "earliest"}:
        return None
    phone, camera = kinds[BrandKind.PHONE_MAKER], kinds[BrandKind.CAMERA_MAKER]
    asked = _asked_rank(part)
    latest = [r for r in rankings(ctx.base) if r.rank == "latest"]
    pair = ctx.pair(phone, camera)
    if asked is not None and pair is None:
        # Never partners: neither the first nor the latest, whatever any source ranks.
        text = f"No: the sources report no {ctx.name(phone)}–{ctx.name(camera)} partnership."
        own = ctx.of(phone)
        if not own:
            return Said(text)
        citations = tuple(c for p in own for c in p.citations)
        return Said(f"{text} {ctx.told_clauses(own, phone)}", citations)
    if asked is None or pair is None or len({r.brand for r in latest}) != 1:
        return None
    ranking = min(latest, key=lambda r: r.date)
    partners = {
        p.camera_maker
        for p in ctx.of(ranking.brand)
        if (first := _first_reported(ctx, p)) is not None and first <= ranking.date
    }
    if partners != {camera}:
        return None  # the latest maker's camera partner then must be this one, and only it
    others = [p for p in ctx.of(camera) if p is not ctx.pair(ranking.brand, camera)]
    before = [p for p in others if (f := _first_reported(ctx, p)) is not None and f <= ranking.date]
    after = [p for p in others if p not in before]
    quote = f"As reported on {_label(ranking.date)}, the source says: “{ranking.citation.quote}”"
    told = " ".join(ctx.told_clauses([p], camera) for p in before)
    citations = tuple(dict.fromkeys((ranking.citation, *(c for p in before for c in p.citations))))
    if asked == "first" and phone == ranking.brand and before:
        return Said(f"No. {quote} {told}", citations)
    if asked == "latest" and not after and (phone == ranking.brand or pair in before):
        head = "Yes." if phone == ranking.brand else "No."
        return Said(f"{head} {quote} {told}".strip(), citations)
    return None
