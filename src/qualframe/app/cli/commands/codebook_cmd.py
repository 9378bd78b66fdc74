"""`qualframe codebook`: the codebook as a coding manual (Word or Excel)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project, say
from qualframe.coding.commands import LoadTemplate
from qualframe.coding.core.errors import UserError
from qualframe.coding.export.atomic import check_target
from qualframe.coding.export.codebook_report import SUFFIXES, export_codebook

ORDER = 41


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "codebook",
        help="write the codebook as a coding manual (.docx or .xlsx), or load a template",
    )
    add_project_arg(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="output file (.docx or .xlsx)")
    p.add_argument(
        "--load", metavar="TEMPLATE", help="first load a codebook template (e.g. mentoring)"
    )
    add_coder_arg(p)
    p.set_defaults(func=cmd_codebook)


def cmd_codebook(args: argparse.Namespace) -> int:
    if not args.out and not args.load:
        raise UserError("Say what to do: --out FILE.docx|.xlsx, --load TEMPLATE, or both.")
    if args.out and args.out.suffix.lower() not in SUFFIXES:
        raise UserError(
            f"Cannot write {args.out.name}: the codebook can be saved as .docx or .xlsx."
        )
    if args.out:
        check_target(args.out)  # before anything is loaded or computed
    with open_project(args, write=bool(args.load)) as project:
        if args.load:
            LoadTemplate(args.load).do(project)
            say(f'Loaded the codebook template "{args.load}".')
        if args.out:
            export_codebook(project, args.out)
            say(f"Wrote {args.out}.")
    return 0
