"""Both, all and every over brands' countries: "are Leica and Hasselblad both German?".

A "Yes" needs a quote of each brand's country, each the one asked; a "No" needs one brand
whose quoted country is another. A brand whose country no source states leaves the question
open: what is quoted is said, without a yes or a no. Asked of every camera (or phone) maker
"in the article", the brands are every brand of that kind the sources name.
"""

from __future__ import annotations

from bot.engine.prose import adjective, lowered, series
from bot.engine.questions import COUNTRY_KEYS, Form, Part
from bot.engine.rules.context import IGNORED, Context
from bot.engine.rules.said import Said
from bot.engine.words import canonical
from bot.facts.models import BrandKind, Citation
from bot.facts.text import fold

_BOTH = frozenset({"both", "all", "every", "each"})
# Words a question about makers' countries may hold beside brands and the country.
_ALLOWED = frozenset(
    filter(
        None,
        (
            canonical(w)
            for w in "all camera phone maker brand company article source named mentioned".split()
        ),
    )
) | frozenset({"all", "articl", "nam", "mention", "source", "phon", "camera", "maker"})


def _kind(part: Part) -> BrandKind | None:
    """The kind of maker "all the camera makers" asks of, if the part names one."""
    tokens = set(part.analysis.tokens)
    if "maker" not in tokens:
        return None
    if "camera" in tokens and "phon" not in tokens:
        return BrandKind.CAMERA_MAKER
    if "phon" in tokens and "camera" not in tokens:
        return BrandKind.PHONE_MAKER
    return None


def countries_all(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Whether several brands (or every brand of a kind) are all from the country asked."""
    if part.form is not Form.YES_NO or part.negated or len(part.countries) != 1:
        return None
    if not set(part.words) & _BOTH or part.devices or part.people or part.years:
        return None
    if not residual - IGNORED <= _ALLOWED:
        return None
    brands = list(known)
    if not brands:
        kind = _kind(part)
        if kind is None:
            return None
        brands = [b.id for b in ctx.base.brands.values() if b.kind is kind]
    if len(brands) < 2:
        return None
    asked = part.countries[0]
    same: list[tuple[str, Citation]] = []
    unstated: list[str] = []
    for brand_id in brands:
        brand = ctx.base.brands[brand_id]
        support = ctx.support(brand, brand.country)
        if support is None or brand.country is None:
            unstated.append(brand.name)
            continue
        clause = f"{brand.name} is a {adjective(brand.country)} brand"
        if COUNTRY_KEYS.get(fold(brand.country)) != asked:
            # One brand from another country settles it: a quoted "No".
            return Said(f"No: {lowered(ctx.dated([support]))}, {clause}.", (support,))
        same.append((clause, support))
    citations = tuple(dict.fromkeys(c for _, c in same))
    said = "; ".join(clause for clause, _ in same)
    said = f"{ctx.dated(citations)}, {said}." if same else ""
    if not unstated:
        return Said(f"Yes. {said}", citations)
    verb = "is" if len(unstated) == 1 else "are"
    text = f"The sources don't say where {series(unstated, 'or')} {verb} from. {said}".strip()
    if not same:
        return Said(text, answered=False, about=tuple(brands))
    return Said(text, citations)
