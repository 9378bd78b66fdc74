"""Shared fixtures. Benchmarks under tests/bench run only with `make bench`."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QUALFRAME_CODER", "tester")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "qualframe" / "resources" / "demo"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if "bench" in collection_path.parts and not config.getoption("--benchmark-enable"):
        return True
    return None


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """A test must not leave a thread running behind it."""
    before = set(threading.enumerate())
    yield
    left = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon and t.name != "QDBusConnection"
    ]
    for t in left:
        t.join(timeout=2)
    still = [t.name for t in left if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    from qualframe.coding.core.project import Project

    p = Project.create(tmp_path / "test.qualframe", coder="tester")
    yield p
    p.close()
