"""The auditors' half on the big project (300 transcripts, 60,000 segments): opening it for
review, a verdict until the lists are up to date, and the audit trail of 20,000 events read
as sentences and verified. Each figure is printed beside a floor measured in the same run
(the bare database reads the step cannot avoid)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from bigproject import build_big_project  # tests/bench is on sys.path (rootdir-less tests)
from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.query import retrieval
from qualframe.coding.trail.log import read_log
from qualframe.coding.trail.verify import verify_trail
from qualframe.storage.models import AuditEvent

pytestmark = pytest.mark.bench
EVENTS = 20_000


def ms(fn, repeat: int = 5) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), runs


def _add_events(project: Project, segments: list[str]) -> None:
    """20,000 realistic verdict events, chained by the store as it writes them."""
    with project.write() as s:
        for i in range(EVENTS):
            s.add(
                AuditEvent(
                    actor="kim", action="review_segment", entity="review",
                    entity_guid=f"00000000-0000-4000-8000-{i:012d}",
                    details={"segment": segments[i % len(segments)], "verdict": "agree"},
                )
            )  # fmt: skip


def test_bench_review(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow

    path = tmp_path / "big.qualframe"
    build_big_project(path)
    with Project.open(path, coder="bench") as p:
        AddCoder("kim", "auditor").do(p)
        rows, _ = retrieval.fetch(p)
        _add_events(p, [r.guid for r in rows[:5000]])
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    project = Project.open(path, coder="kim", review=True)

    def open_window() -> MainWindow:
        w = MainWindow(project, settings, restore_layout=False)
        w.resize(1440, 900)
        w.show()
        qapp.processEvents()
        qapp.processEvents()
        return w

    t0 = time.perf_counter()
    window = open_window()
    opened = (time.perf_counter() - t0) * 1000
    ws = window.review_view
    assert ws is not None and ws.model.rowCount() > 0
    first_code = ws.current_code_guid()
    floor_list, _ = ms(lambda: retrieval.fetch(project, code_guid=first_code))

    state = {"row": 0}

    def verdict() -> None:
        ws.list.setCurrentIndex(ws.model.index(state["row"] % ws.model.rowCount(), 0))
        state["row"] += 1
        ws.agree()
        qapp.processEvents()

    verdict_ms, runs = ms(verdict, 8)
    window.close()

    log_ms, _ = ms(lambda: read_log(project), 3)
    verify_ms, _ = ms(lambda: verify_trail(project), 3)

    def floor_rows() -> None:
        with project.read() as s:
            s.execute(select(AuditEvent.id, AuditEvent.details, AuditEvent.hash)).all()

    floor_trail, _ = ms(floor_rows, 3)
    check = verify_trail(project)
    project.close()
    print(
        f"\nopen for review (60,000 segments; starts on its first code): {opened:.0f} ms"
        f"\n  floor, reading that code's segments: {floor_list:.0f} ms"
        f"\nverdict until lists and progress are updated: median {verdict_ms:.0f} ms "
        f"({', '.join(f'{r:.0f}' for r in runs)})"
        f"\n{check.total:,} events as sentences: median {log_ms:.0f} ms; verified: median "
        f"{verify_ms:.0f} ms; floor, reading them: {floor_trail:.0f} ms"
    )
    assert check.intact
    assert opened < 2000
    assert verdict_ms < 150
    assert verify_ms < 2000 and log_ms < 4000
