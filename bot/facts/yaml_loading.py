"""Reading `knowledge/`: YAML files into raw records that remember their file and line."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import yaml

from bot.caches.digests import DigestMemo, digest
from bot.facts.models import FactBase
from bot.facts.problems import KnowledgeError, Problem
from bot.facts.raw import (
    BRANDS_FILE,
    FACTS_DIR,
    PARTNERSHIPS_FILE,
    SOURCE_TEXTS_DIR,
    SOURCES_FILE,
    RawKnowledge,
    Record,
    decode_text,
)
from bot.facts.validation import build_fact_base, invisible_character, printable

log = logging.getLogger(__name__)

# Records are at most a few levels deep; deeper data is a mistake or an attack on the parser.
MAX_DEPTH = 32
# What a file's data may grow by through aliases beyond twice its own text (see expanded_limit).
EXPANDED_SLACK = 65_536

# The C parser is several times faster on large bases; the pure one is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, recording the line of every mapping and of its keys."""


def _construct_record(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Record:
    # Keys are whatever the YAML holds, not always text: validation reports the others.
    return _record(node, loader.construct_mapping(node, deep=True))


def _record(node: yaml.MappingNode, mapping: dict[Any, Any]) -> Record:
    """A mapping as a record that remembers its line, its keys' lines and repeated keys."""
    record = Record(mapping)
    record.line = node.start_mark.line + 1
    record.key_lines = {}
    record.duplicate_keys = []
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in record.key_lines:
                record.duplicate_keys.append(key_node.value)
            record.key_lines[key_node.value] = key_node.start_mark.line + 1
    return record


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date or time, or its text when it is no real one (2022-02-30): validation says so."""
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_record)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


def _data(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """What `construct_document` makes of a tree without aliases, its common nodes built here.

    PyYAML's constructor goes through generators and a lookup per node: at 100,000 facts
    (~2.4 million nodes) it is half of parsing. Text, lists and mappings of text keys are built
    here exactly as it builds them; any other node (a number, a date, a merge key, a key that
    is not text, an explicit tag) goes to the loader itself, which builds or refuses it. Only
    for trees without aliases, whose every node is built once (`_compose` knows).
    """
    if type(node) is yaml.ScalarNode and node.tag == _STR:
        return node.value
    if type(node) is yaml.SequenceNode and node.tag == _SEQ:
        return [_data(loader, child) for child in node.value]
    if type(node) is yaml.MappingNode and node.tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                return _construct_record(loader, node)  # merge keys, numbers, unhashable keys
            mapping[key_node.value] = _data(loader, value_node)
        return _record(node, mapping)
    return loader.construct_object(node, deep=True)


def is_utf8_name(name: str) -> bool:
    """Whether a file name read from the disk is UTF-8 text (else it holds escaped bytes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    r"""A file name as it can always be printed on one line: odd bytes and characters escaped.

    Bytes that are not UTF-8 show as \xNN; a line break, any other control character and an
    invisible one as Python writes it (\n, \x07, \u200b), so no name forges a line of a report.
    """
    return printable(os.fsencode(name).decode("utf-8", "backslashreplace"))


def name_problem(name: str) -> str | None:
    """Why a file name under the knowledge directory is not read, if it is not.

    A name that is not UTF-8 can be neither printed nor held in a cache key; one holding a line
    break, a control character or an invisible one would print as another name, or as two
    lines of a report (a folder listing, a moderators' channel, an attachment's name).
    """
    if not is_utf8_name(name):
        return "the file name is not UTF-8 text: rename it (the file is not read)"
    for char in name:
        if not char.isprintable() or invisible_character(char) is not None:
            what = "a line break" if char in "\n\r\v\f\x85\u2028\u2029" else "a character"
            described = invisible_character(char) or f"U+{ord(char):04X}"
            return (
                f"the file name holds {what} that does not print ({described}): rename it "
                "(the file is not read)"
            )
    return None


def readable_name(name: str) -> bool:
    """Whether a file name under the knowledge directory is one that is read (`name_problem`)."""
    return name_problem(name) is None


def link_problems(root: Path) -> list[Problem]:
    """A problem for every symbolic link and every name not UTF-8 under `root`.

    A link can lead anywhere (/etc); a name that is not UTF-8 can be neither printed in a
    message nor held in a cache key.
    """
    problems = []
    for folder, directories, files in os.walk(root):
        for name in sorted(directories + files):
            path = Path(folder) / name
            relative = shown_name(str(path.relative_to(root)))
            message = name_problem(name)
            if path.is_symlink():
                message = (
                    "is a symbolic link: links are refused anywhere under the knowledge "
                    "directory (copy the file in instead)"
                )
            if message is not None:
                problems.append(Problem(relative, 0, None, message))
    return problems


def root_problem(root: Path) -> Problem | None:
    """Why `root` cannot be a knowledge directory (missing, or not a directory), if it cannot."""
    if root.is_dir():
        return None
    if root.exists():
        return Problem(str(root), 0, None, "is not a directory: name the knowledge directory")
    return Problem(str(root), 0, None, "the knowledge directory does not exist")


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first node nested deeper than MAX_DEPTH; shared and recursive nodes end the walk."""
    deepest: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    scalar = yaml.ScalarNode
    while stack:
        node, level = stack.pop()
        if deepest.get(id(node), 0) >= level:
            continue
        deepest[id(node)] = level
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            continue
        if not children:
            continue
        below = level + 1
        if below > MAX_DEPTH:
            return children[-1]  # the one a walk of every node would meet first
        # Scalars end a branch: nothing to walk (most of a file's nodes are scalars).
        stack.extend((child, below) for child in children if type(child) is not scalar)
    return None


def _expanded_size(root: yaml.Node) -> int:
    """The size of the data once every alias is expanded (characters plus one a node).

    Each node is measured once and shared nodes add their size again at each use, so this takes
    time linear in the nodes written, whatever their expansion (a billion laughs included).
    The tree holds no cycle: `_too_deep` refused those.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = len(node.value) + 1
            continue
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = node.value
        else:
            children = [child for pair in node.value for child in pair]
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def expanded_limit(text: str) -> int:
    """How large a file's data may grow through aliases: twice its text, and a little more."""
    return 2 * len(text) + EXPANDED_SLACK


def _compose(text: str, file: str) -> tuple[Any, yaml.Node | None, Problem | None]:
    """The data of one YAML document and its node tree, or the Problem that stopped it."""
    loader = _LineLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None, None
        node = _too_deep(root)
        if node is not None:
            line = node.start_mark.line + 1
            message = f"the data is nested more than {MAX_DEPTH} levels deep (or refers to itself)"
            return None, None, Problem(file, line, None, message)
        # Aliases repeat data without writing it again: a megabyte aliased ten thousand times
        # is ten gigabytes to construct and check. Refused before anything is constructed.
        # A text without '&' defines no anchor, so holds no alias (one would be an error
        # already): its data is what is written, each node standing for at least one character
        # of the text and no value longer than its own, always within the limit. The walk over
        # every node is then skipped (an eighth of parsing the fact files).
        aliased = "&" in text
        size, limit = (_expanded_size(root), expanded_limit(text)) if aliased else (0, 1)
        if size > limit:
            message = (
                f"the data is {size:,} characters once its aliases (*name) are expanded, over "
                f"the {limit:,} allowed for this file: write the values out, or alias less"
            )
            return None, None, Problem(file, root.start_mark.line + 1, None, message)
        data = loader.construct_document(root) if aliased else _data(loader, root)
        return data, root, None
    finally:
        loader.dispose()


def _reader_line(text: str, position: int) -> int:
    """The line of a reader error: the C parser counts UTF-8 bytes, the pure one characters."""
    if _BaseLoader is yaml.SafeLoader:
        return text.count("\n", 0, position) + 1
    return text.encode("utf-8", "surrogatepass").count(b"\n", 0, position) + 1


def parse_yaml_records(text: str, file: str) -> tuple[list[Record], list[Problem]]:
    """Parse one file's text: a YAML list of mappings. Never raises: problems are returned."""
    try:
        data, root, problem = _compose(text, file)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        reason = error.problem or error.context or "invalid YAML"
        if isinstance(error, yaml.constructor.ConstructorError):
            message = f"YAML error: {reason} (only plain YAML: tags like !!python/… are refused)"
        else:
            message = f"YAML syntax error: {reason}"
        return [], [Problem(file, line, None, message)]
    except yaml.reader.ReaderError as error:
        code = error.character
        character = f"U+{code:04X}" if isinstance(code, int) else "a character"
        message = f"{character} is not allowed in YAML ({error.reason})"
        return [], [Problem(file, _reader_line(text, error.position), None, message)]
    except yaml.YAMLError as error:
        return [], [Problem(file, 0, None, f"YAML error: {error}")]
    except UnicodeError:
        return [], [Problem(file, 0, None, "the text holds characters that are not valid Unicode")]
    except RecursionError:
        return [], [Problem(file, 0, None, "the data is nested too deeply")]
    except (ValueError, OverflowError) as error:  # a value no constructor could make
        return [], [Problem(file, 0, None, f"YAML error: {str(error)[:200]}")]
    if problem is not None:
        return [], [problem]
    if data is None:
        return [], []
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1 if root is not None else 1
        return [], [Problem(file, line, None, "the file must be a YAML list of records (- id: …)")]
    records: list[Record] = []
    problems: list[Problem] = []
    for position, (item, node) in enumerate(zip(data, root.value, strict=True), start=1):
        if not isinstance(item, Record):
            message = f"item {position} is not a mapping of fields"
            problems.append(Problem(file, node.start_mark.line + 1, None, message))
            continue
        item.file = file
        records.append(item)
    return records, problems


def read_records(path: Path, file: str) -> tuple[list[Record], list[Problem]]:
    """Read and parse one YAML file; unreadable or undecodable files are problems too."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [Problem(file, 0, None, f"the file cannot be read: {error.strerror or error}")]
    text, problem = decode_text(data, file)
    if text is None:
        return [], [problem] if problem else []
    return parse_yaml_records(text, file)


def fact_files(root: Path) -> list[Path]:
    """The fact files of a knowledge directory, in a stable order.

    Only regular files with UTF-8 names: anything else named like one is a layout problem.
    """
    return sorted(
        path
        for path in (root / FACTS_DIR).glob("*.yaml")
        if readable_name(path.name) and path.is_file() and not path.is_symlink()
    )


def knowledge_files(root: Path) -> list[Path]:
    """Every file whose content defines the fact base (YAML and source texts)."""
    return _knowledge_entries(root)[0]


def _knowledge_entries(root: Path) -> tuple[list[Path], list[str]]:
    """The files that define the fact base, and the names of what cannot be read in their place.

    Such an entry (a folder named like a fact file, a name not UTF-8) makes the base invalid.
    Source texts may sit in subfolders of sources/: every one is part of the base.
    """
    named = [root / SOURCES_FILE, root / BRANDS_FILE, root / PARTNERSHIPS_FILE]
    named += sorted((root / FACTS_DIR).glob("*.yaml"))
    texts = sorted((root / SOURCE_TEXTS_DIR).rglob("*"))
    named += [path for path in texts if not path.is_dir() or path.is_symlink()]
    files: list[Path] = []
    odd: list[str] = []
    for path in named:
        if path.is_file() and readable_name(path.name):
            files.append(path)
        elif path.exists() or path.is_symlink():
            odd.append(shown_name(path.relative_to(root).as_posix()))
    return files, odd


def content_hash(root: Path, memo: DigestMemo | None = None) -> str:
    """A hash of every knowledge file's name and bytes: equal hashes, equal fact bases.

    With `memo`, a file whose stamp is unchanged since it was last hashed is not read again.
    What stands in a file's place but is no file counts too: a cache keyed by this hash never
    serves a base that validation refuses for it.
    """
    combined = hashlib.blake2b(digest_size=16)
    files, odd = _knowledge_entries(root)
    for path in files:
        name = path.relative_to(root).as_posix()
        if memo is not None:
            value = memo.file_digest(path, name) or "unreadable"
        else:
            value = digest(path.read_bytes())
        combined.update(f"{name}\0{value}\0".encode())
    for name in odd:
        combined.update(f"{name}\0not a file\0".encode())
    return combined.hexdigest()


def read_knowledge(root: Path) -> RawKnowledge:
    """Read every YAML file of a knowledge directory into raw records."""
    raw = RawKnowledge(root=root)
    if (problem := root_problem(root)) is not None:
        raw.problems.append(problem)
        return raw
    raw.problems.extend(layout_problems(root))
    for name in (SOURCES_FILE, BRANDS_FILE, PARTNERSHIPS_FILE):
        path = root / name
        if not path.is_file():
            raw.add_missing(name, Problem(name, 0, None, "the file is missing"))
            continue
        raw.add_file(name, *read_records(path, name))
    for path in fact_files(root):
        name = str(path.relative_to(root))
        raw.add_file(name, *read_records(path, name))
    return raw


def layout_problems(root: Path) -> list[Problem]:
    """Files that would be skipped without a word, and symbolic links anywhere under `root`."""
    problems = link_problems(root)
    facts = root / FACTS_DIR
    for path in sorted(facts.glob("*.yml")):
        name = str(path.relative_to(root))
        problems.append(Problem(name, 0, None, "fact files end in .yaml: this one is not read"))
    for path in sorted(facts.glob("*.yaml")):
        if not path.is_symlink() and not path.is_file() and readable_name(path.name):
            name = str(path.relative_to(root))
            message = "is not a file (a folder or a device named like a fact file): rename it"
            problems.append(Problem(name, 0, None, message))
    for path in sorted(facts.glob("*/**/*.y*ml")):
        if path.suffix in (".yaml", ".yml") and not path.is_symlink():
            name = str(path.relative_to(root))
            message = f"fact files in subfolders of {FACTS_DIR}/ are not read: move it up"
            problems.append(Problem(name, 0, None, message))
    return problems


def check_knowledge(root: Path) -> tuple[FactBase | None, list[Problem]]:
    """Load and validate a knowledge directory: the fact base (or None) and every problem."""
    raw = read_knowledge(root)
    base, problems = build_fact_base(raw)
    return base, problems


def load_fact_base(root: Path) -> FactBase:
    """Load a valid fact base, or raise KnowledgeError listing every problem."""
    base, problems = check_knowledge(root)
    if problems or base is None:
        raise KnowledgeError(problems)
    log.info(
        "loaded %d facts, %d brands, %d partnerships from %s",
        len(base.facts),
        len(base.brands),
        len(base.partnerships),
        root,
    )
    return base
