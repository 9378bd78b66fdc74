"""The text of an .odt (OpenDocument text), as LibreOffice shows it.

``content.xml`` is streamed with ``iterparse`` like a .docx: each block of the body is read
when it ends and then cleared. Footnotes and endnotes are put in brackets where they are
referenced (``[footnote: …]``, as for .docx), list numbers and bullets are kept as text
(computed from the list styles, as LibreOffice counts them), tracked deletions and comments
are left out, a table row becomes one line with its cells separated by tabs. Every walk is
iterative, so deeply nested XML cannot overflow Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.containers import Package, check_office_container, open_package
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extracted import Extracted, join_paragraphs
from qualframe.coding.importing.numbering import Level, ListCounter

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"

_WS = re.compile(r"[ \t\r\n]+")
_SKIPPED = {
    OFFICE + "annotation", OFFICE + "annotation-end", TEXT + "bookmark-ref",
    TEXT + "note-citation", TEXT + "tracked-changes",
}  # fmt: skip
_BLOCK_CONTAINERS = {
    TEXT + "section", TEXT + "index-body", TEXT + "table-of-content", TEXT + "index-title",
    TEXT + "alphabetical-index", TEXT + "illustration-index", TEXT + "bibliography",
    OFFICE + "text",
}  # fmt: skip
_FOLLOWED = {"listtab": "\t", "space": " ", "nothing": ""}


def _ws(text: str | None) -> str:
    return _WS.sub(" ", text) if text else ""


class _Styles:
    """Bold character styles and list styles (automatic ones and those in styles.xml)."""

    def __init__(self) -> None:
        self.bold: set[str] = set()
        self.lists: dict[str, dict[int, Level]] = {}

    def read(self, tree: Any) -> None:
        for style in tree.iter(STYLE + "style"):
            props = style.find(STYLE + "text-properties")
            if props is not None and props.get(FO + "font-weight") in (
                "bold",
                "600",
                "700",
                "800",
                "900",
            ):
                self.bold.add(style.get(STYLE + "name", ""))
        for ls in tree.iter(TEXT + "list-style"):
            levels: dict[int, Level] = {}
            for spec in ls:
                level = int(spec.get(TEXT + "level", "1") or 1) - 1
                props = spec.find(STYLE + "list-level-properties")
                align = (
                    props.find(STYLE + "list-level-label-alignment") if props is not None else None
                )
                followed = (
                    align.get(TEXT + "label-followed-by", "listtab")
                    if align is not None
                    else "listtab"
                )
                suffix = _FOLLOWED.get(followed, "\t")
                if spec.tag == TEXT + "list-level-style-bullet":
                    levels[level] = Level("bullet", spec.get(TEXT + "bullet-char", "•"), 1, suffix)
                elif spec.tag == TEXT + "list-level-style-number":
                    fmt = spec.get(STYLE + "num-format", "1")
                    shown = max(1, int(spec.get(TEXT + "display-levels", "1") or 1))
                    numbers = ".".join(
                        f"%{k + 1}" for k in range(max(0, level - shown + 1), level + 1)
                    )
                    template = (
                        spec.get(STYLE + "num-prefix", "")
                        + numbers
                        + spec.get(STYLE + "num-suffix", "")
                    )
                    start = int(spec.get(TEXT + "start-value", "1") or 1)
                    levels[level] = Level(fmt or "none", template if fmt else "", start, suffix)
            self.lists[ls.get(STYLE + "name", "")] = levels


def _note_text(note: Any) -> str:
    body = note.find(TEXT + "note-body")
    if body is None:
        return ""
    texts = (_inline(p) for p in body.iter(TEXT + "p", TEXT + "h"))
    return " ".join(" ".join(t.split()) for t in texts if t.strip())


def _inline(el: Any) -> str:
    """A paragraph's text: spaces collapsed as ODF says, ``text:s``/tab/line-break as typed,
    notes in brackets, comments left out. Iterative over any depth of spans."""
    out = [_ws(el.text)]
    stack: list[tuple[Iterator[Any], Any]] = [(iter(el), None)]
    while stack:
        it, owner = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            if owner is not None:
                out.append(_ws(owner.tail))
            continue
        tag = child.tag
        if tag == TEXT + "s":
            count = child.get(TEXT + "c", "1")
            out.append(" " * (int(count) if count.isdigit() else 1))
        elif tag == TEXT + "tab":
            out.append("\t")
        elif tag == TEXT + "line-break":
            out.append("\n")
        elif tag == TEXT + "note":
            kind = "endnote" if child.get(TEXT + "note-class") == "endnote" else "footnote"
            note = _note_text(child)
            if note:
                before = "".join(out[-3:])
                space = "" if not before or before[-1].isspace() else " "
                out.append(f"{space}[{kind}: {note}]")
        elif isinstance(tag, str) and tag not in _SKIPPED:
            out.append(_ws(child.text))
            stack.append((iter(child), child))
            continue
        out.append(_ws(child.tail))
    return "".join(out)


def _paragraph(p: Any, styles: _Styles) -> tuple[str, int]:
    text = _inline(p)
    bold_len = 0
    if not (p.text or "").strip() and len(p):
        first = p[0]
        if first.tag == TEXT + "span" and first.get(TEXT + "style-name") in styles.bold:
            head = normalise_text(_span_text(first))
            lead = normalise_text(_ws(p.text))
            if head.strip() and text.strip() != head.strip():
                bold_len = len(lead) + len(head)
    return text, bold_len


def _span_text(span: Any) -> str:
    """A span's own text without its tail."""
    tail = span.tail
    span.tail = None
    try:
        return _inline(span)
    finally:
        span.tail = tail


class _Walker:
    """Blocks of the body in order, with list counters that persist across blocks."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.counters: dict[str, ListCounter] = {}

    def blocks(self, root: Any) -> Iterator[tuple[str, int]]:
        # stack entries: (children, list style, list level); a list item's label waits for
        # the item's first paragraph
        stack: list[tuple[Iterator[Any], str | None, int]] = [(iter([root]), None, -1)]
        label = ""
        while stack:
            it, list_style, level = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                continue
            tag = child.tag
            if tag in (TEXT + "p", TEXT + "h"):
                text, bold_len = _paragraph(child, self.styles)
                if label:
                    text, bold_len, label = label + text, 0, ""
                yield text, bold_len
            elif tag == TEXT + "list":
                style = child.get(TEXT + "style-name") or list_style
                if level < 0 and style is not None:
                    continues = child.get(TEXT + "continue-numbering") == "true" or child.get(
                        TEXT + "continue-list"
                    )
                    if not continues:
                        self.counters.pop(style, None)
                stack.append((iter(child), style, level + 1))
            elif tag == TEXT + "list-item":
                label = self._label(child, list_style, level)
                stack.append((iter(child), list_style, level))
            elif tag == TEXT + "list-header":
                stack.append((iter(child), list_style, level))
            elif tag == TABLE + "table":
                yield from self._table(child)
            elif tag in _BLOCK_CONTAINERS:
                stack.append((iter(child), list_style, level))

    def _label(self, item: Any, style: str | None, level: int) -> str:
        if style is None or style not in self.styles.lists:
            return ""
        counter = self.counters.get(style)
        if counter is None:
            counter = self.counters[style] = ListCounter(self.styles.lists[style])
        start = item.get(TEXT + "start-value")
        return counter.label(level, int(start) if start and start.isdigit() else None)

    def _table(self, table: Any) -> Iterator[tuple[str, int]]:
        for row in table.iter(TABLE + "table-row"):
            cells = []
            for cell in row:
                if cell.tag != TABLE + "table-cell":
                    continue
                texts = (_inline(p) for p in cell.iter(TEXT + "p", TEXT + "h"))
                cells.append(" ".join(" ".join(t.split()) for t in texts if t.strip()))
            yield "\t".join(cells).rstrip("\t"), 0


def _stream_body(package: Package, styles: _Styles) -> Iterator[tuple[str, int]]:
    walker = _Walker(styles)
    depth = 0
    in_text = False
    for event, el in package.iterparse("content.xml"):
        if event == "start":
            depth += 1
            if depth == 3 and el.tag == OFFICE + "text":
                in_text = True
            continue
        depth -= 1
        if depth == 1 and el.tag == OFFICE + "automatic-styles":
            styles.read(el)
        elif depth == 3 and in_text:
            if el.tag not in _SKIPPED:
                yield from walker.blocks(el)
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    if not in_text:
        raise refuse(package.name, "is not a text document (.odt)")


def extract_odt(raw: bytes, name: str) -> Extracted:
    check_office_container(raw, name, ".odt", "LibreOffice")
    package = open_package(raw, name, "content.xml", ".odt")
    styles = _Styles()
    if package.has("styles.xml"):
        styles.read(package.parse("styles.xml"))
    result = join_paragraphs(_stream_body(package, styles), "odt")
    result.warnings.extend(package.warnings())
    if not result.text.strip():
        raise refuse(name, "contains no text")
    return result
