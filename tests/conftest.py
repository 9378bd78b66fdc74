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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        default=None,
        metavar="URL",
        help="run the project fixtures on this PostgreSQL server "
        "(default: $QUALFRAME_TEST_DATABASE; unset: project files)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from tests import backend

    backend.configure(config.getoption("--database"))
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): tests a feature only project files have; skipped on a server",
    )
    config.addinivalue_line(
        "markers", "server: needs a PostgreSQL server (QUALFRAME_TEST_DATABASE)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests import backend

    for item in items:
        if backend.server() is not None:
            mark = item.get_closest_marker("sqlite_only")
            if mark is not None:
                why = mark.args[0] if mark.args else "a project-file feature"
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))
        elif item.get_closest_marker("server") is not None:
            item.add_marker(
                pytest.mark.skip(reason=f"needs a PostgreSQL server: set {backend.ENV}")
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    from tests import backend

    if backend.server() is not None:
        backend.finish()


@pytest.fixture(autouse=True)
def _drop_test_databases() -> None:
    """The server databases earlier tests made are dropped when the next test starts (not at
    their own teardown: Qt may still deliver a queued repaint to a closed window then)."""
    from tests import backend

    if backend.server() is not None:
        backend.drop_made()


@pytest.fixture
def project_location(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A factory of places to ``Project.create`` a project in: files in ``tmp_path``, or new
    databases on the test server."""
    from tests import backend

    return lambda filename="test.qualframe": backend.new_location(tmp_path, filename)


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
    """A new, empty project: on a server (``make test-postgres``) a fresh database made from
    the template; otherwise a copy in the test's folder of the session's empty project, which
    is what ``Project.create`` would write (same schema, same title)."""
    import shutil

    from qualframe.coding.core.project import Project
    from tests import backend

    if backend.server() is not None:
        p = Project.open(backend.fresh_project_url(), coder="tester")
        p.set_meta("title", p.default_title)  # as Project.create titles a new project
    else:
        path = tmp_path / "test.qualframe"
        shutil.copyfile(empty_project_file, path)
        p = Project.open(path, coder="tester")
    yield p
    p.close()
