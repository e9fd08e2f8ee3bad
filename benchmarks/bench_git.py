"""An edit end to end through KNOWLEDGE_REMOTE: the store's change, its commit and its push.

    python -m benchmarks.bench_git [--edits 60] [--postgres]

Not part of `make bench` (each edit runs four git commands: rev-parse, add, commit, push). The
remote is a bare repository on local disk holding the shipped knowledge/; each edit is a
moderator's `edit_fact` of one fact, timed from the call to the push's return, then the second
host's pull and reload of it. With `--postgres` both hosts keep their run-time state (journal,
history, change lock) in one PostgreSQL server (pgserver, started in a temporary folder), as
hosts on several machines do; without it each host has its STATE_DIR files.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.measure import percentile
from bot.runtime.config import PROJECT_ROOT, Settings
from bot.runtime.git_remote import open_store
from bot.runtime.watcher import KnowledgeWatcher
from bot.state.backend import StateBackend


def _git(*args: str, cwd: Path) -> None:
    env = {"GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    env |= {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


def main() -> None:
    """Time `--edits` edits on host a, and host b's pull of each; print p50/p99/max in ms."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--postgres", action="store_true", help="run-time state in PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        tmp = Path(folder)
        seed = tmp / "seed"
        _git("init", "--quiet", "--initial-branch=main", str(seed), cwd=tmp)
        subprocess.run(["cp", "-r", f"{PROJECT_ROOT / 'knowledge'}/.", str(seed)], check=True)
        _git("add", "--all", cwd=seed)
        _git("commit", "--quiet", "-m", "seed", cwd=seed)
        _git("clone", "--quiet", "--bare", str(seed), str(tmp / "remote.git"), cwd=tmp)
        url = ""
        if args.postgres:
            from tests.helpers.postgres import temporary_postgres  # pgserver only when asked for

            url = stack.enter_context(temporary_postgres()).new_database()
        hosts = []
        for host in ("a", "b"):
            backend: StateBackend | None = None
            if url:
                from bot.state.postgres import PostgresBackend

                backend = PostgresBackend(url, knowledge_dir=tmp / host / "knowledge")
                stack.callback(backend.close)
            settings = Settings(
                knowledge_dir=tmp / host / "knowledge",
                state_dir=tmp / host / "state",
                knowledge_remote=str(tmp / "remote.git"),
            )
            hosts.append(open_store(settings, backend=backend))
        for store in hosts:
            store.load()
        watcher = KnowledgeWatcher(hosts[1])
        edits, pulls = [], []
        for number in range(args.edits):
            store = hosts[0]
            start = time.perf_counter()
            store.edit_fact(
                "leica-country",
                {"answer": f"Leica is a German camera maker (check {number})."},
                base_version=store.version("leica-country"),
                actor="bench",
            )
            edits.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            result = watcher.check()
            pulls.append((time.perf_counter() - start) * 1000)
            assert [fact.id for fact in result.upserted] == ["leica-country"]
    figures = {}
    for name, values in (("edit_and_push", edits), ("pull_and_reload", pulls)):
        ordered = sorted(values)
        figures[name] = {
            "p50_ms": round(percentile(ordered, 0.5), 1),
            "p99_ms": round(percentile(ordered, 0.99), 1),
            "max_ms": round(ordered[-1], 1),
            "n": len(ordered),
        }
    figures["state"] = {"backend": "postgres" if args.postgres else "files"}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
