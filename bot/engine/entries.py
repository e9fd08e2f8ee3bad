"""The matcher's entries: one per fact, and the answers derived from partnerships.

Derived answers' ids hold ':', which never occurs in a fact id, so the two cannot clash.
"""

from __future__ import annotations

from functools import lru_cache

from bot.engine.matcher.matcher import Entry
from bot.engine.prose import partnership_sentence
from bot.engine.timeline import dated_sentence, joined, multi_dated, pieces
from bot.facts.models import (
    Brand,
    BrandKind,
    Citation,
    Fact,
    FactBase,
    Partnership,
    PartnershipStatus,
)
from bot.facts.text import compact, fold

OVERVIEW_ID = "partnerships:all"
BRAND_PREFIX = "partners:"
PARTNERSHIP_PREFIX = "partnership:"

# A derived answer: its entry, and the citations behind it.
Derived = dict[str, tuple[Entry, tuple[Citation, ...]]]


def edited_record(entry_id: str, base: FactBase) -> tuple[str, str] | None:
    """The record an edit of an answer changes, as (kind, id): its fact, brand or partnership.

    An answer built from a brand's partnerships (`partners:ID`) is edited on the brand's record,
    one about a pair (`partnership:ID`) on that partnership; the overview of every partnership,
    or a record gone since, has none (None).
    """
    if entry_id in base.facts:
        return "fact", entry_id
    if entry_id.startswith(BRAND_PREFIX) and entry_id[len(BRAND_PREFIX) :] in base.brands:
        return "brand", entry_id[len(BRAND_PREFIX) :]
    found = entry_id[len(PARTNERSHIP_PREFIX) :]
    if entry_id.startswith(PARTNERSHIP_PREFIX) and found in base.partnerships:
        return "partnership", found
    return None


def brand_keys(brand: Brand) -> set[str]:
    """Every name of a brand as look-ups compare them."""
    return {compact(name) for name in brand.names} | {fold(brand.name)}


@lru_cache(maxsize=4096)
def _brand_set(brands: tuple[str, ...]) -> frozenset[str]:
    """One shared frozenset per combination of brands (100,000 facts use a few hundred)."""
    return frozenset(brands)


def fact_entry(fact: Fact) -> Entry:
    """A fact as the matcher sees it."""
    return Entry(
        id=fact.id,
        questions=fact.questions,
        answer=fact.answer,
        brands=_brand_set(fact.brands),
        evidence=tuple(c.quote for c in fact.citations),
    )


def entry_title(entry: Entry) -> str:
    """The question an entry answers, as labels show it ("Who does Xiaomi work with?").

    A fact's first phrasing is its question; a derived answer's first phrasing may be a bare
    name ("Xiaomi", "Xiaomi and Leica"), which matches well but reads badly on a button.
    """
    if entry.id.startswith(BRAND_PREFIX):
        return f"Who does {entry.questions[0]} work with?"
    if entry.id.startswith(PARTNERSHIP_PREFIX):
        return f"Are {entry.questions[0]} partners?"
    return entry.questions[0]


def describe(partnership: Partnership, base: FactBase, *, from_brand: str | None = None) -> str:
    """A partnership in plain sentences: who, status, how long, its phones."""
    return partnership_sentence(partnership, base, from_brand)


def told(base: FactBase, partnerships: list[Partnership], subject: str | None = None) -> str:
    """Partnerships reported on several dates, each sentence dated; "" when one date says all."""
    if not multi_dated(base, partnerships):
        return ""
    return joined([pieces(base, p, subject) for p in partnerships])


def derived_entries(base: FactBase) -> Derived:
    """Answers built from partnerships: one per brand, one per pair, and the overview."""
    derived: Derived = {}
    partnerships = sorted(
        base.partnerships.values(), key=lambda p: (p.status is PartnershipStatus.ENDED, p.id)
    )
    if not partnerships:
        return derived
    citations = tuple(c for p in partnerships for c in p.citations)
    listing = told(base, partnerships) or " ".join(describe(p, base) for p in partnerships)
    overview = Entry(
        id=OVERVIEW_ID,
        questions=(
            "Which phone makers have camera partnerships?",
            "List all camera partnerships",
            "What camera partnerships are there?",
            "Which smartphone makers work with camera makers?",
            "Which camera makers work with phone makers?",
            "All partnerships",
        ),
        answer=listing,
        evidence=tuple(c.quote for c in citations),
    )
    derived[overview.id] = (overview, citations)
    for brand in base.brands.values():
        own = base.partnerships_of(brand.id)
        if not own:
            continue
        name = brand.name
        # The name comes first: `entry_title` builds the title from it.
        questions = [
            name,
            f"Who does {name} partner with?",
            f"Who works with {name}?",
            f"Who are {name}'s partners?",
            f"{name} partnerships",
        ]
        if brand.kind is BrandKind.CAMERA_MAKER:
            questions += [
                f"Which phone makers work with {name}?",
                f"Which phones have {name} cameras?",
            ]
        else:
            questions += [f"Which camera maker does {name} work with?", f"{name} camera partner"]
        listing = told(base, own, brand.id) or " ".join(
            describe(p, base, from_brand=brand.id) for p in own
        )
        brand_citations = tuple(c for p in own for c in p.citations)
        entry = Entry(
            id=f"{BRAND_PREFIX}{brand.id}",
            questions=tuple(questions),
            answer=listing,
            brands=frozenset({brand.id}),
            evidence=tuple(c.quote for c in brand_citations),
        )
        derived[entry.id] = (entry, brand_citations)
    for partnership in partnerships:
        phone = base.brands[partnership.phone_maker].name
        camera = base.brands[partnership.camera_maker].name
        summary = f" {partnership.summary}" if partnership.summary else ""
        entry = Entry(
            id=f"{PARTNERSHIP_PREFIX}{partnership.id}",
            # "X and Y" comes first: `entry_title` builds the title from it.
            questions=(
                f"{phone} and {camera}",
                f"{phone} {camera} partnership",
                f"{camera} {phone} phones",
                f"Are {phone} and {camera} partners?",
                f"What is the status of the {phone} {camera} partnership?",
            ),
            answer=(
                dated_sentence(base, partnership)
                if multi_dated(base, [partnership])
                else f"{describe(partnership, base)}{summary}"
            ),
            brands=frozenset({partnership.phone_maker, partnership.camera_maker}),
            evidence=tuple(c.quote for c in partnership.citations),
        )
        derived[entry.id] = (entry, partnership.citations)
    return derived
