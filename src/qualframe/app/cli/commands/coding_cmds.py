"""`qualframe code` and `qualframe segments`: coding from the command line and retrieval."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from qualframe.app.cli.common import (
    add_coder_arg,
    add_document_set_arg,
    add_project_arg,
    add_real_names_arg,
    open_project,
    say,
    say_wrote,
    write_csv,
    write_json,
)
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.codepaths import PATH_RULE
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.corpus.lookup import find_document
from qualframe.coding.corpus.segments import code_range
from qualframe.coding.export.atomic import atomic_path, check_target
from qualframe.coding.export.segments_report import CONTEXT_CHARS, SegmentQuery, export_segments
from qualframe.coding.query.filters import Where
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.status import ThreadEntry, passes, thread_status
from qualframe.coding.review.verdicts import segment_threads

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("code", help="apply a code to a passage of a document")
    add_project_arg(p)
    p.add_argument("--document", required=True, metavar="NAME", help="document name")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--text", metavar="QUOTE", help="the exact passage to code")
    where.add_argument("--start", type=int, metavar="S", help="start offset (code points)")
    p.add_argument("--end", type=int, metavar="E", help="end offset, exclusive (with --start)")
    p.add_argument(
        "--occurrence",
        type=int,
        default=1,
        metavar="N",
        help="which occurrence of --text (default 1)",
    )
    p.add_argument(
        "--code",
        required=True,
        metavar="PATH",
        help=f'code path, e.g. "Outcomes/Lifestyle/Attendance"; {PATH_RULE}',
    )
    p.add_argument("--create", action="store_true", help="create the code path if missing")
    p.add_argument("--memo", default="", help="a memo on the segment")
    add_coder_arg(p)
    p.set_defaults(func=cmd_code)
    _register_segments(sub)


def _register_segments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "segments",
        help="list coded segments, or export them with their context to Word or Excel",
        description="List coded segments (text, JSON, CSV on stdout) or write them with their "
        "context to Word or Excel (--format docx|xlsx --out FILE). Filters combine: a segment "
        "is listed when it matches all of them.",
    )
    add_project_arg(p)
    p.add_argument(
        "--code", metavar="PATH", help=f"only this code (and its sub-codes); {PATH_RULE}"
    )
    p.add_argument("--exact", action="store_true", help="with --code: without sub-codes")
    p.add_argument("--document", metavar="NAME", help="only this document")
    add_document_set_arg(p)
    p.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="ATTR=VALUE",
        help="participant attribute filter",
    )
    p.add_argument("--coder", metavar="NAME", help="only this coder's segments")
    p.add_argument(
        "--reviewed", choices=["agreed", "any", "all"], default="all",
        help="only segments reviewed and agreed, with any verdict, or all (default)",
    )  # fmt: skip
    p.add_argument("--format", choices=["text", "json", "csv", "docx", "xlsx"], default=None,
                   help="default: text, or the extension of --out")  # fmt: skip
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (needed for docx, xlsx)")
    p.add_argument(
        "--context",
        type=int,
        default=CONTEXT_CHARS,
        metavar="N",
        help=f"docx/xlsx: characters of context either side (default {CONTEXT_CHARS})",
    )
    add_real_names_arg(p, "in the texts")
    p.set_defaults(func=cmd_segments)


def _locate(text: str, quote: str, occurrence: int, document: str) -> tuple[int, int]:
    from qualframe.coding.corpus.documents import normalise_text

    quote = normalise_text(quote)
    if not quote:
        raise UserError("--text is empty.")
    if occurrence < 1:
        raise UserError("--occurrence counts from 1.")
    pos = -1
    for _ in range(occurrence):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            break
    if pos < 0:
        count = text.count(quote)
        if count == 0:
            raise UserError(f'The text "{quote}" does not occur in {document}.')
        raise UserError(f'The text "{quote}" occurs only {count} time(s) in {document}.')
    return pos, pos + len(quote)


def cmd_code(args: argparse.Namespace) -> int:
    if args.start is not None and args.end is None:
        raise UserError("--start needs --end.")
    with open_project(args, write=True) as project:
        doc_guid, doc_name, text = find_document(project, args.document)
        if args.text is not None:
            start, end = _locate(text, args.text, args.occurrence, doc_name)
        else:
            start, end = args.start, args.end
        _, created = code_range(
            project, doc_guid, start, end, args.code, create=args.create, memo=args.memo
        )
    made = f" (created {len(created)} code(s))" if created else ""
    say(f'Coded {doc_name} {start}-{end} as "{args.code}"{made}: "{text[start:end]}"')
    return 0


def _format(args: argparse.Namespace) -> str:
    fmt: str | None = args.format
    if fmt is None:
        suffix = args.out.suffix.lower().lstrip(".") if args.out else ""
        fmt = suffix if suffix in ("json", "csv", "docx", "xlsx") else "text"
    if fmt in ("docx", "xlsx"):
        if args.out is None:
            raise UserError(f"--format {fmt} needs --out FILE.{fmt}.")
        if args.out.suffix.lower() != f".{fmt}":
            raise UserError(f"--format {fmt} writes a .{fmt} file; name --out FILE.{fmt}.")
    return fmt


def cmd_segments(args: argparse.Namespace) -> int:
    fmt = _format(args)
    where = [Where.parse(w) for w in args.where]
    if args.out is not None:
        check_target(args.out)  # before anything is read
    with open_project(args) as project:
        code_guid = None
        if args.code:
            rec = find_code(project, args.code)
            if rec is None:
                raise UserError(f'There is no code "{args.code}".')
            code_guid = rec.guid
        doc_guid = doc_name = None
        if args.document:
            doc_guid, doc_name, _ = find_document(project, args.document)
        if fmt in ("docx", "xlsx"):
            query = SegmentQuery(
                code_guid=code_guid, code_path=args.code or "", include_descendants=not args.exact,
                document_guid=doc_guid, document_name=doc_name or "", document_sets=args.sets,
                coder=args.coder, where=where, reviewed=args.reviewed,
            )  # fmt: skip
            n = export_segments(
                project, query, args.out, context_chars=args.context, real_names=args.real_names
            )
            say_wrote(args.out, n, "segment")
            return 0
        segs = list_segments(
            project, code_guid=code_guid, include_descendants=not args.exact,
            document_guid=doc_guid, coder=args.coder, where=where, document_sets=args.sets,
            attributes=fmt != "text",  # the text listing shows none of them
        )  # fmt: skip
        threads = (  # the text listing shows no review
            segment_threads(project, None if len(segs) > 500 else [s.guid for s in segs])
            if fmt != "text" or args.reviewed != "all"
            else {}
        )
        if args.reviewed != "all":
            segs = [
                s for s in segs if passes(thread_status(threads.get(s.guid, [])), args.reviewed)
            ]
        with project.read() as session:
            mask = name_masker(session, args.real_names)
    # Attribute values repeat (10,000 attributes × 300 respondents: a few distinct values):
    # each distinct one is masked once.
    mask_value = functools.lru_cache(maxsize=65536)(mask)
    rows = [
        {**_row(s, mask, mask_value), **_review_fields(threads.get(s.guid, []), mask)} for s in segs
    ]
    if args.out is None:
        _print_rows(rows, fmt, sys.stdout)
        return 0
    with atomic_path(args.out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        _print_rows(rows, fmt, fh)
    say_wrote(args.out, len(rows), "segment")
    return 0


def _row(
    s: SegmentRecord, mask: Callable[[str], str], mask_value: Callable[[str], str]
) -> dict[str, Any]:
    return {
        "document": mask(s.document_name),
        "start": s.start,
        "end": s.end,
        "text": mask(s.text),
        "code": s.code_path_text,
        "coder": s.coder,
        "participant": mask(s.speaker) if s.speaker else s.speaker,
        "interviewer": s.is_interviewer,
        "attributes": {k: mask_value(v) for k, v in s.attributes.items()},
        "memo": mask(s.memo),
        "guid": s.guid,
    }


def _review_fields(thread: Sequence[ThreadEntry], mask: Callable[[str], str]) -> dict[str, Any]:
    """A segment's review: its status, its latest verdict and the whole thread."""
    verdicts = [e for e in thread if e.kind != "answer"]
    latest = verdicts[-1] if verdicts else None

    def entry(e: ThreadEntry) -> dict[str, Any]:
        return {
            "guid": e.guid, "kind": e.kind, "by": e.author, "comment": mask(e.text),
            "at": e.at.isoformat(timespec="seconds") + "Z", "reply_to": e.reply_to,
            "action": e.action,
        }  # fmt: skip

    return {
        "review_status": thread_status(thread),
        "latest_verdict": entry(latest) if latest else None,
        "review_thread": [entry(e) for e in thread],
    }


def _verdict_text(latest: dict[str, Any] | None) -> str:
    if latest is None:
        return ""
    comment = f": {latest['comment']}" if latest["comment"] else ""
    return f"{latest['kind']} by {latest['by']}{comment}"


def _print_rows(rows: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        write_json(rows, out)
    elif fmt == "csv":
        attrs = sorted({k for r in rows for k in r["attributes"]})
        header = ["document", "start", "end", "code", "coder", "participant", *attrs, "text",
                  "memo", "guid", "review status", "latest verdict"]  # fmt: skip
        write_csv(
            header,
            (
                [r["document"], r["start"], r["end"], r["code"], r["coder"], r["participant"] or "",
                 *[r["attributes"].get(a, "") for a in attrs], r["text"], r["memo"], r["guid"],
                 r["review_status"], _verdict_text(r["latest_verdict"])]
                for r in rows
            ),
            out,
        )  # fmt: skip
    else:
        for r in rows:
            who = r["participant"] or "-"
            print(
                f"{r['document']} {r['start']}-{r['end']} [{r['code']}] {who} ({r['coder']}): "
                f"{r['text']}",
                file=out,
            )
        print(f"{len(rows)} segment(s).", file=sys.stderr)
