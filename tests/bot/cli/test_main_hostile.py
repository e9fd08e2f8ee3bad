"""The moderators' command line as people use it (issue #10 items 2, 4, 13-15, 17)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.facts.yaml_loading import load_fact_base
from tests.bot.cli.test_moderation import kb, run
from tests.helpers.store import SOURCE, snapshot

__all__ = ["kb"]  # the fixture, imported to be used here

SECOND_QUOTE = "Leica, the German camera manufacturer"


def facts(kb: tuple[Path, Path]) -> dict:
    return load_fact_base(kb[0]).facts


# 14. Edits that clear lists, keep citations, and say when they would drop one.


def test_an_empty_phrasing_or_brand_clears_the_list(kb, capsys) -> None:
    assert facts(kb)["leica-country"].phrasings
    assert run(kb, "fact", "edit", "leica-country", "--phrasing", "", "--brand", "") == 0
    fact = facts(kb)["leica-country"]
    assert (fact.phrasings, fact.brands) == ((), ())


def test_source_and_quote_do_not_silently_drop_a_second_citation(kb, capsys) -> None:
    assert len(facts(kb)["leica-country"].citations) == 2
    before = snapshot(kb[0])
    args = ["--source", SOURCE, "--quote", SECOND_QUOTE]
    assert run(kb, "fact", "edit", "leica-country", *args) == 1
    assert "has 2 citations" in capsys.readouterr().err
    assert snapshot(kb[0]) == before
    assert run(kb, "fact", "edit", "leica-country", *args, "--replace") == 0
    assert len(facts(kb)["leica-country"].citations) == 1


def test_citations_are_added_and_removed_one_by_one(kb, capsys) -> None:
    quote = "Currently, OnePlus has a multi-year partnership"
    assert run(kb, "fact", "edit", "leica-country", "--remove-citation", "1") == 0
    assert [c.quote for c in facts(kb)["leica-country"].citations] == ["German camera-maker Leica"]
    assert run(kb, "fact", "edit", "leica-country", "--add-citation", SOURCE, quote) == 0
    assert [c.quote for c in facts(kb)["leica-country"].citations][-1] == quote
    assert run(kb, "fact", "edit", "leica-country", "--remove-citation", "9") == 1
    assert "citations 1 to 2" in capsys.readouterr().err


# 15. Refusals and messages.


@pytest.mark.parametrize("limit", ["0", "-1", "x", "٣"])
def test_kb_gaps_refuses_a_limit_below_one(kb, capsys, limit: str) -> None:
    with pytest.raises(SystemExit) as exited:
        run(kb, "kb", "gaps", "--limit", limit)
    assert exited.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_history_of_a_fact_that_never_existed(kb, capsys) -> None:
    assert run(kb, "fact", "history", "no-such-fact") == 1
    assert "there is no fact 'no-such-fact'" in capsys.readouterr().err
    assert run(kb, "fact", "history", "leica-country") == 0
    assert "no recorded changes" in capsys.readouterr().out


def test_show_with_a_missing_knowledge_directory_says_so(kb, capsys, tmp_path) -> None:
    missing = (tmp_path / "nowhere", kb[1])
    assert run(missing, "fact", "show", "leica-country") == 1
    assert "does not exist" in capsys.readouterr().err


def test_show_with_broken_files_lists_the_problems(kb, capsys) -> None:
    (kb[0] / "facts" / "leica.yaml").write_text("- id: [\n", encoding="utf-8")
    assert run(kb, "fact", "show", "leica-country") == 1
    err = capsys.readouterr().err
    assert "facts/leica.yaml:" in err
    assert "there is no fact" not in err


# 13 and 17. Undo steps back, redo forward; both show the change first.


def test_undo_twice_then_redo_and_last(kb, capsys) -> None:
    original = snapshot(kb[0])
    assert run(kb, "fact", "edit", "leica-country", "--answer", "One.") == 0
    assert run(kb, "fact", "edit", "leica-country", "--answer", "Two.") == 0
    capsys.readouterr()
    assert run(kb, "kb", "last") == 0
    assert "kb undo would revert:" in capsys.readouterr().out
    assert run(kb, "kb", "undo", "--dry-run") == 0
    assert "undo: " in capsys.readouterr().out
    assert facts(kb)["leica-country"].answer == "Two."
    assert run(kb, "kb", "undo") == 0
    out = capsys.readouterr().out
    assert out.startswith("undo: ")
    assert "alice  edit of fact leica-country" in out
    assert "undid the edit: fact leica-country is restored to its version" in out
    assert run(kb, "kb", "undo") == 0
    assert snapshot(kb[0]) == original
    assert run(kb, "kb", "redo") == 0
    assert "redid the edit" in capsys.readouterr().out
    assert facts(kb)["leica-country"].answer == "One."
    assert run(kb, "fact", "remove", "leica-country") == 0
    assert run(kb, "kb", "undo") == 0
    assert "fact leica-country is back" in capsys.readouterr().out
    assert run(kb, "kb", "redo") == 0
    assert "fact leica-country is removed" in capsys.readouterr().out


# 2. A bad state directory: what is wrong with which path, exit 2, nothing changed.


@pytest.mark.parametrize("kind", ["a file", "read-only"])
def test_a_bad_state_directory_is_named_and_changes_nothing(kb, capsys, kind: str) -> None:
    root, state = kb
    if kind == "a file":
        state.write_text("not a directory", encoding="utf-8")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes to read-only directories")
        state.mkdir()
        state.chmod(0o500)
    before = snapshot(root)
    try:
        assert run(kb, "fact", "edit", "leica-country", "--answer", "Lost.") == 2
        err = capsys.readouterr().err
        assert f"the state directory {state} cannot be used" in err
        assert "Traceback" not in err
        assert run(kb, "kb", "undo") == 2
    finally:
        if state.is_dir():
            state.chmod(0o700)
    assert snapshot(root) == before


# 4. A writer stuck holding the lock: a change waits a bounded time and says who; reads go on.


def test_a_stuck_lock_holder_is_named_and_reads_do_not_wait(kb, capsys) -> None:
    state = kb[1]
    state.mkdir()
    lock = state / "knowledge.lock"
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        # This process stands for the stopped `fact edit`: its line names a live holder.
        os.write(descriptor, f"pid {os.getpid()} since 2026-11-26 14:00:00 UTC\n".encode())
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # as a stopped `fact edit` would hold it
        edit = ["fact", "edit", "leica-country", "--answer", "Waits.", "--wait", "0.2"]
        assert run(kb, *edit) == 1
        err = capsys.readouterr().err
        assert f"held by pid {os.getpid()} since 2026-11-26 14:00:00 UTC" in err
        assert run(kb, "fact", "show", "leica-country") == 0
        assert run(kb, "fact", "history", "leica-country") == 0
        assert run(kb, "kb", "validate") == 0
    finally:
        os.close(descriptor)
    assert run(kb, "fact", "edit", "leica-country", "--answer", "Now.") == 0
    # A released lock keeps no holder line, so none can name a process long gone.
    assert (state / "knowledge.lock").read_text() == ""


# Issue #20 item 9: no traceback for a knowledge path that is a file or a file name not UTF-8.


def test_a_knowledge_path_that_is_a_file_is_named(kb, capsys, monkeypatch) -> None:
    root, state = kb
    monkeypatch.setenv("STATE_DIR", str(state))
    for command in (["ask", "hi"], ["validate"], ["partners"]):
        assert main(["--knowledge", str(root / "sources.yaml"), *command]) == 1
        captured = capsys.readouterr()
        assert "sources.yaml" in captured.err
        assert "is not a directory" in captured.out + captured.err


def test_a_fact_file_name_that_is_not_utf8_is_a_problem_everywhere(kb, capsys, monkeypatch) -> None:
    root, state = kb
    monkeypatch.setenv("STATE_DIR", str(state))
    (root / "facts" / os.fsdecode(b"caf\xe9.yaml")).write_bytes(b"")
    knowledge = ["--knowledge", str(root)]
    assert main([*knowledge, "validate"]) == 1
    captured = capsys.readouterr()
    assert "facts/caf\\xe9.yaml" in captured.out
    assert "file name is not UTF-8" in captured.out
    assert main([*knowledge, "ask", "Where is Leica from?"]) == 1
    assert "file name is not UTF-8" in capsys.readouterr().err
    assert run(kb, "fact", "show", "leica-country") != 0
    assert "file name is not UTF-8" in capsys.readouterr().err
    before = snapshot(root)
    assert run(kb, "fact", "edit", "leica-country", "--answer", "Leica is German.") != 0
    assert "file name is not UTF-8" in capsys.readouterr().err
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("name", "shown", "what"),
    [
        ("evil\nname.yaml", "facts/evil\\nname.yaml", "a line break"),
        ("evil\rname.yaml", "facts/evil\\rname.yaml", "a line break"),
        ("bell\x07.yaml", "facts/bell\\x07.yaml", "U+0007"),
        ("a\u200bb.yaml", "facts/a\\u200bb.yaml", "U+200B ZERO WIDTH SPACE"),
        ("\u202egnp.yaml", "facts/\\u202egnp.yaml", "U+202E"),
        ("tag\U000e0041.yaml", "facts/tag\\U000e0041.yaml", "U+E0041"),
        ("fill\u3164.yaml", "facts/fill\\u3164.yaml", "U+3164"),
        ("line\u2028.yaml", "facts/line\\u2028.yaml", "a line break"),
    ],
)
def test_a_fact_file_name_with_a_line_break_or_an_odd_character_is_a_problem_everywhere(
    kb, capsys, monkeypatch, name: str, shown: str, what: str
) -> None:
    # Issue #20 leftover: "facts/evil<newline>name.yaml" was read, and named on two lines.
    root, state = kb
    monkeypatch.setenv("STATE_DIR", str(state))
    knowledge = ["--knowledge", str(root)]
    assert main([*knowledge, "ask", "Where is Leica from?"]) == 0  # caches made
    (root / "facts" / name).write_bytes((root / "facts" / "leica.yaml").read_bytes())
    capsys.readouterr()
    assert main([*knowledge, "validate"]) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if shown in line)
    assert "the file name holds" in line
    assert what in line, line
    assert "rename it" in line
    assert main([*knowledge, "ask", "Where is Leica from?"]) == 1
    assert shown in capsys.readouterr().err
    assert run(kb, "fact", "show", "leica-country") != 0
    assert shown in capsys.readouterr().err
    before = snapshot(root)
    assert run(kb, "fact", "edit", "leica-country", "--answer", "Leica is German.") != 0
    assert shown in capsys.readouterr().err
    assert run(kb, "fact", "add", "--from-file", str(root / "facts" / name)) != 0
    assert snapshot(root) == before


# Issue #20 item 19: what validate refuses, the bot refuses too.


def test_a_folder_named_like_a_fact_file_is_refused_by_validate_and_the_bot(
    kb, capsys, monkeypatch
) -> None:
    root, state = kb
    monkeypatch.setenv("STATE_DIR", str(state))
    knowledge = ["--knowledge", str(root)]
    assert main([*knowledge, "ask", "Where is Leica from?"]) == 0  # caches made
    (root / "facts" / "d.yaml").mkdir()
    capsys.readouterr()
    assert main([*knowledge, "validate"]) == 1
    out = capsys.readouterr().out
    assert "facts/d.yaml" in out
    assert "is not a file" in out
    assert main([*knowledge, "ask", "Where is Leica from?"]) == 1
    assert "facts/d.yaml" in capsys.readouterr().err


def test_a_linked_usage_or_feedback_log_is_named_with_exit_2(
    kb, capsys, monkeypatch, tmp_path
) -> None:
    # A fresh attack on issue #20's kinds: `kb stats` / `kb feedback` over a linked log.
    root, state = kb
    monkeypatch.setenv("KNOWLEDGE_DIR", str(root))
    monkeypatch.setenv("STATE_DIR", str(state))
    state.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_text("keep")
    for name, command in (("usage.jsonl", "stats"), ("feedback.jsonl", "feedback")):
        (state / name).symlink_to(victim)
        assert main(["kb", command]) == 2
        assert "symbolic link" in capsys.readouterr().err
        (state / name).unlink()
    assert victim.read_text() == "keep"


def test_a_fifo_in_place_of_the_file_hashes_never_hangs_a_question(kb, monkeypatch) -> None:
    root, state = kb
    monkeypatch.setenv("KNOWLEDGE_DIR", str(root))
    monkeypatch.setenv("STATE_DIR", str(state))
    folder = state / "records-cache"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.mkfifo(folder / "digests.json")
    codes: list[int] = []
    asking = threading.Thread(
        target=lambda: codes.append(main(["ask", "Where is Leica from?"])), daemon=True
    )
    asking.start()
    asking.join(timeout=60)  # a hang detector with a generous bound, not a timing
    assert not asking.is_alive(), "a FIFO in place of the file hashes hung the question"
    assert codes == [0]
