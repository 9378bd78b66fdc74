"""app/ talks to the database only through coding/: no module under app/ imports the ORM
models or SQLAlchemy, at the top or inside a function (it may import ``storage.errors`` for
exception types and ``storage.database`` for constants)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("sqlalchemy", "qualframe.storage.models")


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """``line: module`` for every import of a forbidden module anywhere in ``source``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        modules: list[str] = []
        if not isinstance(node, ast.stmt | ast.expr):
            continue
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from qualframe.storage import models` names the module in the imported names
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            modules = modules[:1] if _forbidden(node.module) else modules[1:]
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules = [node.args[0].value]
        found.extend(f"{node.lineno}: {m}" for m in modules if _forbidden(m))
    return found


def test_app_does_not_import_the_orm_or_sqlalchemy() -> None:
    files = sorted((ROOT / "src" / "qualframe" / "app").rglob("*.py"))
    assert len(files) > 20  # the GUI and the CLI are really there
    offenders = {
        str(py.relative_to(ROOT)): hits
        for py in files
        if (hits := forbidden_imports(py.read_text(encoding="utf-8"), str(py)))
    }
    assert offenders == {}


def test_the_check_sees_every_form_of_import() -> None:
    source = """
import sqlalchemy  # bad
import sqlalchemy.orm as orm  # bad
from sqlalchemy import select  # bad
from qualframe.storage import models  # bad
from qualframe.storage.models import Segment  # bad
import importlib, os, qualframe.storage.models  # bad

def later():
    from sqlalchemy import func  # bad
    return importlib.import_module("sqlalchemy.sql")  # bad

class Lazy:
    def method(self):
        from qualframe.storage.models import Code  # bad
        return __import__("qualframe.storage.models")  # bad

from qualframe.storage.errors import ProjectError
from qualframe.storage.database import Database

import sqlalchemy_utils
from .models import x
"""
    flagged = {int(h.split(":", 1)[0]) for h in forbidden_imports(source)}
    lines = source.splitlines()
    bad = {n for n, line in enumerate(lines, start=1) if line.endswith("# bad")}
    assert len(bad) == 10 and flagged == bad
