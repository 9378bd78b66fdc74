"""A fast path for the usual .docx transcript: body paragraphs of runs, nothing else.

:mod:`read_docx` reads every paragraph with ``find``/``iter`` calls to get tracked changes,
hidden text, footnotes, text boxes, tables, content controls and list numbers right: ~18 µs
a paragraph, 21 ms for a 300,000-character transcript whose XML parses in 2 ms (most of
it lxml's ``find``, which parses its argument as a path in Python). Most
transcripts hold none of those, only paragraphs whose runs hold text, tabs, breaks and
non-breaking hyphens. For those, one ``iter`` over the few tags that carry text (a C
traversal) gathers each paragraph's runs, and the bold leading run is found by the rule of
:func:`read_docx._paragraph`, asking a run's formatting only while the prefix lasts (the
label's run and the one after it).

:func:`simple_text` returns None whenever the document holds anything else
(:data:`_SPECIAL`, a paragraph outside the body's top level, a paragraph style with list
numbering, an element inside ``w:t``, text that is not NFC or holds control characters),
and the full reader reads it. A test compares both readers on every .docx of the corpus and
on generated documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from qualframe.coding.importing.decode import utf8_controls
from qualframe.coding.importing.extracted import Extracted, join_paragraphs_fast

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# What only the full reader handles: tables, content controls and custom XML (block or
# inline), tracked deletions and moves, alternate content (drawings, text boxes), note
# references, hidden text, list numbering.
_SPECIAL = (
    *(
        W + tag
        for tag in (
            "tbl", "sdt", "customXml", "smartTag", "del", "moveFrom", "moveTo", "txbxContent",
            "footnoteReference", "endnoteReference", "vanish", "numPr",
        )
    ),
    _MC + "AlternateContent",
)  # fmt: skip
_W_P, _W_R, _W_T, _W_BODY, _W_PSTYLE, _W_VAL = (
    W + "p", W + "r", W + "t", W + "body", W + "pStyle", W + "val"
)  # fmt: skip
_W_RPR, _W_B, _W_RSTYLE = W + "rPr", W + "b", W + "rStyle"
# what a run's other text-bearing children stand for (as read_docx._run_text writes them)
_SYMBOLS = {
    W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-",
}  # fmt: skip
_TAGS = (_W_P, _W_R, _W_T, _W_B, _W_RSTYLE, *_SYMBOLS)
_OFF = ("0", "false", "off")
_STRONG = ("Strong", "Bold", "StrongEmphasis")
# an element inside w:t (the full reader keeps only the text around it)
_T_CHILD = etree.XPath("boolean(//w:t/*)", namespaces={"w": W_NS})


def is_bold(rpr: Any) -> bool:
    """Whether run properties make a run bold: ``w:b`` (not switched off), or without it a
    strong character style."""
    if rpr is None:
        return False
    b = child(rpr, _W_B)
    if b is not None:
        return b.get(_W_VAL, "true") not in _OFF
    style = child(rpr, _W_RSTYLE)
    return style is not None and style.get(_W_VAL, "") in _STRONG


def child(parent: Any, tag: str) -> Any:
    """``parent.find(tag)`` for a plain tag: lxml's ``find`` parses its argument as a path in
    Python (~3.4 µs a call, most of the time of reading a paragraph) and ``iterchildren(tag)``
    builds a tag matcher (~1.9 µs); a loop over the children (the wanted one is usually
    first) costs ~0.2 µs."""
    for el in parent:
        if el.tag == tag:
            return el
    return None


def simple_text(root: Any, data: bytes, numbered_style: Callable[[str], bool]) -> Extracted | None:
    """The text and bold labels of document.xml (``root`` parsed from ``data``), or None
    when the full reader must read it. ``numbered_style(style_id)`` tells whether a
    paragraph style carries list numbering (it reads styles.xml; asked only when paragraphs
    have styles)."""
    body = root.find(_W_BODY)
    if body is None or next(root.iter(*_SPECIAL), None) is not None or _T_CHILD(root):
        return None
    paragraphs = sum(1 for _ in body.iterchildren(_W_P))
    if paragraphs != sum(1 for _ in root.iter(_W_P)):
        return None  # a paragraph inside something else
    if any(numbered_style(el.get(_W_VAL, "")) for el in root.iter(_W_PSTYLE)):
        return None
    blocks = list(_paragraphs(root))
    if len(blocks) != paragraphs:
        return None  # text outside a paragraph
    return join_paragraphs_fast(blocks, "docx", clean=_clean(root, data))


def _clean(root: Any, data: bytes) -> bool:
    """Whether UTF-8 XML bytes hold no control character (C0 ones cannot be in XML 1.0 at
    all) and no character reference that could write one: then neither does its text, and
    the text need not be searched again (~1 ms for 300,000 characters)."""
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper().replace("_", "-")
    return encoding in ("UTF-8", "UTF8") and b"&#" not in data and not utf8_controls(data)


def _paragraphs(root: Any) -> Iterator[tuple[str, int]]:
    """(text, bold prefix length) of each paragraph, from one pass over the tags that carry
    text or boldness. A run's boldness is read (by :func:`is_bold`) when the pass meets the
    first ``w:b`` or ``w:rStyle`` inside it; a run with neither is not bold."""
    runs: list[list[Any]] | None = None  # [run, index of its first part, bold]
    parts: list[str] = []
    run: Any = None
    current: list[Any] = []
    bold = False  # a bold run in this paragraph (else it has no bold prefix)
    for el in root.iter(*_TAGS):
        tag = el.tag
        if tag == _W_T:
            if run is None:
                return  # text outside a run: the caller sees too few paragraphs
            parts.append(el.text or "")
        elif tag == _W_R:
            if runs is None:
                return
            run = el
            current = [el, len(parts), None]
            runs.append(current)
        elif tag == _W_P:
            if runs is not None:
                yield _finish(runs, parts) if bold else ("".join(parts), 0)
            runs, parts, run, bold = [], [], None, False
        elif run is None:
            continue  # paragraph properties: tab stops, the paragraph mark's formatting
        elif tag in (_W_B, _W_RSTYLE):
            if current[2] is None:
                current[2] = is_bold(child(run, _W_RPR))
                if current[2]:
                    bold = True
        elif el.getparent() is run:  # a tab, break or hyphen of this run
            parts.append(_SYMBOLS[tag])
    if runs is not None:
        yield _finish(runs, parts) if bold else ("".join(parts), 0)


def _finish(runs: list[list[Any]], parts: list[str]) -> tuple[str, int]:
    """A paragraph's text and bold prefix: the runs with text from the first one, when it is
    bold, that are bold or (after it) blank, if a run that is neither follows (the rule of
    read_docx._paragraph)."""
    text = "".join(parts)
    head = 0
    began = False
    for k, (_, first, bold) in enumerate(runs):
        last = runs[k + 1][1] if k + 1 < len(runs) else len(parts)
        s = parts[first] if last == first + 1 else "".join(parts[first:last])
        if not s:
            continue
        if bold or (began and s.isspace()):  # (s is not empty here)
            began = True
            head += len(s)
            continue
        return text, head if began and not text[:head].isspace() else 0
    return text, 0
