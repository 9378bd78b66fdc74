"""Reading the hierarchical codebook (themes → categories → codes): the tree, paths,
lookups and per-code counts. Read-only queries take a ``Project``; helpers take a ``Session``."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tallies import CodeTallies
from qualframe.coding.core.codepaths import PATH_SEPARATOR, join_path, path_key, split_levels
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.core.rows import row_by_guid
from qualframe.storage.models import Code, Coder, Segment

__all__ = ["PATH_SEPARATOR", "join_path", "split_path"]

COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


#: Soft colours that keep black text readable; new codes cycle through them.
PALETTE = (
    "#FFD54F", "#81C784", "#64B5F6", "#F48FB1", "#FFB74D", "#BA68C8", "#4DD0E1", "#AED581",
    "#E57373", "#9FA8DA", "#A1887F", "#F06292", "#4DB6AC", "#DCE775", "#90A4AE", "#FF8A65",
)  # fmt: skip


def subtree_ids(session: Session, root_id: int) -> list[int]:
    """Ids of ``root_id`` and all its descendants, parents before children."""
    rows = session.execute(select(Code.id, Code.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for cid, pid in rows:
        children.setdefault(pid, []).append(cid)
    out: list[int] = []
    stack = [root_id]
    while stack:
        cid = stack.pop(0)
        out.append(cid)
        stack.extend(children.get(cid, []))
    return out


# -- reading ------------------------------------------------------------------------------
def load_tree(session: Session) -> list[CodeRecord]:
    """All codes, depth-first in sibling order, each with its full path."""
    rows = session.execute(
        select(
            Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.definition,
            Code.inclusion, Code.exclusion, Code.example, Code.position, Code.version,
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
                    version=r.version,
                )
            )  # fmt: skip
            walk(r.id, r.guid, p)

    walk(None, None, ())
    return out


def code_tree(project: Project) -> list[CodeRecord]:
    with project.read() as s:
        return load_tree(s)


def split_path(path: str) -> list[str]:
    """The names of a typed code path (``\\/`` is a "/" inside a name; see
    ``core.codepaths``), each stripped of surrounding spaces."""
    parts = [p.strip() for p in split_levels(path)]
    if not path.strip() or any(not p for p in parts):
        raise UserError(
            f'"{path}" is not a code path (use Theme/Category/Code; write \\/ for a "/" '
            "inside a name)."
        )
    return parts


def find_code(project: Project, path: str) -> CodeRecord | None:
    """The code at ``path`` (case and runs of spaces do not matter), or None."""
    wanted = path_key(split_path(path))
    for rec in code_tree(project):
        if path_key(rec.path) == wanted:
            return rec
    return None


def get_code(session: Session, guid: str) -> Code:
    return row_by_guid(session, Code, guid, "code")


def descendant_guids(project: Project, guid: str) -> list[str]:
    """``guid`` and the GUIDs of all codes below it."""
    with project.read() as s:
        code = get_code(s, guid)
        ids = subtree_ids(s, code.id)
        id_guid = dict(s.execute(select(Code.id, Code.guid).where(Code.id.in_(ids))).all())
        return [id_guid[i] for i in ids]


def code_counts(
    project: Project, coders: Collection[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Per code GUID: (segments, distinct participants), each including all descendants;
    only ``coders``' segments when given.

    Interviewer speech is counted in segments but not as a participant.
    """
    tallies = CodeTallies()
    tallies.coders = frozenset(coders) if coders is not None else None
    with project.read() as s:
        tree = load_tree(s)
        tallies.load_in(s)
    return tallies.totals(tree)


def segment_count(
    project: Project,
    guid: str,
    include_descendants: bool = True,
    coders: Collection[str] | None = None,
) -> int:
    """Segments coded with the code (and its descendants); only ``coders``' when given."""
    with project.read() as s:
        code = get_code(s, guid)
        ids = subtree_ids(s, code.id) if include_descendants else [code.id]
        stmt = select(func.count()).where(Segment.code_id.in_(ids))
        if coders is not None:
            stmt = stmt.where(
                Segment.coder_id.in_(select(Coder.id).where(Coder.name.in_(list(coders))))
            )
        return int(s.scalar(stmt) or 0)


def check_color(color: str) -> str:
    if not COLOR_RE.match(color):
        raise UserError(f'"{color}" is not a colour; use the form #RRGGBB.')
    return color.upper()


DETAIL_FIELDS = ("definition", "inclusion", "exclusion", "example")
