"""Rules about one brand: who it is, where it is from, who its people are."""

from __future__ import annotations

from bot.engine.lexicon.operators import EMPTY_WORDS, negations
from bot.engine.prose import adjective, lowered, series
from bot.engine.questions import (
    CAMERA_TOKENS,
    COUNTRY_KEYS,
    MAKER_TOKENS,
    NATIONALITIES,
    PHONE_TOKENS,
    Form,
    Part,
)
from bot.engine.rules.context import COUNTRY_WORDS, MADE, PERSON_WORDS, Context, brand_words
from bot.engine.rules.said import Said
from bot.engine.words import canonical
from bot.facts.models import Brand, BrandKind, Citation
from bot.facts.text import fold, words


def person(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Who someone is, by name or by role: "Who is Xiaomi's CEO?", "Is Lei Jun Leica's CEO?"."""
    if len(part.people) != 1:
        return None
    if part.countries or part.months or part.durations or part.devices:
        return None  # "Is Lei Jun German?": the sources say nothing of the sort
    brand_id, name, _ = part.people[0]
    brand = ctx.base.brands[brand_id]
    record = next((p for p in brand.people if p.name == name), None)
    if record is None:
        return None
    roles = set(filter(None, (canonical(w) for w in words(record.role))))
    names = set(filter(None, (canonical(w) for w in words(name))))
    asked = residual - roles - names
    if asked - PERSON_WORDS:
        return None  # "What did Xiaomi's CEO say?" is for the facts about what they said
    said = f"{ctx.dated(record.citations)}, {name} is {brand.name}'s {record.role}."
    others = [b for b in known if b != brand_id]
    if part.form is Form.YES_NO:
        if others:
            other = ctx.name(others[0])
            role = f"{brand.name}'s {record.role}"
            head = f"No: the sources describe {name} as {role}, not {other}'s."
        elif roles & set(part.analysis.tokens) or not asked:
            head = "Yes."
        else:
            return None
        return Said(f"{head} {said}", record.citations, entry_id=f"partners:{brand_id}")
    wrong = [b for b in others if _role_of(ctx, part, b, roles)]
    if wrong and part.wh in {"who", "what"}:
        # "who's lei jun, leica's boss?": the role given him at another brand is a premise.
        role = f"{brand.name}'s {record.role}"
        head = f"Actually, the sources describe {name} as {role}, not {ctx.name(wrong[0])}'s."
        return Said(f"{head} {said}", record.citations, entry_id=f"partners:{brand_id}")
    if others or part.wh not in {"who", "what", None}:
        return None
    return Said(said, record.citations, entry_id=f"partners:{brand_id}", shaped=False)


def _role_of(ctx: Context, part: Part, brand_id: str, roles: set[str]) -> bool:
    """Whether the part gives a brand one of these roles right after its name ("Leica's CEO")."""
    names = {w for name in ctx.base.brands[brand_id].names for w in words(name)}
    return any(
        word in names and canonical(following) in roles
        for word, following in zip(part.words, part.words[1:], strict=False)
    )


def what_is(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """What the sources say a brand is and who it works with ("What's Hasselblad?")."""
    if part.wh not in {"what", "who"} or len(known) != 1 or residual or part.people:
        return None
    if part.analysis.question_types - {"?who"} or part.devices:
        return None
    brand = ctx.base.brands[known[0]]
    own = ctx.of(brand.id)
    support = ctx.support(brand, brand.country)
    said = []
    citations: list[Citation] = []
    if support is not None:
        said.append((f"{brand.name} is a {adjective(brand.country or '')} brand.", support))
        citations.append(support)
    citations += [c for p in own for c in p.citations]
    if not said and not own:
        return None
    text = ctx.told(own, brand.id, said)
    return Said(
        text, tuple(dict.fromkeys(citations)), entry_id=f"partners:{brand.id}", shaped=False
    )


def where_from(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """Where a brand is from, whether it is from a country, or which brand a description names."""
    if len(known) == 1 and known[0] in part.described:
        return _identity(ctx, part, known[0], residual)
    if len(known) == 2 and part.says({"same", "both"}) and "?where" in part.analysis.tokens:
        return _same_country(ctx, known)
    liked = _like(ctx, part, known)
    if liked is not None:
        # "Is Hasselblad German like Leica?": Leica's country, quoted, is the one asked.
        known = tuple(b for b in known if b != liked.about[0])
        residual = residual - {"like"}
    if len(known) != 1:
        return None
    asked_where = part.wh == "where" or "?where" in part.analysis.tokens
    if not part.countries and not asked_where:
        return None
    if part.says(MADE):
        return None  # "Where are Hasselblad phones made?" asks a factory, not a brand's country
    if part.form not in (Form.YES_NO, Form.WH) or (part.form is Form.WH and part.countries):
        return None
    country_words = {canonical(w) for w in part.words if w in NATIONALITIES}
    if not residual - country_words <= COUNTRY_WORDS:
        return None
    brand = ctx.base.brands[known[0]]
    if brand.country is None:
        return Said(
            f"The sources don't say where {brand.name} is from.", answered=False, about=known
        )
    support = ctx.support(brand, brand.country)
    if support is None:
        return None
    nationality = adjective(brand.country)
    country = COUNTRY_KEYS.get(fold(brand.country))
    said = f"{ctx.dated([support])}, {brand.name} is a {nationality} brand."
    shaped = part.form is Form.YES_NO
    if part.form is Form.YES_NO and not part.countries:
        return None  # "is Leica based anywhere?" names no country to say yes or no to
    if part.form is Form.YES_NO:
        negated = negations(part.words)
        if negated > 1:
            return None  # "isn't Leica not German?": a double negation is not read as a yes
        same = country in part.countries
        asked = adjective(part.countries[0])
        described = f"the sources describe {brand.name} as {nationality}"
        if negated and same:
            said = f"No: {lowered(said)}"  # "Is Leica not German?"
        elif negated:
            said = f"Yes: {described}, not {asked}. {said}"
        elif same:
            said = f"Yes. {said}"
        else:
            said = f"No: {described}, not {asked}. {said}"
    citations = (support, *(liked.citations if liked else ()))
    return Said(said, citations, entry_id=f"partners:{brand.id}", shaped=shaped)


def _like(ctx: Context, part: Part, known: tuple[str, ...]) -> Said | None:
    """The brand after "like" when its quoted country is the one asked ("German like Leica")."""
    if len(known) != 2 or len(part.countries) != 1 or part.form is not Form.YES_NO:
        return None
    for before, word in zip(part.words, part.words[1:], strict=False):
        if before == "like" and word in known:
            brand = ctx.base.brands[word]
            support = ctx.support(brand, brand.country) if brand.country else None
            same = brand.country and COUNTRY_KEYS.get(fold(brand.country)) in part.countries
            return Said("", (support,), about=(word,)) if support and same else None
    return None


def _same_country(ctx: Context, known: tuple[str, ...]) -> Said:
    """Whether two brands are from the same country, as the sources describe them."""
    brands = [ctx.base.brands[b] for b in known]
    supports = [ctx.support(brand, brand.country) for brand in brands]
    unknown = [brand.name for brand, s in zip(brands, supports, strict=True) if s is None]
    if unknown:
        verb = "is" if len(unknown) == 1 else "are"
        return Said(
            f"The sources don't say where {series(unknown)} {verb} from.",
            answered=False,
            about=known,
        )
    keys = [COUNTRY_KEYS.get(fold(brand.country or "")) for brand in brands]
    first, second = (f"{b.name} is a {adjective(b.country or '')} brand" for b in brands)
    head = "Yes" if keys[0] == keys[1] else "No"
    citations = tuple(s for s in supports if s is not None)
    return Said(f"{head}. {ctx.dated(citations)}, {first} and {second}.", citations)


def _identity(ctx: Context, part: Part, brand_id: str, residual: frozenset[str]) -> Said | None:
    """Which brand a description names: "Which brand is Swedish?" -> Hasselblad."""
    if part.wh not in {"which", "what", "who"} or residual - COUNTRY_WORDS:
        return None
    brand = ctx.base.brands[brand_id]
    support = ctx.support(brand, brand.country)
    if support is None:
        return None
    text = f"{ctx.dated([support])}, {brand.name} is a {adjective(brand.country or '')} brand."
    return Said(text, (support,), entry_id=f"partners:{brand.id}")


# How a source names each kind of maker ("German camera-maker Leica", "the latest smartphone
# maker"): a kind is stated only by a clause holding one of these beside the brand's name.
_KIND_PHRASES = {
    BrandKind.CAMERA_MAKER: (
        "camera maker",
        "camera manufacturer",
        "camera company",
        "camera brand",
        "camera makers",
    ),
    BrandKind.PHONE_MAKER: (
        "smartphone maker",
        "phone maker",
        "smartphone manufacturer",
        "phone manufacturer",
        "smartphone brand",
        "phone brand",
        "phone company",
    ),
}
_KIND_ASKED = CAMERA_TOKENS | PHONE_TOKENS | MAKER_TOKENS | {"kind", "type", "sort", "brand"}
# Every word such a question may hold besides the brand's names: any other ("a new camera
# company", "a German camera maker") asks more than the kind, and the rule steps aside.
_KIND_WORDS = EMPTY_WORDS | frozenset(
    """is was a an the or what which kind type sort of company companies maker makers
    manufacturer manufacturers brand brands firm camera cameras cam phone phones smartphone
    smartphones right really actually wat it one""".split()
)
# How far (in words) a kind may stand from the name it describes in a quote.
_KIND_REACH = 5


def kind_of(
    ctx: Context, part: Part, known: tuple[str, ...], residual: frozenset[str]
) -> Said | None:
    """What kind of maker a brand is, quoted: "is Leica a camera maker?", "phone or camera?"."""
    if len(known) != 1 or part.devices or part.countries or part.people or part.durations:
        return None
    if not residual <= _KIND_ASKED or not residual & (CAMERA_TOKENS | PHONE_TOKENS):
        return None
    names = brand_words(ctx.base.brands[known[0]])
    if any(w not in _KIND_WORDS and w not in names for w in part.words):
        return None
    asked = {canonical(w) or w for w in part.words}
    camera, phone = bool(asked & CAMERA_TOKENS), bool(asked & PHONE_TOKENS)
    brand = ctx.base.brands[known[0]]
    quote = _kind_quote(ctx, brand)
    if quote is None:
        return None  # the sources never call it a maker of its kind
    kind = "camera maker" if brand.kind is BrandKind.CAMERA_MAKER else "phone maker"
    said = f"{ctx.dated([quote])}, the source calls {brand.name} a {kind}: “{quote.quote}”"
    entry = f"partners:{brand.id}"
    # "xiaomi: camera maker or phone maker?" chooses as "is Xiaomi a … or a …?" does.
    choice = part.form is Form.EITHER_OR or (part.form is Form.PLAIN and "or" in part.words)
    if choice and camera and phone:
        return Said(f"A {kind}. {said}", (quote,), entry_id=entry, shaped=False)
    if part.form is not Form.YES_NO or camera == phone:
        return None
    if (brand.kind is BrandKind.CAMERA_MAKER) != camera:
        return None  # another kind than its own: the sources do not say what else it makes
    return Said(f"Yes. {said}", (quote,), entry_id=entry, shaped=False)


def _kind_quote(ctx: Context, brand: Brand) -> Citation | None:
    """The shortest clause calling a brand a maker of its kind, the kind beside the name."""
    phrases = _KIND_PHRASES[brand.kind]
    quote = ctx.quotes.shortest(brand.names, phrases)
    if quote is None:
        return None
    said = fold(quote.quote).split()
    names = [fold(n).split() for n in brand.names]
    kinds = [fold(p).split() for p in phrases]
    at_names = [i for i in range(len(said)) for n in names if said[i : i + len(n)] == n]
    at_kinds = [i for i in range(len(said)) for k in kinds if said[i : i + len(k)] == k]
    if any(abs(a - b) <= _KIND_REACH for a in at_names for b in at_kinds):
        return quote
    return None
