"""Property tests: whatever a fact file holds, loading either succeeds faithfully or reports."""

from __future__ import annotations

import copy
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.facts import limits
from bot.facts import yaml_loading as loader
from bot.facts.models import FactBase
from bot.facts.problems import Problem
from bot.facts.text import plain, words
from bot.facts.validation import QUOTE_MIN_WORDS, build_fact, invisible_character, quote_in
from bot.facts.yaml_loading import check_knowledge, parse_yaml_records
from tests.conftest import KNOWLEDGE

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SOURCE = "article-2022-05-23"
FILE = "facts/fuzz.yaml"


def fact_record(answer: object = "Leica is German.", quote: object = "German camera-maker Leica"):
    return {
        "id": "fuzz",
        "question": "Where is Leica from?",
        "answer": answer,
        "brands": ["leica"],
        "citations": [{"source": SOURCE, "quote": quote}],
    }


def load_one(record: dict, fact_base: FactBase) -> tuple[object, list[Problem]]:
    """A record as a moderator's edit goes: validated, yaml.safe_dump-ed, read back, validated.

    The first validation refuses what must not be written (U+0085, a control character, is a
    line break to YAML: written raw, it would come back as a different text).
    """
    fact, problems = build_fact(record, fact_base.brands, fact_base.sources)
    assert (fact is None) == bool(problems)
    if problems:
        return None, problems
    text = yaml.safe_dump([record], allow_unicode=True, sort_keys=False)
    records, problems = parse_yaml_records(text, FILE)
    assert problems == []
    assert len(records) == 1
    assert records[0] == record
    reloaded, problems = build_fact(records[0], fact_base.brands, fact_base.sources)
    assert problems == []
    assert reloaded == fact
    return fact, []


def is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" and character not in "\t\n\r"


@SETTINGS
@given(answer=st.text(max_size=300) | st.text(min_size=3490, max_size=3510, alphabet="ab \n"))
def test_any_answer_loads_back_identically_or_is_a_problem(
    fact_base: FactBase, answer: str
) -> None:
    fact, problems = load_one(fact_record(answer=answer), fact_base)
    stripped = answer.strip()
    acceptable = (
        bool(stripped)
        and len(stripped) <= limits.ANSWER_MAX
        and not any(is_control(c) for c in answer)
        and invisible_character(answer) is None
        and invisible_character(answer) is None
    )
    if fact is not None:
        assert acceptable
        assert fact.answer == stripped
    else:
        assert not acceptable, [str(p) for p in problems]
        assert all(p.record == "fuzz" for p in problems)
        assert all("'answer'" in p.message for p in problems)


@SETTINGS
@given(value=st.none() | st.booleans() | st.integers() | st.floats() | st.dates())
def test_a_value_yaml_does_not_read_as_text_is_a_problem(
    fact_base: FactBase, value: object
) -> None:
    fact, problems = load_one(fact_record(answer=value), fact_base)
    assert fact is None
    assert len(problems) == 1
    if value is None:
        assert problems[0].message == "'answer' is empty"
    else:
        assert problems[0].message.startswith("'answer' must be text, not ")
        assert problems[0].message.endswith("(put it in quotes)")


YAMLISH = st.lists(
    st.sampled_from(
        [
            "- ",
            "id: ",
            "question: ",
            "answer: ",
            "citations:",
            "quote: ",
            "source: ",
            "brands:",
            "\n",
            "\n  ",
            "\n    ",
            "  ",
            ": ",
            ":",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&a ",
            "*a",
            "<<: ",
            "? ",
            "|",
            ">",
            "'",
            '"',
            "\\",
            "#",
            "!!python/object/apply:os.system ['true']",
            "!!str ",
            "!!binary ",
            "---\n",
            "...\n",
            "~",
            "no",
            "0123",
            "2022-05-23",
            "leica",
            "fuzz",
            "article-2022-05-23",
            "Leica, the German camera manufacturer",
            "\t",
            "\x00",
            "\x85",
            "\u2028",
            "\ufeff",
            "\ud800",
            "é",
            "“",
            "%YAML 1.1\n",
            "%TAG ! x\n",
            "!x ",
        ]
    ),
    max_size=40,
).map("".join)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("README.md"))
    return root


@SETTINGS
@given(content=st.binary(max_size=300) | YAMLISH.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_in_a_fact_file_give_problems_never_exceptions(
    scratch: Path, content: bytes
) -> None:
    path = scratch / FILE
    path.write_bytes(content)
    try:
        base, problems = check_knowledge(scratch)
    finally:
        path.unlink()
    assert (base is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == FILE  # the shipped files stay valid: only the fuzzed file is blamed
        assert problem.message
        assert str(problem).startswith(FILE)


@SETTINGS
@given(text=YAMLISH)
def test_parse_never_raises_and_records_know_their_file(text: str) -> None:
    records, problems = parse_yaml_records(text, FILE)
    for record in records:
        assert record.file == FILE
        assert record.line >= 1
    for problem in problems:
        assert problem.file == FILE


# Quotes


def article(fact_base: FactBase) -> str:
    return fact_base.sources[SOURCE].text


# A word, hyphens and apostrophes inside it included ("camera-maker", "Leica's"), in any of the
# marks the source may type them with.
_WHOLE_WORD = re.compile(r"\w+(?:[-'\u2018\u2019\u2013\u2014\u2212]\w+)*")


def boundaries(text: str) -> list[int]:
    """Where a whole word starts or ends: where a quote may start or end."""
    found = re.finditer(_WHOLE_WORD, text)
    return sorted({edge for m in found for edge in (m.start(), m.end())})


@st.composite
def article_quotes(draw: st.DrawFn, text: str) -> str:
    """A substring of the article between word boundaries, at least 12 characters long."""
    cuts = boundaries(text)
    start = draw(st.sampled_from(cuts[:-1]))
    ends = [cut for cut in cuts if 12 <= cut - start <= limits.QUOTE_MAX]
    assume(ends)
    end = draw(st.sampled_from(ends))
    assume(len(words(text[start:end])) >= QUOTE_MIN_WORDS)
    return text[start:end]


PLAIN_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@SETTINGS
@given(data=st.data(), plain_marks=st.booleans())
def test_any_stretch_of_the_article_is_a_valid_quote(
    fact_base: FactBase, data: st.DataObject, plain_marks: bool
) -> None:
    quote = data.draw(article_quotes(article(fact_base)))
    assume(quote.strip())
    if plain_marks:
        quote = quote.translate(PLAIN_MARKS)
    fact, problems = load_one(fact_record(quote=quote), fact_base)
    assert problems == []
    assert fact is not None
    assert fact.citations[0].quote == quote.strip()  # kept as written, not normalised


@SETTINGS
@given(data=st.data())
def test_a_changed_letter_makes_a_quote_refused(fact_base: FactBase, data: st.DataObject) -> None:
    text = article(fact_base)
    quote = data.draw(article_quotes(text))
    letters = [i for i, c in enumerate(quote) if c.isalpha()]
    assume(letters)
    at = data.draw(st.sampled_from(letters))
    replacement = data.draw(st.sampled_from("qxzjQXZJ"))
    changed = quote[:at] + replacement + quote[at + 1 :]
    assume(plain(changed) not in plain(text))
    _, problems = load_one(fact_record(quote=changed), fact_base)
    assert len(problems) == 1
    assert "quote not found word for word" in problems[0].message


@SETTINGS
@given(quote=st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=12, max_size=200))
def test_a_random_text_is_refused_unless_it_is_in_the_article(
    fact_base: FactBase, quote: str
) -> None:
    assume(quote.strip())
    _, problems = load_one(fact_record(quote=quote), fact_base)
    if invisible_character(quote) is not None:
        assert any("invisible" in problem.message for problem in problems)
    elif len(words(quote)) < QUOTE_MIN_WORDS:
        assert len(problems) == 1
        assert "too short" in problems[0].message
    elif quote_in(plain(quote), plain(article(fact_base))):
        assert problems == []
    else:
        assert len(problems) == 1
        assert "quote not found" in problems[0].message


def _reference_too_deep(root: yaml.Node) -> yaml.Node | None:
    """The depth check as first written: every node walked, scalars included."""
    deepest: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > loader.MAX_DEPTH:
            return node
        if deepest.get(id(node), 0) >= level:
            continue
        deepest[id(node)] = level
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, level + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, level + 1) for pair in node.value for child in pair)
    return None


def _nest(depth: int, width: int, shared: bool) -> object:
    leaf: object = "x"
    for level in range(depth):
        # Shared: aliases of one node. Else one copy goes deeper (width copies would grow as
        # width ** depth), with scalars beside it.
        unshared = [copy.deepcopy(leaf)] + [f"s{level}"] * (width - 1)
        siblings = [leaf] * width if shared else unshared
        leaf = {f"k{level}": siblings} if level % 2 else siblings
    return leaf


@settings(max_examples=60, deadline=None)
@given(
    depth=st.integers(min_value=0, max_value=40),
    width=st.integers(min_value=1, max_value=3),
    shared=st.booleans(),
    extra=st.integers(min_value=0, max_value=3),
)
def test_the_depth_check_finds_what_a_walk_of_every_node_finds(
    depth: int, width: int, shared: bool, extra: int
) -> None:
    document = [_nest(depth, width, shared), *(["y"] * extra), _nest(depth // 2, 1, False)]
    root = yaml.compose(yaml.safe_dump(document))
    found, expected = loader._too_deep(root), _reference_too_deep(root)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        assert found is expected
