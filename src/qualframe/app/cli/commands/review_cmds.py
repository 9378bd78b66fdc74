"""Reviewing from the command line: `qualframe review` (an auditor's verdicts, in review
mode), `qualframe disputes` (what waits for the analyst), `qualframe answer` (the analyst's
answer to a dispute) and `qualframe review-report` (Word or Excel)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualframe.app.cli.common import (
    add_coder_arg,
    add_project_arg,
    open_project,
    say,
    write_json,
)
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.codepaths import PATH_RULE
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.lookup import find_document
from qualframe.coding.export.atomic import check_target
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.status import VERDICTS
from qualframe.coding.review.verdicts import AddReviews
from qualframe.coding.review.workspace import ReviewItem, disputes, review_items

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "review",
        help="an auditor's verdict on segments (agree, dispute, comment), in review mode",
        description="Record a verdict on one segment (--segment GUID, from `qualframe segments "
        "--format json`) or on every segment of a code and its sub-codes (--code, --exact "
        "without them, optionally in one --document). "
        "The project is opened for review by NAME: nothing but verdicts can be written.",
    )
    add_project_arg(p)
    p.add_argument("--as", dest="reviewer", required=True, metavar="NAME", help="the auditor")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--segment", metavar="GUID", action="append", help="a segment (repeatable)")
    which.add_argument(
        "--code", metavar="PATH", help=f"every segment of this code and its sub-codes; {PATH_RULE}"
    )
    p.add_argument("--exact", action="store_true", help="with --code: without its sub-codes")
    p.add_argument("--document", metavar="NAME", help="with --code: only in this document")
    p.add_argument("--verdict", required=True, choices=VERDICTS)
    p.add_argument(
        "--comment", default="", metavar="TEXT", help="why (needed for dispute, comment)"
    )
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("disputes", help="disputes and comments waiting for the analyst")
    add_project_arg(p)
    p.add_argument("--all", action="store_true", help="also those answered, awaiting the auditor")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names in the passages (default: replaced by pseudonyms)",
    )
    p.set_defaults(func=cmd_disputes)

    p = sub.add_parser(
        "answer",
        help="the analyst's answer to a dispute: recode, new boundaries, or keep with a reply",
    )
    add_project_arg(p)
    p.add_argument(
        "--to", dest="verdict", required=True, metavar="GUID", help="the verdict answered"
    )
    p.add_argument("--code", metavar="PATH", help=f"recode the segment to this code; {PATH_RULE}")
    p.add_argument("--start", type=int, metavar="S", help="new start (code points)")
    p.add_argument("--end", type=int, metavar="E", help="new end, exclusive")
    p.add_argument("--reply", default="", metavar="TEXT", help="the reply (needed to keep)")
    add_coder_arg(p)
    p.set_defaults(func=cmd_answer)

    p = sub.add_parser("review-report", help="the review report (.docx or .xlsx)")
    add_project_arg(p)
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="output file")
    p.add_argument("--real-names", action="store_true", help="keep real names in passages")
    p.set_defaults(func=cmd_review_report)


def _targets(project: Project, args: argparse.Namespace) -> list[str]:
    if args.segment:
        return list(dict.fromkeys(args.segment))
    rec = find_code(project, args.code)
    if rec is None:
        raise UserError(f'There is no code "{args.code}".')
    doc = find_document(project, args.document)[0] if args.document else None
    items = review_items(
        project, code_guid=rec.guid, include_descendants=not args.exact, document_guid=doc,
        with_text=False,
    )  # fmt: skip
    if not items:
        where = f" in {args.document}" if args.document else ""
        raise UserError(f'No segment is coded "{args.code}"{where}.')
    return [i.guid for i in items]


def cmd_review(args: argparse.Namespace) -> int:
    if args.document and not args.code:
        raise UserError("--document goes with --code.")
    with Project.open(args.path, coder=args.reviewer, review=True) as project:
        targets = _targets(project, args)
        AddReviews(targets, args.verdict, args.comment).do(project)
    n = len(targets)
    say(f"{args.reviewer}: {args.verdict} on {n} segment{'s' if n != 1 else ''}.")
    return 0


def _item_json(item: ReviewItem, mask: Callable[[str], str]) -> dict[str, Any]:
    s = item.segment
    return {
        "segment": s.guid, "document": mask(s.document_name), "start": s.start, "end": s.end,
        "code": s.code_path_text, "coder": s.coder, "text": mask(s.text), "status": item.status,
        "waiting": [
            {"verdict": e.guid, "kind": e.kind, "reviewer": e.author, "comment": mask(e.text)}
            for e in item.waiting
        ],
    }  # fmt: skip


def cmd_disputes(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        items = disputes(project, answered_too=args.all)
        with project.read() as session:  # passages leave as exports do
            mask = name_masker(session, args.real_names)
    if args.format == "json":
        write_json([_item_json(i, mask) for i in items])
        return 0
    for item in items:
        s = item.segment
        where = f"{mask(s.document_name)} {s.start}-{s.end} [{s.code_path_text}]"
        print(f"{where} {item.status}: {mask(s.text)}")
        for e in item.waiting:
            print(f"  {e.kind} by {e.author} ({e.guid}): {mask(e.text)}")
    say(f"{len(items)} segment(s) waiting.", file=sys.stderr)
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    if (args.start is None) != (args.end is None):
        raise UserError("--start and --end go together.")
    with open_project(args, write=True) as project:
        code_guid = None
        if args.code:
            rec = find_code(project, args.code)
            if rec is None:
                raise UserError(f'There is no code "{args.code}".')
            code_guid = rec.guid
        bounds = (args.start, args.end) if args.start is not None else None
        command = AnswerDispute(args.verdict, args.reply, code_guid=code_guid, bounds=bounds)
        command.do(project)
    say(f"{command.text}.")
    return 0


def cmd_review_report(args: argparse.Namespace) -> int:
    from qualframe.coding.export.review_report import export_review_report

    check_target(args.out)  # before anything is read
    with open_project(args) as project:
        report = export_review_report(project, args.out, real_names=args.real_names)
    t = report.total
    say(
        f"Wrote {args.out} ({t.reviewed} of {t.segments} segments reviewed, {t.disputed} "
        f"disputed, {t.resolved} resolved). {report.trail.sentence()}"
    )
    return 0
