"""Files in styles an undo could not restore byte for byte are refused, untouched (issue 20: 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.facts.yaml_loading import load_fact_base
from bot.store import KnowledgeStore
from bot.store.errors import UnkeptFileStyle
from tests.helpers.store import copy_knowledge, snapshot

FILE = "facts/huawei-leica.yaml"
FACT = "huawei-leica-duration"


def _styled(text: str, style: str) -> bytes:
    if style == "CR-only line ends":
        return text.replace("\n", "\r").encode()
    if style == "mixed line ends":
        lines = text.split("\n")
        return ("\r\n".join(lines[:5]) + "\n" + "\n".join(lines[5:])).encode()
    if style == "a byte order mark":
        return b"\xef\xbb\xbf" + text.encode()
    if style == "a document start marker":
        return ("---\n" + text).encode()
    return (text + "...\n").encode()  # a document end marker


STYLES = {
    "CR-only line ends": "carriage returns without line feeds",
    "mixed line ends": "mixed line ends",
    "a byte order mark": "a byte order mark",
    "a document start marker": "document markers",
    "a document end marker": "document markers",
}


@pytest.mark.parametrize("style", list(STYLES))
def test_a_change_to_a_file_in_an_unkept_style_is_refused_and_nothing_written(
    tmp_path: Path, style: str
) -> None:
    root, state = copy_knowledge(tmp_path)
    path = root / FILE
    path.write_bytes(_styled(path.read_text(), style))
    store = KnowledgeStore(root, state)
    if style != "CR-only line ends":  # YAML reads a lone CR as a line end too
        assert FACT in load_fact_base(root).facts
    store.load()
    before = snapshot(root)
    with pytest.raises(UnkeptFileStyle) as error:
        store.edit_fact(FACT, {"answer": "Changed."}, base_version=None, actor="a")
    assert FILE in str(error.value)
    assert STYLES[style] in str(error.value)
    assert snapshot(root) == before
    assert store.history() == []
    # Other files are changed as ever.
    store.edit_fact("leica-country", {"answer": "Still editable."}, base_version=None, actor="a")


@pytest.mark.parametrize("ends", ["\n", "\r\n"])
def test_files_with_one_kind_of_line_end_undo_byte_for_byte(tmp_path: Path, ends: str) -> None:
    root, state = copy_knowledge(tmp_path)
    path = root / FILE
    path.write_bytes(path.read_text().replace("\n", ends).encode())
    original = path.read_bytes()
    store = KnowledgeStore(root, state)
    store.load()
    store.edit_fact(FACT, {"answer": "Changed."}, base_version=None, actor="a")
    assert path.read_bytes() != original
    store.undo(actor="a")
    assert path.read_bytes() == original


def _indented(text: str) -> str:
    return "\n".join(f"  {line}" if line else line for line in text.split("\n"))


@pytest.mark.parametrize(
    "layout",
    ["an indented list with a comment", "flow style with a comment", "a comment after a value"],
)
def test_a_file_rewritten_whole_that_holds_a_comment_is_refused_and_nothing_written(
    tmp_path: Path, layout: str
) -> None:
    # A fresh attack on issue 20 item 17: a file that cannot be cut into records (an indented
    # list, flow style) is rewritten whole by its first change: its comments were dropped, and
    # no undo brought them back.
    root, state = copy_knowledge(tmp_path)
    path = root / FILE
    text = path.read_text()
    if layout == "an indented list with a comment":
        styled = "# Huawei and Leica, checked by hand.\n" + _indented(text)
    elif layout == "flow style with a comment":
        records = yaml.safe_load(text)
        styled = "# Checked by hand.\n" + json.dumps(records, ensure_ascii=False) + "\n"
    else:
        styled = _indented(text).replace("  brands:", "  brands: # both of them", 1)
    path.write_text(styled)
    assert FACT in load_fact_base(root).facts
    store = KnowledgeStore(root, state)
    store.load()
    before = snapshot(root)
    with pytest.raises(UnkeptFileStyle) as error:
        store.edit_fact(FACT, {"answer": "Changed."}, base_version=None, actor="a")
    assert "comments in records that cannot be cut apart" in str(error.value)
    assert "- id:" in str(error.value)
    assert snapshot(root) == before
    assert store.history() == []


def test_an_indented_list_without_comments_is_still_changed_and_undone_to_its_records(
    tmp_path: Path,
) -> None:
    root, state = copy_knowledge(tmp_path)
    path = root / FILE
    path.write_text(_indented(path.read_text()))
    records = yaml.safe_load(path.read_text())
    store = KnowledgeStore(root, state)
    store.load()
    store.edit_fact(FACT, {"answer": "Changed."}, base_version=None, actor="a")
    store.undo(actor="a")
    assert yaml.safe_load(path.read_text()) == records
