"""One rule for every way text leaves the application.

Files (the exporters), the clipboard (Copy of retrieved segments, Copy in a document) and
drag and drop out of the app all pass their text through here:

* every known real name of every participant is replaced by the pseudonym (the project's
  masker, :func:`qualframe.coding.core.privacy.name_masker`), unless the user asked for
  real names;
* a line that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` …) is
  neutralised with a leading apostrophe (:func:`qualframe.coding.export.safe_cells.neutralise`),
  because text on the clipboard or dropped out of the app may land in a spreadsheet, where
  each line becomes a cell.
"""

from __future__ import annotations

from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.export.safe_cells import neutralise


def neutralise_lines(text: str) -> str:
    """Each line of ``text`` as a spreadsheet cell that cannot start a formula."""
    return "\n".join(neutralise(line) for line in text.split("\n"))


def text_for_outside(
    project: Project, text: str, *, real_names: bool = False, spreadsheet_safe: bool = True
) -> str:
    """``text`` as it may leave the application (clipboard, drag and drop)."""
    with project.read() as s:
        mask = name_masker(s, real_names)
    out = mask(text)
    return neutralise_lines(out) if spreadsheet_safe else out
