"""`qualframe agreement`: inter-coder agreement (percent, Cohen's κ, Krippendorff's α) per code
and overall, with bootstrap intervals; text, JSON, Word or Excel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, TYPE_CHECKING

from qualframe.app.cli.common import add_project_arg, open_project, say, write_json
from qualframe.coding.core.errors import UserError

if TYPE_CHECKING:
    from qualframe.coding.analysis.agreement.report import AgreementReport

ORDER = 45
FORMATS = ("text", "json", "docx", "xlsx")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "agreement",
        help="inter-coder agreement: percent, Cohen's kappa, Krippendorff's alpha, with CIs",
        description=(
            "Agreement between two or more coders per code and overall, at the unit chosen: "
            "character, speaker turn / survey answer ('turn') or document. Only documents "
            "coded by every compared coder count; the others are listed."
        ),
    )
    add_project_arg(p)
    p.add_argument("--coders", nargs="+", metavar="NAME", required=True, help="two or more")
    p.add_argument("--unit", choices=("character", "turn", "document"), default="character")
    p.add_argument(
        "--exclude-uncoded",
        action="store_true",
        help="leave out units no compared coder coded with any code (they count as agreement "
        "otherwise)",
    )
    p.add_argument("--format", choices=FORMATS, help="default: text, or the --out extension")
    p.add_argument("--out", metavar="FILE", type=Path, help="write to this file")
    p.add_argument(
        "--replicates",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap replicates for the 95%% CI of alpha (0: none; default 1000)",
    )
    p.add_argument("--seed", type=int, default=20240601, help="bootstrap seed (reproducible)")
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names in document names (default: replaced by pseudonyms)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        metavar="ALPHA",
        help="report P(alpha < ALPHA) over the replicates (default 0.8; 0.667 for tentative)",
    )
    p.set_defaults(func=cmd_agreement)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.out.suffix.lower().lstrip(".") if args.out is not None else ""
    return suffix if suffix in ("json", "docx", "xlsx") else "text"


def cmd_agreement(args: argparse.Namespace) -> int:
    from qualframe.coding.analysis.agreement.report import agreement, for_outside

    fmt = _format(args)
    if fmt in ("docx", "xlsx") and args.out is None:
        raise UserError(f"--format {fmt} writes a file: add --out FILE.{fmt}.")
    with open_project(args) as project:
        report = agreement(
            project, args.coders, unit=args.unit, exclude_uncoded=args.exclude_uncoded,
            replicates=args.replicates, seed=args.seed, threshold=args.threshold,
        )  # fmt: skip
        if fmt in ("docx", "xlsx"):
            from qualframe.coding.export.agreement_report import export_agreement

            if args.out.suffix.lower() != f".{fmt}":
                raise UserError(f"Cannot write {args.out.name} as {fmt}: name it FILE.{fmt}.")
            export_agreement(project, report, args.out, real_names=args.real_names)
        else:
            _write_plain(for_outside(project, report, real_names=args.real_names), fmt, args.out)
    if args.out is not None:
        say(f"Wrote {args.out} ({len(report.codes)} codes, unit: {report.unit}).")
    return 0


def _write_plain(report: AgreementReport, fmt: str, out: Path | None) -> None:
    """The report as JSON or text, on the terminal or into ``out`` (written whole or not)."""
    from qualframe.coding.analysis.agreement.report import to_json, to_text
    from qualframe.coding.export.atomic import write_atomically, write_json_atomically

    if fmt == "json":
        if out is None:
            write_json(to_json(report))
        else:
            write_json_atomically(out, to_json(report))
    elif out is None:
        print(to_text(report), end="")
    else:
        data = to_text(report).encode("utf-8")

        def write(f: IO[bytes]) -> None:
            f.write(data)

        write_atomically(out, write)
