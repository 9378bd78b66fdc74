"""File → Import…: a preview of what will be imported, then the import with a progress bar.

Nothing is written before the user presses Import. The preview shows, per transcript, the
speakers with their turns and words (pseudonyms are editable — giving two labels the same
pseudonym merges them into one participant — and each can be marked as interviewer) and the
labels found with their evidence (lines, first line, why they are or are not speakers; a
tick accepts or drops a label, and the choice is remembered for the project), per
survey the columns with their detected types (editable), the respondent id and the group
column with the value mapping, and bad files with their reason. Attributes to set and an
encoding override apply to all files. The import runs through ``run_with_progress`` and is
all-or-nothing; cancelling writes nothing.

Over 500 lines because both preview tabs share one options object and one refresh (a split
would pass that state back and forth); the label-evidence table lives in label_evidence.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.label_evidence import evidence_table
from qualframe.app.gui.tasks import Cancelled, run_with_progress
from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.importing import (
    COLUMN_TYPES,
    FilePreview,
    ImportCancelled,
    ImportOptions,
    import_files,
    preview_files,
)
from qualframe.coding.importing.extract import TRANSCRIPT_SUFFIXES
from qualframe.coding.importing.survey import SURVEY_SUFFIXES
from qualframe.coding.importing.transcripts import remembered_labels

ENCODINGS = ("Detect automatically", "utf-8", "utf-16", "cp949", "euc-kr", "cp1252", "latin-1")
FILE_FILTER = (
    "Transcripts and surveys (*.docx *.txt *.md *.odt *.rtf *.pdf *.csv *.tsv *.xlsx);;"
    "REFI-QDA projects and codebooks (*.qdpx *.qdc);;"
    "All files (*)"
)
SPEAKER_HEADERS = ("Label", "Turns", "Words", "Interviewer", "Pseudonym (participant)")
COLUMN_HEADERS = ("Column", "Detected", "Type", "Answers", "Details")


def _expand(paths: list[Path]) -> list[Path]:
    """Folders become the importable files they contain (not recursive)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.iterdir()
                    if f.is_file() and f.suffix.lower() in TRANSCRIPT_SUFFIXES | SURVEY_SUFFIXES
                )
            )  # fmt: skip
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def _tab_with_summary(preview: FilePreview, summary: str) -> tuple[QWidget, QVBoxLayout]:
    """A preview tab starting with the file's one-line summary and its warnings."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    info = QLabel(summary + "".join(f"\n⚠ {w}" for w in preview.warnings))
    info.setWordWrap(True)
    layout.addWidget(info)
    return widget, layout


def _item(text: str, *, editable: bool = False, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, project: Project, paths: list[Path]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import files")
        self.resize(860, 620)
        self.project = project
        self.paths = _expand(paths)
        self.options = ImportOptions()
        self.previews: list[FilePreview] = []
        self.change: Change | None = None
        self._building = False
        self.speaker_tables: dict[Path, QTableWidget] = {}
        self.evidence_tables: dict[Path, QTableWidget] = {}
        self.column_tables: dict[Path, QTableWidget] = {}

        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.bad_label = QLabel()
        self.bad_label.setWordWrap(True)
        self.bad_label.setStyleSheet("color: #a40000;")
        self.bad_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.bad_label)
        self.skip_bad = QCheckBox("Skip the bad files and import the rest")
        self.skip_bad.toggled.connect(self._update_buttons)
        layout.addWidget(self.skip_bad)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._options_form())
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000; font-weight: bold;")
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons())
        self.refresh()

    def _options_form(self) -> QFormLayout:
        """Encoding, speaker label pattern and the attributes set on everyone."""
        form = QFormLayout()
        self.encoding = QComboBox()
        self.encoding.setEditable(True)
        self.encoding.addItems(ENCODINGS)
        self.encoding.setToolTip("Text encoding of .txt/.md/.csv files; detected unless chosen")
        self.encoding.activated.connect(lambda _i: self.refresh())
        line_edit = self.encoding.lineEdit()
        if line_edit is not None:
            line_edit.editingFinished.connect(self.refresh)
        form.addRow("Encoding:", self.encoding)
        self.label_pattern = QLineEdit()
        self.label_pattern.setPlaceholderText(
            "optional regular expression with a group 'label', e.g. (?P<label>[A-Z]\\d*)> "
        )
        self.label_pattern.setToolTip(
            "When speaker labels do not look like 'M1:' or '[Moderator]', describe them here; "
            "it is matched at the start of each line."
        )
        self.label_pattern.editingFinished.connect(self.refresh)
        _, _, remembered_pattern = remembered_labels(self.project)
        if remembered_pattern:  # the pattern last used in this project
            self.label_pattern.setText(remembered_pattern)
        form.addRow("Speaker label pattern:", self.label_pattern)
        attr_box = QWidget()
        attr_layout = QHBoxLayout(attr_box)
        attr_layout.setContentsMargins(0, 0, 0, 0)
        self.attributes = QTableWidget(0, 2)
        self.attributes.setHorizontalHeaderLabels(("Attribute", "Value"))
        self.attributes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.attributes.verticalHeader().hide()
        self.attributes.setMaximumHeight(96)
        attr_layout.addWidget(self.attributes, 1)
        buttons = QVBoxLayout()
        add = QPushButton("Add")
        add.clicked.connect(lambda: self.add_attribute("", ""))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_attribute)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        attr_layout.addLayout(buttons)
        form.addRow("Set on every speaker\nand respondent:", attr_box)
        return form

    def _buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox()
        self.add_files = self.buttons.addButton(
            "Add files…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.add_files.clicked.connect(self._ask_more)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- options --------------------------------------------------------------------------
    def add_attribute(self, key: str, value: str) -> None:
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        self.attributes.setItem(row, 0, _item(key, editable=True))
        self.attributes.setItem(row, 1, _item(value, editable=True))

    def _remove_attribute(self) -> None:
        row = self.attributes.currentRow()
        if row >= 0:
            self.attributes.removeRow(row)

    def _collect_attributes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.attributes.rowCount()):
            key_item, value_item = self.attributes.item(row, 0), self.attributes.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            value = value_item.text().strip() if value_item else ""
            if key and value:
                out[key] = value
        return out

    def current_options(self) -> ImportOptions:
        enc = self.encoding.currentText().strip()
        self.options.encoding = None if not enc or enc == ENCODINGS[0] else enc
        self.options.attributes = self._collect_attributes()
        self.options.label_pattern = self.label_pattern.text().strip() or None
        return self.options

    def set_encoding(self, name: str | None) -> None:
        self.encoding.setCurrentText(name or ENCODINGS[0])
        self.refresh()

    # -- preview ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Parse the files again with the current options and rebuild the tabs."""
        self.error_label.clear()
        try:
            self.previews = preview_files(self.paths, self.current_options(), self.project)
        except UserError as exc:  # a bad option (encoding name, …): keep the old preview
            self.error_label.setText(str(exc))
            self._update_buttons()
            return
        current = self.tabs.currentIndex()
        self._building = True
        try:
            self.tabs.clear()
            self.speaker_tables.clear()
            self.evidence_tables.clear()
            self.column_tables.clear()
            for preview in self.previews:
                if preview.error is not None:
                    continue
                if preview.kind == "transcript":
                    widget = self._transcript_tab(preview)
                else:
                    widget = self._survey_tab(preview)
                self.tabs.addTab(widget, preview.name)
            if 0 <= current < self.tabs.count():
                self.tabs.setCurrentIndex(current)
        finally:
            self._building = False
        good = [p for p in self.previews if p.ok]
        bad = [p for p in self.previews if not p.ok]
        n_t = sum(1 for p in good if p.kind == "transcript")
        n_s = len(good) - n_t
        self.summary.setText(
            f"{len(self.paths)} file(s): {n_t} transcript(s), {n_s} survey(s) ready to import."
            " Nothing is written until you press Import."
        )
        self.bad_label.setText("\n".join(f"✗ {p.error}" for p in bad) if bad else "")
        self.bad_label.setVisible(bool(bad))
        self.skip_bad.setVisible(bool(bad))
        self._update_buttons()

    def _update_buttons(self) -> None:
        good = any(p.ok for p in self.previews)
        bad = any(not p.ok for p in self.previews)
        self.import_button.setEnabled(good and (not bad or self.skip_bad.isChecked()))

    def _transcript_tab(self, preview: FilePreview) -> QWidget:
        widget, layout = _tab_with_summary(
            preview,
            f"Transcript ({preview.format}), encoding {preview.encoding or 'n/a'}: "
            f"{preview.turns} turns, {preview.words} words.",
        )
        table = QTableWidget(len(preview.speaker_details), len(SPEAKER_HEADERS))
        table.setHorizontalHeaderLabels(SPEAKER_HEADERS)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, s in enumerate(preview.speaker_details):
            names = len(s.real_names) or (1 if s.real_name else 0)
            private = {0: "", 1: " (real name kept private)"}.get(
                names, f" ({names} spellings of the real name kept private)"
            )
            first = _item(s.label + private)
            first.setData(Qt.ItemDataRole.UserRole, s.label)
            table.setItem(row, 0, first)
            table.setItem(row, 1, _item(str(s.turns), align_right=True))
            table.setItem(row, 2, _item(str(s.words), align_right=True))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            check.setCheckState(
                Qt.CheckState.Checked if s.is_interviewer else Qt.CheckState.Unchecked
            )
            table.setItem(row, 3, check)
            table.setItem(row, 4, _item(s.pseudonym, editable=True))
        table.resizeColumnsToContents()
        table.itemChanged.connect(lambda item, t=table: self._speaker_edited(t, item))
        self.speaker_tables[preview.path] = table
        layout.addWidget(table, 2)
        hint = QLabel(
            "Edit a pseudonym to rename a speaker; give two labels the same pseudonym to merge "
            "them into one participant. Interviewers are not participants."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #556;")
        layout.addWidget(hint)
        layout.addWidget(self._evidence_table(preview), 3)
        note = QLabel(
            "Labels found at the start of lines, and why each is or is not a speaker. Tick a "
            "label to make it a speaker, untick it to read its lines as text; the choice is "
            "remembered for this project."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #556;")
        layout.addWidget(note)
        return widget

    def _evidence_table(self, preview: FilePreview) -> QTableWidget:
        table = evidence_table(preview)
        table.itemChanged.connect(self._label_decided)
        self.evidence_tables[preview.path] = table
        return table

    def _label_decided(self, item: QTableWidgetItem) -> None:
        if self._building or item.column() != 0:
            return
        self.set_label_accepted(
            str(item.data(Qt.ItemDataRole.UserRole)), item.checkState() == Qt.CheckState.Checked
        )

    def set_label_accepted(self, key: str, accepted: bool) -> None:
        """Accept a label as a speaker or drop it (its lines become text), as the tick does;
        the preview is parsed again."""
        if accepted:
            self.options.accept_labels.add(key)
            self.options.drop_labels.discard(key)
        else:
            self.options.drop_labels.add(key)
            self.options.accept_labels.discard(key)
        self.refresh()

    def _speaker_edited(self, table: QTableWidget, item: QTableWidgetItem) -> None:
        if self._building:
            return
        label_item = table.item(item.row(), 0)
        if label_item is None:
            return
        label = str(label_item.data(Qt.ItemDataRole.UserRole))
        if item.column() == 3:
            self.options.interviewer_overrides[label] = item.checkState() == Qt.CheckState.Checked
        elif item.column() == 4:
            name = item.text().strip()
            if name and name != label:
                self.options.speaker_map[label] = name
            else:
                self.options.speaker_map.pop(label, None)
        else:
            return
        # the same label in other transcripts follows (the options apply to all files)
        self._building = True
        try:
            for other in self.speaker_tables.values():
                for row in range(other.rowCount()):
                    cell = other.item(row, 0)
                    if (
                        other is table
                        or cell is None
                        or cell.data(Qt.ItemDataRole.UserRole) != label
                    ):
                        continue
                    target = other.item(row, item.column())
                    if target is None:
                        continue
                    if item.column() == 3:
                        target.setCheckState(item.checkState())
                    else:
                        target.setText(item.text())
        finally:
            self._building = False

    def set_speaker(
        self, label: str, *, pseudonym: str | None = None, interviewer: bool | None = None
    ) -> None:
        """Rename/mark a speaker as the user would in the table (all tables follow)."""
        for table in self.speaker_tables.values():
            for row in range(table.rowCount()):
                cell = table.item(row, 0)
                if cell is None or cell.data(Qt.ItemDataRole.UserRole) != label:
                    continue
                name_item, check_item = table.item(row, 4), table.item(row, 3)
                if pseudonym is not None and name_item is not None:
                    name_item.setText(pseudonym)
                if interviewer is not None and check_item is not None:
                    check_item.setCheckState(
                        Qt.CheckState.Checked if interviewer else Qt.CheckState.Unchecked
                    )
                return

    def _survey_tab(self, preview: FilePreview) -> QWidget:
        widget, layout = _tab_with_summary(
            preview,
            f"Survey ({preview.source}), encoding {preview.encoding or 'n/a'}: "
            f"{preview.respondents} respondents, {len(preview.columns)} columns.",
        )
        form = QFormLayout()
        id_combo = QComboBox()
        id_combo.addItems([c.name for c in preview.columns])
        id_combo.setCurrentText(preview.id_column or "")
        id_combo.activated.connect(lambda _i, c=id_combo: self._set_id_column(c.currentText()))
        form.addRow("Respondent id column:", id_combo)
        group_combo = QComboBox()
        group_combo.addItem("(none)")
        group_combo.addItems([c.name for c in preview.columns if c.type in ("attribute", "single")])
        group_combo.setCurrentText(preview.group_column or "(none)")
        group_combo.activated.connect(
            lambda _i, c=group_combo: self._set_group_column(c.currentText())
        )
        form.addRow("Group column:", group_combo)
        layout.addLayout(form)
        table = QTableWidget(len(preview.columns), len(COLUMN_HEADERS))
        table.setHorizontalHeaderLabels(COLUMN_HEADERS)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, col in enumerate(preview.columns):
            table.setItem(row, 0, _item(col.name))
            table.setItem(row, 1, _item(col.detected))
            combo = QComboBox()
            combo.addItems(COLUMN_TYPES)
            combo.setCurrentText(col.type)
            combo.setEnabled(col.type != "id")
            combo.activated.connect(
                lambda _i, name=col.name, c=combo: self._set_column_type(name, c.currentText())
            )
            table.setCellWidget(row, 2, combo)
            table.setItem(row, 3, _item(str(col.answered), align_right=True))
            details = col.describe() if col.describe() != col.type else ""
            mapping = preview.attribute_mapping.get(col.name, {})
            if mapping:
                details = "; ".join(f"{k!r} → {v!r}" for k, v in mapping.items())
            if col.type == "text":
                details = "open-ended: one codable document for this question"
            table.setItem(row, 4, _item(details))
        table.resizeColumnsToContents()
        self.column_tables[preview.path] = table
        layout.addWidget(table)
        return widget

    def _set_id_column(self, name: str) -> None:
        self.options.id_column = name or None
        self.refresh()

    def _set_group_column(self, name: str) -> None:
        self.options.group_column = None if name in ("", "(none)") else name
        self.refresh()

    def _set_column_type(self, name: str, type_: str) -> None:
        """Override one survey column's type (as the combo in the table does)."""
        self.options.column_types[name] = type_
        self.refresh()

    def _ask_more(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import files", "", FILE_FILTER)
        if files:
            self.paths = list(dict.fromkeys([*self.paths, *map(Path, files)]))
            self.refresh()

    # -- import -------------------------------------------------------------------------------
    def accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        options = self.current_options()
        good = [p.path for p in self.previews if p.ok]
        skip = self.skip_bad.isChecked()
        paths = good if skip else self.paths
        project = self.project
        try:
            report = run_with_progress(
                self,
                "Importing",
                lambda progress: import_files(project, paths, options, progress, skip_bad=skip),
            )
        except (ImportCancelled, Cancelled):
            self.reject()
            return
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.refresh_keep_error(str(exc))
            return
        self.change = report.change
        self.report_lines = report.lines()
        super().accept()

    def refresh_keep_error(self, message: str) -> None:
        self.refresh()
        self.error_label.setText(message)


def ask_for_files(parent: QWidget | None) -> list[Path]:
    files, _ = QFileDialog.getOpenFileNames(parent, "Import files", "", FILE_FILTER)
    return [Path(f) for f in files]


def run_import(parent: QWidget | None, project: Project, paths: list[Path]) -> Change | None:
    """Preview ``paths`` (asking for files when empty), import on confirmation.

    Returns the import's Change, or None if the user cancelled (nothing written).
    """
    if not paths:
        paths = ask_for_files(parent)
        if not paths:
            return None
    from qualframe.app.gui import exchange_actions

    if exchange_actions.handles(paths) and hasattr(parent, "push"):  # REFI-QDA .qdpx / .qdc
        exchange_actions.import_files(parent, paths)  # type: ignore[arg-type]
        return None  # the import announced its own change (it is an undoable command)
    dialog = ImportDialog(parent, project, paths)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.change
    finally:
        dialog.deleteLater()
