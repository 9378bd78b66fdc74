"""Exporting a project as a REFI-QDA project (.qdpx) or its codebook alone (.qdc).

What goes out (see ``docs/refi-qda.md`` for the full mapping):

* coders as ``Users``; the codebook as nested ``Code`` elements with colour and a
  ``Description`` carrying definition, criteria and example;
* each document as a UTF-8 ``sources/<GUID>.txt`` (LF line ends, no BOM) and a
  ``TextSource``; each coded segment as a ``PlainTextSelection`` in code points, end
  exclusive, with its ``Coding``; a segment memo as a ``Note`` on its selection;
* each participant as a ``Case`` with the attributes as ``Variable`` values, a ``SourceRef``
  to each document they speak in and a ``SelectionRef`` to each turn (a selection without a
  coding); interviewer speech as a case per interviewer (``interviewer`` = true), after the
  participants;
* memos as ``Notes`` on the project, a document or a code; reflexive memos are also in a
  ``Set`` "Reflexive memos", survey documents in a ``Set`` "Open-ended survey answers".

Real names never leave the project unless asked for: the texts, document names and memos
pass through the same masker as every other export, and positions are moved along with it.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import NameMasker
from qualframe.coding.core.project import Project
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.descriptions import compose
from qualframe.coding.exchange.model import derived_guid
from qualframe.coding.exchange.positions import Edit, OffsetMap
from qualframe.coding.exchange.qde_write import check_valid, codebook_xml, project_xml
from qualframe.coding.export.atomic import check_target, write_atomically
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Code,
    Coder,
    Document,
    Memo,
    Participant,
    ProjectMeta,
    Review,
    Segment,
    SurveyAnswer,
    Turn,
)

ORIGIN = "Qualframe 0.1.0"
INTERVIEWER_VARIABLE = "interviewer"
REAL_NAME_VARIABLE = "real name"
SURVEY_SET = "Open-ended survey answers"
REFLEXIVE_SET = "Reflexive memos"
MAX_INTERNAL_FILE = 2**31 - 1  # REFI-QDA §8.5
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

Progress = Callable[[int, int, str], bool]


def stamp(value: datetime | None) -> str | None:
    """An xsd:dateTime in UTC (the database keeps naive UTC times)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


@dataclass
class ExportReport:
    path: Path
    kind: str  # "project" or "codebook"
    counts: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        what = ", ".join(f"{n:,} {k}" for k, n in self.counts.items())
        out = [f"Exported the {self.kind} to {self.path.name} (REFI-QDA 1.5): {what}."]
        out.extend(f"  not carried: {item}" for item in self.left_out)
        return out


# -- values of variables -----------------------------------------------------------------------
def _variable_type(attr_type: str, values: list[str]) -> str:
    """The REFI-QDA type for an attribute whose values are ``values`` (Text when a value
    does not fit the declared type, so nothing is lost)."""

    def all_(pred: Callable[[str], bool]) -> bool:
        return all(pred(v) for v in values)

    def is_decimal(v: str) -> bool:  # the lexical form of xsd:decimal
        return _DECIMAL.match(v) is not None

    if attr_type == "number" and values and all_(is_decimal):
        return "Integer" if all_(lambda v: v.lstrip("-").isdigit()) else "Float"
    if attr_type == "boolean" and values and all_(lambda v: v in ("true", "false", "0", "1")):
        return "Boolean"
    if attr_type == "date" and values and all_(_is_date):
        return "Date"
    return "Text"


def _is_date(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _value_kind(var_type: str) -> str:
    return f"{var_type}Value"


# -- building the model ---------------------------------------------------------------------------
def _codes(s: Session, memo_refs: dict[str, list[str]]) -> list[m.Code]:
    roots: list[m.Code] = []
    by_guid: dict[str, m.Code] = {}
    for rec in load_tree(s):
        fields = {
            "definition": rec.definition, "inclusion": rec.inclusion,
            "exclusion": rec.exclusion, "example": rec.example,
        }  # fmt: skip
        code = m.Code(
            guid=rec.guid,
            name=rec.name,
            color=rec.color.upper() if rec.color else None,
            description=compose(fields),
            note_refs=memo_refs.get(rec.guid, []),
        )
        by_guid[rec.guid] = code
        if rec.parent_guid is None:
            roots.append(code)
        else:
            by_guid[rec.parent_guid].children.append(code)
    return roots


class _Builder:
    """Reads the project in one session and builds the exchange model."""

    def __init__(self, s: Session, real_names: bool) -> None:
        self.s = s
        self.real_names = real_names
        self.mask = NameMasker() if real_names else NameMasker.from_session(s)
        self.coder_guid = dict(s.execute(select(Coder.id, Coder.guid)).all())
        self.notes: list[m.Note] = []
        self.texts: dict[str, str] = {}

    def note(self, guid: str, title: str, text: str, coder_id: int | None,
             created: datetime | None, modified: datetime | None) -> str:  # fmt: skip
        self.notes.append(
            m.Note(
                guid=guid, name=self.mask(title) or None, content=self.mask(text),
                user=self.coder_guid.get(coder_id) if coder_id else None,
                created=stamp(created), modified=stamp(modified),
            )
        )  # fmt: skip
        return guid

    def memos(self) -> tuple[dict[str, list[str]], dict[str, list[str]], list[str], list[str]]:
        """Notes for every memo: (by code GUID, by document GUID, project, reflexive)."""
        code_guid = dict(self.s.execute(select(Code.id, Code.guid)).all())
        doc_guid = dict(self.s.execute(select(Document.id, Document.guid)).all())
        by_code: dict[str, list[str]] = defaultdict(list)
        by_doc: dict[str, list[str]] = defaultdict(list)
        project: list[str] = []
        reflexive: list[str] = []
        for memo in self.s.scalars(select(Memo).order_by(Memo.created_at, Memo.id)):
            guid = self.note(
                memo.guid, memo.title, memo.text, memo.coder_id, memo.created_at, memo.updated_at
            )
            if memo.code_id is not None:
                by_code[code_guid[memo.code_id]].append(guid)
            elif memo.document_id is not None:
                by_doc[doc_guid[memo.document_id]].append(guid)
            else:
                project.append(guid)
                if memo.kind == "reflexive":
                    reflexive.append(guid)
        return by_code, by_doc, project, reflexive

    def sources(
        self, doc_notes: dict[str, list[str]]
    ) -> tuple[list[m.TextSource], dict[int, OffsetMap]]:
        maps: dict[int, OffsetMap] = {}
        out: list[m.TextSource] = []
        docs = self.s.execute(
            select(Document.id, Document.guid, Document.name, Document.text,
                   Document.imported_at).order_by(Document.position, Document.name)
        ).all()  # fmt: skip
        for d in docs:
            edits = self.mask.edits(d.text)
            text = self.mask(d.text)
            maps[d.id] = OffsetMap(Edit(a, b - a, len(r)) for a, b, r in edits)
            self.texts[d.guid] = text
            out.append(
                m.TextSource(
                    guid=d.guid, name=self.mask(d.name), plain_path=f"internal://{d.guid}.txt",
                    created=stamp(d.imported_at), note_refs=doc_notes.get(d.guid, []),
                )
            )  # fmt: skip
        self.doc_index = {d.id: src for d, src in zip(docs, out, strict=True)}
        return out, maps

    def turns(self, maps: dict[int, OffsetMap]) -> dict[str, list[tuple[int, str]]]:
        """Each turn as an uncoded selection; returns, per case GUID, (document id, selection
        GUID) of the turns it spoke."""
        by_case: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.interviewers: dict[str, str] = {}  # case GUID -> label
        rows = self.s.execute(
            select(Turn.guid, Turn.document_id, Turn.start, Turn.end, Turn.label,
                   Turn.is_interviewer, Participant.guid.label("pguid"))
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .order_by(Turn.document_id, Turn.start)
        ).all()  # fmt: skip
        for t in rows:
            if t.pguid is not None:
                case = t.pguid
            elif t.is_interviewer and t.label:
                case = derived_guid("interviewer", " ".join(t.label.split()).casefold())
                self.interviewers.setdefault(case, t.label)
            else:
                continue
            start, end = maps[t.document_id].map_range(t.start, t.end)
            if start >= end:
                continue
            src = self.doc_index[t.document_id]
            src.selections.append(m.Selection(t.guid, start, end, name=self.mask(t.label or "")))
            by_case[case].append((t.document_id, t.guid))
        return by_case

    def segments(self, maps: dict[int, OffsetMap]) -> int:
        rows = self.s.execute(
            select(Segment.guid, Segment.selection_guid, Segment.document_id, Segment.start,
                   Segment.end, Code.guid.label("code"), Segment.coder_id, Segment.memo,
                   Segment.created_at, Segment.updated_at)
            .join(Code, Code.id == Segment.code_id)
            .order_by(Segment.document_id, Segment.start, Segment.end, Segment.id)
        ).all()  # fmt: skip
        taken: dict[str, m.Selection] = {
            sel.guid: sel for src in self.doc_index.values() for sel in src.selections
        }
        for r in rows:
            start, end = maps[r.document_id].map_range(r.start, r.end)
            user = self.coder_guid.get(r.coder_id)
            sel_guid, coding_guid = r.selection_guid, r.guid
            sel = taken.get(sel_guid) if sel_guid else None
            if sel_guid is None or (sel is not None and (sel.start, sel.end) != (start, end)):
                # made here (or resized since): the segment's GUID is its selection's
                sel_guid, coding_guid = r.guid, derived_guid("coding", r.guid)
                sel = taken.get(sel_guid)
            coding = m.Coding(coding_guid, r.code, user=user, created=stamp(r.created_at))
            if sel is None:
                sel = m.Selection(
                    sel_guid, start, end, user=user, created=stamp(r.created_at),
                    modifying_user=user, modified=stamp(r.updated_at),
                )  # fmt: skip
                taken[sel_guid] = sel
                self.doc_index[r.document_id].selections.append(sel)
            sel.codings.append(coding)
            if r.memo:
                note = self.note(
                    derived_guid("memo", r.guid), "", r.memo, r.coder_id, r.created_at,
                    r.updated_at,
                )  # fmt: skip
                coding.note_refs.append(note)
        for src in self.doc_index.values():
            src.selections.sort(key=lambda x: (x.start, x.end))
            for sel in src.selections:  # one coding: its note belongs to the selection
                if len(sel.codings) == 1 and sel.codings[0].note_refs:
                    sel.note_refs, sel.codings[0].note_refs = sel.codings[0].note_refs, []
        return len(rows)

    def cases(
        self, spoke: dict[str, list[tuple[int, str]]]
    ) -> tuple[list[m.Variable], list[m.Case]]:
        attrs = self.s.execute(
            select(Attribute.id, Attribute.guid, Attribute.name, Attribute.type).order_by(
                Attribute.position, Attribute.name
            )
        ).all()
        values: dict[int, dict[int, str]] = defaultdict(dict)
        for pid, aid, value in self.s.execute(
            select(AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value)
        ):
            values[pid][aid] = value
        variables: list[m.Variable] = []
        types: dict[int, str] = {}
        for a in attrs:
            types[a.id] = _variable_type(a.type, [v[a.id] for v in values.values() if a.id in v])
            variables.append(m.Variable(a.guid, a.name, types[a.id]))
        taken_names = {a.name.casefold() for a in attrs}
        people = list(self.s.scalars(select(Participant).order_by(Participant.pseudonym)))
        interviewer_var = real_var = None
        if self.interviewers or any(p.is_interviewer for p in people):
            interviewer_var = m.Variable(
                derived_guid("variable", INTERVIEWER_VARIABLE),
                _free_name(INTERVIEWER_VARIABLE, taken_names), "Boolean",
            )  # fmt: skip
            variables.append(interviewer_var)
        if self.real_names and any(p.real_name for p in people):
            real_var = m.Variable(
                derived_guid("variable", REAL_NAME_VARIABLE),
                _free_name(REAL_NAME_VARIABLE, taken_names), "Text",
            )  # fmt: skip
            variables.append(real_var)
        cases: list[m.Case] = []
        speakers: list[tuple[str, m.Case]] = []  # interviewer speech, after the participants
        for p in people:
            case = m.Case(guid=p.guid, name=p.pseudonym)
            for a in attrs:
                if a.id in values[p.id]:
                    case.values.append(
                        m.VariableValue(a.guid, _value_kind(types[a.id]), values[p.id][a.id])
                    )
            if real_var is not None and p.real_name:
                case.values.append(m.VariableValue(real_var.guid, "TextValue", p.real_name))
            if p.is_interviewer and interviewer_var is not None:
                case.values.append(m.VariableValue(interviewer_var.guid, "BooleanValue", "true"))
                speakers.append((p.pseudonym, self._refs(case, spoke.get(p.guid, []))))
            else:
                cases.append(self._refs(case, spoke.get(p.guid, [])))
        for guid, label in self.interviewers.items():
            case = m.Case(guid=guid, name=self.mask(label))
            assert interviewer_var is not None
            case.values.append(m.VariableValue(interviewer_var.guid, "BooleanValue", "true"))
            speakers.append((case.name or "", self._refs(case, spoke.get(guid, []))))
        cases.extend(case for _, case in sorted(speakers, key=lambda x: (x[0], x[1].guid)))
        return variables, cases

    def _refs(self, case: m.Case, spoken: list[tuple[int, str]]) -> m.Case:
        case.source_refs = list(dict.fromkeys(self.doc_index[d].guid for d, _ in spoken))
        case.selection_refs = [sel for _, sel in spoken]
        return case


def _free_name(name: str, taken: set[str]) -> str:
    return name if name.casefold() not in taken else f"{name} (Qualframe)"


def build_project(
    project: Project, *, real_names: bool = False
) -> tuple[m.Project, dict[str, str], list[str]]:
    """The exchange model of ``project``, the texts of its sources (by GUID) and what is not
    carried across (one phrase each)."""
    with project.read() as s:
        b = _Builder(s, real_names)
        by_code, by_doc, project_notes, reflexive = b.memos()
        sources, maps = b.sources(by_doc)
        spoke = b.turns(maps)
        b.segments(maps)
        variables, cases = b.cases(spoke)
        codes = _codes(s, by_code)
        title = s.get(ProjectMeta, "title")
        survey_docs = [
            g for (g,) in s.execute(select(Document.guid).where(Document.kind == "survey"))
        ]
        users = [
            m.User(g, n) for g, n in s.execute(select(Coder.guid, Coder.name).order_by(Coder.id))
        ]
        me = s.scalar(select(Coder.guid).where(Coder.name == project.coder))
        left_out = _left_out(s)
    sets = []
    if survey_docs:
        sets.append(m.Set(derived_guid("set", SURVEY_SET), SURVEY_SET, member_sources=survey_docs))
    if reflexive:
        sets.append(
            m.Set(derived_guid("set", REFLEXIVE_SET), REFLEXIVE_SET, member_notes=reflexive)
        )
    model = m.Project(
        name=title.value if title is not None else project.name, origin=ORIGIN,
        creating_user=me, modifying_user=me, modified=stamp(datetime.now(UTC)),
        users=users, codes=codes, variables=variables, cases=cases, sources=sources,
        notes=b.notes, sets=sets, note_refs=project_notes,
    )  # fmt: skip
    if not real_names and not b.mask.empty:
        left_out.append("real names (replaced by pseudonyms; export with real names to keep them)")
    return model, b.texts, left_out


def _left_out(s: Session) -> list[str]:
    def count(stmt: object) -> int:
        return int(s.scalar(stmt) or 0)  # type: ignore[call-overload]

    out = []
    reviews = count(select(func.count()).select_from(Review))
    if reviews:
        out.append(f"{reviews:,} auditor reviews (REFI-QDA has no place for them)")
    exemplars = count(select(func.count()).select_from(Segment).where(Segment.is_exemplar))
    if exemplars:
        out.append(f"{exemplars:,} exemplar marks on segments")
    answers = count(select(func.count()).select_from(SurveyAnswer))
    if answers:
        out.append(
            f"{answers:,} closed survey answers (Likert, choice, number); open-ended answers "
            "go as sources"
        )
    return out


def _counts(model: m.Project) -> dict[str, int]:
    selections = [sel for src in model.sources for sel in src.selections]
    return {
        "users": len(model.users),
        "codes": len(model.all_codes()),
        "sources": len(model.sources),
        "codings": sum(len(sel.codings) for sel in selections),
        "cases": len(model.cases),
        "variables": len(model.variables),
        "notes": len(model.notes),
    }


def export_project(
    project: Project, out: Path, *, real_names: bool = False, progress: Progress | None = None
) -> ExportReport:
    """Write ``project`` to ``out`` (.qdpx), validated, completely or not at all."""
    out = Path(out)
    check_target(out)  # before the model is built
    model, texts, left_out = build_project(project, real_names=real_names)
    qde, dropped = project_xml(model)
    check_valid(qde, "project")
    if dropped:
        left_out.append(f"{dropped:,} control characters that XML cannot hold (in memos or names)")
    total = len(model.sources)

    def write(stream: IO[bytes]) -> None:
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", qde)
            for i, src in enumerate(model.sources, start=1):
                data = texts[src.guid].encode("utf-8")
                if len(data) > MAX_INTERNAL_FILE:
                    raise UserError(
                        f'The document "{src.name}" is larger than REFI-QDA allows (2 GB).'
                    )
                zf.writestr(f"sources/{src.guid}.txt", data)
                if progress is not None and not progress(i, total, src.name):
                    from qualframe.coding.importing.errors import ImportCancelled

                    raise ImportCancelled("The export was cancelled; nothing was written.")

    write_atomically(out, write)
    return ExportReport(out, "project", _counts(model), left_out)


def build_codebook(project: Project) -> m.Codebook:
    with project.read() as s:
        return m.Codebook(origin=ORIGIN, codes=_codes(s, {}))


def export_codebook(project: Project, out: Path) -> ExportReport:
    """Write the codebook of ``project`` to ``out`` (.qdc), validated, atomically."""
    out = Path(out)
    check_target(out)  # before the codebook is built
    book = build_codebook(project)
    data, dropped = codebook_xml(book)
    check_valid(data, "codebook")

    def write(stream: IO[bytes]) -> None:
        stream.write(data)

    write_atomically(out, write)
    left = []
    with project.read() as s:
        memos = int(
            s.scalar(select(func.count()).select_from(Memo).where(Memo.code_id.is_not(None))) or 0
        )
    if memos:
        left.append(f"{memos:,} memos on codes (a codebook file has no notes; a .qdpx has them)")
    if dropped:
        left.append(f"{dropped:,} control characters that XML cannot hold")
    return ExportReport(out, "codebook", {"codes": len(book.all_codes())}, left)
