"""The hierarchical codebook: themes → categories → codes, as the coding manual.

Functions taking a ``Session`` are the building blocks the undoable commands in
``coding.commands`` compose; functions taking a ``Project`` are read-only queries.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qualframe.coding import audit
from qualframe.coding.errors import NotFoundError, UserError
from qualframe.coding.project import Project
from qualframe.coding.records import CodeRecord
from qualframe.coding.snapshot import Snapshot, snapshot_codes, subtree_ids
from qualframe.coding.tallies import CodeTallies
from qualframe.resources import TEMPLATES
from qualframe.storage.models import Code, Segment

PATH_SEPARATOR = "/"
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")

#: Soft colours that keep black text readable; new codes cycle through them.
PALETTE = (
    "#FFD54F", "#81C784", "#64B5F6", "#F48FB1", "#FFB74D", "#BA68C8", "#4DD0E1", "#AED581",
    "#E57373", "#9FA8DA", "#A1887F", "#F06292", "#4DB6AC", "#DCE775", "#90A4AE", "#FF8A65",
)  # fmt: skip

SegmentPolicy = Literal["delete", "parent"]


# -- reading ------------------------------------------------------------------------------
def load_tree(session: Session) -> list[CodeRecord]:
    """All codes, depth-first in sibling order, each with its full path."""
    rows = session.execute(
        select(
            Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.definition,
            Code.inclusion, Code.exclusion, Code.example, Code.position,
        )
    ).all()  # fmt: skip
    children: dict[int | None, list[Any]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    for kids in children.values():
        kids.sort(key=lambda r: (r.position, r.name.casefold(), r.id))
    out: list[CodeRecord] = []

    def walk(parent_id: int | None, parent_guid: str | None, path: tuple[str, ...]) -> None:
        for r in children.get(parent_id, []):
            p = (*path, r.name)
            out.append(
                CodeRecord(
                    id=r.id, guid=r.guid, parent_guid=parent_guid, name=r.name, color=r.color,
                    definition=r.definition, inclusion=r.inclusion, exclusion=r.exclusion,
                    example=r.example, position=r.position, path=p, depth=len(p) - 1,
                )
            )  # fmt: skip
            walk(r.id, r.guid, p)

    walk(None, None, ())
    return out


def code_tree(project: Project) -> list[CodeRecord]:
    with project.read() as s:
        return load_tree(s)


def split_path(path: str) -> list[str]:
    parts = [p.strip() for p in path.split(PATH_SEPARATOR)]
    if not path.strip() or any(not p for p in parts):
        raise UserError(f'"{path}" is not a code path (use Theme/Category/Code).')
    return parts


def find_code(project: Project, path: str) -> CodeRecord | None:
    wanted = tuple(p.casefold() for p in split_path(path))
    for rec in code_tree(project):
        if tuple(p.casefold() for p in rec.path) == wanted:
            return rec
    return None


def get_code(session: Session, guid: str) -> Code:
    code = session.scalar(select(Code).where(Code.guid == guid))
    if code is None:
        raise NotFoundError("That code no longer exists.")
    return code


def descendant_guids(project: Project, guid: str) -> list[str]:
    """``guid`` and the GUIDs of all codes below it."""
    with project.read() as s:
        code = get_code(s, guid)
        ids = subtree_ids(s, code.id)
        id_guid = dict(s.execute(select(Code.id, Code.guid).where(Code.id.in_(ids))).all())
        return [id_guid[i] for i in ids]


def code_counts(project: Project) -> dict[str, tuple[int, int]]:
    """Per code GUID: (segments, distinct participants), each including all descendants.

    Interviewer speech is counted in segments but not as a participant.
    """
    tallies = CodeTallies()
    with project.read() as s:
        tree = load_tree(s)
        tallies.load_in(s)
    return tallies.totals(tree)


def segment_count(project: Project, guid: str, include_descendants: bool = True) -> int:
    with project.read() as s:
        code = get_code(s, guid)
        ids = subtree_ids(s, code.id) if include_descendants else [code.id]
        return int(s.scalar(select(func.count()).where(Segment.code_id.in_(ids))) or 0)


# -- validation -----------------------------------------------------------------------------
def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError("A code needs a name.")
    if PATH_SEPARATOR in name:
        raise UserError(f'A code name cannot contain "{PATH_SEPARATOR}": "{name}".')
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


def check_color(color: str) -> str:
    if not COLOR_RE.match(color):
        raise UserError(f'"{color}" is not a colour; use the form #RRGGBB.')
    return color.upper()


def _next_color(session: Session) -> str:
    n = int(session.scalar(select(func.count()).select_from(Code)) or 0)
    return PALETTE[n % len(PALETTE)]


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
        stmt = select(Code).where(func.lower(Code.name) == part.lower())
        stmt = stmt.where(
            Code.parent_id.is_(None) if parent is None else Code.parent_id == parent.id
        )
        code = session.scalar(stmt)
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


DETAIL_FIELDS = ("definition", "inclusion", "exclusion", "example")


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
    audit.record(session, actor, "edit_code", "code", guid, fields=sorted(values))
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
    from qualframe.coding.snapshot import restore

    moves = [row for row in snap.codes if row.get("_move")]
    restore(
        session,
        Snapshot(
            [r for r in snap.codes if not r.get("_move")], snap.segments, snap.memos, snap.reviews
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
            update(Segment).where(Segment.code_id.in_(ids)).values(code_id=code.parent_id)
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


# -- templates ----------------------------------------------------------------------------------
def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES.glob("*.json"))


def read_template(name_or_path: str | Path) -> dict[str, Any]:
    path = Path(name_or_path)
    if not path.suffix:
        path = TEMPLATES / f"{name_or_path}.json"
    if not path.is_file():
        raise UserError(
            f'There is no codebook template "{name_or_path}" (known: {", ".join(template_names())}).'
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{path.name} is not a readable codebook template ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise UserError(f'{path.name} is not a codebook template (it has no "codes" list).')
    return data


def load_template_in(session: Session, actor: str, template: dict[str, Any]) -> list[str]:
    """Add the template's codes; a code that already exists at the same place is kept (and
    its sub-codes merged). Returns the GUIDs of the codes created whose parent was not."""
    roots: list[str] = []

    def add(nodes: list[dict[str, Any]], parent: str | None, parent_created: bool = False) -> None:
        parent_id = get_code(session, parent).id if parent else None
        for node in nodes:
            name = _check_name(str(node["name"]))
            stmt = select(Code).where(func.lower(Code.name) == name.lower())
            stmt = stmt.where(
                Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
            )
            existing = session.scalar(stmt)
            if existing is not None:
                add(node.get("children", []), existing.guid)
                continue
            code = add_code_in(
                session, actor, str(node["name"]), parent,
                color=node.get("color"),
                definition=node.get("definition", ""), inclusion=node.get("inclusion", ""),
                exclusion=node.get("exclusion", ""), example=node.get("example", ""),
            )  # fmt: skip
            if not parent_created:
                roots.append(code.guid)
            add(node.get("children", []), code.guid, True)

    add(template["codes"], None)
    return roots
