"""A second coder's window in a process of its own, for tests/app/test_team_processes.py.

    python tests/app/team_window.py URL CODER

Opens the server project URL as ``qualframe gui URL`` does (the launcher builds the main
window), then obeys one JSON command per line on stdin, answering one JSON line each on
stdout, while its Qt event loop runs (the window keeps hearing the other coders):

* ``{"do": "apply", "document": NAME, "code": PATH, "start": S, "end": E}``: open the
  document, select the code in the codebook and the passage in the text, press Q (Apply
  current code); answers ``{"ok": …, "at": time.time() after the commit, "report": …}``.
* ``{"do": "rename", "code": GUID, "name": NAME}``: Code → Rename… with NAME typed in the
  dialog; answers ``{"ok": …, "at": …, "report": …}``.
* ``{"do": "state", "code": GUID}``: ``{"name": the code's name in this window,
  "segments": its count, "report": the last sentence shown}``.
* ``{"do": "quit"}``: close the window and exit.

It prints ``{"ready": true}`` once the window is shown. Settings go to $XDG_CONFIG_HOME.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def main() -> int:
    url, coder = sys.argv[1], sys.argv[2]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QInputDialog

    from qualframe.app.gui import launch
    from qualframe.app.gui.settings import Settings
    from qualframe.coding.codebook.tree import find_code

    app = launch.application()
    settings = Settings()
    settings.set_coder(coder)
    launcher = launch.Launcher(settings, coder, interactive=False)
    window = launcher.open_project(url)
    assert window is not None
    window.show()
    typed: list[str] = []
    # Code → Rename… asks for the name in a dialog: here the "user" types what the test says.
    QInputDialog.getText = staticmethod(lambda *a, **k: (typed.pop(), True))  # type: ignore[method-assign]

    def answer(data: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(data) + "\n")
        sys.stdout.flush()

    def obey(cmd: dict[str, Any]) -> None:
        kind = cmd["do"]
        if kind == "apply":
            doc = launch.find_document(window, cmd["document"])
            code = find_code(window.project, cmd["code"])
            assert code is not None
            window.open_document(doc)
            window.select_code(code.guid)
            window.view.select_range(cmd["start"], cmd["end"])
            window.view.setFocus()
            ok = window.coding.apply_current_code()  # what the Q key triggers
            answer({"ok": ok, "at": time.time(), "report": window.last_report})
        elif kind == "rename":
            window.select_code(cmd["code"])
            typed.append(cmd["name"])
            before = window.undo.index
            window.codebook.rename()
            ok = window.undo.index == before + 1
            answer({"ok": ok, "at": time.time(), "report": window.last_report})
        elif kind == "state":
            rec = window.codes.by_guid.get(cmd["code"])
            answer({
                "name": rec.name if rec else None,
                "segments": window.codes.counts.get(cmd["code"], (0, 0))[0],
                "report": window.last_report,
            })  # fmt: skip
        elif kind == "quit":
            window.close()
            window.project.close()
            app.quit()

    buffer = b""

    def readable() -> None:
        nonlocal buffer
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:  # the test went away
            window.close()
            app.quit()
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                obey(json.loads(line))

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(readable)
    answer({"ready": True})
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
