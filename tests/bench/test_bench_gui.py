"""GUI speed on the big project (issue 4): 300 transcripts x 8,000 words, 60,000 segments,
plus one 20,000-word transcript carrying 1,500 segments and one code with 5,000 segments.

Run with ``make bench`` (QT_QPA_PLATFORM=offscreen); the figures are printed.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from bigproject import (  # tests/bench is on sys.path (rootdir-less tests)
    add_big_code,
    build_big_project,
)
from sqlalchemy import func, insert, select

from qualframe.coding.core.project import Project
from qualframe.storage.models import Code, Document, Segment, Turn

pytestmark = pytest.mark.bench

WORDS = ["study", "plan", "exam", "review", "mentor", "mentee", "session", "library", "week", "block", "anatomy", "notes", "lecture", "question", "answer", "diagram", "flashcard", "pressure", "friend", "senior", "junior", "helped", "motivation", "habit", "quiz", "schedule", "선배", "멘토링", "😀"]  # fmt: skip


def _add_long_transcript(project: Project, words: int = 20_000, segments: int = 1_500) -> str:
    rng = random.Random(4)
    now = datetime(2026, 1, 1)
    with project.write() as s:
        doc_id = int(s.scalar(select(func.max(Document.id))) or 0) + 1
        turn_id = int(s.scalar(select(func.max(Turn.id))) or 0) + 1
        parts, turns, pos, written = [], [], 0, 0
        speakers = ["Moderator", "E1", "E2", "M1", "M2"]
        while written < words:
            who = rng.choice(speakers)
            n = rng.randint(40, 200)
            line = f"{who}: " + " ".join(rng.choices(WORDS, k=n)) + "."
            turns.append(dict(id=turn_id, guid=str(uuid.uuid4()), document_id=doc_id,
                              participant_id=None, survey_item_id=None, start=pos,
                              end=pos + len(line), label=who, label_end=pos + len(who) + 1,
                              is_interviewer=who == "Moderator"))  # fmt: skip
            turn_id += 1
            parts.append(line)
            pos += len(line) + 2
            written += n
        text = "\n\n".join(parts) + "\n"
        guid = str(uuid.uuid4())
        s.execute(insert(Document), [dict(
            id=doc_id, guid=guid, name="Long FGI", kind="transcript", text=text,
            length=len(text), original_filename="long.txt", content_hash=guid, text_hash=guid,
            source_encoding="utf-8", imported_at=now, position=doc_id,
        )])  # fmt: skip
        s.execute(insert(Turn), turns)
        codes = list(s.scalars(select(Code.id)))
        rows = []
        for _ in range(segments):
            start = rng.randrange(0, len(text) - 400)
            rows.append(dict(guid=str(uuid.uuid4()), document_id=doc_id, code_id=rng.choice(codes),
                             coder_id=rng.randint(1, 3), turn_id=None, start=start,
                             end=start + rng.randint(20, 400), memo="", is_exemplar=False,
                             created_at=now, updated_at=now))  # fmt: skip
        s.execute(insert(Segment), rows)
    return guid


def first_search_after(qapp, window, query: str, wait_s: float) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Let the window idle ``wait_s`` seconds (its timers run), then time one search as the
    dock runs it (search, fill the model, status line)."""
    end = time.perf_counter() + wait_s
    while time.perf_counter() < end:
        qapp.processEvents()
        time.sleep(0.01)
    t = time.perf_counter()
    hits = window.search.run(query)
    return (time.perf_counter() - t) * 1000, len(hits)


def cold_search_ms(project: Project, query: str) -> float:
    from qualframe.app.gui.corpus import Corpus

    corpus = Corpus(project)
    t = time.perf_counter()
    corpus.search(query)
    return (time.perf_counter() - t) * 1000


def search_floor(path: Path, query: str) -> tuple[float, float, int]:
    """The bare floor: plain sqlite3 reads every text, then lower() and find() count hits."""
    import sqlite3

    con = sqlite3.connect(path)
    t = time.perf_counter()
    rows = con.execute("SELECT text FROM documents ORDER BY position, name").fetchall()
    t1 = time.perf_counter()
    n = 0
    for (text,) in rows:
        low = text.lower()
        pos = low.find(query)
        while pos >= 0:
            n += 1
            pos = low.find(query, pos + len(query))
    t2 = time.perf_counter()
    con.close()
    return (t1 - t) * 1000, (t2 - t1) * 1000, n


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, repeat: int = 5) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    runs = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), runs


def test_bench_gui(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QTextCursor

    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.commands import ApplyCode

    path = tmp_path / "big.qualframe"
    t0 = time.perf_counter()
    build_big_project(path)
    built = time.perf_counter() - t0
    project = Project.open(path, coder="bench")
    long_guid = _add_long_transcript(project)
    big_code = add_big_code(project)
    info = project.info()
    rss_before = rss_mb()

    t0 = time.perf_counter()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings, restore_layout=False)
    window.resize(1440, 900)
    window.show()
    qapp.processEvents()
    startup = (time.perf_counter() - t0) * 1000

    # The first project-wide search as the analyst meets it: a second after the window
    # opened (time to press Ctrl+Shift+F and type a word); the texts are read on a
    # background thread meanwhile.
    first_search, first_hits = first_search_after(qapp, window, "flashcard", 1.0)
    cold_search = cold_search_ms(project, "flashcard")
    floor_read, floor_find, floor_hits = search_floor(path, "flashcard")
    assert floor_hits == first_hits

    other = next(g for g in window.navigator.documents.by_guid if g != long_guid)

    def open_long(i: int) -> None:
        if i:
            window.open_document(other)
        t = time.perf_counter()
        window.open_document(long_guid)
        window.view.viewport().repaint()
        window.view.margin.repaint()
        open_times.append((time.perf_counter() - t) * 1000)

    open_times: list[float] = []
    timed(open_long, 5)
    open_ms = statistics.median(open_times)
    assert window.view.index is not None and len(window.view.index) == 1500
    words = len(window.view.text.split())

    code = window.codebook.model.records[-2]
    window.select_code(code.guid)
    qapp.processEvents()
    text = window.view.text

    from PySide6.QtCore import QEvent, QObject

    class PaintClock(QObject):
        """Notes when the document's viewport is painted: "visible" means painted."""

        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.times.append(time.perf_counter())
            return False

    clock = PaintClock()
    window.view.viewport().installEventFilter(clock)
    visible_runs: list[float] = []
    whole_runs: list[float] = []

    def apply(i: int) -> None:
        start = 1000 + i * 5000
        cursor = window.view.textCursor()
        a, b = window.view.offsets.range_to_qt(start, start + 80)
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        window.view.setTextCursor(cursor)
        qapp.processEvents()  # the selection's own repaint is not part of applying
        clock.times.clear()
        t0 = time.perf_counter()
        ok = window.push(ApplyCode(long_guid, start, start + 80, code.guid))
        assert ok
        window.view.viewport().repaint()  # paints now if the view had not painted yet
        window.view.margin.repaint()
        whole_runs.append((time.perf_counter() - t0) * 1000)
        visible_runs.append((clock.times[0] - t0) * 1000)

    for i in range(7):
        apply(i)
    apply_ms = statistics.median(visible_runs)
    apply_runs = visible_runs
    whole_ms = statistics.median(whole_runs)
    assert len(text) == len(window.view.text)
    t = time.perf_counter()
    qapp.processEvents()  # deferred count refreshes (codebook, navigator)
    deferred_ms = (time.perf_counter() - t) * 1000

    def retrieve(i: int) -> None:
        window.select_code(None if i % 2 else big_code)
        if i % 2 == 0:
            window.retrieval.table.viewport().repaint()

    list_runs = []
    for i in range(1, 11):
        t = time.perf_counter()
        retrieve(i)
        if i % 2 == 0:
            list_runs.append((time.perf_counter() - t) * 1000)
    list_ms = statistics.median(list_runs)
    assert window.retrieval.model.rowCount() == 5000

    queries = ("flashcard", "mentor training", "late contact", "선배", "exam review")
    counts: dict[str, int] = {}

    def search(i: int) -> None:
        counts[queries[i]] = len(window.search.run(queries[i]))

    search_ms, _ = timed(search, len(queries))
    hits = ", ".join(f"{q!r}: {n:,}" for q, n in counts.items())
    rss = rss_mb()

    print(
        f"\n[bench-gui] project: {info['documents']} documents, {info['segments']:,} segments, "
        f"{info['codes']} codes (built/copied in {built:.1f} s)\n"
        f"[bench-gui] window start-up (codebook counts, navigator): {startup:.0f} ms\n"
        f"[bench-gui] open {words:,}-word transcript with 1,500 segments, fully highlighted: "
        f"median {open_ms:.0f} ms (runs {', '.join(f'{x:.0f}' for x in open_times)}) [limit 150]\n"
        f"[bench-gui] apply a code until visible (highlight painted): median {apply_ms:.1f} ms "
        f"(max {max(apply_runs):.1f}) [limit 30]; until the docks are updated too: median "
        f"{whole_ms:.1f} ms; deferred count refresh afterwards {deferred_ms:.0f} ms\n"
        f"[bench-gui] list 5,000 retrieved segments: median {list_ms:.0f} ms [limit 100]\n"
        f"[bench-gui] first project-wide search, 1 s after the window opened: {first_search:.0f} ms "
        f"({first_hits:,} hits) [limit 100]; with no text in memory yet (a fresh Corpus reads "
        f"them): {cold_search:.0f} ms; bare floor (sqlite3 reads every text "
        f"{floor_read:.0f} ms + lower() and find() {floor_find:.0f} ms = "
        f"{floor_read + floor_find:.0f} ms, no hit objects)\n"
        f"[bench-gui] project-wide search afterwards: median {search_ms:.0f} ms (hits {hits}; "
        f"capped at 20,000) [limit 150]\n"
        f"[bench-gui] RSS: {rss_before:.0f} MB before the window, {rss:.0f} MB with it open [limit 400]"
    )
    window.close()
    project.close()
    assert open_ms <= 150
    assert apply_ms <= 30
    assert list_ms <= 100
    assert search_ms <= 150
    assert first_search <= 100
    assert rss <= 400
