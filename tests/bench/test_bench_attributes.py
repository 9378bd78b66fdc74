"""10,000 attributes (issue 10): the window opens in ≤ 2 s and the command line stays fast.

The project: 300 respondents, each with a coded turn in one transcript, and 10,000
attributes (3,000,000 values — a survey export with 10,000 columns), on top of the small
GUI test project. The floor is the same project without the 10,000 attributes, measured in
the same run: what is left above it is the cost of the attributes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import ApplyCode
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import (
    DocumentData,
    TurnData,
    add_document_in,
    list_documents,
)
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
from qualframe.storage.models import Attribute, AttributeValue, Participant
from tests.app.conftest import build_project

CACHE = Path(tempfile.gettempdir()) / "qualframe-bench"
ROOT = Path(__file__).resolve().parents[2]
PEOPLE, ATTRIBUTES = 300, 10_000


def _respondents(project: Project) -> None:
    people = [f"R{i:03d}" for i in range(PEOPLE)]
    lines = [f"{p}: The review sessions before the exam helped me, week {i}." for i, p in
             enumerate(people)]  # fmt: skip
    text = "\n\n".join(lines) + "\n"
    turns, pos = [], 0
    for p, line in zip(people, lines, strict=True):
        turns.append(
            TurnData(start=pos, end=pos + len(line), speaker=p, label_end=pos + len(p) + 1)
        )
        pos += len(line) + 2
    roles = ["mentor", "mentee"]
    with project.write() as s:
        ps = add_participants_in(
            s, [ParticipantData(p, attributes={"role": roles[i % 2]}) for i, p in enumerate(people)]
        )
        add_document_in(s, "bench", DocumentData("survey_fgi", text, turns=turns), ps)
    doc = next(d.guid for d in list_documents(project) if d.name == "survey_fgi")
    code = find_code(project, "Factors of success")
    assert code is not None
    for t in turns:
        ApplyCode(doc, t.label_end + 1, t.end, code.guid).do(project)


def _attributes(project: Project) -> None:
    with project.write() as s:
        pids = [p.id for p in s.query(Participant).filter(Participant.pseudonym.like("R%"))]
        base = s.query(Attribute).count()
        s.execute(
            insert(Attribute),
            [dict(guid=str(uuid.uuid4()), name=f"q{i:05d}", type="category", position=base + i)
             for i in range(ATTRIBUTES)],
        )  # fmt: skip
        aids = [a.id for a in s.query(Attribute).filter(Attribute.name.like("q%"))]
        for i in range(0, len(pids), 10):
            s.execute(
                insert(AttributeValue),
                [dict(participant_id=p, attribute_id=a, value=f"option {(p * a) % 5}")
                 for p in pids[i : i + 10] for a in aids],
            )  # fmt: skip


def _cached(name: str, with_attributes: bool) -> Path:
    path = CACHE / f"attributes-v2-{name}.qualframe"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = CACHE / f"building-{os.getpid()}-{name}.qualframe"
        project = build_project(tmp)
        _respondents(project)
        if with_attributes:
            _attributes(project)
        project.close()
        os.replace(tmp, path)
        for p in CACHE.glob(f"building-{os.getpid()}-*"):
            p.unlink()
    return path


def _cli(*argv: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "QUALFRAME_CODER": "bench"}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "qualframe", *argv], check=True, capture_output=True, env=env
    )
    return time.perf_counter() - t0


def _median(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(fn() for _ in range(repeat))


def test_bench_many_attributes(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow

    t0 = time.perf_counter()
    wide = tmp_path / "wide.qualframe"
    floor = tmp_path / "floor.qualframe"
    shutil.copyfile(_cached("wide", True), wide)
    shutil.copyfile(_cached("floor", False), floor)
    built = time.perf_counter() - t0

    def open_window(path: Path) -> float:
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        t = time.perf_counter()
        project = Project.open(path, coder="bench")
        window = MainWindow(project, settings, restore_layout=False)
        window.resize(1440, 900)
        window.show()
        qapp.processEvents()
        took = time.perf_counter() - t
        window.close()
        window.deleteLater()
        project.close()
        qapp.processEvents()
        return took

    def show_sheet(path: Path) -> float:
        """The Participants tab (the classification sheet), read when first shown."""
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        project = Project.open(path, coder="bench")
        window = MainWindow(project, settings, restore_layout=False)
        window.resize(1440, 900)
        window.show()
        qapp.processEvents()
        t = time.perf_counter()
        window.tabs.setCurrentWidget(window.participants_view)
        qapp.processEvents()
        took = time.perf_counter() - t
        assert window.participants_view.model.rows
        window.close()
        window.deleteLater()
        project.close()
        qapp.processEvents()
        return took

    gui = {p.name: _median(lambda p=p: open_window(p)) for p in (wide, floor)}
    sheet = {p.name: show_sheet(p) for p in (wide, floor)}
    out = tmp_path / "m.docx"
    commands = {
        "info": ("info", "{p}"),
        "segments (text)": ("segments", "{p}"),
        "segments --where role=mentor": ("segments", "{p}", "--where", "role=mentor"),
        "segments --format json": ("segments", "{p}", "--format", "json"),
        "matrix --out .docx": ("matrix", "{p}", "--out", str(out)),
        # a different passage each run (the same one twice is refused as already coded)
        "code": ("code", "{p}", "--document", "survey_fgi", "--start", "{n}", "--end", "{m}",
                 "--code", "Outcomes"),
    }  # fmt: skip
    runs = iter(range(10_000))

    def argv_for(argv: tuple[str, ...], p: Path) -> list[str]:
        n = next(runs) * 61 + 6
        return [a.format(p=p, n=n, m=n + 10) for a in argv]

    cli: dict[str, tuple[float, float]] = {}
    for label, argv in commands.items():
        times = []
        for p in (wide, floor):
            times.append(_median(lambda p=p, argv=argv: _cli(*argv_for(argv, p))))
        cli[label] = (times[0], times[1])

    print(f"\n10,000 attributes x {PEOPLE} respondents (projects ready in {built:.1f} s)")
    print(f"  open the window: {gui['wide.qualframe']:.2f} s   (floor, no attributes: "
          f"{gui['floor.qualframe']:.2f} s)")  # fmt: skip
    # Not a target: the sheet shows every value (3,000,000); it is read only when asked for.
    print(f"  show the Participants tab: {sheet['wide.qualframe']:.2f} s   (floor: "
          f"{sheet['floor.qualframe']:.2f} s)")  # fmt: skip
    for label, (w, f) in cli.items():
        print(f"  qualframe {label}: {w:.2f} s   (floor: {f:.2f} s)")
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if load > 1.5:
        # Other work holds the cores several times over: the figures above are printed,
        # but a target measured under that load says nothing.
        print(f"  (load {load:.1f} per core: targets not asserted)")
        return
    assert gui["wide.qualframe"] <= 2.0
    for label, (w, f) in cli.items():
        if "json" in label:
            continue  # prints all 3,000,000 values: proportional to its output, not a target
        assert w <= f * 1.5 + 0.5, label
