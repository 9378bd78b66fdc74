"""``qualframe gui [PATH]``: the coding workbench (or an offscreen screenshot of it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import location

ORDER = 5


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "gui",
        help="open the coding workbench",
        description="Open the coding workbench on PATH (default: the last project, or a "
        "welcome screen). With --screenshot, render the window offscreen at 1440x900, save "
        "the PNG and exit.",
    )
    p.add_argument(
        "path",
        metavar="PATH",
        type=location,
        nargs="?",
        help="the project file, or a server project (postgresql://user@host/database)",
    )
    p.add_argument("--screenshot", metavar="FILE.png", type=Path, help="save a screenshot and exit")
    p.add_argument("--document", metavar="NAME", help="the document to show")
    p.add_argument(
        "--code",
        metavar="PATH",
        help='the code to select (Theme/Category/Code; write \\/ for a "/" inside a name)',
    )
    p.add_argument("--coder", metavar="NAME", help="who is coding (remembered)")
    p.add_argument("--read-only", action="store_true", help="open without the writer lock")
    p.add_argument(
        "--review", action="store_true",
        help="open for review (with --as NAME): verdicts only, every other change refused",
    )  # fmt: skip
    p.add_argument("--as", dest="reviewer", metavar="NAME", help="the auditor reviewing")
    p.add_argument(
        "--size", metavar="WxH", default="1440x900", help="screenshot size (default 1440x900)"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qualframe.coding.core.errors import UserError

    try:
        w, h = (int(v) for v in str(args.size).lower().split("x"))
    except ValueError:
        raise UserError(f'"{args.size}" is not a size; use WIDTHxHEIGHT, e.g. 1280x800.') from None
    if args.review and not args.reviewer:
        raise UserError("--review needs the auditor's name: --review --as NAME.")
    if args.reviewer and not args.review:
        raise UserError("--as NAME goes with --review.")
    if args.review and args.read_only:
        raise UserError("A review writes its verdicts, so it cannot be read-only.")
    from qualframe.app.gui.launch import run

    return run(
        args.path,
        screenshot=args.screenshot,
        document=args.document,
        code=args.code,
        coder=args.coder,
        read_only=args.read_only,
        size=(w, h),
        review_as=args.reviewer if args.review else None,
    )
