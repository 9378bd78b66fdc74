"""Run under a real X server (see ``test_real_x.py``): the first-hour defects driven with real
mouse and keyboard events sent by xdotool through the X server (XTEST), as a researcher
would. Prints one line per failed check and exits 1 if any failed."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QToolButton, QToolTip

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.app.conftest import build_project  # noqa: E402
from tests.app.test_painting import painted_ranges  # noqa: E402

FAILED: list[str] = []


def check(ok: bool, what: str) -> None:
    if not ok:
        FAILED.append(what)
        print("FAILED:", what, flush=True)


def pump(app: QApplication, seconds: float, until=None) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.01)
    return until is None


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def at(widget, point: QPoint) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    g = widget.mapToGlobal(point)
    return str(g.x()), str(g.y())


def main() -> int:
    from qualframe.app.gui.launch import application
    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.commands import ApplyCode
    from qualframe.coding.corpus.documents import document_text, list_documents

    app = application()
    tmp = Path(tempfile.mkdtemp())
    project = build_project(tmp / "study.qualframe")
    docs = {d.name: d.guid for d in list_documents(project)}
    text = document_text(project, docs["fgi_mentors"])
    from qualframe.coding.codebook.tree import find_code

    benefits = find_code(project, "Mutual benefits")
    assert benefits is not None
    ApplyCode(docs["fgi_mentors"], len(text) - 30, len(text), benefits.guid).do(project)
    settings = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings, restore_layout=False)
    window.resize(1024, 700)
    window.show()
    pump(app, 5, window.isActiveWindow)
    window.open_document(docs["fgi_mentors"])
    pump(app, 0.3)
    view = window.view
    check(view.viewport().width() >= 420, f"reading column {view.viewport().width()} px")

    # 1. Click in the blank area below the text, then add a code with the Codebook's "+".
    vp = view.viewport()
    xdotool("mousemove", "--sync", *at(vp, QPoint(60, vp.height() - 10)), "click", "1")
    at_end = view.document().characterCount() - 1
    check(pump(app, 3, lambda: view.textCursor().position() == at_end), "click below the text")
    plus = next(b for b in window.codebook.findChildren(QToolButton) if b.text() == "+")
    # The dialog runs its own event loop inside the click's slot: the typing is sent from
    # another process while it waits, as a person would type into it.
    typist = subprocess.Popen(
        ["sh", "-c", "sleep 1.5; xdotool type --delay 30 'Fresh code'; sleep 0.3; "
         "xdotool key Return"]
    )  # fmt: skip
    seen: list[object] = []
    watcher = QTimer()
    watcher.timeout.connect(lambda: seen.append(QApplication.activeModalWidget()))
    watcher.start(50)
    xdotool("mousemove", "--sync", *at(plus, plus.rect().center()), "click", "1")
    pump(app, 8, lambda: find_code(project, "Fresh code") is not None)
    watcher.stop()
    typist.wait(timeout=10)
    check(any(isinstance(w, QInputDialog) for w in seen), "the New code dialog opened")
    check(find_code(project, "Fresh code") is not None, "the code was added")
    pump(app, 0.3)
    for name in ("fgi_mentors", "fgi_mentees"):
        window.open_document(docs[name])
        pump(app, 0.2)
        index = view.index
        stray = [(a, b) for a, b, _c in painted_ranges(view) if not index.overlapping(a, b)]
        check(not stray, f"{name}: uncoded text painted at {stray[:3]}")

    # 2. Hovering a stripe shows its tooltip (a real hover, real tooltip timer).
    view.margin.repaint()
    pump(app, 0.2)
    if view.margin._hits:
        rect, _guid = view.margin._hits[0]
        xdotool("mousemove", "--sync", *at(view.margin, rect.center()))
        xdotool("mousemove", "--sync", *at(view.margin, rect.center() + QPoint(1, 1)))
        shown = pump(app, 4, QToolTip.isVisible)
        check(shown and "coded by" in QToolTip.text(), "a stripe's tooltip on hover")
    else:
        check(False, "no stripe painted in the margin")

    # 3. Q applies the current code to a selection made by dragging with the mouse, and the
    # selection snaps to whole words.
    window.open_document(docs["fgi_mentors"])
    pump(app, 0.2)
    plans = find_code(project, "Factors of success/Various methods of study assistance/Study plans")
    assert plans is not None
    window.select_code(plans.guid)
    cursor = view.textCursor()
    a = view.text.index("xplaining things")
    cursor.setPosition(view.offsets.to_qt(a))
    start = view.cursorRect(cursor).center()
    cursor.setPosition(view.offsets.to_qt(a + len("xplaining thi")))
    end = view.cursorRect(cursor).center()
    xdotool("mousemove", "--sync", *at(vp, start), "mousedown", "1")
    xdotool("mousemove", "--sync", *at(vp, end))
    xdotool("mouseup", "1")
    pump(app, 0.3)
    check(
        view.textCursor().selectedText() == "Explaining things",
        f"snapped selection: {view.textCursor().selectedText()!r}",
    )
    view.setFocus()
    before = len(view.index)
    xdotool("key", "q")
    pump(app, 2, lambda: len(view.index) > before)
    check(len(view.index) == before + 1, "Q applied the current code")

    window.close()
    project.close()
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
