"""Hostile input: each is refused or stored as plain text; nothing is written outside knowledge/."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.facts.yaml_loading import load_fact_base
from bot.store import NEW_FACTS_FILE, ChangeRejected, KnowledgeStore, StateDirError
from bot.store.fields import MAX_INPUT_CHARS, MAX_INPUT_DEPTH, input_problem
from tests.helpers.store import copy_knowledge, fact_fields, snapshot, tree


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    store = KnowledgeStore(*copy_knowledge(tmp_path))
    store.load()
    return store


class Strange:
    def __str__(self) -> str:
        return "!!python/object:os.system"


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _self_referencing() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


REFUSED = [
    ("path-like id", {"id": "../../etc/passwd"}, "id '../../etc/passwd' must be"),
    ("absolute id", {"id": "/etc/passwd"}, "must be 1-63 lower-case"),
    ("id with a slash", {"id": "facts/x"}, "must be 1-63 lower-case"),
    ("id too long", {"id": "a" * 64}, "must be 1-63 lower-case"),
    ("id not text", {"id": 12}, "'id' must be text"),
    ("question too long", {"question": "Why? " * 40}, "at most 100 fit in Discord"),
    ("answer too long", {"answer": "word " * 1000}, "at most 3500 fit in Discord"),
    ("quote too long", {"quote": "Leica " * 200}, "at most 900"),
    ("a megabyte", {"answer": "x" * 1_000_000}, "over 65536 characters in all"),
    ("control characters", {"question": "Who\x00 is \x1b[31mred?"}, "control characters"),
    ("control in a phrasing", {"phrasings": ["bell\x07"]}, "contains control characters"),
    ("lone surrogate", {"answer": "bad \ud800 text"}, "not valid Unicode"),
    ("a mapping for text", {"question": {"a": "b"}}, "'question' must be text"),
    ("a number for text", {"answer": 42}, "'answer' must be text"),
    ("an object", {"answer": Strange()}, "holds Strange, not text"),
    ("nested deep", {"phrasings": _nested(50)}, "nested more than"),
    ("self-referencing", {"phrasings": _self_referencing()}, "nested more than"),
    ("too many phrasings", {"phrasings": [f"p{n}" for n in range(51)]}, "at most 50"),
    ("an unknown key", {"!!python/object/apply:os.system": "id"}, "unknown key"),
    ("dunder key", {"__class__": "x"}, "unknown key '__class__'"),
    ("a date for text", {"answer": dt.date(2022, 5, 23)}, "must be text, not a date"),
    ("citations not a list", {"citations": "x", "source": None, "quote": None}, "either"),
    *(
        (f"invisible U+{ord(char):04X}", {field: f"Who is Leica{char}'s partner?"}, "invisible")
        for char in (
            "\U000e0041",
            "\U000e0100",
            "\u3164",
            "\u115f",
            "\ufff9",
            "\u034f",
            "\ufe0f",
            "\u2800",
            "\U0001d173",
        )
        for field in ("question", "answer")
    ),
    ("invisible in a phrasing", {"phrasings": ["Leica\u3164 partner"]}, "invisible"),
]


@pytest.mark.parametrize(("case", "change", "expected"), REFUSED, ids=[c[0] for c in REFUSED])
def test_hostile_fields_are_refused_and_nothing_is_written(
    store: KnowledgeStore, tmp_path: Path, case: str, change: dict[str, Any], expected: str
) -> None:
    before_files, before_tree = snapshot(store.root), tree(tmp_path)
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(**change), actor="mallory")
    assert any(expected in m for m in refused.value.messages), refused.value.messages
    with pytest.raises(ChangeRejected):
        store.edit_fact("leica-country", change, base_version=None, actor="mallory")
    assert snapshot(store.root) == before_files
    assert tree(tmp_path) - before_tree <= {"state", "state/knowledge.lock"}
    assert isinstance(refused.value.fields, dict)


YAML_LOOKING = [
    "!!python/object/apply:os.system ['touch /tmp/camerabot-pwned']",
    "!!python/name:os.system",
    "&anchor value *alias",
    "{a: b}",
    "[1, 2]",
    "- item",
    "key: value",
    "# not a comment",
    "'single' and \"double\" quotes",
    "yes",
    "null",
    "2022-05-23",
    "0123",
    "--- document marker",
    "... end marker",
    "%YAML 1.2",
    "| literal",
    "> folded",
    "@at `tick",
    "line one\nline two\n- line three\n---\n",
    "tab\tand carriage\rreturn",
    "emoji 📷 and accents éü and CJK 徕卡",
]


@pytest.mark.parametrize("text", YAML_LOOKING)
def test_yaml_looking_text_is_stored_as_plain_text(store: KnowledgeStore, text: str) -> None:
    change = store.add_fact(
        fact_fields(answer=f"Plain: {text}", phrasings=[f"Plain {text}"], id="hostile-text"),
        actor="mallory",
    )
    assert change.fact is not None
    reloaded = load_fact_base(store.root).facts["hostile-text"]
    assert reloaded == change.fact
    assert reloaded.answer == f"Plain: {text}".strip()
    assert reloaded.phrasings == (f"Plain {text}".strip(),)
    assert not Path("/tmp/camerabot-pwned").exists()


@pytest.mark.parametrize("text", ["next\x85line", "line\u2028separator", "para\u2029graph"])
def test_yaml_line_breaks_are_refused_or_stored_exactly(store: KnowledgeStore, text: str) -> None:
    try:
        change = store.add_fact(fact_fields(answer=text, id="breaks"), actor="mallory")
    except ChangeRejected as error:
        messages = error.messages
    else:
        messages = []
        assert change.fact is not None
    if messages:
        # A line separator is refused as invisible in a sentence (U+2028, U+2029), NEL as a
        # control character.
        assert any("control characters" in m or "U+202" in m for m in messages)
        return
    assert load_fact_base(store.root).facts["breaks"].answer == text


@pytest.mark.parametrize(
    "source_id", ["../../outside", "../facts/x", "/etc/passwd", "a/b", ".hidden", "x" * 64, ""]
)
def test_path_like_source_ids_never_reach_the_filesystem(
    store: KnowledgeStore, tmp_path: Path, source_id: str
) -> None:
    before = tree(tmp_path)
    with pytest.raises(ChangeRejected):
        store.add_source(source_id, "Title", "2024-01-01", "", "Some text.\n", actor="mallory")
    assert tree(tmp_path) - before <= {"state", "state/knowledge.lock"}


def test_a_source_title_that_looks_like_yaml_is_plain_text(store: KnowledgeStore) -> None:
    title = "!!python/object:os.system {a: b} &x *x"
    change = store.add_source(None, title, "2024-01-01", "", "Some text.\n", actor="mallory")
    assert change.record_id == "python-object-os-system-a-b-x-x"
    assert load_fact_base(store.root).sources[change.record_id].title == title


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(min_size=1, max_size=120))
def test_any_text_is_refused_or_round_trips_exactly(store: KnowledgeStore, text: str) -> None:
    record = fact_fields(answer=text, id="any-text")
    try:
        change = store.add_fact(record, actor="fuzz")
    except ChangeRejected:
        assert "any-text" not in load_fact_base(store.root).facts
        return
    assert change.fact is not None
    assert load_fact_base(store.root).facts["any-text"].answer == text.strip()
    store.remove_fact("any-text", base_version=None, actor="fuzz")
    assert not (store.root / NEW_FACTS_FILE).exists()


def _nested_mapping(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize("nest", [_nested, _nested_mapping])
def test_nesting_is_refused_from_the_seventh_level(store: KnowledgeStore, nest: Any) -> None:
    """The fields are level 0, a field's value level 1: six levels of text are read."""
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(phrasings=nest(5)), actor="mallory")
    assert not any("nested" in m for m in refused.value.messages), refused.value.messages
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(phrasings=nest(6)), actor="mallory")
    assert refused.value.messages == ["the fields are nested more than 6 levels deep"]


@pytest.mark.parametrize("brands", [["xiaomi", "leica"], {"xiaomi": "leica"}])
def test_the_size_limit_adds_up_every_field(store: KnowledgeStore, brands: Any) -> None:
    fields = fact_fields(answer="a" * 30_000, phrasings=["p" * 40_000], brands=brands)
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fields, actor="mallory")
    assert refused.value.messages == ["the fields are over 65536 characters in all"]


def test_text_that_is_not_unicode_is_named(store: KnowledgeStore) -> None:
    with pytest.raises(ChangeRejected) as refused:
        store.add_fact(fact_fields(answer="bad \ud800 text"), actor="mallory")
    assert refused.value.messages == ["a field holds characters that are not valid Unicode text"]


def _answer_of_size(total: int) -> dict[str, str]:
    """Fields that count `total` against the input budget: the mapping, its key, its text."""
    return {"answer": "x" * (total - 1 - len("answer"))}


def test_the_input_budget_is_exact() -> None:
    assert input_problem(_answer_of_size(MAX_INPUT_CHARS)) is None
    assert input_problem(_answer_of_size(MAX_INPUT_CHARS + 1)) == (
        f"the fields are over {MAX_INPUT_CHARS} characters in all"
    )
    # A list counts its length, and each of its plain values one.
    nones = (MAX_INPUT_CHARS - 2) // 2
    assert input_problem({"a": [None] * nones}) is None
    assert input_problem({"a": [None] * (nones + 1)}) is not None


def _deep(levels: int) -> dict[str, object]:
    """Fields whose deepest text is `levels` below the mapping."""
    value: object = "leaf"
    for _ in range(levels - 1):
        value = [value]
    return {"phrasings": value}


def test_the_input_depth_limit_is_exact() -> None:
    assert input_problem(_deep(MAX_INPUT_DEPTH)) is None
    assert input_problem(_deep(MAX_INPUT_DEPTH + 1)) == (
        f"the fields are nested more than {MAX_INPUT_DEPTH} levels deep"
    )


VICTIM_TEXT = b"a file outside STATE_DIR that no change may touch\n"


@pytest.mark.parametrize("name", ["knowledge.lock", "audit.jsonl", "journal.json", "gaps.jsonl"])
def test_a_link_in_the_state_folder_is_never_followed(tmp_path: Path, name: str) -> None:
    root, state = copy_knowledge(tmp_path)
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    state.mkdir(parents=True, exist_ok=True)
    (state / name).symlink_to(victim)
    store = KnowledgeStore(root, state)
    refused: list[str] = []
    for attempt in (
        store.load,
        lambda: store.add_fact(fact_fields(), actor="t"),
        lambda: store.gap_log.record("what is a gap question here?"),
        store.gap_log.top,
    ):
        try:
            attempt()
        except (StateDirError, OSError) as error:
            refused.append(str(error))
    assert all(str(state) in message for message in refused)
    assert victim.read_bytes() == VICTIM_TEXT


def test_the_change_lock_refuses_a_link_with_a_message(tmp_path: Path) -> None:
    root, state = copy_knowledge(tmp_path)
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    state.mkdir(parents=True, exist_ok=True)
    (state / "knowledge.lock").symlink_to(victim)
    store = KnowledgeStore(root, state)
    store.load()
    with pytest.raises(StateDirError, match="symbolic link"):
        store.add_fact(fact_fields(), actor="t")
    assert victim.read_bytes() == VICTIM_TEXT
    assert snapshot(root) == snapshot(copy_knowledge(tmp_path / "fresh")[0])


@pytest.mark.parametrize("name", ["knowledge.lock", "audit.jsonl"])
def test_a_fifo_or_a_folder_in_the_state_folder_is_refused_without_hanging(
    tmp_path: Path, name: str
) -> None:
    root, state = copy_knowledge(tmp_path)
    state.mkdir(parents=True, exist_ok=True)
    os.mkfifo(state / name)
    store = KnowledgeStore(root, state)
    store.load()
    refused: list[str] = []
    try:
        store.add_fact(fact_fields(), actor="t")
    except StateDirError as error:
        refused.append(str(error))
    assert all("not a regular file" in message for message in refused)
    assert stat.S_ISFIFO((state / name).lstat().st_mode)
