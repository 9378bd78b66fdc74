"""``qualframe import``: bring transcripts and survey exports into a project."""

from __future__ import annotations

import argparse
from pathlib import Path

from qualframe.app.cli.common import add_coder_arg, add_project_arg, open_project
from qualframe.coding.core.errors import UserError
from qualframe.coding.importing import ImportOptions, import_files, preview_files

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


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "import",
        help="import transcripts (.docx .txt .md .odt .rtf .pdf) or survey exports (.csv .xlsx)",
        description=(
            "Import focus-group transcripts and survey exports into a project. Several files "
            "are imported all-or-nothing: if one is refused, nothing is written."
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
        "--on-conflict", choices=("keep", "replace"),
        help="when the survey gives a participant another value of an attribute the project "
        "holds: keep the project's or replace it (without it such an import is refused)",
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
    options = ImportOptions(
        kind=args.kind or "auto",
        attributes=_pairs(args.attributes, "--set"),
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
        on_conflict=args.on_conflict,
        keep_personal=args.keep_personal,
    )
    if args.dry_run:
        if not args.path.exists():
            raise UserError(f"{args.path} does not exist; create it with `qualframe new` first.")
        project = open_project(args)
        try:
            previews = preview_files(args.files, options, project)
        finally:
            project.close()
        for preview in previews:
            for line in preview.lines():
                print(line)
        bad = [p for p in previews if not p.ok]
        print(
            f"Dry run: nothing was written ({len(previews) - len(bad)} of {len(previews)} "
            "files can be imported)."
        )
        return 1 if bad else 0
    project = open_project(args, write=True)
    try:
        report = import_files(project, args.files, options)
    finally:
        project.close()
    for line in report.lines():
        print(line)
    return 0
