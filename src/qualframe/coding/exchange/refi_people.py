"""The people side of a REFI-QDA import: users → coders, variables → attributes, cases →
participants (or interviewer speech) and the passages they spoke → speaker turns.

* A user keeps its GUID as a coder; a coder of the same name already in the project is the
  same person. Codings that name no user are credited to "unknown coder (<tool>)".
* A Boolean variable ``interviewer`` that is true marks a case as interviewer speech (a
  participant marked as interviewer, never counted as one; its turns are the interviewer's),
  as Qualframe exports it; a Text variable ``real name`` fills the private real name.
* A case's ``SelectionRef`` to a passage is a turn of that case. A source that no case
  references by passage but exactly one case references as a whole is that case's speech
  from start to end (one interview per person, as MAXQDA and NVivo often export).
* A nameless case (MAXQDA, Quirkos attach variables so) is named after its only source.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.model import derived_guid
from qualframe.coding.exchange.refi_export import (
    INTERVIEWER_VARIABLE,
    REAL_NAME_VARIABLE,
    REFLEXIVE_SET,
    SURVEY_SET,
)
from qualframe.coding.exchange.refi_import import PreparedSelection, PreparedSource
from qualframe.coding.importing.speakers import parse_turns
from qualframe.storage.models import Attribute, AttributeValue, Coder, Participant, Turn

_TYPES = {"Integer": "number", "Float": "number", "Boolean": "boolean", "Date": "date",
          "DateTime": "date"}  # fmt: skip


def _special(var: m.Variable, name: str, type_: str) -> bool:
    folded = " ".join(var.name.split()).casefold()
    return var.type == type_ and folded in (name, f"{name} (qualframe)")


def _value(v: m.VariableValue) -> str:
    text = v.value.strip()
    if v.kind == "BooleanValue":
        return "true" if text.lower() in ("true", "1") else "false"
    return text


class TurnIndex:
    """The turns of one document, to find the one a segment lies in (most overlap)."""

    def __init__(self, turns: list[tuple[int, int, int]]) -> None:
        self.turns = sorted(turns)
        self.starts = [t[0] for t in self.turns]

    def best(self, start: int, end: int) -> int | None:
        best: tuple[int, int] | None = None
        hi = bisect_left(self.starts, end)
        for t_start, t_end, t_id in self.turns[:hi]:
            overlap = min(end, t_end) - max(start, t_start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, t_id)
        return best[1] if best else None


class People:
    def __init__(self, s: Session, model: m.Project, created: dict[str, list[str]],
                 warnings: list[str]) -> None:  # fmt: skip
        self.s, self.model, self.created, self.warnings = s, model, created, warnings
        self.coders: dict[str, int] = {}
        self.coder_ids_used: set[int] = set()
        self.turn_selections: set[str] = set()
        self.case_count = 0
        self._turns: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self._fallback: int | None = None

    # -- coders ----------------------------------------------------------------------------------
    def _coder(self, guid: str | None, name: str) -> int:
        name = " ".join(name.split())[:200] or "unknown coder"
        row = self.s.scalar(select(Coder).where(Coder.guid == guid)) if guid else None
        if row is None:
            row = self.s.scalar(select(Coder).where(Coder.name == name))
        if row is None:
            row = Coder(name=name)
            if guid:
                row.guid = guid
            self.s.add(row)
            self.s.flush()
            self.created["coders"].append(row.guid)
        return row.id

    def users(self) -> None:
        for u in self.model.users:
            self.coders[u.guid] = self._coder(u.guid, u.name or u.id or f"user {u.guid[:8]}")

    def coder_for(self, user: str | None) -> int:
        user = user or self.model.creating_user
        if user is None:
            if self._fallback is None:
                from qualframe.coding.exchange.positions import producer_reading

                tool = producer_reading(self.model.origin)[1]
                self._fallback = self._coder(None, f"unknown coder ({tool})")
            coder = self._fallback
        else:
            if user not in self.coders:  # named on a coding but not among the users
                self.coders[user] = self._coder(user, f"user {user[:8]}")
            coder = self.coders[user]
        self.coder_ids_used.add(coder)
        return coder

    # -- notes linked to things (NVivo) ---------------------------------------------------------------
    def link_notes(self) -> dict[str, list[str]]:
        notes = {n.guid for n in self.model.notes}
        out: dict[str, list[str]] = defaultdict(list)
        for link in self.model.links:
            if link.origin in notes and link.target and link.target not in notes:
                out[link.target].append(link.origin)
            elif link.target in notes and link.origin and link.origin not in notes:
                out[link.origin].append(link.target)
        return out

    def unused_sets(self) -> list[str]:
        return [s.name for s in self.model.sets if s.name not in (SURVEY_SET, REFLEXIVE_SET)]

    # -- cases -------------------------------------------------------------------------------------------
    def _attributes(self) -> tuple[dict[str, int], set[str], set[str]]:
        attrs: dict[str, int] = {}
        interviewer: set[str] = set()
        real: set[str] = set()
        taken: set[str] = set()
        for i, var in enumerate(self.model.variables):
            if _special(var, INTERVIEWER_VARIABLE, "Boolean"):
                interviewer.add(var.guid)
                continue
            if _special(var, REAL_NAME_VARIABLE, "Text"):
                real.add(var.guid)
                continue
            name, n = (" ".join(var.name.split()) or "variable")[:200], 2
            base = name
            while name.casefold() in taken:
                name, n = f"{base} ({n})", n + 1
            taken.add(name.casefold())
            existing = self.s.scalar(
                select(Attribute).where(func.lower(Attribute.name) == name.lower())
            )
            if existing is not None:  # declared in this project already (it has no values)
                attrs[var.guid] = existing.id
                continue
            guid = var.guid
            if self.s.scalar(select(Attribute.id).where(Attribute.guid == guid)) is not None:
                guid = derived_guid("duplicate", guid)
            row = Attribute(guid=guid, name=name, type=_TYPES.get(var.type, "category"), position=i)
            self.s.add(row)
            self.s.flush()
            self.created["attributes"].append(guid)
            attrs[var.guid] = row.id
        return attrs, interviewer, real

    def cases(self, sources: list[PreparedSource], doc_ids: dict[str, int]) -> None:
        attrs, interviewer_vars, real_vars = self._attributes()
        selections = {p.sel.guid: (ps, p) for ps in sources for p in ps.selections}
        names = {ps.src.guid: ps.src.name for ps in sources}
        taken: set[str] = set()
        owners: list[tuple[m.Case, int | None, str, bool]] = []
        for i, case in enumerate(self.model.cases, start=1):
            values = {v.variable_guid: _value(v) for v in case.values if v.kind}
            is_interviewer = any(values.get(g) == "true" for g in interviewer_vars)
            name = (case.name or "").strip()
            if not name:
                only = case.source_refs[0] if len(case.source_refs) == 1 else None
                name = names.get(only or "", "") or f"Case {i}"
            name = " ".join(name.split())[:200]
            base, n = name, 2
            while name.casefold() in taken:
                name, n = f"{base} ({n})", n + 1
            taken.add(name.casefold())
            real = next((values[g] for g in real_vars if values.get(g)), None)
            p = Participant(
                guid=case.guid, pseudonym=name, real_name=real, is_interviewer=is_interviewer
            )
            self.s.add(p)
            self.s.flush()
            self.created["participants"].append(case.guid)
            for guid, value in values.items():
                if guid in attrs and value != "":
                    self.s.add(
                        AttributeValue(participant_id=p.id, attribute_id=attrs[guid], value=value)
                    )
            owners.append((case, p.id, name, is_interviewer))
        self.case_count = len(owners)
        self._make_turns(owners, selections, doc_ids)

    def _make_turns(self, owners: list[tuple[m.Case, int | None, str, bool]],
                    selections: dict[str, tuple[PreparedSource, PreparedSelection]],
                    doc_ids: dict[str, int]) -> None:  # fmt: skip
        used: set[str] = set()
        by_passage: set[str] = set()  # sources with turns from selection refs
        whole: dict[str, list[tuple[int | None, str, bool]]] = defaultdict(list)
        missing = 0
        for case, pid, label, interviewer in owners:
            in_sources: set[str] = set()
            for ref in case.selection_refs:
                hit = selections.get(ref)
                if hit is None:
                    missing += 1
                    continue
                ps, psel = hit
                start, end = psel.start, psel.end
                guid = ref if ref not in used else derived_guid("duplicate", ref, label)
                used.add(guid)
                self._add_turn(
                    guid, doc_ids[ps.src.guid], ps.text, start, end, pid, label, interviewer
                )
                self.turn_selections.add(ref)
                in_sources.add(ps.src.guid)
                by_passage.add(ps.src.guid)
            for ref in case.source_refs:
                if ref in doc_ids and ref not in in_sources:
                    whole[ref].append((pid, label, interviewer))
        for src, claims in whole.items():
            if src in by_passage or len(claims) != 1:
                continue
            pid, label, interviewer = claims[0]
            text = self._text(doc_ids[src])
            if text.strip():
                guid = derived_guid("whole source turn", src)
                self._add_turn(guid, doc_ids[src], text, 0, len(text), pid, label, interviewer)
        if missing:
            self.warnings.append(f"{missing:,} passages named by cases are not in any source")
        self.s.flush()

    def _text(self, doc_id: int) -> str:
        from qualframe.storage.models import Document

        return self.s.scalar(select(Document.text).where(Document.id == doc_id)) or ""

    def _add_turn(self, guid: str, doc_id: int, text: str, start: int, end: int,
                  pid: int | None, label: str, interviewer: bool) -> None:  # fmt: skip
        label_end = None
        parsed = parse_turns(text[start:end])
        if parsed and parsed[0].start == 0 and parsed[0].label.casefold() == label.casefold():
            label_end = start + parsed[0].label_end
        turn = Turn(
            guid=guid, document_id=doc_id, participant_id=pid, start=start, end=end,
            label=label, label_end=label_end, is_interviewer=interviewer,
        )  # fmt: skip
        self.s.add(turn)
        self.s.flush()
        self._turns[doc_id].append((start, end, turn.id))

    def turns_of(self, doc_id: int) -> TurnIndex:
        return TurnIndex(self._turns.get(doc_id, []))
