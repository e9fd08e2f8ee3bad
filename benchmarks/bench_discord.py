"""Time inside the bot from an interaction's arrival to its response: /ask, autocomplete, a
feedback button and the "Ask camerabot" message command.

The real bot runs on the shipped fact base inside simcord (offline). The clock starts when the
gateway hands INTERACTION_CREATE to discord.py and stops when the bot hands its response to the
HTTP layer, so it covers parsing, dispatch, the engine, rendering and serialisation, and none of
the simulator's own work.

    .venv/bin/python -m benchmarks.bench_discord
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import simcord
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.engine.engine import Engine
from bot.facts.text import fold
from bot.facts.yaml_loading import load_fact_base
from bot.runtime.config import DEFAULT_KNOWLEDGE_DIR, Settings
from commands.app import CamerabotBot, create_bot

ROUNDS = 300
WARM_UP = 20
TARGET_P99_MS = 20.0
UNKNOWN = (
    "What do penguins think of periscope lenses?",
    "Which phone has the best battery?",
    "leica phone",
    "who makes lenses",
)


def ask_questions(engine: Engine, count: int) -> list[str]:
    """Questions as users type them: fact phrasings, lower-cased variants, brands and unknowns."""
    pool: list[str] = []
    for fact in engine.base.facts.values():
        pool += list(fact.questions)
        pool.append(fold(fact.question))
    pool += [f"who does {b.name} work with?" for b in engine.base.brands.values()]
    pool += list(UNKNOWN)
    return [pool[i % len(pool)] for i in range(count)]


def autocomplete_inputs(engine: Engine, count: int) -> list[str]:
    """What users type into the brand option: prefixes, typos, and nothing."""
    pool = [""]
    for brand in engine.base.brands.values():
        for name in brand.names:
            pool += [name[:n] for n in range(1, len(name) + 1)]
            if len(name) > 3:
                pool.append(name[:2] + name[3:])  # a dropped letter
    return [pool[i % len(pool)] for i in range(count)]


class _Stopwatch:
    """Arrival and response times per interaction id."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.answered: dict[int, float] = {}

    def elapsed_ms(self, ids: list[int]) -> list[float]:
        return [(self.answered[i] - self.arrived[i]) * 1000 for i in ids if i in self.answered]


def _instrument(bot: CamerabotBot, watch: _Stopwatch) -> Callable[[], None]:
    """Start the clock at INTERACTION_CREATE and stop it at the response; returns an undo."""
    parsers = bot._connection.parsers
    parse = parsers["INTERACTION_CREATE"]

    def timed_parse(data: dict[str, Any]) -> None:
        watch.arrived[int(data["id"])] = time.perf_counter()
        parse(data)

    respond = AsyncWebhookAdapter.create_interaction_response

    def timed_respond(self: Any, interaction_id: int, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        watch.answered.setdefault(int(interaction_id), time.perf_counter())
        return respond(self, interaction_id, *args, **kwargs)

    parsers["INTERACTION_CREATE"] = timed_parse
    AsyncWebhookAdapter.create_interaction_response = timed_respond  # type: ignore[method-assign]

    def undo() -> None:
        parsers["INTERACTION_CREATE"] = parse
        AsyncWebhookAdapter.create_interaction_response = respond  # type: ignore[method-assign]

    return undo


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ordered[-1], 3),
    }


async def _measure(engine: Engine, state_dir: Path, rounds: int) -> dict[str, dict[str, float]]:
    settings = Settings(
        state_dir=state_dir, shard_count=1, cooldown_rate=1_000_000, cooldown_seconds=1.0
    )
    bot = create_bot(settings, engine)
    watch = _Stopwatch()
    async with simcord.run(bot) as env:
        guild = env.create_guild("bench")
        channel = guild.create_text_channel("general")
        user = guild.add_member(env.create_user("bench"))
        undo = _instrument(bot, watch)
        try:
            ask_ids: list[int] = []
            answers = []
            for question in ask_questions(engine, rounds + WARM_UP):
                before = set(watch.arrived)
                result = await user.slash(channel, "ask", question=question)
                ask_ids += sorted(set(watch.arrived) - before)
                if result.response.embeds and len(answers) < rounds + WARM_UP:
                    answers.append(result.response)
            # A vote: the button, the locked append to STATE_DIR/feedback.jsonl, the reply.
            vote_ids: list[int] = []
            for answer in answers:
                button = next(
                    c["custom_id"] for row in answer.components for c in row["components"]
                )
                before = set(watch.arrived)
                await user.click(answer, custom_id=button)
                vote_ids += sorted(set(watch.arrived) - before)
            # "Ask camerabot" on someone's message.
            menu_ids: list[int] = []
            for question in ask_questions(engine, rounds + WARM_UP):
                message = await user.send(channel, question)
                before = set(watch.arrived)
                await user.context_menu(channel, "Ask camerabot", message)
                menu_ids += sorted(set(watch.arrived) - before)
            complete_ids: list[int] = []
            for text in autocomplete_inputs(engine, rounds + WARM_UP):
                before = set(watch.arrived)
                await user.autocomplete(channel, "partner", "brand", text)
                complete_ids += sorted(set(watch.arrived) - before)
        finally:
            undo()
    return {
        "/ask": _summary(watch.elapsed_ms(ask_ids[WARM_UP:])),
        "autocomplete": _summary(watch.elapsed_ms(complete_ids[WARM_UP:])),
        "👍 button": _summary(watch.elapsed_ms(vote_ids[WARM_UP:])),
        "Ask camerabot (menu)": _summary(watch.elapsed_ms(menu_ids[WARM_UP:])),
    }


def run(rounds: int = ROUNDS, knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> dict[str, Any]:
    """Measure without printing: {"/ask": {...}, "autocomplete": {...}} in milliseconds."""
    engine = Engine(load_fact_base(knowledge_dir))
    with tempfile.TemporaryDirectory(prefix="bench-discord-") as state:
        return asyncio.run(_measure(engine, Path(state), rounds))


def format_table(results: dict[str, Any]) -> str:
    """The results as a small table."""
    lines = [
        f"{'discord interaction':<22}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}",
    ]
    for name, row in results.items():
        lines.append(
            f"{name:<22}{row['n']:>6}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}"
            f"{row['max_ms']:>10.2f}"
        )
    lines.append(f"(arrival to response inside the bot; aim: p99 under {TARGET_P99_MS:.0f} ms)")
    return "\n".join(lines)


def main() -> dict[str, Any]:
    """Run the benchmark, print its table, and return the figures."""
    results = run()
    print(format_table(results))
    return results


if __name__ == "__main__":
    main()
