"""`camerabot source drafts ID`, `source accept` and `source reject` on a stored source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from tests.helpers.store import copy_knowledge, snapshot

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"
DECEMBER = ARTICLES / "2022-12-14-xiaomi-12s-oppo.txt"
ID = "article-2022-12-14"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("KNOWLEDGE_DIR", "STATE_DIR", "DISCORD_TOKEN", "KNOWLEDGE_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    return copy_knowledge(tmp_path)


def run(
    kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    root, state = kb
    command, action, *rest = args
    code = main(["--knowledge", str(root), command, action, "--state", str(state), *rest])
    out, err = capsys.readouterr()
    return code, out, err


def add_december(kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    title = "Xiaomi 12S Ultra arrives as Oppo signs up with Hasselblad"
    args = ["source", "add", str(DECEMBER), "--title", title, "--date", "2022-12-14", "--id", ID]
    assert run(kb, capsys, *args)[0] == 0


def drafts(kb: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    code, out, err = run(kb, capsys, "source", "drafts", ID, "--json")
    assert (code, err) == (0, "")
    return [json.loads(line) for line in out.splitlines()]


def number_of(listed: list[dict], kind: str, record: str, field: str | None = None) -> int:
    return next(
        d["number"]
        for d in listed
        if d["kind"] == kind and d["record"] == record and (field is None or field in d["changes"])
    )


def records(root: Path, name: str) -> dict[str, dict]:
    data = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    return {record["id"]: record for record in data}


def test_a_stored_sources_drafts_are_numbered_the_same_each_time(kb, capsys) -> None:
    add_december(kb, capsys)
    first = drafts(kb, capsys)
    assert first == drafts(kb, capsys)
    assert [d["number"] for d in first] == list(range(1, len(first) + 1))
    assert {d["state"] for d in first} == {"open"}
    text = DECEMBER.read_text(encoding="utf-8")
    assert all(d["quote"] in text and d["source"] == ID for d in first)
    code, out, _ = run(kb, capsys, "source", "drafts", ID)
    assert code == 0
    assert out.splitlines()[0].startswith(f"{len(first)} draft(s) of {ID} (Xiaomi 12S Ultra")


def test_accepting_applies_through_the_store_citing_each_quote(kb, capsys) -> None:
    root, _ = kb
    add_december(kb, capsys)
    listed = drafts(kb, capsys)
    oppo = number_of(listed, "add_brand", "oppo")
    pair = number_of(listed, "add_partnership", "oppo-hasselblad")
    status = number_of(listed, "edit_partnership", "xiaomi-leica", "status")
    code, out, err = run(kb, capsys, "source", "accept", ID, str(oppo), str(pair), str(status))
    assert (code, err) == (0, ""), err
    assert f"accepted draft {status} (edit_partnership): partnership xiaomi-leica" in out
    assert "first_phone is not kept: the knowledge files have no field for it" in out
    partnerships = records(root, "partnerships.yaml")
    leica = partnerships["xiaomi-leica"]
    assert leica["status"] == "active"
    assert "Xiaomi 12S Ultra" in leica["devices"]
    quote = listed[status - 1]["quote"]
    assert {"source": ID, "quote": quote} in leica["citations"]
    assert partnerships["oppo-hasselblad"]["citations"] == [
        {"source": ID, "quote": listed[pair - 1]["quote"]}
    ]
    assert records(root, "brands.yaml")["oppo"]["kind"] == "phone_maker"
    # The store's history has each change, and undo takes the last back.
    code, out, _ = run(kb, capsys, "partnership", "history", "xiaomi-leica")
    assert code == 0
    assert "alice" in out
    assert run(kb, capsys, "kb", "undo")[0] == 0
    assert records(root, "partnerships.yaml")["xiaomi-leica"]["status"] == "announced"


def test_accepted_and_rejected_drafts_are_marked_and_keep_their_numbers(kb, capsys) -> None:
    add_december(kb, capsys)
    listed = drafts(kb, capsys)
    oppo = number_of(listed, "add_brand", "oppo")
    fact = number_of(listed, "add_fact", f"{ID}-1")
    assert run(kb, capsys, "source", "accept", ID, str(oppo))[0] == 0
    code, out, _ = run(kb, capsys, "source", "reject", ID, str(fact), "--reason", "says nothing")
    assert code == 0
    assert f"rejected draft(s) {fact} of {ID}" in out
    after = drafts(kb, capsys)
    assert [(d["kind"], d["record"], d["quote"]) for d in after] == [
        (d["kind"], d["record"], d["quote"]) for d in listed
    ]
    assert after[oppo - 1]["state"] == "accepted"
    assert after[fact - 1]["state"] == "rejected"
    code, _, err = run(kb, capsys, "source", "accept", ID, str(oppo))
    assert code == 1
    assert f"draft {oppo} of {ID} is already accepted" in err


def test_a_base_changed_since_is_refused_and_a_rejected_draft_not_proposed_again(
    kb, capsys
) -> None:
    root, _ = kb
    add_december(kb, capsys)
    listed = drafts(kb, capsys)
    fact = number_of(listed, "add_fact", f"{ID}-1")
    assert run(kb, capsys, "source", "reject", ID, str(fact), "--reason", "nothing new")[0] == 0
    edit = ["partnership", "edit", "vivo-zeiss", "--summary", "Vivo and Zeiss, still."]
    assert run(kb, capsys, *edit)[0] == 0
    before = snapshot(root)
    code, out, err = run(kb, capsys, "source", "accept", ID, "1")
    assert (code, out) == (1, "")
    assert "the fact base changed since the drafts of article-2022-12-14 were numbered" in err
    assert snapshot(root) == before
    again = drafts(kb, capsys)
    assert listed[fact - 1]["quote"] not in {d["quote"] for d in again}
    assert len(again) == len(listed) - 1


def test_edits_change_a_draft_before_it_is_applied(kb, capsys) -> None:
    root, _ = kb
    add_december(kb, capsys)
    listed = drafts(kb, capsys)
    oppo = number_of(listed, "add_brand", "oppo")
    fact = number_of(listed, "add_fact", f"{ID}-4")
    question = "Are Oppo and OnePlus related?"
    edit = ["--edit", str(fact), f"question={question}"]
    code, _, err = run(kb, capsys, "source", "accept", ID, str(oppo), str(fact), *edit)
    assert (code, err) == (0, ""), err
    facts = yaml.safe_load((root / "facts" / "moderated.yaml").read_text(encoding="utf-8"))
    added = next(f for f in facts if f["id"] == f"{ID}-4")
    assert added["question"] == question
    assert added["citations"] == [{"source": ID, "quote": listed[fact - 1]["quote"]}]


def test_refusals_name_the_problem(kb, capsys) -> None:
    add_december(kb, capsys)
    code, _, err = run(kb, capsys, "source", "accept", ID, "1")
    assert code == 1
    assert "run `source drafts article-2022-12-14` first" in err
    count = len(drafts(kb, capsys))
    code, _, err = run(kb, capsys, "source", "accept", ID, str(count + 1))
    assert code == 1
    assert f"there is no draft {count + 1} of {ID} (drafts 1 to {count})" in err
    code, _, err = run(kb, capsys, "source", "accept", ID, "1", "--edit", "2", "status=ended")
    assert code == 1
    assert "draft 2 is not among those accepted" in err
    code, _, err = run(kb, capsys, "source", "drafts", "no-such-source")
    assert code == 1
    assert "there is no source 'no-such-source'" in err
    code, _, err = run(kb, capsys, "source", "drafts", str(DECEMBER))
    assert code == 1
    assert "give --date" in err


def test_a_draft_the_record_already_holds_is_accepted_and_changes_nothing(kb, capsys) -> None:
    root, _ = kb
    add_december(kb, capsys)
    listed = drafts(kb, capsys)
    device = number_of(listed, "edit_brand", "xiaomi")
    before = (root / "brands.yaml").read_bytes()
    edit = ["--edit", str(device), "devices=Xiaomi 12 Ultra"]  # a phone xiaomi already lists
    code, out, err = run(kb, capsys, "source", "accept", ID, str(device), *edit)
    assert (code, err) == (0, ""), err
    assert f"accepted draft {device} (edit_brand): brand xiaomi" in out
    assert (root / "brands.yaml").read_bytes() == before
    assert drafts(kb, capsys)[device - 1]["state"] == "accepted"
