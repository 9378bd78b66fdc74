"""The house style for every Word table Qualframe writes (theme matrix, survey tables,
codebook report): caption above ("Table N. Title"), a real table whose header row repeats on
each page, one font and size throughout (with an East-Asian font for Hangul), bullets as real
indented paragraphs, notes below, widths that fit the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from qualframe.coding.export.atomic import write_atomically

FONT = "Calibri"
EAST_ASIAN_FONT = "Malgun Gothic"
FONT_SIZE = 10
NOTE_SIZE = 9
HEADER_FILL = "E7E6E6"
BULLET_INDENT_CM = 0.4
BULLET_GLYPHS = ("-", "·", "◦")


def new_document(
    *, landscape: bool = False, font: str = FONT, size: int = FONT_SIZE
) -> DocxDocument:
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    for style_name in ("Normal", "Caption"):
        try:
            style = doc.styles[style_name]
        except KeyError:
            continue
        style.font.name = font
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), font)
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(0)
    normal.space_before = Pt(0)
    normal.line_spacing = 1.0
    return doc


def usable_width_cm(doc: DocxDocument) -> float:
    s = doc.sections[-1]
    assert s.page_width is not None and s.left_margin is not None and s.right_margin is not None
    return float((s.page_width - s.left_margin - s.right_margin) / 360000)


def add_caption(doc: DocxDocument, number: int, title: str) -> Paragraph:
    """ "Table N. Title" above the table (bold label), kept with the table."""
    p = doc.add_paragraph()
    label = p.add_run(f"Table {number}.")
    label.bold = True
    p.add_run(f" {title}")
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(4)
    return p


def add_note(doc: DocxDocument, text: str, *, italic_label: str | None = "Note.") -> Paragraph:
    p = doc.add_paragraph()
    if italic_label:
        r = p.add_run(italic_label + " ")
        r.italic = True
        r.font.size = Pt(NOTE_SIZE)
    r = p.add_run(text)
    r.font.size = Pt(NOTE_SIZE)
    p.paragraph_format.space_before = Pt(3)
    return p


def set_repeat_header(row: _Row) -> None:
    """Mark a row as a header row that Word repeats at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def set_cant_split(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is not None:
        return
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def is_cant_split(row: _Row) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None


def is_repeat_header(row: _Row) -> bool:
    tr_pr = row._tr.trPr
    if tr_pr is None:
        return False
    el = tr_pr.find(qn("w:tblHeader"))
    return el is not None and el.get(qn("w:val"), "true") in ("true", "1", "on")


def shade(cell: _Cell, fill: str = HEADER_FILL) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def add_table(
    doc: DocxDocument,
    header: Sequence[str],
    widths_cm: Sequence[float] | None = None,
    *,
    header_rows: int = 1,
) -> Table:
    """A grid table with a shaded, bold, repeating header row and fixed column widths."""
    table: Table = doc.add_table(rows=header_rows, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        set_cell_text(cell, text, bold=True)
        shade(cell)
    for r in range(header_rows):
        set_repeat_header(table.rows[r])
    if widths_cm is None:
        total = usable_width_cm(doc)
        widths_cm = [total / len(header)] * len(header)
    set_widths(table, widths_cm)
    return table


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def set_cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: str | None = None,
) -> Paragraph:
    """Replace the cell's content with one paragraph of ``text``."""
    p: Paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    p.clear()
    run = p.add_run(text)
    run.bold = bold
    run.italic = italic
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return p


def cell_paragraph(cell: _Cell) -> Paragraph:
    """The cell's first paragraph if it is still empty, else a new one."""
    first: Paragraph = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.text and not first.runs:
        return first
    added: Paragraph = cell.add_paragraph()
    return added


def add_bullet(
    cell: _Cell,
    text: str,
    level: int = 0,
    *,
    bold: bool = False,
    italic: bool = False,
    suffix: str = "",
    color: str | None = None,
) -> Paragraph:
    """A bullet as a real paragraph with a hanging indent (glyph, tab, text)."""
    p = cell_paragraph(cell)
    fmt = p.paragraph_format
    indent = Cm(BULLET_INDENT_CM * (level + 1))
    fmt.left_indent = indent
    fmt.first_line_indent = -Cm(BULLET_INDENT_CM)
    fmt.tab_stops.add_tab_stop(indent)
    glyph = BULLET_GLYPHS[min(level, len(BULLET_GLYPHS) - 1)]
    p.add_run(f"{glyph}\t")
    run = p.add_run(text)
    run.bold = bold
    run.italic = italic
    if color:
        run.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
    if suffix:
        s = p.add_run(suffix)
        s.font.size = Pt(NOTE_SIZE)
    return p


def bullet_level(p: Paragraph) -> int | None:
    """The bullet level of a paragraph written by :func:`add_bullet` (None if not a bullet)."""
    text = p.text
    for level, glyph in enumerate(BULLET_GLYPHS):
        if text.startswith(glyph + "\t"):
            return level
    return None


# -- size estimates (a table cannot be measured before Word lays it out) ---------------------
#: Width of an average Latin character as a fraction of the font size (generous, so that a
#: substitute font such as LibreOffice's DejaVu Sans for Calibri still fits), and of a wide
#: (Hangul, CJK, emoji) character.
NARROW_EM = 0.64
WIDE_EM = 1.0
THIN_EM = 0.4  # spaces, stops, "i", "l" …
THIN_CHARS = frozenset(" .,:;'|!ijlIft()[]")
CELL_PADDING_CM = 0.5  # Word's default left + right cell margins (0.19 cm each) and a little
LINE_HEIGHT = 1.2  # line height as a multiple of the font size
PT_CM = 2.54 / 72


def text_width_cm(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """An estimate of the printed width of ``text`` (one line)."""
    import unicodedata

    ems = sum(
        WIDE_EM
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else THIN_EM
        if ch in THIN_CHARS
        else NARROW_EM
        for ch in text
    )
    return ems * size * PT_CM * (1.2 if bold else 1.0)


def longest_word_cm(texts: Sequence[str], size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """The width a column needs so that no word of ``texts`` is broken (padding included)."""
    # Word may break a line after a hyphen, a dash or a slash, so those end a "word".
    words = [w for t in texts for w in re.split(r"\s+|(?<=[-–/])", t) if w]
    if not words:
        return CELL_PADDING_CM
    return max(text_width_cm(w, size, bold=bold) for w in words) + CELL_PADDING_CM


def _lines(text: str, width_cm: float, size: float) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in ``width_cm``."""
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for word in para.split():
            w = text_width_cm(word + " ", size)
            if used and used + w > width_cm:
                lines, used = lines + 1, 0.0
            used += w
        total += lines
    return total


def row_height_cm(row: _Row, widths_cm: Sequence[float], size: float = FONT_SIZE) -> float:
    """An estimate of a table row's height once laid out."""
    tallest = 0.0
    for cell, width in zip(row.cells, widths_cm, strict=False):
        lines = 0
        for p in cell.paragraphs:
            indent = p.paragraph_format.left_indent
            room = width - CELL_PADDING_CM - (indent / 360000 if indent else 0.0)
            lines += _lines(p.text.replace("\t", " "), max(room, 0.5), size)
        tallest = max(tallest, lines * size * LINE_HEIGHT * PT_CM)
    return tallest + 0.1


def usable_height_cm(doc: DocxDocument) -> float:
    s = doc.sections[-1]
    assert s.page_height is not None and s.top_margin is not None
    assert s.bottom_margin is not None
    return float((s.page_height - s.top_margin - s.bottom_margin) / 360000)


def keep_rows_whole(
    doc: DocxDocument, table: Table, widths_cm: Sequence[float], size: float = FONT_SIZE
) -> None:
    """Forbid a page break inside a body row, for every row that fits on a page below the
    repeated header (a row taller than that must still break, or Word would clip it)."""
    header = sum(row_height_cm(r, widths_cm, size) for r in table.rows if is_repeat_header(r))
    room = usable_height_cm(doc) - header - 1.0
    for row in table.rows:
        if not is_repeat_header(row) and row_height_cm(row, widths_cm, size) < room:
            set_cant_split(row)


def fit_columns(
    doc: DocxDocument,
    table: Table,
    *,
    first_max_cm: float = 8.0,
    min_cm: float = 1.2,
) -> list[float]:
    """Widths for a table of figures: each column after the first as wide as its widest
    line (header lines in bold) so that no figure wraps, the first (labels) column the rest
    of the page up to ``first_max_cm`` (a narrow table is centred rather than stretched),
    never narrower than its longest word. If the figures do not fit, they share what is
    left. Applies the widths and returns them."""
    cols = len(table.columns)
    need = [min_cm] * cols
    first_word = CELL_PADDING_CM
    for r, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            for p in cell.paragraphs:
                indent = p.paragraph_format.left_indent
                extra = indent / 360000 if indent else 0.0
                if j == 0:
                    first_word = max(first_word, longest_word_cm([p.text], bold=r == 0) + extra)
                    continue
                for line in p.text.split("\n"):
                    width = text_width_cm(line, bold=r == 0) + CELL_PADDING_CM + extra
                    need[j] = max(need[j], width)
    total = usable_width_cm(doc)
    figures = sum(need[1:])
    first = min(first_max_cm, total - figures)
    if first < first_word:  # too wide: the figures share what the labels leave
        first = min(first_word, total * 0.4)
        scale = (total - first) / figures if figures else 1.0
        need = [need[0], *(w * scale for w in need[1:])]
    widths = [first, *need[1:]]
    set_widths(table, widths)
    if sum(widths) < total - 0.05:  # narrower than the page: flush left, under its caption
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
    return widths


def keep_with_note(table: Table) -> None:
    """Keep the table's last row on the page of the note that follows the table."""
    last = table.rows[-1]
    for cell in last.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def set_table_font_size(table: Table, size: float) -> None:
    """Every run of the table in ``size`` points (for very wide tables)."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)


def merge_down(table: Table, col: int, first_row: int, last_row: int) -> _Cell:
    """Merge a column's cells over several rows (e.g. a theme spanning its rows)."""
    top = table.cell(first_row, col)
    if last_row > first_row:
        top = top.merge(table.cell(last_row, col))
    return top


def save(doc: DocxDocument, path: Path) -> None:
    """Write the document completely or not at all."""
    write_atomically(Path(path), doc.save)
