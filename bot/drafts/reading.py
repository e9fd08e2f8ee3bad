"""Reading an article: its sentences, the brands and phones they name, and the dates they give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.drafts.cues import clause
from bot.facts.limits import QUOTE_MAX
from bot.facts.models import BrandKind, FactBase
from bot.facts.text import fold

# A sentence ends at . ! or ? (and a closing quote mark) before a space and a capital or a digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = "|".join(m.title() for m in _MONTHS)
_COUNTS = "one two three four five six seven eight nine ten".split()
# A model's words after its maker's name: capitalised or with a figure, and these lower-case ones.
_MODEL_WORD = r"(?:[A-Z0-9][A-Za-z0-9+]*|series|mini|lite|plus|pro|ultra|max)"
# Capitalised words that begin sentences or name months, never brands.
_NOT_NAMES = frozenset(
    "the this that these those it its a an in on at as and but both however meanwhile now "
    "currently reports earlier later last next after before with for from their his her our "
    "while when since until also".split()
    + _MONTHS
)
# Nationality words as sources write them before a maker ("German camera-maker Leica").
_COUNTRIES = {
    "american": "United States",
    "british": "United Kingdom",
    "chinese": "China",
    "danish": "Denmark",
    "dutch": "Netherlands",
    "finnish": "Finland",
    "french": "France",
    "german": "Germany",
    "italian": "Italy",
    "japanese": "Japan",
    "korean": "South Korea",
    "swedish": "Sweden",
    "swiss": "Switzerland",
    "taiwanese": "Taiwan",
}
_MAKER = r"(?:maker|manufacturer|company|brand|firm|specialist|vendor|giant)"
_CAMERA = rf"(?i:(?:camera|optics|lens|imaging)[- ]{_MAKER})"
_PHONE = rf"(?i:(?:smartphone|phone|handset)[- ]{_MAKER})"
_NAME = r"(?P<name>[A-Z][A-Za-z0-9]+)"
_ADJECTIVE = r"(?:(?P<country>[A-Z][a-z]+)\s+)?"
# "German camera-maker Leica", "Leica, the German camera maker", "phone maker Oppo".
# "the Swedish camera maker", "the largest phone maker": a word or two may stand before the kind.
_KIND_WORD = r"(?i:camera|optics|lens|imaging|smartphone|phone|handset)\b"
_THE = rf",\s+(?:the|a)\s+(?:(?!(?:[A-Z][a-z]+\s+)?{_KIND_WORD})\w+\s+)?"
_KIND_CUES = (
    (BrandKind.CAMERA_MAKER, re.compile(rf"{_ADJECTIVE}{_CAMERA}\s+{_NAME}")),
    (BrandKind.CAMERA_MAKER, re.compile(rf"{_NAME}{_THE}{_ADJECTIVE}{_CAMERA}")),
    (BrandKind.PHONE_MAKER, re.compile(rf"{_ADJECTIVE}{_PHONE}\s+{_NAME}")),
    (BrandKind.PHONE_MAKER, re.compile(rf"{_NAME}{_THE}{_ADJECTIVE}{_PHONE}")),
    # "Oppo's first phone", "Honor's next flagship": whoever has phones makes them.
    (BrandKind.PHONE_MAKER, re.compile(rf"{_NAME}['’]s\s+(?:\w+\s+)?(?:smart)?(?:phone|flagship)")),
)
# "Nokia, which worked with Zeiss": a maker named as working with a known one is of the other kind.
_TEAMED = (
    r"(?i:partnered|teamed up|worked|works|partners|teams up|joined hands|(?:signed|announced|"
    r"formed|struck|inked|confirmed)\s+(?:a|an|its|their)\s+(?:[\w-]+\s+)?(?:partnership|deal|"
    r"agreement|tie-up|collaboration))\s+with\s+"
)
_WORKED_WITH = re.compile(
    rf"{_NAME}(?:,\s+which|,\s+who)?\s+(?:has\s+|have\s+|had\s+)?(?:\w+\s+)?{_TEAMED}"
)
_KIND_TOPIC = {
    BrandKind.CAMERA_MAKER: re.compile(r"\b(?:cameras?|lens(?:es)?|optics|imaging)\b", re.I),
    BrandKind.PHONE_MAKER: re.compile(r"\b(?:smart)?phones?\b|\bhandsets?\b|\bflagships?\b", re.I),
}
# "Vivo now partners with Sony": the same, the other way round.
_WITH_NAME = re.compile(rf"{_TEAMED}{_NAME}")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article, exactly as written, and where it starts."""

    text: str
    start: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A brand named in a sentence: its id, kind, and where the name starts and ends."""

    brand: str
    kind: BrandKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NewBrand:
    """A brand the base does not know, with the kind (and country) a sentence gives it."""

    id: str
    name: str
    kind: BrandKind
    country: str | None
    sentence: Sentence


def sentences(text: str) -> Iterator[Sentence]:
    """The article's sentences, paragraph by paragraph; each is a slice of the text."""
    offset = 0
    for line in text.splitlines(keepends=True):
        start = 0
        for cut in [*_SENTENCE_END.finditer(line), None]:
            end = cut.start() if cut else len(line)
            piece = line[start:end]
            # A closing quote mark after the full stop belongs to the sentence.
            if cut:
                piece += cut.group()[: len(cut.group()) - len(cut.group().lstrip("\"”’'"))]
            stripped = piece.strip()
            if stripped and len(stripped) <= QUOTE_MAX and re.search(r"[A-Za-z]", stripped):
                yield Sentence(stripped, offset + start + piece.index(stripped))
            start = cut.end() if cut else len(line)
        offset += len(line)


def brand_id(name: str) -> str:
    """The id a new brand would get: its name folded, words joined by hyphens."""
    return fold(name).replace(" ", "-")


class Names:
    """Every brand name the base knows (and the new ones found), found in sentences."""

    def __init__(self, base: FactBase) -> None:
        self.kinds = {b.id: b.kind for b in base.brands.values()}
        self.display = {b.id: b.name for b in base.brands.values()}
        self._patterns: list[tuple[str, str, re.Pattern[str]]] = []
        for brand in base.brands.values():
            for name in brand.names:
                self._add(brand.id, name)
        # "the Swedish camera maker" names a brand when it is the only one of its country and kind.
        for adjective, country in _COUNTRIES.items():
            for kind, cue in ((BrandKind.CAMERA_MAKER, _CAMERA), (BrandKind.PHONE_MAKER, _PHONE)):
                owners = [b for b in base.brands.values() if (b.country, b.kind) == (country, kind)]
                if len(owners) == 1:
                    label = f"{adjective} {kind.value}"
                    pattern = re.compile(rf"(?<![A-Za-z0-9])(?i:{adjective})\s+{cue}")
                    self._patterns.append((owners[0].id, label, pattern))
        self._patterns.sort(key=lambda item: -len(item[1]))

    def _add(self, brand: str, name: str) -> None:
        """Know one name of a brand."""
        # The name is escaped: a brand's name is data, never a pattern.
        pattern = re.compile(rf"(?<![A-Za-z0-9])(?i:{re.escape(name)})(?![A-Za-z0-9])")
        self._patterns.append((brand, name, pattern))
        # Longer names first, so "Carl Zeiss" is found before "Zeiss".
        self._patterns.sort(key=lambda item: -len(item[1]))

    def add_brand(self, brand: NewBrand) -> None:
        """Know a new brand from now on."""
        self.kinds[brand.id] = brand.kind
        self.display[brand.id] = brand.name
        self._add(brand.id, brand.name)

    def names_of(self, brand: str) -> list[str]:
        """Every name of a brand, longest first (descriptions aside)."""
        return [
            name
            for owner, name, _ in self._patterns
            if owner == brand and not name.endswith("_maker")
        ]

    def known(self, word: str) -> bool:
        """Whether a word is one of the known names."""
        return any(fold(name) == fold(word) for _, name, _ in self._patterns)

    def mentions(self, sentence: str) -> list[Mention]:
        """The brands a sentence names, in order, overlapping names counted once."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for brand, _, pattern in self._patterns:
            for match in pattern.finditer(sentence):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append(match.span())
                found.append(Mention(brand, self.kinds[brand], match.start(), match.end()))
        return sorted(found, key=lambda m: m.start)


def new_brands(sentence: Sentence, names: Names) -> Iterator[NewBrand]:
    """Brands a sentence introduces with their kind ("phone maker Oppo"), unknown to the base."""
    found: list[tuple[str, BrandKind, str | None]] = []
    for kind, pattern in _KIND_CUES:
        for match in pattern.finditer(sentence.text):
            country = match.groupdict().get("country")
            found.append((match["name"], kind, _COUNTRIES.get((country or "").lower())))
    mentions = names.mentions(sentence.text)
    inferred: list[tuple[str, BrandKind]] = []
    for match in _WORKED_WITH.finditer(sentence.text):
        after = match.end() + 40
        partner = next((m for m in mentions if match.end() <= m.start <= after), None)
        if partner is not None:
            kind = (
                BrandKind.PHONE_MAKER
                if partner.kind is BrandKind.CAMERA_MAKER
                else BrandKind.CAMERA_MAKER
            )
            inferred.append((match["name"], kind))
    for match in _WITH_NAME.finditer(sentence.text):
        before = [m for m in mentions if m.end <= match.start()]
        # The maker right before the verb, in the same clause ("Vivo ... now partners with").
        if before and "," not in sentence.text[before[-1].end : match.start()]:
            kind = (
                BrandKind.PHONE_MAKER
                if before[-1].kind is BrandKind.CAMERA_MAKER
                else BrandKind.CAMERA_MAKER
            )
            inferred.append((match["name"], kind))
    # A kind guessed from a partner holds only where the sentence speaks of that kind's products:
    # "Xiaomi works with Qualcomm" makes no camera maker of Qualcomm.
    for name, kind in inferred:
        if _KIND_TOPIC[kind].search(sentence.text):
            found.append((name, kind, None))
    for name, kind, country in found:
        if name.lower() in _NOT_NAMES or name.lower() in _COUNTRIES or names.known(name):
            continue
        yield NewBrand(brand_id(name), name, kind, country, sentence)


def devices(sentence: str, maker_names: list[str]) -> list[str]:
    """Phone models a sentence names after their maker ("Xiaomi 12S Ultra"), as written."""
    found: list[str] = []
    for name in maker_names:
        pattern = rf"(?<![A-Za-z0-9])(?i:{re.escape(name)})((?:\s+{_MODEL_WORD})+)"
        for match in re.finditer(pattern, sentence):
            words = match.group(1).split()[:4]
            while words and not _is_model_word(words[-1]):
                words.pop()
            # A model has a figure in its name that is not a year ("Xiaomi 2023" is no phone).
            if not any(re.search(r"\d", w) and not re.fullmatch(r"(19|20)\d\d", w) for w in words):
                continue
            device = sentence[match.start() : match.start() + len(name)] + " " + " ".join(words)
            if device not in found:
                found.append(device)
    return found


def _is_model_word(word: str) -> bool:
    return word.lower() not in _NOT_NAMES


def month_said(
    sentence: str, year_of_source: int, cue: str, clause_says: re.Pattern[str] | None = None
) -> tuple[str, int] | None:
    """The "YYYY-MM" or "YYYY" a sentence gives after `cue` (a pattern), and where.

    With `clause_says`, only a date in a clause that also matches it ("which began in 2020",
    not "owned by Lenovo since 2014").
    """
    pattern = (
        rf"{cue}\s+(?:(?:early|late|mid)[- ])?(?:(?P<month>{_MONTH})\s+)?"
        r"(?:(?P<year>(?:19|20)\d\d)\b|(?P<this>this year))"
    )
    for match in re.finditer(pattern, sentence):
        if clause_says is not None and not clause_says.search(
            clause(sentence, match.start(), match.end())
        ):
            continue
        year = int(match["year"]) if match["year"] else year_of_source
        if match["month"] is None:
            return str(year), match.start()
        return f"{year}-{_MONTHS.index(match['month'].lower()) + 1:02d}", match.start()
    return None


def period_said(sentence: str, *, extended: bool = False) -> tuple[str, int] | None:
    """A partnership's length as a sentence says it ("multi-year", "until 2027"), and where.

    "Until" a year is a period only in a sentence that extends the partnership.
    """
    match = re.search(r"\buntil ((?:19|20)\d\d)\b", sentence)
    if extended and match:
        return f"until {match[1]}", match.start()
    match = re.search(r"\b(multi|\w+)-year\b", sentence, re.IGNORECASE)
    if match and (match[1].lower() in ("multi", *_COUNTS) or match[1].isdigit()):
        return f"{match[1].lower()}-year", match.start()
    match = re.search(
        r"\bfor (?:another |a further |an additional |the (?:last|past) )?(\w+) (?:more )?years\b",
        sentence,
    )
    if match and (match[1].lower() in _COUNTS or match[1].isdigit()):
        return f"{match[1].lower()}-year", match.start()
    return None
