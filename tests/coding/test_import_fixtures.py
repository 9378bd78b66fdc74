"""Builders of real import files (docx, odt, rtf, pdf, xlsx, csv, broken ones) for the tests.

Everything is generated in ``tmp_path``; the few tests here check that the builders make
files that the reference readers (python-docx, odfpy, pypdf, openpyxl) accept, so that a
failure in an importer test is about the importer.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.storage.models import Base

MENTEES = """Focus group with mentees (test transcript)

Moderator: Welcome, and thank you for coming. How did the programme start for you?

E1: I met my mentor in the first week. We studied in the library every Thursday.
She also showed me how to plan the whole block.

[00:03:10] E2 (김하늘): For me it was online, because my mentor was on rotations.

(04:12) Moderator: What changed in the way you study?

E1: I start much earlier now.

Interviewer: A follow-up from the second interviewer.

E3: Honestly, the exam reviews helped most.
"""

KOREAN = """멘티 면담 (시험용 예시)

진행자: 멘토링에서 가장 좋았던 점은 무엇인가요?

E6 (김민지): 시험 전에 복습 모임을 열어 주셔서 긴장이 덜했어요.

면담자: 조금 더 말씀해 주세요.

E7 (박준호): 공부 계획표를 함께 만든 게 도움이 됐습니다.
"""


def table_dump(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: the project's whole content."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with project.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def make_docx(path: Path, *, with_table: bool = True) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading("Focus group with mentors", level=1)
    p = doc.add_paragraph()
    p.add_run("Moderator").bold = True
    p.add_run(": Why did you sign up as a mentor?")
    p = doc.add_paragraph()
    p.add_run("M1:").bold = True
    p.add_run(" Partly for the volunteer credit.")
    run = p.add_run()
    run.add_break()
    p.add_run("Second line of the same paragraph.")
    doc.add_paragraph("And a continuation paragraph without a label.")
    p = doc.add_paragraph()
    p.add_run("M2 (이서연)").bold = True
    p.add_run(" I had a mentor myself in first year.")
    doc.add_paragraph("M3: A plain typed label works too.")
    if with_table:
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Session"
        table.cell(0, 1).text = "Date"
        table.cell(1, 0).text = "Mentors"
        table.cell(1, 1).text = "2024-05-02"
    p = doc.add_paragraph()
    p.add_run("Everything in this paragraph is bold, so it is not a label.").bold = True
    doc.save(str(path))
    return path


def make_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P, Span

    doc = OpenDocumentText()
    bold = Style(name="BoldLabel", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    doc.text.addElement(H(outlinelevel=1, text="Mentee group (odt)"))
    p = P()
    p.addElement(Span(stylename=bold, text="Facilitator:"))
    p.addText(" Let us begin with study habits.")
    doc.text.addElement(p)
    doc.text.addElement(P(text="E4: I make a weekly plan now."))
    p = P()
    p.addElement(Span(stylename=bold, text="E5"))
    p.addText(" I stopped cramming.")
    doc.text.addElement(p)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for value in ("Group", "Mentees"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    doc.save(str(path))
    return path


def rtf_escape(text: str, codec: str) -> str:
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\par ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.extend(f"\\'{b:02x}" for b in ch.encode(codec))
    return "".join(out)


def make_rtf(path: Path, text: str, codec: str = "cp1252") -> Path:
    cpg = codec.replace("cp", "")
    body = rtf_escape(text, codec)
    path.write_bytes(
        (
            "{\\rtf1\\ansi\\ansicpg" + cpg + "\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 " + body + "}"
        ).encode("ascii")
    )
    return path


def make_pdf(path: Path, lines: list[str] | None) -> Path:
    """A one-page PDF; ``lines`` drawn as text, or only a line drawing when ``None``."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    if lines:
        ops = " ".join(f"({esc(line)}) Tj T*" for line in lines)
        content = f"BT /F1 11 Tf 14 TL 72 740 Td {ops} ET"
    else:
        content = "0.5 w 72 72 m 300 300 l S 100 100 200 150 re S"
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def make_xlsx(path: Path) -> Path:
    """A survey workbook with a merged title, a blank row, numbers as text, merged groups."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(["Mentoring survey 2024 (test export)"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["ID", "Group", "Q1 satisfaction", "Q2 topics", "Age", "Comments"])
    rows = [
        ["S01", " Mentor", "4", "Exams, Planning", 24, "Good pairing overall."],
        ["S02", None, 5, "Exams", 23, None],
        ["S03", "MENTEE", "3", "Planning, Stress", "19", "More meetings please, maybe weekly."],
        [None, None, None, None, None, None],
        ["S04", "mentee", 2, "Stress", 20.0, "It felt like homework."],
        ["S05", "Mentee", 4, "Exams, Stress", 21, "My mentor answered at night."],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("B4:B5")  # "Mentor" spans S01 and S02
    wb.save(str(path))
    return path


def make_cfb(path: Path) -> Path:
    """The start of an encrypted OOXML file: an OLE2/CFB container with an EncryptedPackage
    stream name in its directory (what Word and Excel write for password-protected files)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3 (512-byte sectors)
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little-endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", "EncryptionInfo", "EncryptedPackage"]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128 : i * 128 + len(encoded)] = encoded
        directory[i * 128 + 64 : i * 128 + 66] = len(encoded).to_bytes(2, "little")
    path.write_bytes(bytes(header) + bytes(directory) + bytes(1024))
    return path


def make_zip_txt(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "E1: hello")
    return path


# -- the builders themselves ------------------------------------------------------------------
def test_builders_make_files_reference_readers_accept(tmp_path: Path) -> None:
    import docx
    import odf.opendocument
    import openpyxl
    from pypdf import PdfReader

    assert "volunteer credit" in "\n".join(
        p.text for p in docx.Document(str(make_docx(tmp_path / "a.docx"))).paragraphs
    )
    odf.opendocument.load(str(make_odt(tmp_path / "a.odt")))
    wb = openpyxl.load_workbook(make_xlsx(tmp_path / "a.xlsx"))
    assert wb.active["A3"].value == "ID"
    pdf = PdfReader(str(make_pdf(tmp_path / "a.pdf", ["M1: text layer"])))
    assert "M1: text layer" in (pdf.pages[0].extract_text() or "")
    blank = PdfReader(str(make_pdf(tmp_path / "b.pdf", None)))
    assert not (blank.pages[0].extract_text() or "").strip()
