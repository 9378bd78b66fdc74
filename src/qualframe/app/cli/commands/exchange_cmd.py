"""``qualframe export``: the project as a REFI-QDA project (.qdpx) or its codebook (.qdc),
for NVivo, ATLAS.ti, MAXQDA, QualCoder and other tools; and the REFI-QDA side of ``import``
and ``new --from`` (called from those commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project, say
from qualframe.coding.core.errors import UserError
from qualframe.coding.export.atomic import check_target

ORDER = 45
REFI_PROJECT = (".qdpx", ".qde")
REFI_CODEBOOK = (".qdc",)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="export to other QDA tools: a REFI-QDA project (.qdpx) or codebook (.qdc)",
        description=(
            "Write the project as a REFI-QDA 1.5 project (.qdpx: coders, codebook, texts, "
            "codings, participants as cases, memos as notes) or the codebook alone (.qdc), "
            "both checked against the standard's schemas. Participants' real names are "
            "replaced by their pseudonyms unless --real-names is given."
        ),
    )
    add_project_arg(p)
    p.add_argument(
        "--out", required=True, type=Path, metavar="FILE.qdpx|FILE.qdc",
        help="the file to write; the extension chooses project or codebook",
    )  # fmt: skip
    p.add_argument(
        "--real-names", action="store_true",
        help="keep participants' real names in texts and memos (default: pseudonyms)",
    )  # fmt: skip
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from qualframe.coding.exchange.refi_export import export_codebook, export_project

    suffix = args.out.suffix.casefold()
    if suffix not in (".qdpx", ".qdc"):
        raise UserError(
            f"{args.out.name}: choose .qdpx (a whole project) or .qdc (the codebook alone)."
        )
    check_target(args.out)  # before anything is read
    with open_project(args) as project:
        if suffix == ".qdpx":
            report = export_project(project, args.out, real_names=args.real_names)
        else:
            report = export_codebook(project, args.out)
    for line in report.lines():
        say(line)
    return 0


def is_refi(files: list[Path]) -> bool:
    return any(f.suffix.casefold() in REFI_PROJECT + REFI_CODEBOOK for f in files)


def import_refi(args: argparse.Namespace) -> int:
    """``qualframe import PATH FILE.qdpx|FILE.qdc…`` (called by the import command)."""
    from qualframe.coding.exchange.qdc import import_codebook
    from qualframe.coding.exchange.refi_import import prepare
    from qualframe.coding.exchange.refi_store import import_project

    files: list[Path] = list(args.files)
    projects = [f for f in files if f.suffix.casefold() in REFI_PROJECT]
    books = [f for f in files if f.suffix.casefold() in REFI_CODEBOOK]
    if projects and len(files) > 1:
        raise UserError(f"Import {projects[0].name} on its own: it is a whole REFI-QDA project.")
    if len(books) != len(files) and not projects:
        raise UserError("Import REFI-QDA codebooks (.qdc) separately from transcripts and surveys.")
    if args.dry_run:
        if projects:
            plan = prepare(projects[0])
            say(f"{plan.file}: REFI-QDA project from {plan.model.origin or 'an unnamed tool'}, "
                  f"{len(plan.model.all_codes())} codes, {len(plan.sources)} sources, "
                  f"{len(plan.model.cases)} cases.")  # fmt: skip
        else:
            from qualframe.coding.exchange.qdc import read_qdc

            for book in books:
                say(f"{book.name}: REFI-QDA codebook, {len(read_qdc(book).all_codes())} codes.")
        say("Dry run: nothing was written.")
        return 0
    with open_project(args, write=True) as project:
        if projects:
            plan = prepare(projects[0])
            for line in import_project(project, plan).lines():
                say(line)
        else:
            for book in books:
                for line in import_codebook(project, book).lines():
                    say(line)
    return 0


def new_from(path: Path, source: Path, coder: str | None) -> int:
    """``qualframe new PATH --from FILE.qdpx`` (called by the new command)."""
    from qualframe.coding.exchange.refi_store import create_from

    if source.suffix.casefold() not in REFI_PROJECT:
        raise UserError(f"{source.name}: --from takes a REFI-QDA project (.qdpx).")
    report = create_from(path, source, coder)
    for line in report.lines():
        say(line)
    say(f"Created {path}.")
    return 0


__all__ = ["add_coder_arg", "import_refi", "is_refi", "new_from"]
