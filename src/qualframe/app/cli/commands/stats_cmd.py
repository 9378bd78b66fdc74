"""`qualframe stats`: the survey tables (frequencies, Likert comparison, coded themes)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_project_arg, open_project, say, write_json
from qualframe.coding.core.errors import UserError
from qualframe.coding.export.atomic import check_target

ORDER = 40
FORMATS = ("json", "docx", "xlsx")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "stats",
        help="survey tables: frequencies, Likert group comparison, coded themes",
        description=(
            "Compute the survey tables from the stored answers: n (%) of respondents for "
            "single- and multiple-choice items, mean ± SD with a two-sided Mann–Whitney U "
            "(or Kruskal–Wallis) test for Likert items, and the themes coded in the "
            "open-ended answers with Fisher's exact test."
        ),
    )
    add_project_arg(p)
    p.add_argument(
        "--by",
        metavar="ATTR",
        help="group by this respondent attribute (default: role, if the project has it; "
        "'none' for overall figures only)",
    )
    p.add_argument("--items", metavar="ITEM", nargs="+", help="only these survey items")
    p.add_argument(
        "--groups", metavar="A,B",
        help="only these groups of --by, in this order (as `matrix --groups`)",
    )  # fmt: skip
    p.add_argument(
        "--test", choices=("auto", "exact", "asymptotic", "asymptotic-corrected"), default="auto",
        help="Mann-Whitney p: exact (permutation with ties), asymptotic (no continuity "
        "correction, as SPSS), asymptotic-corrected (as R's wilcox.test), or auto (default)",
    )  # fmt: skip
    p.add_argument(
        "--incomplete", choices=("exclude", "include"), default="exclude",
        help="count incomplete survey responses (default: exclude; preview responses never count)",
    )  # fmt: skip
    p.add_argument(
        "--coder", dest="coders", action="append", metavar="NAME",
        help="count the coded themes from this coder's segments only (repeatable; default: "
        "every coder's, as `matrix --coder`)",
    )  # fmt: skip
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="json (default; to stdout without --out), docx or xlsx (need --out)",
    )
    p.add_argument("--out", metavar="FILE", type=Path, help="write to this file")
    p.add_argument(
        "--percent-decimals",
        type=int,
        choices=(0, 1),
        default=0,
        help="decimals of percentages (default 0)",
    )
    p.add_argument(
        "--p-decimals", type=int, choices=(2, 3), default=3, help="decimals of p (default 3)"
    )
    p.add_argument(
        "--reviewed", choices=["agreed", "any", "all"], default="all",
        help="coded themes: only segments reviewed and agreed, with any verdict, or all (default)",
    )  # fmt: skip
    p.set_defaults(func=cmd_stats)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.out is not None and args.out.suffix.lower().lstrip(".") in FORMATS:
        return str(args.out.suffix.lower().lstrip("."))
    return "json"


def cmd_stats(args: argparse.Namespace) -> int:
    from qualframe.coding.analysis.survey import default_group, survey_tables

    fmt = _format(args)
    if fmt != "json" and args.out is None:
        raise UserError(f"--format {fmt} writes a file: add --out FILE.{fmt}.")
    if args.out is not None:
        check_target(args.out)  # before anything is computed
    with open_project(args) as project:
        if args.by is None:
            by = default_group(project)
        else:
            by = None if args.by.strip().casefold() == "none" else args.by
        tables = survey_tables(
            project,
            by=by,
            items=args.items,
            percent_decimals=args.percent_decimals,
            p_decimals=args.p_decimals,
            groups=[g for g in args.groups.split(",") if g.strip()] if args.groups else None,
            test=args.test,
            incomplete=args.incomplete,
            coders=args.coders or None,
            reviewed=args.reviewed,
        )
    if fmt == "json":
        if args.out is None:
            write_json(tables.to_json())
        else:
            from qualframe.coding.export.atomic import write_json_atomically

            write_json_atomically(args.out, tables.to_json())
    elif fmt == "docx":
        from qualframe.coding.export.survey_docx import write_survey_docx

        write_survey_docx(tables, args.out)
    else:
        from qualframe.coding.export.survey_xlsx import write_survey_xlsx

        write_survey_xlsx(tables, args.out)
    if args.out is not None:
        say(
            f"Wrote {args.out} ({len(tables.frequencies)} frequency items, "
            f"{len(tables.likert)} Likert items"
            + (f", {len(tables.codes.rows)} codes" if tables.codes is not None else "")
            + ")."
        )
    return 0
