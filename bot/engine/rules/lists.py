"""Rules that list or compare: every partnership, a brand's partners, its phones."""

from __future__ import annotations

from bot.engine.prose import lower_first, series
from bot.engine.questions import CAMERA_TOKENS, CURRENT, LATEST, PAST, PHONE_TOKENS, Form, Part
from bot.engine.rules.context import (
    COMPARE_TOKENS,
    END,
    ENDED,
    LIST_TOKENS,
    RELATION,
    Context,
    current_first,
    numbers,
    partnership_id,
    period_years,
)
from bot.engine.rules.devices import phones_of
from bot.engine.rules.said import Said
from bot.engine.timeline import multi_dated
from bot.engine.words import canonical
from bot.facts.models import BrandKind, Citation, Partnership, PartnershipStatus


def compare(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Two or more brands' partnerships side by side ("How do Vivo and Xiaomi differ?")."""
    if part.form is not Form.COMPARE or len(known) < 2:
        return None
    if not residual <= COMPARE_TOKENS:
        return None
    phones = [b for b in known if ctx.base.brands[b].kind is BrandKind.PHONE_MAKER]
    cameras = [b for b in known if ctx.base.brands[b].kind is BrandKind.CAMERA_MAKER]
    chosen: list[Partnership] = []
    for brand, others in [(b, cameras) for b in phones] + [(b, phones) for b in cameras]:
        own = [p for p in ctx.of(brand) if p.other(brand) in others] or (
            ctx.of(brand) if not others or brand in phones else []
        )
        chosen += [p for p in own if p not in chosen]
    if len(chosen) < 2:
        return None
    lines = [ctx.sentence(p) for p in chosen]
    citations = tuple(c for p in chosen for c in p.citations)
    text = f"{ctx.dated(citations)}: " + " ".join(lines)
    if multi_dated(ctx.base, chosen):
        text = ctx.told(chosen)
    return Said(text, citations, entry_id=partnership_id(chosen[0]))


def listing(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Every partnership, or every camera or phone maker with its partners ("List the makers")."""
    # "besides Xiaomi, which phone makers have camera partners?" lists the others of a kind.
    aside = part.form is Form.WH and part.wh in {"which", "what"} and bool(part.excluded)
    if (part.form is not Form.LIST and not aside) or not residual - _ASIDE <= LIST_TOKENS:
        return None
    if known:
        return _list_phones(ctx, part, known)
    tokens = part.analysis.tokens
    kind = None
    if any(t in CAMERA_TOKENS for t in tokens) and "maker" in tokens:
        kind = BrandKind.CAMERA_MAKER
    elif any(t in PHONE_TOKENS for t in tokens) and "maker" in tokens:
        kind = BrandKind.PHONE_MAKER
    if aside:
        kind = _kind_before_maker(part)  # "phone makers … camera partners" lists phone makers
    partnerships = sorted(ctx.base.partnerships.values(), key=current_first)
    if not partnerships or (part.excluded and (kind is None or _aside_of_another(ctx, part, kind))):
        return None
    if kind is None:
        if "partner" not in tokens:
            return None
        lines = [ctx.sentence(p) for p in partnerships]
        citations = tuple(c for p in partnerships for c in p.citations)
        text = f"{ctx.dated(citations)}, the camera partnerships were: " + " ".join(lines)
        if multi_dated(ctx.base, partnerships):
            # Each partnership under its own sources' dates, never all under the newest one.
            text = f"The camera partnerships: {ctx.told(partnerships)}"
        return Said(text, citations, entry_id="partnerships:all")
    brands = [
        brand
        for brand in ctx.base.brands.values()
        if brand.kind is kind and ctx.of(brand.id) and brand.id not in part.excluded
    ]
    entries = []
    citations_list: list[Citation] = []
    for brand in brands:
        own = ctx.of(brand.id)
        current = [ctx.name(p.other(brand.id)) for p in own if p.status is not ENDED]
        ended = [ctx.name(p.other(brand.id)) for p in own if p.status is ENDED]
        partners = [f"with {series(current)}"] if current else []
        if ended:
            partners.append(f"{'earlier ' if current else 'formerly '}with {series(ended)}")
        entries.append(f"{brand.name} ({'; '.join(partners)})")
        citations_list += [p.citations[0] for p in ctx.of(brand.id)]
    noun = "camera makers" if kind is BrandKind.CAMERA_MAKER else "phone makers"
    if part.excluded:
        noun += f" besides {series([ctx.name(b) for b in part.excluded])}"
    citations = tuple(dict.fromkeys(citations_list))
    text = f"{ctx.dated(citations)}, the {noun} in the sources are {series(entries)}."
    if multi_dated(ctx.base, [p for brand in brands for p in ctx.of(brand.id)]):
        names = series([brand.name for brand in brands])
        told = " ".join(ctx.told_clauses(ctx.of(brand.id), brand.id) for brand in brands)
        text = f"The {noun} in the sources are {names}. {told}"
    return Said(text, citations, entry_id="partnerships:all")


# The words that set a brand aside ("besides", "except", "apart from"), as tokens.
_ASIDE = frozenset({"besid", "except", "exclud", "apart", "asid"})


def _kind_before_maker(part: Part) -> BrandKind | None:
    """The kind of maker a question names: the word before its first "makers"."""
    for before, word in zip(part.words, part.words[1:], strict=False):
        if canonical(word) == "maker":
            if canonical(before) in CAMERA_TOKENS:
                return BrandKind.CAMERA_MAKER
            return BrandKind.PHONE_MAKER if canonical(before) in PHONE_TOKENS else None
    return None


def _aside_of_another(ctx: Context, part: Part, kind: BrandKind) -> bool:
    """Whether a brand set aside is not of the kind listed ("besides Leica, which phone makers")."""
    return any(ctx.base.brands[b].kind is not kind for b in part.excluded if b in ctx.base.brands)


def _list_phones(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """The phones of a partnership, or every phone of a brand that the sources name."""
    if "phon" not in part.analysis.tokens:
        return _list_partners(ctx, known)
    if len(known) == 2:
        partnership = ctx.pair(*known)
        return phones_of(ctx, partnership) if partnership else None
    if len(known) != 1:
        return None
    brand = ctx.base.brands[known[0]]
    found: list[tuple[str, Citation]] = []
    for device in brand.devices:
        support = ctx.mention(device.names)
        if support is not None:
            found.append((device.name, support))
    if not found:
        return None
    citations = tuple(dict.fromkeys(c for _, c in found))
    names = series(f"the {name}" for name, _ in found)
    text = f"{ctx.dated(citations)}, the sources name these {brand.name} phones: {names}."
    return Said(text, citations, entry_id=f"partners:{brand.id}")


def _list_partners(ctx: Context, known: tuple[str, ...]) -> Said | None:
    """Each brand's partnerships: "Name the camera partners of OnePlus, Vivo and Xiaomi"."""
    if len(known) < 2:
        return None
    chosen = list(dict.fromkeys(p for brand in known for p in ctx.of(brand)))
    if not chosen:
        return None
    citations = tuple(c for p in chosen for c in p.citations[:1])
    body = " ".join(f"{ctx.clause(p)}." for p in chosen)
    if multi_dated(ctx.base, chosen):
        return Said(ctx.told(chosen), tuple(c for p in chosen for c in p.citations))
    return Said(f"{ctx.dated(citations)}, {lower_first(body)}", citations)


def partners(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Who one brand works with: now, formerly, in a year, or at all."""
    if len(known) != 1 or part.form not in (Form.WH, Form.YES_NO, Form.PLAIN) or part.devices:
        return None
    asks_who = part.wh in {"who", "which", "what", "whom"} or (part.wh == "why" and END in residual)
    if part.form is Form.WH and not asks_who:
        return None
    brand = known[0]
    ending = END in residual
    # "Who was Leica with for the last four years?": the partner whose record has that length.
    spanned = part.form is Form.WH and bool(part.durations) and not part.comparison
    residual = residual - numbers(part) if part.years or spanned else residual
    # "Who is it with now?" asks for partners with nothing but "with".
    bare_with = not residual and part.wh in {"who", "which"} and part.says({"with"})
    if not bare_with and (not residual or not residual <= RELATION | {END}):
        return None
    if part.analysis.question_types - {"?who"} and not (part.wh == "why" and ending):
        return None
    if part.form is Form.PLAIN and not residual & {"partner"}:
        return None
    if part.form is Form.YES_NO and not residual & {"partner", "work"}:
        return None  # "Is Leica a phone maker?" asks its kind, not its partners
    if part.form is Form.YES_NO and part.says({"other", "another", "else"}) and not part.excluded:
        # "Does Leica work with other phone makers?": other than whom is not said ("OnePlus has
        # a partner too?" adds OnePlus to the others, and is read).
        return None
    if part.form is Form.YES_NO and part.says({"can", "could", "allowed", "able", "might"}):
        return None  # "Can Leica work with others?" asks what a contract allows, not a record
    own = [p for p in ctx.of(brand) if p.other(brand) not in part.excluded]
    if ending or part.says(PAST):
        chosen = [p for p in own if p.status is PartnershipStatus.ENDED]
        wanted = "ended"
    elif part.says(CURRENT | LATEST):
        chosen = [p for p in own if p.status is not PartnershipStatus.ENDED]
        wanted = "current"
    else:
        chosen, wanted = own, "any"
    if part.years:
        chosen = [p for p in chosen if p.since is not None and p.since.year in part.years]
        if not chosen:
            return None
    if spanned:
        chosen = [p for p in chosen if period_years(p.period) in part.durations]
        if not chosen:
            return None
    name = ctx.name(brand)
    if not chosen:
        if not own and part.excluded:
            # "Who did Huawei work with before Leica?": no other partner is reported; the one
            # set aside is, and the answer says so rather than "no partnership" at all.
            others = series([ctx.name(b) for b in part.excluded], "or")
            aside = [p for p in ctx.of(brand) if p.other(brand) in part.excluded]
            citations = tuple(c for p in aside for c in p.citations)
            said = f"The sources report no partner of {name} other than {others}."
            if aside:
                said += f" {ctx.told(aside, brand)}"
            return Said(said, citations, answered=False, about=known)
        if not own:
            return Said(
                f"The sources report no camera partnership of {name}.",
                answered=False,
                about=known,
            )
        citations = tuple(c for p in own for c in p.citations)
        text = (
            f"The sources report no {'ended' if wanted == 'ended' else 'current'} "
            f"partnership of {name}. {ctx.told(own, brand)}"
        )
        return Said(text, citations, entry_id=f"partners:{brand}")
    citations = tuple(c for p in chosen for c in p.citations)
    head = "Yes. " if part.form is Form.YES_NO else ""
    text = f"{head}{ctx.told(chosen, brand)}"
    shaped = part.form is Form.YES_NO or wanted != "any"
    return Said(text, citations, entry_id=f"partners:{brand}", shaped=shaped)
