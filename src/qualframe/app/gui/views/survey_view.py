"""The Survey view: the survey's items with their types, the tables, grouping and export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.written import tell_file_written
from qualframe.app.gui.flow_layout import FlowLayout
from qualframe.app.gui.models.survey_models import (
    CodesTableModel,
    FrequencyTableModel,
    LikertTableModel,
    SurveyItemsModel,
)
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.coding.analysis.survey import (
    SurveyTables,
    compute_tables,
    default_group,
    load_survey,
)
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError

NO_GROUPING = "(no grouping)"
FORMATS = {
    "docx": ("Word", "Word document (*.docx)"),
    "xlsx": ("Excel", "Excel workbook (*.xlsx)"),
    "json": ("JSON", "JSON (*.json)"),
}


def _table_view(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(False)
    return view


def _note_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("font-size: 9pt;")
    return label


class SurveyView(QWidget):
    """Frequencies, Likert comparison and coded themes of the project's survey."""

    def __init__(
        self, project: Project, parent: QWidget | None = None, *, defer: bool = False
    ) -> None:
        """``defer``: compute the tables when the view is first shown, not now."""
        super().__init__(parent)
        self.project = project
        self._unshown = defer
        self.tables: SurveyTables | None = None
        self.items_model = SurveyItemsModel(self)
        self.freq_model = FrequencyTableModel(self)
        self.likert_model = LikertTableModel(self)
        self.codes_model = CodesTableModel(self)

        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addWidget(self._tables(), 1)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.reload)
        if not defer:
            self.reload()

    def _bar(self) -> QVBoxLayout:
        self.group_combo = QComboBox()
        self.group_combo.setToolTip("The respondent attribute whose groups are compared")
        self.group_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.export_buttons: dict[str, QPushButton] = {}
        # The grouping and the export buttons flow onto a second line in a narrow window
        # (never cut short); the respondent counts get a line of their own.
        group = QWidget()
        group_layout = QHBoxLayout(group)
        group_layout.setContentsMargins(0, 0, 12, 0)
        group_layout.addWidget(QLabel("Group by:"))
        group_layout.addWidget(self.group_combo)
        flow = FlowLayout()
        flow.addWidget(group)
        flow.add_stretch()
        for fmt, (label, _filter) in FORMATS.items():
            button = QPushButton(f"Export {label}…")
            button.clicked.connect(lambda _c=False, f=fmt: self.choose_and_export(f))
            flow.addWidget(button)
            self.export_buttons[fmt] = button
        bar = QVBoxLayout()
        bar.addLayout(flow)
        bar.addWidget(self.status)
        return bar

    def _tables(self) -> QTabWidget:
        self.items_view = _table_view(self.items_model)
        self.items_view.horizontalHeader().setStretchLastSection(True)
        self.freq_view = _table_view(self.freq_model)
        self.likert_view = _table_view(self.likert_model)
        self.codes_view = _table_view(self.codes_model)
        self.freq_note, self.likert_note, self.codes_note = (_note_label() for _ in range(3))
        self.tabs = QTabWidget()
        for title, view, note in (
            ("Frequencies", self.freq_view, self.freq_note),
            ("Likert items", self.likert_view, self.likert_note),
            ("Open-ended themes", self.codes_view, self.codes_note),
        ):
            page = QWidget()
            lay = QVBoxLayout(page)
            lay.setContentsMargins(0, 4, 0, 0)
            lay.addWidget(view, 1)
            lay.addWidget(note)
            self.tabs.addTab(page, title)

        # The items and their detected types get a tab of their own, so each table has the
        # full width of the centre (the frequency table is wide once there are groups).
        items_page = QWidget()
        items_lay = QVBoxLayout(items_page)
        items_lay.setContentsMargins(0, 4, 0, 0)
        items_lay.addWidget(self.items_view)
        self.tabs.addTab(items_page, "Items and types")
        return self.tabs

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unshown:
            self._unshown = False
            self.reload()

    # -- data ---------------------------------------------------------------------------
    @property
    def group_by(self) -> str | None:
        text = self.group_combo.currentText()
        return None if not text or text == NO_GROUPING else text

    def reload(self) -> None:
        """Re-read the attribute names, then recompute the tables."""
        from qualframe.coding.corpus.participants import attribute_names

        current = self.group_by
        try:
            names = attribute_names(self.project)
        except ProjectError as exc:
            self._show_error(str(exc))
            return
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItems([NO_GROUPING, *names])
        wanted = current if current in names else None
        if wanted is None and self.tables is None:
            wanted = default_group(self.project)
        self.group_combo.setCurrentIndex(names.index(wanted) + 1 if wanted in names else 0)
        self.group_combo.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        try:
            data = load_survey(self.project, self.group_by)
            self.items_model.set_items(data.items)
            if not data.items or not data.respondents:
                self.tables = None
                self.status.setText(
                    "This project has no survey answers yet; import a survey file to see "
                    "its tables here."
                )
            else:
                self.tables = compute_tables(data)
                t = self.tables
                groups = ", ".join(f"{g} {t.group_ns[g]}" for g in t.groups)
                self.status.setText(f"{t.total_n} respondents" + (f" ({groups})" if groups else ""))
        except ProjectError as exc:
            self.tables = None
            self._show_error(str(exc))
        for model in (self.freq_model, self.likert_model, self.codes_model):
            model.set_tables(self.tables)
        self._update_notes()
        for button in self.export_buttons.values():
            button.setEnabled(self.tables is not None)

    def _show_error(self, message: str) -> None:
        self.status.setText(message)

    def _update_notes(self) -> None:
        t = self.tables
        if t is None:
            for label in (self.freq_note, self.likert_note, self.codes_note):
                label.setText("")
            return
        freq = "n (%) of the respondents who answered each item."
        if any(f.multiple for f in t.frequencies):
            freq += " Multiple answers allowed: percentages may sum to more than 100%."
        self.freq_note.setText(freq if t.frequencies else "No single- or multiple-choice items.")
        likert = "mean ± SD; missing answers excluded per item."
        if t.likert_methods:
            likert += " p: " + "; ".join(t.likert_methods) + "."
        if len(t.groups) == 2:
            likert += f" r > 0: {t.groups[1]} answered higher."
        self.likert_note.setText(likert if t.likert else "No Likert items.")
        if t.codes is None:
            self.codes_note.setText("No coded open-ended answers yet.")
        else:
            self.codes_note.setText(
                "n (%) of respondents with an open-ended answer who raised the code "
                "(sub-codes count toward their parent)."
                + (" p: two-sided Fisher's exact test." if len(t.groups) == 2 else "")
            )

    def on_change(self, change: Change) -> None:
        if change.survey or change.participants or change.segments or change.codebook:
            self._timer.start()

    # -- export -------------------------------------------------------------------------
    def choose_and_export(self, fmt: str) -> None:
        label, file_filter = FORMATS[fmt]
        start = str(Path(self.project.path or Path.home()).with_name(f"survey-tables.{fmt}"))
        path, _ = ask_save_path(self, f"Export survey tables ({label})", start, file_filter)
        if path:
            self.export(fmt, Path(path))

    def export(self, fmt: str, path: Path) -> bool:
        """Write the current tables as ``fmt`` to ``path`` off the GUI thread."""
        tables = self.tables
        if tables is None:
            return False

        def work(progress: Progress) -> None:
            progress(0, 1, path.name)
            if fmt == "docx":
                from qualframe.coding.export.survey_docx import write_survey_docx

                write_survey_docx(tables, path)
            elif fmt == "xlsx":
                from qualframe.coding.export.survey_xlsx import write_survey_xlsx

                write_survey_xlsx(tables, path)
            else:
                from qualframe.coding.export.atomic import write_json_atomically

                write_json_atomically(path, tables.to_json())
            progress(1, 1, path.name)

        if not run_export(self, "Exporting survey tables", work):
            return False
        self.status.setText(f"Exported {path.name}.")
        tell_file_written(self, "the survey tables", path)
        return True
