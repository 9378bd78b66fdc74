"""coding/ and storage/ must import and run without Qt (napari-style boundary check)."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, pkgutil, sys
sys.modules["PySide6"] = None  # any import of PySide6 now fails
import qualframe.coding as coding, qualframe.storage as storage
names = []
for pkg in (coding, storage):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if ".migrations" in info.name:
            continue
        importlib.import_module(info.name)
        names.append(info.name)
assert not any(m == "PySide6" or m.startswith("PySide6.") for m in sys.modules if sys.modules[m]), "Qt leaked"
print(len(names))
"""


def test_coding_and_storage_import_with_pyside6_blocked() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    expected = sum(
        1
        for pkg in ("coding", "storage")
        for info in pkgutil.walk_packages(
            [str(ROOT / "src" / "qualframe" / pkg)], f"qualframe.{pkg}."
        )
        if ".migrations" not in info.name
    )
    assert int(out.stdout.strip()) == expected >= 10


def test_storage_does_not_import_coding() -> None:
    for py in (ROOT / "src" / "qualframe" / "storage").rglob("*.py"):
        src = py.read_text(encoding="utf-8")
        assert "qualframe.coding" not in src, py
