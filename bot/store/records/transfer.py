"""`kb export` and `kb import`: every knowledge file (article texts too) in one zip archive.

The archive holds the files byte for byte under their names in knowledge/, so importing an
export gives back exactly the files it was made from. An import is checked whole (as loading
checks a directory) before any file is replaced.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from bot.facts.problems import Problem
from bot.facts.raw import FACTS_DIR, SOURCE_TEXTS_DIR
from bot.facts.yaml_loading import check_knowledge
from bot.state.atomic import atomic_write, remove_file
from bot.store.disk import scan
from bot.store.errors import ChangeRejected, StoreError

# An archive larger than this, or with more files, is refused before it is unpacked.
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_FILES = 20_000
# Entries carry one fixed time, so exporting the same files twice gives the same bytes.
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def export_archive(root: Path) -> bytes:
    """A zip of every file the fact base is read from (YAML and article texts), sorted by name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(scan(root)):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / name).read_bytes())
    return buffer.getvalue()


def _allowed(name: str) -> bool:
    """Whether an archive entry names a knowledge file (never a path out of the directory)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        return False
    if name in ("sources.yaml", "brands.yaml", "partnerships.yaml"):
        return True
    top = path.parts[0]
    if top == FACTS_DIR:
        return len(path.parts) == 2 and name.endswith(".yaml")
    return top == SOURCE_TEXTS_DIR and len(path.parts) >= 2


def read_archive(data: bytes) -> dict[str, bytes]:
    """The files of an export, by name; StoreError naming what is wrong with it."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise StoreError(f"the archive is {len(data)} bytes; at most {MAX_ARCHIVE_BYTES}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise StoreError("the file is not a zip archive made by `kb export`") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ARCHIVE_FILES:
            raise StoreError(f"the archive holds {len(entries)} files; at most {MAX_ARCHIVE_FILES}")
        if sum(info.file_size for info in entries) > MAX_ARCHIVE_BYTES:
            raise StoreError(f"the archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes")
        bad = [info.filename for info in entries if not _allowed(info.filename)]
        if bad:
            raise StoreError(f"the archive holds files that are not knowledge files: {bad[:5]}")
        files: dict[str, bytes] = {}
        for info in entries:
            if info.filename in files:
                raise StoreError(f"the archive holds {info.filename} twice")
            try:
                files[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                raise StoreError(
                    f"{info.filename} cannot be read from the archive: {error}"
                ) from None
    return files


def check_files(files: Mapping[str, bytes]) -> list[Problem]:
    """Every problem of a knowledge directory holding exactly `files` ([] when valid)."""
    with tempfile.TemporaryDirectory(prefix="camerabot-import-") as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        _, problems = check_knowledge(root)
    return problems


def replace_files(root: Path, files: Mapping[str, bytes]) -> list[str]:
    """Make knowledge/ hold exactly `files` (checked first); the names written or removed.

    Article texts go first, the YAML after and removals last, so a reader sees no record
    citing a text not yet written. Each file is replaced atomically; the set is not (a crash
    midway leaves some files new: import the same archive again).
    """
    problems = check_files(files)
    if problems:
        raise ChangeRejected(problems, {}, "the archive's files are invalid; nothing was changed")
    current = scan(root)
    changed: list[str] = []
    for name in sorted(files, key=lambda n: (not n.startswith(f"{SOURCE_TEXTS_DIR}/"), n)):
        path = root / name
        if name in current and path.is_file() and path.read_bytes() == files[name]:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, files[name])
        changed.append(name)
    for name in sorted(set(current) - set(files)):
        remove_file(root / name)
        changed.append(name)
    return changed
