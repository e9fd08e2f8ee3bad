"""The caches' keys hash the code their content depends on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.caches.pickles import code_files, code_hash
from bot.caches.records import RECORDS_CODE
from bot.engine.fingerprint import ENGINE_CODE


def _names(packages: tuple[str, ...]) -> set[str]:
    return {path.as_posix().split("/bot/", 1)[-1] for path in code_files(packages)}


@pytest.mark.parametrize("packages", [RECORDS_CODE, ENGINE_CODE])
def test_the_keys_cover_the_limits_the_text_rules_and_the_readers(
    packages: tuple[str, ...],
) -> None:
    # Issue 20 item 3: a change to the limits or the text rules changed no key.
    names = _names(packages)
    assert {"facts/limits.py", "facts/text.py", "facts/validation.py", "store/disk.py"} <= names


def test_a_changed_module_changes_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "keyedpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "limits.py").write_text("LIMIT = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = code_hash(("keyedpkg",))
    (package / "limits.py").write_text("LIMIT = 2\n")
    assert code_hash(("keyedpkg",)) != before


def test_a_package_that_is_not_there_is_an_error_not_an_empty_key() -> None:
    with pytest.raises(ModuleNotFoundError):
        code_hash(("bot.no_such_package",))
