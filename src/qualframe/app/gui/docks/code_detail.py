"""Code detail dock: the coding manual entry of the selected code (definition, inclusion and
exclusion criteria, example). Edits are saved when a field loses focus, as one undoable
command."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.colors import label_color, set_muted
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.workbench import Selection, Workbench
from qualframe.coding import commands
from qualframe.coding.codebook.tree import DETAIL_FIELDS
from qualframe.coding.core.changes import Change
from qualframe.coding.core.records import CodeRecord

LABELS = {
    "definition": "Definition",
    "inclusion": "Include when",
    "exclusion": "Exclude when",
    "example": "Example",
}


class CodeDetailDock(QDockWidget):
    """Shows the selected code (the workbench's selection) from the shared codebook model."""

    def __init__(
        self, bench: Workbench, codes: CodebookModel, parent: QWidget | None = None
    ) -> None:
        super().__init__("Code details", parent)
        self.setObjectName("code_detail")
        self.bench = bench
        self.project = project = bench.project
        self.codes = codes
        self.record: CodeRecord | None = None
        self.title = QLabel("Select a code to see its definition and criteria.")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.counts = QLabel("")
        set_muted(self.counts)  # quieter than the title, still WCAG AA (4.5:1)
        self.fields: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for key in DETAIL_FIELDS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(56 if key != "definition" else 64)
            edit.setPlaceholderText(f"{LABELS[key]}…")
            edit.installEventFilter(self)
            edit.setReadOnly(not project.can_edit)
            self.fields[key] = edit
            form.addRow(LABELS[key], edit)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.counts)
        lay.addLayout(form)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the fields
        self.setWidget(scroll)
        self._set_enabled(False)
        bench.changed.connect(self.on_change)
        bench.selectionChanged.connect(self._selection_changed)
        codes.modelReset.connect(self._counts_changed)
        codes.dataChanged.connect(self._counts_changed)

    def _selection_changed(self, selection: Selection) -> None:
        if selection.code_guid != (self.record.guid if self.record else None):
            guid = selection.code_guid
            self.show_code(selection.code, self.codes.counts.get(guid) if guid else None)

    def _counts_changed(self, *_: object) -> None:
        if self.record is not None:
            segs, people = self.codes.counts.get(self.record.guid, (0, 0))
            self.counts.setText(f"{segs} coded segments · {people} participants")

    def _set_enabled(self, on: bool) -> None:
        for edit in self.fields.values():
            edit.setEnabled(on)

    def show_code(self, record: CodeRecord | None, counts: tuple[int, int] | None = None) -> None:
        self.save()
        self.record = record
        if record is None:
            self.title.setText("Select a code to see its definition and criteria.")
            self.counts.setText("")
            for edit in self.fields.values():
                edit.setPlainText("")
            self._set_enabled(False)
            return
        color = label_color(record.color).name()
        crumbs = " › ".join(record.path[:-1])
        self.title.setText(
            f"<span style='color:{record.color}; font-size:16px'>&#9632;</span> "
            f"<b style='color:{color}'>{_esc(record.name)}</b>"
            + (f"<br><small>{_esc(crumbs)}</small>" if crumbs else "")
        )
        if counts is not None:
            segs, people = counts
            self.counts.setText(f"{segs} coded segments · {people} participants")
        for key, edit in self.fields.items():
            edit.setPlainText(getattr(record, key))
        self._set_enabled(True)

    def save(self) -> bool:
        """Commit edited fields of the shown code; True when something was saved."""
        rec = self.record
        if rec is None or not self.project.can_edit:
            return False
        values = {
            key: edit.toPlainText()
            for key, edit in self.fields.items()
            if edit.toPlainText() != getattr(rec, key)
        }
        if not values:
            return False
        return self.bench.push(commands.EditCodeDetails(rec.guid, values, seen_version=rec.version))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and obj in self.fields.values():
            self.save()
        return super().eventFilter(obj, event)

    def on_change(self, change: Change) -> None:
        rec = self.record
        if rec is None:
            return
        if change.codebook or (rec.guid in change.codes and not change.segments):
            model = self.codes
            fresh = model.by_guid.get(rec.guid)
            self.record = None  # do not save stale edits over the fresh record
            self.show_code(fresh, model.counts.get(rec.guid) if fresh else None)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
