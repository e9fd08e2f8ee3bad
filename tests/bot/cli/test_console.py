"""Questions the console cannot answer go to /kb gaps, marked as asked there; `ask` never."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli.console import respond, run_console
from bot.cli.main import main
from bot.engine.engine import Engine
from bot.state.gaps import GapLog

UNKNOWN = "Do periscope lenses dream?"


def test_the_console_records_what_it_cannot_answer(engine: Engine, tmp_path: Path) -> None:
    log = GapLog(tmp_path / "gaps.jsonl")
    stdout = io.StringIO()
    run_console(
        engine,
        io.StringIO(f"Where is Leica from?\n{UNKNOWN}\n/ask {UNKNOWN}\n/partner zzz\n"),
        stdout,
        interactive=False,
        gap_log=log,
    )
    [gap] = log.top()
    assert gap.question == UNKNOWN
    assert gap.count == 2
    assert gap.where == frozenset({"console"})


def test_a_state_dir_that_cannot_be_written_does_not_stop_the_console(
    engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("not a directory")
    log = GapLog(tmp_path / "file" / "gaps.jsonl")
    assert respond(engine, UNKNOWN, log).startswith("I don't know")


def test_console_gaps_reach_kb_gaps_but_ask_records_none(
    clean_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{UNKNOWN}\n"))
    assert main(["console"]) == 0
    assert main(["ask", "Which phone has the best battery?"]) in (0, 1)
    lines = (tmp_path / "state" / "gaps.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["where"] for line in lines] == ["console"]
    capsys.readouterr()
    assert main(["kb", "gaps"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert UNKNOWN in line
    assert line.endswith(", in the console)")


def test_kb_gaps_marks_questions_asked_in_the_console() -> None:
    from bot.state.gaps import Gap
    from commands.moderation._render import gaps_embed

    gaps = [
        Gap("Asked in the console?", 1, "2026-01-01", "a", frozenset({"console"})),
        Gap("Asked on Discord?", 1, "2026-01-01", "b", frozenset({"slash", "console"})),
    ]
    lines = (gaps_embed(gaps).description or "").splitlines()
    assert lines[0].endswith("(in the console)")
    assert not lines[1].endswith("(in the console)")
