"""A moderator's path, end to end: source add, drafts, accept, reject, then the answers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from benchmarks.drafts import ARTICLES
from benchmarks.moderator_path import PLANS, follow, inprocess_runner
from tests.helpers.store import copy_knowledge

DECEMBER = ARTICLES / "2022-12-14-xiaomi-12s-oppo.txt"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("KNOWLEDGE_DIR", "DISCORD_TOKEN", "KNOWLEDGE_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    root, state = copy_knowledge(tmp_path)
    monkeypatch.setenv("STATE_DIR", str(state))
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    return root, state


def test_the_december_article_goes_from_source_add_to_right_answers(kb) -> None:
    root, _ = kb
    outcome = follow(DECEMBER, inprocess_runner(root))
    # Four commands (add, drafts, accept, reject), 17 drafts read, two fields typed.
    assert (outcome.commands, outcome.drafts, outcome.fields) == (4, 17, 2)
    assert (outcome.accepted, outcome.rejected) == (12, 5)
    right = {question for question, ok, _ in outcome.answers if ok}
    asked = [question for question, _ in PLANS[DECEMBER.stem].questions]
    # The first phone has no field of its own: the answer reads it from the newer quotes that
    # name the launched phone (issue #18 item 1), so every question is answered right.
    assert right == set(asked)
    partnerships = {
        p["id"]: p for p in yaml.safe_load((root / "partnerships.yaml").read_text("utf-8"))
    }
    assert partnerships["xiaomi-leica"]["status"] == "active"
    assert partnerships["oppo-hasselblad"]["citations"][0]["source"] == "article-2022-12-14"
    # The moderator's reading and typing by the model (no machine time: tests are not timed).
    assert outcome.moderator_seconds - outcome.seconds == 4 * 15 + 17 * 10 + 2 * 20
