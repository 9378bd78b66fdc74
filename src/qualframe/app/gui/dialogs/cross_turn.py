"""Coding a selection that runs over several speaker turns.

Such a selection would become one segment credited to one speaker, whose quotes would carry
another speaker's words and label. The analyst chooses: split it into one segment per
participant turn (the default, the words after each label, without the interviewer's turns),
or keep it as one (warned that it counts for one speaker only). The choice can be remembered
(``Settings`` option ``cross_turn``: ``ask``, ``split`` or ``keep``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from qualframe.app.gui.settings import Settings
from qualframe.coding.corpus.turn_split import TurnSpan

SPLIT, KEEP = "split", "keep"


def _names(speakers: tuple[str, ...]) -> str:
    seen = list(dict.fromkeys(speakers))
    return ", ".join(seen[:6]) + (f" and {len(seen) - 6} more" if len(seen) > 6 else "")


def keep_warning(span: TurnSpan) -> str:
    first = span.pieces[0].speaker if span.pieces else span.speakers[0]
    return (
        f"Kept as one segment over {len(span.speakers)} speaker turns: it counts for {first} "
        f"only, and its quotes show only {first}'s turn."
    )


def ask_cross_turn(parent: QWidget, span: TurnSpan, settings: Settings) -> str | None:
    """``split``, ``keep`` or None (cancelled), asking unless a choice was remembered."""
    remembered = settings.option("cross_turn", "ask")
    if remembered == SPLIT and span.pieces:
        return SPLIT
    if remembered == KEEP:
        return KEEP
    box = QMessageBox(parent)
    box.setObjectName("cross_turn_box")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Selection over several speakers")
    box.setText(
        f"The selection runs over {len(span.speakers)} speaker turns ({_names(span.speakers)})."
    )
    n = len(span.pieces)
    split_btn = None
    if n:
        box.setInformativeText(
            "Split it into one segment per participant turn (their words, without the "
            "speaker labels and the interviewer's questions), or keep it as one segment, "
            "which counts for one speaker only."
        )
        split_btn = box.addButton(
            f"Split into {n} segment{'s' if n != 1 else ''}", QMessageBox.ButtonRole.AcceptRole
        )
    else:
        box.setInformativeText("It holds no participant's words, only the interviewer's.")
    keep_btn = box.addButton("Keep as one segment", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(split_btn or keep_btn)
    remember = QCheckBox("Remember my choice (Code menu → Selections over several speakers)")
    box.setCheckBox(remember)
    box.exec()
    clicked = box.clickedButton()
    choice = SPLIT if clicked is split_btn and split_btn else KEEP if clicked is keep_btn else None
    if choice is not None and remember.isChecked():
        settings.set_option("cross_turn", choice)
    return choice
