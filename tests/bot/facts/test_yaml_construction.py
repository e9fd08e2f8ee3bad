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
