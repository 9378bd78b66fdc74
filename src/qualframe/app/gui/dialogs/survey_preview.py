"""The import preview of one survey export: everything ``qualframe import`` can set for a
survey, shown and settable before anything is written.

The tab names the tool that wrote the file and the header rows it used, then has pages:

* **Items** — each column with its question wording, type (editable), answers, and its
  options in questionnaire order, Likert scale and mapping or family of source columns;
  *Edit…* orders a choice item's options or sets a Likert item's mapping, scale and reverse
  coding (``--options``, ``--likert-map``, ``--column COL=likert:1-7``, ``--reverse``);
* **Metadata and personal data** — what is never analysed, and the tick that keeps personal
  data in the project (``--keep-personal``; never exported);
* **Responses** — complete, incomplete and preview responses, each flagged one with why, and
  whether to import them (``--leave-out``);
* **Conflicts** — attribute values the file would change, with keep or replace per
  attribute (``--on-conflict ATTR=keep|replace``);
* **Links** — transcript speakers who are respondents of this file (``--link LABEL=ID``).

The tab changes the import's options through ``apply`` (the dialog parses the files again
and rebuilds the tabs; a change that makes the file unreadable is undone and explained).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
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

from qualframe.app.gui.dialogs.survey_item_editors import LikertMappingDialog, OptionsOrderDialog
from qualframe.coding.importing import COLUMN_TYPES, ColumnInfo, FilePreview, ImportOptions

Apply = Callable[[Callable[[ImportOptions], None]], bool]  # change the options, re-parse
ITEM_HEADERS = ("Column", "Question", "Type", "Answers", "Options, scale or mapping", "")
CHOICE = ("single", "multiple")
KEEP, REPLACE = "keep", "replace"
CHOICES = {"": "Choose…", KEEP: "Keep the project's value", REPLACE: "Use the file's value"}


def _item(text: str, *, right: bool = False, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


def _table(headers: Sequence[str], rows: int) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    return table


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def details(col: ColumnInfo, mapping: dict[str, str]) -> str:
    """What the Items page says about a column beside its type."""
    if col.type == "text":
        return "open-ended: one codable document for this question"
    if mapping:
        return "; ".join(f"{k!r} → {v!r}" for k, v in mapping.items())
    if col.type in ("metadata", "personal"):
        return {"metadata": "the survey tool's own column: never analysed",
                "personal": "personal data: never analysed or exported"}[col.type]  # fmt: skip
    text = col.describe()
    return "" if text == col.type else text[len(col.type) :].strip(" ()")


class SurveyPreviewTab(QWidget):
    """One survey file's preview; ``apply`` changes the import options (see module)."""

    def __init__(
        self,
        preview: FilePreview,
        options: ImportOptions,
        apply: Apply,
        speakers: Sequence[tuple[str, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.preview, self.options, self.apply = preview, options, apply
        self.speakers = list(speakers)
        self.edit_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary())
        layout.addLayout(self._columns_form())
        self.pages = QTabWidget()
        self.pages.addTab(self._items_page(), f"Items ({len(preview.columns)})")
        hidden = [c for c in preview.columns if c.type in ("metadata", "personal")]
        self.pages.addTab(self._hidden_page(hidden), f"Metadata and personal data ({len(hidden)})")
        flagged = len(preview.flagged)
        self.pages.addTab(self._responses_page(), f"Responses ({flagged} flagged)")
        attrs = {r[1].casefold() for r in preview.conflict_rows}
        self.pages.addTab(self._conflicts_page(), f"Conflicts ({len(attrs)})")
        self.pages.addTab(self._links_page(), f"Links ({len(preview.links)})")
        layout.addWidget(self.pages, 1)

    # -- header --------------------------------------------------------------------------
    def _summary(self) -> QLabel:
        p = self.preview
        tool = f"{p.tool} export" if p.tool else "not recognised as a survey tool's export"
        rows = len(p.header_rows)
        where = (
            f"row {p.header_row}" if rows == 1 else f"rows {p.header_row}–{p.header_row + rows - 1}"
        )
        text = (
            f"<b>Survey</b>: {tool} ({p.source or p.format}), encoding {p.encoding or 'n/a'}; "
            f"{p.respondents} respondents, {len(p.columns)} columns. Header: {where} "
            f"({', '.join(p.header_rows)})."
        )
        warnings = "".join(f"<br>⚠ {w}" for w in p.warnings)
        label = QLabel(text + warnings)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    def _columns_form(self) -> QFormLayout:
        p = self.preview
        form = QFormLayout()
        self.id_combo = QComboBox()
        self.id_combo.addItems([c.name for c in p.columns])
        self.id_combo.setCurrentText(p.id_column or "")
        self.id_combo.activated.connect(lambda _i: self.set_id_column(self.id_combo.currentText()))
        self.group_combo = QComboBox()
        self.group_combo.addItem("(none)")
        self.group_combo.addItems([c.name for c in p.columns if c.type in ("attribute", "single")])
        self.group_combo.setCurrentText(p.group_column or "(none)")
        self.group_combo.activated.connect(
            lambda _i: self.set_group_column(self.group_combo.currentText())
        )
        row = QHBoxLayout()
        row.addWidget(self.id_combo, 1)
        row.addWidget(QLabel("Group column:"))
        row.addWidget(self.group_combo, 1)
        form.addRow("Respondent id column:", row)
        return form

    # -- items ---------------------------------------------------------------------------
    def _items_page(self) -> QWidget:
        p = self.preview
        self.item_table = table = _table(ITEM_HEADERS, len(p.columns))
        for row, col in enumerate(p.columns):
            name = col.name + (f" ({len(col.members)} columns)" if col.members else "")
            tip = ", ".join(col.members) if col.members else None
            table.setItem(row, 0, _item(name, tip=tip))
            table.setItem(row, 1, _item(col.label or "", tip=col.label))
            combo = QComboBox()
            combo.addItems(COLUMN_TYPES)
            combo.setCurrentText(col.type)
            combo.setEnabled(col.type != "id")
            combo.setToolTip(f"Detected: {col.detected}")
            combo.activated.connect(
                lambda _i, n=col.name, c=combo: self.set_column_type(n, c.currentText())
            )
            table.setCellWidget(row, 2, combo)
            table.setItem(row, 3, _item(str(col.answered), right=True))
            text = details(col, p.attribute_mapping.get(col.name, {}))
            table.setItem(row, 4, _item(text, tip=text))
            if col.type == "likert" or (col.type in CHOICE and col.options):
                button = QPushButton("Edit…")
                button.setToolTip(
                    "Likert mapping, scale and reverse coding"
                    if col.type == "likert"
                    else "The options in questionnaire order"
                )
                button.clicked.connect(lambda _c=False, n=col.name: self.edit_column(n))
                table.setCellWidget(row, 5, button)
                self.edit_buttons[col.name] = button
        table.resizeColumnsToContents()
        table.setColumnWidth(1, min(table.columnWidth(1), 260))
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(table, 1)
        lay.addWidget(_note(
            "The question's wording is what the tables show. Edit… puts a choice item's "
            "options in questionnaire order, or sets a Likert item's points, scale and reverse "
            "coding."
        ))  # fmt: skip
        return page

    def column(self, name: str) -> ColumnInfo:
        return next(c for c in self.preview.columns if c.name == name)

    def set_id_column(self, name: str) -> bool:
        return self.apply(lambda o: setattr(o, "id_column", name or None))

    def set_group_column(self, name: str) -> bool:
        value = None if name in ("", "(none)") else name
        return self.apply(lambda o: setattr(o, "group_column", value))

    def set_column_type(self, name: str, type_: str) -> bool:
        """Retype a column, as its combo does; Likert answers written as words that are no
        known scale ask for their mapping first."""
        if type_ == "likert" and self._needs_mapping(self.column(name)):
            return self.edit_likert(name, type_change=True)
        return self.apply(lambda o: o.column_types.__setitem__(name, type_))

    def _needs_mapping(self, col: ColumnInfo) -> bool:
        from qualframe.coding.importing.survey.likert import needs_mapping

        return needs_mapping([a for a, _ in col.answers or []])

    def edit_column(self, name: str) -> bool:
        col = self.column(name)
        if col.type == "likert":
            return self.edit_likert(name)
        dialog = OptionsOrderDialog(col.name, col.options or [], self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self.set_options(name, dialog.options())
        finally:
            dialog.deleteLater()

    def set_options(self, name: str, order: list[str]) -> bool:
        return self.apply(lambda o: o.column_options.__setitem__(name, list(order)))

    def edit_likert(self, name: str, *, type_change: bool = False) -> bool:
        col = self.column(name)
        answers: list[tuple[str, int | None]] = list(col.answers or [])
        if col.type in CHOICE and col.options:  # questionnaire order first
            counts = dict(col.answers or [])
            answers = [(o, counts.get(o, 0)) for o in col.options]
        scale = (
            (col.scale_min, col.scale_max)
            if col.scale_source and col.scale_min is not None and col.scale_max is not None
            else None
        )
        dialog = LikertMappingDialog(
            col.name, answers, col.value_labels or [], scale, col.reversed, self
        )
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            choice = dialog.choice()
        finally:
            dialog.deleteLater()
        return self.set_likert(name, choice.mapping, choice.scale, choice.reversed)

    def set_likert(
        self,
        name: str,
        mapping: list[tuple[str, int]],
        scale: tuple[int, int] | None,
        reversed_: bool,
    ) -> bool:
        """Make ``name`` a Likert item with this mapping, scale and reverse coding."""

        def change(o: ImportOptions) -> None:
            o.column_types[name] = f"likert:{scale[0]}-{scale[1]}" if scale else "likert"
            if mapping:
                o.likert_maps[name] = "|".join(f"{lab}={pt}" for lab, pt in mapping)
            else:
                o.likert_maps.pop(name, None)
            o.reverse = [r for r in o.reverse if r != name] + ([name] if reversed_ else [])

        return self.apply(change)

    # -- metadata and personal data ------------------------------------------------------
    def _hidden_page(self, hidden: list[ColumnInfo]) -> QWidget:
        table = _table(("Column", "Kind", "Answers"), len(hidden))
        for row, col in enumerate(hidden):
            table.setItem(row, 0, _item(col.name))
            kind = "personal data" if col.type == "personal" else "survey metadata"
            table.setItem(row, 1, _item(kind))
            table.setItem(row, 2, _item(str(col.answered), right=True))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.keep_personal = QCheckBox(
            "Keep the personal data in the project (IP addresses, e-mails, names, coordinates; "
            "never analysed, never exported)"
        )
        self.keep_personal.setChecked(self.options.keep_personal)
        self.keep_personal.setEnabled(any(c.type == "personal" for c in hidden))
        self.keep_personal.toggled.connect(self.set_keep_personal)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(table, 1)
        lay.addWidget(self.keep_personal)
        lay.addWidget(_note(
            "Metadata (start and end times, progress, the tool's own ids) is never a "
            "statistic or a document. Personal data is left out unless you tick the box. "
            "Change a column's type on the Items page if it was misread."
        ))  # fmt: skip
        return page

    def set_keep_personal(self, on: bool) -> None:
        self.options.keep_personal = on  # nothing to parse again: only what is stored

    # -- responses -----------------------------------------------------------------------
    def _responses_page(self) -> QWidget:
        p = self.preview
        counts = {k: v for k, v in p.statuses.items() if v}
        shown = ", ".join(f"{v} {k}" for k, v in counts.items()) or "none"
        table = _table(("Respondent", "Status", "Why", "Imported"), len(p.flagged))
        left = {r[0] for r in p.left_out}
        for row, (rid, status, why) in enumerate(p.flagged):
            for c, text in enumerate((rid, status, why, "no" if rid in left else "yes")):
                table.setItem(row, c, _item(text))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.import_status: dict[str, QCheckBox] = {}
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(QLabel(f"Responses: {shown}."))
        lay.addWidget(table, 1)
        for status, text in (
            ("incomplete", "Import the incomplete responses (flagged; the tables leave them "
                           "out unless you include them in the Survey tab)"),
            ("preview", "Import the preview and test responses (flagged; never counted)"),
        ):  # fmt: skip
            box = QCheckBox(text)
            box.setChecked(status not in self.options.leave_out)
            box.setEnabled(any(s == status for _, s, _ in p.flagged))
            box.toggled.connect(lambda on, st=status: self.set_import_status(st, on))
            self.import_status[status] = box
            lay.addWidget(box)
        return page

    def set_import_status(self, status: str, imported: bool) -> bool:
        def change(o: ImportOptions) -> None:
            o.leave_out = {s for s in o.leave_out if s != status} | (
                set() if imported else {status}
            )

        return self.apply(change)

    # -- conflicts -----------------------------------------------------------------------
    def _conflicts_page(self) -> QWidget:
        rows = self.preview.conflict_rows
        by_attr: dict[str, list[tuple[str, str, str, str]]] = {}
        for r in rows:
            by_attr.setdefault(r[1], []).append(r)
        self.conflict_table = choices = _table(
            ("Attribute", "Participants", "Choice"), len(by_attr)
        )
        self.conflict_combos: dict[str, QComboBox] = {}
        for row, (attr, hits) in enumerate(by_attr.items()):
            choices.setItem(row, 0, _item(attr))
            names = ", ".join(h[0] for h in hits[:8]) + (" …" if len(hits) > 8 else "")
            who = "participant" if len(hits) == 1 else "participants"
            choices.setItem(row, 1, _item(f"{len(hits)} {who}: {names}", tip=names))
            combo = QComboBox()
            for key, text in CHOICES.items():
                combo.addItem(text, key)
            combo.setCurrentIndex(list(CHOICES).index(self.options.conflict_choice(attr) or ""))
            combo.activated.connect(
                lambda _i, a=attr, c=combo: self.set_conflict(a, str(c.currentData()))
            )
            choices.setCellWidget(row, 2, combo)
            self.conflict_combos[attr] = combo
        choices.resizeColumnsToContents()
        choices.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        detail = _table(("Participant", "Attribute", "In the project", "In the file"), len(rows))
        for row, values in enumerate(rows):
            for c, text in enumerate(values):
                detail.setItem(row, c, _item(text))
        detail.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(_note(
            "Values the file would change for participants the project has (a transcript "
            "said M1 is a mentor, the survey says mentee). Choose for each attribute; nothing "
            "is changed silently." if rows else "The file changes no value the project holds."
        ))  # fmt: skip
        lay.addWidget(choices, 1)
        lay.addWidget(detail, 2)
        return page

    def set_conflict(self, attribute: str, choice: str) -> None:
        """Keep or replace the project's values of ``attribute`` ("": not chosen)."""
        if choice:
            self.options.conflict_choices[attribute] = choice
        else:
            self.options.conflict_choices.pop(attribute, None)
        self.apply(lambda o: None)  # nothing to parse again; the Import button is updated

    def unresolved(self) -> list[str]:
        """Attributes in conflict with no choice yet."""
        attrs = dict.fromkeys(r[1] for r in self.preview.conflict_rows)
        return [a for a in attrs if self.options.conflict_choice(a) not in (KEEP, REPLACE)]

    # -- links ---------------------------------------------------------------------------
    def _links_page(self) -> QWidget:
        p = self.preview
        linked = {label.casefold(): rid for rid, label in p.links.items()}
        headers = ("Speaker", "Speaks in", "Respondent id", "In this file")
        self.link_table = table = _table(headers, len(self.speakers))
        ids = set(p.respondent_ids)
        completer = QCompleter(p.respondent_ids, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.link_edits: dict[str, QLineEdit] = {}
        for row, (label, where) in enumerate(self.speakers):
            table.setItem(row, 0, _item(label))
            table.setItem(row, 1, _item(where, tip=where))
            edit = QLineEdit(self.options.links.get(label, ""))
            edit.setCompleter(completer)
            edit.setPlaceholderText("(not linked)")
            given = self.options.links.get(label)
            if given and label.casefold() not in linked:
                edit.setToolTip(f"{given} is not a respondent of {p.name}")
                edit.setStyleSheet("color: #a40000;")
            edit.editingFinished.connect(lambda lab=label, e=edit: self.set_link(lab, e.text()))
            table.setCellWidget(row, 2, edit)
            self.link_edits[label] = edit
            if label.casefold() in linked:
                state = f"linked to respondent {linked[label.casefold()]}"
            elif label in ids:
                state = "the same id: one person"
            else:
                state = "not linked"
            table.setItem(row, 3, _item(state))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(_note(
            "A speaker of a focus group who answered this survey is one person: give their "
            "respondent id, so that every N counts them once (their answers go to the "
            "speaker; the file's id is kept). A respondent id equal to a speaker's label is "
            "linked without asking."
        ))  # fmt: skip
        lay.addWidget(table, 1)
        if not self.speakers:
            lay.addWidget(_note("No transcript speaker to link: import or open transcripts first."))
        return page

    def set_link(self, label: str, respondent: str) -> bool:
        rid = respondent.strip()
        if rid == self.options.links.get(label, ""):
            return True

        def change(o: ImportOptions) -> None:
            if rid:
                o.links[label] = rid
            else:
                o.links.pop(label, None)

        return self.apply(change)


def tab_state(tab: Any) -> int:
    """The page a survey tab shows (kept when the tabs are rebuilt)."""
    return int(tab.pages.currentIndex()) if isinstance(tab, SurveyPreviewTab) else 0
