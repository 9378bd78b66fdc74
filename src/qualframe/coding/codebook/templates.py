"""Codebook templates (``resources/templates/*.json``): listing, reading and loading one
into a project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.edits import _check_name, add_code_in
from qualframe.coding.codebook.tree import get_code
from qualframe.coding.core.errors import UserError
from qualframe.resources import TEMPLATES
from qualframe.storage.models import Code


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
