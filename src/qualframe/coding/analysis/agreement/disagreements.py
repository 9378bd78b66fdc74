"""Where coders differ, and resolving each place into a consensus.

A *place* is a group of overlapping segments of one code in one document, across the
compared coders (segments that share a character, directly or through another, are one
place). A place is a disagreement when a compared coder has no segment there ("applied by
one, not by the other"), or when the coders' spans there (first start, last end) differ by
more than ``min_diff`` characters at either end. Only documents every compared coder coded
count, as for the agreement figures.

Resolving a place is an undoable command: the coder named ``consensus`` receives copies of
the accepted coders' segments there (accept A, accept B, accept both), nothing (neither), or
one new agreed segment; the decision is recorded (table ``resolutions``) and shown again on
the place. :class:`SeedConsensus` copies the places where the coders agree, so that the
consensus can be compared with each coder like any other coder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.agreement.loading import check_coders
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.segments import apply_in
from qualframe.storage.models import Code, Coder, Document, Resolution, Segment

CONSENSUS = "consensus"


@dataclass(frozen=True)
class Coding:
    guid: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Place:
    id: str  # short, stable: the same place keeps it while its segments do not change
    key: str
    kind: str  # "missing" (a coder did not apply the code here) | "boundaries" | "agreed"
    document_guid: str
    document: str
    code_guid: str
    code: str  # full path
    start: int  # the place's span (all coders)
    end: int
    codings: dict[str, tuple[Coding, ...]]  # coder → their segments here (maybe none)
    resolution: str | None = None  # "accept: A, B" | "neither" | "new 12-40"
    consensus: tuple[str, ...] = field(default_factory=tuple)

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


def _clusters(segs: list[tuple[str, str, int, int]]) -> list[list[tuple[str, str, int, int]]]:
    """Groups of overlapping (coder, guid, start, end), in start order."""
    out: list[list[tuple[str, str, int, int]]] = []
    reach = -1
    for seg in sorted(segs, key=lambda x: (x[2], x[3])):
        if out and seg[2] < reach:
            out[-1].append(seg)
            reach = max(reach, seg[3])
        else:
            out.append([seg])
            reach = seg[3]
    return out


def _span_differs(codings: dict[str, tuple[Coding, ...]], min_diff: int) -> bool:
    spans = [(min(c.start for c in cs), max(c.end for c in cs)) for cs in codings.values()]
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    return max(starts) - min(starts) > min_diff or max(ends) - min(ends) > min_diff


def find_places(
    project: Project,
    coders: Sequence[str],
    *,
    min_diff: int = 0,
    code_guid: str | None = None,
    include_agreed: bool = False,
) -> list[Place]:
    """The places where ``coders`` differ (and, with ``include_agreed``, where they agree),
    grouped by code in codebook order, then by document and position."""
    if min_diff < 0:
        raise UserError("The boundary tolerance must be 0 characters or more.")
    with project.read() as s:
        names = check_coders(coders, list(s.scalars(select(Coder.name))))
        ids = dict(s.execute(select(Coder.id, Coder.name).where(Coder.name.in_(names))).all())
        stmt = select(Segment.guid, Segment.document_id, Segment.code_id, Segment.coder_id,
                      Segment.start, Segment.end).where(Segment.coder_id.in_(list(ids)))  # fmt: skip
        if code_guid is not None:
            stmt = stmt.join(Code, Code.id == Segment.code_id).where(Code.guid == code_guid)
        rows = s.execute(stmt).all()
        by_doc: dict[int, set[int]] = {}
        for r in rows:
            by_doc.setdefault(r.document_id, set()).add(r.coder_id)
        counted = [d for d, who in by_doc.items() if len(who) == len(ids)]
        docs = {
            d.id: d
            for d in s.execute(
                select(Document.id, Document.guid, Document.name, Document.text,
                       Document.position).where(Document.id.in_(counted))
            )
        }  # fmt: skip
        tree = load_tree(s)
        resolutions = {
            r.key: r for r in s.scalars(select(Resolution)) if list(r.coders) == list(names)
        }
        records = {c.id: c for c in tree}
        order = {c.id: i for i, c in enumerate(tree)}
        groups: dict[tuple[int, int], list[tuple[str, str, int, int]]] = {}
        for r in rows:
            if r.document_id in docs:
                groups.setdefault((r.code_id, r.document_id), []).append(
                    (ids[r.coder_id], r.guid, r.start, r.end)
                )
        places: list[Place] = []
        for code_id, doc_id in sorted(groups, key=lambda k: (order[k[0]], docs[k[1]].position)):
            doc, code = docs[doc_id], records[code_id]
            for cluster in _clusters(groups[(code_id, doc_id)]):
                place = _place(doc, code.guid, code.path_text, names, cluster, min_diff)
                if place.kind == "agreed" and not include_agreed:
                    continue
                res = resolutions.get(place.key)
                if res is not None:
                    place = _with_resolution(place, res)
                places.append(place)
    return places


def _place(doc: Any, code_guid: str, code_path: str, names: tuple[str, ...],
           cluster: list[tuple[str, str, int, int]], min_diff: int) -> Place:  # fmt: skip
    text: str = doc.text
    codings = {
        n: tuple(Coding(g, a, b, text[a:b]) for c, g, a, b in cluster if c == n) for n in names
    }
    start, end = min(x[2] for x in cluster), max(x[3] for x in cluster)
    if any(not cs for cs in codings.values()):
        kind = "missing"
    elif _span_differs(codings, min_diff):
        kind = "boundaries"
    else:
        kind = "agreed"
    key = f"{doc.guid}:{code_guid}:{start}:{end}"
    digest = hashlib.sha1(f"{key}|{'|'.join(names)}".encode()).hexdigest()[:8]
    return Place(digest, key, kind, doc.guid, doc.name, code_guid, code_path, start, end,
                 codings)  # fmt: skip


def _with_resolution(place: Place, res: Resolution) -> Place:
    if res.decision == "accept":
        text = "accept: " + ", ".join(res.accepted)
    elif res.decision == "new":
        text = f"new agreed segment {res.start}-{res.end}"
    else:
        text = "neither"
    return Place(**{**place.__dict__, "resolution": text, "consensus": tuple(res.segments)})


def find_place(project: Project, coders: Sequence[str], place_id: str, min_diff: int = 0) -> Place:
    for place in find_places(project, coders, min_diff=min_diff, include_agreed=True):
        if place.id == place_id:
            return place
    raise NotFoundError(f'There is no place "{place_id}" where these coders differ.')


def _consensus_copy(s: Session, project: Project, doc: Document, code: Code,
                    ranges: list[tuple[int, int]], guids: list[str] | None) -> list[str]:  # fmt: skip
    """Segments of the consensus coder over ``ranges`` (an identical one is reused)."""
    coder_id = project.coder_id(s, CONSENSUS)
    made: list[str] = []
    for i, (a, b) in enumerate(dict.fromkeys(ranges)):
        same = s.scalar(select(Segment.guid).where(
            Segment.document_id == doc.id, Segment.code_id == code.id,
            Segment.coder_id == coder_id, Segment.start == a, Segment.end == b))  # fmt: skip
        if same is None:
            guid = guids[i] if guids and i < len(guids) else None
            seg = apply_in(s, project.coder, coder_id, doc, a, b, code, guid=guid, coder=CONSENSUS)
            made.append(seg.guid)
    return made


@dataclass
class ResolvePlace(Command):
    """Resolve one place: ``decision`` is "accept" (with ``accepted`` coders), "neither" or
    "new" (with ``start``/``end``)."""

    place: Place
    decision: str
    accepted: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    made: list[str] = field(default_factory=list)
    guid: str | None = None

    def __post_init__(self) -> None:
        what = {"accept": "accept " + " + ".join(self.accepted), "neither": "neither",
                "new": "new agreed segment"}.get(self.decision, self.decision)  # fmt: skip
        self.text = f"Resolve disagreement ({what})"

    def do(self, project: Project) -> Change:
        p = self.place
        if self.decision not in ("accept", "neither", "new"):
            raise UserError(f'"{self.decision}" is not a decision; use accept, neither or new.')
        if self.decision == "accept" and not set(self.accepted) <= set(p.codings):
            raise UserError("Accept the codings of the coders compared at this place.")
        if self.decision == "accept" and not any(p.codings[c] for c in self.accepted):
            raise UserError("The accepted coders have no coding here; choose 'neither' instead.")
        if self.decision == "new" and (self.start is None or self.end is None):
            raise UserError("A new agreed segment needs its start and end.")
        with project.write() as s:
            earlier = s.scalars(select(Resolution).where(Resolution.key == p.key))
            if any(list(r.coders) == list(p.codings) for r in earlier):
                raise UserError("This place is already resolved; undo that first to change it.")
            doc = s.scalar(select(Document).where(Document.guid == p.document_guid))
            code = s.scalar(select(Code).where(Code.guid == p.code_guid))
            if doc is None or code is None:
                raise NotFoundError("The document or code of this place no longer exists.")
            if self.decision == "accept":
                ranges = [(c.start, c.end) for n in self.accepted for c in p.codings[n]]
            elif self.decision == "new":
                assert self.start is not None and self.end is not None
                ranges = [(self.start, self.end)]
            else:
                ranges = []
            self.made = _consensus_copy(s, project, doc, code, ranges, self.made or None)
            res = Resolution(
                key=p.key, document_id=doc.id, code_id=code.id,
                start=self.start if self.decision == "new" else p.start,
                end=self.end if self.decision == "new" else p.end,
                coders=list(p.codings), decision=self.decision, accepted=list(self.accepted),
                segments=list(self.made), resolved_by_id=project.coder_id(s),
            )  # fmt: skip
            if self.guid:
                res.guid = self.guid
            s.add(res)
            s.flush()
            self.guid = res.guid
            audit.record(s, project.coder, "resolve_disagreement", "resolution", res.guid,
                         key=p.key, decision=self.decision, accepted=list(self.accepted),
                         coders=list(p.codings), code=code.guid, document=doc.guid,
                         start=res.start, end=res.end)  # fmt: skip
        return self._change(added=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            s.execute(delete(Resolution).where(Resolution.guid == self.guid))
            if self.made:
                s.execute(delete(Segment).where(Segment.guid.in_(self.made)))
            audit.record(s, project.coder, "unresolve_disagreement", "resolution", self.guid,
                         undo=True)  # fmt: skip
        return self._change(added=False)

    def _change(self, *, added: bool) -> Change:
        made = frozenset(self.made)
        return Change(
            "resolve_disagreement", codes=frozenset({self.place.code_guid}),
            segments_added=made if added else frozenset(),
            segments_removed=frozenset() if added else made,
            documents=frozenset({self.place.document_guid}),
        )  # fmt: skip


@dataclass
class SeedConsensus(Command):
    """Copy the places where ``coders`` agree (within ``min_diff``) to the consensus coder:
    the first coder's segments there."""

    coders: tuple[str, ...]
    min_diff: int = 0
    made: list[str] = field(default_factory=list)
    _planned: list[tuple[str, str, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = "Copy agreed codings to the consensus"

    def do(self, project: Project) -> Change:
        if not self._planned:
            places = find_places(project, self.coders, min_diff=self.min_diff, include_agreed=True)
            first = next(iter(places[0].codings)) if places else ""
            self._planned = [
                (p.document_guid, p.code_guid, c.start, c.end)
                for p in places if p.kind == "agreed" for c in p.codings[first]
            ]  # fmt: skip
        earlier = list(self.made)
        made: list[str] = []
        with project.write() as s:
            docs = dict(s.execute(select(Document.guid, Document.id)).all())
            for dg, cg, a, b in self._planned:
                doc = s.get(Document, docs[dg])
                code = s.scalar(select(Code).where(Code.guid == cg))
                if doc is None or code is None:
                    continue
                guid = [earlier[len(made)]] if len(made) < len(earlier) else None
                made += _consensus_copy(s, project, doc, code, [(a, b)], guid)
            audit.record(s, project.coder, "seed_consensus", "segment", None, count=len(made))
        self.made = made
        return Change("seed_consensus", segments_added=frozenset(made),
                      documents=frozenset(d for d, _, _, _ in self._planned))  # fmt: skip

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            for i in range(0, len(self.made), 500):
                s.execute(delete(Segment).where(Segment.guid.in_(self.made[i : i + 500])))
            audit.record(s, project.coder, "unseed_consensus", "segment", None, undo=True)
        return Change("seed_consensus", segments_removed=frozenset(self.made),
                      documents=frozenset(d for d, _, _, _ in self._planned))  # fmt: skip
