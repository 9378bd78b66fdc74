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


@pytest.fixture(scope="session")
def empty_project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty project made once per test session (creating one runs the schema
    migrations, ~0.3 s; copying it takes ~10 ms)."""
    from qualframe.coding.core.project import Project

    path = tmp_path_factory.mktemp("template") / "test.qualframe"
    Project.create(path, coder="tester").close()
    return path


@pytest.fixture
def project(tmp_path: Path, empty_project_file: Path):  # type: ignore[no-untyped-def]
    """A new, empty project in the test's folder: a copy of the session's empty project,
    which is what ``Project.create`` would write (same schema, same title)."""
    import shutil

    from qualframe.coding.core.project import Project

    path = tmp_path / "test.qualframe"
    shutil.copyfile(empty_project_file, path)
    p = Project.open(path, coder="tester")
    yield p
    p.close()
