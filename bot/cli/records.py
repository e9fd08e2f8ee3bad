"""`camerabot source|brand|partnership …` and `kb export|import`: records on the command line.

They go through `KnowledgeStore.records` (the same checks, lock, history and undo as facts);
the actor is the OS user.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TypeAlias

from bot.cli.moderation import (
    _history,
    _out,
    _positive,
    _read_fields_file,
    _run,
    _store,
    cli_actor,
    common_options,
)
from bot.facts.record_files import dump_mapping
from bot.runtime.config import Settings
from bot.state.audit import Kind
from bot.store import StoreError, record_version
from bot.store.records import text_page


def _listed(values: list[str] | None) -> list[str] | None:
    """A repeated option's values; `--alias ""` alone gives [], which clears the list."""
    return None if values is None else [value for value in values if value.strip()]


def _device(text: str) -> dict[str, Any]:
    """`NAME` or `NAME=ALIAS,ALIAS` as a device record."""
    name, _, aliases = text.partition("=")
    device: dict[str, Any] = {"name": name.strip()}
    listed = [alias.strip() for alias in aliases.split(",") if alias.strip()]
    if listed:
        device["aliases"] = listed
    return device


def _brand_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = _read_fields_file(args.from_file) if args.from_file else {}
    devices = _listed(args.device)
    people = args.person
    for name, value in (
        ("name", args.name),
        ("kind", args.kind),
        ("country", args.country),
        ("aliases", _listed(args.alias)),
        ("devices", None if devices is None else [_device(d) for d in devices]),
        (
            "people",
            None
            if people is None
            else [
                {"name": n, "role": r, "citations": [{"source": s, "quote": q}]}
                for n, r, s, q in people
                if n.strip()
            ],
        ),
    ):
        if value is not None:
            fields[name] = value
    return fields


def _partnership_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = _read_fields_file(args.from_file) if args.from_file else {}
    for name, value in (
        ("phone_maker", args.phone_maker),
        ("camera_maker", args.camera_maker),
        ("status", args.status),
        ("since", args.since),
        ("period", args.period),
        ("first_phone_due", args.first_phone_due),
        ("devices", _listed(args.device)),
        ("reported_devices", _listed(args.reported_device)),
        ("summary", args.summary),
        ("citations", [{"source": s, "quote": q} for s, q in args.cite] if args.cite else None),
    ):
        if value is not None:
            fields[name] = value
    return fields


def _citations(args: argparse.Namespace, current: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The citations after `--add-citation` and `--remove-citation N`, or None: not touched."""
    adding = args.add_citation or []
    removing = args.remove_citation or []
    if not adding and not removing:
        return None
    if args.cite:
        raise StoreError("give --cite (all citations) or --add/--remove-citation, not both")
    citations = list(current.get("citations") or [])
    for number in sorted(set(removing), reverse=True):
        if not 1 <= number <= len(citations):
            raise StoreError(
                f"--remove-citation {number}: there are citations 1 to {len(citations)}"
            )
        del citations[number - 1]
    return citations + [{"source": s, "quote": q} for s, q in adding]


def _said(verb: str, change: Any) -> None:
    if change.noop:
        _out(f"{change.kind} {change.record_id} already says that; nothing changed")
    else:
        _out(f"{verb} {change.kind} {change.record_id} in {change.file} (version {change.version})")


def cmd_record_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a brand or a partnership."""
    store = _store(args, settings)
    kind: str = args.kind_of_record

    def action() -> int:
        if kind == Kind.BRAND:
            fields = {"id": args.record_id, **_brand_fields(args)}
        else:
            fields = _partnership_fields(args)
            default = f"{fields.get('phone_maker')}-{fields.get('camera_maker')}"
            fields = {"id": args.id or fields.pop("id", None) or default, **fields}
        change = store.records.add(kind, fields, actor=cli_actor())
        _said("added", change)
        return 0

    return _run(action, store)


def cmd_record_edit(args: argparse.Namespace, settings: Settings) -> int:
    """Change some fields of a brand, a partnership or a source."""
    store = _store(args, settings)
    kind: str = args.kind_of_record

    def action() -> int:
        if kind == Kind.SOURCE:
            fields = {k: v for k in ("title", "date", "url") if (v := getattr(args, k)) is not None}
        elif kind == Kind.BRAND:
            fields = _brand_fields(args)
        else:
            fields = _partnership_fields(args)
        current = store.records.record(kind, args.record_id)
        if kind == Kind.PARTNERSHIP and (citations := _citations(args, current)) is not None:
            fields["citations"] = citations
        if not fields:
            raise StoreError("nothing to change: give the fields to change (see --help)")
        # The version read here guards the fields computed from it (citations) as well.
        base_version = args.base_version or record_version(current)
        change = store.records.edit(
            kind, args.record_id, fields, base_version=base_version, actor=cli_actor()
        )
        _said("edited", change)
        return 0

    return _run(action, store)


def cmd_record_show(args: argparse.Namespace, settings: Settings) -> int:
    """A record as YAML with its file and version; a source's text, a page at a time."""
    store = _store(args, settings)
    kind: str = args.kind_of_record

    def action() -> int:
        record = store.records.record(kind, args.record_id)
        file = {Kind.SOURCE: "sources.yaml", Kind.BRAND: "brands.yaml"}.get(
            kind, "partnerships.yaml"
        )
        _out(f"# {file}, version {record_version(record)}")
        sys.stdout.write(dump_mapping(record))
        if kind == Kind.SOURCE:
            page, pages = text_page(store.records.source_text(args.record_id), args.page)
            _out(f"# text, page {min(args.page, pages)} of {pages}")
            sys.stdout.write(page if page.endswith("\n") else page + "\n")
        return 0

    return _run(action, store)


def cmd_record_history(args: argparse.Namespace, settings: Settings) -> int:
    """A record's changes, oldest first."""
    store = _store(args, settings)
    kind: str = args.kind_of_record

    def action() -> int:
        entries = store.history(args.record_id, kind=kind)
        if not entries:
            store.records.record(kind, args.record_id)  # UnknownRecord: "there is no …"
        if args.json:
            for entry in entries:
                _out(json.dumps(entry.to_json(), ensure_ascii=False))
        elif not entries:
            _out(f"no recorded changes to {kind} {args.record_id}")
        else:
            _history(entries)
        return 0

    return _run(action, store)


def cmd_source_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a source from an article's text file."""
    store = _store(args, settings)

    def action() -> int:
        try:
            text: object = Path(args.file).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise StoreError(f"{args.file} is not UTF-8 text") from None
        change = store.add_source(args.id, args.title, args.date, args.url, text, actor=cli_actor())
        _out(f"added source {change.record_id} to {change.file} (version {change.version})")
        return 0

    return _run(action, store)


def cmd_source_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a source nothing cites (its text goes too; kb undo puts both back)."""
    store = _store(args, settings)

    def action() -> int:
        change = store.records.remove(
            Kind.SOURCE, args.record_id, base_version=args.base_version, actor=cli_actor()
        )
        _out(f"removed source {change.record_id} and its text (kb undo puts them back)")
        return 0

    return _run(action, store)


def cmd_kb_export(args: argparse.Namespace, settings: Settings) -> int:
    """Every knowledge file, article texts included, in one zip."""
    store = _store(args, settings)

    def action() -> int:
        data = store.export_archive()
        Path(args.file).write_bytes(data)
        _out(f"exported the knowledge files to {args.file} ({len(data)} bytes)")
        return 0

    return _run(action, store)


def cmd_kb_import(args: argparse.Namespace, settings: Settings) -> int:
    """Make knowledge/ hold exactly the files of an export (checked whole first)."""
    store = _store(args, settings)

    def action() -> int:
        names = store.import_archive(Path(args.file).read_bytes(), actor=cli_actor())
        _out(f"imported {args.file}: {len(names)} file(s) changed")
        for name in names:
            _out(f"  {name}")
        return 0

    return _run(action, store)


Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _brand_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", help="the brand's name")
    parser.add_argument(
        "--kind", choices=("phone_maker", "camera_maker"), help="phone_maker or camera_maker"
    )
    parser.add_argument("--country", help='where it is from (--country "" clears it)')
    parser.add_argument("--alias", action="append", help="another name (repeat; replaces all)")
    parser.add_argument(
        "--device", action="append", metavar="NAME[=ALIAS,…]",
        help="a device and its other names (repeat; replaces all; --device \"\" clears)",
    )  # fmt: skip
    parser.add_argument(
        "--person", nargs=4, action="append", metavar=("NAME", "ROLE", "SOURCE", "QUOTE"),
        help="a person, with the quote that says so (repeat; replaces all)",
    )  # fmt: skip
    parser.add_argument("--from-file", metavar="FILE", help="a YAML file holding the record")


def _partnership_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--phone-maker", metavar="BRAND", help="the phone maker's brand id")
    parser.add_argument("--camera-maker", metavar="BRAND", help="the camera maker's brand id")
    parser.add_argument("--status", choices=("announced", "active", "ended"))
    parser.add_argument("--since", metavar="YYYY[-MM]", help="the year (and month) it began")
    parser.add_argument("--period", help='how long, as a quote says ("multi-year")')
    parser.add_argument(
        "--first-phone-due", metavar="YYYY[-MM]", help="when the first phone is due"
    )
    parser.add_argument("--device", action="append", help="a phone of it (repeat; replaces all)")
    parser.add_argument(
        "--reported-device", action="append", help="a phone reports named (repeat; replaces all)"
    )
    parser.add_argument("--summary", help="one sentence about it")
    parser.add_argument(
        "--cite", nargs=2, action="append", metavar=("SOURCE", "QUOTE"),
        help="a citation, word for word from the source (repeat; replaces all)",
    )  # fmt: skip
    parser.add_argument("--from-file", metavar="FILE", help="a YAML file holding the record")


def _shared(actions: Subparsers, kind: str, common: argparse.ArgumentParser) -> None:
    """`show` and `history`, the same for every kind."""
    show = actions.add_parser("show", parents=[common], help=f"a {kind}'s record as YAML")
    show.add_argument("record_id", metavar="ID")
    if kind == Kind.SOURCE:
        show.add_argument("--page", type=_positive, default=1, help="the page of the text")
    show.set_defaults(handler=cmd_record_show, kind_of_record=kind, page=1)
    history = actions.add_parser("history", parents=[common], help=f"who changed a {kind}, when")
    history.add_argument("record_id", metavar="ID")
    history.add_argument("--json", action="store_true", help="the full audit entries")
    history.set_defaults(handler=cmd_record_history, kind_of_record=kind)


def _edit(
    actions: Subparsers, kind: str, common: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    edit = actions.add_parser("edit", parents=[common], help=f"change some fields of a {kind}")
    edit.add_argument("record_id", metavar="ID")
    edit.add_argument("--base-version", help="refuse if the record is no longer this version")
    edit.set_defaults(handler=cmd_record_edit, kind_of_record=kind)
    return edit


def add_record_commands(sub: Subparsers, kb_actions: Subparsers) -> Subparsers:
    """Add `source`, `brand`, `partnership`, and `kb export|import`; return `source`'s actions."""
    common = common_options()
    source = sub.add_parser("source", help="add, show, edit or remove a source article")
    actions = source.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add an article from a text file")
    add.add_argument("file", metavar="FILE", help="the article's text (UTF-8)")
    add.add_argument("--title", required=True)
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--url", default="")
    add.add_argument("--id", help="the id (default: from the title)")
    add.set_defaults(handler=cmd_source_add)
    _shared(actions, Kind.SOURCE, common)
    edit = _edit(actions, Kind.SOURCE, common)
    edit.add_argument("--title")
    edit.add_argument("--date", metavar="YYYY-MM-DD")
    edit.add_argument("--url", help='its address (--url "" clears it)')
    remove = actions.add_parser("remove", parents=[common], help="remove a source nothing cites")
    remove.add_argument("record_id", metavar="ID")
    remove.add_argument("--base-version", help="refuse if the record is no longer this version")
    remove.set_defaults(handler=cmd_source_remove)
    source_actions = actions

    brand = sub.add_parser("brand", help="add, edit or show a brand")
    actions = brand.add_subparsers(dest="brand_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a brand")
    add.add_argument("record_id", metavar="ID", help="lower-case letters, digits and '-'")
    _brand_options(add)
    add.set_defaults(handler=cmd_record_add, kind_of_record=Kind.BRAND)
    _brand_options(_edit(actions, Kind.BRAND, common))
    _shared(actions, Kind.BRAND, common)

    partnership = sub.add_parser("partnership", help="add, edit or show a partnership")
    actions = partnership.add_subparsers(
        dest="partnership_command", metavar="ACTION", required=True
    )
    add = actions.add_parser("add", parents=[common], help="add a partnership")
    add.add_argument("--id", help="the id (default: PHONE-CAMERA)")
    _partnership_options(add)
    add.set_defaults(handler=cmd_record_add, kind_of_record=Kind.PARTNERSHIP)
    edit = _edit(actions, Kind.PARTNERSHIP, common)
    _partnership_options(edit)
    edit.add_argument(
        "--add-citation", nargs=2, action="append", metavar=("SOURCE", "QUOTE"),
        help="add a citation (repeat)",
    )  # fmt: skip
    edit.add_argument(
        "--remove-citation", type=_positive, action="append", metavar="N",
        help="remove the Nth citation, as `partnership show` lists them (repeat)",
    )  # fmt: skip
    _shared(actions, Kind.PARTNERSHIP, common)

    export = kb_actions.add_parser(
        "export", parents=[common], help="every knowledge file, article texts too, in a zip"
    )
    export.add_argument("file", metavar="FILE.zip")
    export.set_defaults(handler=cmd_kb_export)
    imported = kb_actions.add_parser(
        "import", parents=[common], help="make knowledge/ hold exactly an export's files"
    )
    imported.add_argument("file", metavar="FILE.zip")
    imported.set_defaults(handler=cmd_kb_import)
    return source_actions
