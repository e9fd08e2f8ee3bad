"""KNOWLEDGE_REMOTE: knowledge/ as a git checkout, each moderator's change a pushed commit.

Every host keeps its own checkout and its own STATE_DIR; the remote is what they share. The
store (`bot.store.remote.KnowledgeRemote`) calls `pull` before each change and each reload poll,
and `publish` after a change wrote its files and before its history is appended:

- the change becomes one commit (author: the moderator; message: what changed) pushed to the
  remote's branch;
- a push the remote rejects means another host pushed first: the checkout is reset to the
  remote and `RemoteMoved` makes the store compute the change again from the new files, with its
  usual version check (a stale edit is refused, anything else is redone on top);
- a remote that cannot be reached resets the checkout to the commit before the change and
  refuses it (`RemoteUnavailable`); answers keep coming from what is served.

git itself does the work (`subprocess`, no shell, a timeout on every call). The system git
configuration is ignored and the settings that would change what is committed or pushed (hooks,
signing, line endings, the committer) are given on each call, so the host's configuration cannot
change what lands in the remote; the user's credentials configuration is still used to reach it.
The checkout is the remote's: edits by hand belong in the remote (a pull request), since a pull
resets knowledge/ to the remote's branch.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
from pathlib import Path

from bot.runtime.config import Settings
from bot.state.audit import AuditEntry, clean_actor
from bot.state.backend import StateBackend
from bot.store.errors import RemoteMoved, RemoteUnavailable
from bot.store.knowledge_store import LOCK_TIMEOUT, KnowledgeStore

log = logging.getLogger(__name__)

# Seconds a local git command may take (commit, reset) and one that talks to the remote.
LOCAL_TIMEOUT = 30.0
NETWORK_TIMEOUT = 20.0
COMMITTER_NAME = "camerabot"
COMMITTER_EMAIL = "camerabot@localhost"
# Settings given on every call, whatever the host's or the user's git configuration says.
_FIXED_CONFIG = (
    "core.hooksPath=/dev/null",
    "commit.gpgSign=false",
    "core.autocrlf=false",
    "core.safecrlf=false",
    "advice.detachedHead=false",
    "gc.auto=0",
    # Not even the check: a commit would start `git maintenance run --auto`, one more process.
    "maintenance.auto=false",
)
# A moderator's name as a commit author: no angle brackets or line breaks git would refuse.
_NOT_IN_AUTHOR = re.compile(r"[<>\n\r]")


def _remote_text(url: str) -> str:
    """The remote's url without a password, fit for a log line or a moderator's message."""
    return re.sub(r"//[^/@]*@", "//", url)


class GitRemote:
    """A knowledge directory kept as a checkout of a git remote (see the module docstring)."""

    def __init__(
        self, url: str, checkout: Path, *, network_timeout: float = NETWORK_TIMEOUT
    ) -> None:
        self.url = url
        self.checkout = Path(checkout)
        self.network_timeout = network_timeout
        self.branch = ""

    # Running git

    def _env(self, actor: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_TERMINAL_PROMPT="0",
            GIT_ASKPASS="",
            LC_ALL="C",
            GIT_COMMITTER_NAME=COMMITTER_NAME,
            GIT_COMMITTER_EMAIL=COMMITTER_EMAIL,
            GIT_AUTHOR_NAME=COMMITTER_NAME,
            GIT_AUTHOR_EMAIL=COMMITTER_EMAIL,
        )
        if actor is not None:
            name = _NOT_IN_AUTHOR.sub(" ", clean_actor(actor)).strip()
            env["GIT_AUTHOR_NAME"] = name or "unknown"
            env["GIT_AUTHOR_EMAIL"] = "moderator@camerabot.invalid"
        return env

    def _git(
        self,
        *args: str,
        network: bool = False,
        actor: str | None = None,
        cwd: Path | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run one git command in the checkout; RemoteUnavailable when it fails or hangs."""
        command = ["git"]
        for setting in _FIXED_CONFIG:
            command += ["-c", setting]
        command += list(args)
        timeout = self.network_timeout if network else LOCAL_TIMEOUT
        try:
            done = subprocess.run(  # a fixed argument list, no shell
                command,
                cwd=cwd or self.checkout,
                env=self._env(actor),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise RemoteUnavailable(
                f"the knowledge remote {_remote_text(self.url)} did not answer within "
                f"{timeout:g} s (git {args[0]}); nothing was changed, try again later"
            ) from None
        except OSError as error:
            raise RemoteUnavailable(f"git cannot be run: {error.strerror or error}") from None
        if check and done.returncode != 0:
            raise RemoteUnavailable(
                f"the knowledge remote {_remote_text(self.url)} cannot be used (git {args[0]}: "
                f"{_last_line(done.stderr)}); nothing was changed, try again later"
            )
        return done

    def _head(self) -> str:
        return self._git("rev-parse", "HEAD").stdout.strip()

    # Setting up

    def ensure_checkout(self) -> None:
        """Clone the remote into the knowledge directory if it is not a checkout yet.

        RemoteUnavailable when it cannot be cloned, or when the directory holds something else.
        """
        if (self.checkout / ".git").exists():
            self.branch = self._git("symbolic-ref", "--short", "HEAD").stdout.strip()
            return
        if self.checkout.exists() and any(self.checkout.iterdir()):
            raise RemoteUnavailable(
                f"KNOWLEDGE_REMOTE is set but {self.checkout} is not a git checkout and not "
                "empty: move it away (the remote is cloned there) or unset KNOWLEDGE_REMOTE"
            )
        self.checkout.parent.mkdir(parents=True, exist_ok=True)
        log.info("cloning %s into %s", _remote_text(self.url), self.checkout)
        self._git(
            "clone", "--quiet", "--", self.url, str(self.checkout),
            network=True, cwd=self.checkout.parent,
        )  # fmt: skip
        self.branch = self._git("symbolic-ref", "--short", "HEAD").stdout.strip()

    # What the store calls

    def pull(self) -> bool:
        """Fetch the branch and reset the checkout to it when it moved; whether it moved."""
        if not self.branch:
            self.ensure_checkout()
        self._git("fetch", "--quiet", "origin", self.branch, network=True)
        # Both commits from one git run: each run is a process start, the bulk of an edit's time.
        remote, head = self._git("rev-parse", "FETCH_HEAD", "HEAD").stdout.split()
        if remote == head:
            return False
        self._git("reset", "--quiet", "--hard", remote)
        log.info("knowledge/ pulled from the remote (now %s)", remote[:12])
        return True

    def publish(self, entry: AuditEntry) -> None:
        """Commit what the change wrote and push it (see the module docstring)."""
        before = self._head()
        self._git("add", "--all", "--", ".")
        by = clean_actor(entry.actor)
        message = f"{entry.description}\n\nBy {by}; camerabot change {entry.id}."
        try:
            committed = self._git(
                "commit", "--quiet", "--no-verify", "-m", message, actor=entry.actor, check=False
            )
            if committed.returncode != 0:
                # Asked only when the commit fails (one git run fewer on every edit).
                if self._git("diff", "--cached", "--quiet", check=False).returncode == 0:
                    return  # the change left the files as they were: nothing to push
                raise RemoteUnavailable(
                    f"the change could not be committed to the knowledge checkout "
                    f"({_last_line(committed.stderr)}); nothing was changed, try again later"
                )
            pushed = self._git(
                "push", "--porcelain", "origin", f"HEAD:refs/heads/{self.branch}",
                network=True, check=False,
            )  # fmt: skip
        except RemoteUnavailable:
            self._put_back(before)
            raise
        if pushed.returncode == 0:
            return
        if "[rejected]" in pushed.stdout:  # --porcelain: another host's commit is there first
            log.info("the remote moved before %s could be pushed; computing it again", entry.id)
            self._put_back(before)
            with contextlib.suppress(RemoteUnavailable):  # the retry's own pull says so
                self.pull()
            raise RemoteMoved(entry.file)
        self._put_back(before)
        raise RemoteUnavailable(
            f"the knowledge remote {_remote_text(self.url)} cannot be used (git push: "
            f"{_last_line(pushed.stderr)}); nothing was changed, try again later"
        )

    def published(self, entry: AuditEntry) -> bool:
        """Put the checkout back as the remote has it; whether it holds `entry`'s commit."""
        if not self.branch:
            self.ensure_checkout()
        self._git("fetch", "--quiet", "origin", self.branch, network=True)
        self._put_back("FETCH_HEAD")
        # The commit names the change (publish's message): found, the push got through.
        found = self._git(
            "log", "--fixed-strings", f"--grep=camerabot change {entry.id}.", "--format=%H",
            "-1", "HEAD",
        )  # fmt: skip
        return bool(found.stdout.strip())

    def _put_back(self, commit: str) -> None:
        """The checkout as at `commit`: a change that did not reach the remote leaves nothing."""
        self._git("reset", "--quiet", "--hard", commit)
        self._git("clean", "--quiet", "-d", "--force")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"


def open_store(
    settings: Settings,
    knowledge_dir: Path | None = None,
    state_dir: Path | None = None,
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    backend: StateBackend | None = None,
) -> KnowledgeStore:
    """The store for the settings' knowledge/: a checkout of KNOWLEDGE_REMOTE when it is set.

    With a remote the checkout is cloned first if missing (RemoteUnavailable if it cannot be).
    """
    knowledge = knowledge_dir or settings.knowledge_dir
    state = state_dir or settings.state_dir
    remote = None
    if settings.knowledge_remote:
        remote = GitRemote(settings.knowledge_remote, knowledge)
        remote.ensure_checkout()
    return KnowledgeStore(
        knowledge, state, lock_timeout=lock_timeout, remote=remote, backend=backend
    )
