"""The welcome screen shown when no project is open: new, open (a file or a team's server
project), demo, recent projects."""

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

from qualframe.app.gui.settings import Settings


class WelcomeWindow(QWidget):
    newRequested = Signal()
    openRequested = Signal(object)  # Path | str (a server URL) | None (None: ask for a file)
    demoRequested = Signal()
    restoreRequested = Signal()

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
        self.open_server = QPushButton("Open server project…")
        self.open_server.setToolTip("A team's project on a PostgreSQL server")
        demo = QPushButton("Open demo project")
        demo.setVisible(demo_available)
        self.restore = QPushButton("Restore a backup…")
        self.restore.setToolTip("Restore one of the daily automatic backups as a new project")
        new.clicked.connect(self.newRequested.emit)
        open_.clicked.connect(lambda: self.openRequested.emit(None))
        self.open_server.clicked.connect(self._ask_server)
        demo.clicked.connect(self.demoRequested.emit)
        self.restore.clicked.connect(self.restoreRequested.emit)
        buttons = QVBoxLayout()
        for b in (new, open_, self.open_server, demo, self.restore):
            b.setMinimumHeight(34)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.settings = settings
        self.recent = QListWidget()
        self.recent.itemActivated.connect(
            lambda item: self.openRequested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        self.none_yet = QLabel("<i>No recent projects yet.</i>")
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Recent projects</b>"))
        right.addWidget(self.recent)
        right.addWidget(self.none_yet)
        self.reload_recent()
        row = QHBoxLayout()
        row.addLayout(buttons, 1)
        row.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.addWidget(title)
        lay.addLayout(row, 1)

    def _ask_server(self) -> None:
        from qualframe.app.gui.dialogs.server_open import ask_server_project

        url = ask_server_project(self)
        if url is not None:
            self.openRequested.emit(url)

    def reload_recent(self) -> None:
        """List the recent projects again (one that could not be opened has left the list).
        A project whose file is missing stays selectable, so that opening it says why."""
        self.recent.clear()
        for path in self.settings.recent_projects():
            missing = not path.exists()
            item = QListWidgetItem(
                f"{path.name}{'  (not found)' if missing else ''}\n{path.parent}"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(f"{path} no longer exists." if missing else str(path))
            if missing:
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
            self.recent.addItem(item)
        self.none_yet.setVisible(not self.recent.count())
