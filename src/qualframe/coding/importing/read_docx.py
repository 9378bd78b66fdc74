"""The text of a .docx, as Word shows it.

``word/document.xml`` is streamed with ``iterparse``: each top-level block (paragraph, table,
content control) is read when it ends and then cleared, so memory stays near the size of the
text however large the XML is (python-docx would build a proxy per paragraph and run and hold
the whole tree). What Word shows is what is stored: tracked insertions are kept and deletions
(``w:del``, ``w:moveFrom``) left out, hidden text (``w:vanish``) is left out, a hyperlink's,
smart tag's or content control's text is kept (also a table cell wrapped in a content
control), a field shows its result, list numbers and bullets are kept as text ("3.1.", "a)",
"•", computed from ``numbering.xml`` as Word counts them), a footnote or endnote is put in
brackets where it is referenced (``[footnote: …]``), and a text box's paragraphs follow the
paragraph that anchors it (once: the VML fallback copy Word also writes is skipped).
Nested content (tables in tables, content controls in content controls) is walked with an
explicit stack, never by recursion.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.containers import Package, check_office_container, open_package
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extracted import Extracted, join_paragraphs
from qualframe.coding.importing.numbering import Level, ListCounter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDTCONTENT = (
    W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent"
)  # fmt: skip
_W_R, _W_T, _W_TAB, _W_BR, _W_CR, _W_RPR, _W_B, _W_VAL, _W_RSTYLE = (
    W + "r", W + "t", W + "tab", W + "br", W + "cr", W + "rPr", W + "b", W + "val", W + "rStyle"
)  # fmt: skip
_W_NBHYPHEN, _W_PTAB, _W_VANISH = W + "noBreakHyphen", W + "ptab", W + "vanish"
_W_CONTAINERS = {W + "customXml", W + "smartTag", W + "ins", W + "moveTo", W + "sdtContent"}
_W_MOVEFROM, _W_TXBX = W + "moveFrom", W + "txbxContent"
_W_FOOTREF, _W_ENDREF, _W_ID = W + "footnoteReference", W + "endnoteReference", W + "id"
_W_PPR, _W_NUMPR, _W_NUMID, _W_ILVL, _W_PSTYLE = (
    W + "pPr", W + "numPr", W + "numId", W + "ilvl", W + "pStyle"
)  # fmt: skip
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OFF = ("0", "false", "off")


def _is_bold(rpr: Any) -> bool:
    if rpr is None:
        return False
    b = rpr.find(_W_B)
    if b is not None:
        return b.get(_W_VAL, "true") not in _OFF
    style = rpr.find(_W_RSTYLE)
    return style is not None and style.get(_W_VAL, "") in ("Strong", "Bold", "StrongEmphasis")


def _is_hidden(rpr: Any) -> bool:
    if rpr is None:
        return False
    v = rpr.find(_W_VANISH)
    return v is not None and v.get(_W_VAL, "true") not in _OFF


class _Lists:
    """List definitions (``numbering.xml``, list styles in ``styles.xml``) and counters."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.loaded = False
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstract, starts)
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.counters: dict[str, ListCounter] = {}

    def _load(self) -> None:
        self.loaded = True
        if self.package.has("word/numbering.xml"):
            root = self.package.parse("word/numbering.xml")
            for ab in root.iterfind(W + "abstractNum"):
                levels: dict[int, Level] = {}
                for lvl in ab.iterfind(W + "lvl"):
                    levels[int(lvl.get(W + "ilvl", "0") or 0)] = _level(lvl)
                self.abstract[ab.get(W + "abstractNumId", "")] = levels
            for num in root.iterfind(W + "num"):
                ab_id = num.find(W + "abstractNumId")
                starts: dict[int, int] = {}
                for over in num.iterfind(W + "lvlOverride"):
                    start = over.find(W + "startOverride")
                    if start is not None:
                        starts[int(over.get(W + "ilvl", "0") or 0)] = _int(start.get(_W_VAL), 1)
                self.nums[num.get(W + "numId", "")] = (
                    ab_id.get(_W_VAL, "") if ab_id is not None else "",
                    starts,
                )
        if self.package.has("word/styles.xml"):
            root = self.package.parse("word/styles.xml")
            for style in root.iterfind(W + "style"):
                based = style.find(W + "basedOn")
                num_id, ilvl = _num_pr(style.find(_W_PPR))
                self.styles[style.get(W + "styleId", "")] = (
                    num_id, ilvl, based.get(_W_VAL) if based is not None else None
                )  # fmt: skip

    def _style_num(self, style: str) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        current: str | None = style
        while current and current not in seen:
            seen.add(current)
            num_id, ilvl, based = self.styles.get(current, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            current = based
        return None, None

    def label(self, ppr: Any) -> str:
        """The number or bullet Word shows before this paragraph ("" if none)."""
        if ppr is None:
            return ""
        num_id, ilvl = _num_pr(ppr)
        if num_id is None:
            style = ppr.find(_W_PSTYLE)
            if style is None:
                return ""
            if not self.loaded:
                self._load()
            num_id, style_ilvl = self._style_num(style.get(_W_VAL, ""))
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return ""
        if not self.loaded:
            self._load()
        abstract, starts = self.nums.get(num_id, ("", {}))
        levels = self.abstract.get(abstract)
        if not levels:
            return ""
        key = f"n{num_id}" if starts else f"a{abstract}"
        counter = self.counters.get(key)
        if counter is None:
            counter = self.counters[key] = ListCounter(levels)
        level = ilvl or 0
        first = level not in counter.counts
        return counter.label(level, starts.get(level) if first and level in starts else None)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _num_pr(ppr: Any) -> tuple[str | None, int | None]:
    if ppr is None:
        return None, None
    num_pr = ppr.find(_W_NUMPR)
    if num_pr is None:
        return None, None
    num_id = num_pr.find(_W_NUMID)
    ilvl = num_pr.find(_W_ILVL)
    return (
        num_id.get(_W_VAL) if num_id is not None else None,
        _int(ilvl.get(_W_VAL), 0) if ilvl is not None else None,
    )


def _level(lvl: Any) -> Level:
    def val(tag: str, default: str) -> str:
        el = lvl.find(W + tag)
        return el.get(_W_VAL, default) if el is not None else default

    suffix = {"tab": "\t", "space": " ", "nothing": ""}.get(val("suff", "tab"), "\t")
    return Level(val("numFmt", "decimal"), val("lvlText", ""), _int(val("start", "1"), 1), suffix)


class _Notes:
    """Footnote and endnote texts, read the first time one is referenced."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.texts: dict[str, dict[str, str]] | None = None

    def text(self, kind: str, note_id: str | None) -> str:
        if self.texts is None:
            self.texts = {"footnote": {}, "endnote": {}}
            for k in ("footnote", "endnote"):
                part = f"word/{k}s.xml"
                if self.package.has(part):
                    root = self.package.parse(part)
                    for note in root.iterfind(W + k):
                        paragraphs = (_paragraph(p)[0] for p in note.iter(_W_P))
                        body = " ".join(" ".join(t.split()) for t in paragraphs if t.strip())
                        self.texts[k][note.get(_W_ID, "")] = body
        return self.texts[kind].get(note_id or "", "")


def _paragraph(
    p: Any, notes: _Notes | None = None, boxes: list[Any] | None = None
) -> tuple[str, int]:
    """A paragraph's text and the length of its bold leading run (0 if none).

    Deleted and moved-away text, hidden runs and the fallback copy of a text box are skipped;
    the text boxes themselves are collected in ``boxes`` (read after the paragraph)."""
    parts: list[str] = []
    prefix: list[str] = []
    in_prefix = True
    ended_prefix = False
    skip: set[Any] | None = None
    # the usual paragraph has no moved-away text and no text box: its runs are all its text
    special = next(p.iter(_W_MOVEFROM, _MC_FALLBACK, _W_TXBX), None) is not None
    runs = p.iter(_W_R, _W_MOVEFROM, _MC_FALLBACK, _W_TXBX) if special else p.iter(_W_R)
    for run in runs:
        if skip is not None and run in skip:
            continue
        if special and run.tag != _W_R:  # content that is not this paragraph's running text
            if skip is None:
                skip = set()
            skip.update(run.iter())
            if run.tag == _W_TXBX and boxes is not None:
                boxes.append(run)
            continue
        rpr = run.find(_W_RPR)
        if rpr is not None and _is_hidden(rpr):
            continue
        s = _run_text(run, notes, parts)
        if not s:
            continue
        if in_prefix:
            if _is_bold(rpr) or (prefix and not s.strip()):
                prefix.append(s)
            else:
                in_prefix = False
                ended_prefix = True
        parts.append(s)
    text = "".join(parts)
    bold_len = 0
    if prefix and ended_prefix:
        head = normalise_text("".join(prefix))
        if head.strip() and normalise_text(text).startswith(head):
            bold_len = len(head)
    return text, bold_len


def _run_text(run: Any, notes: _Notes | None, parts: list[str]) -> str:
    chunk: list[str] = []
    for node in run:
        tag = node.tag
        if tag == _W_T:
            chunk.append(node.text or "")
            if len(node):  # an unexpanded entity reference: its text is missing, the rest not
                chunk.extend(child.tail or "" for child in node)
        elif tag in (_W_TAB, _W_PTAB):
            chunk.append("\t")
        elif tag in (_W_BR, _W_CR):
            chunk.append("\n")
        elif tag == _W_NBHYPHEN:
            chunk.append("-")
        elif tag in (_W_FOOTREF, _W_ENDREF) and notes is not None:
            kind = "footnote" if tag == _W_FOOTREF else "endnote"
            note = notes.text(kind, node.get(_W_ID))
            if note:
                before = "".join(chunk) or (parts[-1] if parts else "")
                space = "" if not before or before[-1].isspace() else " "
                chunk.append(f"{space}[{kind}: {note}]")
    return "".join(chunk)


def _unwrap(parent: Any, tag: str) -> Iterator[Any]:
    """The ``tag`` children of ``parent``, also those wrapped in content controls, custom XML
    or tracked insertions (a table cell inside ``w:sdt``)."""
    stack = [iter(parent)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == tag:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDTCONTENT)
            if content is not None:
                stack.append(iter(content))
        elif child.tag in _W_CONTAINERS:
            stack.append(iter(child))


def _cell_text(tc: Any, notes: _Notes, lists: _Lists) -> str:
    """A cell's paragraphs (nested tables' too, in document order) joined by spaces; the
    fallback copy of a text box is skipped. Iterative, however deep tables nest."""
    skip: set[Any] = set()
    for fallback in tc.iter(_MC_FALLBACK):
        skip.update(fallback.iter(_W_P))
    texts = []
    for p in tc.iter(_W_P):
        if p in skip:
            continue
        text = _paragraph(p, notes)[0]
        label = lists.label(p.find(_W_PPR))
        texts.append(label + text)
    return " ".join(" ".join(t.split()) for t in texts if t.strip())


def _blocks(root: Any, notes: _Notes, lists: _Lists) -> Iterator[tuple[str, int]]:
    """(text, bold prefix length) of each paragraph or table row under ``root``, in order."""
    stack: list[Iterator[Any]] = [iter([root])]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == _W_P:
            boxes: list[Any] = []
            text, bold_len = _paragraph(child, notes, boxes)
            ppr = child.find(_W_PPR)
            label = lists.label(ppr) if ppr is not None else ""
            if label:
                text, bold_len = label + text, 0
            yield text, bold_len
            if boxes:
                stack.append(chain.from_iterable(boxes))
        elif tag == _W_TBL:
            for row in _unwrap(child, _W_TR):
                cells = [_cell_text(tc, notes, lists) for tc in _unwrap(row, _W_TC)]
                yield "\t".join(cells), 0
        elif tag == _W_SDT:
            content = child.find(_W_SDTCONTENT)
            if content is not None:
                stack.append(iter(content))
        elif tag in _W_CONTAINERS:
            stack.append(iter(child))


# Below this size document.xml is parsed whole (a C-speed pass, then the blocks are read);
# above it, streamed block by block so that memory stays near the size of the text.
TREE_LIMIT = 8 * 1024 * 1024
_BLOCK_TAGS = (_W_P, _W_TBL, _W_SDT, *_W_CONTAINERS, W + "sectPr")


def _stream_body(package: Package) -> Iterator[tuple[str, int]]:
    notes = _Notes(package)
    lists = _Lists(package)
    part = "word/document.xml"
    if package.size(part) <= TREE_LIMIT:
        root = package.parse(part)
        body = root.find(W + "body")
        if body is None:
            raise refuse(package.name, "is damaged and cannot be read as a .docx file")
        for block in body:
            yield from _blocks(block, notes, lists)
        return
    body_seen = False
    # end events of block elements only; a block nested in another is read with its parent
    for _, el in package.iterparse(part, events=("end",), tag=_BLOCK_TAGS):
        parent = el.getparent()
        if parent is None or parent.tag != W + "body":
            continue
        body_seen = True
        yield from _blocks(el, notes, lists)
        el.clear()
        while el.getprevious() is not None:
            del parent[0]
    if not body_seen:
        raise refuse(package.name, "is damaged and cannot be read as a .docx file")


def extract_docx(raw: bytes, name: str) -> Extracted:
    check_office_container(raw, name, ".docx", "Word")
    package = open_package(raw, name, "word/document.xml", ".docx")
    result = join_paragraphs(_stream_body(package), "docx")
    result.warnings.extend(package.warnings())
    if not result.text.strip():
        raise refuse(name, "contains no text")
    return result
