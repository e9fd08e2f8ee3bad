"""One camerabot host for the two-host tests: the bot without its Discord connection.

Run as `python -m tests.helpers.host_process` with the settings in the environment. It is put
together as `commands.app.run_bot` puts the bot together (the state backend DATABASE_URL names,
the store on its own checkout of KNOWLEDGE_REMOTE, the engine, CamerabotBot and its watch turn
every RELOAD_SECONDS), and serves JSON requests on stdin, one a line, each answered by one JSON
line on stdout, in place of Discord's commands. `Host` starts and drives one from a test.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.errors import CamerabotError
from bot.runtime.config import load_settings
from bot.runtime.git_remote import open_store
from bot.runtime.startup import open_engine
from bot.runtime.state import open_state
from bot.store import KnowledgeStore, StaleEdit
from commands.client import CamerabotBot, create_bot

ROOT = Path(__file__).resolve().parents[2]


def _crash_when(store: KnowledgeStore, point: str, marker: Path) -> None:
    """Stop for good at `point` (for a SIGKILL then), after writing `marker`.

    "fsync:N": in the Nth fsync (1: the new knowledge file written, not swapped in yet; 2: swapped
    in, not yet committed); "pushed": the change's commit is in the remote, its history is not.
    """

    def stop() -> None:
        marker.write_text(point, encoding="utf-8")
        time.sleep(600)

    if point == "pushed":
        writer = store._writer  # the store's own publish step, wrapped
        publish = writer.publish
        assert publish is not None

        def publish_then_stop(entry: Any) -> None:
            publish(entry)
            stop()

        writer.publish = publish_then_stop
        return
    calls = 0
    real_fsync = os.fsync
    crash_at = int(point.removeprefix("fsync:"))

    def fsync(descriptor: int) -> None:
        nonlocal calls
        calls += 1
        if calls == crash_at:
            stop()
        real_fsync(descriptor)

    os.fsync = fsync


def _wait_for(go: Path) -> None:
    """Until the test creates `go`."""
    while not go.exists():
        time.sleep(0.001)


async def _handle(bot: CamerabotBot, request: dict[str, Any], turns: int) -> dict[str, Any]:
    store = bot.store
    op = request["op"]
    if op == "ask":
        answer = bot.engine.ask(request["question"])
        return {"answered": answer.answered, "fact": answer.fact_id, "text": answer.answer}
    if op == "turns":
        return {"turns": turns}
    if op == "version":
        return {"version": await bot.read_knowledge(lambda: store.version(request["fact"]))}
    if op == "history":
        entries = await bot.read_knowledge(lambda: store.history(request.get("fact")))
        return {"history": [[e.actor, e.description, e.before, e.after] for e in entries]}
    if op in ("edit", "undo"):
        if "go" in request:  # both hosts start their change at the same moment
            await asyncio.to_thread(_wait_for, Path(request["go"]))
        actor = request["actor"]
        if op == "undo":
            operation = lambda: store.undo(actor=actor)  # noqa: E731
        else:
            fields = {"answer": request["answer"]}
            version = request.get("version")

            def operation() -> Any:
                if "crash" in request:  # armed under the bot's knowledge lock: this change's
                    _crash_when(store, request["crash"], Path(request["marker"]))
                return store.edit_fact(request["fact"], fields, base_version=version, actor=actor)

        try:
            change = await bot.change_knowledge(operation)
        except StaleEdit as error:
            return {"result": "refused", "error": "StaleEdit", "message": str(error),
                    "record": error.record}  # fmt: skip
        except CamerabotError as error:
            return {"result": "refused", "error": type(error).__name__, "message": str(error)}
        return {"result": "saved", "fact": change.record_id}
    raise ValueError(f"unknown request {op!r}")


async def _serve() -> None:
    settings = load_settings(dict(os.environ))
    backend = open_state(settings)
    store = open_store(settings, backend=backend)
    bot = create_bot(settings, open_engine(store), store=store, auto_sync=False, extensions=())
    turns = 0

    async def watch() -> None:
        nonlocal turns
        while True:
            await bot.watch_knowledge()
            turns += 1
            await asyncio.sleep(settings.reload_seconds)

    watching = asyncio.create_task(watch())
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(json.dumps(await _handle(bot, json.loads(line), turns)), flush=True)
    watching.cancel()
    backend.close()


class Host:
    """A host process started from a test: its own checkout and STATE_DIR under `folder`."""

    def __init__(self, folder: Path, database_url: str, remote: Path, reload_seconds: float):
        self.folder = folder
        self.root = folder / "knowledge"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "KNOWLEDGE_REMOTE": str(remote),
            "KNOWLEDGE_DIR": str(self.root),
            "STATE_DIR": str(folder / "state"),
            "RELOAD_SECONDS": str(reload_seconds),
            "LOG_LEVEL": "WARNING",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.host_process"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.pid = self.read()["ready"]

    def read(self) -> dict[str, Any]:
        """The next reply (the process must be alive to give it)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"host {self.folder.name} ended (exit {self.process.poll()})"
        reply: dict[str, Any] = json.loads(line)
        return reply

    def send(self, op: str, **fields: Any) -> None:
        """Send a request without waiting for its reply."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.process.stdin.flush()

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send a request and wait for its reply."""
        self.send(op, **fields)
        return self.read()

    def ask(self, question: str) -> dict[str, Any]:
        """How the host answers a question now."""
        return self.call("ask", question=question)

    def watch_turns(self, turns: int = 2) -> None:
        """Wait for `turns` watch turns from now: the last began after this call."""
        start = self.call("turns")["turns"]
        deadline = time.monotonic() + 120
        while self.call("turns")["turns"] < start + turns:
            assert time.monotonic() < deadline, "the host stopped watching"
            time.sleep(0.05)

    def edit(self, fact: str, answer: str, actor: str, **fields: Any) -> dict[str, Any]:
        """A moderator's edit of the answer from the version the host serves now."""
        version = self.call("version", fact=fact)["version"]
        return self.call("edit", fact=fact, answer=answer, version=version, actor=actor, **fields)

    def close(self) -> None:
        """End the process: stdin closed (a clean stop), killed if it does not stop."""
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


if __name__ == "__main__":
    asyncio.run(_serve())
