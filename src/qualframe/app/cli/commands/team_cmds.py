"""`qualframe login`, `qualframe upload`, `qualframe download`: a project on a team's
PostgreSQL server, and whole-project copies between a laptop file and the server."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from qualframe.app.cli.common import location, say
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.team import (
    CopyReport,
    download,
    location_name,
    remember_password,
    upload,
)

ORDER = 12


def _url(text: str) -> str:
    value = location(text)
    if not isinstance(value, str):
        raise argparse.ArgumentTypeError(
            f"{text} is not a server address; write postgresql://user@host/database."
        )
    return value


def _add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url", metavar="URL", type=_url, help="postgresql://user@host[:port]/database"
    )


def _project_file(path: Path, *, new: bool = False) -> Path:
    """``path`` when it names a project file (``*.qualframe``), else a one-sentence refusal
    (for a file still to be made, with the name to use instead)."""
    if path.suffix != ".qualframe":
        hint = f" (try {path.name}.qualframe)" if new else ""
        raise UserError(f"{path.name}: project files end in .qualframe{hint}.")
    return path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "login",
        help="keep the password for a server project in the system keyring",
        description="Ask for the password of URL's user (not shown while typed; read from "
        "standard input when it is not a terminal), check it by connecting, and keep it in the "
        "system keyring for that user and server. Without a keyring, put it in ~/.pgpass (or "
        "the file PGPASSFILE names) or PGPASSWORD instead; never in the URL.",
    )
    _add_url(p)
    p.set_defaults(func=cmd_login)

    p = sub.add_parser(
        "upload",
        help="copy a project file to a new project on a server",
        description="Copy the project file PATH whole (ids and GUIDs kept) into a new project "
        "database URL (created; an existing one must be empty). All or nothing.",
    )
    p.add_argument("path", metavar="PATH", type=Path, help="the project file (*.qualframe)")
    _add_url(p)
    p.set_defaults(func=cmd_upload)

    p = sub.add_parser(
        "download",
        help="copy a server project to a new project file (for offline work)",
        description="Copy the project database URL whole (ids and GUIDs kept) into a new "
        "project file PATH; an existing file is never replaced. All or nothing.",
    )
    _add_url(p)
    p.add_argument("path", metavar="PATH", type=Path, help="the new project file (*.qualframe)")
    p.set_defaults(func=cmd_download)
    register_roles(sub)


def cmd_login(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {location_name(args.url)}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given; nothing was kept.")
    name = remember_password(args.url, password)
    say(f"The password for {name} is kept in the system keyring.")
    return 0


def _summary(report: CopyReport) -> str:
    tables = sum(1 for n in report.copied.values() if n)
    return f"{report.total:,} rows in {tables} tables, counts checked on both sides"


def cmd_upload(args: argparse.Namespace) -> int:
    report = upload(_project_file(args.path), args.url)
    say(f"Uploaded {args.path.name} to {location_name(args.url)} ({_summary(report)}).")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    report = download(args.url, _project_file(args.path, new=True))
    say(f"Downloaded {location_name(args.url)} to {args.path} ({_summary(report)}).")
    return 0


def register_roles(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "role",
        help="who may do what on a server project (coder, auditor, owner)",
        description="Give a person a role on the server project URL, enforced by the server "
        "itself: coder (codes and changes everything), auditor (reads everything, records "
        "reviews only), owner (as coder, and may grant roles and upgrade the schema). The "
        "person's server login is created when missing; its password is asked (not shown), or "
        "read from standard input when that is not a terminal. Needs a server user allowed to "
        "create roles. 'role URL list' shows who holds which role.",
    )
    _add_url(p)
    p.add_argument("action", choices=["grant", "list"], help="grant a role, or list them")
    p.add_argument("name", metavar="NAME", nargs="?", help="the person's server login")
    p.add_argument("--role", choices=["coder", "auditor", "owner"], default="coder")
    p.add_argument(
        "--no-password",
        action="store_true",
        help="do not set a password (the server authenticates otherwise, e.g. certificates)",
    )
    p.set_defaults(func=cmd_role)


def cmd_role(args: argparse.Namespace) -> int:
    from qualframe.coding.core.team import grant_role, list_roles

    if args.action == "list":
        held = list_roles(args.url)
        if not held:
            say(f"Nobody holds a Qualframe role on {location_name(args.url)} yet.")
        for person, role in held:
            say(f"{person}  {role}")
        return 0
    if not args.name:
        raise UserError("Name the person: qualframe role URL grant NAME --role auditor.")
    password = None
    if not args.no_password:
        if sys.stdin.isatty():
            password = getpass.getpass(f"Password for {args.name} (empty: keep the current one): ")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        password = password or None
    name = grant_role(args.url, args.name, args.role, password)
    say(f"{args.name} is now {args.role} of {name}.")
    return 0
