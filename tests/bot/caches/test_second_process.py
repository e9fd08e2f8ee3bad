"""A second interpreter answers one request in frames; any failure of it is None, and logged."""

from __future__ import annotations

import gc
import io
import logging
import pickle
import subprocess
import threading
from typing import Any

import pytest

from bot.caches import second_process
from bot.caches.second_process import SecondProcess, frames_of, pickled, serve, unpickled

CHILD = "tests.helpers.child_process"


def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands of the processes started from now on (each still started for real)."""
    commands: list[list[str]] = []
    popen = subprocess.Popen

    def recording(command: list[str], **kwargs: Any) -> Any:
        commands.append(command)
        return popen(command, **kwargs)

    monkeypatch.setattr(second_process.subprocess, "Popen", recording)
    return commands


def test_the_childs_answer_is_every_frame_it_wrote_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands = started(monkeypatch)
    threads = set(threading.enumerate())
    child = SecondProcess(CHILD, ["double", [1, 2], ["a"], []])
    talking = set(threading.enumerate()) - threads
    assert child.answer() == [4, [2, 4], ["aa"], []]
    assert len(commands) == 1
    # Isolated: neither the working directory nor PYTHONPATH comes before the package's folder.
    assert commands[0][1:3] == ["-I", "-c"]
    assert commands[0][-1] == second_process._PACKAGE_PARENT
    # The thread talking to the child never keeps the interpreter from ending.
    assert talking <= {t for t in talking if t.daemon}


def test_a_large_request_and_answer_cross_the_pipes_whole() -> None:
    # More than a pipe's buffer each way: the answer is read while the request is written.
    frames = [list(range(n, n + 50_000)) for n in range(0, 200_000, 50_000)]
    answer = SecondProcess(CHILD, ["double", *frames]).answer()
    assert answer == [5, *([item * 2 for item in frame] for frame in frames)]


def test_a_child_that_fails_after_answering_gives_none(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=second_process.__name__)
    assert SecondProcess(CHILD, ["fail after answering"]).answer() is None
    assert [r.getMessage() for r in caplog.records] == ["the second process ended with 3"]


def test_a_child_whose_module_cannot_run_gives_none(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=second_process.__name__)
    assert SecondProcess("tests.helpers.no_such_module", ["double"]).answer() is None
    assert [r.getMessage() for r in caplog.records] == ["the second process ended with 1"]


def test_a_child_answering_what_is_no_frame_gives_none_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert SecondProcess(CHILD, ["garbage"]).answer() is None
    with pytest.raises(pickle.UnpicklingError) as error:
        pickle.loads(b"hello\n")  # what the child wrote: its error, to name
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == f"the second process's answer could not be read: {error.value!r}"


def test_a_child_that_ends_well_without_a_word_answers_no_frames() -> None:
    assert SecondProcess(CHILD, ["silent"]).answer() == []


@pytest.mark.parametrize("count", [0, 1, 3, 4, 5, 7])
def test_items_go_in_frames_of_frame_items_exactly(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(second_process, "FRAME", 3)
    items = tuple(range(count))
    frames = list(frames_of(items))
    assert all(type(frame) is list for frame in frames)
    last = [count % 3] if count % 3 else []
    assert [len(frame) for frame in frames] == [3] * (count // 3) + last
    assert [item for frame in frames for item in frame] == list(items)


def test_each_frame_is_pickled_on_its_own_with_the_highest_protocol() -> None:
    frames: list[object] = [[1, "a"], None, {"k": (2,)}]
    data = pickled(frames)
    assert data == b"".join(pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL) for f in frames)
    assert unpickled(io.BytesIO(data)) == frames
    assert unpickled(io.BytesIO(b"")) == []


def test_the_child_side_answers_each_frame_of_work_pickled_on_its_own() -> None:
    seen: list[list[Any]] = []

    def work(frames: list[Any]) -> list[object]:
        seen.append(frames)
        return [frames[0] * 2, "x"]

    out = io.BytesIO()
    collecting = gc.isenabled()
    try:
        serve(work, io.BytesIO(pickled([21, [1]])), out)
    finally:
        if collecting:
            gc.enable()  # the child's side turns collection off for good
    assert seen == [[21, [1]]]
    expected = [42, "x"]
    assert out.getvalue() == b"".join(
        pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL) for f in expected
    )
