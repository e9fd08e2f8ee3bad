"""The fast construction of a YAML tree without aliases builds exactly what PyYAML builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.facts import yaml_loading as loading
from bot.facts.raw import Record
from tests.conftest import DATA, KNOWLEDGE


def both(text: str) -> tuple[Any, Any]:
    """(the fast construction, PyYAML's own) of one document, or the errors each raised."""
    built = []
    for fast in (True, False):
        loader = loading._LineLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:  # an empty text: no document (`_compose` returns before)
                built.append(None)
            elif fast:
                built.append(loading._data(loader, root))
            else:
                built.append(loader.construct_document(root))
        except yaml.YAMLError as error:
            built.append((type(error), str(error)))
        finally:
            loader.dispose()
    return built[0], built[1]


def shape(value: Any) -> Any:
    """A value with every record's line, key lines and repeated keys made comparable."""
    if isinstance(value, Record):
        return (
            "record",
            {repr(k): shape(v) for k, v in value.items()},
            value.line,
            value.key_lines,
            value.duplicate_keys,
        )
    if isinstance(value, dict):
        return ("dict", {repr(k): shape(v) for k, v in value.items()})
    if isinstance(value, list):
        return [shape(item) for item in value]
    return (type(value).__name__, value)


def knowledge_files() -> list[Path]:
    folders = [KNOWLEDGE, *(p for p in DATA.rglob("*") if p.is_dir())]
    return sorted({p for folder in folders for p in folder.rglob("*.yaml")})


@pytest.mark.parametrize("path", knowledge_files(), ids=lambda p: p.name)
def test_every_knowledge_file_of_the_repository_is_built_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast, slow = both(text)
    assert shape(fast) == shape(slow)


ODD = [
    # numbers, dates, booleans, nulls, floats and a date that is no date
    "- {id: x, n: 3, f: 1.5, b: yes, t: true, z: null, d: 2022-05-23, bad: 2022-02-30}\n",
    # merge keys (without anchors: an inline mapping merged) and the value key "="
    "- <<: {a: 1}\n  b: 2\n",
    "- =: value\n  a: b\n",
    # keys that are not text: numbers, booleans, null, a list (unhashable), a mapping
    "- 1: one\n  true: yes\n  ~: nothing\n",
    "- ? [a, b]\n  : listed\n",
    "- ? {a: b}\n  : mapped\n",
    # repeated keys, nested lists and mappings, block scalars, quoted text
    "- id: a\n  id: b\n  list: [[1, [2]], {x: [y]}]\n  text: |\n    two\n    lines\n",
    "- 'quoted: text'\n- \"escaped \\u00e9\"\n- !!str 123\n- !!int '7'\n",
    # tags that must be refused, and a mapping or a scalar at the top
    "- !!python/object:os.system {}\n",
    # lists and mappings of other tags: an ordered map, pairs, a set, bytes
    "- !!omap [{a: 1}, {b: 2}]\n",
    "- !!pairs [{a: 1}, {a: 2}]\n",
    "- !!set {a, b}\n",
    "- !!binary aGVsbG8=\n",
    "- !custom thing\n",
    "a: 1\nb: [c]\n",
    "just text\n",
    "",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_nodes_are_built_or_refused_as_pyyaml_does(text: str) -> None:
    fast, slow = both(text)
    assert shape(fast) == shape(slow)


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none())
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(value=data, flow=st.booleans())
def test_any_data_dumped_as_yaml_is_built_as_pyyaml_builds_it(value: Any, flow: bool) -> None:
    text = yaml.safe_dump([value], default_flow_style=flow, allow_unicode=True)
    fast, slow = both(text)
    assert shape(fast) == shape(slow)


def built_by_the_loader(text: str) -> list[tuple[str, str]]:
    """The nodes PyYAML's own constructor built while `_data` built the document (tag, text)."""
    loader = loading._LineLoader(text)
    try:
        loading._data(loader, loader.get_single_node())
        return [(node.tag.rpartition(":")[2], node.value) for node in loader.constructed_objects]
    finally:
        loader.dispose()


def test_text_lists_and_mappings_of_text_keys_are_built_without_pyyamls_constructor() -> None:
    text = "- id: a\n  questions: [x, 'y']\n  nested: {k: [v, {w: z}]}\n- [plain, list]\n- text\n"
    assert built_by_the_loader(text) == []


def test_only_the_other_nodes_go_to_pyyamls_constructor() -> None:
    assert built_by_the_loader("- {id: a, n: 3, list: [x, 2022-05-23]}\n") == [
        ("int", "3"),
        ("timestamp", "2022-05-23"),
    ]
    # A mapping with a key that is not text is built whole by the loader, keys and values.
    assert built_by_the_loader("- {id: a, 1: b}\n") == [
        ("str", "id"),
        ("str", "a"),
        ("int", "1"),
        ("str", "b"),
    ]


def record_lines_found(text: str) -> list[tuple[int, dict[str, int], list[str]]]:
    """Each record's line, its keys' lines and repeated keys, as read from the text itself."""
    found = []
    current: tuple[int, dict[str, int], list[str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("- "):
            current = (number, {}, [])
            found.append(current)
            line = "  " + line[2:]
        if current is None or not line.startswith("  ") or line.startswith("   "):
            continue
        key = line.strip().split(":", 1)[0]
        if ":" in line and not line.strip().startswith(("#", "- ")):
            if key in current[1]:
                current[2].append(key)
            current[1][key] = number
    return found


@pytest.mark.parametrize("path", knowledge_files(), ids=lambda p: p.name)
def test_each_records_line_and_key_lines_are_where_the_file_has_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    records, problems = loading.parse_yaml_records(text, path.name)
    if problems or not records:
        return
    expected = record_lines_found(text)
    assert [(r.line, r.key_lines, r.duplicate_keys) for r in records] == expected
    for record, (_, key_lines, _) in zip(records, expected, strict=True):
        assert set(key_lines) == set(record)


def test_a_repeated_key_is_listed_each_time_it_repeats_with_its_last_line() -> None:
    text = "# a comment\n- id: a\n  id: b\n  answer: x\n  id: c\n- id: d\n"
    [first, second], problems = loading.parse_yaml_records(text, "facts/x.yaml")
    assert problems == []
    assert (first.line, first.key_lines, first.duplicate_keys) == (
        2,
        {"id": 5, "answer": 4},
        ["id", "id"],
    )
    assert (second.line, second.key_lines, second.duplicate_keys) == (6, {"id": 6}, [])


def test_a_key_that_is_not_text_has_its_line_under_its_text() -> None:
    [record], _ = loading.parse_yaml_records("- id: a\n  7: seven\n  b: c\n", "facts/x.yaml")
    assert record == {"id": "a", 7: "seven", "b": "c"}
    assert (record.line, record.key_lines) == (1, {"id": 1, "7": 2, "b": 3})
