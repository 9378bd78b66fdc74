"""`qualframe coders PATH [list | add NAME --role analyst|auditor | rename OLD NEW |
merge SOURCE TARGET]`: the people who code and review, and their roles. An auditor may only
review: coding, codebook edits and imports are refused for them (in the domain layer,
whatever the front end). `qualframe coder-rename PATH OLD NEW` and `qualframe coder-merge
PATH SOURCE TARGET` are the same rename and merge under their own names.

Each action is one entry of ``ACTIONS`` (name → (number of names, handler)), so another
action is one more entry."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from qualframe.app.cli.common import (
    add_coder_arg,
    add_project_arg,
    open_project,
    say,
    write_json,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.corpus.coder_roles import ROLES, AddCoder, RenameCoder, list_coders

ORDER = 12


def _list(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        coders = list_coders(project)
    if args.format == "json":
        write_json(
            [
                {"name": c.name, "role": c.role, "segments": c.segments, "verdicts": c.verdicts,
                 "guid": c.guid}
                for c in coders
            ]
        )  # fmt: skip
        return 0
    if not coders:
        say("No coders yet: the first person to code or review becomes one.")
    width = max((len(c.name) for c in coders), default=0)
    for c in coders:
        print(f"{c.name:<{width}}  {c.role:<8}  {c.segments} segments, {c.verdicts} verdicts")
    return 0


def _add(args: argparse.Namespace) -> int:
    with open_project(args, write=True) as project:
        AddCoder(args.names[0], args.role).do(project)
    say(f'Added the {args.role} "{" ".join(args.names[0].split())}".')
    return 0


def _rename(args: argparse.Namespace) -> int:
    """A coder renamed (their segments and verdicts follow; the trail keeps the old name)."""
    old, new = args.names
    with open_project(args, write=True) as project:
        command = RenameCoder(old, new)
        command.do(project)
    say(f'Renamed the coder "{command.was}" to "{command.new}".')
    return 0


def _merge(args: argparse.Namespace) -> int:
    """Two spellings of one person made one: SOURCE's segments, memos, reviews, comments on
    codes and resolutions go to TARGET (identical codings folded)."""
    from qualframe.coding.corpus.coder_merge import MergeCoders

    source, target = args.names
    with open_project(args, write=True) as project:
        command = MergeCoders(source, target)
        command.do(project)
    dropped = len(command.dropped.segments) if command.dropped else 0
    say(
        f'Merged coder "{source}" into "{target}": {len(command.moved_segments)} '
        f"segment(s) moved, {dropped} identical one(s) folded into {target}'s."
    )
    return 0


ACTIONS: dict[str, tuple[int, Callable[[argparse.Namespace], int]]] = {
    "list": (0, _list),
    "add": (1, _add),
    "rename": (2, _rename),
    "merge": (2, _merge),
}
USAGE = {
    "list": "coders PATH list",
    "add": "coders PATH add NAME --role ROLE",
    "rename": "coders PATH rename OLD NEW",
    "merge": "coders PATH merge SOURCE TARGET",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "coders",
        help="list, add, rename or merge coders (analysts and auditors)",
        description="List the project's coders with their role, add a coder as analyst or "
        "auditor, rename one, or merge two spellings of one person. Auditors may only review: "
        "coding, codebook edits and imports are refused for them.",
    )
    add_project_arg(p)
    p.add_argument("action", nargs="?", default="list", choices=list(ACTIONS))
    p.add_argument(
        "names", nargs="*", metavar="NAME", help="add: NAME; rename: OLD NEW; merge: SOURCE TARGET"
    )
    p.add_argument(
        "--role", choices=ROLES, default="analyst", help="add: the role (default analyst)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="list: output")
    add_coder_arg(p)
    p.set_defaults(func=cmd_coders)
    _register_aliases(sub)


def _register_aliases(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`coder-rename` and `coder-merge`: the rename and merge above under their own names."""
    p = sub.add_parser(
        "coder-rename", help="rename a coder (every segment keeps its coder; = coders rename)"
    )
    add_project_arg(p)
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    add_coder_arg(p)
    p.set_defaults(func=lambda a: _rename(_named(a, a.old, a.new)))
    p = sub.add_parser(
        "coder-merge",
        help="merge two spellings of one coder: SOURCE's segments, memos and reviews go to "
        "TARGET (= coders merge)",
    )
    add_project_arg(p)
    p.add_argument("source", metavar="SOURCE", help="the spelling to remove")
    p.add_argument("target", metavar="TARGET", help="the spelling to keep")
    add_coder_arg(p)
    p.set_defaults(func=lambda a: _merge(_named(a, a.source, a.target)))


def _named(args: argparse.Namespace, *names: str) -> argparse.Namespace:
    args.names = list(names)
    return args


def cmd_coders(args: argparse.Namespace) -> int:
    wanted, handler = ACTIONS[args.action]
    if len(args.names) != wanted:
        raise UserError(f"Write it as: qualframe {USAGE[args.action]}.")
    return handler(args)
