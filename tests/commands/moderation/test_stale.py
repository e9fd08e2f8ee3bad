"""/kb stale end to end: facts a newer source about their pair may overtake, for moderators."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

LATER = Path(__file__).resolve().parents[2] / "data" / "later"


@pytest.fixture
def mod_kb(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fictional later base: the shipped one and two later articles."""
    root = tmp_path / "knowledge"
    shutil.copytree(LATER, root)
    return root, tmp_path / "state"


@pytest.fixture
def simcord_bot(mod_bot):
    return mod_bot


async def test_stale_lists_facts_with_what_is_newer(simcord_env, channel, moderator):
    result = await moderator.slash(channel, "kb stale")

    messages = [result.response, *result.followups]
    assert all(message.ephemeral for message in messages)
    assert all(len(message.content) <= 2000 for message in messages)
    lines = [line for message in messages for line in message.content.splitlines()]
    first_phone = next(line for line in lines if "xiaomi-leica-first-phone-name" in line)
    assert "cites 23 May 2022" in first_phone
    assert "as of 14 December 2022, Xiaomi works with Leica" in first_phone
    latest = next(line for line in lines if "xiaomi-latest-partner" in line)
    assert "oppo-hasselblad" in latest  # "latest" is judged over every source
    assert not any("lei-jun-role" in line for line in lines)  # one brand, no "only" or "latest"


async def test_a_stale_fact_yields_to_the_records_when_asked(simcord_env, channel, alice):
    result = await alice.slash(
        channel, "ask", question="was the xiaomi 12 ultra the first leica phone?"
    )

    text = result.response.content or result.response.embeds[0].description
    assert "Yes" not in text.split(".")[0]
    assert "the first phone of the Xiaomi–Leica partnership was the Xiaomi 12S Ultra" in text
