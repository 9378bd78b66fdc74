"""The codebook report (coding manual) in Word and Excel, re-opened and checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from qualframe.coding.commands import EditCodeDetails
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export.codebook_report import export_codebook, manual_entries
from qualframe.coding.export.docx_style import bullet_level, is_repeat_header
from tests.coding.test_matrix_data import EXEMPLAR, build_known_project


def test_word_manual(project: Project, tmp_path: Path) -> None:
    known = build_known_project(project)
    EditCodeDetails(
        known.codes["Outcomes"],
        {"definition": "Changes in the mentee.", "inclusion": "Linked to mentoring.",
         "exclusion": "Mentor gains.", "example": "I plan my week now."},
    ).do(project)  # fmt: skip
    out = tmp_path / "codebook.docx"
    export_codebook(project, out)
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == "Table 1. Codebook (coding manual)"
    table = doc.tables[0]
    assert is_repeat_header(table.rows[0])
    assert [c.text for c in table.rows[0].cells] == [
        "Code", "Definition", "Include when", "Exclude when", "Example", "n",
    ]  # fmt: skip
    outcomes = [c.text for c in table.rows[1].cells]
    assert outcomes == [
        "Outcomes", "Changes in the mentee.", "Linked to mentoring.", "Mentor gains.",
        "I plan my week now.", "7 / 5",
    ]  # fmt: skip
    academic = table.rows[2].cells[0].paragraphs[0]
    assert (bullet_level(academic), academic.text) == (0, "-\tAcademic")
    motivation = table.rows[3].cells
    assert bullet_level(motivation[0].paragraphs[0]) == 1
    # No written example: the exemplar segment stands in, with the speaker.
    assert motivation[4].text == f"“{EXEMPLAR}” — E2"
    assert motivation[5].text == "5 / 4"  # all segments; participants without interviewers
    assert len(table.rows) == 1 + len(manual_entries(project))


def test_excel_manual_neutralised(project: Project, tmp_path: Path) -> None:
    build_known_project(project)
    out = tmp_path / "codebook.xlsx"
    export_codebook(project, out)
    ws = load_workbook(out)["Codebook"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Theme", "Category", "Code", "Level", "Path"]
    assert ws.freeze_panes == "A2"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    risky = next(r for r in rows if r[2] and "Risky" in r[2])
    assert risky[2] == "'=Risky formula"
    assert risky[header.index("Segments")] == 1


def test_bad_extension_and_empty_codebook(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="the codebook is empty"):
        export_codebook(project, tmp_path / "c.docx")
    with pytest.raises(UserError, match=r"Cannot write c\.txt"):
        export_codebook(project, tmp_path / "c.txt")
    assert not (tmp_path / "c.docx").exists()


def test_word_manual_layout(project: Project, tmp_path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from qualframe.coding.export.docx_style import is_cant_split

    build_known_project(project)
    out = tmp_path / "codebook.docx"
    export_codebook(project, out)
    table = open_docx(str(out)).tables[0]
    # The "n" header sits over its right-aligned figures; rows never break across pages,
    # and the last row stays with the note.
    assert table.rows[0].cells[5].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[5].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(is_cant_split(r) for r in table.rows[1:])
    assert table.rows[-1].cells[0].paragraphs[0].paragraph_format.keep_with_next
