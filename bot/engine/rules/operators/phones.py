"""Operators over the phones a partnership was seen on: set aside, "too", "only" (issue #17).

A partnership's record lists the phones the sources saw it on. "Apart from the P40, which
Huawei phones had Leica?" is that list less the phones set aside; "the P30 Pro too, or only the
P40 and P50?" is a choice between two sets of phones, answered from the same list. Each answer
quotes the record; a phone the record does not name makes the rule step aside.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.prose import series
from bot.engine.questions import Form, Part
from bot.engine.rules.context import IGNORED, NEGATION, RELATION, Context, partnership_id
from bot.engine.rules.said import Said
from bot.engine.words import canonical
from bot.facts.models import Citation, Device, Partnership
from bot.facts.text import words

# Words that set what follows aside ("apart from", "other than"), and their tokens.
_ASIDE_ONE = frozenset({"besides", "except", "excluding", "beside"})
_ASIDE_TWO = frozenset({("apart", "from"), ("aside", "from"), ("other", "than")})
_ASIDE_TOKENS = frozenset({"besid", "except", "exclud", "apart", "asid", "besides", "beside"})
# Words for a phone or a line of phones, as tokens; verbs of a phone having a maker's cameras.
_PHONE_TOKENS = frozenset(
    filter(None, (canonical(w) for w in "phone model device series line handset".split()))
) | frozenset({"phon", "show", "get", "use", "feature", "come"})
_TOO = frozenset({"too", "also"})
_VERBS = frozenset({"together", "make", "put"})
_ONLY = frozenset({"only", "just"})


def _aside_at(found: Sequence[str]) -> int | None:
    """Where a phrase setting something aside begins, if the words hold one."""
    for index, word in enumerate(found):
        if word in _ASIDE_ONE or tuple(found[index : index + 2]) in _ASIDE_TWO:
            return index
    return None


def _where(part: Part, device: tuple[str, ...]) -> int:
    """Where a phone is named in the part's words (past the end when its words are not)."""
    model = device[1:]
    return next((i for i, w in enumerate(part.words) if model and w == model[0]), len(part.words))


def _names(partnership: Partnership, device: tuple[str, ...]) -> list[str]:
    """The record's phones a named phone stands for ("p50" for "Huawei P50 series")."""
    model = set(device[1:])
    return [d for d in partnership.devices if model and model <= set(words(d))]


def _partnership(ctx: Context, part: Part, known: tuple[str, ...]) -> Partnership | None:
    """The one partnership whose record names every phone the part names."""
    makers = {d[0] for d in part.devices}
    if len(makers) != 1:
        return None
    maker = makers.pop()
    cameras = [b for b in known if b != maker]
    if len(cameras) > 1:
        return None
    chosen = [
        p
        for p in ctx.of(maker)
        if (not cameras or p.other(maker) == cameras[0])
        and all(len(_names(p, d)) == 1 for d in part.devices)
    ]
    return chosen[0] if len(chosen) == 1 else None


def _plain(part: Part, residual: frozenset[str]) -> bool:
    """Whether the part asks of phones and a partnership, and nothing else."""
    if part.negated or part.countries or part.people or part.durations:
        return False
    if part.years or part.months or part.unknown_devices or part.unknown_brands:
        return False
    if any(pair == ("as", "well") for pair in zip(part.words, part.words[1:], strict=False)):
        residual = residual - {"well"}  # "as well" is "too"
    return residual - IGNORED <= RELATION | _PHONE_TOKENS | _ASIDE_TOKENS | _VERBS


def _seen(ctx: Context, partnership: Partnership) -> str:
    pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
    return (
        f"{ctx.dated(partnership.citations)}, the {pair} partnership was seen on the "
        f"{series(partnership.devices)}."
    )


def phones_aside(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """A partnership's phones less those set aside, or a choice of its phones ("too or only")."""
    if not part.devices or not _plain(part, residual):
        return None
    if part.form is Form.EITHER_OR:
        return _too_or_only(ctx, part, known)
    at = _aside_at(part.words)
    if at is None or part.form not in (Form.WH, Form.LIST):
        return None
    if part.wh not in (None, "which", "what"):
        return None
    if any(_where(part, d) < at for d in part.devices) or "phon" not in part.analysis.tokens:
        return None  # a phone asked about, not set aside: another question
    partnership = _partnership(ctx, part, known)
    if partnership is None:
        return None
    aside = {name for d in part.devices for name in _names(partnership, d)}
    left = [d for d in partnership.devices if d not in aside]
    citations, entry = partnership.citations, partnership_id(partnership)
    if not left:
        pair = f"{ctx.name(partnership.phone_maker)}–{ctx.name(partnership.camera_maker)}"
        text = f"The sources name no other phone of the {pair} partnership."
        return Said(f"{text} {_seen(ctx, partnership)}", citations, entry_id=entry)
    head = series([f"the {d}" for d in left])
    text = f"{head[0].upper()}{head[1:]}. {_seen(ctx, partnership)}"
    return Said(text, citations, entry_id=entry)


def _too_or_only(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """Which of two sets of phones it was seen on: "the P30 Pro too, or only the P40?"."""
    if len(part.options) != 2 or "or" not in part.words:
        return None
    at = part.words.index("or")
    narrow = [i for i, w in enumerate(part.words) if w in _ONLY]
    wide = [
        i
        for i, w in enumerate(part.words)
        if w in _TOO or (w == "well" and part.words[i - 1 : i] == ("as",))
    ]
    if len(narrow) != 1 or len(wide) != 1 or not wide[0] < at < narrow[0]:
        return None  # "X too, or only Y": the added phones before "or", the only ones after
    sides = (
        [d for d in part.devices if _where(part, d) < at],
        [d for d in part.devices if _where(part, d) > narrow[0]],
    )
    if not sides[0] or not sides[1] or len(sides[0]) + len(sides[1]) != len(part.devices):
        return None
    partnership = _partnership(ctx, part, known)
    if partnership is None:
        return None  # a phone the record does not name: neither said nor denied
    added = series([_names(partnership, d)[0] for d in sides[0]])
    text = f"The {added} too. {_seen(ctx, partnership)}"
    return Said(text, partnership.citations, entry_id=partnership_id(partnership))


# Words that ask whether phones did well: "successful", "do well", "sold well".
_SUCCESS_TOKENS = frozenset({"success", "well", "1"})
_DID = frozenset({"do", "did", "does", "doing", "done", "sold", "sell", "selling"})


def phones_success(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether several phones were successful ("both", "too or just"), from the source's clause.

    Each phone needs a clause of a source that names it and calls it successful; a phone no
    clause calls so makes the rule step aside (not said, never denied).
    """
    if len(part.devices) < 2 or part.negated or part.form not in (Form.YES_NO, Form.EITHER_OR):
        return None
    words = part.words
    asked = "success" in part.analysis.tokens or any(
        w == "well" and words[i - 1 : i] and words[i - 1] in _DID for i, w in enumerate(words)
    )
    if not asked or not residual - IGNORED <= _SUCCESS_TOKENS:
        return None
    quotes: list[Citation] = []
    names: list[str] = []
    for device in part.devices:
        found = _device(ctx, device)
        if found is None:
            return None
        quote = ctx.quotes.shortest(found.names, ("successful",))
        if quote is None or NEGATION.search(quote.quote):
            return None  # a phone no source calls successful: neither said nor denied
        quotes.append(quote)
        names.append(found.name)
    citations = tuple(dict.fromkeys(quotes))
    said = " ".join(f"“{c.quote}”" for c in citations)
    dated = f"{ctx.dated(citations)}, the source says: {said}"
    if part.form is Form.EITHER_OR:
        at = words.index("or") if "or" in words else len(words)
        first = [n for d, n in zip(part.devices, names, strict=True) if _where(part, d) < at]
        if not first or not {"too", "also"} & set(words[:at]):
            return None
        return Said(f"The {series(first)} too. {dated}", citations)
    return Said(f"Yes. {dated}", citations)


def _device(ctx: Context, device: tuple[str, ...]) -> Device | None:
    """The brand's recorded phone a named phone is ("12 pro": the Xiaomi 12 Pro)."""
    model = set(device[1:])
    brand = ctx.base.brands.get(device[0])
    found = [
        d
        for d in (brand.devices if brand else ())
        if any(model <= set(words(name)) for name in d.names)
    ]
    return found[0] if len(found) == 1 else None
