"""Brand look-ups: the brand a typed name means, and brands for autocomplete."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.engine.entries import brand_keys
from bot.facts.models import Brand
from bot.facts.text import compact


@dataclass(frozen=True, slots=True)
class BrandIndex:
    """Brand names ready for autocomplete: in a list for rapidfuzz, sorted for prefixes."""

    brands: dict[str, Brand]
    keys: list[str]
    owners: list[str]
    sorted_keys: list[tuple[str, str]]
    by_name: list[str]
    prefixes: dict[int, list[str]]

    @classmethod
    def build(cls, brands: dict[str, Brand]) -> BrandIndex:
        """The index of these brands' names."""
        pairs = [(key, brand.id) for brand in brands.values() for key in sorted(brand_keys(brand))]
        by_name = [b.id for b in sorted(brands.values(), key=lambda b: b.name.lower())]
        keys, owners = [k for k, _ in pairs], [b for _, b in pairs]
        return cls(brands, keys, owners, sorted(pairs), by_name, {})

    def starts(self, width: int) -> list[str]:
        """Every key cut to `width` characters (kept for the next keystroke)."""
        cut = self.prefixes.get(width)
        if cut is None:
            cut = self.prefixes[width] = [key[:width] for key in self.keys]
        return cut


def brand_names(brands: dict[str, Brand]) -> dict[str, str]:
    """Brand ids by each of their names, as look-ups compare them."""
    return {name: brand.id for brand in brands.values() for name in brand_keys(brand)}


def brand_named(name: str, names: dict[str, str]) -> tuple[str | None, list[str]]:
    """The id of the brand a name means (typos tolerated), else the ids it might have meant."""
    key = compact(name)
    brand_id = names.get(key)
    if brand_id is not None or not key:
        return brand_id, []
    found = process.extract(key, names, scorer=fuzz.WRatio, score_cutoff=70, limit=6)
    # rapidfuzz gives (value, score, key) for a mapping: the value is the brand id.
    # Each brand's best score; a brand's aliases must not count as its runner-up.
    best: dict[str, float] = {}
    for brand, score, _ in found:
        best.setdefault(brand, score)
    ranked = list(best)
    scores = [*best.values(), 0.0, 0.0]
    # One typo (a swapped pair counts as one: "huwaei") in a name of 4+ letters is
    # taken too, when it fits one brand only; the score alone holds it under 85.
    near = {
        brand
        for known, brand in names.items()
        if len(known) >= 4 and OSA.distance(key, known, score_cutoff=1) <= 1
    }
    if scores[0] >= 85 and scores[0] - scores[1] >= 10:
        return ranked[0], []
    if len(near) == 1:
        return near.pop(), []
    return None, ranked[:3]


def brand_choices(index: BrandIndex, text: str, limit: int = 25) -> list[Brand]:
    """Brands for autocomplete: best first, every brand when the text is empty.

    A name that starts with the text scores 200 minus its length; others score the best of
    WRatio and the ratio against the name's start, and count from 60.
    """
    key = compact(text)
    if not key:
        return [index.brands[brand_id] for brand_id in index.by_name[:limit]]
    scored: dict[str, float] = {}
    start = bisect.bisect_left(index.sorted_keys, (key, ""))
    for name, brand_id in index.sorted_keys[start:]:
        if not name.startswith(key):
            break
        scored[brand_id] = max(scored.get(brand_id, 0.0), 200.0 - len(name))
    for scorer, names in ((fuzz.WRatio, index.keys), (fuzz.ratio, index.starts(len(key)))):
        found = process.extract(key, names, scorer=scorer, score_cutoff=60, limit=None)
        for _, score, position in found:
            brand_id = index.owners[position]
            if not index.keys[position].startswith(key) and score > scored.get(brand_id, 0.0):
                scored[brand_id] = score
    ranked = sorted(scored, key=lambda b: (-scored[b], b))
    return [index.brands[b] for b in ranked[:limit]]
