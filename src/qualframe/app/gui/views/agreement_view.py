"""The Agreement tab: choose the coders and the unit, compute percent agreement, Cohen's κ
and Krippendorff's α per code and overall with bootstrap intervals, sort the table, export it
to Word or Excel. The notes under the table say what was counted and what was left out.

The computation runs off the GUI thread behind a progress dialog (``tasks``). While blind
coding is on, the tab shows nothing of the others' work and says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.flow_layout import FlowLayout, labelled
from qualframe.app.gui.models.agreement_model import AgreementModel, AgreementProxy
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Cancelled, run_export, run_with_progress
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.analysis.agreement.report import AgreementReport, agreement
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.coders import coder_names
from qualframe.storage.errors import ProjectError

UNITS = (("Characters", "character"), ("Speaker turns / survey answers", "turn"),
         ("Documents", "document"))  # fmt: skip


class AgreementView(QWidget):
    def __init__(
        self, bench: Workbench, scope: CoderScope, parent: QWidget | None = None,
        *, defer: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("agreement_view")
        self.bench = bench
        self.project = bench.project
        self.scope = scope
        self.report: AgreementReport | None = None
        self.model = AgreementModel(self)
        self.proxy = AgreementProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._stale = True
        scope.changed.connect(self._blind_changed)
        if not defer:
            self.reload_coders()
        self._blind_changed()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.coders = QListWidget()
        self.coders.setToolTip("The coders to compare (two or more)")
        # the coders side by side, wrapping: two lines high
        self.coders.setFlow(QListView.Flow.LeftToRight)
        self.coders.setWrapping(True)
        self.coders.setSpacing(2)
        self.coders.setFixedHeight(2 * self.coders.fontMetrics().height() + 16)
        self.unit = QComboBox()
        for label, unit in UNITS:
            self.unit.addItem(label, unit)
        self.exclude = QCheckBox("Leave out uncoded")
        self.exclude.setToolTip(
            "Units no compared coder coded with any code count as agreement unless left out"
        )
        self.exclude.setMinimumWidth(self.exclude.sizeHint().width())
        self.replicates = QSpinBox()
        self.replicates.setRange(0, 20000)
        self.replicates.setSingleStep(500)
        self.replicates.setValue(1000)
        self.replicates.setToolTip("Bootstrap replicates for the 95% CI of α (0: none)")
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(3)
        self.threshold.setValue(0.8)
        self.threshold.setToolTip("Show P(α < threshold): 0.8 to rely on a code, 0.667 tentative")
        self.compute_button = QPushButton("Compute")
        self.compute_button.clicked.connect(self.compute)
        self.word = QPushButton("Word…")
        self.excel = QPushButton("Excel…")
        self.word.clicked.connect(lambda: self.export(".docx"))
        self.excel.clicked.connect(lambda: self.export(".xlsx"))
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # a long code path keeps its end (the code's own name) when the column is narrow
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.notes = QLabel("Choose two or more coders and press Compute.")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setStyleSheet("color:#445")
        self.blind_note = QLabel(
            "<b>Blind coding is on.</b> Agreement shows the other coders' work, so it waits "
            "until blind coding is turned off (View → Coders)."
        )
        self.blind_note.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        """Controls in two rows above the table, so that the table (and its code paths) get
        the whole width of the tab."""
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Coders</b>"))
        top.addWidget(self.coders, 1)
        for button in (self.compute_button, self.word, self.excel):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        # the second row flows onto a third line in a narrow window (never cut short)
        controls = FlowLayout()
        for label, w in (("<b>Unit</b>", self.unit), ("", self.exclude),
                         ("Replicates", self.replicates), ("α threshold", self.threshold)):  # fmt: skip
            controls.addWidget(labelled(label, w) if label else w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(top)
        lay.addLayout(controls)
        lay.addWidget(self.blind_note)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.notes)

    # -- coders ------------------------------------------------------------------------------
    def reload_coders(self) -> None:
        checked = set(self.chosen_coders())
        fresh = not checked
        self.coders.clear()
        for i, name in enumerate(coder_names(self.project)):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = name in checked or (fresh and i < 2 and name.casefold() != "consensus")
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.coders.addItem(item)
        self._stale = False

    def chosen_coders(self) -> list[str]:
        return [
            self.coders.item(i).text()
            for i in range(self.coders.count())
            if self.coders.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_coders(self, names: list[str]) -> None:
        for i in range(self.coders.count()):
            item = self.coders.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked
            )

    def set_unit(self, unit: str) -> None:
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))

    # -- computing ------------------------------------------------------------------------------
    def compute(self) -> bool:
        if self.scope.blind:
            self.bench.hint("Turn blind coding off to compare coders.")
            return False
        coders, unit = self.chosen_coders(), str(self.unit.currentData())
        exclude, reps = self.exclude.isChecked(), self.replicates.value()
        threshold = self.threshold.value()
        try:
            report = run_with_progress(
                self, "Computing agreement",
                lambda _progress: agreement(
                    self.project, coders, unit=unit, exclude_uncoded=exclude,
                    replicates=reps, threshold=threshold,
                ),
            )  # fmt: skip
        except Cancelled:
            return False
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        self.show_report(report)
        return True

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.model.set_report(report)
        self.notes.setText(" ".join(report.notes()) + " “–”: undefined (no variation).")

    def export(self, suffix: str) -> bool:
        if self.report is None:
            self.bench.hint("Compute the agreement first.")
            return False
        kind = "Word documents (*.docx)" if suffix == ".docx" else "Excel workbooks (*.xlsx)"
        start = self.project.path.parent if self.project.path else Path.home()
        # the refusing dialog of every export: never the project or its working files
        name, _ = ask_save_path(
            self, "Export agreement", str(start / f"agreement-{self.report.unit}{suffix}"), kind
        )
        return bool(name) and self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        from qualframe.coding.export.agreement_report import export_agreement

        report = self.report
        assert report is not None
        if path.suffix.lower() not in (".docx", ".xlsx"):
            path = path.with_suffix(".docx")
        ok = run_export(
            self, "Exporting agreement", lambda _p: export_agreement(self.project, report, path)
        )
        if ok:
            self.bench.hint(f"Wrote {path.name}.")
        return ok

    # -- changes ---------------------------------------------------------------------------------
    def _blind_changed(self) -> None:
        blind = self.scope.blind
        self.blind_note.setVisible(blind)
        for w in (self.table, self.notes, self.coders, self.compute_button, self.word,
                  self.excel):  # fmt: skip
            w.setEnabled(not blind)
        if blind:
            self.report = None
            self.model.set_report(None)
            self.notes.setText("")

    def on_change(self, change: Change) -> None:
        """Coders may have come (a merge, a consensus); figures computed before a change are
        marked as such rather than silently kept."""
        self.reload_coders()
        if self.report is not None and (change.segments or change.codebook):
            self.notes.setText(
                "<b>The project changed since these figures were computed; press Compute "
                "again.</b> " + " ".join(self.report.notes())
            )

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        if self._stale:
            self.reload_coders()
        super().showEvent(event)  # type: ignore[arg-type]
