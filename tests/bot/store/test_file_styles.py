"""Files in styles an undo could not restore byte for byte are refused, untouched (issue 20: 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
