"""The welcome screen shown when no project is open: new, open, demo, recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.settings import Settings


class WelcomeWindow(QWidget):
    newRequested = Signal()
    openRequested = Signal(object)  # Path | None (None: ask for a file)
    demoRequested = Signal()

    def __init__(self, settings: Settings, *, demo_available: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("Qualframe")
        self.resize(720, 460)
        title = QLabel(
            "<h1 style='margin:0'>Qualframe</h1>"
            "<p style='color:#555'>Qualitative content analysis of interview "
            "transcripts and open-ended survey answers.</p>"
        )
        title.setTextFormat(Qt.TextFormat.RichText)
        new = QPushButton("New project…")
        open_ = QPushButton("Open project…")
        demo = QPushButton("Open demo project")
        demo.setVisible(demo_available)
        new.clicked.connect(self.newRequested.emit)
        open_.clicked.connect(lambda: self.openRequested.emit(None))
        demo.clicked.connect(self.demoRequested.emit)
        buttons = QVBoxLayout()
        for b in (new, open_, demo):
            b.setMinimumHeight(34)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.recent = QListWidget()
        for path in settings.recent_projects():
            item = QListWidgetItem(f"{path.name}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            if not path.exists():
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)
        self.recent.itemActivated.connect(
            lambda item: self.openRequested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Recent projects</b>"))
        right.addWidget(self.recent)
        if not self.recent.count():
            right.addWidget(QLabel("<i>No recent projects yet.</i>"))
        row = QHBoxLayout()
        row.addLayout(buttons, 1)
        row.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.addWidget(title)
        lay.addLayout(row, 1)
