"""`camerabot fact …` and `camerabot kb …`: the same store operations on the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from bot.facts.yaml_loading import load_fact_base
from bot.state.feedback import FeedbackLog, Vote
from bot.state.gaps import GapLog
from bot.state.usage import USAGE_FILE, UsageLog
from tests.helpers.store import QUOTE, SOURCE, copy_knowledge, snapshot

QUESTION = "Which German company is Xiaomi's partner?"


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


def add_args() -> list[str]:
    return [
        "--question", QUESTION,
        "--phrasing", "Who does Xiaomi work with?",
        "--phrasing", "Xiaomi's camera partner",
        "--answer", "Xiaomi's partner is Leica, the German camera maker.",
        "--source", SOURCE,
        "--quote", QUOTE,
        "--brand", "xiaomi",
        "--brand", "leica",
    ]  # fmt: skip


def test_fact_add_show_edit_history_remove_and_undo(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(kb, "fact", "add", *add_args()) == 0
    out = capsys.readouterr().out
    assert "added fact which-german-company-is-xiaomi-partner to facts/moderated.yaml" in out
    fact_id = "which-german-company-is-xiaomi-partner"
    fact = load_fact_base(kb[0]).facts[fact_id]
    assert fact.phrasings == ("Who does Xiaomi work with?", "Xiaomi's camera partner")
    assert fact.brands == ("xiaomi", "leica")

    assert run(kb, "fact", "show", fact_id) == 0
    shown = capsys.readouterr().out
    header, _, body = shown.partition("\n")
    assert header.startswith("# facts/moderated.yaml, version ")
    version = header.rsplit(" ", 1)[1]
    assert yaml.safe_load(body)["answer"] == fact.answer

    assert run(kb, "fact", "edit", fact_id, "--answer", "Leica.", "--base-version", version) == 0
    assert "edited fact" in capsys.readouterr().out
    assert run(kb, "fact", "edit", fact_id, "--answer", "Stale.", "--base-version", version) == 1
    assert "changed by someone else" in capsys.readouterr().err
    assert load_fact_base(kb[0]).facts[fact_id].answer == "Leica."

    assert run(kb, "fact", "history", fact_id) == 0
    history = capsys.readouterr().out
    assert "alice  add of fact" in history
    assert "alice  edit of fact" in history
    assert "changed: answer" in history
    assert run(kb, "fact", "history", fact_id, "--json") == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in entries] == ["add", "edit"]
    assert entries[1]["after"]["answer"] == "Leica."
    assert entries[0]["fact_id"] == fact_id

    assert run(kb, "fact", "remove", fact_id) == 0
    assert fact_id not in load_fact_base(kb[0]).facts
    assert run(kb, "kb", "undo") == 0
    assert "undid the remove: fact which-german-company-is-xiaomi-partner is back" in (
        capsys.readouterr().out
    )
    assert load_fact_base(kb[0]).facts[fact_id].answer == "Leica."


def test_fact_add_from_a_file_with_options_on_top(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(
        f"question: {QUESTION}\nanswer: From the file.\nbrands: [xiaomi]\n"
        f"citations:\n- source: {SOURCE}\n  quote: {QUOTE}\n",
        encoding="utf-8",
    )
    assert run(kb, "fact", "add", "--from-file", str(record), "--id", "from-file") == 0
    assert load_fact_base(kb[0]).facts["from-file"].answer == "From the file."
    record.write_text("- id: from-file\n  answer: Edited from the file.\n", encoding="utf-8")
    assert run(kb, "fact", "edit", "from-file", "--from-file", str(record)) == 0
    assert load_fact_base(kb[0]).facts["from-file"].answer == "Edited from the file."


@pytest.mark.parametrize(
    "content",
    [
        "!!python/object/apply:os.system ['touch pwned']\n",
        "question: !!python/object/apply:os.system ['touch pwned']\n",
        "a: &x [*x]\n",
        "[" * 5000,
        "just text\n",
        "- a: 1\n- b: 2\n",
    ],
)
def test_hostile_record_files_are_refused(
    kb: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(content, encoding="utf-8")
    before = snapshot(kb[0])
    assert run(kb, "fact", "add", "--from-file", str(record)) == 1
    assert capsys.readouterr().err.startswith("camerabot: ")
    assert snapshot(kb[0]) == before
    assert not (tmp_path / "pwned").exists()


def test_an_invalid_fact_lists_its_problems(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--question", "Q?", "--answer", "A.", "--source", SOURCE, "--quote", "not there at all"]
    assert run(kb, "fact", "add", *args, "--brand", "nokia") == 1
    err = capsys.readouterr().err
    assert "the change is invalid:" in err
    assert "unknown brand 'nokia'" in err
    assert "quote not found" in err
    assert run(kb, "fact", "edit", "leica-country") == 2
    assert run(kb, "fact", "show", "no-such-fact") == 1
    assert "there is no fact 'no-such-fact'" in capsys.readouterr().err
    assert run(kb, "kb", "undo") == 1
    assert "no change to undo" in capsys.readouterr().err


def test_kb_validate(kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(kb, "kb", "validate") == 0
    assert "valid — 1 sources" in capsys.readouterr().out
    (kb[0] / "facts" / "leica.yaml").write_text("- id: [\n", encoding="utf-8")
    assert run(kb, "kb", "validate") == 1
    assert "facts/leica.yaml:" in capsys.readouterr().out


def test_kb_gaps_most_asked_first_without_answered_ones(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = GapLog(kb[1] / "gaps.jsonl")
    for question in ["Does Sony make phones?"] * 2 + ["Does Nokia make cameras?"] * 3:
        log.record(question)
    log.record("Where is Leica from?")
    assert run(kb, "kb", "gaps") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  (")[0].strip() for line in lines] == [
        "3  Does Nokia make cameras?",
        "2  Does Sony make phones?",
    ]
    assert run(kb, "kb", "gaps", "--limit", "1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_kb_gaps_dismiss_hides_a_question_until_it_is_asked_again(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = GapLog(kb[1] / "gaps.jsonl")
    log.record("free nitro https://example.com/x")
    log.record("Does Sony make phones?")
    assert (
        run(kb, "kb", "gaps", "dismiss", "Free  nitro https://example.com/x", "--reason", "spam")
        == 0
    )
    assert "dismissed: Free nitro https://example.com/x  (reason: spam;" in capsys.readouterr().out
    assert run(kb, "kb", "gaps") == 0
    assert [line.split("  (")[0].strip() for line in capsys.readouterr().out.splitlines()] == [
        "1  Does Sony make phones?"
    ]
    # Who, when and why are kept, in the named values of the state backend.
    stored = json.loads((kb[1] / "values.json").read_text())["gaps.dismissed"]
    assert [(d["question"], d["reason"], d["by"]) for d in stored.values()] == [
        ("Free nitro https://example.com/x", "spam", "alice")
    ]
    # Asked again after the dismissal: listed again, with every time it was asked.
    (dismissal,) = stored.values()
    later = {
        "question": "free nitro https://example.com/x",
        "key": "free nitro https example com x",
    }
    later |= {"at": "2999-01-01T00:00:00+00:00"}
    with (kb[1] / "gaps.jsonl").open("a") as handle:
        handle.write(json.dumps(later) + "\n")
    assert dismissal["at"] < later["at"]
    assert run(kb, "kb", "gaps") == 0
    assert "2  free nitro https://example.com/x" in capsys.readouterr().out


def test_kb_gaps_dismiss_needs_a_reason_and_a_question(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(kb, "kb", "gaps", "dismiss", "you suck")
    assert run(kb, "kb", "gaps", "dismiss", "you suck", "--reason", " \n ") != 0
    assert run(kb, "kb", "gaps", "dismiss", " ?! ", "--reason", "spam") != 0
    assert "needs a question and a reason" in capsys.readouterr().err
    assert not (kb[1] / "values.json").exists()


def test_kb_gaps_add_phrasing_edits_the_fact_and_closes_the_gap(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    question = "how many summers did huawei and leica share"
    log = GapLog(kb[1] / "gaps.jsonl")
    log.record(question)
    log.record("Does Sony make phones?")
    assert run(kb, "kb", "gaps") == 0
    assert question in capsys.readouterr().out

    assert run(kb, "kb", "gaps", "add-phrasing", question, "huawei-leica-duration") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"added {question!r} as a phrasing of huawei-leica-duration")
    fact = load_fact_base(kb[0]).facts["huawei-leica-duration"]
    assert fact.phrasings[-1] == question
    # The fact answers it now; the gap is closed, and why is kept with who and when.
    assert main(["--knowledge", str(kb[0]), "ask", "--json", question]) == 0
    assert json.loads(capsys.readouterr().out)["fact_id"] == "huawei-leica-duration"
    assert run(kb, "kb", "gaps") == 0
    assert question not in capsys.readouterr().out
    stored = json.loads((kb[1] / "values.json").read_text())["gaps.dismissed"]
    assert [(d["question"], d["reason"], d["by"]) for d in stored.values()] == [
        (question, "added as a phrasing of huawei-leica-duration", "alice")
    ]
    # An edit like any other: in the fact's history, and undone by kb undo.
    assert run(kb, "fact", "history", "huawei-leica-duration") == 0
    assert "changed: phrasings" in capsys.readouterr().out
    assert run(kb, "kb", "undo") == 0
    capsys.readouterr()
    assert question not in load_fact_base(kb[0]).facts["huawei-leica-duration"].phrasings


def test_kb_gaps_add_phrasing_refuses_an_unknown_fact_a_repeat_and_a_long_question(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(kb[0])
    assert run(kb, "kb", "gaps", "add-phrasing", "who makes leica lenses", "no-such-fact") == 1
    assert "no-such-fact" in capsys.readouterr().err
    repeat = "How long did the Huawei Leica partnership last?"
    assert run(kb, "kb", "gaps", "add-phrasing", repeat.upper(), "huawei-leica-duration") == 1
    assert "already has the phrasing" in capsys.readouterr().err
    assert run(kb, "kb", "gaps", "add-phrasing", "why " * 60, "huawei-leica-duration") == 1
    assert "phrasing" in capsys.readouterr().err
    assert snapshot(kb[0]) == before
    assert not (kb[1] / "values.json").exists()


def test_kb_feedback_resolve_takes_a_report_off_until_reported_again(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    votes = FeedbackLog(kb[1] / "feedback.jsonl")
    for voter in (1, 2):
        votes.record(
            answer_id="m1", voter_id=voter, vote=Vote.WRONG, fact_id="xiaomi-leica",
            question="who does xiaomi work with", reason="outdated",
        )  # fmt: skip
    votes.record(answer_id="m2", voter_id=3, vote=Vote.WRONG, fact_id="other", question="q")
    assert run(kb, "kb", "feedback", "resolve", "xiaomi-leica") == 0
    assert "resolved 2 report(s) on xiaomi-leica" in capsys.readouterr().out
    assert run(kb, "kb", "feedback", "--json") == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [report["fact_id"] for report in reports] == ["other"]
    # Nothing left to resolve: said so, and a failure.
    assert run(kb, "kb", "feedback", "resolve", "xiaomi-leica") == 1
    assert "no open report on xiaomi-leica" in capsys.readouterr().err
    # A later "wrong" vote lists it again, counting only what came after the resolution.
    lines = (kb[1] / "feedback.jsonl").read_text().splitlines()
    later = json.loads(lines[0]) | {"at": "2999-01-01T00:00:00+00:00", "voter_id": 9}
    (kb[1] / "feedback.jsonl").write_text("\n".join([*lines, json.dumps(later)]) + "\n")
    assert run(kb, "kb", "feedback", "--json") == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["fact_id"], r["wrong"]) for r in reports] == [("xiaomi-leica", 1), ("other", 1)]


def test_kb_feedback_names_the_record_to_edit_and_resolves_reports_on_record_answers(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    votes = FeedbackLog(kb[1] / "feedback.jsonl")
    for voter, entry in enumerate(
        ["partners:xiaomi", "partnership:oneplus-hasselblad", "partnerships:all", "leica-country"]
    ):
        votes.record(answer_id=f"m{voter}", voter_id=voter, vote=Vote.WRONG, fact_id=entry,
                     question="q", reason="outdated")  # fmt: skip
    assert run(kb, "kb", "feedback") == 0
    hints = [line.strip() for line in capsys.readouterr().out.splitlines() if "edit:" in line]
    assert sorted(hints) == [
        "edit: camerabot brand edit xiaomi …",
        "edit: camerabot fact edit leica-country …",
        "edit: camerabot partnership edit ID … (built from every partnership)",
        "edit: camerabot partnership edit oneplus-hasselblad …",
    ]
    for entry in ("partners:xiaomi", "partnership:oneplus-hasselblad"):
        assert run(kb, "kb", "feedback", "resolve", entry) == 0
        assert f"resolved 1 report(s) on {entry}" in capsys.readouterr().out
    assert run(kb, "kb", "feedback", "--json") == 0
    reports = [json.loads(line)["fact_id"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(reports) == ["leica-country", "partnerships:all"]


def test_kb_stats_prints_the_usage_figures_per_server(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(kb, "kb", "stats") == 0
    assert capsys.readouterr().out.splitlines() == ["no questions counted yet"]
    usage = UsageLog(kb[1] / USAGE_FILE)
    for server, answered in [(7, True), (7, False), (9, True), (None, True)]:
        usage.record(server=server, answered=answered)
    assert run(kb, "kb", "stats") == 0
    assert capsys.readouterr().out.splitlines() == [
        "All servers: 4 asked, 3 answered (75%)",
        "7: 2 asked, 1 answered (50%)",
        "9: 1 asked, 1 answered (100%)",
        "direct messages: 1 asked, 1 answered (100%)",
    ]
    assert run(kb, "kb", "stats", "--json") == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first == {"where": "all", "asked": 4, "answered": 3, "answered_share": 0.75}


LATER = Path(__file__).resolve().parents[2] / "data" / "later"


def test_kb_stale_lists_facts_a_newer_source_overtakes_until_one_cites_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, state = tmp_path / "knowledge", tmp_path / "state"
    shutil.copytree(LATER, root)
    later = (root, state)
    assert run(later, "kb", "stale", "--json") == 0
    stale = {
        entry["fact_id"]: entry
        for entry in map(json.loads, capsys.readouterr().out.split("\n")[:-1])
    }
    entry = stale["xiaomi-leica-first-phone-name"]
    assert entry["cited"] == "2022-05-23"
    assert entry["newer"] == ["xiaomi-leica"]
    assert entry["statement"].startswith("as of 14 December 2022, Xiaomi works with Leica.")
    assert "Xiaomi 12S Ultra" in entry["statement"]
    assert "lei-jun-role" not in stale  # about Xiaomi alone: Leica's records do not touch it
    # Citing the December article is what reviews the fact: it is listed no more.
    quote = "The partnership between Xiaomi and Leica is now official and active."
    edit = ["--add-citation", "article-2022-12-14", quote]
    assert run(later, "fact", "edit", "xiaomi-leica-announced", *edit) == 0
    capsys.readouterr()
    assert run(later, "kb", "stale") == 0
    listed = capsys.readouterr().out
    assert "xiaomi-leica-first-phone-name (cites 23 May 2022" in listed
    assert "xiaomi-leica-announced" not in listed


def ask(root: Path, state: Path, question: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The answer `camerabot ask` gives with this knowledge and state."""
    capsys.readouterr()
    assert main(["--knowledge", str(root), "ask", "--json", question]) == 0
    return str(json.loads(capsys.readouterr().out)["answer"])


def test_kb_stale_review_takes_a_fact_off_until_a_newer_source_arrives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = tmp_path / "knowledge", tmp_path / "state"
    shutil.copytree(LATER, root)
    later = (root, state)
    monkeypatch.setenv("STATE_DIR", str(state))  # `ask` reads the reviews from there
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    question = "what does the xiaomi leica partnership cover?"
    assert "Since then, as of 14 December 2022" in ask(root, state, question, capsys)

    assert run(later, "kb", "stale", "review", "xiaomi-leica-scope") == 0
    assert capsys.readouterr().out.startswith(
        "reviewed xiaomi-leica-scope as still true against the sources up to 2022-12-14"
    )
    assert run(later, "kb", "stale") == 0
    listed = capsys.readouterr().out
    assert "xiaomi-leica-scope" not in listed
    assert "xiaomi-leica-first-phone-name (cites 23 May 2022" in listed, "the others stay"
    answer = ask(root, state, question, capsys)
    assert answer.startswith("As reported on 23 May 2022, the two companies")
    assert "Since then" not in answer
    # Who, when and against what, in the state backend's named values.
    kept = json.loads((state / "values.json").read_text())["stale.reviewed"]
    assert {k: (v["by"], v["against"]) for k, v in kept.items()} == {
        "xiaomi-leica-scope": ("alice", "2022-12-14")
    }
    # In the fact's history (the files are not changed: no undo, nothing to commit).
    assert run(later, "fact", "history", "xiaomi-leica-scope") == 0
    history = capsys.readouterr().out.splitlines()
    assert history[0] == "no recorded changes to xiaomi-leica-scope"
    assert history[1].endswith(
        "  alice  reviewed as still true against the sources up to 2022-12-14 (the last review)"
    )
    # Not stale, or no such fact: refused, nothing kept.
    assert run(later, "kb", "stale", "review", "xiaomi-leica-scope") == 1
    assert "is not stale" in capsys.readouterr().err
    assert run(later, "kb", "stale", "review", "no-such-fact") == 1
    assert "no-such-fact" in capsys.readouterr().err

    # A source newer than the review, about the pair: stale again, the note back.
    article = tmp_path / "article.txt"
    article.write_text("Xiaomi and Leica have renewed their partnership.\n", encoding="utf-8")
    add = ["--title", "Renewed", "--date", "2024-01-10", "--id", "renewed"]
    assert main(["--knowledge", str(root), "source", "add", str(article), *add]) == 0
    cite = ["--add-citation", "renewed", "Xiaomi and Leica have renewed their partnership."]
    edit = ["partnership", "edit", "xiaomi-leica", *cite]
    assert main(["--knowledge", str(root), *edit]) == 0
    capsys.readouterr()
    assert run(later, "kb", "stale", "--json") == 0
    stale = {e["fact_id"]: e for e in map(json.loads, capsys.readouterr().out.splitlines())}
    assert stale["xiaomi-leica-scope"]["reviewed"] == "2022-12-14"
    assert stale["xiaomi-leica-scope"]["newest"] == "2024-01-10"
    assert stale["xiaomi-leica-scope"]["statement"].startswith("as of 10 January 2024")
    assert "Since then, as of 10 January 2024" in ask(root, state, question, capsys)


def test_kb_stale_on_one_source_lists_nothing(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(kb, "kb", "stale") == 0
    assert capsys.readouterr().out == "no fact is older than the records of its brands\n"


def test_kb_coverage_lists_the_sentences_nothing_cites_until_a_fact_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, state = tmp_path / "knowledge", tmp_path / "state"
    shutil.copytree(LATER, root)
    later = (root, state)
    sentence = "The first Oppo phone from the partnership will be the Oppo Find X6 Pro."
    assert run(later, "kb", "coverage") == 0
    assert capsys.readouterr().out.splitlines() == [
        "article-2022-12-14 (14 December 2022): 1 sentence(s) no record cites",
        f"    - {sentence}",
    ]
    assert run(later, "kb", "coverage", "--json") == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {"source": "article-2022-12-14", "sentence": sentence}
    # A fact quoting part of the sentence covers it.
    fact = [
        "--question", "What is the first Oppo Hasselblad phone?",
        "--answer", "The Oppo Find X6 Pro.",
        "--source", "article-2022-12-14",
        "--quote", "the Oppo Find X6 Pro",
    ]  # fmt: skip
    assert run(later, "fact", "add", *fact) == 0
    capsys.readouterr()
    assert run(later, "kb", "coverage") == 0
    assert capsys.readouterr().out == "every sentence of the 3 source(s) is cited\n"
