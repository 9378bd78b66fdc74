"""File → Import…: a preview of what will be imported, then the import with a progress bar.

Nothing is written before the user presses Import. The preview shows, per transcript, the
speakers with their turns and words (pseudonyms are editable — giving two labels the same
pseudonym merges them into one participant — and each can be marked as interviewer) and the
labels found with their evidence (lines, first line, why they are or are not speakers; a
tick accepts or drops a label, and the choice is remembered for the project), per survey
everything the command line can set (``survey_preview.SurveyPreviewTab``), and bad files with
their reason. Attributes are set on every file's speakers and respondents or on one file's
(mentors' and mentees' groups imported together, each with its role); an encoding override
applies to all files. The import runs through ``run_with_progress`` and is all-or-nothing;
cancelling writes nothing. The label-evidence table lives in label_evidence.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.import_attributes import AttributeRows
from qualframe.app.gui.dialogs.label_evidence import evidence_table
from qualframe.app.gui.dialogs.survey_preview import SurveyPreviewTab, tab_state
from qualframe.app.gui.dialogs.transcript_preview import (
    follow_speaker_edit,
    set_speaker_cells,
    speaker_table,
    transcript_tab,
)
from qualframe.app.gui.tasks import Cancelled, run_with_progress
from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.importing import (
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
KINDS = (("their extension says", "auto"), ("transcripts", "transcript"),
         ("survey exports", "survey"))  # fmt: skip


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


def _item(text: str, *, editable: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
    return item


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, project: Project, paths: list[Path]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import files")
        self.resize(980, 720)
        self.project = project
        self.paths = _expand(paths)
        self.options = ImportOptions()
        self.previews: list[FilePreview] = []
        self.change: Change | None = None
        self._building = False
        self.speaker_tables: dict[Path, QTableWidget] = {}
        self.evidence_tables: dict[Path, QTableWidget] = {}
        self.survey_tabs: dict[Path, SurveyPreviewTab] = {}
        self._survey_pages: dict[Path, int] = {}

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
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setStyleSheet("color: #8a5a00;")
        self.conflict_label.hide()
        layout.addWidget(self.conflict_label)
        layout.addWidget(self._buttons())
        self.refresh()

    def _options_form(self) -> QFormLayout:
        """Encoding and kind, speaker label pattern, and the attributes to set."""
        form = QFormLayout()
        self.encoding = QComboBox()
        self.encoding.setEditable(True)
        self.encoding.addItems(ENCODINGS)
        self.encoding.setToolTip("Text encoding of .txt/.md/.csv files; detected unless chosen")
        self.encoding.activated.connect(lambda _i: self.refresh())
        line_edit = self.encoding.lineEdit()
        if line_edit is not None:
            line_edit.editingFinished.connect(self.refresh)
        self.kind = QComboBox()  # --kind
        for text, kind in KINDS:
            self.kind.addItem(text, kind)
        self.kind.setToolTip("A survey saved as .txt, or a transcript saved as .csv: say so here")
        self.kind.activated.connect(lambda _i: self.refresh())
        row = QHBoxLayout()
        row.addWidget(self.encoding, 1)
        row.addWidget(QLabel("Read the files as:"))
        row.addWidget(self.kind)
        form.addRow("Encoding:", row)
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
        self.attribute_rows = AttributeRows(lambda: self.paths, self._attributes_edited)
        self.attributes = self.attribute_rows.table
        form.addRow("Set on the speakers\nand respondents:", self.attribute_rows)
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
    def add_attribute(self, key: str, value: str, file: Path | str | None = None) -> None:
        """A row of the attributes to set: ``file`` None for every file, else one file's."""
        self.attribute_rows.add(key, value, file)

    def _attributes_edited(self) -> None:
        """Attributes decide the conflicts a survey would cause: parse again."""
        if not self._building:
            self.refresh()

    def current_options(self) -> ImportOptions:
        enc = self.encoding.currentText().strip()
        self.options.encoding = None if not enc or enc == ENCODINGS[0] else enc
        self.options.kind = str(self.kind.currentData() or "auto")
        self.options.attributes, self.options.file_attributes = self.attribute_rows.collect()
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
        self._rebuild_tabs()
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

    def _rebuild_tabs(self) -> None:
        current = self.tabs.currentIndex()
        for path, tab in self.survey_tabs.items():  # each survey keeps the page it showed
            self._survey_pages[path] = tab_state(tab)
        self._building = True
        try:
            self.tabs.clear()
            self.speaker_tables.clear()
            self.evidence_tables.clear()
            self.survey_tabs.clear()
            speakers = self._speakers()
            for preview in self.previews:
                if preview.error is not None:
                    continue
                if preview.kind == "transcript":
                    widget = self._transcript_tab(preview)
                else:
                    widget = self._survey_tab(preview, speakers)
                self.tabs.addTab(widget, preview.name)
            if 0 <= current < self.tabs.count():
                self.tabs.setCurrentIndex(current)
            self.attribute_rows.sync_files()
        finally:
            self._building = False

    def _update_buttons(self) -> None:
        good = any(p.ok for p in self.previews)
        bad = any(not p.ok for p in self.previews)
        open_ = sorted({a for tab in self.survey_tabs.values() for a in tab.unresolved()})
        self.import_button.setEnabled(good and (not bad or self.skip_bad.isChecked()) and not open_)
        self.conflict_label.setText(
            f"A survey would change values of {', '.join(open_)} that the project holds: "
            "choose keep or replace on its Conflicts page."
            if open_
            else ""
        )
        self.conflict_label.setVisible(bool(open_))

    def _transcript_tab(self, preview: FilePreview) -> QWidget:
        table = speaker_table(preview)
        table.itemChanged.connect(lambda item, t=table: self._speaker_edited(t, item))
        self.speaker_tables[preview.path] = table
        return transcript_tab(preview, table, self._evidence_table(preview))

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
            follow_speaker_edit(list(self.speaker_tables.values()), table, item, label)
        finally:
            self._building = False

    def set_speaker(
        self, label: str, *, pseudonym: str | None = None, interviewer: bool | None = None
    ) -> None:
        """Rename/mark a speaker as the user would in the table (all tables follow)."""
        set_speaker_cells(list(self.speaker_tables.values()), label, pseudonym, interviewer)

    def _speakers(self) -> list[tuple[str, str]]:
        """Transcript speakers a survey respondent may be: the project's (not yet linked)
        and those of the transcripts in this import."""
        from qualframe.coding.commands.respondent_link import transcript_speakers

        try:
            known = dict(transcript_speakers(self.project))
        except UserError:
            known = {}
        for p in self.previews:
            if p.ok and p.kind == "transcript":
                for s in p.speaker_details:
                    if not s.is_interviewer:
                        where = known.get(s.pseudonym)
                        known[s.pseudonym] = f"{where}, {p.name}" if where else p.name
        return sorted(known.items())

    def _survey_tab(self, preview: FilePreview, speakers: list[tuple[str, str]]) -> QWidget:
        path = preview.path
        tab = SurveyPreviewTab(preview, self.options, partial(self.change_options, path), speakers)
        tab.pages.setCurrentIndex(self._survey_pages.get(path, 0))
        self.survey_tabs[path] = tab
        return tab

    def change_options(self, path: Path, change: Callable[[ImportOptions], None]) -> bool:
        """Change the options (as a survey tab asks) and parse again; a change that makes
        ``path`` unreadable is undone, and the reason shown."""
        before = copy.deepcopy(self.current_options())
        change(self.options)
        self.refresh()
        failed = next((p.error for p in self.previews if p.path == path and p.error), None)
        if failed is None:
            return True
        self.options = before
        self.refresh()
        self.error_label.setText(f"Not changed: {failed}")
        return False

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
