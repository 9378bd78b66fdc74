"""Screenshots of the auditors' half on the demo project: the review workspace, the Disputes
list and the Log view, each at 1440×900 and 1024×700 (``make review-screenshots``).

The demo project gets an auditor, Dr. Lee, who reviews the mentees' focus group: most
passages agreed, three disputed (one answered by recoding and agreed again, one answered
with a reply, one still open), a comment on a passage and one on a code.

Run: ``QT_QPA_PLATFORM=offscreen python -m tests.app.review_screenshots docs``
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.demo import build_demo
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import AddCodeComment
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.review.workspace import review_items

AUDITOR = "Dr. Lee"
SIZES = {"": (1440, 900), "-1024": (1024, 700)}
DISPUTES = {
    "sometimes I felt like I was being compared": "This reads as comparison with the mentor's "
    "record, not fear of disappointing him; consider 'Pressure felt by the mentee' itself.",
    "We agreed I would try to sleep before one": "A sleep schedule agreed with the mentor: is "
    "this a daily habit already, or a plan? The passage does not say it was kept.",
    "one more meeting every week sometimes felt": "The burden is emotional here ('one more thing "
    "I could fail at'), not workload.",
}


def review_demo(path: Path) -> None:
    build_demo(path).close()
    with Project.open(path, coder="Analyst A") as p:
        AddCoder(AUDITOR, "auditor").do(p)
    with Project.open(path, coder=AUDITOR, review=True) as p:
        items = [i for i in review_items(p) if i.segment.coder == "Analyst A"]
        mentees = [i for i in items if i.segment.document_name == "fgi_mentees"]
        disputed: dict[str, str] = {}
        for item in mentees[:-3]:  # the last three are left for later
            quote = next((q for q in DISPUTES if item.segment.text.startswith(q)), None)
            if quote:
                made = AddReview(item.guid, "dispute", DISPUTES[quote]).do(p).created_guid
                disputed[quote] = made or ""
            elif "urea cycle" in item.segment.text:
                AddReview(item.guid, "comment", "A good exemplar for the matrix.").do(p)
            else:
                AddReview(item.guid, "agree").do(p)
        code = find_code(p, "Negative experiences/Pressure felt by the mentee")
        assert code is not None
        AddCodeComment(code.guid, "The sub-codes overlap: fear of disappointing the mentor is "
                       "also a burden. Say where one ends.").do(p)  # fmt: skip
    with Project.open(path, coder="Analyst A") as p:
        pressure = find_code(p, "Negative experiences/Pressure felt by the mentee")
        assert pressure is not None
        AnswerDispute(disputed["sometimes I felt like I was being compared"], "Agreed, recoded to the parent code.",
                      code_guid=pressure.guid).do(p)  # fmt: skip
        AnswerDispute(disputed["We agreed I would try to sleep before one"], "Kept: the mentee says later that the "
                      "schedule held through the block.").do(p)  # fmt: skip
    with Project.open(path, coder=AUDITOR, review=True) as p:
        item = next(i for i in review_items(p) if i.segment.text.startswith("sometimes I felt"))
        AddReview(item.guid, "agree").do(p)


def shoot(out: Path) -> list[Path]:
    from PySide6.QtCore import QSettings

    from qualframe.app.gui.launch import application
    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow

    app = application(offscreen=True)
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "demo.qualframe"
    review_demo(path)
    settings = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    written: list[Path] = []

    def grab(window: MainWindow, name: str, size: tuple[int, int]) -> None:
        for _ in range(5):
            app.processEvents()
        target = out / f"{name}.png"
        window.grab().save(str(target))
        written.append(target)

    for suffix, size in SIZES.items():
        with Project.open(path, coder=AUDITOR, review=True) as p:
            w = MainWindow(p, settings, restore_layout=False)
            w.resize(*size)
            w.show()
            w.default_layout()
            app.processEvents()
            ws = w.review_view
            assert ws is not None
            ws.select_code(None)
            ws.filters["document"].setCurrentText("fgi_mentees")
            target = next(
                i for i in ws.model.rows if ws.text_of(i.segment).startswith("one more meeting")
            )
            ws.select_segment(target.guid)
            grab(w, "review-workspace" + suffix, size)
            w.close()
        with Project.open(path, coder="Analyst A") as p:
            w = MainWindow(p, settings, restore_layout=False)
            w.resize(*size)
            w.show()
            w.disputes.show()
            w.disputes.raise_()
            w.disputes.answered.setChecked(True)
            rows = w.disputes.model.rows
            at = next(
                i for i, r in enumerate(rows) if r.waiting and r.waiting[-1].kind == "dispute"
            )
            w.disputes.table.setCurrentIndex(w.disputes.model.index(at, 0))
            w.resize(*size)
            w.default_layout()
            app.processEvents()
            first = rows[at]
            if first.item is not None:
                w.jump_to_segment(first.item.segment)
                app.processEvents()
                w.view.scroll_to(max(0, first.item.segment.start - 150))
            grab(w, "disputes" + suffix, size)
            w.tabs.setCurrentWidget(w.log_view)
            w.log_view.verify()
            grab(w, "log-view" + suffix, size)
            w.close()
    return written


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for written in shoot(folder):
        print(written)
