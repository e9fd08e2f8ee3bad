"""Every, all and only over a phone maker's phones, against the scope its record quotes.

"Does Vivo use Zeiss on every phone?" asks more than a partnership: that it covers every phone
the maker sells. The records never say so; a quote may name a narrower scope ("for its cameras
for flagship smartphones"), which is said with the quote. "Only its flagships?" is not
established either (a quote naming flagships does not say no other phone has it), and "all its
phones or just the flagships?" is answered with the scope the quote names.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.engine.questions import Form, Part
from bot.engine.rules.context import IGNORED, RELATION, Context, partnership_id, period_years
from bot.engine.rules.operators.common import current
from bot.engine.rules.said import Said
from bot.engine.words import canonical
from bot.facts.models import BrandKind, Citation, Partnership

# Words that narrow a maker's phones to some of them, as a quote may say it.
SCOPE_WORDS = frozenset(
    "flagship flagships premium high-end top-end mid-range midrange budget select selected "
    "certain some".split()
)
_SCOPED = re.compile(
    r"\b(flagship|premium|high-end|top-end|mid-range|midrange|budget|select|selected|certain)"
    r"\s+(smartphones|phones|devices|models|handsets)\b",
    re.IGNORECASE,
)
_EVERY = frozenset({"every", "all", "each"})
_ONLY = frozenset({"only", "just"})
# What a question about a maker's phones may hold beside the brands and the operator.
_ALLOWED = (
    RELATION
    | frozenset(filter(None, (canonical(w) for w in "phone model device single sell use".split())))
    | frozenset({"all", "phon", "singl", "sell", "use", "cover", "get", "some", "lineup", "put"})
    # Classes of phone an option may name ("or only the top models?"): the quote's scope
    # answers whichever is asked, since it is said, not chosen between.
    | frozenset("top cheap cheaper expensive pricey".split())
    | frozenset(filter(None, (canonical(w) for w in SCOPE_WORDS)))
    | SCOPE_WORDS
)


def _scoped(partnership: Partnership) -> tuple[str, Citation] | None:
    """The scope a quote of the partnership names ("flagship smartphones"), with the quote."""
    for citation in partnership.citations:
        found = _SCOPED.search(citation.quote)
        if found:
            return found.group(0), citation
    return None


def _asked(ctx: Context, part: Part, known: tuple[str, ...]) -> Partnership | None:
    """The one current partnership of the phone maker asked about."""
    phones = [b for b in known if ctx.base.brands[b].kind is BrandKind.PHONE_MAKER]
    if len(phones) != 1 or len(known) > 2:
        return None
    others = [b for b in known if b != phones[0]]
    own = [
        p for p in ctx.of(phones[0]) if current(p) and (not others or p.other(phones[0]) in others)
    ]
    return own[0] if len(own) == 1 else None


def _unpaired(ctx: Context, known: tuple[str, ...]) -> Said | None:
    """A phone maker and a camera maker the records never pair: a quoted "No"."""
    kinds = {ctx.base.brands[b].kind: b for b in known}
    if len(known) != 2 or len(kinds) != 2 or ctx.pair(*known) is not None:
        return None
    phone, camera = kinds[BrandKind.PHONE_MAKER], kinds[BrandKind.CAMERA_MAKER]
    text = f"No: the sources report no {ctx.name(phone)}–{ctx.name(camera)} partnership."
    own = ctx.of(phone)
    if not own:
        return Said(text)
    citations = tuple(c for p in own for c in p.citations)
    return Said(
        f"{text} {ctx.told_clauses(own, phone)}", citations, entry_id=partnership_id(own[0])
    )


def _plain(part: Part, residual: frozenset[str]) -> bool:
    if part.negated or part.devices or part.countries or part.people or part.durations:
        return False
    if part.years or part.months or part.unknown_devices or part.wh not in (None, "what"):
        return False
    return residual - IGNORED <= _ALLOWED


def scope(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether a partnership covers every phone of its maker, or only some: as quoted."""
    words = part.words
    every = [i for i, w in enumerate(words) if w in _EVERY]
    if not every or not part.says({"phone", "phones", "smartphones", "models", "devices"}):
        return None
    if part.form not in (Form.YES_NO, Form.LIST, Form.PLAIN, Form.EITHER_OR):
        return None
    if part.form in (Form.LIST, Form.PLAIN) and every[0] != 0:
        return None  # "list all Vivo phones with Zeiss" asks for a list; "every Vivo phone…?" not
    if not _plain(part, residual):
        return None
    partnership = _asked(ctx, part, known)
    if partnership is None:
        return _unpaired(ctx, known)
    maker = ctx.name(partnership.phone_maker)
    pair = f"{maker}–{ctx.name(partnership.camera_maker)}"
    found = _scoped(partnership)
    entry = partnership_id(partnership)
    if found is None:
        # Nothing to say of its scope: a refusal that says so, with what the sources report.
        return Said(
            f"The sources don't say which {maker} phones the {pair} partnership covers.",
            answered=False,
            about=(partnership.phone_maker, partnership.camera_maker),
        )
    said, citation = found
    quoted = f"{ctx.dated([citation])}, the source says: “{citation.quote}”"
    narrow = [i for i, w in enumerate(words) if w in _ONLY]
    choice = part.form is Form.EITHER_OR or bool(narrow and "or" in words)
    named = said.split()[0].lower()
    if not choice and (named in words or f"{named}s" in words):
        return None  # "every flagship phone?" asks within the quoted scope: not settled either way
    if choice:
        # "all its phones or just the flagships?": the scope the quote names, nothing more.
        text = f"{said[0].upper()}{said[1:]}, as far as the sources say. {quoted}"
        return Said(text, (citation,), entry_id=entry)
    text = (
        f"Not as far as the sources say: they report the {pair} partnership for {said}, "
        f"and never say it covers every {maker} phone. {quoted}"
    )
    return Said(text, (citation,), entry_id=entry)


_ONE_OFF = frozenset({("one", "off"), ("one", "time"), ("single", "deal")})
_LONG = frozenset({("long", "term"), ("longer", "term"), ("long", "run"), ("multi", "year")})
_TERM_WORDS = frozenset("1 off long longer term arrangement thing run multi year time".split())


def term_choice(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """A one-off or the long term: a multi-year length (two years at least) is the long term."""
    if part.form is not Form.EITHER_OR or "or" not in part.words or len(known) != 2:
        return None
    at = part.words.index("or")
    sides = (set(pairwise(part.words[:at])), set(pairwise(part.words[at + 1 :])))
    if not any(s & _ONE_OFF and o & _LONG for s, o in (sides, sides[::-1])):
        return None
    if part.negated or part.devices or part.durations or part.years or part.months:
        return None
    if not residual - IGNORED <= RELATION | _TERM_WORDS:
        return None
    partnership = ctx.pair(*known)
    if partnership is None:
        return None
    years = period_years(partnership.period)
    if "multi" not in partnership.period and (years is None or years < 2):
        return None  # no length quoted, or one year: the choice is not settled
    subject = partnership.phone_maker
    head = f"Long term, as far as the sources say: a {partnership.period} partnership."
    said = ctx.told([partnership], subject)
    return Said(f"{head} {said}", partnership.citations, entry_id=partnership_id(partnership))
