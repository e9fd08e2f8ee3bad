"""The `camerabot` command line and the console, as a user runs them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.console import GREETING, respond, run_console
from bot.cli.main import main
from bot.cli.text_views import HELP
from bot.engine.engine import Engine
from tests.conftest import KNOWLEDGE, SETTINGS_VARIABLES, SPEC_KEYS

pytestmark = pytest.mark.usefixtures("clean_environment")

TITLE = "Xiaomi partners with Leica, the latest phone maker to team up with a camera maker"


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None):
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def private_state(clean_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state directory of the test's own: the commands keep their engine cache there."""
    state = tmp_path / "state"
    monkeypatch.setenv("STATE_DIR", str(state))
    return state


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("README.md"))
    return root


def rewrite_leica_answer(kdir: Path) -> None:
    """Change Leica's answer in `kdir` to "Leica is from Germany." (its quote stays)."""
    facts = kdir / "facts" / "leica.yaml"
    facts.write_text(
        facts.read_text().replace(
            "answer: Leica is a German camera maker.", "answer: Leica is from Germany."
        ),
        encoding="utf-8",
    )


# ask


def test_ask_prints_the_dated_answer_and_its_citation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "Where is Leica from?")
    assert code == 0
    assert err == ""
    assert out.startswith("As reported on 23 May 2022, Leica is a German camera maker.")
    assert "  > Leica, the German camera manufacturer\n" in out
    assert f"  — {TITLE}, 23 May 2022\n" in out
    assert "[leica-country, confidence 100%]" in out


def test_ask_joins_unquoted_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "Where", "is", "Leica", "from?")
    assert code == 0
    assert "Leica is a German camera maker." in out


def test_ask_quotes_the_source_verbatim_typos_included(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "ask", "Where is Hasselblad from?")
    assert "Hasselblad is a Swedish brand." in out  # the answer spells it right
    assert "> Swedish brand Hassleblad" in out  # the quote keeps the article's typo


def test_ask_json_fields_and_types(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "Who is Lei Jun?")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == SPEC_KEYS
    assert data["question"] == "Who is Lei Jun?"
    assert data["answered"] is True
    assert data["answer"] == "As reported on 23 May 2022, Lei Jun is Xiaomi's founder and CEO."
    assert isinstance(data["score"], float)
    assert 0 < data["score"] <= 1
    assert data["fact_id"] == "lei-jun-role"
    assert data["suggestions"] == []
    assert data["citations"] == [
        {
            "source_id": "article-2022-05-23",
            "title": TITLE,
            "date": "23 May 2022",
            "date_iso": "2022-05-23",
            "quote": "Lei Jun, Xiaomi’s founder and CEO said.",
        }
    ]


def test_no_network_is_one_line_not_a_traceback(capsys, monkeypatch) -> None:
    def offline(settings) -> int:
        raise OSError(-3, "Cannot connect to host discord.com:443 [Temporary failure]")

    monkeypatch.setattr("commands.app.run_bot", offline)
    monkeypatch.setenv("DISCORD_TOKEN", "token.for.a.test")
    code, _, err = run(capsys, "run")
    assert code == 1
    assert err.startswith("camerabot: cannot reach Discord: ")
    assert "Cannot connect to host discord.com:443 [Temporary failure]" in err
    assert err.count("\n") == 1


def test_ask_refuses_and_shows_what_the_sources_say_of_the_brands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    question = "When did Huawei start working with Leica?"
    code, out, _ = run(capsys, "ask", question)
    assert code == 0
    assert out.startswith(
        "The sources don't say when Huawei and Leica started working together.\n"
        "What the sources do say:\n  - "
    )
    code, out, _ = run(capsys, "ask", "--json", question)
    data = json.loads(out)
    assert set(data) == SPEC_KEYS
    assert data["answered"] is False
    assert data["answer"] is None
    assert data["kind"] == "refusal"
    assert data["fact_id"] is None
    assert data["citations"] == []
    assert data["related"]
    assert all(set(r) == {"fact_id", "question"} for r in data["related"])
    assert any(r["fact_id"] == "partnership:huawei-leica" for r in data["related"])
    assert isinstance(data["score"], float)


def test_ask_abstains_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "what was announced about photography")
    assert code == 0
    assert out.startswith("I don't know that: the sources don't say.\nDid you mean")
    code, out, _ = run(capsys, "ask", "--json", "what was announced about photography")
    data = json.loads(out)
    assert data["answered"] is False
    assert data["suggestions"]
    assert all(isinstance(s, str) and s for s in data["suggestions"])


def test_ask_abstains_without_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "What is the price of bitcoin?")
    assert code == 0
    assert out == "I don't know that: the sources don't say.\n"


def test_ask_reads_questions_from_standard_input_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    questions = ["Who is Lei Jun?", "", "What is the price of bitcoin?", "Where is Leica from?"]
    code, out, _ = run(capsys, "ask", "--json", stdin="\r\n".join(questions) + "\r\n")
    assert code == 0
    replies = [json.loads(line) for line in out.splitlines()]
    assert [reply["question"] for reply in replies] == questions
    assert [reply["answered"] for reply in replies] == [True, False, False, True]


def test_ask_without_json_separates_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", stdin="Who is Lei Jun?\nWhere is Leica from?\n")
    assert code == 0
    first, second = out.split("\n\nAs reported")
    assert "Lei Jun is Xiaomi's founder and CEO" in first
    assert "Leica is a German camera maker" in second


def _camerabot() -> str:
    script = Path(sys.executable).with_name("camerabot")
    return str(script) if script.exists() else shutil.which("camerabot") or "camerabot"


def test_the_console_script_answers_standard_input_one_json_line_each(tmp_path: Path) -> None:
    questions = [
        "Who is Xiaomi partnering with?",
        "What is the price of bitcoin?",
        "",
        "Why did Huawei and Leica split?",
        "\xff\xfe not text",
        "Where is Hasselblad from?",
    ]
    data = "\n".join(questions).encode("utf-8", "surrogateescape") + b"\n"
    data = data.replace("\xff\xfe".encode(), b"\xff\xfe")  # two bytes that are not UTF-8
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["STATE_DIR"] = str(tmp_path / "state")
    env["PYTHONIOENCODING"] = "utf-8:strict"  # as in a locale that does not forgive bad bytes
    done = subprocess.run(
        [_camerabot(), "ask", "--json"],
        input=data,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(questions)
    replies = [json.loads(line) for line in lines]
    assert [reply["question"] for reply in replies[:4]] == questions[:4]
    assert replies[4]["question"] == "\ufffd\ufffd not text"
    assert replies[5]["question"] == questions[5]
    assert [reply["answered"] for reply in replies] == [True, False, False, True, False, True]
    assert "Leica" in replies[0]["answer"]
    assert "challenges in many markets" in replies[3]["answer"]
    assert all(set(reply) == SPEC_KEYS for reply in replies)


# partner, partners, sources


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("hassleblad", "Hasselblad (camera maker, Sweden)"),
        ("huwaei", "Huawei (phone maker)"),
        ("xiomi", "Xiaomi (phone maker)"),
        ("carl zeiss", "Zeiss (camera maker)"),
    ],
)
def test_partner_tolerates_typos(
    capsys: pytest.CaptureFixture[str], typed: str, heading: str
) -> None:
    code, out, _ = run(capsys, "partner", *typed.split())
    assert code == 0
    assert out.splitlines()[0] == heading
    assert "— as reported on 23 May 2022" in out
    assert f"  — {TITLE}, 23 May 2022" in out


def test_partner_lists_status_devices_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partner", "leica")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Leica (camera maker, Germany)"
    items = [line for line in lines if line.startswith("- ")]
    assert items[0].startswith("- Leica's partnership with Xiaomi has been announced.")
    assert items[1].startswith("- Leica had a four-year partnership with Huawei, which has since")
    assert "Huawei P30 Pro, Huawei P40 and Huawei P50 series" in items[1]
    assert "  > With Huawei facing several challenges in many markets across the world, both" in out


def test_partner_unknown_brand_says_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partner", "hasel")
    assert code == 1
    assert out == "I don't know a brand called 'hasel'. Did you mean: Hasselblad?\n"
    code, out, _ = run(capsys, "partner", "nokia")
    assert code == 1
    assert out == "I don't know a brand called 'nokia'. Try `camerabot partners` for the list.\n"
    code, out, _ = run(capsys, "partner", "nokia " * 100)
    assert code == 1
    assert len(out) < 150
    assert "'nokia nokia" in out
    assert "…'" in out


def test_partners_lists_every_partnership(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partners")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[-1].startswith("- Huawei had a four-year partnership with Leica")
    # A 2022 status is never shown as today's: every line says when it was reported.
    assert all(line.endswith(" — as reported on 23 May 2022") for line in lines)
    assert {line.split(" partnership")[0].split(" works")[0] for line in lines} == {
        "- OnePlus has a multi-year",
        "- Vivo",
        "- Xiaomi has announced a",
        "- Huawei had a four-year",
    }


def test_sources_lists_each_source_with_its_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources")
    assert code == 0
    assert out == f"- 23 May 2022: {TITLE} [article-2022-05-23]\n"


# validate and --knowledge


def test_validate_the_shipped_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.startswith(f"{KNOWLEDGE}: valid — 1 sources, 7 brands, 4 partnerships, ")


def test_validate_lists_problems_with_file_and_line(
    capsys: pytest.CaptureFixture[str], kdir: Path
) -> None:
    facts = kdir / "facts" / "leica.yaml"
    facts.write_text(
        facts.read_text().replace("quote: German camera-maker Leica", "quote: German camera Leica"),
        encoding="utf-8",
    )
    brands = kdir / "brands.yaml"
    brands.write_text(brands.read_text().replace("kind: phone_maker", "kind: phone", 1))
    code, out, err = run(capsys, "validate", str(kdir))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("brands.yaml:3 [xiaomi]: 'kind' must be one of")
    assert lines[1].startswith("facts/leica.yaml:")
    assert "[leica-country]: quote not found word for word" in lines[1]
    assert err == f"2 problem(s) in {kdir}\n"


def test_knowledge_option_and_variable_choose_the_directory(
    capsys: pytest.CaptureFixture[str], kdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rewrite_leica_answer(kdir)
    _, out, _ = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert out.startswith("As reported on 23 May 2022, Leica is from Germany.")
    _, out, _ = run(capsys, "--knowledge", str(kdir), "validate")
    assert out.startswith(f"{kdir}: valid")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kdir))
    _, out, _ = run(capsys, "ask", "Where is Leica from?")
    assert "Leica is from Germany." in out


def test_commands_share_the_engine_cache_and_it_follows_the_files(
    capsys: pytest.CaptureFixture[str], kdir: Path, private_state: Path
) -> None:
    _, out, _ = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert "Leica is a German camera maker." in out
    [first] = (private_state / "engine-cache").glob("engine-*.pickle")
    _, out, _ = run(capsys, "--knowledge", str(kdir), "partners")
    assert list((private_state / "engine-cache").glob("engine-*.pickle")) == [first]
    rewrite_leica_answer(kdir)
    _, out, _ = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert "Leica is from Germany." in out
    [second] = (private_state / "engine-cache").glob("engine-*.pickle")
    assert second != first


def test_invalid_knowledge_stops_a_command_with_the_problems(
    capsys: pytest.CaptureFixture[str], kdir: Path
) -> None:
    (kdir / "sources.yaml").write_text("- id: [broken\n", encoding="utf-8")
    code, out, err = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert code == 1
    assert out == ""
    assert err.startswith("camerabot: the knowledge files are invalid:\nsources.yaml:")


@pytest.mark.parametrize(
    ("name", "value"), [("LOG_LEVEL", "LOUD"), ("COOLDOWN_RATE", "x"), ("SHARD_COUNT", "-1")]
)
def test_a_bad_setting_exits_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "ask", "Where is Leica from?")
    assert code == 2
    assert out == ""
    assert err.startswith(f"camerabot: bad setting: {name} ")
    assert "Traceback" not in err


def test_a_bad_setting_in_dot_env_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("COOLDOWN_SECONDS=soon\n", encoding="utf-8")
    code, _, err = run(capsys, "partners")
    assert code == 2
    assert "COOLDOWN_SECONDS" in err


# The console


def test_with_no_token_camerabot_opens_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, stdin="Who is Lei Jun?\n/partner huwaei\n")
    assert code == 0
    assert out.startswith(GREETING)
    assert "Lei Jun is Xiaomi's founder and CEO" in out
    assert "Huawei (phone maker)" in out


def test_the_greeting_says_how_to_connect_to_discord() -> None:
    assert "DISCORD_TOKEN" in GREETING
    assert ".env" in GREETING
    assert "make run" in GREETING
    assert "Discord" in GREETING.splitlines()[1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Where is Leica from?", "As reported on 23 May 2022, Leica is a German camera maker."),
        (
            "/ask Where is Leica from?",
            "As reported on 23 May 2022, Leica is a German camera maker.",
        ),
        ("  /ask   Where is Leica from?  ", "As reported on 23 May 2022, Leica is a German"),
        (
            "/ASK Where is Leica from?",
            "As reported on 23 May 2022, Leica is a German camera maker.",
        ),
        (
            "/ask\tWhere is Leica from?",
            "As reported on 23 May 2022, Leica is a German camera maker.",
        ),
        ("/partner huwaei", "Huawei (phone maker)\n- Huawei had a four-year partnership with"),
        ("/partner One Plus", "OnePlus (phone maker)\n- OnePlus has a multi-year partnership"),
        ("/partner nokia", "I don't know a brand called 'nokia'."),
        ("/partners", "- OnePlus has a multi-year partnership with Hasselblad."),
        ("/sources", f"- 23 May 2022: {TITLE} [article-2022-05-23]"),
        ("/help", HELP),
        ("/ask", "Usage: /ask QUESTION"),
        ("/partner   ", "Usage: /partner BRAND"),
        ("/frobnicate", "Unknown command /frobnicate. Type /help for the commands."),
        ("/", "Unknown command /. Type /help for the commands."),
        ("What is the price of bitcoin?", "I don't know that: the sources don't say."),
    ],
)
def test_respond_to_each_command(engine: Engine, line: str, expected: str) -> None:
    reply = respond(engine, line)
    assert reply is not None
    assert reply.startswith(expected), reply


def test_the_help_names_every_command_and_every_command_it_names_works(engine: Engine) -> None:
    for command in ("/ask", "/partner", "/partners", "/sources", "/help", "/quit"):
        assert command in HELP
    named = [line.split()[0] for line in HELP.splitlines() if line.strip().startswith("/")]
    assert len(named) >= 6
    for command in named:
        reply = respond(engine, f"{command} Leica")
        assert reply is None or not reply.startswith("Unknown command"), command


@pytest.mark.parametrize("line", ["/quit", "/exit", "/QUIT"])
def test_quit(engine: Engine, line: str) -> None:
    assert respond(engine, line) is None


@pytest.mark.parametrize("line", ["", "   ", "\n"])
def test_an_empty_line_gets_no_reply(engine: Engine, line: str) -> None:
    assert respond(engine, line) == ""


def test_run_console_answers_every_line_until_quit(engine: Engine) -> None:
    stdin = io.StringIO("Who is Lei Jun?\n\n/partners\n/quit\nWhere is Leica from?\n")
    stdout = io.StringIO()
    run_console(engine, stdin, stdout, interactive=False)
    out = stdout.getvalue()
    assert out.startswith(GREETING + "\n")
    assert "Lei Jun is Xiaomi's founder and CEO" in out
    assert "- Huawei had a four-year partnership with Leica" in out
    assert "Leica is a German camera maker" not in out  # after /quit
    assert "> " not in out.replace("  > ", "")  # no prompts when not interactive


def test_run_console_prompts_when_interactive_and_ends_at_end_of_input(engine: Engine) -> None:
    stdout = io.StringIO()
    run_console(engine, io.StringIO("/help"), stdout, interactive=True, width=200)
    out = stdout.getvalue()
    assert out.count("\n> ") == 2  # before /help, and before finding the end of input
    assert HELP in out


def test_the_console_wraps_to_the_terminal_and_keeps_piped_answers_apart(engine: Engine) -> None:
    stdout = io.StringIO()
    run_console(engine, io.StringIO("/partners\n"), stdout, interactive=True, width=60)
    lines = stdout.getvalue().splitlines()
    assert max(len(line) for line in lines[3:]) <= 60
    assert any(line.startswith("  ") for line in lines[3:])  # continued under the item's text
    stdout = io.StringIO()
    run_console(engine, io.StringIO("Who is Lei Jun?\nWhere is Leica from?\n"), stdout,
                interactive=False)  # fmt: skip
    assert "[lei-jun-role, confidence 100%]\n\nAs reported on 23 May 2022, Leica" in (
        stdout.getvalue()
    )


def test_ask_with_undecodable_bytes_in_the_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "Where is Leica from\udcff?")
    assert code == 0
    data = json.loads(out)
    assert data["question"] == "Where is Leica from??"
    out.encode("utf-8")  # printable as UTF-8


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    read, write = os.pipe()
    with subprocess.Popen(
        [_camerabot(), "partner", "leica"],
        stdout=write,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    ) as process:
        os.close(write)
        os.close(read)  # like `| head` that has already left
        _, err = process.communicate(timeout=120)
    assert process.returncode == 141
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err


def test_a_source_text_in_a_subfolder_is_in_the_cache_key(
    capsys: pytest.CaptureFixture[str], kdir: Path, private_state: Path
) -> None:
    # Issue 20 item 2: a changed sentence in sources/sub/ must not be served from the cache.
    (kdir / "sources" / "sub").mkdir()
    (kdir / "sources" / "article-2022-05-23.txt").rename(
        kdir / "sources" / "sub" / "article-2022-05-23.txt"
    )
    sources = kdir / "sources.yaml"
    sources.write_text(
        sources.read_text().replace("sources/article-", "sources/sub/article-"), encoding="utf-8"
    )
    code, out, _ = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert code == 0, out
    moved = kdir / "sources" / "sub" / "article-2022-05-23.txt"
    moved.write_text(moved.read_text().replace("German", "Austrian"), encoding="utf-8")
    code, out, err = run(capsys, "--knowledge", str(kdir), "ask", "Where is Leica from?")
    assert code == 1
    assert "invalid" in err
