"""Properties of the matcher on small random fact bases (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bot.engine.matcher.matcher import Entry, Matcher, Outcome
from bot.facts.models import Brand, BrandKind, Device
from tests.bot.engine.matcher.test_index import decision, entry_bound
from tests.conftest import index_by_id

BRANDS = (
    Brand("xiaomi", "Xiaomi", BrandKind.PHONE_MAKER, devices=(Device("Xiaomi 12 Ultra"),)),
    Brand("leica", "Leica", BrandKind.CAMERA_MAKER, "Germany", ("Leica Camera",)),
    Brand("oneplus", "OnePlus", BrandKind.PHONE_MAKER, aliases=("One Plus",)),
    Brand("hasselblad", "Hasselblad", BrandKind.CAMERA_MAKER, "Sweden"),
    Brand("huawei", "Huawei", BrandKind.PHONE_MAKER, devices=(Device("Huawei P30 Pro"),)),
    Brand("zeiss", "Zeiss", BrandKind.CAMERA_MAKER, aliases=("Carl Zeiss",)),
    Brand("lumora", "Lumora", BrandKind.PHONE_MAKER, devices=(Device("Lumora Nova 7"),)),
)
BRAND_NAMES = ("Xiaomi", "Leica", "OnePlus", "Hasselblad", "Huawei", "Zeiss", "Lumora")
DEVICES = ("Xiaomi 12 Ultra", "Huawei P30 Pro", "Lumora Nova 7")
STARTS = (
    "When will",
    "When did",
    "Who",
    "Where is",
    "How long",
    "How many",
    "What",
    "Which",
    "Why",
    "Is",
    "Does",
)
WORDS = (
    "launch",
    "release",
    "phone",
    "camera",
    "partner",
    "partnership",
    "sensor",
    "battery",
    "price",
    "zoom",
    "founded",
    "headquarters",
    "lens",
    "design",
    "announce",
    "end",
    "work",
    "together",
    "first",
    "years",
    "megapixel",
    "video",
    "colour",
    "profile",
    "chip",
    "imaging",
    "software",
    "periscope",
    "deal",
    "split",
)
KIND_PHRASES = ("in March 2024", "for four years", "a 50 megapixel sensor", "based in Germany")

# These properties build a matcher per example: fewer examples, no deadline. Set per test, not
# as a profile: loading a profile here would change Hypothesis settings for the whole run.
slow_property = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

name = st.sampled_from(BRAND_NAMES + DEVICES)
word = st.sampled_from(WORDS)


@st.composite
def phrasings(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(STARTS))]
    parts += draw(st.lists(st.one_of(word, name), min_size=1, max_size=5))
    return " ".join(parts) + "?"


@st.composite
def entries(draw: st.DrawFn, number: int) -> Entry:
    questions = draw(st.lists(phrasings(), min_size=1, max_size=4, unique=True))
    answer_words = draw(st.lists(st.one_of(word, name), min_size=2, max_size=8))
    kinds = draw(st.lists(st.sampled_from(KIND_PHRASES), max_size=4, unique=True))
    answer = " ".join(answer_words + kinds) + "."
    brands = draw(st.frozensets(st.sampled_from([b.id for b in BRANDS]), max_size=2))
    # Some entries share a quote, so that agreeing runner-ups occur.
    quote = draw(st.sampled_from(("q1", "q2", f"own {number}", f"own {number}", f"own {number}")))
    return Entry(f"e{number:03d}", tuple(questions), answer, brands, (quote,))


@st.composite
def bases(draw: st.DrawFn, min_size: int = 2, max_size: int = 25) -> list[Entry]:
    count = draw(st.integers(min_size, max_size))
    return [draw(entries(number)) for number in range(count)]


def typo(text: str, position: int, kind: int) -> str:
    if len(text) < 2:
        return text
    i = position % (len(text) - 1)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


@st.composite
def questions(draw: st.DrawFn, base: list[Entry]) -> str:
    """Questions near the base's phrasings: as they are, with a typo, cut, or mixed."""
    source = draw(st.sampled_from([q for entry in base for q in entry.questions]))
    roll = draw(st.integers(0, 3))
    if roll == 1:
        return typo(source, draw(st.integers(0, 200)), draw(st.integers(0, 2)))
    if roll == 2:
        words = source.split()
        return " ".join(words[: draw(st.integers(1, len(words)))])
    if roll == 3:
        return f"{source} {draw(phrasings())}"
    return source


@slow_property
@given(st.data())
def test_indexed_search_decides_as_exhaustive_scoring(data: st.DataObject) -> None:
    base = data.draw(bases())
    matcher = Matcher(base, BRANDS)
    for _ in range(8):
        question = data.draw(questions(base))
        indexed, full = matcher.match(question), matcher.match(question, exhaustive=True)
        assert decision(indexed) == decision(full), question


@slow_property
@given(st.data())
def test_a_facts_own_question_finds_it(data: st.DataObject) -> None:
    base = data.draw(bases())
    matcher = Matcher(base, BRANDS)
    entry = data.draw(st.sampled_from(base))
    own = matcher.match(entry.questions[0], exhaustive=True)
    if not own.analysis.content:
        return  # only question words ("when will headquarters?"): nothing to match
    mine = next(c.score for c in own.candidates if c.entry.id == entry.id)
    match = matcher.match(entry.questions[0])
    assert match.candidates[0].score == mine or mine < 1.0  # nothing beats a perfect score
    if mine == 1.0 and match.outcome is Outcome.FOUND:
        best = match.best
        assert best is not None
        assert best.entry.id == entry.id or best.score == 1.0


@slow_property
@given(st.data())
def test_adding_then_removing_a_fact_changes_nothing(data: st.DataObject) -> None:
    base = data.draw(bases())
    matcher = Matcher(base, BRANDS)
    asked = [data.draw(questions(base)) for _ in range(6)]
    before = [decision(matcher.match(q)) for q in asked]
    vocabulary = set(matcher.analyzer.vocabulary)
    extra = data.draw(entries(999))
    matcher.upsert(extra)
    matcher.remove(extra.id)
    assert [decision(matcher.match(q)) for q in asked] == before
    assert matcher.analyzer.vocabulary == vocabulary


@slow_property
@given(st.data())
def test_upserts_give_what_a_fresh_build_gives(data: st.DataObject) -> None:
    base = data.draw(bases())
    matcher = Matcher(base, BRANDS)
    current = {entry.id: entry for entry in base}
    for step in range(data.draw(st.integers(1, 6))):
        if data.draw(st.booleans()) and len(current) > 1:
            gone = data.draw(st.sampled_from(sorted(current)))
            matcher.remove(gone)
            del current[gone]
        else:
            number = data.draw(st.integers(0, 40))
            entry = data.draw(entries(number))
            matcher.upsert(entry)
            current[entry.id] = entry
            assert step >= 0
    fresh = Matcher(list(current.values()), BRANDS)
    assert index_by_id(matcher) == index_by_id(fresh)
    assert matcher.analyzer.vocabulary == fresh.analyzer.vocabulary
    remaining = list(current.values())
    for _ in range(6):
        question = data.draw(questions(remaining))
        assert decision(matcher.match(question)) == decision(fresh.match(question)), question


@slow_property
@given(st.data())
def test_the_bound_is_never_below_the_score(data: st.DataObject) -> None:
    base = data.draw(bases())
    matcher = Matcher(base, BRANDS)
    question = data.draw(questions(base))
    for entry in base:
        score, bound = entry_bound(matcher, question, entry.id)
        assert score <= bound + 1e-9


@slow_property
@given(
    brand=st.sampled_from([n for n in BRAND_NAMES if len(n) >= 5]),
    position=st.integers(0, 50),
    kind=st.integers(0, 2),
    base=bases(min_size=1, max_size=8),
)
def test_typod_brand_names_still_find_the_brand(
    brand: str, position: int, kind: int, base: list[Entry]
) -> None:
    matcher = Matcher(base, BRANDS)
    wrong = typo(brand.lower(), position, kind)
    vocabulary = matcher.analyzer.vocabulary
    closest = max(fuzz.ratio(wrong, other) for other in vocabulary if other != brand.lower())
    if wrong in vocabulary or closest >= fuzz.ratio(wrong, brand.lower()):
        return  # the typo made another word, or one as close: no way to tell
    analysis = matcher.analyzer.analyse(f"who does {wrong} work with")
    assert analysis.brands == {brand.lower()}
