"""A bare git repository on disk as KNOWLEDGE_REMOTE, made from the shipped knowledge/."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bot.runtime.config import Settings
from bot.runtime.git_remote import open_store
from bot.store import KnowledgeStore
from tests.conftest import KNOWLEDGE

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "maintainer",
    "GIT_AUTHOR_EMAIL": "maintainer@example.invalid",
    "GIT_COMMITTER_NAME": "maintainer",
    "GIT_COMMITTER_EMAIL": "maintainer@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    """Run git as a maintainer would (the tests' own commits and look-ups); its output."""
    done = subprocess.run(
        ["git", "-c", "commit.gpgSign=false", *args],
        cwd=cwd,
        env=GIT_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def bare_remote(tmp_path: Path) -> Path:
    """A bare repository holding the shipped knowledge/ as one commit on `main`."""
    seed = tmp_path / "seed"
    shutil.copytree(KNOWLEDGE, seed)
    git("init", "--quiet", "--initial-branch=main", cwd=seed)
    git("add", "--all", cwd=seed)
    git("commit", "--quiet", "-m", "the shipped knowledge", cwd=seed)
    remote = tmp_path / "remote.git"
    git("clone", "--quiet", "--bare", str(seed), str(remote), cwd=tmp_path)
    return remote


def host_store(tmp_path: Path, remote: Path, host: str) -> KnowledgeStore:
    """One host's store: its own checkout of `remote` (cloned now) and its own STATE_DIR."""
    settings = Settings(
        knowledge_dir=tmp_path / host / "knowledge",
        state_dir=tmp_path / host / "state",
        knowledge_remote=str(remote),
    )
    return open_store(settings)


def maintainer_push(tmp_path: Path, remote: Path, edit: dict[str, tuple[str, str]]) -> None:
    """Commit a hand edit (file: (old text, new text)) in a clone of its own and push it."""
    clone = tmp_path / "maintainer"
    if not clone.exists():
        git("clone", "--quiet", str(remote), str(clone), cwd=tmp_path)
    git("pull", "--quiet", "--ff-only", cwd=clone)
    for name, (old, new) in edit.items():
        path = clone / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    git("commit", "--quiet", "--all", "-m", "a hand edit", cwd=clone)
    git("push", "--quiet", "origin", "HEAD:main", cwd=clone)
