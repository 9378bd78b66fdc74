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
from qualframe.storage.errors import ProjectError


def location(text: str) -> Path | str:
    """An argparse type: a project file path, or a ``postgresql://user@host/db`` URL."""
    from qualframe.coding.core.team import parse_location

    try:
        return parse_location(text)
    except ProjectError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        metavar="PATH",
        type=location,
        help="the project file (*.qualframe) or a server project (postgresql://user@host/db)",
    )


def add_coder_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--coder", metavar="NAME", help="who is coding (default: $QUALFRAME_CODER or your login)"
    )


def add_document_set_arg(parser: argparse.ArgumentParser) -> None:
    """``--set NAME`` (repeatable, as ``args.sets``): only the documents in these sets."""
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME",
        help="only the documents in this document set (repeatable: in any of them)",
    )


def add_real_names_arg(parser: argparse.ArgumentParser, where: str = "") -> None:
    """``--real-names``: keep participants' real names ``where`` (e.g. "in quotes")."""
    parser.add_argument(
        "--real-names",
        action="store_true",
        help=f"keep participants' real names{' ' + where if where else ''} "
        "(default: replaced by pseudonyms)",
    )


def say_wrote(path: Path, n: int, noun: str) -> None:
    """``Wrote PATH (N nouns).``, the line an export ends with."""
    say(f"Wrote {path} ({n} {noun}{'s' if n != 1 else ''}).")


def open_project(args: argparse.Namespace, *, write: bool = False) -> Project:
    """The project of ``args.path`` (by ``--coder``); for a command that writes (``write``),
    one the coder may change: an auditor (a coder with that role, or an auditor's account on
    a server) is refused here, in one sentence, before the command reads or prepares
    anything, also when it would turn out to have nothing to write."""
    project = Project.open(args.path, read_only=not write, coder=getattr(args, "coder", None))
    if write:
        try:
            project.check_can_write()
        except BaseException:
            project.close()
            raise
    return project


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
