"""File → Open server project…: a team project on a PostgreSQL server.

The analyst gives the server, port, database and user; the password (optional when it is
already in the system keyring, ``PGPASSWORD`` or ``~/.pgpass``) is checked by connecting and
kept in the system keyring when "Remember" is ticked, else for this run only. It is never
written to the settings, the recent list or the log.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qualframe.coding.core.team import remember_password
from qualframe.storage.errors import ProjectError


class ServerProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open server project")
        self.url: str | None = None
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit()
        self.database.setPlaceholderText("the project database, e.g. mentoring_study")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty if it is kept already")
        self.remember = QCheckBox("Remember the password in the system keyring")
        self.remember.setChecked(True)
        form = QFormLayout()
        for label, field in (
            ("Server", self.host),
            ("Port", self.port),
            ("Database", self.database),
            ("User", self.user),
            ("Password", self.password),
        ):
            form.addRow(label, field)
        note = QLabel(
            "Ask the team's administrator for these. The password is checked now and is "
            "never stored in Qualframe's settings."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def address(self) -> str:
        user = quote(self.user.text().strip(), safe="")
        host = self.host.text().strip() or "localhost"
        database = quote(self.database.text().strip(), safe="")
        return f"postgresql://{user + '@' if user else ''}{host}:{self.port.value()}/{database}"

    def _accept(self) -> None:
        if not self.database.text().strip():
            QMessageBox.warning(self, "Open server project", "Give the project database's name.")
            return
        url = self.address()
        if self.password.text():
            try:
                remember_password(url, self.password.text(), keyring=self.remember.isChecked())
            except ProjectError as exc:
                QMessageBox.warning(self, "Open server project", str(exc))
                if "keyring" not in str(exc):
                    return
        self.url = url
        self.accept()


def ask_server_project(parent: QWidget | None) -> str | None:
    """The URL of the server project the analyst chose, or None."""
    dialog = ServerProjectDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.url
