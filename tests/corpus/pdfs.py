"""PDF fixtures drawn with reportlab the way transcript tools lay them out.

``write_pdf`` sets paragraphs on A4 pages with a wrapped, ragged-right text block and can add
what real exports carry: a running header and a "Page N of M" footer (``header``), a column
of line numbers in the left margin as MAXQDA prints them (``line_numbers``), a tab character
after every word (``tabs``, MAXQDA's text layer), every glyph positioned on its own (``per_char``,
as some German exports do), words hyphenated at line ends (``hyphenate``), typographic
ligatures (``ligatures``), lines drawn bottom to top (``reverse``: the content stream's order
is not the reading order), and CID fonts for Japanese and Korean. ``write_garbled_pdf`` makes
a text layer without any Unicode mapping (garbled, as in files whose fonts carry none).
``body_box`` gives the box of the text block, so that an independent extractor (pdftotext)
can be asked for the body only.
"""

from __future__ import annotations

import io
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 90.0, 72.0, 90.0, 80.0
LINE = 15.0
GAP = 9.0  # extra space between paragraphs
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_LIGATURES = {"fi": "\ufb01", "fl": "\ufb02", "ff": "\ufb00"}


def _font(cid: str | None) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if cid:
        pdfmetrics.registerFont(UnicodeCIDFont(cid))
        return cid
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))
    return "DejaVu"


def _wrap(text: str, font: str, size: float, width: float, hyphenate: bool) -> list[str]:
    """Greedy line filling; with ``hyphenate`` a long word that does not fit is split."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if " " not in text and stringWidth(text, font, size) > width:  # CJK: break anywhere
        lines, line = [], ""
        for ch in text:
            if stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ""
            line += ch
        return [*lines, line] if line else lines
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if stringWidth(trial, font, size) <= width:
            line = trial
            continue
        if hyphenate and len(word) >= 9 and word.isalpha():
            for cut in range(len(word) - 4, 3, -1):
                head = f"{line} {word[:cut]}-" if line else f"{word[:cut]}-"
                if stringWidth(head, font, size) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def write_pdf(
    path: Path,
    paragraphs: list[str],
    *,
    cid: str | None = None,
    size: float = 10.5,
    header: str | None = None,
    line_numbers: bool = False,
    tabs: bool = False,
    per_char: bool = False,
    hyphenate: bool = False,
    ligatures: bool = False,
    reverse: bool = False,
) -> Path:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = _font(cid)
    width = PAGE_W - LEFT - RIGHT
    pages: list[list[tuple[float, str]]] = [[]]
    y = PAGE_H - TOP
    for para in paragraphs:
        for line in _wrap(para, font, size, width, hyphenate):
            if y < BOTTOM:
                pages.append([])
                y = PAGE_H - TOP
            pages[-1].append((y, line))
            y -= LINE
        y -= GAP
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for number, lines in enumerate(pages, start=1):
        if header:
            c.setFont(font, 8.5)
            c.drawString(LEFT, PAGE_H - 50, header)
            c.drawRightString(PAGE_W - RIGHT, 40, f"Page {number} of {len(pages)}")
        numbered = list(enumerate(lines, start=1))
        for i, (y, line) in reversed(numbered) if reverse else numbered:
            c.setFont(font, size)
            if line_numbers:
                c.setFont(font, 8)
                c.drawRightString(LEFT - 22, y, str(i))
                c.setFont(font, size)
            shown = line
            if ligatures:
                for pair, glyph in _LIGATURES.items():
                    shown = shown.replace(pair, glyph)
            if tabs:
                x = LEFT
                space = stringWidth(" ", font, size)
                for word in shown.split(" "):
                    c.drawString(x, y, word + "\t")
                    x += stringWidth(word, font, size) + space
            elif per_char:
                x = LEFT
                for ch in shown:
                    c.drawString(x, y, ch)
                    x += stringWidth(ch, font, size) + 0.25
            else:
                c.drawString(LEFT, y, shown)
        c.showPage()
    c.save()
    path.write_bytes(buffer.getvalue())
    return path


def write_garbled_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose font (Type 3, glyphs named ``g1``, ``g2`` …) has no Unicode mapping at all:
    a viewer draws boxes, and every extractor reads codes without meaning."""
    codes: dict[str, int] = {}
    for ch in "".join(lines):
        if ch != " " and ch not in codes:
            codes[ch] = len(codes) + 1
    n = len(codes)
    procs = " ".join(f"/g{i} {7 + i} 0 R" for i in range(1, n + 1))
    diffs = " ".join(f"/g{i}" for i in range(1, n + 1))

    def show(line: str) -> str:
        return "".join("\\040" if ch == " " else f"\\{codes[ch]:03o}" for ch in line)

    body = " ".join(f"({show(line)}) Tj 0 -16 Td" for line in lines)
    content = f"BT /F1 11 Tf 72 760 Td {body} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        (
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 700] /FontMatrix [0.001 0 0 0.001 0 0] "
            f"/CharProcs 6 0 R /Encoding << /Type /Encoding /Differences [1 {diffs}] >> "
            f"/FirstChar 1 /LastChar {max(n, 32)} /Widths [{' '.join(['500'] * max(n, 32))}] >>"
        ).encode(),
        f"<< {procs} >>".encode(),
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    glyph = b"500 0 0 0 450 650 d1 0 0 450 650 re f"
    objects += [b"<< /Length %d >>\nstream\n" % len(glyph) + glyph + b"\nendstream"] * n
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def body_box() -> tuple[int, int, int, int]:
    """(x, y, w, h) in pdftotext's pixels at 72 dpi: the text block without the margins
    that hold line numbers, the running header and the page footer."""
    return int(LEFT - 4), int(TOP - 20), int(PAGE_W - LEFT - RIGHT + 8), int(PAGE_H - TOP - 40)
