"""Writers of the corpus's documents as real tools write them (python-docx, odfpy, RTF as
Word writes it, plain text in legacy encodings, Markdown). Each returns the text a reader
sees in the written file ("as read"), the reference for the fidelity test.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.corpus.scripts import Script


def write_text(path: Path, text: str, encoding: str, *, crlf: bool = False) -> str:
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes(data.encode(encoding))
    return text


# -- Markdown ---------------------------------------------------------------------------------------
def write_markdown_bold(path: Path, script: Script) -> str:
    lines = [f"# {script.title}", *script.meta]
    shown = [script.title, *script.meta]
    for label, speech in script.turns:
        emphasised = re.sub(r"\b(really|very|muy|sehr)\b", r"*\1*", speech)
        lines.append(f"**{label}:** {emphasised}")
        shown.append(f"{label}: {speech}")
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return "\n\n".join(shown)


def write_markdown_headings(path: Path, script: Script) -> str:
    parts = [f"# {script.title}"]
    shown = [script.title]
    for label, speech in script.turns:
        parts += [f"### {label}", speech]
        shown += [label, speech]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return "\n\n".join(shown)


def write_markdown_front_matter(path: Path, script: Script, keys: dict[str, str]) -> str:
    front = "---\n" + "".join(f"{k}: {v}\n" for k, v in keys.items()) + "---\n\n"
    body = [f"**{label}:** {speech}" for label, speech in script.turns]
    path.write_text(front + "\n\n".join([script.title, *body]) + "\n", encoding="utf-8")
    return "\n\n".join([script.title, *(f"{lb}: {sp}" for lb, sp in script.turns)])


def write_markdown_timestamps(path: Path, script: Script) -> str:
    parts, shown = [script.title], [script.title]
    for i, (label, speech) in enumerate(script.turns):
        stamp = f"[00:{i // 2:02d}:{(i * 17) % 60:02d}]"
        parts += [f"**{label} {stamp}**", speech]
        shown += [f"{label} {stamp}", speech]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return "\n\n".join(shown)


# -- .docx -------------------------------------------------------------------------------------------
def write_docx(
    path: Path, script: Script, *, bold: bool = True, lists: list[str] | None = None
) -> str:
    from docx import Document

    doc = Document()
    doc.add_heading(script.title, level=1)
    shown = [script.title]
    for line in script.meta:
        doc.add_paragraph(line)
        shown.append(line)
    for i, (label, speech) in enumerate(script.turns):
        p = doc.add_paragraph()
        if bold:
            p.add_run(f"{label}:").bold = True
            p.add_run(f" {speech}")
        else:
            p.add_run(f"{label}: {speech}")
        shown.append(f"{label}: {speech}")
        if lists and i == 1:
            for n, item in enumerate(lists, start=1):
                doc.add_paragraph(item, style="List Number")
                shown.append(f"{n}.\t{item}")
            doc.add_paragraph(lists[0], style="List Bullet")
            shown.append(f"•\t{lists[0]}")
    doc.save(str(path))
    return "\n\n".join(shown)


def wrap_table_cell_in_sdt(path: Path) -> None:
    """Wrap the first table cell in a content control, as Word's form templates do."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start = xml.index("<w:tc>")
    end = xml.index("</w:tc>", start) + len("</w:tc>")
    xml = (
        xml[:start]
        + '<w:sdt><w:sdtPr><w:alias w:val="Site"/></w:sdtPr><w:sdtContent>'
        + xml[start:end]
        + "</w:sdtContent></w:sdt>"
        + xml[end:]
    )
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def write_docx_with_table(path: Path, script: Script, rows: list[list[str]]) -> str:
    from docx import Document

    doc = Document()
    doc.add_paragraph(script.title)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for label, speech in script.turns:
        doc.add_paragraph(f"{label}: {speech}")
    doc.save(str(path))
    wrap_table_cell_in_sdt(path)
    shown = [script.title, *("\t".join(row) for row in rows)]
    return "\n\n".join(shown + [f"{lb}: {sp}" for lb, sp in script.turns])


# -- .odt --------------------------------------------------------------------------------------------
def write_odt(
    path: Path, script: Script, *, footnote: tuple[int, str] | None = None,
    numbered: list[str] | None = None,
) -> str:  # fmt: skip
    from odf.opendocument import OpenDocumentText
    from odf.style import ListLevelProperties, Style, TextProperties
    from odf.text import (
        H,
        List,
        ListItem,
        ListLevelStyleNumber,
        ListStyle,
        Note,
        NoteBody,
        NoteCitation,
        P,
        Span,
    )  # fmt: skip

    doc = OpenDocumentText()
    strong = Style(name="Strong", family="text")
    strong.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(strong)
    shown = [script.title]
    doc.text.addElement(H(outlinelevel=1, text=script.title))
    for line in script.meta:
        doc.text.addElement(P(text=line))
        shown.append(line)
    if numbered:
        style = ListStyle(name="Numbering")
        level = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".")
        level.addElement(ListLevelProperties())
        style.addElement(level)
        doc.automaticstyles.addElement(style)
    for i, (label, speech) in enumerate(script.turns):
        p = P()
        p.addElement(Span(stylename=strong, text=f"{label}:"))
        p.addText(f" {speech}")
        text = f"{label}: {speech}"
        if footnote is not None and footnote[0] == i:
            note = Note(id="ftn1", noteclass="footnote")
            note.addElement(NoteCitation(text="1"))
            body = NoteBody()
            body.addElement(P(text=footnote[1]))
            note.addElement(body)
            p.addElement(note)
            text += f" [footnote: {footnote[1]}]"
        doc.text.addElement(p)
        shown.append(text)
        if numbered and i == 1:
            lst = List(stylename="Numbering")
            for n, item in enumerate(numbered, start=1):
                li = ListItem()
                li.addElement(P(text=item))
                lst.addElement(li)
                shown.append(f"{n}.\t{item}")
            doc.text.addElement(lst)
    doc.save(str(path))
    return "\n\n".join(shown)


# -- .rtf --------------------------------------------------------------------------------------------
def rtf_escape(text: str, codepage: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                data = ch.encode(codepage)
            except UnicodeEncodeError:
                code = ord(ch)
                out.append(f"\\u{code if code < 32768 else code - 65536}?")
            else:
                out.append("".join(f"\\'{b:02x}" for b in data))
    return "".join(out)


def write_rtf(
    path: Path, script: Script, codepage: str = "cp1252", *, unicode_escapes: bool = False,
    footnote: tuple[int, str] | None = None, link: tuple[int, str, str] | None = None,
    table: list[list[str]] | None = None,
) -> str:  # fmt: skip
    cpg = codepage.replace("cp", "")
    charset = {"cp949": 129, "cp1250": 238}.get(codepage, 0)

    def esc(s: str) -> str:
        return rtf_escape(s, "ascii" if unicode_escapes else codepage)

    body = [f"{{\\pard\\b {esc(script.title)}\\b0\\par}}"]
    shown = [script.title]
    for i, (label, speech) in enumerate(script.turns):
        extra = ""
        text = f"{label}: {speech}"
        if link is not None and link[0] == i:
            extra += (
                f' See {{\\field{{\\*\\fldinst{{HYPERLINK "{link[2]}"}}}}'
                f"{{\\fldrslt{{\\ul\\cf1 {esc(link[1])}}}}}}}."
            )
            text += f" See {link[1]}."
        if footnote is not None and footnote[0] == i:
            extra += (
                "{\\super\\chftn}{\\footnote\\pard\\plain{\\super\\chftn} "
                f"{esc(footnote[1])}}}"
            )
            text += f" [footnote: {footnote[1]}]"
        body.append(f"{{\\pard{{\\b {esc(label)}:}} {esc(speech)}{extra}\\par}}")
        shown.append(text)
        if table and i == 0:
            for row in table:
                cells = "".join(f"\\pard\\intbl {esc(c)}\\cell" for c in row)
                body.append(f"\\trowd\\cellx3000\\cellx6000\\cellx9000 {cells}\\row")
                shown.append("\t".join(row))
    rtf = (
        f"{{\\rtf1\\ansi\\ansicpg{cpg}\\deff0{{\\fonttbl{{\\f0\\fcharset{charset} Arial;}}}}"
        "{\\colortbl;\\red0\\green0\\blue255;}"
        "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1\n" + "\n".join(body) + "\n}"
    )
    path.write_bytes(rtf.encode("ascii"))
    return "\n\n".join(shown)
