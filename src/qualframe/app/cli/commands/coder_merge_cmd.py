"""`qualframe coder-rename` and `qualframe coder-merge`: coders as a managed list (a rename, or
two spellings of one person made one)."""

from __future__ import annotations

import argparse

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project, say

ORDER = 47


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("coder-rename", help="rename a coder (every segment keeps its coder)")
    add_project_arg(p)
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    add_coder_arg(p)
    p.set_defaults(func=cmd_rename)
    p = sub.add_parser(
        "coder-merge",
        help="merge two spellings of one coder: SOURCE's segments, memos and reviews go to TARGET",
    )
    add_project_arg(p)
    p.add_argument("source", metavar="SOURCE", help="the spelling to remove")
    p.add_argument("target", metavar="TARGET", help="the spelling to keep")
    add_coder_arg(p)
    p.set_defaults(func=cmd_merge)


def cmd_rename(args: argparse.Namespace) -> int:
    from qualframe.coding.corpus.coder_merge import RenameCoder

    with open_project(args, write=True) as project:
        command = RenameCoder(args.old, args.new)
        command.do(project)
    say(f'Renamed coder "{args.old}" to "{command.new}".')
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from qualframe.coding.corpus.coder_merge import MergeCoders

    with open_project(args, write=True) as project:
        command = MergeCoders(args.source, args.target)
        command.do(project)
    dropped = len(command.dropped.segments) if command.dropped else 0
    say(
        f'Merged coder "{args.source}" into "{args.target}": {len(command.moved_segments)} '
        f"segment(s) moved, {dropped} identical one(s) folded into {args.target}'s."
    )
    return 0
