"""A window on a server project hears the other coders (``coding.core.live``).

Every half second the window's :class:`LiveUpdates` asks the project's change feed what the
other clients committed and emits each :class:`Change` through the window's one ``changed``
signal, exactly as if this window had made it: the views update what changed and keep the
reader's selection and scroll position. The status bar shows the connection: a lost server
is said at once (every change is refused until it is back; nothing is queued), retried, and
the window refreshes when it answers again. A write that failed because the connection went
(:meth:`LiveUpdates.noticed_loss`) turns the window offline at once, not at the next poll;
when the server is back, :attr:`LiveUpdates.on_back` may take over telling the user (the
window offers the change that was not saved, ``app.gui.unsaved``). Project files have no
other clients: nothing runs for them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from qualframe.coding.core.changes import Change
from qualframe.coding.core.live import ChangeFeed
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ConnectionLostError, ProjectError

INTERVAL_MS = 500


class LiveUpdates(QObject):
    def __init__(
        self,
        project: Project,
        emit: Callable[[Change], None],
        status: QStatusBar,
        report: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._deliver = emit
        self.report = report
        #: Called with the "connection is back" sentence when the server answers again;
        #: True when it told the user itself (then the sentence is not reported here).
        self.on_back: Callable[[str], bool] | None = None
        self.received = 0
        self.label = QLabel()
        self.label.setObjectName("server_state")
        status.addPermanentWidget(self.label)
        try:
            self.feed: ChangeFeed | None = ChangeFeed(project)
        except (ProjectError, OSError, Exception) as exc:  # the listener could not connect
            self.feed = None
            self.label.setText(f"Live updates off ({type(exc).__name__}); reopen to retry")
            return
        self._was_online = True
        self._show_state()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    @property
    def online(self) -> bool:
        return self.feed is not None and self.feed.online

    def poll(self) -> None:
        if self.feed is None:
            return
        changes = self.feed.poll(0.0)
        flipped = self.feed.online != self._was_online
        if flipped:
            self._was_online = self.feed.online
            self._show_state()
        for change in changes:  # the views show the server's state before anything is asked
            self.received += 1
            self._deliver(change)
        if flipped:
            message = self.feed.message
            if not (self.feed.online and self.on_back is not None and self.on_back(message)):
                self.report(message)

    def noticed_loss(self, exc: ConnectionLostError) -> bool:
        """A write failed because the connection was lost: offline now (every change refused
        until the server answers; the status bar says so). False when there is no feed to
        notice the server coming back (the listener never connected)."""
        if self.feed is None:
            return False
        self.feed.noticed_loss(exc)
        self._was_online = self.feed.online
        self._show_state()
        return True

    def _show_state(self) -> None:
        assert self.feed is not None
        if self.feed.online:
            self.label.setText("● Live: changes by other coders appear here")
            self.label.setStyleSheet("")
        else:
            self.label.setText("● Server unreachable: retrying; changes refused")
            self.label.setStyleSheet("color: #B00020; font-weight: bold;")

    def stop(self) -> None:
        if self.feed is not None:
            if hasattr(self, "timer"):
                self.timer.stop()
            self.feed.close()
            self.feed = None
