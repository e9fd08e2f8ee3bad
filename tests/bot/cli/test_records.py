"""`camerabot source|brand|partnership …` and `kb export|import` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.helpers.store import SOURCE, copy_knowledge, snapshot

ARTICLE = (
    "Oppo has announced a partnership with Swedish camera maker Hasselblad.\n"
    "The first phone from the partnership will be the Oppo Find X6 Pro, due in March 2023.\n"
)
QUOTE = "Oppo has announced a partnership with Swedish camera maker Hasselblad."


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("KNOWLEDGE_DIR", "STATE_DIR", "DISCORD_TOKEN", "KNOWLEDGE_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    return copy_knowledge(tmp_path)


def run(kb: tuple[Path, Path], *args: str) -> int:
    root, state = kb
    command, action, *rest = args
    return main(["--knowledge", str(root), command, action, "--state", str(state), *rest])


def add_oppo(kb: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "oppo.txt").write_text(ARTICLE, encoding="utf-8")
    source = [
        "source", "add", str(tmp_path / "oppo.txt"),
        "--title", "Oppo teams up with Hasselblad", "--date", "2022-12-14", "--id", "oppo-article",
    ]  # fmt: skip
    brand = [
        "brand", "add", "oppo", "--name", "Oppo", "--kind", "phone_maker",
        "--device", "Oppo Find X6 Pro=Find X6 Pro",
    ]  # fmt: skip
    partnership = [
        "partnership", "add", "--phone-maker", "oppo", "--camera-maker", "hasselblad",
        "--status", "announced", "--cite", "oppo-article", QUOTE,
    ]  # fmt: skip
    for args in (source, brand, partnership):
        assert run(kb, *args) == 0


def test_records_added_on_the_command_line_are_answered_by_the_next_command(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = kb[0]
    assert main(["--knowledge", str(root), "partner", "Oppo"]) == 1
    add_oppo(kb, tmp_path)
    out = capsys.readouterr().out
    assert "added source oppo-article to sources.yaml" in out
    assert "added brand oppo in brands.yaml" in out
    assert "added partnership oppo-hasselblad in partnerships.yaml" in out
    assert main(["--knowledge", str(root), "partner", "Oppo"]) == 0
    assert "Hasselblad" in capsys.readouterr().out
    assert main(["--knowledge", str(root), "ask", "--json", "who works with hasselblad?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert "Oppo" in answer["answer"]
    assert "OnePlus" in answer["answer"]


def test_show_edit_and_history_of_each_kind(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_oppo(kb, tmp_path)
    capsys.readouterr()
    assert run(kb, "brand", "edit", "oppo", "--country", "China", "--alias", "OPPO") == 0
    edit = ["partnership", "edit", "oppo-hasselblad", "--status", "active", "--summary", "New."]
    assert run(kb, *edit) == 0
    assert run(kb, "source", "edit", SOURCE, "--url", "https://example.com/article") == 0
    capsys.readouterr()
    assert run(kb, "brand", "show", "oppo") == 0
    shown = capsys.readouterr().out
    assert shown.startswith("# brands.yaml, version ")
    assert "country: China" in shown
    assert run(kb, "partnership", "show", "oppo-hasselblad") == 0
    assert "status: active" in capsys.readouterr().out
    assert run(kb, "source", "show", "oppo-article", "--page", "1") == 0
    shown = capsys.readouterr().out
    assert "# text, page 1 of 1" in shown
    assert ARTICLE in shown
    assert run(kb, "brand", "history", "oppo") == 0
    history = capsys.readouterr().out
    assert "add of brand oppo" in history
    assert "edit of brand oppo" in history
    assert run(kb, "partnership", "history", "oppo-hasselblad", "--json") == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in entries] == ["add", "edit"]
    assert entries[1]["partnership_id"] == "oppo-hasselblad"


def test_bad_input_names_what_is_wrong_and_changes_nothing(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_oppo(kb, tmp_path)
    before = snapshot(kb[0])
    capsys.readouterr()
    typo = QUOTE.replace("Hasselblad", "Hassleblad")
    edit = ["partnership", "edit", "oppo-hasselblad", "--add-citation", "oppo-article", typo]
    assert run(kb, *edit) == 1
    assert f"the nearest passage is: {QUOTE!r}" in capsys.readouterr().err
    assert run(kb, "brand", "add", "sony", "--name", "Sony") == 1
    assert "kind" in capsys.readouterr().err
    assert run(kb, "brand", "edit", "nokia", "--country", "Finland") == 1
    assert "there is no brand 'nokia'" in capsys.readouterr().err
    assert run(kb, "source", "remove", "oppo-article") == 1
    assert "still cited by the partnerships oppo-hasselblad" in capsys.readouterr().err
    assert run(kb, "source", "edit", SOURCE, "--date", "2022-13-40") == 1
    assert "date" in capsys.readouterr().err
    stale = ["partnership", "edit", "oppo-hasselblad", "--base-version", "0" * 16]
    assert run(kb, *stale, "--status", "ended") == 1
    assert "was changed by someone else" in capsys.readouterr().err
    assert snapshot(kb[0]) == before


def test_undo_and_redo_cover_records(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(kb[0])
    add_oppo(kb, tmp_path)
    after = snapshot(kb[0])
    capsys.readouterr()
    for _ in range(3):
        assert run(kb, "kb", "undo") == 0
    out = capsys.readouterr().out
    assert "undid the add: partnership oppo-hasselblad is removed" in out
    assert "undid the add: brand oppo is removed" in out
    assert snapshot(kb[0]) == before
    for _ in range(3):
        assert run(kb, "kb", "redo") == 0
    assert snapshot(kb[0]) == after


def test_kb_export_then_import_restores_the_files_byte_for_byte(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = snapshot(kb[0])
    archive = tmp_path / "kb.zip"
    assert run(kb, "kb", "export", str(archive)) == 0
    add_oppo(kb, tmp_path)
    assert run(kb, "brand", "edit", "leica", "--country", "Austria") == 0
    capsys.readouterr()
    assert run(kb, "kb", "import", str(archive)) == 0
    assert "sources/oppo-article.txt" in capsys.readouterr().out
    assert snapshot(kb[0]) == original
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    assert run(kb, "kb", "import", str(tmp_path / "bad.zip")) == 1
    assert "not a zip archive" in capsys.readouterr().err
    assert snapshot(kb[0]) == original
