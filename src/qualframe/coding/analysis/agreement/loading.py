"""Reading a project into the plain arrays the agreement statistics take (``units.Codings``).

Only documents coded by every compared coder count (a coder "coded" a document when it holds
at least one of their segments); the others are returned with the coders who did code them,
so that every table can say what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.agreement.units import MAX_CODERS, Codings, IntArray
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.storage.models import Coder, Document, Segment, Turn


@dataclass(frozen=True)
class LeftOut:
    document: str
    coded_by: tuple[str, ...]  # which of the compared coders coded it (maybe none)


@dataclass(frozen=True)
class AgreementData:
    coders: tuple[str, ...]
    codings: Codings
    documents: tuple[tuple[str, str], ...]  # counted: (guid, name), index = document index
    left_out: tuple[LeftOut, ...]
    codes: tuple[CodeRecord, ...]  # code index → record (codes some compared coder applied)
    codebook_size: int


def check_coders(names: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    """The coders to compare, each once, as the project spells them; a user sentence when
    one is unknown or fewer than two are named."""
    by_fold = {k.casefold(): k for k in known}
    out: list[str] = []
    for name in names:
        real = next((k for k in known if k == name.strip()), None) or by_fold.get(
            name.strip().casefold()
        )
        if real is None:
            listing = ", ".join(sorted(known, key=str.casefold)) or "none"
            raise UserError(f'There is no coder "{name}" in this project (coders: {listing}).')
        if real not in out:
            out.append(real)
    if len(out) < 2:
        raise UserError("Name at least two different coders to compare.")
    if len(out) > MAX_CODERS:
        raise UserError(f"At most {MAX_CODERS} coders can be compared at once.")
    return tuple(out)


def load_codings(project: Project, coders: Sequence[str]) -> AgreementData:
    """The compared coders' segments in the documents all of them coded, as index arrays."""
    with project.read() as s:
        known = dict(s.execute(select(Coder.name, Coder.id)).all())
        names = check_coders(coders, list(known))
        ids = [int(known[n]) for n in names]
        coder_index = {cid: i for i, cid in enumerate(ids)}
        docs = s.execute(
            select(Document.id, Document.guid, Document.name, Document.length).order_by(
                Document.position, Document.id
            )
        ).all()
        who = s.execute(
            select(Segment.document_id, Segment.coder_id)
            .where(Segment.coder_id.in_(ids))
            .distinct()
        ).all()
        coded_by: dict[int, set[int]] = {}
        for doc_id, coder_id in who:
            coded_by.setdefault(int(doc_id), set()).add(int(coder_id))
        counted = [d for d in docs if len(coded_by.get(d.id, ())) == len(ids)]
        left = tuple(
            LeftOut(d.name, tuple(n for n, i in zip(names, ids, strict=True)
                                  if i in coded_by.get(d.id, ())))
            for d in docs if len(coded_by.get(d.id, ())) < len(ids)
        )  # fmt: skip
        if not counted:
            raise UserError(
                f"No document was coded by all of {', '.join(names)}; agreement needs documents "
                "that every compared coder coded."
            )
        doc_index = {d.id: i for i, d in enumerate(counted)}
        rows = _fetch(s,
            select(Segment.document_id, Segment.code_id, Segment.coder_id, Segment.start,
                   Segment.end)
            .where(Segment.coder_id.in_(ids), Segment.document_id.in_(list(doc_index)))
        )  # fmt: skip
        turns = _fetch(s,
            select(Turn.document_id, Turn.start, Turn.end)
            .where(Turn.document_id.in_(list(doc_index)))
            .order_by(Turn.document_id, Turn.start)
        )  # fmt: skip
        with_turns = {int(t[0]) for t in turns}
        cut_doc, cut_at = _paragraph_cuts(s, [d for d in doc_index if d not in with_turns])
        tree = load_tree(s)
    seg = np.array(rows, dtype=np.int64).reshape(-1, 5)
    used = sorted(set(seg[:, 1].tolist()))
    records = {r.id: r for r in tree}
    place = {r.id: i for i, r in enumerate(tree)}
    code_order = sorted(used, key=place.__getitem__)
    code_index = {cid: i for i, cid in enumerate(code_order)}
    tarr = np.array(turns, dtype=np.int64).reshape(-1, 3)
    codings = Codings(
        m=len(ids), n_codes=len(code_order),
        doc_length=np.array([d.length for d in counted], dtype=np.int64),
        seg_doc=_map(seg[:, 0], doc_index), seg_code=_map(seg[:, 1], code_index),
        seg_coder=_map(seg[:, 2], coder_index), seg_start=seg[:, 3], seg_end=seg[:, 4],
        turn_doc=_map(tarr[:, 0], doc_index), turn_start=tarr[:, 1], turn_end=tarr[:, 2],
        cut_doc=_map(np.array(cut_doc, dtype=np.int64), doc_index),
        cut_at=np.array(cut_at, dtype=np.int64),
    )  # fmt: skip
    return AgreementData(
        names, codings, tuple((d.guid, d.name) for d in counted), left,
        tuple(records[c] for c in code_order), len(tree),
    )  # fmt: skip


def _fetch(session: Session, stmt: Select[Any] | Any) -> list[tuple[int, ...]]:
    """Integer rows as plain tuples straight from the DB-API cursor (portable PEP 249).

    Going through SQLAlchemy's result rows cost about half of the whole computation on
    60,000 segments, and numpy probing row objects for an array interface cost seconds; the
    statement holds only integers, so it is rendered with its values inline.
    """
    con = session.connection()
    sql = str(stmt.compile(dialect=con.dialect, compile_kwargs={"literal_binds": True}))
    cursor = con.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _map(values: IntArray, index: dict[int, int]) -> IntArray:
    """Database ids → array indices (vectorised through a lookup table)."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    table = np.full(max(index) + 1, -1, dtype=np.int64)
    for key, i in index.items():
        table[key] = i
    mapped: IntArray = table[values]
    return mapped


def _paragraph_cuts(session: Session, doc_ids: list[int]) -> tuple[list[int], list[int]]:
    """(document id, offset) after every line break of texts that have no turns: the
    blocks the bootstrap resamples there."""
    docs: list[int] = []
    at: list[int] = []
    if not doc_ids:
        return docs, at
    for doc_id, text in session.execute(
        select(Document.id, Document.text).where(Document.id.in_(doc_ids))
    ):
        pos = text.find("\n")
        while pos >= 0:
            docs.append(int(doc_id))
            at.append(pos + 1)
            pos = text.find("\n", pos + 1)
    return docs, at
