"""`qualframe merge PATH OTHER.qualframe`: bring another copy's work into this project."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project, say
from qualframe.coding.core.errors import UserError

ORDER = 46


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "merge",
        help="merge another copy of the project (segments, codes, memos, attributes, reviews)",
        description=(
            "Bring in another copy's work, matched by GUID (documents also by text, codes "
            "also by path); nothing is duplicated and merging twice changes nothing. The "
            "project is backed up first (NAME.qualframe.bak-merge-TIME). Conflicts are listed; "
            "when there are any, say how to resolve them with --rule."
        ),
    )
    add_project_arg(p)
    p.add_argument("other", metavar="OTHER", type=Path, help="the other copy (*.qualframe)")
    p.add_argument(
        "--rule",
        choices=("mine", "theirs", "both"),
        help="for conflicts: keep this project's version, take theirs, or keep both",
    )
    p.add_argument("--dry-run", action="store_true", help="show the preview, write nothing")
    add_coder_arg(p)
    p.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from qualframe.coding.merge import MergeProject, preview_merge

    with open_project(args, write=not args.dry_run) as project:
        source, plan = preview_merge(project, args.other, args.rule or "mine")
        say(f"Merging {args.other.name} into {project.name}:")
        for what, n in plan.summary():
            if n:
                say(f"  {n:,} {what}")
        for note in plan.notes():
            say(f"  ({note})")
        if plan.conflicts:
            say(f"{len(plan.conflicts)} conflict(s):")
            for c in plan.conflicts:
                say(f"  {c.kind}: {c.what} — mine: {c.mine} | theirs: {c.theirs}")
        if args.dry_run:
            say("Dry run: nothing was written.")
            return 0
        if plan.conflicts and args.rule is None:
            raise UserError(
                f"{len(plan.conflicts)} conflict(s) between the copies; choose how to resolve "
                "them with --rule mine, --rule theirs or --rule both (nothing was written)."
            )
        if plan.changes == 0:
            say("Nothing to merge: this project already holds everything in the other copy.")
            return 0
        command = MergeProject(source, plan.rule)
        command.do(project)
        say(f"Merged (backup of the project before the merge: {command.backup}).")
    return 0
