"""``qualframe gui [PATH]``: the coding workbench (or an offscreen screenshot of it)."""

from __future__ import annotations

import argparse
from pathlib import Path

ORDER = 5


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "gui",
        help="open the coding workbench",
        description="Open the coding workbench on PATH (default: the last project, or a "
        "welcome screen). With --screenshot, render the window offscreen at 1440x900, save "
        "the PNG and exit.",
    )
    p.add_argument("path", metavar="PATH", type=Path, nargs="?", help="the project file")
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
        "--size", metavar="WxH", default="1440x900", help="screenshot size (default 1440x900)"
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qualframe.coding.core.errors import UserError

    try:
        w, h = (int(v) for v in str(args.size).lower().split("x"))
    except ValueError:
        raise UserError(f'"{args.size}" is not a size; use WIDTHxHEIGHT, e.g. 1280x800.') from None
    from qualframe.app.gui.launch import run

    return run(
        args.path,
        screenshot=args.screenshot,
        document=args.document,
        code=args.code,
        coder=args.coder,
        read_only=args.read_only,
        size=(w, h),
    )
