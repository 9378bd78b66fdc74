"""The import preview of one transcript: its speakers (turns, words, interviewer tick, the
pseudonym each label becomes — editable, two labels given one pseudonym merge) above the
labels found with their evidence (:mod:`label_evidence`). The import dialog connects the
tables' edits to its options; the helpers here build the tables and keep the same label in
every transcript's table alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qualframe.coding.importing import FilePreview

SPEAKER_HEADERS = ("Label", "Turns", "Words", "Interviewer", "Pseudonym (participant)")
LABEL, INTERVIEWER, PSEUDONYM = 0, 3, 4


def _item(text: str, *, editable: bool = False, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #556;")
    return label


def speaker_table(preview: FilePreview) -> QTableWidget:
    """One row per speaker label; column 0 holds the raw label as its user data."""
    table = QTableWidget(len(preview.speaker_details), len(SPEAKER_HEADERS))
    table.setHorizontalHeaderLabels(SPEAKER_HEADERS)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(PSEUDONYM, QHeaderView.ResizeMode.Stretch)
    for row, s in enumerate(preview.speaker_details):
        names = len(s.real_names) or (1 if s.real_name else 0)
        private = {0: "", 1: " (real name kept private)"}.get(
            names, f" ({names} spellings of the real name kept private)"
        )
        first = _item(s.label + private)
        first.setData(Qt.ItemDataRole.UserRole, s.label)
        table.setItem(row, LABEL, first)
        table.setItem(row, 1, _item(str(s.turns), align_right=True))
        table.setItem(row, 2, _item(str(s.words), align_right=True))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        check.setCheckState(Qt.CheckState.Checked if s.is_interviewer else Qt.CheckState.Unchecked)
        table.setItem(row, INTERVIEWER, check)
        table.setItem(row, PSEUDONYM, _item(s.pseudonym, editable=True))
    table.resizeColumnsToContents()
    return table


def transcript_tab(preview: FilePreview, speakers: QTableWidget, evidence: QTableWidget) -> QWidget:
    """The tab: summary and warnings, the speakers, the labels' evidence, with hints."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    summary = (
        f"Transcript ({preview.format}), encoding {preview.encoding or 'n/a'}: "
        f"{preview.turns} turns, {preview.words} words."
    )
    info = QLabel(summary + "".join(f"\n⚠ {w}" for w in preview.warnings))
    info.setWordWrap(True)
    layout.addWidget(info)
    layout.addWidget(speakers, 2)
    layout.addWidget(_note(
        "Edit a pseudonym to rename a speaker; give two labels the same pseudonym to merge "
        "them into one participant. Interviewers are not participants."
    ))  # fmt: skip
    layout.addWidget(evidence, 3)
    layout.addWidget(_note(
        "Labels found at the start of lines, and why each is or is not a speaker. Tick a "
        "label to make it a speaker, untick it to read its lines as text; the choice is "
        "remembered for this project."
    ))  # fmt: skip
    return widget


def _rows_of(tables: list[QTableWidget], label: str) -> list[tuple[QTableWidget, int]]:
    out = []
    for table in tables:
        for row in range(table.rowCount()):
            cell = table.item(row, LABEL)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == label:
                out.append((table, row))
    return out


def follow_speaker_edit(
    tables: list[QTableWidget], source: QTableWidget, item: QTableWidgetItem, label: str
) -> None:
    """The same label in the other transcripts' tables takes the edit of ``item``."""
    for table, row in _rows_of(tables, label):
        target = table.item(row, item.column())
        if table is source or target is None:
            continue
        if item.column() == INTERVIEWER:
            target.setCheckState(item.checkState())
        else:
            target.setText(item.text())


def set_speaker_cells(
    tables: list[QTableWidget], label: str, pseudonym: str | None, interviewer: bool | None
) -> None:
    """Rename or mark ``label`` in the first table that has it, as the user would."""
    for table, row in _rows_of(tables, label)[:1]:
        name_item, check_item = table.item(row, PSEUDONYM), table.item(row, INTERVIEWER)
        if pseudonym is not None and name_item is not None:
            name_item.setText(pseudonym)
        if interviewer is not None and check_item is not None:
            check_item.setCheckState(
                Qt.CheckState.Checked if interviewer else Qt.CheckState.Unchecked
            )
