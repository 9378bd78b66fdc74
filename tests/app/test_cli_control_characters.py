"""Control characters in names and memos (a planted ESC, Word's vertical-tab line breaks in
a pasted memo) never fail an export: XML cannot hold them, so Word and Excel files show a
line break or a visible escape; a code created with one stores it escaped."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from qualframe.app.cli.main import main
from qualframe.coding.export.safe_cells import xml_safe

ESCAPED = "Pres\\x1bsure\\x07"


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    assert main(["demo", str(path)]) == 0
    with sqlite3.connect(path) as db:  # as a hostile or damaged file would hold them
        db.execute("UPDATE codes SET name = 'Pres\x1bsure\x07' WHERE parent_id IS NULL "
                   "AND id = (SELECT min(id) FROM codes)")  # fmt: skip
        db.execute("UPDATE memos SET text = 'first line\x0bsecond line\x0c'")
    return path


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        if v is not None
    )  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [
        ["matrix", "--out", "m.docx"],
        ["matrix", "--out", "m.xlsx"],
        ["codebook", "--out", "c.docx"],
        ["codebook", "--out", "c.xlsx"],
        ["segments", "--format", "docx", "--out", "s.docx"],
        ["segments", "--format", "xlsx", "--out", "s.xlsx"],
    ],
)
def test_exports_show_a_planted_escape_instead_of_failing(
    planted: Path, tmp_path: Path, argv: list[str]
) -> None:
    out = tmp_path / argv[-1]
    command, *options = argv
    assert main([command, str(planted), *options[:-1], str(out)]) == 0
    text = _docx_text(out) if out.suffix == ".docx" else _xlsx_text(out)
    assert ESCAPED in text
    assert "\x1b" not in text


def test_the_memo_report_keeps_word_line_breaks(planted: Path, tmp_path: Path) -> None:
    out = tmp_path / "memos.docx"
    assert main(["memos", str(planted), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    assert "first line" in xml and "second line" in xml and "\x0b" not in xml


def test_xml_safe() -> None:
    assert xml_safe("a\x0bb\x0cc") == "a\nb\nc"
    assert xml_safe("tab\tnew\nline") == "tab\tnew\nline"
    assert xml_safe("\x00\x1b\ufffe") == "\\x00\\x1b\\ufffe"


def test_a_new_code_name_stores_a_control_character_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.qualframe"
    assert main(["demo", str(path)]) == 0
    assert main(["code", str(path), "--document", "fgi_mentees", "--start", "0", "--end", "5",
                 "--code", "Risk\x1b[31m", "--create"]) == 0  # fmt: skip
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT name FROM codes WHERE name LIKE 'Risk%'")]
    assert names == ["Risk\\x1b[31m"]
