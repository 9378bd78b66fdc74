"""Changing the codebook inside the caller's transaction: add, rename, recolour, edit the
definition and criteria, move, merge and delete codes. The undoable commands in
``qualframe.coding.commands.codebook_commands`` compose these building blocks."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import (
    DETAIL_FIELDS,
    check_color,
    get_code,
    split_path,
    subtree_ids,
)
from qualframe.coding.core import audit
from qualframe.coding.core.codepaths import path_key
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.core.snapshot import Snapshot, snapshot_codes
from qualframe.storage.models import Code, Segment
from qualframe.storage.versions import versioned_update

SegmentPolicy = Literal["delete", "parent"]


# -- validation -----------------------------------------------------------------------------
def _check_name(name: str) -> str:
    """A typed name, its runs of white space made one space and any other control or
    direction-changing character shown as an escape (``core.printable``: a name is shown on
    terminals and written into Word files). A "/" is allowed: code paths escape it
    (``core.codepaths``)."""
    name = printable(" ".join(name.split()))
    if not name:
        raise UserError("A code needs a name.")
    if len(name) > 400:
        raise UserError("A code name can be at most 400 characters long.")
    return name


def _check_sibling(session: Session, parent_id: int | None, name: str, exclude: int | None) -> None:
    stmt = select(Code.id).where(func.lower(Code.name) == name.lower())
    stmt = stmt.where(
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    )
    if exclude is not None:
        stmt = stmt.where(Code.id != exclude)
    if session.scalar(stmt) is not None:
        raise UserError(f'There is already a code "{name}" at that level.')


def _next_color(session: Session) -> str:
    """The colour most distinct from those of the codes already there (``colours``)."""
    from qualframe.coding.codebook.colours import most_distinct

    return most_distinct(str(c) for c in session.scalars(select(Code.color)))


def _next_position(session: Session, parent_id: int | None) -> int:
    stmt = select(func.max(Code.position))
    stmt = stmt.where(
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    )
    current = session.scalar(stmt)
    return 0 if current is None else int(current) + 1


# -- building blocks (one session, no commit) --------------------------------------------------
def add_code_in(
    session: Session,
    actor: str,
    name: str,
    parent_guid: str | None = None,
    *,
    color: str | None = None,
    guid: str | None = None,
    position: int | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
) -> Code:
    name = _check_name(name)
    parent_id = get_code(session, parent_guid).id if parent_guid else None
    _check_sibling(session, parent_id, name, None)
    code = Code(
        name=name,
        parent_id=parent_id,
        color=check_color(color) if color else _next_color(session),
        position=_next_position(session, parent_id) if position is None else position,
        definition=definition,
        inclusion=inclusion,
        exclusion=exclusion,
        example=example,
    )
    if guid:
        code.guid = guid
    session.add(code)
    session.flush()
    audit.record(session, actor, "add_code", "code", code.guid, name=name, parent=parent_guid)
    return code


def ensure_path_in(
    session: Session, actor: str, path: str, *, create: bool
) -> tuple[Code, list[str]]:
    """The code at ``path``; with ``create`` the missing levels are added. Returns the code
    and the GUIDs of codes created."""
    parent: Code | None = None
    created: list[str] = []
    for part in split_path(path):
        stmt = select(Code).where(
            Code.parent_id.is_(None) if parent is None else Code.parent_id == parent.id
        )
        # compared like find_code: case and runs of spaces do not matter
        wanted = path_key([part])
        code = next((c for c in session.scalars(stmt) if path_key([c.name]) == wanted), None)
        if code is None:
            if not create:
                raise NotFoundError(f'There is no code "{path}" (add --create to make it).')
            code = add_code_in(session, actor, part, parent.guid if parent else None)
            created.append(code.guid)
        parent = code
    assert parent is not None
    return parent, created


def rename_in(session: Session, actor: str, guid: str, name: str) -> str:
    code = get_code(session, guid)
    name = _check_name(name)
    _check_sibling(session, code.parent_id, name, code.id)
    old = code.name
    code.name = name
    audit.record(session, actor, "rename_code", "code", guid, old=old, new=name)
    return old


def recolour_in(session: Session, actor: str, guid: str, color: str) -> str:
    code = get_code(session, guid)
    old = code.color
    code.color = check_color(color)
    audit.record(session, actor, "recolour_code", "code", guid, old=old, new=code.color)
    return old


def update_details_in(
    session: Session, actor: str, guid: str, values: dict[str, str]
) -> dict[str, str]:
    code = get_code(session, guid)
    old: dict[str, str] = {}
    for key, value in values.items():
        if key not in DETAIL_FIELDS:
            raise UserError(f"{key} is not a field of a code.")
        old[key] = getattr(code, key)
        setattr(code, key, value)
    audit.record(
        session, actor, "edit_code", "code", guid, fields=sorted(values), name=code.name,
        old={k: old[k] for k in sorted(old)}, new={k: values[k] for k in sorted(values)},
    )  # fmt: skip
    return old


def move_in(
    session: Session, actor: str, guid: str, parent_guid: str | None, position: int | None = None
) -> tuple[str | None, int]:
    """Move a code under ``parent_guid`` (None: top level) at ``position`` among its new
    siblings. Returns the old (parent guid, position)."""
    code = get_code(session, guid)
    old_parent_guid = (
        session.scalar(select(Code.guid).where(Code.id == code.parent_id))
        if code.parent_id
        else None
    )
    old_position = code.position
    new_parent_id = get_code(session, parent_guid).id if parent_guid else None
    if new_parent_id is not None and new_parent_id in subtree_ids(session, code.id):
        raise UserError(f'"{code.name}" cannot be moved into itself or one of its sub-codes.')
    _check_sibling(session, new_parent_id, code.name, code.id)
    stmt = select(Code).where(Code.id != code.id)
    stmt = stmt.where(
        Code.parent_id.is_(None) if new_parent_id is None else Code.parent_id == new_parent_id
    )
    siblings = sorted(session.scalars(stmt), key=lambda c: (c.position, c.name.casefold(), c.id))
    pos = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(pos, code)
    for i, sib in enumerate(siblings):
        sib.position = i
    code.parent_id = new_parent_id
    audit.record(session, actor, "move_code", "code", guid, parent=parent_guid, position=pos)
    return old_parent_guid, old_position


def merge_in(session: Session, actor: str, source_guid: str, target_guid: str) -> Snapshot:
    """Merge ``source`` into ``target``: its segments and sub-codes move to the target, and
    the source code is deleted. Returns a snapshot from which ``restore`` undoes it."""
    source = get_code(session, source_guid)
    target = get_code(session, target_guid)
    if source.id == target.id:
        raise UserError("A code cannot be merged into itself.")
    if target.id in subtree_ids(session, source.id):
        raise UserError(f'"{source.name}" cannot be merged into one of its own sub-codes.')
    snap = snapshot_codes(session, [source.id])
    children = list(session.scalars(select(Code).where(Code.parent_id == source.id)))
    snap.codes.extend(
        {"guid": c.guid, "parent_guid": source.guid, "position": c.position, "_move": True}
        for c in children
    )
    pos = _next_position(session, target.id)
    for i, child in enumerate(sorted(children, key=lambda c: c.position)):
        _check_sibling(session, target.id, child.name, child.id)
        child.parent_id = target.id
        child.position = pos + i
    # Identical segments already coded with the target by the same coder are dropped.
    existing = set(
        session.execute(
            select(Segment.document_id, Segment.start, Segment.end, Segment.coder_id).where(
                Segment.code_id == target.id
            )
        ).all()
    )
    for seg in session.scalars(select(Segment).where(Segment.code_id == source.id)):
        if (seg.document_id, seg.start, seg.end, seg.coder_id) in existing:
            session.delete(seg)
        else:
            seg.code_id = target.id
    session.flush()
    audit.record(
        session, actor, "merge_code", "code", source_guid, into=target_guid, name=source.name
    )
    session.delete(source)
    session.flush()
    return snap


def unmerge_in(session: Session, actor: str, snap: Snapshot) -> None:
    from qualframe.coding.core.snapshot import restore

    moves = [row for row in snap.codes if row.get("_move")]
    restore(
        session,
        Snapshot(
            [r for r in snap.codes if not r.get("_move")],
            snap.segments,
            snap.memos,
            snap.reviews,
            resolutions=snap.resolutions,
            code_reviews=snap.code_reviews,
        ),
    )
    for row in moves:
        code = get_code(session, row["guid"])
        code.parent_id = get_code(session, row["parent_guid"]).id
        code.position = row["position"]
    audit.record(session, actor, "undo_merge_code", "code", snap.codes[0]["guid"])


def delete_in(
    session: Session, actor: str, guid: str, segments: SegmentPolicy = "delete"
) -> Snapshot:
    """Delete a code and its sub-codes. ``segments``: "delete" removes their coded segments,
    "parent" re-codes them with the parent code (top-level codes can only delete)."""
    code = get_code(session, guid)
    ids = subtree_ids(session, code.id)
    snap = snapshot_codes(session, ids)
    if segments == "parent":
        if code.parent_id is None:
            raise UserError(
                f'"{code.name}" is at the top level; its segments have no parent code to go to.'
            )
        session.execute(
            versioned_update(Segment).where(Segment.code_id.in_(ids)).values(code_id=code.parent_id)
        )
    elif segments != "delete":
        raise UserError(f'Unknown choice for the segments: "{segments}".')
    else:
        for seg in session.scalars(select(Segment).where(Segment.code_id.in_(ids))):
            session.delete(seg)
    session.flush()
    session.delete(code)
    session.flush()
    audit.record(
        session, actor, "delete_code", "code", guid, name=code.name, segments=segments,
        codes=len(ids), segment_count=len(snap.segments),
    )  # fmt: skip
    return snap
