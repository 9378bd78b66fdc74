"""``qualframe import``: bring transcripts and survey exports into a project."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project, say
from qualframe.coding.core.errors import UserError
from qualframe.coding.importing import (
    FilePreview,
    ImportOptions,
    ImportReport,
    import_files,
    preview_files,
)

ORDER = 20


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"{option} needs NAME=VALUE, not {item!r}.")
        out[key.strip()] = value.strip()
    return out


def _first_pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``COL=rest`` split at the first ``=`` (the rest may hold more)."""
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"{option} needs COLUMN=…, not {item!r}.")
        out[key.strip()] = value.strip()
    return out


def _per_file(given: list[list[str]] | None, files: list[Path]) -> dict[str, dict[str, str]]:
    """``--set-for FILE ATTR=VALUE`` as {file as given to the import: {attr: value}}. FILE is
    matched by its path or, when it names no folder, by its name among the files imported."""
    out: dict[str, dict[str, str]] = {}
    for name, pair in given or []:
        attrs = _pairs([pair], "--set-for FILE")
        wanted = Path(name)
        hits = [
            f for f in files
            if f == wanted or f.resolve() == wanted.resolve()
            or (wanted.parent == Path(".") and f.name == wanted.name)
        ]  # fmt: skip
        unique = list(dict.fromkeys(hits))
        if not unique:
            listed = ", ".join(str(f) for f in files)
            raise UserError(f"--set-for names {name}, which is not among the files ({listed}).")
        if len({f.resolve() for f in unique}) > 1:
            raise UserError(
                f"--set-for {name} could be any of {', '.join(map(str, unique))}; give its path."
            )
        for f in unique:
            out.setdefault(str(f), {}).update(attrs)
    return out


def _conflict_choices(given: list[str] | None) -> tuple[str | None, dict[str, str]]:
    """``--on-conflict keep`` for every attribute, ``--on-conflict role=keep`` for one."""
    every: str | None = None
    per: dict[str, str] = {}
    for item in given or []:
        attr, sep, choice = item.rpartition("=")
        choice = choice.strip().casefold()
        if choice not in ("keep", "replace") or (sep and not attr.strip()):
            raise UserError(
                f"--on-conflict takes keep, replace or ATTR=keep|replace, not {item!r}."
            )
        if not sep:
            if every is not None and every != choice:
                raise UserError("--on-conflict keep and replace for every attribute: choose one.")
            every = choice
        else:
            per[attr.strip()] = choice
    return every, per


def _lines(preview: FilePreview, options: ImportOptions) -> list[str]:
    """A file's report lines, with the attributes set for that file alone after its first."""
    lines = preview.lines()
    own = options.file_attributes.get(str(preview.path))
    if own and preview.ok:
        shown = ", ".join(f"{k}={v}" for k, v in own.items())
        lines.insert(1, f"  set for this file: {shown}")
    return lines


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    # Over 60 lines: it only declares the options, one call each, in the order --help lists them.
    p = subparsers.add_parser(
        "import",
        help="import transcripts (.docx .txt .md .odt .rtf .pdf), survey exports (.csv .xlsx) "
        "or REFI-QDA files (.qdpx project, .qdc codebook)",
        description=(
            "Import focus-group transcripts and survey exports into a project. Several files "
            "are imported all-or-nothing: if one is refused, nothing is written. A REFI-QDA "
            "project (.qdpx) from NVivo, ATLAS.ti, MAXQDA … goes into an empty project (or use "
            "`qualframe new PATH --from FILE.qdpx`); a codebook (.qdc) into any project, its "
            "codes matched by GUID, then by path."
        ),
    )
    add_project_arg(p)
    p.add_argument("files", metavar="FILE", nargs="+", type=Path, help="files to import")
    p.add_argument(
        "--kind", choices=("transcript", "survey"), help="force the kind (default: by extension)"
    )
    p.add_argument(
        "--set", dest="attributes", metavar="ATTR=VALUE", action="append",
        help="set an attribute on every speaker/respondent (repeatable), e.g. role=mentor",
    )  # fmt: skip
    p.add_argument(
        "--set-for", dest="file_attributes", nargs=2, metavar=("FILE", "ATTR=VALUE"),
        action="append",
        help="set an attribute on the speakers/respondents of one of the files only "
        "(repeatable; over --set), e.g. --set-for fgi_a.txt role=mentor",
    )  # fmt: skip
    p.add_argument(
        "--interviewer", metavar="LABEL", action="append", default=[],
        help="another label that marks interviewer speech (repeatable)",
    )  # fmt: skip
    p.add_argument("--encoding", metavar="ENC", help="text encoding, e.g. cp949 (default: detect)")
    p.add_argument("--id-column", metavar="COL", help="survey column holding the respondent id")
    p.add_argument(
        "--group-column", metavar="COL", help="survey attribute column that defines the groups"
    )
    p.add_argument(
        "--column", dest="columns", metavar="COL=TYPE", action="append",
        help="override a survey column type: id, attribute, likert (or likert:1-4), single, "
        "multiple, number, text, ignore (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--options", dest="options", metavar="COL=A|B|C", action="append",
        help="a choice column's options in questionnaire order (an option may hold a comma)",
    )  # fmt: skip
    p.add_argument(
        "--likert-map", dest="likert_maps", metavar="COL=LABEL=1|LABEL=2", action="append",
        help="how a Likert column's text answers become numbers (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--reverse", metavar="COL", action="append", default=[],
        help="a reverse-coded Likert column (stored as min + max − answer)",
    )  # fmt: skip
    p.add_argument(
        "--link", dest="links", metavar="LABEL=ID", action="append",
        help="the transcript speaker LABEL is survey respondent ID (one person, counted once)",
    )  # fmt: skip
    p.add_argument(
        "--on-conflict", metavar="keep|replace|ATTR=keep|replace", action="append",
        help="when the survey gives a participant another value of an attribute the project "
        "holds: keep the project's or replace it, for every attribute or for one "
        "(repeatable, e.g. --on-conflict role=keep --on-conflict year=replace); without it "
        "such an import is refused",
    )  # fmt: skip
    p.add_argument(
        "--leave-out", choices=("incomplete", "preview"), action="append", default=[],
        help="leave the survey's incomplete (or preview/test) responses out of the import "
        "(by default they are imported, flagged, and left out of the tables unless included)",
    )  # fmt: skip
    p.add_argument(
        "--keep-personal",
        action="store_true",
        help="store personal-data columns (IP address, e-mail, names); never exported",
    )
    p.add_argument(
        "--label-pattern", metavar="REGEX",
        help='custom speaker-label regex with a named group "label", e.g. "^(?P<label>\\w+)> "',
    )  # fmt: skip
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be imported; write nothing"
    )
    add_coder_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from qualframe.app.cli.commands.exchange_cmd import import_refi, is_refi

    if is_refi(args.files):
        return import_refi(args)
    options = ImportOptions(
        kind=args.kind or "auto",
        attributes=_pairs(args.attributes, "--set"),
        file_attributes=_per_file(args.file_attributes, list(args.files)),
        interviewers=list(args.interviewer),
        encoding=args.encoding,
        id_column=args.id_column,
        group_column=args.group_column,
        column_types=_pairs(args.columns, "--column"),
        label_pattern=args.label_pattern,
        column_options={
            k: [o.strip() for o in v.split("|") if o.strip()]
            for k, v in _pairs(args.options, "--options").items()
        },
        likert_maps=_first_pairs(args.likert_maps, "--likert-map"),
        reverse=list(args.reverse),
        links=_pairs(args.links, "--link"),
        keep_personal=args.keep_personal,
        leave_out=set(args.leave_out),
    )
    options.on_conflict, options.conflict_choices = _conflict_choices(args.on_conflict)
    if args.dry_run:
        if isinstance(args.path, Path) and not args.path.exists():
            raise UserError(f"{args.path} does not exist; create it with `qualframe new` first.")
        project = open_project(args)
        try:
            previews = preview_files(args.files, options, project)
        finally:
            project.close()
        for preview in previews:
            for line in _lines(preview, options):
                say(line)
        bad = [p for p in previews if not p.ok]
        say(
            f"Dry run: nothing was written ({len(previews) - len(bad)} of {len(previews)} "
            "files can be imported)."
        )
        return 1 if bad else 0
    project = open_project(args, write=True)
    try:
        report = import_files(project, args.files, options)
    finally:
        project.close()
    for line in _report_lines(report, options):
        say(line)
    return 0


def _report_lines(report: ImportReport, options: ImportOptions) -> list[str]:
    """The report's lines, each file's with its own attributes (the report lists the files'
    lines first, then skipped files and the summary)."""
    files = [line for f in report.files for line in _lines(f, options)]
    return files + report.lines()[sum(len(f.lines()) for f in report.files) :]
