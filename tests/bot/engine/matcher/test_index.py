"""No answer lost to the index: the pruned search decides exactly as scoring every entry."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from benchmarks import synth
from bot.engine.engine import Engine, fact_entry
from bot.engine.matcher.matcher import (
    _PHRASING_COST,
    _SEEDS,
    _SORT_PART,
    ANSWER_CREDIT,
    ASK_FLOOR,
    FOREIGN_BRAND_FACTOR,
    FUZZY_WEIGHT,
    PHRASING_COVERAGE_WEIGHT,
    QUERY_COVERAGE_WEIGHT,
    SEARCH_BUDGET,
    SUGGESTION_FLOOR,
    UNKNOWN_WORD_POWER,
    WRONG_ANSWER_KIND_FACTOR,
    Entry,
    Match,
    Matcher,
    _record_tokens,
    sorted_gently,
)
from bot.facts.yaml_loading import load_fact_base
from tests.conftest import DATA, index_by_id

GOLDEN = [
    json.loads(line)["q"] for line in (DATA / "golden.jsonl").read_text().splitlines() if line
]
SYNTHETIC_FACTS = 3000


def decision(match: Match) -> tuple:
    """What a user sees of a match: the outcome, the answer and its score, or the suggestions."""
    best = match.best
    if best is not None:
        return (match.outcome, best.entry.id, best.score, best.phrasing)
    top = match.candidates[0].score if match.candidates else 0.0
    suggestions = [(c.entry.id, c.score) for c in match.suggestions()]
    return (match.outcome, None, top if top >= SUGGESTION_FLOOR else None, suggestions)


def roughened(questions: list[str], seed: int, count: int) -> list[str]:
    """Questions as people type them: typos, dropped words, two questions run together."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = rng.choice(questions).split()
        roll = rng.random()
        if roll < 0.4:
            i = rng.randrange(len(words))
            words[i] = synth._typo(rng, words[i])
        elif roll < 0.7 and len(words) > 2:
            del words[rng.randrange(len(words))]
        else:
            words += rng.choice(questions).split()[:3]
        out.append(" ".join(words))
    return out


def entry_bound(matcher: Matcher, question: str, entry_id: str) -> tuple[float, float]:
    """An entry's score for a question and the bound the search would give it."""
    query = matcher._query(matcher.analyzer.analyse(question))
    record = matcher._record(entry_id)
    tokens = _record_tokens(record)
    held = sum(weight for token, weight in query.weights.items() if token in tokens)
    asked_held = sum(query.weights[token] for token in query.asked if token in tokens)
    bound = matcher._bound(
        query,
        held,
        asked_held,
        about=query.analysis.brands <= record.brands,
        kind=matcher._answers_kind(query, record),
    )
    return matcher._score(query, record)[0], bound


def assert_same_decisions(matcher: Matcher, questions: list[str]) -> None:
    differences = [
        (
            question,
            decision(matcher.match(question)),
            decision(matcher.match(question, exhaustive=True)),
        )
        for question in questions
    ]
    differences = [d for d in differences if d[1] != d[2]]
    assert not differences, differences[:5]


# The shipped base


def shipped_questions(engine: Engine) -> list[str]:
    phrasings = [q for entry in engine.matcher.entries for q in entry.questions]
    return GOLDEN + phrasings + roughened(GOLDEN + phrasings, seed=5, count=400)


def test_shipped_base_decides_as_exhaustive_scoring(engine: Engine) -> None:
    assert_same_decisions(engine.matcher, shipped_questions(engine))


def test_bound_holds_on_the_shipped_base(engine: Engine) -> None:
    matcher = engine.matcher
    for question in shipped_questions(engine)[::7]:
        if not matcher.analyzer.analyse(question).content:
            continue
        for entry in matcher.entries:
            score, bound = entry_bound(matcher, question, entry.id)
            assert score <= bound + 1e-9, (question, entry.id, score, bound)


# A synthetic base of a few thousand facts


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[synth.Base, Engine]:
    root = tmp_path_factory.mktemp("synthetic") / "knowledge"
    base = synth.write_base(root, SYNTHETIC_FACTS, seed=3)
    return base, Engine(load_fact_base(root))


def test_the_generator_writes_a_valid_base(synthetic: tuple[synth.Base, Engine]) -> None:
    base, engine = synthetic
    assert len(engine.base.facts) == SYNTHETIC_FACTS
    assert len(engine.base.brands) == len(base.makers)
    assert engine.base.partnerships


def test_synthetic_base_decides_as_exhaustive_scoring(
    synthetic: tuple[synth.Base, Engine],
) -> None:
    base, engine = synthetic
    questions = [q.text for q in synth.questions(base, 60, seed=21)]
    assert_same_decisions(engine.matcher, questions)


def test_synthetic_questions_mostly_find_their_fact(synthetic: tuple[synth.Base, Engine]) -> None:
    base, engine = synthetic
    questions = synth.questions(base, 200, seed=22)
    right = sum(
        (engine.ask(q.text).fact_id if engine.ask(q.text).answered else None) == q.expected
        for q in questions
    )
    assert right >= 0.85 * len(questions)


def test_bound_holds_on_a_synthetic_base(synthetic: tuple[synth.Base, Engine]) -> None:
    base, engine = synthetic
    matcher = engine.matcher
    rng = random.Random(4)
    entry_ids = [entry.id for entry in matcher.entries]
    for question in synth.questions(base, 25, seed=23):
        if not matcher.analyzer.analyse(question.text).content:
            continue
        for entry_id in rng.sample(entry_ids, 400):
            score, bound = entry_bound(matcher, question.text, entry_id)
            assert score <= bound + 1e-9, (question, entry_id, score, bound)


def reference_score(matcher: Matcher, question: str, entry_id: str) -> tuple[float, str]:
    """Scoring as first written, over token tuples: the fast `_score` must equal it exactly."""
    query = matcher._query(matcher.analyzer.analyse(question))
    entry, phrasings, answer, brands, *_ = matcher._record(entry_id)
    weights, total = query.weights, query.total
    answer_tokens = set(answer.split())
    best, best_phrasing = 0.0, entry.questions[0]
    for text, part in zip(entry.questions, phrasings.split("|"), strict=True):
        tokens = tuple(part.split())
        credit = {
            t: 1.0 if t in tokens else ANSWER_CREDIT if t in answer_tokens else 0.0 for t in weights
        }
        covered = sum(weights[t] * credit[t] for t in weights)
        phrasing_total = sum(matcher._weight(t) for t in tokens) or 1.0
        phrasing_covered = sum(matcher._weight(t) for t in tokens if t in weights)
        similarity = fuzz.ratio(query.text, " ".join(tokens)) / 100
        score = (
            QUERY_COVERAGE_WEIGHT * covered / total
            + PHRASING_COVERAGE_WEIGHT * phrasing_covered / phrasing_total
            + FUZZY_WEIGHT * similarity
        )
        if query.asked_total:
            asked_share = sum(weights[t] * credit[t] for t in query.asked) / query.asked_total
            score *= ASK_FLOOR + (1 - ASK_FLOOR) * asked_share
        if score > best:
            best, best_phrasing = score, text
    held = answer_tokens.union(phrasings.split())
    if query.analysis.brands - brands or not query.analysis.devices <= held:
        best *= FOREIGN_BRAND_FACTOR
    if not matcher._answers_kind(query, matcher._record(entry_id)):
        best *= WRONG_ANSWER_KIND_FACTOR
    if query.unknown:
        best *= (1 - query.unknown / total) ** UNKNOWN_WORD_POWER
    return best, best_phrasing


def test_scores_equal_the_first_way_of_scoring(synthetic: tuple[synth.Base, Engine]) -> None:
    """Bit for bit, phrasing included: the fast scoring skips no phrasing that could win."""
    base, engine = synthetic
    matcher = engine.matcher
    rng = random.Random(12)
    entry_ids = list(matcher._slots)
    texts = [q.text for q in synth.questions(base, 25, seed=25)] + VAGUE[:8]
    for question in texts:
        analysis = matcher.analyzer.analyse(question)
        if not analysis.content:
            continue
        query = matcher._query(analysis)
        holding = [
            e for e in entry_ids if query.weights.keys() & _record_tokens(matcher._record(e))
        ]
        for entry_id in rng.sample(holding, min(150, len(holding))) + rng.sample(entry_ids, 50):
            expected = reference_score(matcher, question, entry_id)
            assert matcher._score(query, matcher._record(entry_id)) == expected, (
                question,
                entry_id,
            )


def test_edits_leave_the_index_as_a_fresh_build(synthetic: tuple[synth.Base, Engine]) -> None:
    base, engine = synthetic
    brands = list(engine.base.brands.values())
    entries = {entry.id: entry for entry in engine.matcher.entries}
    matcher = Matcher(entries.values(), brands)
    rng = random.Random(8)
    facts = list(engine.base.facts.values())
    for fact in rng.sample(facts, 20):  # removed
        matcher.remove(fact.id)
        del entries[fact.id]
    for fact in rng.sample(facts, 20):  # reworded, with new words
        entry = fact_entry(fact)
        changed = Entry(
            entry.id,
            (*entry.questions[1:], f"{entry.questions[0]} zorblat edition"),
            entry.answer.replace("The ", "Reportedly the ", 1),
            entry.brands,
            entry.evidence,
        )
        matcher.upsert(changed)
        entries[changed.id] = changed
    for fact in rng.sample(facts, 10):  # new ids, first in id order: autocomplete ties
        copy = replace(fact_entry(fact), id=f"0-copy-of-{fact.id}")
        matcher.upsert(copy)
        entries[copy.id] = copy
    fresh = Matcher(entries.values(), brands)
    assert matcher.analyzer.vocabulary == fresh.analyzer.vocabulary
    buckets = {n: words for n, words in matcher.analyzer._by_length.items() if words}
    assert buckets == fresh.analyzer._by_length
    index, fresh_index = index_by_id(matcher), index_by_id(fresh)
    assert fresh._ranked
    for token, ranked in matcher._ranked.items():
        assert list(ranked) == sorted(ranked, key=matcher._brevity_key), token
        assert set(index["ranked"][token]) == index["postings"][token], token
    assert {t: index["ranked"][t] for t in fresh_index["ranked"]} == fresh_index["ranked"]
    del index["ranked"], fresh_index["ranked"]  # the edited one made more on its questions
    assert index == fresh_index
    questions = [q.text for q in synth.questions(base, 80, seed=24)]
    questions += ["zorblat edition battery", "When will the zorblatt edition launch?"]
    for question in questions:
        assert decision(matcher.match(question)) == decision(fresh.match(question)), question
        assert matcher.covering(question, 30) == fresh.covering(question, 30), question
    for fact in rng.sample(facts, 10):
        prefix = " ".join(fact.question.split()[:3])
        assert matcher.covering(prefix, 30) == fresh.covering(prefix, 30), prefix


VAGUE = [*synth.VAGUE_QUESTIONS, *synth.VAGUE_KEYWORDS, "camera price zoom battery"]


def count_scoring(matcher: Matcher, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A one-item list that counts the entries the matcher scores from now on."""
    calls = [0]
    score = matcher._score

    def counting(query, record):
        calls[0] += 1
        return score(query, record)

    monkeypatch.setattr(matcher, "_score", counting)
    return calls


def test_a_vague_question_costs_at_most_the_budget(
    synthetic: tuple[synth.Base, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    matcher = Matcher(synthetic[1].matcher.entries, synthetic[1].base.brands.values())
    matcher.budget = SEARCH_BUDGET // 5  # the base is small: a smaller budget runs out too
    calls = count_scoring(matcher, monkeypatch)
    question = "price?"
    tokens = len(matcher.analyzer.analyse(question).tokens)
    phrasings = min(len(entry.questions) for entry in matcher.entries)
    # Scoring costs (_PHRASING_COST + tokens) per phrasing; the seeds come before the budget.
    most = matcher.budget // ((_PHRASING_COST + tokens) * phrasings) + _SEEDS * tokens
    budgeted = matcher.match(question)
    assert not budgeted.exact
    assert calls[0] <= most
    matcher.budget, calls[0] = None, 0
    unlimited = matcher.match(question)
    assert unlimited.exact
    assert calls[0] > most  # the budget is what held the work down
    assert decision(unlimited) == decision(matcher.match(question, exhaustive=True))


def test_a_budget_too_small_to_gather_a_common_token_walks_its_entries(
    synthetic: tuple[synth.Base, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No set operation over a common token's entries when it would cost more than is left."""
    matcher = Matcher(synthetic[1].matcher.entries, synthetic[1].base.brands.values())
    question = "camera partner colour profiles zoom"
    # Less than gathering the commonest token's root costs, more than a few scores.
    matcher.budget = 300
    calls = count_scoring(matcher, monkeypatch)
    match = matcher.match(question)
    assert not match.exact
    assert 0 < calls[0] <= matcher.budget // 4 + _SEEDS * 5
    full = {c.entry.id: c.score for c in matcher.rank(question, exhaustive=True)[1]}
    # What it found is scored as exhaustive scoring scores it.
    assert all(full[c.entry.id] == c.score for c in match.candidates)


def test_vague_questions_decide_as_exhaustive_scoring_when_the_search_ends(
    synthetic: tuple[synth.Base, Engine],
) -> None:
    matcher = synthetic[1].matcher
    exact = [question for question in VAGUE if matcher.match(question).exact]
    assert_same_decisions(matcher, exact)
    assert len(exact) < len(VAGUE)  # some are vague enough to run out of budget


def test_the_budget_finds_the_best_entry_of_a_vague_question(
    synthetic: tuple[synth.Base, Engine],
) -> None:
    """Shortest phrasings first: the overview wins "camera" within the budget, as exhaustively."""
    matcher = synthetic[1].matcher
    budgeted = matcher.match("camera")
    assert not budgeted.exact
    assert decision(budgeted) == decision(matcher.match("camera", exhaustive=True))


def test_generated_questions_are_reproducible(tmp_path: Path) -> None:
    first = synth.plan(1000, seed=2)
    second = synth.plan(1000, seed=2)
    assert [f.id for f in first.facts] == [f.id for f in second.facts]
    assert synth.questions(first, 20) == synth.questions(second, 20)


# Autocomplete


def plain_brand_choices(engine: Engine, text: str, limit: int = 25) -> list[str]:
    """brand_choices as a plain scan of every brand name (the reference)."""
    from rapidfuzz import fuzz

    from bot.engine.entries import brand_keys as _brand_keys
    from bot.facts.text import compact

    brands = sorted(engine.base.brands.values(), key=lambda b: b.name.lower())
    key = compact(text)
    if not key:
        return [b.id for b in brands[:limit]]
    scored: dict[str, float] = {}
    for brand in brands:
        best = 0.0
        for name in _brand_keys(brand):
            if name.startswith(key):
                score = 200.0 - len(name)
            else:
                score = max(fuzz.WRatio(key, name), fuzz.ratio(key, name[: len(key)]))
            best = max(best, score)
        if best >= 60:
            scored[brand.id] = best
    return sorted(scored, key=lambda b: (-scored[b], b))[:limit]


def test_brand_choices_equal_a_plain_scan(
    engine: Engine, synthetic: tuple[synth.Base, Engine]
) -> None:
    base, big = synthetic
    texts = ["", "x", "xi", "xiaomi", "lei", "leica camera", "hassle", "zeis", "one plus", "huawie"]
    texts += [q.text for q in synth.brand_prefixes(base, 150)]
    for text in texts:
        for subject in (engine, big):
            assert [b.id for b in subject.brand_choices(text)] == plain_brand_choices(
                subject, text
            ), text


def test_fact_choices_put_id_prefixes_first(engine: Engine) -> None:
    choices = engine.fact_choices("xiaomi-le")
    ids = [fact_id for fact_id, _ in choices]
    assert ids[:5] == sorted(i for i in engine.base.facts if i.startswith("xiaomi-le"))[:5]
    assert all(question == engine.base.facts[i].question for i, question in choices)
    assert engine.fact_choices("xiaomi leica")[0][0].startswith("xiaomi-leica")
    assert [i for i, _ in engine.fact_choices("")] == sorted(engine.base.facts)[:25]
    assert len(engine.fact_choices("", limit=3)) == 3


def test_fact_choices_find_questions_despite_typos(synthetic: tuple[synth.Base, Engine]) -> None:
    base, engine = synthetic
    rng = random.Random(9)
    found = 0
    facts = rng.sample(base.facts, 60)
    for fact in facts:
        text = synth._roughen(rng, fact.question)
        found += fact.id in [i for i, _ in engine.fact_choices(text)]
    assert found >= 0.9 * len(facts)


def test_fact_choices_follow_edits(tmp_path: Path) -> None:
    from dataclasses import replace

    root = tmp_path / "knowledge"
    synth.write_base(root, 300, seed=5)
    base = load_fact_base(root)
    engine = Engine(base)
    fact = next(iter(base.facts.values()))
    new = replace(fact, id="zz-new-fact", question="Which zorblat lens does it use?")
    edited = replace(base, facts={**base.facts, new.id: new})
    engine.upsert_fact(new, edited)
    assert engine.fact_choices("zz-n") == [("zz-new-fact", new.question)]
    assert ("zz-new-fact", new.question) in engine.fact_choices("zorblat lens")
    without = replace(edited, facts={k: v for k, v in edited.facts.items() if k != new.id})
    engine.remove_fact(new.id, without)
    assert engine.fact_choices("zz-n") == []


# The engine cache


def test_engine_cache_is_used_and_survives_corruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.engine import loading as answers
    from bot.engine.fingerprint import cache_key
    from bot.runtime.startup import open_engine

    root = tmp_path / "knowledge"
    synth.write_base(root, 200, seed=6)
    cache = tmp_path / "cache"
    first = open_engine(root, cache)
    files = list(cache.glob("engine-*.pickle"))
    assert len(files) == 1
    assert files[0].name == f"engine-{cache_key(root)}.pickle"

    def no_rebuild(_root: Path) -> None:
        raise AssertionError("the cache was not used")

    with monkeypatch.context() as patch:
        patch.setattr(answers, "check_knowledge", no_rebuild)
        cached = open_engine(root, cache)
    question = next(iter(first.base.facts.values())).question
    assert cached.ask(question) == first.ask(question)

    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated
    rebuilt = open_engine(root, cache)
    assert rebuilt.ask(question) == first.ask(question)
    files[0].write_bytes(b"not a pickle at all")
    assert open_engine(root, cache).ask(question) == first.ask(question)
    assert open_engine(root, cache).ask(question) == first.ask(question)  # rewritten

    (root / "facts" / "extra.yaml").write_text("[]\n")  # the files changed: a new key
    open_engine(root, cache)
    assert [p.name for p in cache.glob("engine-*.pickle")] == [f"engine-{cache_key(root)}.pickle"]


def test_adopted_entries_replace_the_held_ones_ids_included(
    synthetic: tuple[synth.Base, Engine],
) -> None:
    """After `adopt`, the matcher holds the given entries and no other copy of their ids."""
    base, engine = synthetic
    matcher = Matcher(engine.matcher.entries, engine.base.brands.values())
    # Equal entries in new strings, as the store's own facts are to a cached engine's.
    copies = [
        Entry("".join(e.id), tuple("".join(q) for q in e.questions), e.answer, e.brands, e.evidence)
        for e in engine.matcher.entries
    ]
    questions = [q.text for q in synth.questions(base, 20, seed=26)]
    before = [decision(matcher.match(question)) for question in questions]
    matcher.adopt(copies)
    held = {entry.id: entry for entry in matcher.entries}
    assert all(held[copy.id] is copy for copy in copies)
    assert all(
        any(key is copy.id for key in (matcher._slots.keys() & {copy.id})) for copy in copies[:50]
    )
    assert all(key is held[key].id for key in matcher._slots)
    assert [decision(matcher.match(question)) for question in questions] == before


def test_sorting_gently_gives_what_sorted_gives() -> None:
    rng = random.Random(13)
    for size in (0, 5, _SORT_PART, _SORT_PART + 1, 3 * _SORT_PART + 17):
        items = [(rng.randrange(40), rng.random()) for _ in range(size)]
        assert sorted_gently(items) == sorted(items)
        assert sorted_gently(items, lambda item: item[0]) == sorted(items, key=lambda i: i[0])


def test_a_fact_is_found_by_the_words_it_quotes_but_not_by_its_attribution() -> None:
    from tests.bot.engine.matcher.test_matcher_properties import BRANDS

    quoted = Entry(
        "xiaomi-leica-views",
        ("What did Lei Jun say about Leica?",),
        "Lei Jun said the two companies share ideas.",
        frozenset({"xiaomi", "leica"}),
        ("Xiaomi and Leica agree on each other's pursuits for the phone, Lei Jun said.",),
    )
    other = Entry(
        "xiaomi-leica-launch",
        ("When will the Xiaomi Leica phone launch?",),
        "The first phone was due in July.",
        frozenset({"xiaomi", "leica"}),
        ("Xiaomi has said the first phone will launch in July.",),
    )
    derived = replace(other, id="partnership:xiaomi-leica", questions=("Xiaomi Leica",))
    matcher = Matcher([quoted, other, derived], BRANDS)
    found = matcher.match("what do xiaomi and leica agree on", exhaustive=True)
    assert found.candidates[0].entry.id == "xiaomi-leica-views"
    agree = next(c.score for c in found.candidates if c.entry.id == "xiaomi-leica-views")
    bare = Matcher([replace(quoted, evidence=()), other, derived], BRANDS)
    unquoted = bare.match("what do xiaomi and leica agree on", exhaustive=True)
    assert agree > next(c.score for c in unquoted.candidates if c.entry.id == quoted.id)
    # "said" in a quote is who said it, not what the fact answers; a record's long quotes
    # (derived entries) find nothing by their words.
    asked = "who said the phone will launch in july"
    said = matcher.match(asked, exhaustive=True)
    launch = next(c.score for c in said.candidates if c.entry.id == other.id)
    unquoted_other = Matcher([quoted, replace(other, evidence=()), derived], BRANDS)
    unsaid = unquoted_other.match(asked, exhaustive=True)
    assert launch == next(c.score for c in unsaid.candidates if c.entry.id == other.id)
    # Words only quoted do not make the words of phrasings and answers rarer.
    assert matcher._weight("phon") == bare._weight("phon")
