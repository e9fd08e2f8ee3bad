"""The feedback store: one vote per person per answer, safe with several processes at once."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from bot.state.feedback import FeedbackLog, Vote


def vote(log: FeedbackLog, voter: int, kind: Vote, *, answer: str = "m1", **extra) -> bool:
    return log.record(
        answer_id=answer,
        voter_id=voter,
        vote=kind,
        fact_id=extra.pop("fact", "leica-country"),
        question=extra.pop("question", "Where is Leica from?"),
        guild_id=7,
        **extra,
    )


def test_a_later_vote_replaces_the_earlier_one(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    assert vote(log, 1, Vote.WRONG, reason="moved")
    assert not vote(log, 1, Vote.WRONG, reason="moved"), "the same vote again is not counted"
    assert vote(log, 1, Vote.HELPFUL)
    assert vote(log, 2, Vote.WRONG, reason="outdated")
    assert vote(log, 3, Vote.WRONG, answer="m2", fact="other", reason="")
    [first, second] = log.summary()
    assert (first.fact_id, first.wrong, first.helpful) == ("leica-country", 1, 1)
    assert first.reasons == ["outdated"], "a changed mind withdraws the reason"
    assert (second.fact_id, second.wrong, second.reasons) == ("other", 1, [])


def test_reasons_and_questions_are_one_clean_line(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    vote(log, 1, Vote.WRONG, reason="a\nb\x00c" + "x" * 500, question="q\r\n?")
    [report] = log.summary()
    assert report.reasons[0].startswith("a b c")
    assert len(report.reasons[0]) == 200
    assert report.questions == ["q ?"]


def test_a_damaged_line_costs_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    log = FeedbackLog(path)
    vote(log, 1, Vote.WRONG)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"answer_id": "m1", "voter_id": "x"\n\xff garbage\n')
    vote(log, 2, Vote.WRONG)
    assert log.summary()[0].wrong == 2


def _press(path: str, voter: int) -> None:
    log = FeedbackLog(Path(path))
    for answer in range(20):
        vote(log, voter, Vote.WRONG, answer=f"m{answer}", reason=f"r{voter}")
        vote(log, voter, Vote.WRONG, answer=f"m{answer}", reason=f"r{voter}")


def test_processes_voting_at_once_lose_nothing_and_count_once(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_press, args=(str(path), n)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 6 * 20, "each repeated press was refused under the lock"
    [report] = FeedbackLog(path).summary()
    assert report.wrong == 120
