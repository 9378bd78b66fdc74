"""Two coders' windows in two processes on one server project (issue 17's "done when").

The second window runs in a process of its own (``tests/app/team_window.py``, built as
``qualframe gui URL`` builds it) and is driven through its GUI: Q applies the current code
to the selected passage, Code → Rename… renames. This process's window must show the code
applied over there (count, retrieval list, highlight) within 2 s of its commit, measured;
and when both rename the same code, the window whose rename came second is told so in one
sentence and shows the other name: nothing is silently overwritten.

Needs a server (``QUALFRAME_TEST_DATABASE``; ``make test-postgres``); skipped otherwise.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents
from tests.app.conftest import MENTORS

pytestmark = [pytest.mark.server, pytest.mark.gui]
ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("team_window.py")
START_TIMEOUT = 25.0  # a loaded machine needs a few seconds to import Qt and open a window
ANSWER_TIMEOUT = 10.0
LIFESTYLE = "Outcomes/Lifestyle"


class Child:
    """The other coder's window: a process answering one JSON line per command."""

    def __init__(self, url: str, coder: str, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
               "XDG_CONFIG_HOME": str(home), "QUALFRAME_CODER": coder}  # fmt: skip
        self.log = home / "stderr.txt"
        self._err = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), url, coder],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, cwd=ROOT, env=env,
        )  # fmt: skip
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.lines.put(json.loads(line))

    def send(self, **command: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        self.proc.stdin.flush()

    def wait_answer(self, qtbot, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        """The next answer, while this process's event loop keeps running."""
        got: list[dict[str, Any]] = []

        def arrived() -> bool:
            if self.proc.poll() is not None and self.lines.empty():
                raise AssertionError(f"the second window died: {self.log.read_text()[-2000:]}")
            try:
                got.append(self.lines.get_nowait())
            except queue.Empty:
                return False
            return True

        qtbot.waitUntil(arrived, timeout=int(timeout * 1000))
        return got[0]

    def ask(self, qtbot, **command: object) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        self.send(**command)
        return self.wait_answer(qtbot)

    def stop(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send(do="quit")
                    self.proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            self._err.close()


@pytest.fixture
def other(qtbot, gui_project: Project, tmp_path: Path) -> Iterator[tuple[Child, float]]:  # type: ignore[no-untyped-def]
    """Coder B's window in its own process, ready; with how long it took to open."""
    t0 = time.monotonic()
    child = Child(str(gui_project.location), "Coder B", tmp_path / "coder-b")
    try:
        assert child.wait_answer(qtbot, START_TIMEOUT) == {"ready": True}
        yield child, time.monotonic() - t0
    finally:
        child.stop()


def test_a_code_applied_in_another_process_appears_here_within_two_seconds(  # type: ignore[no-untyped-def]
    qtbot, window, other
) -> None:
    child, opened = other
    code = find_code(window.project, LIFESTYLE)
    assert code is not None
    doc = next(d for d in list_documents(window.project) if d.name == "fgi_mentors")
    window.open_document(doc.guid)
    window.select_code(code.guid)  # this reader looks at the code's segments
    start = MENTORS.index("Explaining things to a junior")
    end = start + len("Explaining things to a junior")
    before = window.codes.counts.get(code.guid, (0, 0))[0]
    assert before == 0 and not window.retrieval.model.rows

    def shown() -> bool:
        counted = window.codes.counts.get(code.guid, (0, 0))[0] == before + 1
        listed = [(s.start, s.end) for s in window.retrieval.model.rows] == [(start, end)]
        index = window.view.index
        lit = index is not None and any(
            (h.start, h.end) == (start, end) for h in index.by_guid.values()
        )
        return counted and listed and lit

    sent = time.time()
    child.send(do="apply", document="fgi_mentors", code=LIFESTYLE, start=start, end=end)
    qtbot.waitUntil(shown, timeout=2000 + int(ANSWER_TIMEOUT * 1000))
    seen = time.time()
    answer = child.wait_answer(qtbot)
    assert answer["ok"], answer["report"]
    latency = seen - answer["at"]  # from the other process's commit to this window showing it
    print(
        f"\nsecond window opened in {opened:.2f} s; code applied there (Q) committed at "
        f"+{answer['at'] - sent:.3f} s after the request, shown here (count, retrieval list, "
        f"highlight) {latency:.3f} s after its commit"
    )
    assert latency < 2.0
    # The reader's place is kept.
    assert window.view.document_guid == doc.guid
    current = window.codebook.current()
    assert current is not None and current.guid == code.guid


def test_a_conflicting_rename_between_two_processes_is_reported_where_it_lost(  # type: ignore[no-untyped-def]
    qtbot, window, other, monkeypatch
) -> None:
    child, _ = other
    code = find_code(window.project, LIFESTYLE)
    assert code is not None
    window.select_code(code.guid)
    timings: dict[str, float] = {}

    def type_while_the_other_renames(*_args: object, **_kw: object) -> tuple[str, bool]:
        """This coder's Rename… dialog is open (the code as it was is what they see) while
        coder B renames the same code and commits; then this coder presses OK."""
        answer = child.ask(qtbot, do="rename", code=code.guid, name="Daily life")
        assert answer["ok"], answer["report"]
        qtbot.waitUntil(lambda: window.codes.by_guid[code.guid].name == "Daily life", timeout=2000)
        timings["heard"] = time.time() - answer["at"]
        return "Everyday life", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(type_while_the_other_renames))
    done = window.undo.index
    window.codebook.rename()  # Code → Rename…
    assert window.last_report == (
        'Coder B changed the code now named "Daily life" after you last saw it, so your rename '
        "was not saved; the view now shows their version."
    )
    assert window.undo.index == done
    print(f"\nB's rename shown here {timings['heard']:.3f} s after its commit; A's refused")
    # Nothing overwritten: the server, this window and B's window all hold B's name.
    with Project.open(window.project.location, read_only=True) as observer:
        renamed = find_code(observer, "Outcomes/Daily life")
        assert renamed is not None and renamed.guid == code.guid
        assert find_code(observer, "Outcomes/Everyday life") is None
    assert window.codes.by_guid[code.guid].name == "Daily life"
    state = child.ask(qtbot, do="state", code=code.guid)
    assert state["name"] == "Daily life" and "not saved" not in state["report"]
