"""Every bulk UPDATE of codes or segments raises the rows' versions (revision 0010), so an
edit made against a version another coder has since changed is refused, not applied over it.

``versioned_update`` is the one way to write such an UPDATE; the source scan below fails
when a module writes ``update(Segment)`` or ``update(Code)`` (or their tables) without it.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, select

import qualframe
from qualframe.coding.commands import AddCode
from qualframe.coding.core.project import Project
from qualframe.storage.models import Code
from qualframe.storage.versions import versioned_update

SRC = Path(qualframe.__file__).parent
VERSIONED = {"Code", "Segment"}


def _bare_updates(tree: ast.AST) -> list[int]:
    """Lines of ``update(X)`` calls whose target is a versioned model or its table."""
    lines = []
    for node in ast.walk(tree):  # ast.walk is breadth-first: sorted below
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "update"):
            continue
        if not node.args:
            continue
        target = node.args[0]
        if isinstance(target, ast.Name) and target.id in VERSIONED:
            lines.append(node.lineno)
        elif isinstance(target, ast.Attribute) and getattr(target.value, "id", "") in VERSIONED:
            lines.append(node.lineno)  # Segment.__table__
        elif isinstance(target, ast.Call) and any(  # cast(Table, Segment.__table__)
            isinstance(n, ast.Name) and n.id in VERSIONED for n in ast.walk(target)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_a_bare_update() -> None:
    source = "update(Segment).values(x=1)\nupdate(cast(Table, Code.__table__))\nupdate(Memo)\n"
    assert _bare_updates(ast.parse(source)) == [1, 2]


def test_no_module_updates_codes_or_segments_without_raising_their_version() -> None:
    found = {}
    for path in SRC.rglob("*.py"):
        if path.name == "versions.py" or "migrations" in path.parts:
            continue
        lines = _bare_updates(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(SRC))] = lines
    assert found == {}, "use storage.versions.versioned_update for these bulk UPDATEs"


def _versions(project: Project) -> dict[str, int]:
    with project.read() as s:
        return {c.name: c.version for c in s.scalars(select(Code))}


def test_versioned_update_raises_the_version_of_each_row_it_changes(project: Project) -> None:
    for name in ("Trust", "Time", "Money"):
        AddCode(name).do(project)
    before = _versions(project)
    with project.write() as s:
        s.execute(versioned_update(Code).where(Code.name != "Money").values(color="#123456"))
    after = _versions(project)
    assert after == {
        "Trust": before["Trust"] + 1,
        "Time": before["Time"] + 1,
        "Money": before["Money"],
    }


def test_versioned_update_of_the_table_by_rows_raises_each_version(project: Project) -> None:
    for name in ("Trust", "Time"):
        AddCode(name).do(project)
    before = _versions(project)
    table = cast(Table, Code.__table__)
    with project.write() as s:
        ids = dict(s.execute(select(Code.name, Code.id)).all())
        s.execute(
            versioned_update(table).where(table.c.id == bindparam("row_id")),
            [
                {"row_id": ids["Trust"], "definition": "a"},
                {"row_id": ids["Time"], "definition": "b"},
            ],
        )
    after = _versions(project)
    assert after == {"Trust": before["Trust"] + 1, "Time": before["Time"] + 1}
    with project.read() as s:
        assert dict(s.execute(select(Code.name, Code.definition)).all()) == {
            "Trust": "a",
            "Time": "b",
        }
