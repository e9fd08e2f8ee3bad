"""Validation: every problem kind of issue #2, each with its file, line and record id."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from bot.facts import limits
from bot.facts.problems import KnowledgeError, Problem
from bot.facts.yaml_loading import check_knowledge, load_fact_base
from bot.store import KnowledgeStore
from tests.conftest import KNOWLEDGE

# Two small fact files replace the shipped ones, so line numbers here do not move when the
# shipped facts are edited; sources, brands and partnerships are the shipped files.
FACTS_A = """\
- id: leica-country
  question: Where is Leica from?
  phrasings:
  - Is Leica a German company?
  answer: Leica is a German camera maker.
  brands:
  - leica
  citations:
  - source: article-2022-05-23
    quote: Leica, the German camera manufacturer
  - source: article-2022-05-23
    quote: German camera-maker Leica
"""
FACTS_B = """\
- id: hasselblad-country
  question: Where is Hasselblad from?
  answer: Hasselblad is a Swedish brand.
  brands:
  - hasselblad
  citations:
  - source: article-2022-05-23
    quote: Swedish brand Hassleblad
- id: xiaomi-teaser
  question: What did Xiaomi's announcement say?
  answer: 'Xiaomi said: "Look forward to a new era of mobile photography in July!"'
  brands:
  - xiaomi
  citations:
  - source: article-2022-05-23
    quote: “Look forward to a new era of mobile photography in July!" the company said
"""
A = "facts/a.yaml"
B = "facts/b.yaml"


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("README.md"))
    for path in (root / "facts").glob("*.yaml"):
        path.unlink()
    (root / A).write_text(FACTS_A, encoding="utf-8")
    (root / B).write_text(FACTS_B, encoding="utf-8")
    return root


def replace(root: Path, file: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a knowledge file."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, file: str, needle: str) -> int:
    """The line number of the first line of a file holding `needle`."""
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def problems_of(root: Path) -> list[Problem]:
    base, problems = check_knowledge(root)
    assert (base is None) == bool(problems)
    return problems


def only_problem(root: Path) -> Problem:
    problems = problems_of(root)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def assert_problem(
    problem: Problem, file: str, line: int, record: str | None, *fragments: str
) -> None:
    assert (problem.file, problem.line, problem.record) == (file, line, record), str(problem)
    for fragment in fragments:
        assert fragment in problem.message, problem.message


def test_the_fixture_is_valid(kdir: Path) -> None:
    base = load_fact_base(kdir)
    assert set(base.facts) == {"leica-country", "hasselblad-country", "xiaomi-teaser"}


# Keys


def test_unknown_key(kdir: Path) -> None:
    replace(kdir, A, "  answer: Leica is", "  colour: red\n  answer: Leica is")
    problem = only_problem(kdir)
    assert_problem(problem, A, 5, "leica-country", "unknown key 'colour'", "allowed: id,")


def test_unknown_key_in_a_citation_names_the_fact_that_holds_it(kdir: Path) -> None:
    replace(
        kdir, A, "    quote: German camera-maker", "    page: 3\n    quote: German camera-maker"
    )
    problem = only_problem(kdir)
    assert_problem(problem, A, 12, "leica-country", "unknown key 'page' in a citation")


def test_unknown_key_in_a_source_says_source(kdir: Path) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', '  url: ""\n  author: someone\n')
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "author:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "'author' in a source")


def test_unknown_key_in_a_device_names_the_brand(kdir: Path) -> None:
    replace(
        kdir, "brands.yaml", "  - name: Xiaomi 12 Pro\n", "  - name: Xiaomi 12 Pro\n    year: 1\n"
    )
    problem = only_problem(kdir)
    line = line_of(kdir, "brands.yaml", "year: 1")
    assert_problem(problem, "brands.yaml", line, "xiaomi", "unknown key 'year' in a device")


def test_a_key_given_twice(kdir: Path) -> None:
    replace(kdir, A, "  answer: Leica is", "  answer: Twice.\n  answer: Leica is")
    problem = only_problem(kdir)
    assert_problem(problem, A, 6, "leica-country", "the key 'answer' is given twice")


def test_missing_key(kdir: Path) -> None:
    replace(kdir, A, "  answer: Leica is a German camera maker.\n", "")
    problem = only_problem(kdir)
    assert_problem(problem, A, 1, "leica-country", "missing key 'answer' in a fact")


def test_missing_key_in_a_citation(kdir: Path) -> None:
    replace(kdir, A, "    quote: German camera-maker Leica\n", "")
    problem = only_problem(kdir)
    assert_problem(problem, A, 11, "leica-country", "missing key 'quote' in a citation")


def test_missing_and_other_problems_of_one_record_are_all_reported(kdir: Path) -> None:
    replace(kdir, A, "  answer: Leica is a German camera maker.\n", "")
    replace(kdir, A, "quote: German camera-maker Leica", "quote: Italian camera-maker Leica")
    messages = [p.message for p in problems_of(kdir)]
    assert len(messages) == 2
    assert "missing key 'answer'" in messages[0]
    assert "quote not found" in messages[1]


# Types: YAML turns plain text into other things


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("question: Where is Leica from?", "question: no", "a yes/no value (false)"),
        ("question: Where is Leica from?", "question: yes", "a yes/no value (true)"),
        ("question: Where is Leica from?", "question: 0123", "a number (83)"),
        ("question: Where is Leica from?", "question: 2022-05-23", "a date (2022-05-23)"),
        ("question: Where is Leica from?", "question: 1.5", "a number (1.5)"),
        ("answer: Leica is a German camera maker.", "answer: [a, b]", "a list"),
        ("answer: Leica is a German camera maker.", "answer: {a: b}", "a mapping"),
    ],
)
def test_wrong_type_is_reported_where_it_stands(
    kdir: Path, old: str, new: str, fragment: str
) -> None:
    replace(kdir, A, old, new)
    key = new.split(":")[0]
    problem = only_problem(kdir)
    assert_problem(problem, A, line_of(kdir, A, new), "leica-country", f"'{key}' must be text")
    assert fragment in problem.message
    if "yes/no" in fragment or "number" in fragment or "date" in fragment:
        assert "(put it in quotes)" in problem.message


def test_a_number_in_a_list_of_texts(kdir: Path) -> None:
    replace(kdir, A, "  - Is Leica a German company?", "  - 0123")
    problem = only_problem(kdir)
    assert_problem(
        problem, A, 3, "leica-country", "'phrasings' item 1 must be text, not a number (83)"
    )


def test_an_id_that_yaml_read_as_a_number(kdir: Path) -> None:
    replace(kdir, A, "- id: leica-country", "- id: 0123")
    problem = only_problem(kdir)
    assert_problem(problem, A, 1, None, "'id' must be text, not a number (83)", "quotes")


def test_an_unquoted_source_date_is_one_problem_not_a_cascade(kdir: Path) -> None:
    replace(kdir, "sources.yaml", 'date: "2022-05-23"', "date: 2022-05-23")
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "date:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "must be quoted text")


@pytest.mark.parametrize(
    ("date", "fragment"), [('"2022-02-30"', "not a real date"), ('"23 May"', "YYYY-MM-DD")]
)
def test_a_bad_source_date(kdir: Path, date: str, fragment: str) -> None:
    replace(kdir, "sources.yaml", 'date: "2022-05-23"', f"date: {date}")
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "date:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", fragment)


def test_a_bad_enum_value(kdir: Path) -> None:
    replace(kdir, "partnerships.yaml", "status: ended", "status: over")
    problem = only_problem(kdir)
    line = line_of(kdir, "partnerships.yaml", "status: over")
    assert_problem(
        problem, "partnerships.yaml", line, "huawei-leica", "one of announced, active, ended"
    )


# Ids and references


def test_duplicate_id_across_files(kdir: Path) -> None:
    replace(kdir, B, "- id: hasselblad-country", "- id: leica-country")
    problem = only_problem(kdir)
    assert_problem(problem, B, 1, "leica-country", "duplicate id 'leica-country'", f"{A}:1")


def test_duplicate_id_within_a_file(kdir: Path) -> None:
    replace(kdir, B, "- id: xiaomi-teaser", "- id: hasselblad-country")
    problem = only_problem(kdir)
    assert_problem(problem, B, 9, "hasselblad-country", "duplicate id", f"{B}:1")


def test_a_duplicate_id_is_reported_at_the_id_line(kdir: Path) -> None:
    # The id is the record's second key here: the problem points at it, not at the record.
    replace(
        kdir,
        B,
        "- id: xiaomi-teaser\n  question: What did Xiaomi's announcement say?\n",
        "- question: What did Xiaomi's announcement say?\n  id: hasselblad-country\n",
    )
    problem = only_problem(kdir)
    assert_problem(problem, B, 10, "hasselblad-country", "duplicate id", f"{B}:1")


def test_a_malformed_id(kdir: Path) -> None:
    replace(kdir, A, "- id: leica-country", "- id: Leica Country")
    problem = only_problem(kdir)
    assert_problem(problem, A, 1, "Leica Country", "lower-case letters")


@pytest.mark.parametrize("bad_id", ["a" * 64, "-leading-dash", "under_score", "trailing-space "])
def test_an_id_too_long_or_malformed_is_refused(kdir: Path, bad_id: str) -> None:
    replace(kdir, A, "- id: leica-country", f"- id: '{bad_id}'")
    problem = only_problem(kdir)
    assert_problem(problem, A, 1, bad_id, "must be 1-63 lower-case letters")


@pytest.mark.parametrize("good_id", ["a" * 63, "9", "x-1"])
def test_ids_up_to_63_characters_are_fine(kdir: Path, good_id: str) -> None:
    replace(kdir, A, "- id: leica-country", f"- id: '{good_id}'")
    assert good_id in load_fact_base(kdir).facts


def test_a_source_id_of_64_characters_is_refused(kdir: Path) -> None:
    long_id = "s" * 64
    replace(kdir, "sources.yaml", "- id: article-2022-05-23", f"- id: {long_id}")
    problems = problems_of(kdir)
    assert any(
        p.file == "sources.yaml" and p.record == long_id and "1-63" in p.message for p in problems
    ), "\n".join(map(str, problems))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/article",
        "file:///etc/passwd",
        "data:text/html,hi",
        "//example.org/article",
        "https:example.org",
        "example.org/article",
    ],
)
def test_a_source_url_must_be_http_or_https(kdir: Path, url: str) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', f'  url: "{url}"\n')
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "url:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "'url' ")


@pytest.mark.parametrize("url", ["https://example.org/article", "http://example.org/a?b=c"])
def test_http_and_https_urls_are_kept(kdir: Path, url: str) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', f'  url: "{url}"\n')
    assert load_fact_base(kdir).sources["article-2022-05-23"].url == url


def test_unknown_brand_in_a_fact(kdir: Path) -> None:
    replace(kdir, A, "  - leica\n", "  - leica\n  - nikon\n")
    problem = only_problem(kdir)
    assert_problem(problem, A, 6, "leica-country", "unknown brand 'nikon'")


def test_unknown_brand_in_a_partnership(kdir: Path) -> None:
    replace(kdir, "partnerships.yaml", "camera_maker: zeiss", "camera_maker: nikon")
    problem = only_problem(kdir)
    line = line_of(kdir, "partnerships.yaml", "camera_maker: nikon")
    assert_problem(problem, "partnerships.yaml", line, "vivo-zeiss", "unknown brand 'nikon'")


def test_a_phone_maker_given_as_camera_maker(kdir: Path) -> None:
    replace(kdir, "partnerships.yaml", "camera_maker: zeiss", "camera_maker: xiaomi")
    problem = only_problem(kdir)
    assert_problem(problem, "partnerships.yaml", problem.line, "vivo-zeiss", "camera maker")
    assert problem.line == line_of(kdir, "partnerships.yaml", "camera_maker: xiaomi")


def test_a_brand_with_a_problem_is_not_also_unknown_everywhere(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "  name: Hasselblad\n", "")
    problem = only_problem(kdir)
    assert_problem(problem, "brands.yaml", problem.line, "hasselblad", "missing key 'name'")


@pytest.mark.parametrize("bad_id", ["Hasselblad", "hassel blad"])
def test_a_brand_with_a_malformed_id_is_not_also_unknown_everywhere(
    kdir: Path, bad_id: str
) -> None:
    replace(kdir, "brands.yaml", "- id: hasselblad\n", f"- id: {bad_id}\n")
    replace(kdir, B, "  - hasselblad\n", f"  - {bad_id}\n")
    replace(kdir, "partnerships.yaml", "camera_maker: hasselblad", f"camera_maker: {bad_id}")
    problem = only_problem(kdir)
    assert_problem(problem, "brands.yaml", problem.line, bad_id, "lower-case letters")


# A file that cannot be read: its problem, not one per record that refers to what it holds

BROKEN_FILES = [
    ("brands.yaml", "  name: Hasselblad\n", "  name: !!python/object:pathlib.Path {}\n"),
    ("brands.yaml", "  name: Hasselblad\n", "  name: [Hasselblad\n"),
    ("sources.yaml", '  url: ""\n', "  url: !!python/object/apply:os.getcwd []\n"),
    ("sources.yaml", '  url: ""\n', '  url: "\n'),
]


@pytest.mark.parametrize(("file", "old", "new"), BROKEN_FILES)
def test_a_file_that_does_not_parse_is_one_problem_not_a_cascade(
    kdir: Path, file: str, old: str, new: str
) -> None:
    original = (kdir / file).read_text(encoding="utf-8")
    replace(kdir, file, old, new)
    problem = only_problem(kdir)
    assert problem.file == file
    assert problem.line >= line_of(kdir, file, new.strip().split("\n")[0])
    assert problem.message.startswith("YAML")
    with pytest.raises(KnowledgeError) as raised:
        load_fact_base(kdir)
    assert raised.value.problems == [problem]
    (kdir / file).write_text(original, encoding="utf-8")
    assert problems_of(kdir) == []


@pytest.mark.parametrize("file", ["brands.yaml", "sources.yaml"])
def test_a_file_that_is_missing_or_not_a_list_is_one_problem(kdir: Path, file: str) -> None:
    (kdir / file).write_text("id: leica\n", encoding="utf-8")
    assert_problem(only_problem(kdir), file, 1, None, "must be a YAML list of records")
    (kdir / file).write_bytes(b"- id: caf\xe9\n")
    assert_problem(only_problem(kdir), file, 1, None, "not UTF-8 text")
    (kdir / file).unlink()
    assert only_problem(kdir) == Problem(file, 0, None, "the file is missing")


def test_a_broken_brands_file_still_lets_other_problems_through(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "  name: Hasselblad\n", "  name: !!python/name:os.system\n")
    replace(kdir, A, "  - leica\n", "  - leica\n  - nikon\n")  # unknowable now: not reported
    replace(kdir, A, "answer: Leica is a German camera maker.", 'answer: ""')
    replace(
        kdir,
        B,
        "  - source: article-2022-05-23\n    quote: Swedish",
        "  - source: blog\n    quote: Swedish",
    )
    problems = problems_of(kdir)
    messages = [f"{problem.file}: {problem.message}" for problem in problems]
    assert len(problems) == 3, "\n".join(map(str, problems))
    assert messages[0].startswith("brands.yaml: YAML error")
    assert f"{A}: 'answer' is empty" in messages
    assert f"{B}: citation names unknown source 'blog'" in messages
    assert not any("unknown brand" in message for message in messages)


def test_a_broken_sources_file_still_lets_other_problems_through(kdir: Path) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', "  url: !!python/name:os.system\n")
    replace(kdir, A, "  - leica\n", "  - leica\n  - nikon\n")
    problems = problems_of(kdir)
    assert [problem.file for problem in problems] == [A, "sources.yaml"], problems
    assert_problem(problems[0], A, 6, "leica-country", "unknown brand 'nikon'")


def test_a_brand_item_that_is_not_a_mapping_hides_unknown_brands(kdir: Path) -> None:
    # Which brand the item was meant to be cannot be known: references are not checked.
    replace(kdir, "brands.yaml", "- id: hasselblad\n", "- hasselblad\n- id: hasselblad-x\n")
    problem = only_problem(kdir)
    assert_problem(problem, "brands.yaml", problem.line, None, "is not a mapping")


def test_unknown_source_in_a_citation(kdir: Path) -> None:
    replace(
        kdir,
        B,
        "  - source: article-2022-05-23\n    quote: Swedish",
        "  - source: blog\n    quote: Swedish",
    )
    problem = only_problem(kdir)
    assert_problem(problem, B, 7, "hasselblad-country", "unknown source 'blog'")


def test_a_person_without_citations_is_filed_under_the_brand(kdir: Path) -> None:
    replace(
        kdir,
        "brands.yaml",
        "    citations:\n    - source: article-2022-05-23\n"
        "      quote: Lei Jun, Xiaomi’s founder and CEO said.\n",
        "    citations: []\n",
    )
    problem = only_problem(kdir)
    line = line_of(kdir, "brands.yaml", "citations: []")
    assert_problem(problem, "brands.yaml", line, "xiaomi", "at least one citation is needed")


@pytest.mark.parametrize("first_bad", ["unknown source", "quote not found"])
def test_every_bad_citation_of_a_fact_is_reported(kdir: Path, first_bad: str) -> None:
    # A bad citation does not stop the check of those after it.
    unknown = (
        "  - source: article-2022-05-23\n    quote: Leica, the",
        "  - source: blog\n    quote: Leica, the",
    )
    missing = ("quote: German camera-maker Leica", "quote: German camera maker Leica")
    if first_bad == "quote not found":
        unknown = (
            "  - source: article-2022-05-23\n    quote: German",
            "  - source: blog\n    quote: German",
        )
        missing = (
            "quote: Leica, the German camera manufacturer",
            "quote: Leica, the German camera maker",
        )
    replace(kdir, A, *unknown)
    replace(kdir, A, *missing)
    messages = sorted(p.message for p in problems_of(kdir))
    assert [m.split(" '")[0] for m in messages] == [
        "citation names unknown source",
        "quote not found word for word (whole words) in source",
    ], messages


# Quotes


def test_a_quote_not_in_its_source(kdir: Path) -> None:
    replace(kdir, A, "quote: German camera-maker Leica", "quote: German camera maker Leica")
    problem = only_problem(kdir)
    assert_problem(problem, A, 12, "leica-country", "quote not found word for word")
    assert "'German camera maker Leica'" in problem.message


def test_a_long_quote_not_in_its_source_is_shown_by_its_first_80_characters(kdir: Path) -> None:
    quote = "German camera maker Leica and the Chinese phone maker Xiaomi announced a partnership"
    assert len(quote) > 81
    replace(kdir, A, "quote: German camera-maker Leica", f"quote: {quote}")
    problem = only_problem(kdir)
    assert_problem(problem, A, 12, "leica-country", repr(quote[:80]))
    assert quote[:81] not in problem.message


def test_a_quote_too_short_is_reported_at_its_line_and_the_next_citation_still_checked(
    kdir: Path,
) -> None:
    replace(kdir, A, "quote: Leica, the German camera manufacturer", "quote: Leica, the")
    replace(kdir, A, "quote: German camera-maker Leica", "quote: German camera maker Leica")
    short, missing = sorted(problems_of(kdir), key=lambda p: p.line)
    assert_problem(short, A, 10, "leica-country", "'Leica, the' is too short to support a claim")
    assert_problem(missing, A, 12, "leica-country", "quote not found word for word")


def test_a_long_quote_too_short_in_words_is_shown_by_its_first_80_characters(kdir: Path) -> None:
    quote = "Leica" + "-" * 90 + " camera"  # two words
    replace(kdir, A, "quote: German camera-maker Leica", f"quote: {quote}")
    problem = only_problem(kdir)
    assert_problem(problem, A, 12, "leica-country", f"the quote {quote[:80]!r} is too short")


def test_an_invisible_character_in_a_quote_is_reported_at_its_line(kdir: Path) -> None:
    replace(kdir, A, "quote: German camera-maker Leica", "quote: German camera-maker\u200b Leica")
    [problem] = [p for p in problems_of(kdir) if "invisible" in p.message]
    assert_problem(problem, A, 12, "leica-country", "'quote' contains an invisible", "U+200B")


def test_a_valid_fact_keeps_each_citation_with_its_source(kdir: Path) -> None:
    fact = load_fact_base(kdir).facts["leica-country"]
    assert [(c.source_id, c.quote) for c in fact.citations] == [
        ("article-2022-05-23", "Leica, the German camera manufacturer"),
        ("article-2022-05-23", "German camera-maker Leica"),
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "leica, the German camera manufacturer",  # case is kept
        "Swedish brand Hasselblad",  # the source's typo is the quote
        "Leica, the German camera manufacturer was earlier in partnership with Xiaomi",
    ],
)
def test_quotes_are_verbatim(kdir: Path, quote: str) -> None:
    replace(kdir, A, "quote: Leica, the German camera manufacturer", f"quote: {quote}")
    assert "quote not found" in only_problem(kdir).message


def test_quotes_match_across_white_space_and_typographic_marks(kdir: Path) -> None:
    # The source has “…" and a paragraph break; the quote has "…" and a folded line.
    replace(kdir, B, "quote: “Look forward", "quote: '\"Look forward")
    replace(
        kdir,
        B,
        'in July!" the company said\n',
        'in July!" the company said in\n'
        "      its announcement.   The partnership between Leica'\n",
    )
    assert problems_of(kdir) == []


def test_a_quote_too_long_for_an_embed_field(kdir: Path) -> None:
    article = (kdir / "sources" / "article-2022-05-23.txt").read_text(encoding="utf-8")
    body = " ".join(article.split("2022-05-23", 1)[1].split())
    long_quote = body[: limits.QUOTE_MAX + 40].rsplit(" ", 1)[0].strip()  # whole words
    assert len(long_quote) > limits.QUOTE_MAX
    replace(kdir, A, "quote: German camera-maker Leica", f"quote: {json.dumps(long_quote)}")
    problem = only_problem(kdir)
    assert_problem(problem, A, 12, "leica-country", f"at most {limits.QUOTE_MAX}")


# Brand names


def test_an_alias_shared_by_two_brands(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "  - Carl Zeiss\n", "  - Carl Zeiss\n  - Leica\n")
    problem = only_problem(kdir)
    line = line_of(kdir, "brands.yaml", "- Carl Zeiss") - 1
    assert_problem(problem, "brands.yaml", line, "zeiss", "'Leica' is also used by brand 'leica'")


def test_names_clash_regardless_of_case_and_separators(kdir: Path) -> None:
    # The engine looks names up without case or separators, so "Hassel-Blad" is Hasselblad.
    replace(kdir, "brands.yaml", "  name: Vivo\n", "  name: Vivo\n  aliases:\n  - Hassel-Blad\n")
    problem = only_problem(kdir)
    line = line_of(kdir, "brands.yaml", "- Hassel-Blad") - 1
    assert_problem(
        problem, "brands.yaml", line, "vivo", "'Hassel-Blad' is also used by brand 'hasselblad'"
    )


def test_a_name_clash_is_reported_at_the_name(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "- id: vivo\n  name: Vivo\n", "- id: vivo\n  name: Hasselblad\n")
    problem = only_problem(kdir)
    line = line_of(kdir, "brands.yaml", "- id: vivo") + 1
    assert_problem(problem, "brands.yaml", line, "vivo", "also used by brand 'hasselblad'")


def test_a_brand_name_too_long_for_a_choice(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "  name: Vivo\n", f"  name: {'V' * (limits.CHOICE_MAX + 1)}\n")
    problem = only_problem(kdir)
    assert_problem(problem, "brands.yaml", problem.line, "vivo", f"at most {limits.CHOICE_MAX}")


# Texts: empty, too long for Discord, control characters


@pytest.mark.parametrize("empty", ['""', "''", '"   "', "", "~"])
def test_an_empty_answer(kdir: Path, empty: str) -> None:
    replace(kdir, A, "answer: Leica is a German camera maker.", f"answer: {empty}".rstrip())
    problem = only_problem(kdir)
    assert_problem(problem, A, 5, "leica-country", "'answer' is empty")


def test_an_answer_must_fit_an_embed_description(kdir: Path) -> None:
    replace(
        kdir, A, "answer: Leica is a German camera maker.", f"answer: {'a' * limits.ANSWER_MAX}"
    )
    assert problems_of(kdir) == []
    replace(kdir, A, "answer: a", "answer: aa")
    problem = only_problem(kdir)
    assert_problem(problem, A, 5, "leica-country", f"at most {limits.ANSWER_MAX} fit in Discord")
    # The longest date prefix still fits.
    prefix = "As reported on 30 September 2022, "
    assert limits.ANSWER_MAX + len(prefix) <= limits.EMBED_DESCRIPTION_MAX


def test_a_question_must_fit_an_autocomplete_choice(kdir: Path) -> None:
    question = "Where is Leica from " + "x" * (limits.CHOICE_MAX - 21) + "?"
    assert len(question) == limits.CHOICE_MAX
    replace(kdir, A, "question: Where is Leica from?", f"question: {question}")
    assert problems_of(kdir) == []
    replace(kdir, A, "?\n  phrasings", "??\n  phrasings")
    problem = only_problem(kdir)
    assert_problem(problem, A, 2, "leica-country", "'question' is 101 characters; at most 100")


@pytest.mark.parametrize(
    "escaped", ["\\a", "\\0", "\\e", "\\x1b[31m", "\\x7f", "\\x9b", "\\u0085", "\\b"]
)
def test_control_characters_are_refused(kdir: Path, escaped: str) -> None:
    replace(
        kdir, A, "answer: Leica is a German camera maker.", f'answer: "Leica{escaped} is German."'
    )
    problem = only_problem(kdir)
    assert_problem(problem, A, 5, "leica-country", "'answer' contains control characters")


def test_tabs_and_line_breaks_are_not_control_characters(kdir: Path) -> None:
    replace(
        kdir, A, "answer: Leica is a German camera maker.", 'answer: "Leica\\tis\\nGerman.\\r\\n"'
    )
    assert problems_of(kdir) == []


def test_a_raw_control_character_is_a_yaml_error_with_its_line(kdir: Path) -> None:
    replace(kdir, B, "answer: Hasselblad is", "answer: Hasselblad\x07 is")
    problem = only_problem(kdir)
    assert_problem(problem, B, 3, None, "U+0007 is not allowed")


# Files


def test_yaml_syntax_error_names_file_and_line(kdir: Path) -> None:
    replace(kdir, B, "  answer: Hasselblad is a Swedish brand.", "  answer: [Hasselblad is")
    problem = only_problem(kdir)
    assert problem.file == B
    assert problem.line in {3, 4}  # where the parser noticed: the bracket or the next key
    assert problem.message.startswith("YAML syntax error")
    assert str(problem).startswith(f"{B}:{problem.line}: YAML syntax error")


def test_a_bad_indentation_names_its_line(kdir: Path) -> None:
    replace(kdir, A, "  answer: Leica is", " answer: Leica is")
    problem = only_problem(kdir)
    assert (problem.file, problem.line) == (A, 5)


def test_problems_in_several_files_are_all_reported_at_once(kdir: Path) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', '  url: ""\n  author: someone\n')
    replace(kdir, "brands.yaml", "  - Carl Zeiss\n", "  - Carl Zeiss\n  - Hassleblad\n")
    replace(
        kdir,
        "partnerships.yaml",
        "status: active\n  summary: Vivo",
        "status: maybe\n  summary: Vivo",
    )
    replace(kdir, A, "answer: Leica is a German camera maker.", 'answer: ""')
    replace(kdir, B, "  answer: Hasselblad is a Swedish brand.", "  answer: [unclosed")
    problems = problems_of(kdir)
    files = [problem.file for problem in problems]
    assert files == ["brands.yaml", A, B, "partnerships.yaml", "sources.yaml"]  # sorted
    assert all(problem.line > 0 for problem in problems)
    by_file = {problem.file: problem for problem in problems}
    assert by_file["sources.yaml"].record == "article-2022-05-23"
    assert by_file["brands.yaml"].record == "zeiss"
    assert by_file["partnerships.yaml"].record == "vivo-zeiss"
    assert by_file[A].record == "leica-country"
    with pytest.raises(KnowledgeError) as raised:
        load_fact_base(kdir)
    assert raised.value.problems == problems
    assert len(raised.value.report().splitlines()) == 5


def test_a_missing_file(kdir: Path) -> None:
    (kdir / "sources.yaml").unlink()
    problems = problems_of(kdir)
    assert problems[0] == Problem("sources.yaml", 0, None, "the file is missing")


def test_a_missing_directory(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere")
    assert len(problems) == 1
    assert "does not exist" in problems[0].message


def test_a_file_that_is_not_a_list(kdir: Path) -> None:
    (kdir / A).write_text("id: leica-country\nquestion: Where?\n", encoding="utf-8")
    assert_problem(only_problem(kdir), A, 1, None, "must be a YAML list of records")


def test_an_item_that_is_not_a_mapping_has_its_line(kdir: Path) -> None:
    (kdir / A).write_text(FACTS_A + "- just a question?\n", encoding="utf-8")
    assert_problem(only_problem(kdir), A, 13, None, "item 2 is not a mapping")


def test_an_empty_fact_file_is_fine(kdir: Path) -> None:
    (kdir / A).write_text("# nothing yet\n", encoding="utf-8")
    assert problems_of(kdir) == []


def test_a_file_that_is_not_utf8(kdir: Path) -> None:
    (kdir / A).write_bytes(FACTS_A.replace("German camera maker", "caf\xe9").encode("latin-1"))
    assert_problem(only_problem(kdir), A, 5, None, "not UTF-8 text (byte 0xe9)")


def test_a_byte_order_mark_is_accepted(kdir: Path) -> None:
    (kdir / A).write_bytes(b"\xef\xbb\xbf" + FACTS_A.encode())
    assert problems_of(kdir) == []


def test_data_nested_too_deeply(kdir: Path) -> None:
    deep = "[" * 600 + "]" * 600
    replace(kdir, A, "answer: Leica is a German camera maker.", f"answer: {deep}")
    assert_problem(only_problem(kdir), A, 5, None, "nested more than")


# Security


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "/etc/passwd", "sources/../../sources.yaml", "../sources.yaml", "."],
)
def test_a_source_file_outside_sources_is_refused(kdir: Path, path: str) -> None:
    replace(kdir, "sources.yaml", "file: sources/article-2022-05-23.txt", f"file: {path!r}")
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "file:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "not inside sources/")


def test_a_symlink_out_of_sources_is_refused(kdir: Path) -> None:
    outside = kdir.parent / "secret.txt"
    outside.write_text("Leica, the German camera manufacturer", encoding="utf-8")
    (kdir / "sources" / "link.txt").symlink_to(outside)
    replace(kdir, "sources.yaml", "file: sources/article-2022-05-23.txt", "file: sources/link.txt")
    messages = sorted(problem.message for problem in problems_of(kdir))
    assert len(messages) == 2
    assert "is a symbolic link" in messages[0]  # the link itself, where it stands
    assert "not inside sources/" in messages[1]  # and the source that names it


def test_a_missing_source_text(kdir: Path) -> None:
    replace(kdir, "sources.yaml", "file: sources/article-2022-05-23.txt", "file: sources/nope.txt")
    line = line_of(kdir, "sources.yaml", "file:")
    assert_problem(only_problem(kdir), "sources.yaml", line, "article-2022-05-23", "is missing")


def test_a_source_file_name_with_a_nul_byte(kdir: Path) -> None:
    replace(
        kdir, "sources.yaml", "file: sources/article-2022-05-23.txt", 'file: "sources/a\\0.txt"'
    )
    problem = only_problem(kdir)
    line = line_of(kdir, "sources.yaml", "file:")
    assert_problem(problem, "sources.yaml", line, "article-2022-05-23", "control characters")


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:pathlib.Path {{}}",
        "!!binary aGVsbG8=",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(kdir: Path, tagged: str) -> None:
    marker = kdir.parent / "executed"
    value = tagged.format(marker=marker)
    replace(kdir, A, "answer: Leica is a German camera maker.", f"answer: {value}")
    problem = only_problem(kdir)
    assert not marker.exists()
    assert problem.file == A
    assert problem.line == 5
    if "python" in tagged:
        assert "YAML error" in problem.message
        assert "python" in problem.message
    else:  # !!binary is safe YAML, but bytes are not text
        assert "'answer' must be text, not bytes" in problem.message


def test_validate_command_lists_every_problem(
    kdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import main

    replace(kdir, A, "question: Where is Leica from?", "question: no")
    replace(kdir, B, "- id: xiaomi-teaser", "- id: hasselblad-country")
    assert main(["validate", str(kdir)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{A}:2 [leica-country]: 'question' must be text, not a yes/no value (false)"
        " (put it in quotes)",
        f"{B}:9 [hasselblad-country]: duplicate id 'hasselblad-country' (also at {B}:1)",
    ]
    assert "2 problem(s)" in err


def test_a_fact_file_ending_in_yml_is_reported_not_skipped(kdir: Path) -> None:
    (kdir / "facts" / "new.yml").write_text(FACTS_A.replace("leica-country", "x"), "utf-8")
    assert only_problem(kdir) == Problem(
        "facts/new.yml", 0, None, "fact files end in .yaml: this one is not read"
    )


# A partnership's dates: quoted, real, and said by one of its own quotes

P = "partnerships.yaml"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('"2022-13"', 'must be quoted "YYYY-MM" or "YYYY"'),
        ('"July 2022"', 'must be quoted "YYYY-MM" or "YYYY"'),
        ('"2022-٠٧"', 'must be quoted "YYYY-MM" or "YYYY"'),
        ('"2022-08"', "no quote of this partnership mentions August"),
    ],
)
def test_a_bad_first_phone_date(kdir: Path, value: str, fragment: str) -> None:
    replace(kdir, P, 'first_phone_due: "2022-07"', f"first_phone_due: {value}")
    assert_problem(
        only_problem(kdir), P, line_of(kdir, P, "first_phone_due"), "xiaomi-leica", fragment
    )


def test_a_since_year_no_quote_says(kdir: Path) -> None:
    replace(kdir, P, 'since: "2022"', 'since: "2021"')
    assert_problem(
        only_problem(kdir), P, line_of(kdir, P, "since:"), "xiaomi-leica", "gives the year 2021"
    )


def test_partnership_dates_and_reported_devices_are_read(kdir: Path) -> None:
    partnership = load_fact_base(kdir).partnerships["xiaomi-leica"]
    assert partnership.first_phone_due is not None
    assert partnership.first_phone_due.label == "July 2022"
    assert partnership.since is not None
    assert partnership.since.label == "2022"
    assert partnership.reported_devices == ("Xiaomi 12 Ultra",)
    assert partnership.devices == ()


def test_a_person_must_be_named_by_their_quote(kdir: Path) -> None:
    replace(kdir, "brands.yaml", "  - name: Lei Jun\n", "  - name: Lin Bin\n")
    problem = only_problem(kdir)
    assert problem.file == "brands.yaml"
    assert problem.record == "xiaomi"
    assert "no quote names Lin Bin" in problem.message


def test_a_due_year_no_quote_gives(kdir: Path) -> None:
    # The quote says "July this year" (2022): July 2023 is said by no quote.
    replace(kdir, P, 'first_phone_due: "2022-07"', 'first_phone_due: "2023-07"')
    line = line_of(kdir, P, "first_phone_due")
    assert_problem(only_problem(kdir), P, line, "xiaomi-leica", "gives the year 2023")


def test_a_period_no_quote_says(kdir: Path) -> None:
    replace(kdir, P, "period: four-year", "period: nine-year")
    line = line_of(kdir, P, "period: nine-year")
    assert_problem(
        only_problem(kdir), P, line, "huawei-leica", "no quote of this partnership says nine"
    )


@pytest.mark.parametrize(
    ("period", "unsaid"),
    [
        ("twenty-year", "twenty"),
        ("100-year", "100"),
        ("decade-long", "decade"),
        ("multi-decade", "decade"),
        ("lifelong", "lifelong"),
        ("five-year", "five"),
        ("multi-year exclusive", "exclusive"),
    ],
)
def test_every_word_of_a_period_must_be_said_by_a_quote(
    kdir: Path, period: str, unsaid: str
) -> None:
    # Issue 20 item 1: "twenty-year" passed, quoting "multi-year".
    replace(kdir, P, "period: multi-year", f"period: {period}")
    line = line_of(kdir, P, f"period: {period}")
    assert_problem(
        only_problem(kdir),
        P,
        line,
        "oneplus-hasselblad",
        f"no quote of this partnership says {unsaid}",
    )


@pytest.mark.parametrize("period", ["multi-year", "Multi-Year", "multi year", "multi-years"])
def test_a_period_in_the_quotes_own_words_is_valid(kdir: Path, period: str) -> None:
    replace(kdir, P, "period: multi-year", f"period: {period}")
    assert load_fact_base(kdir).partnerships["oneplus-hasselblad"].period == period


def test_a_count_of_years_may_be_spelled_otherwise_than_the_quote(kdir: Path) -> None:
    replace(kdir, P, "period: four-year", "period: 4-year")
    assert load_fact_base(kdir).partnerships["huawei-leica"].period == "4-year"


@pytest.mark.parametrize(
    ("said", "period", "valid"),
    [
        ("for three more years", "three-year", True),
        ("for three further years", "3-year", True),
        ("for three good years", "three-year", False),
        ("for more years than three", "three-year", False),
    ],
)
def test_a_renewal_for_more_years_is_a_period_of_those_years(
    kdir: Path, said: str, period: str, valid: bool
) -> None:
    # A draft of a renewal "for three more years" proposed "three-year"; only "more", "further",
    # "additional" or "extra" may stand between a period's words, never another word.
    sentence = f"OnePlus and Hasselblad renewed their deal {said}."
    with (kdir / "sources" / "article-2022-05-23.txt").open("a", encoding="utf-8") as text:
        text.write(f"\n{sentence}\n")
    quoted = (
        "    quote: Currently, OnePlus has a multi-year partnership with Swedish brand Hassleblad\n"
    )
    cited = f"  - source: article-2022-05-23\n    quote: {sentence}\n"
    replace(kdir, P, quoted, quoted + cited)
    replace(kdir, P, "period: multi-year", f"period: {period}")
    if valid:
        assert load_fact_base(kdir).partnerships["oneplus-hasselblad"].period == period
    else:
        assert "in that order" in only_problem(kdir).message


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("year-multi", "says 'year multi' in that order"),
        ("year multi", "says 'year multi' in that order"),
        ("multi-year-multi", "says 'multi year multi' in that order"),
        ("partnership-multi", "says 'partnership multi' in that order"),
        ("multi--year", "must be words joined by single spaces or hyphens"),
        ("multi/year", "must be words joined by single spaces or hyphens"),
        ("-multi-year", "must be words joined by single spaces or hyphens"),
        ("---", "must be words joined by single spaces or hyphens"),
        ("двадцатилетнее", "must be words joined by single spaces or hyphens"),
        ("multi-\u212aear", "must be words joined by single spaces or hyphens"),
    ],
)
def test_a_period_of_quoted_words_out_of_order_or_not_words_is_refused(
    kdir: Path, period: str, message: str
) -> None:
    # A fresh attack on issue 20 item 1: every word was checked alone, so a quote's words in
    # another order passed, and a period of no ASCII word ("---", Cyrillic) had none to check.
    replace(kdir, P, "period: multi-year", f"period: {period}")
    line = line_of(kdir, P, f"period: {period}")
    assert_problem(only_problem(kdir), P, line, "oneplus-hasselblad", message)


@pytest.mark.parametrize(("key", "old"), [("first_phone_due", "2022-07"), ("since", "2022")])
@pytest.mark.parametrize("value", ["0000-07", "0000", "0000-00"])
def test_a_month_of_year_zero_is_refused_not_a_traceback(
    kdir: Path, key: str, old: str, value: str
) -> None:
    # Year 0 passed the pattern, then naming its month raised ValueError out of `validate`.
    replace(kdir, P, f'{key}: "{old}"', f'{key}: "{value}"')
    line = line_of(kdir, P, f'{key}: "{value}"')
    assert_problem(only_problem(kdir), P, line, "xiaomi-leica", "must be quoted")


def test_a_source_is_read_whole(kdir: Path) -> None:
    source = load_fact_base(kdir).sources["article-2022-05-23"]
    assert source.id == "article-2022-05-23"
    assert source.date == dt.date(2022, 5, 23)
    assert source.file == "sources/article-2022-05-23.txt"
    assert source.url == ""
    assert "Leica" in source.text


def test_a_null_url_is_no_url(kdir: Path) -> None:
    replace(kdir, "sources.yaml", '  url: ""\n', "  url: ~\n")
    assert load_fact_base(kdir).sources["article-2022-05-23"].url == ""


def test_a_url_of_512_characters_fits_and_513_does_not(kdir: Path) -> None:
    url = "https://example.org/" + "a" * (512 - len("https://example.org/"))
    replace(kdir, "sources.yaml", '  url: ""\n', f"  url: {url}\n")
    assert load_fact_base(kdir).sources["article-2022-05-23"].url == url
    replace(kdir, "sources.yaml", f"  url: {url}\n", f"  url: {url}b\n")
    messages = [p.message for p in problems_of(kdir)]
    assert messages, "a 513-character url is refused"
    assert all(m.startswith("'url' is 513 characters; at most 512") for m in messages), messages


def test_a_source_file_name_of_200_characters_fits_and_201_does_not(kdir: Path) -> None:
    name = "sources/" + "a" * (200 - len("sources/.txt")) + ".txt"
    (kdir / name).write_bytes((kdir / "sources/article-2022-05-23.txt").read_bytes())
    replace(kdir, "sources.yaml", "file: sources/article-2022-05-23.txt", f"file: {name}")
    assert load_fact_base(kdir).sources["article-2022-05-23"].file == name
    longer = name.replace(".txt", "b.txt")
    (kdir / name).rename(kdir / longer)
    replace(kdir, "sources.yaml", f"file: {name}", f"file: {longer}")
    problem = only_problem(kdir)
    assert problem.message == "'file' is 201 characters; at most 200 fit in Discord"


@pytest.mark.parametrize("empty", ["~", '""'])
def test_an_empty_quote_is_reported_on_its_fact(kdir: Path, empty: str) -> None:
    replace(kdir, A, "    quote: Leica, the German camera manufacturer", f"    quote: {empty}")
    problems = problems_of(kdir)
    assert any(p.record == "leica-country" and p.message == "'quote' is empty" for p in problems), (
        "\n".join(map(str, problems))
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12", "'quote' must be text, not a number"),
        ('"Leica\\a the German camera manufacturer"', "'quote' contains control characters"),
    ],
)
def test_a_bad_quote_is_reported_on_its_fact(kdir: Path, value: str, message: str) -> None:
    replace(kdir, A, "    quote: Leica, the German camera manufacturer", f"    quote: {value}")
    problems = problems_of(kdir)
    [problem] = [p for p in problems if p.message.startswith(message)]
    line = line_of(kdir, A, f"quote: {value}")
    assert_problem(problem, A, line, "leica-country")
    if value == "12":
        assert problems == [problem], "no text, so no 'not found' problem as well"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12", "'id' must be text"),
        (
            "Leica Country",
            "id 'Leica Country' must be 1-63 lower-case letters, digits or '-', "
            "starting with a letter or digit",
        ),
    ],
)
def test_a_bad_id_is_reported_at_its_own_line(kdir: Path, value: str, message: str) -> None:
    replace(
        kdir,
        A,
        "- id: leica-country\n  question: Where is Leica from?\n",
        f"- question: Where is Leica from?\n  id: {value}\n",
    )
    problem = only_problem(kdir)
    assert (problem.file, problem.line) == (A, 2), str(problem)
    assert message in problem.message


def test_a_fact_without_citations(kdir: Path) -> None:
    text = (kdir / B).read_text(encoding="utf-8")
    cut = text.index("  citations:\n", text.index("- id: xiaomi-teaser"))
    (kdir / B).write_text(text[:cut] + "  citations: []\n", encoding="utf-8")
    problem = only_problem(kdir)
    line = line_of(kdir, B, "citations: []")
    assert_problem(problem, B, line, "xiaomi-teaser")
    assert problem.message == "at least one citation is needed"


def test_each_citation_is_checked_after_a_bad_one(kdir: Path) -> None:
    replace(kdir, A, "    quote: Leica, the German camera manufacturer", '    quote: ""')
    replace(kdir, A, "    quote: German camera-maker Leica", "    quote: Leica makes phones")
    problems = problems_of(kdir)
    assert [p.message.split(" in source ")[0] for p in problems] == [
        "'quote' is empty",
        "quote not found word for word (whole words)",
    ]
    assert {p.record for p in problems} == {"leica-country"}


@pytest.mark.parametrize(
    ("source", "message"),
    [("12", "'source' must be text"), ("s" * 64, "'source' is 64 characters; at most 63")],
)
def test_a_bad_citation_source_is_reported_on_its_fact(
    kdir: Path, source: str, message: str
) -> None:
    replace(
        kdir,
        A,
        "  - source: article-2022-05-23\n    quote: Leica,",
        f"  - source: {source}\n    quote: Leica,",
    )
    problems = problems_of(kdir)
    [problem] = [p for p in problems if p.message.startswith(message)]
    assert_problem(problem, A, 9, "leica-country")


def test_an_unknown_source_is_reported_at_its_line(kdir: Path) -> None:
    replace(
        kdir,
        B,
        "  - source: article-2022-05-23\n    quote: Swedish brand Hassleblad",
        "  - quote: Swedish brand Hassleblad\n    source: blog",
    )
    problem = only_problem(kdir)
    assert_problem(problem, B, 8, "hasselblad-country", "unknown source 'blog'")


# Issue #20 item 18: one limit on a fact's lists, for validate and for edits alike.


def test_over_fifty_phrasings_is_a_problem_for_validate_as_for_an_edit(kdir: Path) -> None:
    extra = "".join(f"  - Is Leica a German company number {n}?\n" for n in range(50))
    replace(kdir, A, "  - Is Leica a German company?\n", "  - Is Leica a German company?\n" + extra)
    problem = only_problem(kdir)
    assert problem.record == "leica-country"
    assert "'phrasings' has 51 items; at most 50 are accepted" in problem.message


def test_fifty_phrasings_validate_and_the_answer_can_be_edited(kdir: Path, tmp_path: Path) -> None:
    extra = "".join(f"  - Is Leica a German company number {n}?\n" for n in range(49))
    replace(kdir, A, "  - Is Leica a German company?\n", "  - Is Leica a German company?\n" + extra)
    assert problems_of(kdir) == []
    store = KnowledgeStore(kdir, tmp_path / "state")
    store.load()
    store.edit_fact("leica-country", {"answer": "Leica is German."}, base_version=None, actor="t")
    assert len(store.load().facts["leica-country"].phrasings) == 50


def _phrasings_of(total: int) -> str:
    """Phrasings (after the fixture's one) whose lines, joined, take `total` characters."""
    lines = ["Is Leica a German company?"]
    number = 0
    while len("\n".join(lines)) < total:
        room = total - len("\n".join(lines)) - 1  # the line break before the next line
        head = f"Is Leica German {number:03d} "
        lines.append(head + "q" * max(0, min(170, room - len(head) - 1)) + "?")
        number += 1
    return "".join(f"  - {line}\n" for line in lines[1:])


def test_phrasings_longer_than_the_edit_form_holds_are_a_problem(kdir: Path) -> None:
    # A fresh attack on issue 20 item 18: 50 phrasings of 190 characters validated, but the
    # edit form's input holds 4000: it opened with the list cut, and Save kept the cut list.
    extra = _phrasings_of(4001)
    replace(kdir, A, "  - Is Leica a German company?\n", "  - Is Leica a German company?\n" + extra)
    problem = only_problem(kdir)
    assert problem.record == "leica-country"
    assert "'phrasings' take 4,001 characters" in problem.message
    assert "at most 4,000 fit the edit form" in problem.message


def test_phrasings_that_fill_the_edit_form_exactly_validate(kdir: Path) -> None:
    extra = _phrasings_of(4000)
    replace(kdir, A, "  - Is Leica a German company?\n", "  - Is Leica a German company?\n" + extra)
    fact = load_fact_base(kdir).facts["leica-country"]
    assert len("\n".join(fact.phrasings)) == 4000


# Issue #20 item 19: a device under two brands, look-alike letters, names without letters.

BRANDS = "brands.yaml"


def test_the_same_device_under_two_brands_is_a_problem(kdir: Path) -> None:
    replace(
        kdir,
        BRANDS,
        "- id: vivo\n  name: Vivo\n  kind: phone_maker\n",
        "- id: vivo\n  name: Vivo\n  kind: phone_maker\n  devices:\n  - name: P40\n",
    )
    problem = only_problem(kdir)  # on the second brand to list it (Huawei, after Vivo)
    assert problem.record == "huawei"
    assert "device 'P40' is also listed under brand 'vivo'" in problem.message


def test_a_device_alias_under_another_brand_is_a_problem(kdir: Path) -> None:
    replace(
        kdir,
        BRANDS,
        "- id: vivo\n  name: Vivo\n  kind: phone_maker\n",
        "- id: vivo\n  name: Vivo\n  kind: phone_maker\n  devices:\n"
        "  - name: Vivo X80\n    aliases:\n    - huawei p-40\n",
    )
    problem = only_problem(kdir)
    assert problem.record == "huawei"
    assert "device 'Huawei P40' is also listed under brand 'vivo'" in problem.message


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("L\u0435ica", "mixes Latin and Cyrillic letters"),  # a Cyrillic е
        ("\u0412ivo", "mixes Latin and Cyrillic letters"),  # a Cyrillic В
        ("Zei\u03c3s", "mixes Latin and Greek letters"),
        ("...", "has no letters or digits"),
        ("-- !", "has no letters or digits"),
    ],
)
def test_a_brand_name_with_look_alike_letters_or_no_letters_is_refused(
    kdir: Path, name: str, fragment: str
) -> None:
    replace(kdir, BRANDS, "  name: Vivo\n", f"  name: {name!r}\n")
    problem = only_problem(kdir)
    assert problem.record == "vivo"
    assert fragment in problem.message


def test_a_whole_name_in_look_alike_letters_of_another_brand_is_refused(kdir: Path) -> None:
    replace(
        kdir,
        BRANDS,
        "  name: Vivo\n",
        "  name: Vivo\n  aliases:\n  - '\u03a7\u0399\u0391\u039f\u039c\u0399'\n",
    )
    problem = only_problem(kdir)
    assert problem.record == "vivo"
    assert "looks like brand 'xiaomi'" in problem.message


@pytest.mark.parametrize("name", ["维沃 Vivo", "Ĺeica Ü", "ライカ", "Vivo 2", "Ελληνικά"])
def test_names_in_one_script_or_with_cjk_beside_latin_are_kept(kdir: Path, name: str) -> None:
    replace(kdir, BRANDS, "  name: Vivo\n", f"  name: {name!r}\n")
    assert problems_of(kdir) == []


@pytest.mark.parametrize(
    "char", ["\u17b4", "\u17b5", "\u2028", "\u2029", "\ufffc", "\u200a", "\u205f", "\u3000"]
)
def test_default_ignorables_line_separators_and_odd_spaces_are_refused(char: str) -> None:
    # Found by a fresh attack on issue #20 item 7: invisible, or a line break inside a sentence.
    from bot.facts.validation import invisible_character

    found = invisible_character(f"Leica is a Ger{char}man camera maker.")
    assert found is not None
    assert found.startswith(f"U+{ord(char):04X}")


def test_plain_and_no_break_spaces_are_kept() -> None:
    from bot.facts.validation import invisible_character

    assert invisible_character("Leica is a German\u00a0camera maker. Zeiss 👍") is None
