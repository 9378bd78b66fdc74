"""Importing a REFI-QDA codebook (.qdc) into any project, as one undoable command.

Each code of the file is matched to a code of the project by GUID, else by its path (names
compared without regard to case or runs of spaces). A matched code keeps its name and place;
its colour and its definition are taken from the file where the file has them, and its
criteria and example too when the file's description carries them (as Qualframe writes it).
A code that matches nothing is added under its (matched or added) parent, with the file's
GUID and its name exactly as written. Read tolerantly: the ``0:4`` namespace some
ATLAS.ti versions write, Taguette's empty ``<Sets/>``, a BOM, GUIDs in any case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import PALETTE
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.codepaths import join_path, path_key
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.archive import parse_xml
from qualframe.coding.exchange.descriptions import FIELDS, parse
from qualframe.coding.exchange.qde_read import read_codebook
from qualframe.coding.exchange.refi_store import colour
from qualframe.storage.models import Code

MAX_QDC_BYTES = 64 * 1024 * 1024


def read_qdc(path: Path) -> m.Codebook:
    """The codebook in ``path``, read with the hardened parser; one sentence if refused."""
    path = Path(path)
    name = path.name
    try:
        if not path.is_file():
            raise ImportRefused(f"{name} does not exist or is not a file.")
        if path.stat().st_size > MAX_QDC_BYTES:
            raise ImportRefused(f"{name} is too large to be a codebook; nothing was imported.")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{name} cannot be read ({exc.strerror or exc}).") from None
    book = read_codebook(parse_xml(data, name), name)
    if not book.codes:
        raise ImportRefused(f"{name} holds no codes; nothing was imported.")
    return book


@dataclass
class CodebookReport:
    file: str
    origin: str | None
    added: list[str] = field(default_factory=list)  # paths
    updated: list[str] = field(default_factory=list)
    matched: int = 0
    kept_names: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.file}: REFI-QDA codebook from {self.origin or 'an unnamed tool'}"]
        out.extend(f"  added {p}" for p in self.added[:20])
        if len(self.added) > 20:
            out.append(f"  … and {len(self.added) - 20} more")
        out.extend(f"  updated {p}" for p in self.updated[:20])
        out.extend(f"  kept the project's name {p}" for p in self.kept_names[:20])
        out.append(
            f"Added {len(self.added)} codes, updated {len(self.updated)}, "
            f"{self.matched} matched the project's codes."
        )
        return out


class ImportCodebook(Command):
    """Merge a .qdc codebook into the project (see the module); undo restores it exactly."""

    def __init__(self, book: m.Codebook, file: str) -> None:
        self.book = book
        self.file = file
        self.text = f"Import codebook {file}"
        self.report: CodebookReport | None = None
        self._added: list[str] = []
        self._old: dict[str, dict[str, str]] = {}

    def do(self, project: Project) -> Change:
        with project.write() as s:
            report = CodebookReport(self.file, self.book.origin)
            self._added, self._old = [], {}
            for i, code in enumerate(self.book.codes):
                self._merge(s, code, None, (), i, report)
            audit.record(
                s, project.coder, "import_codebook", "codebook", None, file=self.file,
                added=len(report.added), updated=len(report.updated),
            )  # fmt: skip
        self.report = report
        return Change(
            "import_codebook", codebook=True, codes=frozenset(self._old), created_guid=None
        )

    def _children(self, s: Session, parent_id: int | None) -> list[Code]:
        stmt = select(Code).where(
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
        )
        return list(s.scalars(stmt))

    def _merge(self, s: Session, code: m.Code, parent: Code | None, path: tuple[str, ...],
               position: int, report: CodebookReport) -> None:  # fmt: skip
        parent_id = parent.id if parent is not None else None
        row = s.scalar(select(Code).where(Code.guid == code.guid))
        name = code.name if code.name.strip() else "(unnamed code)"
        if row is None:
            wanted = path_key([name])
            row = next(
                (c for c in self._children(s, parent_id) if path_key([c.name]) == wanted), None
            )
        if row is None:
            count = int(s.scalar(select(func.count()).select_from(Code)) or 0)
            row = Code(
                guid=code.guid, name=name[:400], parent_id=parent_id,
                color=colour(code.color) or PALETTE[count % len(PALETTE)],
                position=len(self._children(s, parent_id)), **parse(code.description),
            )  # fmt: skip
            s.add(row)
            s.flush()
            self._added.append(row.guid)
            report.added.append(join_path([*path, row.name]))
        else:
            report.matched += 1
            self._update(row, code, path, report)
        for i, child in enumerate(code.children):
            self._merge(s, child, row, (*path, row.name), i, report)

    def _update(
        self, row: Code, code: m.Code, path: tuple[str, ...], report: CodebookReport
    ) -> None:
        new: dict[str, str] = {}
        if code.description:
            fields = parse(code.description)
            if any(fields[k] for k in FIELDS[1:]):  # written with criteria: take all four
                new.update(fields)
            else:  # another tool's description is a definition; keep the criteria we have
                new["definition"] = fields["definition"]
        c = colour(code.color)
        if c:
            new["color"] = c
        changed = {k: v for k, v in new.items() if getattr(row, k) != v}
        if changed:
            self._old[row.guid] = {k: getattr(row, k) for k in changed}
            for k, v in changed.items():
                setattr(row, k, v)
            report.updated.append(join_path([*path, row.name]))
        if row.name != code.name and code.name.strip():
            report.kept_names.append(f"{join_path([*path, row.name])} (file: {code.name})")

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            for guid, old in self._old.items():
                row = s.scalar(select(Code).where(Code.guid == guid))
                if row is not None:
                    for k, v in old.items():
                        setattr(row, k, v)
            for guid in reversed(self._added):
                row = s.scalar(select(Code).where(Code.guid == guid))
                if row is not None:
                    s.delete(row)
                    s.flush()
            audit.record(s, project.coder, "undo_import_codebook", "codebook", None, file=self.file)
        return Change("import_codebook", codebook=True, codes=frozenset(self._old))


def import_codebook(project: Project, path: Path) -> CodebookReport:
    """Read ``path`` and run :class:`ImportCodebook` once (the command line's way)."""
    command = ImportCodebook(read_qdc(path), Path(path).name)
    command.do(project)
    assert command.report is not None
    return command.report


__all__ = ["FIELDS", "CodebookReport", "ImportCodebook", "import_codebook", "read_qdc"]
