"""Helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qualframe.coding.core.project import Project


def add_project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=Path, help="the project file (*.qualframe)")


def add_coder_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--coder", metavar="NAME", help="who is coding (default: $QUALFRAME_CODER or your login)"
    )


def open_project(args: argparse.Namespace, *, write: bool = False) -> Project:
    return Project.open(args.path, read_only=not write, coder=getattr(args, "coder", None))


def write_json(data: Any, out: Any = None) -> None:
    json.dump(data, out or sys.stdout, ensure_ascii=False, indent=2, default=str)
    (out or sys.stdout).write("\n")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], out: Any = None) -> None:
    from qualframe.coding.export.safe_cells import neutralise

    writer = csv.writer(out or sys.stdout)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])


def say(message: str, *, file: Any = None) -> None:
    """Print a message line with control and direction-changing characters escaped (a file
    name can hold ESC sequences or U+202E; the terminal must not obey them)."""
    from qualframe.coding.core.printable import printable

    print(printable(message), file=file or sys.stdout)
