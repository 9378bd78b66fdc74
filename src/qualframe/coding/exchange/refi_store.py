"""Writing a prepared REFI-QDA project (``refi_import.Plan``) into an empty project.

One transaction, as an undoable command (:class:`ImportProject`). GUIDs are kept: users →
coders, codes, sources → documents, cases → participants, variables → attributes, notes →
memos, selections → turns and segments (a segment keeps its coding's GUID and, when its
selection carried several codings, the selection's in ``selection_guid``; a coding whose
GUID Qualframe derived from its selection's gets the selection's GUID back, so Qualframe's own
exports come back unchanged). How each source's positions were read is recorded in the
project's ``refi_import`` fact, which a later merge needs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import PALETTE
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.printable import printable
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import sha256_hex, unique_document_name
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.descriptions import parse
from qualframe.coding.exchange.model import derived_guid
from qualframe.coding.exchange.refi_export import (
    INTERVIEWER_VARIABLE,
    REAL_NAME_VARIABLE,
    REFLEXIVE_SET,
    SURVEY_SET,
)
from qualframe.coding.exchange.refi_import import Plan, PreparedSelection, PreparedSource
from qualframe.coding.exchange.refi_people import People, TurnIndex
from qualframe.storage.models import (
    Code,
    Coder,
    Document,
    Memo,
    Participant,
    ProjectMeta,
    Segment,
    Turn,
)
from qualframe.storage.trail import touch_codes

META_KEY = "refi_import"
_HEX = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def parse_stamp(value: str | None) -> datetime | None:
    """An xsd:dateTime as naive UTC, or None when it is missing or unreadable."""
    if not value:
        return None
    text = value.strip()
    frac = re.match(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", text)
    if frac:  # Python reads at most 6 digits of a fraction
        text = f"{frac.group(1)}.{frac.group(2)[:6].ljust(6, '0')}{frac.group(3)}"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def colour(value: str | None) -> str | None:
    if not value or not _HEX.match(value.strip()):
        return None
    hexpart = value.strip()[1:]
    if len(hexpart) == 3:
        hexpart = "".join(c * 2 for c in hexpart)
    return "#" + hexpart.upper()


@dataclass
class ImportReport:
    file: str
    origin: str | None
    producer: str
    counts: dict[str, int] = field(default_factory=dict)
    readings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    change: Change = field(default_factory=lambda: Change("import"))

    def lines(self) -> list[str]:
        what = ", ".join(f"{n:,} {k}" for k, n in self.counts.items())
        out = [f"{self.file}: REFI-QDA project from {self.origin or 'an unnamed tool'}"]
        out.extend(f"  positions of {r}" for r in self.readings)
        out.extend(f"  not imported: {x}" for x in self.left_out)
        out.extend(f"  warning: {w}" for w in self.warnings)
        out.append(f"Imported {what}.")
        return out


def project_contents(session: Session) -> dict[str, int]:
    out = {}
    for label, model in (("documents", Document), ("codes", Code), ("participants", Participant),
                         ("memos", Memo)):  # fmt: skip
        n = int(session.scalar(select(func.count()).select_from(model)) or 0)
        if n:
            out[label] = n
    return out


class _Store:
    def __init__(self, s: Session, project: Project, plan: Plan) -> None:
        self.s, self.project, self.plan, self.model = s, project, plan, plan.model
        self.created: dict[str, list[str]] = defaultdict(list)
        self.warnings = list(plan.warnings)
        self.left_out = list(plan.left_out)
        self.code_ids: dict[str, int] = {}
        self.doc_ids: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.people = People(s, self.model, self.created, self.warnings)
        self.old_title: str | None = None

    # -- codes ----------------------------------------------------------------------------------------
    def codes(self) -> None:
        used: set[str] = set()
        renamed = [0]

        def add(code: m.Code, parent_id: int | None, position: int, siblings: set[str]) -> None:
            name = code.name if code.name.strip() else "(unnamed code)"
            name = name[:400]
            key, n = " ".join(name.split()).casefold(), 2
            base = name
            while key in siblings:
                name = f"{base} ({n})"
                key, n = " ".join(name.split()).casefold(), n + 1
            if name != base:
                renamed[0] += 1
            siblings.add(key)
            guid = code.guid if code.guid not in used else derived_guid("duplicate", code.guid)
            used.add(guid)
            row = Code(
                guid=guid, name=name, parent_id=parent_id, position=position,
                color=colour(code.color) or PALETTE[len(used) % len(PALETTE)],
                **parse(code.description),
            )  # fmt: skip
            self.s.add(row)
            self.s.flush()
            self.created["codes"].append(guid)
            self.code_ids.setdefault(code.guid, row.id)
            kids: set[str] = set()
            for i, child in enumerate(code.children):
                add(child, row.id, i, kids)

        top: set[str] = set()
        for i, code in enumerate(self.model.codes):
            add(code, None, i, top)
        if renamed[0]:
            self.warnings.append(
                f"{renamed[0]} codes had the name of a sibling and got a number, e.g. (2)"
            )
        self.counts["codes"] = len(self.created["codes"])

    # -- documents ---------------------------------------------------------------------------------
    def documents(self) -> None:
        survey = {g for st in self.model.sets if st.name == SURVEY_SET for g in st.member_sources}
        for i, ps in enumerate(self.plan.sources):
            src = ps.src
            doc = Document(
                guid=src.guid,  # unique: prepare() renamed repeated source GUIDs
                name=unique_document_name(self.s, (src.name or "Untitled source")[:400]),
                kind="survey" if src.guid in survey else "transcript",
                text=ps.text, length=len(ps.text), original_filename=(printable(src.name) if src.name else None),
                content_hash=ps.content_hash, text_hash=sha256_hex(ps.text),
                source_encoding=ps.encoding, position=i,
            )  # fmt: skip
            self.s.add(doc)
            self.s.flush()
            self.doc_ids[src.guid] = doc.id
            self.created["documents"].append(src.guid)
        self.counts["sources"] = len(self.plan.sources)

    # -- segments -----------------------------------------------------------------------------------
    def segments(self, notes: dict[str, list[str]], turn_sel: set[str]) -> None:
        self.seen: set[tuple[int, int, int, int, int]] = set()
        self.used: set[str] = set()
        self.tally = {"unknown": 0, "repeated": 0, "bare": 0}
        self.whole: set[str] = set()
        for ps in self.plan.sources:
            doc_id = self.doc_ids[ps.src.guid]
            turns = self.people.turns_of(doc_id)
            items = [(p, p.sel.codings) for p in ps.selections]
            if ps.src.codings and ps.text:  # the whole source coded: a selection of all of it
                whole = m.Selection(derived_guid("whole source", ps.src.guid), 0, len(ps.text))
                self.whole.add(whole.guid)
                items.append((PreparedSelection(whole, 0, len(ps.text)), ps.src.codings))
            for psel, codings in items:
                sel = psel.sel
                sel_notes = self.note_texts([*sel.note_refs, *notes.get(sel.guid, [])])
                if sel.description:
                    sel_notes.insert(0, sel.description)
                if codings:
                    for coding in codings:
                        self.coding(doc_id, turns, psel, coding, len(codings), sel_notes)
                elif sel.guid not in turn_sel:
                    if sel_notes:
                        self.selection_memo(ps, psel, sel_notes)
                    else:
                        self.tally["bare"] += 1
        self.s.flush()
        self.counts["codings"] = len(self.seen)
        if self.tally["unknown"]:
            self.warnings.append(
                f"{self.tally['unknown']:,} codings name a code that is not in the codebook"
            )
        if self.tally["repeated"]:
            self.warnings.append(
                f"{self.tally['repeated']:,} codings repeated a code on the same passage by the "
                "same coder; each is kept once"
            )
        if self.tally["bare"]:
            self.left_out.append(
                f"selections with no coding, note or case ({self.tally['bare']:,})"
            )

    def coding(self, doc_id: int, turns: TurnIndex, psel: PreparedSelection, coding: m.Coding,
               siblings: int, sel_notes: list[str]) -> None:  # fmt: skip
        """One coding as a segment (GUIDs: see the module docstring)."""
        sel = psel.sel
        code_id = self.code_ids.get(coding.code_guid)
        if code_id is None:
            self.tally["unknown"] += 1
            return
        coder = self.people.coder_for(coding.user or sel.user)
        key = (doc_id, code_id, coder, psel.start, psel.end)
        if key in self.seen:
            self.tally["repeated"] += 1
            return
        self.seen.add(key)
        ours = coding.guid == derived_guid("coding", sel.guid) and siblings == 1
        guid, sel_guid = (sel.guid, None) if ours else (coding.guid, sel.guid)
        if sel.guid in self.whole:
            sel_guid = None  # a whole-source coding had no selection of its own
        if guid in self.used:
            guid = derived_guid("duplicate", guid, str(len(self.used)))
        self.used.add(guid)
        memo = "\n\n".join([*sel_notes, *self.note_texts(coding.note_refs)])
        now = datetime.now(UTC).replace(tzinfo=None)
        created = parse_stamp(coding.created or sel.created) or now
        self.s.add(
            Segment(
                guid=guid, selection_guid=sel_guid, document_id=doc_id, code_id=code_id,
                coder_id=coder, turn_id=turns.best(psel.start, psel.end), start=psel.start,
                end=psel.end, memo=memo, created_at=created,
                updated_at=parse_stamp(sel.modified) or created,
            )
        )  # fmt: skip

    def note_texts(self, refs: list[str]) -> list[str]:
        out = []
        for ref in refs:
            text = self.plan.notes.get(ref)
            if text:
                out.append(text)
                self.consumed.add(ref)
        return out

    def selection_memo(self, ps: PreparedSource, psel: PreparedSelection, texts: list[str]) -> None:
        quote = " ".join(ps.text[psel.start : psel.end].split())
        if len(quote) > 60:
            quote = quote[:59] + "…"
        body = "\n\n".join(texts) + f"\n\n(On “{quote}”, characters {psel.start}–{psel.end}.)"
        self.add_memo(
            derived_guid("selection note", psel.sel.guid), psel.sel.name or "Note on a passage",
            body, "document", document_id=self.doc_ids[ps.src.guid], user=psel.sel.user,
            created=psel.sel.created, modified=psel.sel.modified,
        )  # fmt: skip

    # -- memos --------------------------------------------------------------------------------------
    def add_memo(self, guid: str, title: str, text: str, kind: str, *, document_id: int | None = None,
                 code_id: int | None = None, user: str | None = None, created: str | None = None,
                 modified: str | None = None) -> None:  # fmt: skip
        if guid in self.memo_guids:
            guid = derived_guid("duplicate", guid, str(len(self.memo_guids)))
        self.memo_guids.add(guid)
        stamp = parse_stamp(created) or datetime.now(UTC).replace(tzinfo=None)
        self.s.add(
            Memo(
                guid=guid, title=title[:400], text=text, kind=kind, document_id=document_id,
                code_id=code_id, coder_id=self.people.coder_for(user) if user else None,
                created_at=stamp, updated_at=parse_stamp(modified) or stamp,
            )
        )  # fmt: skip
        self.created["memos"].append(guid)

    def memos(self, link_notes: dict[str, list[str]]) -> None:
        notes = {n.guid: n for n in self.model.notes}
        reflexive = {
            g for st in self.model.sets if st.name == REFLEXIVE_SET for g in st.member_notes
        }

        def attach(refs: list[str], kind: str, **target: int | None) -> None:
            for ref in refs:
                note = notes.get(ref)
                if note is None:
                    continue
                self.consumed.add(ref)
                k = "reflexive" if kind == "project" and ref in reflexive else kind
                self.add_memo(note.guid, note.name or "", self.plan.notes.get(ref, ""), k,
                              user=note.user, created=note.created, modified=note.modified,
                              **target)  # fmt: skip

        attach(self.model.note_refs, "project")
        for code in self.model.all_codes():
            refs = [*code.note_refs, *link_notes.get(code.guid, [])]
            attach(refs, "code", code_id=self.code_ids.get(code.guid))
        for ps in self.plan.sources:
            refs = [*ps.src.note_refs, *link_notes.get(ps.src.guid, [])]
            attach(refs, "document", document_id=self.doc_ids[ps.src.guid])
            if ps.src.description:
                self.add_memo(derived_guid("description", ps.src.guid), "Description",
                              ps.src.description, "document",
                              document_id=self.doc_ids[ps.src.guid])  # fmt: skip
        if self.model.description:
            self.add_memo(derived_guid("description", "project"), "Project description",
                          self.model.description, "project")  # fmt: skip
        attach([g for g in notes if g not in self.consumed], "project")
        self.counts["memos"] = len(self.created["memos"])

    def title(self) -> None:
        """A project still called after its file takes the exchanged project's name."""
        row = self.s.get(ProjectMeta, "title")
        default = self.project.default_title
        name = " ".join(self.model.name.split())
        if name and (row is None or row.value == default):
            self.old_title = row.value if row is not None else None
            if row is None:
                self.s.add(ProjectMeta(key="title", value=name))
            else:
                row.value = name

    # -- all ------------------------------------------------------------------------------------------
    def run(self) -> ImportReport:
        self.consumed: set[str] = set()
        self.memo_guids: set[str] = set()
        link_notes = self.people.link_notes()
        self.people.users()
        self.codes()
        self.documents()
        self.people.cases(self.plan.sources, self.doc_ids)
        turn_sel = self.people.turn_selections
        self.segments(link_notes, turn_sel)
        self.memos(link_notes)
        self.counts["cases"] = self.people.case_count
        self.counts["coders"] = len(set(self.people.coders.values()) | self.people.coder_ids_used)
        self.title()
        readings = [f'"{ps.src.name}": {ps.reading}' for ps in self.plan.sources]
        fact = {
            "file": self.plan.file, "origin": self.model.origin, "producer": self.plan.producer,
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "positions": {ps.src.guid: ps.reading for ps in self.plan.sources},
        }  # fmt: skip
        row = self.s.get(ProjectMeta, META_KEY)
        if row is None:
            self.s.add(ProjectMeta(key=META_KEY, value=json.dumps(fact, ensure_ascii=False)))
        else:
            row.value = json.dumps(fact, ensure_ascii=False)
        self.s.flush()
        audit.record(
            self.s, self.project.coder, "import_refi", "project", None, file=self.plan.file,
            origin=self.model.origin, **self.counts,
        )  # fmt: skip
        unused = sorted(set(self.people.unused_sets()))
        if unused:
            self.left_out.append(
                f"sets of sources, codes or notes ({len(unused):,}: {', '.join(unused[:3])}"
                f"{', …' if len(unused) > 3 else ''}; Qualframe has no such groups yet)"
            )
        change = Change(
            "import", codebook=True, documents=frozenset(self.created["documents"]),
            documents_added=bool(self.created["documents"]), participants=True,
        )  # fmt: skip
        return ImportReport(
            self.plan.file, self.model.origin, self.plan.producer, self.counts, readings,
            self.left_out, self.warnings, change,
        )  # fmt: skip


class ImportProject(Command):
    """Import a prepared REFI-QDA project into an empty project; undo removes all of it."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.text = f"Import {plan.file}"
        self.report: ImportReport | None = None
        self._created: dict[str, list[str]] = {}
        self._old_title: str | None = None

    def do(self, project: Project) -> Change:
        with project.write() as s:
            present = project_contents(s)
            if present:
                what = ", ".join(f"{n:,} {k}" for k, n in present.items())
                raise ImportRefused(
                    f"{self.plan.file} is a whole REFI-QDA project and can only be imported into "
                    f"an empty project (this one has {what}); create one with `qualframe new "
                    f"NEW.qualframe --from {self.plan.file}`."
                )
            store = _Store(s, project, self.plan)
            self.report = store.run()
            self._created = dict(store.created)
            self._old_title = store.old_title
        project.forget_cached_ids()
        return self.report.change

    def undo(self, project: Project) -> Change:
        c = self._created
        with project.write() as s:
            docs = list(
                s.scalars(select(Document.id).where(Document.guid.in_(c.get("documents", []))))
            )
            s.execute(delete(Segment).where(Segment.document_id.in_(docs)))
            s.execute(delete(Memo).where(Memo.guid.in_(c.get("memos", []))))
            s.execute(delete(Turn).where(Turn.document_id.in_(docs)))
            s.execute(delete(Document).where(Document.id.in_(docs)))
            s.execute(delete(Participant).where(Participant.guid.in_(c.get("participants", []))))
            for guid in c.get("attributes", []):
                from qualframe.storage.models import Attribute

                s.execute(delete(Attribute).where(Attribute.guid == guid))
            touch_codes(s, c.get("codes", []))  # bulk delete: record the codebook's states
            s.execute(delete(Code).where(Code.guid.in_(c.get("codes", []))))
            s.execute(delete(Coder).where(Coder.guid.in_(c.get("coders", []))))
            row = s.get(ProjectMeta, META_KEY)
            if row is not None:
                s.delete(row)
            title = s.get(ProjectMeta, "title")
            if self._old_title is not None and title is not None:
                title.value = self._old_title
            audit.record(s, project.coder, "undo_import_refi", "project", None, file=self.plan.file)
        project.forget_cached_ids()
        return Change("import", codebook=True, documents=frozenset(c.get("documents", [])),
                      documents_added=True, participants=True)  # fmt: skip


def import_project(project: Project, plan: Plan) -> ImportReport:
    """Run :class:`ImportProject` once (the command line's way; the GUI pushes the command)."""
    command = ImportProject(plan)
    command.do(project)
    assert command.report is not None
    return command.report


def create_from(path: Path, source: Path, coder: str | None = None) -> ImportReport:
    """A new project at ``path`` holding the REFI-QDA project ``source``. The file is read
    and checked before the project is created; the project is built under a temporary name
    and appears under ``path`` only when complete, so a failed or killed import leaves no
    project file (and never removes one that was there)."""
    from qualframe.coding.exchange.refi_import import prepare

    plan = prepare(Path(source))
    reports: list[ImportReport] = []
    project = Project.create(
        path, coder=coder, prepare=lambda p: reports.append(import_project(p, plan))
    )
    project.close()
    return reports[0]


__all__ = [
    "INTERVIEWER_VARIABLE",
    "META_KEY",
    "REAL_NAME_VARIABLE",
    "ImportProject",
    "ImportReport",
    "import_project",
]
