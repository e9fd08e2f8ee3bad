"""Damaged or full state files (issue 20 items 12, 13): skipped and reported, never a traceback."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.state.audit import AuditLog
from bot.store.history import JOURNAL_FILE
from tests.helpers.store import copy_knowledge

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("KNOWLEDGE_DIR", "STATE_DIR", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    return copy_knowledge(tmp_path)


def run(kb: tuple[Path, Path], *args: str) -> int:
    root, state = kb
    command, action, *rest = args
    return main(["--knowledge", str(root), command, action, "--state", str(state), *rest])


def edit(kb: tuple[Path, Path], answer: str) -> int:
    return run(kb, "fact", "edit", "leica-country", "--answer", answer)


def _entry_line(kb: tuple[Path, Path]) -> dict[str, object]:
    lines = (kb[1] / "audit.jsonl").read_text().splitlines()
    return json.loads(lines[-1])


BAD_LINES = [
    "position 1e999",
    "position of 5,000 digits",
    "deeply nested",
    "records that are not records",
    "texts that are numbers",
    "an id that is an object",
    "a position that is true",
]


def _damaged(kind: str, entry: dict[str, object]) -> str:
    line = json.dumps(entry)
    position = f'"position": {entry["position"]}'
    if kind == "position 1e999":
        return line.replace(position, '"position": 1e999')
    if kind == "position of 5,000 digits":
        return line.replace(position, '"position": ' + "9" * 5000)
    if kind == "deeply nested":
        return line[:-1] + ', "x": ' + DEEP + "}"
    if kind == "records that are not records":
        return json.dumps({**entry, "after": [1], "before": "x"})
    if kind == "texts that are numbers":
        return json.dumps({**entry, "before_text": 5, "after_text": [1]})
    if kind == "a position that is true":
        return json.dumps({**entry, "position": True})
    return json.dumps({**entry, "id": {"nested": True}})


@pytest.mark.parametrize("kind", BAD_LINES)
def test_a_damaged_audit_line_is_skipped_by_history_and_undo(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    assert edit(kb, "First.") == 0
    assert edit(kb, "Second.") == 0
    log = kb[1] / "audit.jsonl"
    entry = _entry_line(kb)
    with log.open("a") as handle:
        handle.write(_damaged(kind, entry) + "\n")
    capsys.readouterr()
    assert run(kb, "fact", "history", "leica-country") == 0
    out, err = capsys.readouterr()
    assert out.count("edit of fact leica-country") == 2, out  # the damaged line is skipped
    assert run(kb, "kb", "undo") == 0
    assert "First." in (kb[0] / "facts" / "leica.yaml").read_text()
    assert run(kb, "kb", "redo") == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "Second." in (kb[0] / "facts" / "leica.yaml").read_text()


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        ("yesterday", "(not a time: 'yesterday')"),
        ("2026-01-01\nforged  alice  edit of fact x", "(not a time: '2026-01-01\\nforged  alice"),
        ("\x1b[2J\x1b[31m", "(not a time: '\\x1b[2J\\x1b[31m')"),
        ("\u202e2026", "(not a time: '\\u202e2026')"),
        ("2026-01-01T00:00:00", "(not a time: '2026-01-01T00:00:00')"),
        ("9999-12-31T23:59:59-23:59", "(not a time: '9999-12-31T23:59:59-23:59')"),
        ("9" * 5000, "(not a time: '" + "9" * 40 + "…')"),
    ],
)
def test_an_audit_time_that_is_no_time_is_marked_and_escaped(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str], at: str, shown: str
) -> None:
    # Issue #20 leftover 3: `at` is shown where it is read (history, kb last, undo), marked
    # when it is no time, on one line, with no terminal escape or line break let through.
    assert edit(kb, "First.") == 0
    log = kb[1] / "audit.jsonl"
    entry = _entry_line(kb)
    actor = "mallory\x1b]0;owned\x07\nforged"
    log.write_text(json.dumps({**entry, "at": at, "actor": actor}) + "\n", encoding="utf-8")
    capsys.readouterr()
    for command in (("fact", "history", "leica-country"), ("kb", "last"), ("kb", "undo")):
        assert run(kb, *command) == 0
        out, err = capsys.readouterr()
        assert shown in out, out
        assert "\x1b" not in out + err
        assert "\x07" not in out + err
        assert "\u202e" not in out
        assert "mallory\\x1b]0;owned\\x07\\nforged" in out
        assert not any(line.startswith("forged") for line in out.splitlines())
    assert "Leica is a German camera maker." in (kb[0] / "facts" / "leica.yaml").read_text()


def test_an_audit_time_that_is_one_is_shown_as_written(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert edit(kb, "First.") == 0
    at = _entry_line(kb)["at"]
    capsys.readouterr()
    assert run(kb, "fact", "history", "leica-country") == 0
    assert capsys.readouterr().out.startswith(f"{at}  alice  edit of fact leica-country")


JOURNALS = {
    "not JSON": b"{",
    "1e999": b'{"position": 1e999}',
    "deeply nested": DEEP.encode(),
    "a list": b"[]",
    "a directory": None,
    "a file that is not in the base": json.dumps(
        {
            "id": "x",
            "at": "2026",
            "actor": "a",
            "action": "edit",
            "kind": "fact",
            "fact_id": "leica-country",
            "file": "facts/../../../outside.yaml",
            "position": 0,
            "before": None,
            "after": {"id": "leica-country"},
        }
    ).encode(),
}


@pytest.mark.parametrize("kind", list(JOURNALS))
def test_a_bad_journal_never_stops_ask_and_is_reported_to_changes(
    kb: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    root, state = kb
    state.mkdir()
    journal = state / JOURNAL_FILE
    data = JOURNALS[kind]
    if data is None:
        journal.mkdir()
    else:
        journal.write_bytes(data)
    monkeypatch.setenv("STATE_DIR", str(state))
    code = main(["--knowledge", str(root), "ask", "Where is Leica from?"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "German" in out
    assert "Traceback" not in err
    code = edit(kb, "Edited.")
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code in (0, 1, 2)
    if code == 0:  # a journal that could be judged damaged is gone, and the change made
        assert "Edited." in (root / "facts" / "leica.yaml").read_text()
    else:
        assert "journal" in err


def test_a_nested_line_in_the_gaps_log_is_skipped(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    state = kb[1]
    state.mkdir()
    gaps = state / "gaps.jsonl"
    line = {"question": "Who makes lenses?", "key": "who makes lenses", "at": "2026-01-01"}
    gaps.write_text(DEEP + "\n" + json.dumps(line) + "\n" + '{"at": 1e999}\n')
    assert run(kb, "kb", "gaps") == 0
    out, err = capsys.readouterr()
    assert "Who makes lenses?" in out
    assert "Traceback" not in err


def test_a_full_disk_during_the_audit_append_exits_2_saying_so(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 20 item 13: the change was made, a traceback logged, and the exit status was 0.
    def full(log: AuditLog, entry: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AuditLog, "append", full)
    code = edit(kb, "Made, history waiting.")
    _, err = capsys.readouterr()
    monkeypatch.undo()
    assert code == 2
    assert "Traceback" not in err
    assert "No space left on device" in err
    assert "history" in err
    assert "Made, history waiting." in (kb[0] / "facts" / "leica.yaml").read_text()
    # The next command writes the waiting history.
    assert run(kb, "fact", "history", "leica-country") == 0
    assert "edit of fact leica-country" in capsys.readouterr().out
