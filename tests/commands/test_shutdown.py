"""Stopping the bot: SIGTERM (docker stop, systemctl stop) closes it cleanly and exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The real `run_bot`, except that the gateway connection is a wait (no network): the bot is
# "connected" once it prints READY; close() is the real one, and reports that it ran.
SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys
    from pathlib import Path
    from commands import app, client
    from bot.runtime.config import Settings
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    original_close = app.CamerabotBot.close

    async def start(self, token, *, reconnect=True):
        self.watch_loop = client.loop(seconds=60)(self.watch_knowledge)
        self.watch_loop.start()
        print("READY", flush=True)
        while not self.is_closed():  # like the gateway loop, which ends once closed
            await asyncio.sleep(0.01)

    async def close(self):
        loop = self.watch_loop
        await original_close(self)
        print("CLOSED watcher-stopped=%s" % (loop is not None and not loop.is_running()),
              flush=True)

    app.CamerabotBot.start = start
    app.CamerabotBot.close = close
    settings = Settings(
        discord_token="not-a-real-token",
        knowledge_dir=Path(sys.argv[1]),
        state_dir=Path(sys.argv[2]),
        shard_count=1,
    )
    sys.exit(app.run_bot(settings))
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_closes_the_bot_and_exits_zero(tmp_path: Path, signum: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(ROOT / "knowledge"), str(tmp_path / "state")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "READY"
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "CLOSED watcher-stopped=True" in out
    assert f"received {signal.Signals(signum).name}: shutting down" in err
    assert "shut down cleanly" in err
    assert "Traceback" not in err
