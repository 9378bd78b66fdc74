"""The theme matrix's controls bar: the column attribute, the row level, the coders and
documents counted, the Options menu (figures, quotes, empty codes, column order) and Export."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
    QWidgetAction,
)

from qualframe.app.gui.flow_layout import FlowLayout
from qualframe.app.gui.models.documents_model import kind_title
from qualframe.app.gui.views.matrix.scope import ScopeChooser, StickyMenu, document_tip
from qualframe.coding.analysis.matrix import COUNT_KINDS, level_name
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import attribute_names
from qualframe.coding.corpus.sets import list_sets

COUNT_LABELS = {"segments": "Segments", "participants": "Participants", "percent": "% of group"}


class MatrixControls(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attribute = QComboBox()
        self.attribute.setToolTip("Participant attribute whose values make the columns")
        self.attribute.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level = QComboBox()
        self.level.setToolTip("Codebook level shown as rows; the levels below become bullets")
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.coders = ScopeChooser("Coders", "All coders")
        self.coders.setToolTip("Count only the segments coded by the chosen coders")
        self.documents = ScopeChooser("Documents", "All documents")
        self.documents.setToolTip(
            "Count only the chosen documents (a group's n then counts the participants who "
            "speak in them)"
        )
        self.options_button = QPushButton("Options")
        self.options_button.setToolTip("Figures, quotes, empty codes and the column order")
        self._build_options_menu()
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip(
            "Save the matrix as Word, Excel, CSV or Markdown, with the coders, documents, "
            "column order and options shown here"
        )
        # A flow layout: in a narrow window the bar wraps to a second line instead of
        # cutting its buttons short.
        bar = FlowLayout(self)
        for label, combo in (("Columns:", self.attribute), ("Rows:", self.level)):
            pair = QWidget()
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 6, 0)
            pair_layout.addWidget(QLabel(label))
            pair_layout.addWidget(combo)
            bar.addWidget(pair)
        bar.addWidget(self.coders)
        bar.addWidget(self.documents)
        bar.addWidget(self.options_button)
        bar.add_stretch()
        bar.addWidget(self.export_button)

    def _build_options_menu(self) -> None:
        menu = StickyMenu(self.options_button)
        menu.setToolTipsVisible(True)
        self.options_button.setMenu(menu)
        menu.addSection("Figures beside each entry")
        self.counts: dict[str, QAction] = {}
        for kind in COUNT_KINDS:
            action = menu.addAction(COUNT_LABELS[kind])
            action.setCheckable(True)
            self.counts[kind] = action
        self.counts["segments"].setChecked(True)
        self.counts["participants"].setChecked(True)
        menu.addSeparator()
        self.include_empty = menu.addAction("List empty codes")
        self.include_empty.setCheckable(True)
        self.include_empty.setToolTip("Also list codes without any segment in a group")
        self.quotes = QSpinBox()
        self.quotes.setRange(0, 10)
        self.quotes.setToolTip("Exemplar quotes per code (marked exemplars first)")
        quotes_row = QWidget()
        quotes_layout = QHBoxLayout(quotes_row)
        quotes_layout.setContentsMargins(20, 2, 8, 2)
        quotes_layout.addWidget(QLabel("Quotes per code:"))
        quotes_layout.addWidget(self.quotes)
        quotes_layout.addStretch(1)
        quotes_action = QWidgetAction(menu)
        quotes_action.setDefaultWidget(quotes_row)
        menu.addAction(quotes_action)
        menu.addSeparator()
        self.order_action = menu.addAction("Column order…")
        self.order_action.setToolTip("Choose the order of the group columns")
        self.default_order_action = menu.addAction("Default column order")
        self.default_order_action.setToolTip("Alphabetical (numerical for numbers)")

    def fill(self, project: Project) -> None:
        """(Re)fill the attribute and level combos and the coder and document menus, keeping
        the current choices where they still exist. Emits no change signal."""
        current_attr = self.attribute.currentText() or "role"
        names = attribute_names(project)
        self.attribute.blockSignals(True)
        self.attribute.clear()
        self.attribute.addItems(names)
        match = next((n for n in names if n.casefold() == current_attr.casefold()), None)
        if match is not None:
            self.attribute.setCurrentText(match)
        self.attribute.blockSignals(False)

        current_level = max(0, self.level.currentIndex())
        depth = max((c.depth for c in code_tree(project)), default=0)
        self.level.blockSignals(True)
        self.level.clear()
        for i in range(depth + 1):
            self.level.addItem(f"{level_name(i)}s" if i != 1 else "Categories", i)
        self.level.setCurrentIndex(min(current_level, depth))
        self.level.blockSignals(False)

        self.coders.set_items([(name, name, "") for name in coder_names(project)])
        docs = list_documents(project)
        self.documents.set_items(
            [(d.guid, d.name, kind_title(d.kind)) for d in docs],
            {d.guid: document_tip(d.segment_count, d.groups) for d in docs},
        )
        self.documents.set_shortcuts([(s.name, list(s.document_guids)) for s in list_sets(project)])

    def by(self) -> str:
        return self.attribute.currentText() or "role"

    def chosen_counts(self) -> frozenset[str]:
        return frozenset(k for k, action in self.counts.items() if action.isChecked())
