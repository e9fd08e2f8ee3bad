"""Hostile knowledge files (issue #10): refused with file, line and record, never a crash."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.facts.validation import invisible_character, quote_in, url_problem
from bot.facts.yaml_loading import (
    MAX_DEPTH,
    check_knowledge,
    parse_yaml_records,
    read_knowledge,
)
from bot.store import KnowledgeStore
from tests.bot.facts.test_validation import (
    A,
    B,
    assert_problem,
    kdir,
    line_of,
    only_problem,
    replace,
)
from tests.conftest import KNOWLEDGE

__all__ = ["kdir"]  # the fixture, imported to be used here


# 1. An unquoted impossible date is a problem like any other, not a ValueError.


@pytest.mark.parametrize("date", ["2022-02-30", "2022-13-01", "0000-01-01"])
def test_an_unquoted_impossible_date_is_one_problem(kdir, date: str) -> None:
    replace(kdir, "sources.yaml", 'date: "2022-05-23"', f"date: {date}")
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "date:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "not a real date")


def test_an_impossible_date_in_a_fact_file_does_not_crash_the_store(kdir, tmp_path) -> None:
    # Not a date, so it is the text as written, like any other answer.
    replace(kdir, A, "answer: Leica is a German camera maker.", "answer: 2022-02-30")
    assert check_knowledge(kdir)[1] == []
    store = KnowledgeStore(kdir, tmp_path / "state")
    assert store.load().facts["leica-country"].answer == "2022-02-30"


# 5. A quote is whole words of its source, and long enough to carry a claim.


@pytest.mark.parametrize(
    ("quote", "fragment"),
    [
        ("a", "too short"),
        (".", "too short"),
        ("Leica, the", "too short"),
        ("eica, the Germ", "whole words"),
        ("'the German camera manufacture'", "whole words"),
        ("'eica, the German camera manufacturer'", "whole words"),
        # Issue #20 item 16: a hyphenated or apostrophed word is one word too.
        ("'-maker Leica, and the first smartphone'", "whole words"),
        ("announced its partnership with German camera-", "whole words"),
        ("'maker Leica, and the first smartphone'", "whole words"),
        ("announced its partnership with German camera", "whole words"),
    ],
)
def test_a_quote_must_be_whole_words_and_long_enough(kdir, quote: str, fragment: str) -> None:
    replace(kdir, A, "quote: Leica, the German camera manufacturer", f"quote: {quote}")
    problem = only_problem(kdir)
    assert_problem(problem, A, 10, "leica-country", fragment)


@pytest.mark.parametrize(
    "quote", ["Swedish brand Hassleblad", "the German camera manufacturer", "Leica, the German"]
)
def test_whole_word_quotes_of_three_words_are_accepted(kdir, quote: str) -> None:
    replace(kdir, A, "quote: Leica, the German camera manufacturer", f"quote: {quote!r}")
    assert check_knowledge(kdir)[1] == []


def test_every_shipped_fact_and_quote_validates_under_the_rules() -> None:
    assert check_knowledge(KNOWLEDGE)[1] == []


def test_quote_in_keeps_hyphenated_and_apostrophed_words_whole() -> None:
    source = "with German camera-maker Leica's first phone - a 'good' one"
    assert quote_in("German camera-maker Leica's first", source)
    assert not quote_in("-maker Leica's first", source)
    assert not quote_in("with German camera-", source)
    assert not quote_in("maker Leica's first", source)
    assert not quote_in("with German camera", source)
    assert not quote_in("camera-maker Leica", source)  # Leica's is one word
    assert quote_in("first phone - a", source)  # a dash between spaces parts words
    assert quote_in("a 'good' one", source)
    assert quote_in("good' one", source)  # a closing quote mark is no joiner


def test_quote_in_needs_word_boundaries_at_both_ends() -> None:
    assert quote_in("brand Hassleblad", "Swedish brand Hassleblad.")
    assert not quote_in("rand Hassleblad", "Swedish brand Hassleblad.")
    assert not quote_in("brand Hassle", "Swedish brand Hassleblad.")
    assert quote_in("brand Hassleblad", "brand Hasslebladx brand Hassleblad")  # a later one
    assert not quote_in("", "anything")


# 7. A source URL is parsed, not checked for its prefix.


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a) — [Verify your Discord account](https://evil.example/login",
        "https://news.example/a b",
        "https://news.example/<script>",
        "javascript:alert(1)",
        "ftp://news.example/a",
        "https://",
        "https:///path",
        "https://user:pw@news.example/",
        "https://news.example:port/",
        "https://news.example/\u202eevil",
        "http://news.example/a]b",
        "https://news.example/`code`",
    ],
)
def test_a_source_url_that_could_break_a_link_is_refused(kdir, url: str) -> None:
    replace(kdir, "sources.yaml", 'url: ""', f"url: {url!r}")
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "url:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "'url'")


@pytest.mark.parametrize(
    "url", ["https://news.example/a", "http://news.example:8080/a?b=c&d=%20e#f", "https://a.b/"]
)
def test_a_plain_source_url_is_accepted(url: str) -> None:
    assert url_problem(url) is None


# 8. Invisible and direction-reversing characters.


# Every format character (Cf), the Hangul fillers, variation selectors, the blank braille pattern,
# the combining grapheme joiner: each shows nothing where it stands.
INVISIBLE = [
    "\u202e",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2066",
    "\u00ad",
    "\U000e0041",  # a tag character
    "\U000e0100",  # a variation selector (supplement)
    "\ufe0f",  # a variation selector, alone
    "\u3164",  # HANGUL FILLER
    "\u115f",
    "\u1160",
    "\uffa0",
    "\ufff9",  # INTERLINEAR ANNOTATION ANCHOR
    "\u034f",  # COMBINING GRAPHEME JOINER
    "\u2800",  # BRAILLE PATTERN BLANK
    "\U0001d173",  # MUSICAL SYMBOL BEGIN BEAM
    "\U0001d17a",
    "\u180e",
    "\u2064",
    "\U000f0000",  # private use
]


@pytest.mark.parametrize("char", INVISIBLE)
@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("question: Where is Leica from?", "question: Where is Leica{} from?", "'question'"),
        ("answer: Leica is a German", "answer: Leica{} is a German", "'answer'"),
        ("- Is Leica a German company?", "- Is Leica a German{} company?", "'phrasings' item 1"),
    ],
)
def test_invisible_characters_are_refused_by_name(kdir, char, old, new, field) -> None:
    replace(kdir, A, old, new.format(char))
    problem = only_problem(kdir)
    assert problem.record == "leica-country"
    assert field in problem.message
    assert f"U+{ord(char):04X}" in problem.message


def test_invisible_character_names_the_character() -> None:
    assert invisible_character("a\u202eb") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert invisible_character("a\u3164b") == "U+3164 HANGUL FILLER"
    assert invisible_character("plain text, “quoted” – dashed") is None


@pytest.mark.parametrize("char", INVISIBLE)
def test_every_invisible_character_is_found_alone_and_between_words(char: str) -> None:
    assert invisible_character(char) is not None
    assert invisible_character(f"Leica{char} camera") is not None
    assert invisible_character(f"\U0001f4f7{char}") is not None or char in "\u200d\ufe0f"


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f4f7",
        "\u2764\ufe0f",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\U0001f44d\U0001f3fd",
    ],
)
def test_emoji_are_kept_with_their_joiners_and_selectors(emoji: str) -> None:
    assert invisible_character(f"Great shots {emoji} with Leica") is None


@pytest.mark.parametrize(
    "text", ["a\u200d", "\u200da", "a\u200d\U0001f4f7", "\U0001f4f7\u200d", "a\ufe0f", "\ufe0f"]
)
def test_a_joiner_or_selector_outside_an_emoji_is_refused(text: str) -> None:
    assert invisible_character(text) is not None


# 9. A fact that can never be answered.


@pytest.mark.parametrize(
    ("question", "owner"),
    [
        ("Where is Leica from?", "leica-country"),
        ("where is LEICA from", "leica-country"),
        ("Is Leica a German company?", "leica-country"),
    ],
)
def test_a_question_another_fact_asks_is_refused_naming_it(kdir, question, owner) -> None:
    replace(kdir, B, "question: Where is Hasselblad from?", f"question: {question!r}")
    problem = only_problem(kdir)
    assert_problem(problem, B, 2, "hasselblad-country", f"already asked by fact '{owner}'")


def test_a_phrasing_another_fact_asks_is_refused(kdir) -> None:
    replace(
        kdir,
        B,
        "question: Where is Hasselblad from?",
        "question: Where is Hasselblad from?\n  phrasings:\n  - Where is Leica from",
    )
    problem = only_problem(kdir)
    assert_problem(problem, B, 3, "hasselblad-country", "already asked by fact 'leica-country'")


@pytest.mark.parametrize("question", ["?", "📷📱?", "...", "¿¡"])
def test_a_question_with_no_words_is_refused(kdir, question: str) -> None:
    replace(kdir, B, "question: Where is Hasselblad from?", f"question: {question!r}")
    problem = only_problem(kdir)
    assert_problem(problem, B, 2, "hasselblad-country", "has no words")


# 10. Links anywhere under knowledge/.


def test_a_symlinked_sources_directory_is_refused(kdir, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (kdir / "sources").rename(elsewhere)
    (kdir / "sources").symlink_to(elsewhere, target_is_directory=True)
    problems = check_knowledge(kdir)[1]
    assert any(p.file == "sources" and "symbolic link" in p.message for p in problems)
    store = KnowledgeStore(kdir, tmp_path / "state")
    assert any(p.file == "sources" for p in store.validate())


def test_a_symlinked_fact_file_is_refused_by_the_loader_and_the_store(kdir, tmp_path) -> None:
    outside = tmp_path / "outside.yaml"
    (kdir / B).rename(outside)
    (kdir / B).symlink_to(outside)
    problems = check_knowledge(kdir)[1]
    assert [(p.file, "symbolic link" in p.message) for p in problems] == [(B, True)]
    store = KnowledgeStore(kdir, tmp_path / "state")
    assert any(p.file == B and "symbolic link" in p.message for p in store.validate())


def test_a_fact_file_linked_in_after_start_is_refused_on_refresh(kdir, tmp_path) -> None:
    store = KnowledgeStore(kdir, tmp_path / "state")
    store.load()
    outside = tmp_path / "c.yaml"
    outside.write_text((kdir / B).read_text().replace("id: ", "id: c-"), encoding="utf-8")
    (kdir / "facts" / "c.yaml").symlink_to(outside)
    result = store.refresh()
    assert any("symbolic link" in p.message for p in result.problems)


# 15 (part). Fact files in subfolders are reported, not silently skipped.


def test_a_fact_file_in_a_subfolder_is_reported(kdir) -> None:
    (kdir / "facts" / "more").mkdir()
    (kdir / "facts" / "more" / "c.yaml").write_text("[]\n", encoding="utf-8")
    problems = read_knowledge(kdir).problems
    assert [(p.file, "subfolders" in p.message) for p in problems] == [("facts/more/c.yaml", True)]


@pytest.mark.parametrize("name", ["brands.yaml", "sources.yaml"])
def test_an_empty_brands_or_sources_file_is_one_problem_by_name(kdir, name: str) -> None:
    (kdir / name).write_text("# nothing yet\n", encoding="utf-8")
    problem = only_problem(kdir)
    assert (problem.file, problem.line) == (name, 0)
    assert "holds no records" in problem.message


def test_a_source_text_that_is_not_utf8_is_named(kdir) -> None:
    path = kdir / "sources" / "article-2022-05-23.txt"
    path.write_bytes(path.read_bytes() + b"\nabc \xff def\n")
    problem = only_problem(kdir)
    assert problem.file == "sources.yaml"
    assert "source text 'sources/article-2022-05-23.txt' (line" in problem.message
    assert "not UTF-8 text (byte 0xff)" in problem.message


def test_problems_are_sorted_by_file_and_line(kdir) -> None:
    replace(kdir, B, "  - hasselblad\n", "  - nikon\n")
    replace(kdir, A, "  - leica\n", "  - canon\n")
    replace(kdir, "sources.yaml", 'url: ""', "url: ftp://x.example/")
    problems = check_knowledge(kdir)[1]
    assert [(p.file, p.line) for p in problems] == sorted((p.file, p.line) for p in problems)
    assert [p.file for p in problems] == [A, B, "sources.yaml"]


# Issue #20 item 10: aliases expanded beyond a file's own size are refused, in linear time.


def test_an_alias_bomb_is_refused_naming_the_file() -> None:
    text = "- &big " + "x" * 100_000 + "\n" + "- *big\n" * 1_000
    records, problems = parse_yaml_records(text, "facts/bomb.yaml")
    assert records == []
    [problem] = problems
    assert problem.file == "facts/bomb.yaml"
    assert "aliases" in problem.message
    assert "100,101,002 characters" in problem.message  # the size the aliases would make


def test_nested_aliases_are_counted_without_being_expanded() -> None:
    # The billion laughs: nine levels of ten aliases each, 10**9 copies of one short string.
    lines = ['- &a0 "lol"']
    lines += [f"- &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    records, problems = parse_yaml_records("\n".join(lines) + "\n", "facts/laughs.yaml")
    assert records == []
    assert "aliases" in problems[0].message


def nested_answer(lists: int) -> str:
    """A record whose answer is `lists` lists deep: its text is at level `lists` + 3."""
    return "- {id: a, answer: " + "[" * lists + "x" + "]" * lists + "}\n"


DEEP = f"the data is nested more than {MAX_DEPTH} levels deep (or refers to itself)"


def test_data_exactly_max_depth_deep_is_read_and_one_level_more_refused() -> None:
    records, problems = parse_yaml_records(nested_answer(MAX_DEPTH - 3), "facts/deep.yaml")
    assert problems == []
    assert [record["id"] for record in records] == ["a"]
    records, problems = parse_yaml_records(nested_answer(MAX_DEPTH - 2), "facts/deep.yaml")
    assert records == []
    assert [(p.file, p.line, p.message) for p in problems] == [("facts/deep.yaml", 1, DEEP)]


def test_the_line_of_too_deep_data_is_that_of_the_last_node_too_deep() -> None:
    lists = MAX_DEPTH - 2
    text = "- id: a\n  answer: " + "[" * lists + "x,\n    y" + "]" * lists + "\n"
    _, problems = parse_yaml_records(text, "facts/deep.yaml")
    assert [(p.line, p.message) for p in problems] == [(3, DEEP)]


@pytest.mark.parametrize(
    "before",
    [
        "- &shared [s]\n- *shared\n",  # a node met twice, the second time not walked again
        "- []\n- {}\n",  # empty lists and mappings end their own branch only
        "- text\n",
    ],
)
def test_too_deep_data_is_found_after_whatever_else_the_walk_meets_first(before: str) -> None:
    # The walk takes the last items first: what comes after the deep one is met before it.
    text = "- " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n" + before
    _, problems = parse_yaml_records(text, "facts/deep.yaml")
    assert [(p.line, p.message) for p in problems] == [(1, DEEP)]


def test_a_list_that_holds_itself_is_refused() -> None:
    _, problems = parse_yaml_records("- &loop [a, *loop]\n", "facts/loop.yaml")
    assert [(p.line, p.message) for p in problems] == [(1, DEEP)]


def test_a_few_aliases_within_the_file_size_are_kept() -> None:
    text = "- &leica {id: leica-a, answer: German}\n- *leica\n"
    records, problems = parse_yaml_records(text, "facts/few.yaml")
    assert problems == []
    assert [record["answer"] for record in records] == ["German", "German"]


# Without '&' (no anchor, so no alias) the size walk is skipped: it could never refuse such a
# text. Hold that bound on node-dense texts, written and generated.
_DENSE = [
    "{a,b,c}",
    "[?,?,?]",
    "[[],[],[],{}]",
    "a:\nb:\nc:\n",
    "- -\n- -\n- ? \n",
    '- "\\x41\\n\\t"\n- |\n  x\n\n',
    "[" + ",".join(["{}"] * 5_000) + "]",
    "{" + ",".join(f"k{n}" for n in range(5_000)) + "}",
]


def _within_the_limit_unwalked(text: str) -> None:
    from bot.facts.yaml_loading import _expanded_size, _LineLoader, expanded_limit

    loader = _LineLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    if root is not None:
        size = _expanded_size(root)
        assert size <= expanded_limit(text)
        assert size <= 2 * len(text) + 2  # within the limit without its slack: a wide margin


@pytest.mark.parametrize("text", _DENSE)
def test_a_text_without_anchors_never_reaches_the_alias_limit(text: str) -> None:
    _within_the_limit_unwalked(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="-:?,[]{}\n ab\"'\\|>#!", max_size=60))
def test_generated_texts_without_anchors_stay_within_the_alias_limit(text: str) -> None:
    _within_the_limit_unwalked(text)
