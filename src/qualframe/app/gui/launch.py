"""Starting the GUI: the application object, the coder's name, opening projects (with the
read-only offer when another process holds the project), the welcome screen and the
offscreen screenshot mode used by ``qualframe gui --screenshot``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from qualframe.app.gui.settings import Settings
from qualframe.app.gui.shell.main_window import MainWindow
from qualframe.app.gui.welcome import WelcomeWindow
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.backups import remove_foreign_objects
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project, default_coder_name
from qualframe.storage.errors import (
    ForeignSchemaError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyDiskError,
)
from qualframe.storage.lock import describe_holder

SCREEN_SIZE = (1440, 900)


def check_display() -> None:
    """Refuse, in one sentence, to start a window where there is no screen to show it on
    (Qt's own message blames a missing libxcb-cursor0, which misleads)."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    raise UserError(
        "There is no display to open the window on (DISPLAY is not set); run Qualframe on a "
        "desktop, under xvfb-run, or take a picture with --screenshot FILE.png."
    )


def report_unexpected(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """Log an unexpected error's traceback and return the one sentence shown for it."""
    import traceback

    from qualframe.app.paths import log_file

    path = log_file()
    with open(path, "a", encoding="utf-8") as fh:
        traceback.print_exception(exc_type, exc, tb, file=fh)
    return (
        f"Something unexpected went wrong ({exc_type.__name__}: {exc}). Every change made before "
        f"it is saved; the details are in {path}."
    )


def install_error_dialog() -> None:
    """An exception that escapes a slot is logged and shown in one sentence, instead of being
    printed to a terminal the researcher never sees."""
    from PySide6.QtWidgets import QMessageBox

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        message = report_unexpected(exc_type, exc, tb)
        QMessageBox.critical(QApplication.activeWindow(), "Qualframe", message)

    sys.excepthook = hook


def application(offscreen: bool = False) -> QApplication:
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if QApplication.instance() is None:
        check_display()
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("Qualframe")
    app.setApplicationName("Qualframe")
    configure_fonts(app)
    return app


def configure_fonts(app: QApplication) -> None:
    """Prefer fonts with Hangul glyphs and colour emoji as fallbacks, so Korean transcripts
    and emoji render (instead of boxes)."""
    font = QFont(app.font())
    families: set[str] = set(QFontDatabase.families())
    wanted: list[str] = [f for f in ("Noto Sans", "DejaVu Sans") if f in families]
    cjk = [
        f
        for f in ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Malgun Gothic")
        if f in families
    ]
    emoji = [f for f in ("Noto Color Emoji",) if f in families]  # else emoji are boxes
    if cjk or wanted or emoji:
        font.setFamilies([*(wanted or [font.family()]), *cjk, *emoji])
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)


def ask_coder(settings: Settings, parent: QWidget | None = None) -> str:
    """The coder's name: remembered, else asked once."""
    name = settings.coder()
    if name:
        return name
    text, ok = QInputDialog.getText(
        parent, "Your name", "Your name as a coder (it is recorded with every segment you code):",
        text=default_coder_name(),
    )  # fmt: skip
    name = text.strip() if ok and text.strip() else default_coder_name()
    settings.set_coder(name)
    return name


class Launcher(QObject):
    """Opens projects into main windows; one window at a time."""

    def __init__(self, settings: Settings, coder: str | None, *, interactive: bool = True):
        super().__init__()
        self.settings = settings
        self.coder = coder
        self.interactive = interactive
        self.window: MainWindow | None = None
        self.welcome: WelcomeWindow | None = None

    def _coder(self) -> str:
        if self.coder is None:
            self.coder = ask_coder(self.settings) if self.interactive else default_coder_name()
        return self.coder

    def open_for_review(
        self, path: Path | str | None, reviewer: str | None = None
    ) -> MainWindow | None:
        """Open a project for review by ``reviewer`` (asked when not given): only verdicts
        and comments can be saved."""
        parent = self.window or self.welcome
        if reviewer is None:
            text, ok = QInputDialog.getText(
                parent, "Open for review", "Your name as an auditor (recorded on every verdict):"
            )
            if not ok or not text.strip():
                return None
            reviewer = text.strip()
        return self.open_project(path, review_as=reviewer)

    def open_project(
        self, path: Path | str | None, *, read_only: bool = False, review_as: str | None = None
    ) -> MainWindow | None:
        """Open a project file, or (``path`` a ``postgresql://`` URL) a project on a server
        (for review by ``review_as`` when given)."""
        parent = self.window or self.welcome
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                parent, "Open project", "", "Qualframe projects (*.qualframe);;All files (*)"
            )
            if not chosen:
                return None
            path = Path(chosen)
        reason = "you asked to open it read-only"
        try:
            project = self._open_checked(
                path, read_only=read_only, parent=parent, review_as=review_as
            )
            if project is None:
                return None
        except ReadOnlyDiskError as exc:
            # On a read-only disk: open it for reading and say why nothing can be changed.
            project = Project.open(path, read_only=True, coder=self._coder())
            window = self._show(project, path)
            window.read_only_reason = "it is on a read-only disk"
            window.report(str(exc))
            return window
        except ProjectLockedError as exc:
            reason = f"{describe_holder(exc.holder)} has it open for writing"
            if not self.interactive:
                project = Project.open(path, read_only=True, coder=self._coder())
            else:
                answer = QMessageBox.question(
                    parent, "Project in use", f"{exc}\n\nOpen it read-only?"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return None
                project = Project.open(path, read_only=True, coder=self._coder())
        except ProjectError as exc:
            if not self.interactive:
                raise
            message = str(exc)
            if isinstance(path, Path) and path.resolve() in self.settings.recent_projects():
                self.settings.remove_recent_project(path)
                message = f"{message.rstrip('.')}; it has been removed from the recent projects."
            if self.welcome is not None:
                self.welcome.reload_recent()
            QMessageBox.warning(parent, "Cannot open project", message)
            return None
        window = self._show(project, path)
        window.read_only_reason = reason
        return window

    def _open_checked(
        self,
        path: Path | str,
        *,
        read_only: bool,
        parent: QWidget | None,
        review_as: str | None = None,
    ) -> Project | None:
        """Open ``path`` (for review by ``review_as`` when given); a file holding database
        objects Qualframe did not create is opened only after the user agreed to remove them
        (a backup of it is made first)."""

        def open_() -> Project:
            if review_as is not None:
                return Project.open(path, coder=review_as, review=True)
            return Project.open(path, read_only=read_only, coder=self._coder())

        try:
            return open_()
        except ForeignSchemaError as exc:
            if not self.interactive:
                raise
            answer = QMessageBox.question(
                parent,
                "Unknown database objects",
                f"{exc}\n\nRemove them and open the project? A backup of the file as it is "
                "now is made first.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
            remove_foreign_objects(Path(path))
            return open_()

    def restore_backup(self) -> MainWindow | None:
        """The welcome screen's Restore a backup…: restore one as a new project, open it."""
        from qualframe.app.gui.dialogs.backups import RestoreDialog

        dialog = RestoreDialog(self.settings.recent_projects(), self.window or self.welcome)
        if dialog.exec() != RestoreDialog.DialogCode.Accepted or dialog.restored is None:
            return None
        return self.open_project(dialog.restored)

    def new_project(self) -> MainWindow | None:
        parent = self.window or self.welcome
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "New project", "", "Qualframe projects (*.qualframe)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix != ".qualframe":
            path = path.with_suffix(".qualframe")
        try:
            project = Project.create(path, coder=self._coder())
        except ProjectError as exc:
            QMessageBox.warning(parent, "Cannot create project", str(exc))
            return None
        return self._show(project, path)

    def open_demo(self) -> MainWindow | None:
        from qualframe.app.paths import state_dir

        build_demo = demo_builder()
        if build_demo is None:
            return None
        path = state_dir() / "demo.qualframe"
        if not path.exists():
            build_demo(path).close()
        return self.open_project(path)

    def _show(self, project: Project, path: Path | str, *, restore: bool = True) -> MainWindow:
        old = self.window
        window = MainWindow(project, self.settings, restore_layout=restore)
        window.openRequested.connect(lambda p: self.open_project(p))
        window.newRequested.connect(self.new_project)
        window.reviewRequested.connect(lambda p: self.open_for_review(p))
        self.window = window
        if isinstance(path, Path):  # server projects: never a URL in the settings
            self.settings.add_recent_project(path)
        if old is not None:
            old.close()
            old.project.close()
            old.deleteLater()
        if self.welcome is not None:
            self.welcome.close()
            self.welcome = None
        last = self.settings.last_document(project.location)
        docs = window.navigator.documents
        if last and last in docs.by_guid:
            window.open_document(last)
        elif docs.by_guid:
            window.open_document(next(iter(d for k in docs.kinds for d in docs.docs[k])).guid)
        if self.interactive:
            window.show()
        return window

    def show_welcome(self) -> None:
        self.welcome = WelcomeWindow(self.settings, demo_available=demo_builder() is not None)
        self.welcome.newRequested.connect(self.new_project)
        self.welcome.openRequested.connect(lambda p: self.open_project(p))
        self.welcome.demoRequested.connect(self.open_demo)
        self.welcome.restoreRequested.connect(self.restore_backup)
        self.welcome.show()


def demo_builder():  # type: ignore[no-untyped-def]
    """The demo-project builder of ``coding.demo`` when that module is installed."""
    try:
        from qualframe.coding import demo
    except ImportError:
        return None
    return getattr(demo, "build_demo", None)


def find_document(window: MainWindow, name: str) -> str:
    docs = window.navigator.documents.by_guid.values()
    for test in (
        lambda d: d.name == name,
        lambda d: d.name.casefold() == name.casefold(),
        lambda d: (d.original_filename or "") == name,
        lambda d: name.casefold() in d.name.casefold(),
    ):
        for d in docs:
            if test(d):
                return d.guid
    raise UserError(f'There is no document "{name}" in this project.')


def take_screenshot(
    window: MainWindow, out: Path, *, document: str | None, code: str | None, size: tuple[int, int]
) -> None:
    app = QApplication.instance()
    assert app is not None
    window.resize(*size)
    window.show()
    app.processEvents()
    if document:
        window.open_document(find_document(window, document))
    if code:
        rec = find_code(window.project, code)
        if rec is None:
            raise UserError(f'There is no code "{code}" in this project.')
        window.select_code(rec.guid)
    else:
        counts = window.codebook.model.counts
        leaves = [r for r in window.codebook.model.records if counts.get(r.guid, (0, 0))[0]]
        if leaves:
            window.select_code(max(leaves, key=lambda r: (counts[r.guid][0], r.depth)).guid)
    for _ in range(5):
        app.processEvents()
    guid = window.codebook.current()
    if guid is not None and window.retrieval.model.rows and window.view.document_guid:
        here = [
            s for s in window.retrieval.model.rows if s.document_guid == window.view.document_guid
        ]
        if here:
            window.view.scroll_to(max(0, here[0].start - 200))
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise UserError(f"Could not write the screenshot to {out}.")


def run(
    path: Path | str | None,
    *,
    screenshot: Path | None = None,
    document: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    read_only: bool = False,
    size: tuple[int, int] = SCREEN_SIZE,
    review_as: str | None = None,
) -> int:
    app = application(offscreen=screenshot is not None)
    settings = Settings()
    if coder and screenshot is None:
        settings.set_coder(coder)  # remembered for the next start
    bench = Launcher(settings, coder or settings.coder(), interactive=screenshot is None)
    if screenshot is not None:
        if path is None:
            raise UserError(
                "Give the project to take a screenshot of: qualframe gui PATH --screenshot FILE.png."
            )
        project_path = path if isinstance(path, str) else Path(path)
        if isinstance(project_path, Path) and not project_path.exists():
            raise UserError(f"{project_path} does not exist.")
        try:
            if review_as is not None:
                project = Project.open(project_path, coder=review_as, review=True)
            else:
                project = Project.open(project_path, read_only=read_only, coder=bench._coder())
        except ProjectLockedError:
            project = Project.open(project_path, read_only=True, coder=bench._coder())
        window = MainWindow(project, settings, restore_layout=False)
        try:
            if document is None:
                docs = window.navigator.documents
                first = [d for k in docs.kinds for d in docs.docs[k]]
                if first:
                    window.open_document(first[0].guid)
            take_screenshot(window, Path(screenshot), document=document, code=code, size=size)
        finally:
            window.close()
            project.close()
        return 0
    if path is None:
        path = settings.last_project()
    install_error_dialog()
    where = path if isinstance(path, str) or path is None else Path(path)
    if where is None or bench.open_project(where, read_only=read_only, review_as=review_as) is None:
        bench.show_welcome()
    code_ = app.exec()
    if bench.window is not None:
        bench.window.project.close()
    return int(code_)
