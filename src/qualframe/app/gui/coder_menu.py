"""View → Coders: whose segments show (all, only mine, a chosen set), blind coding, and the
coders dialog (rename, merge two spellings)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import ALL, CHOSEN, MINE, CoderScope
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.corpus.coders import coder_names


def choose_coders(parent: QWidget | None, names: list[str], checked: set[str]) -> list[str] | None:
    """A small list with check boxes; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Show the segments of")
    box = QListWidget()
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
        box.addItem(item)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    lay = QVBoxLayout(dialog)
    lay.addWidget(box)
    lay.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return [box.item(i).text() for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]  # fmt: skip


def fill_coder_menu(
    menu: QMenu, scope: CoderScope, bench: Workbench, parent: QWidget | None
) -> None:
    group = QActionGroup(menu)
    all_ = QAction("&All coders' segments", menu, checkable=True)
    mine = QAction("Only &my segments", menu, checkable=True)
    chosen = QAction("&Chosen coders…", menu, checkable=True)
    for a, name in ((all_, "coders_all"), (mine, "coders_mine"), (chosen, "coders_chosen")):
        a.setObjectName(name)
        group.addAction(a)
        menu.addAction(a)
    blind = QAction("&Blind coding (hide the other coders' work)", menu, checkable=True)
    blind.setObjectName("blind_coding")
    menu.addSeparator()
    menu.addAction(blind)
    menu.addSeparator()

    def manage() -> None:
        from qualframe.app.gui.dialogs.coders_dialog import CodersDialog

        CodersDialog(bench, parent, scope).exec()

    menu.addAction("&Manage coders…", manage).setObjectName("manage_coders")

    def sync() -> None:
        {ALL: all_, MINE: mine, CHOSEN: chosen}[scope.mode].setChecked(True)
        blind.setChecked(scope.blind)
        for a in (all_, chosen):
            a.setEnabled(not scope.blind)

    def pick() -> None:
        names = choose_coders(parent, coder_names(bench.project), set(scope.visible() or ()))
        if names:
            scope.show_coders(names)
        sync()

    all_.triggered.connect(scope.show_all)
    mine.triggered.connect(scope.show_mine)
    chosen.triggered.connect(pick)
    blind.toggled.connect(scope.set_blind)
    scope.changed.connect(sync)
    sync()
