"""`qualframe new`, `qualframe demo`, `qualframe info`: creating and describing projects."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import (
    add_coder_arg,
    add_project_arg,
    location,
    open_project,
    say,
    write_json,
)
from qualframe.coding.codebook.templates import template_names
from qualframe.coding.commands import LoadTemplate
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import location_name

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("new", help="create an empty project (a file, or a database on a server)")
    p.add_argument(
        "path",
        metavar="PATH",
        type=location,
        help="the new project file (*.qualframe), or postgresql://user@host/database",
    )
    p.add_argument(
        "--template",
        choices=["empty", *template_names()],
        help="starting codebook (default: mentoring)",
    )
    p.add_argument(
        "--from", dest="source", type=Path, metavar="FILE.qdpx",
        help="make the project from a REFI-QDA project exported by NVivo, ATLAS.ti, MAXQDA …",
    )  # fmt: skip
    add_coder_arg(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("demo", help="build the demo project (mentoring study, partly coded)")
    p.add_argument(
        "path", metavar="PATH", type=location, help="where to write the demo project (file or URL)"
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("info", help="schema version and counts of a project")
    add_project_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)


def _project_path(path: Path | str) -> Path | str:
    if isinstance(path, str):
        return path  # a server URL
    if path.suffix != ".qualframe":
        raise UserError(
            f"{path.name}: project files end in .qualframe (try {path.name}.qualframe)."
        )
    return path


def cmd_new(args: argparse.Namespace) -> int:
    path = _project_path(args.path)
    if args.source is not None:
        from qualframe.app.cli.commands.exchange_cmd import new_from

        if args.template is not None:
            raise UserError("Use --template or --from, not both.")
        if isinstance(path, str):
            raise UserError(
                "Make the project from a .qdpx as a file first, then 'qualframe upload' it."
            )
        return new_from(path, args.source, args.coder)
    template_name = args.template or "mentoring"
    template = None if template_name == "empty" else LoadTemplate(template_name)
    # The template is loaded before the file gets its name: `new` is all or nothing.
    prepare = template.do if template is not None else None
    with Project.create(path, coder=args.coder, prepare=prepare) as project:
        info = project.info()
    say(f"Created {location_name(path)} with {info['codes']} codes.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from qualframe.coding.demo import build_demo

    path = _project_path(args.path)
    with build_demo(path) as project:
        info = project.info()
    say(
        f"Built the demo project {location_name(path)}: {info['documents']} documents, "
        f"{info['participants']} participants, {info['codes']} codes, {info['segments']} segments."
    )
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        info = project.info()
    if args.json:
        write_json(info)
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.replace('_', ' '):<{width}}  {value}")
    return 0
