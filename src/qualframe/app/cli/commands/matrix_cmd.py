"""`qualframe matrix`: the theme matrix (codebook × participant group) to Word, Excel, CSV
or Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import (
    add_document_set_arg,
    add_project_arg,
    add_real_names_arg,
    open_project,
    say,
)
from qualframe.coding.analysis.matrix import COUNT_KINDS, MatrixOptions, left_out_sentence
from qualframe.coding.core.errors import UserError
from qualframe.coding.export.atomic import check_target
from qualframe.coding.export.matrix_export import check_export_path, export_matrix

ORDER = 40


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "matrix",
        help="write the theme matrix (codebook × participant group)",
        description="Write the theme matrix: codebook rows against the groups of a participant "
        "attribute; the format follows the extension of --out (.docx, .xlsx, .csv, .md).",
    )
    add_project_arg(p)
    p.add_argument("--by", default="role", metavar="ATTR", help="column attribute (default role)")
    p.add_argument(
        "--rows", type=int, default=0, metavar="LEVEL", help="row level: 0 themes (default), 1 …"
    )
    p.add_argument("--groups", metavar="A,B", help="which groups, in this order (default: all)")
    p.add_argument(
        "--counts",
        metavar="KINDS",
        default="",
        help=f"figures beside each entry, comma-separated: {','.join(COUNT_KINDS)}",
    )
    p.add_argument("--quotes", type=int, default=0, metavar="N", help="quotes per code (default 0)")
    p.add_argument("--include-empty", action="store_true", help="list codes without segments")
    p.add_argument(
        "--not-set",
        action=argparse.BooleanOptionalAction,
        default=True,
        help='a "(not set)" column for participants without a value for --by (default: on; '
        "--no-not-set leaves their segments out and the note counts them)",
    )
    _add_scope_args(p)
    p.add_argument("--title", metavar="TEXT", help="table title (after 'Table N.')")
    p.add_argument("--number", type=int, default=1, metavar="N", help="table number (default 1)")
    p.add_argument("--landscape", action="store_true", help="landscape page (Word)")
    add_real_names_arg(p, "in quotes")
    p.add_argument(
        "--reviewed", choices=["agreed", "any", "all"], default="all",
        help="only segments reviewed and agreed, with any verdict, or all (default)",
    )  # fmt: skip
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="output file")
    p.set_defaults(func=cmd_matrix)


def _add_scope_args(p: argparse.ArgumentParser) -> None:
    """--coder, --document and --set: which segments count."""
    p.add_argument(
        "--coder",
        dest="coders",
        action="append",
        default=[],
        metavar="NAME",
        help="only this coder's segments (repeatable)",
    )
    p.add_argument(
        "--document",
        dest="documents",
        action="append",
        default=[],
        metavar="NAME",
        help="only this document (repeatable)",
    )
    add_document_set_arg(p)


def cmd_matrix(args: argparse.Namespace) -> int:
    check_export_path(args.out)  # before anything is computed
    check_target(args.out)
    counts = _split(args.counts)
    unknown = [c for c in counts if c not in COUNT_KINDS]
    if unknown:
        raise UserError(f'Unknown count "{unknown[0]}"; choose from {", ".join(COUNT_KINDS)}.')
    options = MatrixOptions(
        by=args.by,
        rows_level=args.rows,
        group_order=_split(args.groups) or None,
        counts=frozenset(counts),
        quotes=args.quotes,
        include_empty=args.include_empty,
        not_set=args.not_set,
        coders=args.coders or None,
        documents=args.documents or None,
        document_sets=args.sets or None,
        real_names=args.real_names,
        reviewed=args.reviewed,
    )
    with open_project(args) as project:
        matrix = export_matrix(
            project,
            options,
            args.out,
            title=args.title,
            number=args.number,
            landscape=True if args.landscape else None,
        )
    groups = ", ".join(g.header for g in matrix.groups)
    say(f"Wrote {args.out} ({len(matrix.rows)} rows; {groups}).")
    left_out = left_out_sentence(matrix)
    if left_out:
        say(left_out[0].upper() + left_out[1:])
    return 0
