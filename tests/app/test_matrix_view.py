"""The Theme matrix view: model checked by qtmodeltester, live updates (debounced),
drill-down, export, and a screenshot."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document as open_docx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from qualframe.app.gui.models.matrix_model import CellKeyRole, HtmlRole, MatrixModel
from qualframe.app.gui.views.matrix import (
    GroupOrderDialog,
    MatrixView,
    ScopeChooser,
    default_group_order,
)
from qualframe.coding.analysis.matrix import MatrixOptions, ThemeMatrix, build_matrix, cell_text
from qualframe.coding.commands import ApplyCode
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from tests.coding.test_matrix_data import Known, add_doc, build_known_project


@pytest.fixture
def known(project: Project) -> Known:
    return build_known_project(project)


def test_model_passes_modeltester(qtmodeltester, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    model = MatrixModel()
    qtmodeltester.check(model)  # empty
    model.set_matrix(build_matrix(project, MatrixOptions(rows_level=1, quotes=1)))
    qtmodeltester.check(model)
    assert model.columnCount() == 5  # Theme, Category, Mentees, Mentors, (not set): X1
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Mentees (n = 4)"
    academic = model.index(0, 2)
    assert model.index(0, 0).data() == "Outcomes"
    assert model.index(0, 1).data() == "Academic"
    assert academic.data().split("\n")[0] == "– Motivation to study"
    assert "<i>“Also I felt motivated again” — E2</i>" in academic.data(HtmlRole)
    assert academic.data(CellKeyRole)[1] == "mentee"


def test_view_shows_matrix_and_drills_down(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert view.attribute.currentText() == "role"
    assert [view.level.itemText(i) for i in range(view.level.count())] == [
        "Themes",
        "Categories",
        "Codes",
    ]
    m = view.model
    assert m.rowCount() == 3
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Theme", "Mentees (n = 4)", "Mentors (n = 2)",
    ]  # fmt: skip
    assert m.index(0, 1).data().split("\n")[0] == "– Academic (3; 2 participants)"
    view.show_cell(m.index(0, 1))
    tree = view.segments
    assert tree.topLevelItemCount() == 4
    first = tree.topLevelItem(0)
    assert first is not None
    assert (first.text(0), first.text(1), first.text(4)) == (
        "FGI mentees", "E1", "I felt motivated to study every week.",
    )  # fmt: skip
    assert view.cell_title.text() == "Outcomes — Mentees: 4 segment(s)"
    # Changing the column attribute recomputes (debounced).
    view.attribute.setCurrentText("gender")
    qtbot.waitUntil(
        lambda: view.matrix is not None and view.matrix.attribute == "gender", timeout=2000
    )
    assert view.matrix is not None
    assert [g.header for g in view.matrix.groups] == [
        "Female (n = 2)", "Male (n = 2)", "(not set) (n = 3)",  # M1, M2 and X1 have no gender
    ]  # fmt: skip


def test_burst_of_changes_recomputes_once(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    before = view.recomputed
    assert view.matrix is not None and view.matrix.rows[1].cells[0].entries == ()
    text = "I felt motivated to study every week."
    rapport = known.codes["Mutual benefits/Relationships/Rapport"]
    doc = known.documents["FGI mentees"]
    from qualframe.coding.corpus.documents import document_text

    start = document_text(project, doc).index(text)
    for i in range(3):  # a burst of codings, each announced as the main window would
        cmd = ApplyCode(doc, start + i, start + len(text) - i, rapport)
        view.on_change(cmd.do(project))
    view.on_change(Change("select"))  # nothing relevant
    assert view.recomputed == before  # debounced: nothing yet
    qtbot.waitUntil(lambda: view.recomputed == before + 1, timeout=2000)
    qtbot.wait(400)
    assert view.recomputed == before + 1  # once for the whole burst
    mentee = view.matrix.rows[1].cells[0]
    assert [(e.name, e.segments) for e in mentee.entries] == [("Relationships", 3), ("Rapport", 3)]
    view.on_change(Change("select"))
    qtbot.wait(400)
    assert view.recomputed == before + 1


def test_export_from_view(qtbot, project: Project, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.quotes.setValue(1)
    out = tmp_path / "from-view.docx"
    assert view.export_to(out)
    table = open_docx(str(out)).tables[0]
    assert table.rows[0].cells[1].text == "Mentees (n = 4)"
    assert "— E2" in table.rows[1].cells[1].text
    for suffix in (".xlsx", ".csv", ".md"):
        assert view.export_to(tmp_path / f"from-view{suffix}")
        assert (tmp_path / f"from-view{suffix}").stat().st_size > 0


def test_export_error_is_a_message(
    qtbot, project: Project, known: Known, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert not view.export_to(tmp_path / "missing-folder" / "m.docx")
    assert shown and "does not exist" in shown[0]


def test_screenshot(qtbot, project: Project, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.quotes.setValue(1)
    view.recompute()
    view.show()
    qtbot.waitExposed(view)
    view.show_cell(view.model.index(0, 1))
    shot = tmp_path / "matrix-view.png"
    assert view.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


# -- restricting to coders and documents, and the order of the group columns -----------------
def grid(view: MatrixView) -> list[list[str]]:
    """What the view's table shows, cell by cell."""
    m = view.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def expected_grid(matrix: ThemeMatrix) -> list[list[str]]:
    """The same table straight from ``build_matrix`` (bullets as plain text)."""
    return [
        [*row.ancestors, row.name] + [cell_text(c, matrix.options.counts) or "–" for c in row.cells]
        for row in matrix.rows
    ]


def headers(view: MatrixView) -> list[str]:
    m = view.model
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]


def recomputed_after(qtbot, view: MatrixView, before: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.recomputed > before and not view._timer.isActive(), timeout=3000)


def code_as(project: Project, coder: str, doc: str, start: int, end: int, code: str) -> Change:
    """Apply a code as another coder (as when that coder works on the shared project)."""
    project.coder = coder
    try:
        return ApplyCode(doc, start, end, code).do(project)
    finally:
        project.coder = "tester"


def jordan_codes(project: Project, known: Known) -> list[Change]:
    """A second coder, Jordan, codes two passages the first coder did not code."""
    from qualframe.coding.corpus.documents import document_text

    out = []
    mentees = known.documents["FGI mentees"]
    text = document_text(project, mentees)
    start = text.index("I sleep earlier now")
    out.append(
        code_as(project, "Jordan", mentees, start, start + 19, known.codes["Suggestions/Training"])
    )
    mentors = known.documents["FGI mentors"]
    text = document_text(project, mentors)
    start = text.index("Seeing her motivated")
    out.append(
        code_as(
            project,
            "Jordan",
            mentors,
            start,
            start + 20,
            known.codes["Mutual benefits/Relationships/Rapport"],
        )
    )
    return out


def test_one_coder_shows_what_build_matrix_gives_for_that_coder(
    qtbot, qtmodeltester, project: Project, known: Known, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    jordan_codes(project, known)
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert view.coders.keys() == ["Jordan", "tester"]
    assert view.coders.chosen() is None and view.options().coders is None
    assert view.scope.text() == "Counting both coders · both documents"
    everyone = grid(view)
    assert everyone == expected_grid(build_matrix(project, view.options()))

    # Untick "tester" in the Coders menu: only Jordan's segments remain.
    before = view.recomputed
    view.coders.item_actions["tester"].trigger()
    assert view.coders.chosen() == ["Jordan"]
    assert view.options().coders == ["Jordan"]
    assert view.scope.text() == "Counting 1 of 2 coders · both documents"
    recomputed_after(qtbot, view, before)
    jordan = build_matrix(project, MatrixOptions(coders=["Jordan"], counts=view.options().counts))
    assert grid(view) == expected_grid(jordan) != everyone
    assert [r[0] for r in grid(view)] == ["Mutual benefits", "Suggestions"]
    assert grid(view)[0][1:] == [
        "–",
        "– Relationships (1; 1 participant)\n  · Rapport (1; 1 participant)",
        "–",
    ]
    assert grid(view)[1][1:] == ["– Training (1; 1 participant)", "–", "–"]
    assert "Coders: Jordan." in view.note.text()
    qtmodeltester.check(view.model)
    # The drill-down and the export count the same coder.
    view.show_cell(view.model.index(0, 2))
    assert view.cell_title.text() == "Mutual benefits — Mentors: 1 segment(s)"
    item = view.segments.topLevelItem(0)
    assert item is not None and (item.text(1), item.text(3)) == ("M2", "Jordan")
    out = tmp_path / "jordan.csv"
    assert view.export_to(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Category"], r["Code"], r["Group"], r["Participant"], r["Coder"]) for r in rows] == [
        ("Training", "", "Mentees", "E3", "Jordan"),
        ("Relationships", "Rapport", "Mentors", "M2", "Jordan"),
    ]

    # The last chosen coder cannot be unticked; "All coders" brings everyone back.
    view.coders.item_actions["Jordan"].trigger()
    assert view.coders.chosen() == ["Jordan"]
    assert view.coders.item_actions["Jordan"].isChecked()
    before = view.recomputed
    view.coders.all_action.trigger()
    assert view.coders.chosen() is None
    assert all(a.isChecked() for a in view.coders.item_actions.values())
    recomputed_after(qtbot, view, before)
    assert grid(view) == everyone


def test_excluding_a_document_removes_its_codings(
    qtbot, qtmodeltester, project: Project, known: Known, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    mentees, mentors = known.documents["FGI mentees"], known.documents["FGI mentors"]
    assert view.documents.keys() == [mentees, mentors]
    assert [a.text() for a in view.documents.item_actions.values()] == [
        "FGI mentees",
        "FGI mentors",
    ]
    assert any("Volunteer credit" in text for row in grid(view) for text in row)

    before = view.recomputed
    view.documents.item_actions[mentors].trigger()
    assert view.options().documents == [mentees]
    assert view.scope.text() == "Counting 1 coder · 1 of 2 documents"
    assert view.scope.font().bold()
    recomputed_after(qtbot, view, before)
    expected = build_matrix(
        project, MatrixOptions(documents=["FGI mentees"], counts=view.options().counts)
    )
    assert grid(view) == expected_grid(expected)
    # Only the mentees (and X1, without a role) speak there (E4 never speaks), and the
    # mentors' codings are gone.
    assert headers(view) == ["Theme", "Mentees (n = 3)", "(not set) (n = 1)"]
    assert not any("Volunteer credit" in text for row in grid(view) for text in row)
    # Mutual benefits goes: its one mentee-document coding is the moderator's speech.
    assert [r[0] for r in grid(view)] == ["Outcomes", "Negative experiences"]
    assert "Documents: FGI mentees." in view.note.text()
    assert "who speak in the selected documents" in view.note.text()
    qtmodeltester.check(view.model)
    view.show_cell(view.model.index([r[0] for r in grid(view)].index("Outcomes"), 1))
    items = [view.segments.topLevelItem(i) for i in range(view.segments.topLevelItemCount())]
    assert len(items) == 4 and {i.text(0) for i in items if i is not None} == {"FGI mentees"}
    out = tmp_path / "mentees-only.docx"
    assert view.export_to(out)
    table = open_docx(str(out)).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Theme", "Mentees (n = 3)", "(not set) (n = 1)",
    ]  # fmt: skip
    assert "Volunteer credit" not in "\n".join(c.text for row in table.rows for c in row.cells)

    # Ticking it again counts everything.
    before = view.recomputed
    view.documents.item_actions[mentors].trigger()
    assert view.documents.chosen() is None and view.documents.all_action.isChecked()
    recomputed_after(qtbot, view, before)
    assert headers(view) == ["Theme", "Mentees (n = 4)", "Mentors (n = 2)", "(not set) (n = 1)"]


def test_moving_a_group_column_sets_the_order_for_screen_and_export(
    qtbot, qtmodeltester, project: Project, known: Known, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    header = view.table.horizontalHeader()
    assert header.sectionsMovable()
    assert view.options().group_order is None
    assert headers(view) == ["Theme", "Mentees (n = 4)", "Mentors (n = 2)", "(not set) (n = 1)"]
    default = grid(view)

    # The theme column cannot be moved: it snaps back and nothing changes.
    header.moveSection(0, 2)
    assert [header.visualIndex(c) for c in range(4)] == [0, 1, 2, 3]
    assert view.options().group_order is None and not view._timer.isActive()

    # Drag "Mentors" in front of "Mentees".
    before = view.recomputed
    header.moveSection(2, 1)
    assert view.options().group_order == ["mentor", "mentee"]
    assert view.scope.text().endswith("· columns in your order")
    recomputed_after(qtbot, view, before)
    # "(not set)" (X1 has no role) stays after the groups.
    assert headers(view) == ["Theme", "Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)"]
    assert [header.visualIndex(c) for c in range(4)] == [0, 1, 2, 3]  # the model has the order
    assert grid(view) == [[row[0], row[2], row[1], row[3]] for row in default]
    qtmodeltester.check(view.model)
    out = tmp_path / "ordered.docx"
    assert view.export_to(out)
    table = open_docx(str(out)).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Theme", "Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)",
    ]  # fmt: skip
    outcomes = next(row for row in table.rows if row.cells[0].text == "Outcomes")
    assert outcomes.cells[1].text.startswith("-\tAcademic (1; 1 participant)")
    assert outcomes.cells[2].text.startswith("-\tAcademic (3; 2 participants)")

    # A restriction that hides a group keeps the order of the others, and brings it back.
    before = view.recomputed
    view.documents.item_actions[known.documents["FGI mentors"]].trigger()
    assert view.options().group_order == ["mentee"]
    recomputed_after(qtbot, view, before)
    assert headers(view) == ["Theme", "Mentees (n = 3)", "(not set) (n = 1)"]
    before = view.recomputed
    view.documents.all_action.trigger()
    recomputed_after(qtbot, view, before)
    assert headers(view) == ["Theme", "Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)"]

    # With categories as rows there are two lead columns; the header's menu moves groups too.
    before = view.recomputed
    view.level.setCurrentIndex(1)
    recomputed_after(qtbot, view, before)
    assert headers(view)[:2] == ["Theme", "Category"]
    assert headers(view)[2:] == ["Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)"]
    last = view.header_menu(4)
    assert [a.text() for a in last.actions()][:2] == [
        "Move “(not set)” left",
        "Move “(not set)” right",
    ]
    assert not last.actions()[1].isEnabled()  # already last
    menu = view.header_menu(3)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:2] == ["Move “Mentees” left", "Move “Mentees” right"]
    before = view.recomputed
    menu.actions()[0].trigger()
    assert view.options().group_order is None  # back to the default (alphabetical) order
    assert not view.scope.text().endswith("your order")
    recomputed_after(qtbot, view, before)
    assert headers(view)[2:] == ["Mentees (n = 4)", "Mentors (n = 2)", "(not set) (n = 1)"]

    # Orders are kept per attribute.
    view.set_group_order(["mentor", "mentee"])
    view.attribute.setCurrentText("gender")
    assert view.options().group_order is None
    view.set_group_order(["male", "female"])
    assert view.options().group_order == ["male", "female"]
    view.attribute.setCurrentText("role")
    assert view.options().group_order == ["mentor", "mentee"]
    view.default_order_action.trigger()
    assert view.options().group_order is None


def test_column_order_dialog(qtbot, project: Project, known: Known, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = GroupOrderDialog([("b", "Bees"), ("a", "Ants"), ("10", "Ten"), ("9", "Nine")], "kind")
    qtbot.addWidget(dialog)
    assert dialog.order() == ["b", "a", "10", "9"]
    dialog.list.setCurrentRow(0)
    dialog.move_current(1)
    assert dialog.order() == ["a", "b", "10", "9"]
    dialog.move_current(1)
    dialog.move_current(1)
    dialog.move_current(1)  # already last: nothing happens
    assert dialog.order() == ["a", "10", "9", "b"]
    dialog.sort_default()
    assert dialog.order() == ["10", "9", "a", "b"]
    assert default_group_order(["10", "9", "-1.5"]) == ["-1.5", "9", "10"]

    view = MatrixView(project)
    qtbot.addWidget(view)

    def reorder(self: GroupOrderDialog) -> int:
        assert self.order() == ["mentee", "mentor", ""]
        self.list.setCurrentRow(1)
        self.move_current(-1)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(GroupOrderDialog, "exec", reorder)
    before = view.recomputed
    view.order_action.trigger()
    assert view.options().group_order == ["mentor", "mentee"]
    recomputed_after(qtbot, view, before)
    assert headers(view) == ["Theme", "Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)"]


def test_menus_are_refilled_keeping_the_choices(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    mentees, mentors = known.documents["FGI mentees"], known.documents["FGI mentors"]
    before = view.recomputed
    view.documents.item_actions[mentors].trigger()
    recomputed_after(qtbot, view, before)
    assert view.coders.keys() == ["tester"]

    # A new document and a new coder arrive, announced as the main window would.
    extra, _text = add_doc(project, "FGI extra", [("E4", "I came late but the study plan helped.")])
    before = view.recomputed
    view.on_change(Change("import", documents_added=True))
    view.on_change(jordan_codes(project, known)[0])
    recomputed_after(qtbot, view, before)
    assert view.documents.keys() == [mentees, mentors, extra]
    assert view.documents.chosen() == [mentees]  # the choice is kept; the new one is not in it
    assert [a.isChecked() for a in view.documents.item_actions.values()] == [True, False, False]
    assert view.coders.keys() == ["Jordan", "tester"]
    assert view.coders.chosen() is None  # "all coders" includes the new one
    assert view.scope.text() == "Counting both coders · 1 of 3 documents"
    assert view.matrix is not None and view.matrix.documents == ("FGI mentees",)
    assert "Training" in "\n".join("\n".join(r) for r in grid(view))  # Jordan's, in mentees

    # Choosing every document one by one means "all" (so later documents are included).
    view.documents.item_actions[mentors].trigger()
    view.documents.item_actions[extra].trigger()
    assert view.documents.chosen() is None and view.documents.all_action.isChecked()


def test_scope_chooser_keeps_what_still_exists(qtbot) -> None:  # type: ignore[no-untyped-def]
    chooser = ScopeChooser("Documents", "All documents")
    qtbot.addWidget(chooser)
    emitted: list[bool] = []
    chooser.changed.connect(lambda: emitted.append(True))
    chooser.set_items(
        [("t1", "Interview 1", "Transcripts"), ("t2", "Interview 2", "Transcripts"),
         ("s1", "Q1", "Survey questions")],
        {"t1": "3 coded segments"},
    )  # fmt: skip
    texts = [a.text() for a in chooser.menu().actions()]
    assert texts[:3] == ["All documents", "Only transcripts", "Only survey questions"]
    assert "Transcripts" in texts and "Survey questions" in texts  # section titles
    assert chooser.item_actions["t1"].toolTip() == "3 coded segments"
    assert chooser.summary("document", "documents") == "all 3 documents"
    only = next(a for a in chooser.menu().actions() if a.text() == "Only transcripts")
    only.trigger()
    assert chooser.chosen() == ["t1", "t2"] and emitted == [True]
    assert chooser.summary("document", "documents") == "2 of 3 documents"
    chooser.set_chosen(["nothing known"])  # refused: something must stay chosen
    assert chooser.chosen() == ["t1", "t2"] and emitted == [True]
    # t2 disappears: t1 stays chosen; then t1 disappears too: back to all. No signal.
    chooser.set_items([("t1", "Interview 1", "Transcripts"), ("s1", "Q1", "Survey questions")])
    assert chooser.chosen() == ["t1"]
    chooser.set_items([("s1", "Q1", "Survey questions")])
    assert chooser.chosen() is None and emitted == [True]
    assert chooser.summary("document", "documents") == "1 document"


def test_menu_stays_open_while_ticking(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    menu = view.documents.menu()
    menu.popup(view.mapToGlobal(view.rect().center()))
    qtbot.waitExposed(menu)
    action = view.documents.item_actions[known.documents["FGI mentors"]]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert not action.isChecked() and menu.isVisible()
    assert view.documents.chosen() == [known.documents["FGI mentees"]]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert action.isChecked() and view.documents.chosen() is None
    menu.hide()
