"""`qualframe backup` and `qualframe check`: copies of a project file and its safety check."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_project_arg, say
from qualframe.coding.core.backups import remove_foreign_objects, save_copy
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import location_name
from qualframe.storage.errors import ForeignSchemaError

ORDER = 60


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup",
        help="copy a project file safely, even while it is open",
        description="Write a complete copy of the project to OUT (a file, or a folder to put "
        "it in), using SQLite's online backup: consistent even while the app has the project "
        "open. The copy is written under a temporary name, verified by opening it, then "
        "renamed; an existing project is never overwritten.",
    )
    add_project_arg(p)
    p.add_argument("out", metavar="OUT", type=Path, help="the copy (*.qualframe) or a folder")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "check",
        help="check a project file (integrity, schema, database objects not made by Qualframe)",
        description="Check that PATH is an intact Qualframe project whose database holds only "
        "the tables and indexes Qualframe creates. A project holding other triggers, views, "
        "tables or indexes (which could change or delete data) is refused everywhere until "
        "they are removed with --remove-foreign (a backup is made first).",
    )
    add_project_arg(p)
    p.add_argument(
        "--remove-foreign",
        action="store_true",
        help="remove database objects Qualframe did not create (after backing the file up)",
    )
    p.set_defaults(func=cmd_check)


def cmd_backup(args: argparse.Namespace) -> int:
    if isinstance(args.path, str):
        raise UserError(
            "A server project is copied with 'qualframe download URL FILE' (or the server's "
            "own backups), not with backup."
        )
    target = save_copy(args.path, args.out)
    size = target.stat().st_size
    say(f"Backed up {args.path.name} to {target} ({size // 1024:,} KB; verified).")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    name = location_name(args.path)
    if args.remove_foreign and isinstance(args.path, str):
        raise UserError("--remove-foreign is for project files; a server's owner manages it.")
    if args.remove_foreign:
        try:
            Project.open(args.path, read_only=True).close()
            say(f"{args.path.name} holds nothing Qualframe did not create; nothing removed.")
        except ForeignSchemaError:
            removed, backup = remove_foreign_objects(args.path)
            what = ", ".join(f'{kind} "{name}"' for kind, name in removed)
            say(f"Removed {what} from {args.path.name}; the file as it was is in {backup.name}.")
    with Project.open(args.path, read_only=True) as project:
        info = project.info()
    say(
        f"{name} is an intact Qualframe project (schema {info['schema_version']}; "
        f"{info['documents']} documents, {info['segments']} segments)."
    )
    return 0
