"""`qualframe memos` (list the memos, or write the memo report to Word), `qualframe attributes`
(the classification sheet as CSV, or attributes imported from a spreadsheet) and
`qualframe sets` (list document sets, create one, add or remove documents)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qualframe.app.cli.common import (
    add_coder_arg,
    add_project_arg,
    open_project,
    say,
    write_csv,
)
from qualframe.coding.commands import AddDocumentSet, ImportAttributes, SetMembership, UndoStack
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.lookup import find_document
from qualframe.coding.corpus.memo_entries import KIND_ORDER, memo_entries
from qualframe.coding.corpus.participants import attribute_names, list_participants
from qualframe.coding.corpus.sets import list_sets
from qualframe.coding.export.atomic import check_target
from qualframe.coding.export.memo_report import signature, write_memo_report
from qualframe.coding.importing.attribute_table import read_attribute_table

ORDER = 35


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "memos",
        help="list the memos, or write the memo report (--out FILE.docx)",
        description="The project journal, project, document, code and segment memos, each with "
        "its author and date: listed, or written to a Word report with --out.",
    )
    add_project_arg(p)
    p.add_argument("--out", type=Path, metavar="FILE.docx", help="write the memo report here")
    p.add_argument(
        "--kind",
        dest="kinds",
        action="append",
        choices=KIND_ORDER,
        metavar="KIND",
        help=f"only these kinds (repeatable): {', '.join(KIND_ORDER)}",
    )
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names (default: replaced by pseudonyms)",
    )
    p.set_defaults(func=cmd_memos)

    p = sub.add_parser(
        "attributes",
        help="the participants' attributes as CSV, or import them from a spreadsheet",
        description="Without --from: print the classification sheet (one row per participant, "
        "one column per attribute) as CSV. With --from: set attributes from a .xlsx or .csv "
        "file keyed by pseudonym (blank cells change nothing; pseudonyms the project does not "
        "know are listed and left out).",
    )
    add_project_arg(p)
    p.add_argument("--from", dest="source", type=Path, metavar="FILE", help=".xlsx or .csv file")
    p.add_argument("--key", metavar="COLUMN", help="the column of pseudonyms (default: guessed)")
    p.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")
    add_coder_arg(p)
    p.set_defaults(func=cmd_attributes)

    p = sub.add_parser(
        "sets",
        help="list document sets, or create one and add or remove documents",
        description="Without NAME: list the document sets. With NAME: create the set if needed "
        "and add (--add) or remove (--remove) documents.",
    )
    add_project_arg(p)
    p.add_argument("name", nargs="?", metavar="NAME", help="the document set")
    p.add_argument("--add", nargs="+", default=[], metavar="DOC", help="documents to add")
    p.add_argument("--remove", nargs="+", default=[], metavar="DOC", help="documents to remove")
    add_coder_arg(p)
    p.set_defaults(func=cmd_sets)


def cmd_memos(args: argparse.Namespace) -> int:
    if args.out is not None:
        check_target(args.out)  # before anything is read
    with open_project(args) as project:
        if args.out is not None:
            n = write_memo_report(project, args.out, kinds=args.kinds, real_names=args.real_names)
            say(f"Wrote {args.out} ({n} memo{'s' if n != 1 else ''}).")
            return 0
        entries = memo_entries(project, args.kinds)
        with project.read() as s:
            mask = name_masker(s, args.real_names)
    for e in entries:
        about = f" — {mask(e.about)}" if e.about else ""
        print(f"[{e.kind_label}] {mask(e.heading)}{about} ({signature(e)})")
        if e.quote:
            print(f"  “{' '.join(mask(e.quote).split())}”")
        for line in mask(e.text).split("\n"):
            print(f"  {line}")
    print(f"{len(entries)} memo(s).", file=sys.stderr)
    return 0


def cmd_attributes(args: argparse.Namespace) -> int:
    if args.source is None:
        if args.dry_run or args.key:
            raise UserError("--dry-run and --key go with --from FILE.")
        with open_project(args) as project:
            names = attribute_names(project)
            people = list_participants(project)
        write_csv(["pseudonym", *names], ([p.pseudonym, *[p.attributes.get(n, "") for n in names]]
                                          for p in people))  # fmt: skip
        return 0
    table = read_attribute_table(args.source, key=args.key)
    with open_project(args, write=not args.dry_run) as project:
        plan = plan_attribute_import(project, table)
        say(plan.summary())
        for e in plan.edits:
            say(f"  {e.pseudonym}: {e.attribute} {e.old or '(none)'} → {e.new}")
        if args.dry_run:
            say("Nothing was changed (--dry-run).")
            return 0
        if plan.edits:
            UndoStack(project).push(ImportAttributes(plan))
            say(f"Set {len(plan.edits)} value(s) from {args.source.name}.")
    return 0


def cmd_sets(args: argparse.Namespace) -> int:
    if args.name is None:
        if args.add or args.remove:
            raise UserError("Name the document set to add documents to or remove them from.")
        with open_project(args) as project:
            sets = list_sets(project)
            names = {d.guid: d.name for d in list_documents(project)}
        for rec in sets:
            docs = ", ".join(names.get(g, g) for g in rec.document_guids) or "(empty)"
            print(f"{rec.name} ({len(rec)}): {docs}")
        if not sets:
            print("No document sets yet.", file=sys.stderr)
        return 0
    with open_project(args, write=True) as project:
        stack = UndoStack(project)
        known = {r.name.casefold(): r for r in list_sets(project)}
        add = [find_document(project, d)[0] for d in args.add]
        remove = [find_document(project, d)[0] for d in args.remove]
        found = known.get(" ".join(args.name.split()).casefold())
        if found is None:
            guid = stack.push(AddDocumentSet(args.name, add)).created_guid
            assert guid
            say(f'Created the document set "{" ".join(args.name.split())}".')
        else:
            guid = found.guid
            if add:
                stack.push(SetMembership(guid, add))
        if remove:
            stack.push(SetMembership(guid, remove, add=False))
        final = next(r for r in list_sets(project) if r.guid == guid)
    say(f"{final.name} holds {len(final)} document{'s' if len(final) != 1 else ''}.")
    return 0
