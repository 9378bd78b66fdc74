"""`qualframe log` (the audit trail in sentences, filtered; ``--verify`` checks its hash
chain) and `qualframe codebook-history` (the codebook at a date, the changes between two
dates, as text or a Word appendix)."""

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
    write_csv,
    write_json,
)
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import coder_in
from qualframe.coding.corpus.lookup import find_document
from qualframe.coding.export.atomic import check_target
from qualframe.coding.trail.blind import blind_log
from qualframe.coding.trail.log import (
    ACTION_KINDS,
    LogEntry,
    LogFilter,
    check_action,
    now_utc,
    parse_when,
    read_log,
    to_local,
)
from qualframe.coding.trail.verify import verify_trail

ORDER = 46


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "log",
        help="the audit trail: who changed what, when (or --verify its hash chain)",
        description="Every change as a sentence, oldest first. Dates are local, as 2026-03-01 "
        "or 2026-03-01T14:30. With --verify, check that no event was changed, removed or "
        "inserted outside Qualframe (exit status 1 when the trail is broken).",
    )
    add_project_arg(p)
    p.add_argument("--since", metavar="DATE", help="from this date (inclusive)")
    p.add_argument("--until", metavar="DATE", help="up to this date (a date alone: its end)")
    p.add_argument("--actor", metavar="NAME", help="only this person's changes")
    p.add_argument(
        "--action", metavar="KIND",
        help=f"only these: {', '.join(ACTION_KINDS)} (undo: every undo and redo) or an action",
    )  # fmt: skip
    p.add_argument("--code", metavar="PATH", help="only changes touching this code")
    p.add_argument("--document", metavar="NAME", help="only changes touching this document")
    p.add_argument("--format", choices=["text", "csv", "json"], default="text")
    p.add_argument("--states", action="store_true", help="also the codebook-state records")
    p.add_argument("--verify", action="store_true", help="verify the trail's hash chain")
    p.add_argument(
        "--blind",
        action="store_true",
        help="as the coder (--coder) sees it while coding blind: nothing of the other "
        "coders' coding (the Log tab with View → Coders → Blind coding)",
    )
    add_coder_arg(p)
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names in the events (default: replaced by pseudonyms)",
    )
    p.set_defaults(func=cmd_log)

    p = sub.add_parser(
        "codebook-history",
        help="the codebook at a date, or its changes between two dates (Word appendix)",
    )
    add_project_arg(p)
    p.add_argument("--at", metavar="DATE", help="show the codebook as it stood then")
    p.add_argument("--from", dest="since", metavar="DATE", help="start of the period")
    p.add_argument("--to", dest="until", metavar="DATE", help="end of the period (default: now)")
    p.add_argument("--out", type=Path, metavar="FILE.docx", help="write the appendix to Word")
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names in the texts (default: replaced by pseudonyms)",
    )
    p.set_defaults(func=cmd_codebook_history)


def _filter(project: Project, args: argparse.Namespace) -> LogFilter:
    code_guid = doc_guid = None
    if args.code:
        rec = find_code(project, args.code)
        if rec is None:
            raise UserError(f'There is no code "{args.code}".')
        code_guid = rec.guid
    if args.document:
        doc_guid = find_document(project, args.document)[0]
    return LogFilter(
        actor=args.actor, action=args.action, code_guid=code_guid, document_guid=doc_guid,
        since=parse_when(args.since) if args.since else None,
        until=parse_when(args.until, end_of_day=True) if args.until else None,
        states=args.states,
    )  # fmt: skip


def _masked(value: Any, mask: Callable[[str], str]) -> Any:
    """``value`` (an event's details) with every text passed through ``mask``."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _masked(v, mask) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v, mask) for v in value]
    return value


def _json(e: LogEntry, mask: Callable[[str], str]) -> dict[str, object]:
    return {
        "id": e.id, "at": e.at.isoformat(timespec="microseconds") + "Z", "actor": e.actor,
        "action": e.action, "category": e.category, "sentence": mask(e.sentence),
        "undo": e.undo, "redo": e.redo, "entity": e.entity, "entity_guid": e.entity_guid,
        "details": _masked(dict(e.details), mask), "hash": e.hash,
    }  # fmt: skip


def cmd_log(args: argparse.Namespace) -> int:
    with open_project(args) as project:
        if args.verify:
            check = verify_trail(project)
            say(check.sentence())
            return 0 if check.intact else 1
        where = _filter(project, args)
        hidden = ""
        if args.blind:
            check_action(where.action)
            with project.read() as session:
                me = coder_in(session, project.coder).name
            log = blind_log(project, me)
            entries = [e for e in log.entries if where.keeps(e)]
            hidden = f" Blind coding is on for {me}: {log.what_is_hidden()}."
        else:
            entries = read_log(project, where)
        with project.read() as session:  # the events' texts leave as exports do
            mask = name_masker(session, args.real_names)
    if args.format == "json":
        write_json([_json(e, mask) for e in entries])
    elif args.format == "csv":
        write_csv(
            ["id", "at (UTC)", "actor", "action", "what", "undo", "hash"],
            ([e.id, e.at.isoformat(sep=" ", timespec="seconds"), e.actor, e.action, mask(e.sentence),
              "undo" if e.undo else "redo" if e.redo else "", e.hash] for e in entries),
        )  # fmt: skip
    else:
        for e in entries:
            print(f"{to_local(e.at):%Y-%m-%d %H:%M:%S}  {mask(e.sentence)}")
        say(f"{len(entries)} event(s).{hidden}", file=sys.stderr)
    if hidden and args.format != "text":
        say(hidden.strip(), file=sys.stderr)
    return 0


def cmd_codebook_history(args: argparse.Namespace) -> int:
    from qualframe.coding.export.codebook_history import codebook_history, write_codebook_history
    from qualframe.coding.trail.history import codebook_at

    if args.at and (args.since or args.out):
        raise UserError("Use --at alone, or --from (with --to and --out) for the changes.")
    if not args.at and not args.since:
        raise UserError("Give --at DATE, or --from DATE for the changes since then.")
    if args.out is not None:
        check_target(args.out)  # before anything is read
    with open_project(args) as project:
        if args.at:
            book = codebook_at(project, parse_when(args.at, end_of_day=True))
            if not book.known and book.starts is not None:
                start = f"{to_local(book.starts):%Y-%m-%d %H:%M}"
                raise UserError(
                    f"The codebook's recorded history starts on {start}, when the project was "
                    "upgraded; choose a later date."
                )
            with project.read() as session:
                mask = name_masker(session, args.real_names)
            for c in book.codes:
                line = "  " * c.depth + c.name
                print(line + (f" — {mask(c.definition)}" if c.definition else ""))
            say(f"{len(book.codes)} code(s).", file=sys.stderr)
            return 0
        until = parse_when(args.until, end_of_day=True) if args.until else now_utc()
        history = codebook_history(
            project, parse_when(args.since), until, real_names=args.real_names
        )
    if args.out is not None:
        write_codebook_history(history, args.out)
        say(f"Wrote {args.out} ({len(history.changes)} changes, {len(history.steps)} steps).")
        return 0
    for ch in history.changes:
        extra = (
            f": {history.mask(ch.before)!r} → {history.mask(ch.after)!r}"
            if ch.kind in ("renamed", "moved", "edited")
            else ""
        )
        print(f"{ch.label}  {ch.path}{extra}")
    say(f"{len(history.changes)} change(s).", file=sys.stderr)
    return 0
