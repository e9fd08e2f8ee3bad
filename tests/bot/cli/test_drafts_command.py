"""`camerabot source drafts FILE --date D [--json]`, as a moderator runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.usefixtures("clean_environment")

ARTICLE = (
    Path(__file__).resolve().parents[2] / "data" / "articles" / "2022-12-14-xiaomi-12s-oppo.txt"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--knowledge", str(KNOWLEDGE), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_gives_one_object_a_line_each_with_its_quote_from_the_file(capsys) -> None:
    code, out, err = run(capsys, "source", "drafts", str(ARTICLE), "--date", "2022-12-14", "--json")
    assert (code, err) == (0, "")
    drafts = [json.loads(line) for line in out.splitlines()]
    text = ARTICLE.read_text(encoding="utf-8")
    assert len(drafts) >= 10
    for draft in drafts:
        assert set(draft) == {"kind", "record", "changes", "before", "quote", "source"}
        assert draft["quote"] in text
        assert draft["source"] == "article-2022-12-14"
    status = [d for d in drafts if d["record"] == "xiaomi-leica" and "status" in d["changes"]]
    assert status[0]["changes"]["status"] == "active"
    assert status[0]["before"]["status"] == "announced"


def test_text_lists_each_draft_numbered_with_its_change_and_quote(capsys) -> None:
    code, out, _ = run(
        capsys, "source", "drafts", str(ARTICLE), "--date", "2022-12-14", "--id", "dec"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        f"{(len(lines) - 1) // 2} draft(s) from 2022-12-14-xiaomi-12s-oppo.txt "
        "(dec, 14 December 2022):"
    )
    assert "  1. add_brand oppo: name Oppo; kind phone_maker" in lines
    assert any("status announced → active" in line for line in lines)
    assert lines[2].strip().startswith("“Meanwhile, smartphone maker Oppo")


def test_an_unreadable_file_is_named_with_exit_2(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.txt"
    code, out, err = run(capsys, "source", "drafts", str(missing), "--date", "2023-01-01")
    assert (code, out) == (2, "")
    assert err.startswith("camerabot: cannot read")
    assert "nothing.txt" in err


def test_a_date_that_is_not_one_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "source", "drafts", str(ARTICLE), "--date", "14/12/2022")
    assert exit_.value.code == 2
    assert "not a date (YYYY-MM-DD)" in capsys.readouterr().err
