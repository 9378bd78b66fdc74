"""Plain text out of transcript files: .txt/.md, .docx, .odt, .rtf and .pdf.

Every extractor returns the stored form of the text (NFC, ``\\n`` line ends): headings and
paragraphs become paragraphs separated by a blank line, a table row becomes one line with its
cells separated by tabs, and line breaks inside a paragraph stay line breaks. For .docx (and
.odt) a paragraph whose leading run is bold reports that run as a speaker-label hint
(``Extracted.bold``: paragraph offset → length of the bold prefix).

.docx is read straight from ``word/document.xml`` with lxml: python-docx builds a proxy object
per paragraph and run, which is several times slower on long transcripts and tells us nothing
more about the text. What Word shows is what is stored: tracked insertions are kept and
deletions (``w:del``, ``w:moveFrom``) left out, hidden text (``w:vanish``) is left out, a
hyperlink's or smart tag's text is kept, a field shows its result, a footnote or endnote is
put in brackets where it is referenced (``[footnote: …]``), and a text box's paragraphs follow
the paragraph that anchors it (once: the VML fallback copy Word also writes is skipped).

Every extractor also removes stray control characters (:func:`clean_controls`) and says so in
``Extracted.warnings``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.decode import clean_controls, decode_bytes, sniff_binary
from qualframe.coding.importing.errors import ImportRefused, refuse

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
TRANSCRIPT_SUFFIXES = TEXT_SUFFIXES | {".docx", ".odt", ".rtf", ".pdf"}

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDTCONTENT = (
    W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent"
)  # fmt: skip
_W_R, _W_T, _W_TAB, _W_BR, _W_CR, _W_RPR, _W_B, _W_VAL, _W_RSTYLE = (
    W + "r", W + "t", W + "tab", W + "br", W + "cr", W + "rPr", W + "b", W + "val", W + "rStyle"
)  # fmt: skip
_W_NBHYPHEN, _W_PTAB, _W_VANISH = W + "noBreakHyphen", W + "ptab", W + "vanish"
_W_CONTAINERS = {W + "customXml", W + "smartTag", W + "ins", W + "moveTo"}
_W_MOVEFROM, _W_TXBX = W + "moveFrom", W + "txbxContent"
_W_FOOTREF, _W_ENDREF, _W_ID = W + "footnoteReference", W + "endnoteReference", W + "id"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO_NS = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def _xml_parser() -> etree.XMLParser:
    # No entity expansion, no network, no DTD loading: the file is untrusted input.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )


@dataclass
class Extracted:
    text: str  # stored form: NFC, \n line ends
    encoding: str | None  # detected/used text encoding (None for XML/PDF containers)
    format: str  # txt, docx, odt, rtf, pdf
    bold: dict[int, int] = field(default_factory=dict)  # paragraph start -> bold prefix length
    warnings: list[str] = field(default_factory=list)  # what was repaired or left out


def _removed_warning(removed: int) -> list[str]:
    if not removed:
        return []
    s = "" if removed == 1 else "s"
    return [f"{removed} control character{s} (not text) removed"]


def _join_paragraphs(paragraphs: Iterable[tuple[str, int]], fmt: str) -> Extracted:
    """Join (text, bold prefix length) paragraphs with blank lines, skipping empty ones."""
    parts: list[str] = []
    bold: dict[int, int] = {}
    pos = 0
    removed = 0
    for raw, bold_len in paragraphs:
        text = normalise_text(raw)
        cleaned, n = clean_controls(text)
        if n or len(cleaned) != len(text):
            removed += n
            if bold_len:  # the cleaning is per character: the prefix's share shrinks alike
                bold_len = len(clean_controls(text[:bold_len])[0])
            text = cleaned
        text = text.rstrip()
        if not text.strip():
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        if bold_len:
            bold[pos] = bold_len
        parts.append(text)
        pos += len(text)
    return Extracted("".join(parts), None, fmt, bold, _removed_warning(removed))


# -- plain text ------------------------------------------------------------------------------
def extract_text_file(raw: bytes, name: str, encoding: str | None = None) -> Extracted:
    decoded = decode_bytes(raw, name, encoding)
    text, removed = clean_controls(normalise_text(decoded.text))
    if not text.strip():
        raise refuse(name, "is empty")
    return Extracted(
        text, decoded.encoding, "txt", warnings=[*decoded.warnings, *_removed_warning(removed)]
    )


# -- zip containers (docx, odt, xlsx) ------------------------------------------------------------
def check_office_container(raw: bytes, name: str, what: str, app: str) -> None:
    """Refuse what is not a zip container: empty, password-protected, old binary, plain text."""
    if not raw.strip():
        raise refuse(name, "is empty")
    if raw.startswith(CFB_MAGIC):
        if _ENCRYPTED_PACKAGE in raw:
            raise refuse(
                name, f"is password-protected; remove the password in {app} and import again"
            )
        raise refuse(
            name,
            f"is password-protected or in the old binary {app} format; open it in {app}, "
            f"remove any password and save it as {what}",
        )
    if not raw.startswith(b"PK"):
        raise _mismatch(raw, name, f"a {what} file")


def open_zip_part(raw: bytes, name: str, part: str, what: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            try:
                return zf.read(part)
            except KeyError:
                raise refuse(name, f"is a zip archive but not a {what} file") from None
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError):
        raise refuse(
            name, f"is damaged or incomplete and cannot be read as a {what} file"
        ) from None


def _parse_xml(data: bytes, name: str, what: str) -> Any:
    try:
        return etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError:
        raise refuse(
            name, f"is damaged or incomplete and cannot be read as a {what} file"
        ) from None


# -- .docx -----------------------------------------------------------------------------------------
def _is_bold(rpr: Any) -> bool:
    if rpr is None:
        return False
    b = rpr.find(_W_B)
    if b is not None:
        return b.get(_W_VAL, "true") not in ("0", "false", "off")
    style = rpr.find(_W_RSTYLE)
    return style is not None and style.get(_W_VAL, "") in ("Strong", "Bold", "StrongEmphasis")


def _is_hidden(rpr: Any) -> bool:
    if rpr is None:
        return False
    v = rpr.find(_W_VANISH)
    return v is not None and v.get(_W_VAL, "true") not in ("0", "false", "off")


class _DocxNotes:
    """Footnote and endnote texts of a .docx, read the first time one is referenced."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.texts: dict[str, dict[str, str]] | None = None

    def text(self, kind: str, note_id: str | None) -> str:
        if self.texts is None:
            self.texts = {"footnote": {}, "endnote": {}}
            with contextlib.suppress(zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
                self._load(self.texts)
        return self.texts[kind].get(note_id or "", "")

    def _load(self, texts: dict[str, dict[str, str]]) -> None:
        with zipfile.ZipFile(io.BytesIO(self.raw)) as zf:
            names = set(zf.namelist())
            for kind in ("footnote", "endnote"):
                part = f"word/{kind}s.xml"
                if part not in names:
                    continue
                try:
                    root = etree.fromstring(zf.read(part), _xml_parser())
                except etree.XMLSyntaxError:
                    continue
                for note in root.iterfind(W + kind):
                    paragraphs = (_docx_paragraph(p)[0] for p in note.iter(_W_P))
                    body = " ".join(" ".join(t.split()) for t in paragraphs if t.strip())
                    texts[kind][note.get(_W_ID, "")] = body


def _docx_paragraph(
    p: Any, notes: _DocxNotes | None = None, boxes: list[Any] | None = None
) -> tuple[str, int]:
    """A paragraph's text and the length of its bold leading run (0 if none).

    Deleted and moved-away text, hidden runs and the fallback copy of a text box are skipped;
    the text boxes themselves are collected in ``boxes`` (read after the paragraph)."""
    parts: list[str] = []
    prefix: list[str] = []
    in_prefix = True
    ended_prefix = False
    skip: set[Any] | None = None
    for run in p.iter(_W_R, _W_MOVEFROM, _MC_FALLBACK, _W_TXBX):
        if skip is not None and run in skip:
            continue
        if run.tag != _W_R:  # content that is not this paragraph's running text
            if skip is None:
                skip = set()
            skip.update(run.iter())
            if run.tag == _W_TXBX and boxes is not None:
                boxes.append(run)
            continue
        rpr = run.find(_W_RPR)
        if rpr is not None and _is_hidden(rpr):
            continue
        chunk: list[str] = []
        for node in run:
            tag = node.tag
            if tag == _W_T:
                chunk.append(node.text or "")
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
        s = "".join(chunk)
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


def _docx_blocks(parent: Any, notes: _DocxNotes | None = None) -> Iterator[tuple[str, int]]:
    for child in parent:
        tag = child.tag
        if tag == _W_P:
            boxes: list[Any] = []
            yield _docx_paragraph(child, notes, boxes)
            for box in boxes:
                yield from _docx_blocks(box, notes)
        elif tag == _W_TBL:
            for row in child.iter(_W_TR):
                cells = [
                    " ".join(
                        t
                        for t, _ in (_docx_paragraph(p, notes) for p in tc.iter(_W_P))
                        if t.strip()
                    )
                    for tc in row.iterfind(_W_TC)
                ]
                yield "\t".join(c.strip() for c in cells), 0
        elif tag == _W_SDT:
            content = child.find(_W_SDTCONTENT)
            if content is not None:
                yield from _docx_blocks(content, notes)
        elif tag in _W_CONTAINERS:
            yield from _docx_blocks(child, notes)


def extract_docx(raw: bytes, name: str) -> Extracted:
    check_office_container(raw, name, ".docx", "Word")
    xml = open_zip_part(raw, name, "word/document.xml", ".docx")
    root = _parse_xml(xml, name, ".docx")
    body = root.find(W + "body")
    if body is None:
        raise refuse(name, "is damaged and cannot be read as a .docx file")
    result = _join_paragraphs(_docx_blocks(body, _DocxNotes(raw)), "docx")
    if not result.text.strip():
        raise refuse(name, "contains no text")
    return result


# -- .odt ----------------------------------------------------------------------------------------
_WS = re.compile(r"[ \t\r\n]+")


def _odt_bold_styles(root: Any, styles_xml: bytes | None) -> set[str]:
    names: set[str] = set()
    trees = [root]
    if styles_xml:
        with contextlib.suppress(etree.XMLSyntaxError):
            trees.append(etree.fromstring(styles_xml, _xml_parser()))
    for tree in trees:
        for style in tree.iter(STYLE_NS + "style"):
            props = style.find(STYLE_NS + "text-properties")
            if props is not None and props.get(FO_NS + "font-weight") in ("bold", "700", "800"):
                names.add(style.get(STYLE_NS + "name", ""))
    return names


def _odt_inline(el: Any) -> str:
    out = [_WS.sub(" ", el.text or "")]
    for child in el:
        tag = child.tag
        if tag == TEXT_NS + "s":
            out.append(" " * int(child.get(TEXT_NS + "c", "1") or 1))
        elif tag == TEXT_NS + "tab":
            out.append("\t")
        elif tag == TEXT_NS + "line-break":
            out.append("\n")
        elif tag in (TEXT_NS + "note", OFFICE_NS + "annotation", TEXT_NS + "bookmark-ref"):
            pass
        elif isinstance(tag, str):
            out.append(_odt_inline(child))
        out.append(_WS.sub(" ", child.tail or ""))
    return "".join(out)


def _odt_paragraph(p: Any, bold_styles: set[str]) -> tuple[str, int]:
    text = _odt_inline(p)
    bold_len = 0
    if not (p.text or "").strip() and len(p):
        first = p[0]
        if first.tag == TEXT_NS + "span" and first.get(TEXT_NS + "style-name") in bold_styles:
            head = normalise_text(_odt_inline(first))
            lead = normalise_text(_WS.sub(" ", p.text or ""))
            if head.strip() and text.strip() != head.strip():
                bold_len = len(lead) + len(head)
    return text, bold_len


def _odt_blocks(parent: Any, bold_styles: set[str]) -> Iterator[tuple[str, int]]:
    for child in parent:
        tag = child.tag
        if tag in (TEXT_NS + "p", TEXT_NS + "h"):
            yield _odt_paragraph(child, bold_styles)
        elif tag == TABLE_NS + "table":
            for row in child.iter(TABLE_NS + "table-row"):
                cells = [
                    " ".join(
                        t.strip() for t in (_odt_inline(p) for p in cell.iter(TEXT_NS + "p")) if t
                    )
                    for cell in row
                    if cell.tag == TABLE_NS + "table-cell"
                ]
                yield "\t".join(cells).rstrip("\t"), 0
        elif tag in (
            TEXT_NS + "list", TEXT_NS + "list-item", TEXT_NS + "list-header",
            TEXT_NS + "section", OFFICE_NS + "text",
        ):  # fmt: skip
            yield from _odt_blocks(child, bold_styles)


def extract_odt(raw: bytes, name: str) -> Extracted:
    check_office_container(raw, name, ".odt", "LibreOffice")
    xml = open_zip_part(raw, name, "content.xml", ".odt")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            styles_xml: bytes | None = (
                zf.read("styles.xml") if "styles.xml" in zf.namelist() else None
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        styles_xml = None
    root = _parse_xml(xml, name, ".odt")
    body = root.find(f"{OFFICE_NS}body/{OFFICE_NS}text")
    if body is None:
        raise refuse(name, "is not a text document (.odt)")
    result = _join_paragraphs(_odt_blocks(body, _odt_bold_styles(root, styles_xml)), "odt")
    if not result.text.strip():
        raise refuse(name, "contains no text")
    return result


def _mismatch(raw: bytes, name: str, what: str) -> ImportRefused:
    kind = sniff_binary(raw)
    if kind is None:
        try:
            decode_bytes(raw[:65536], name)
        except ImportRefused:
            kind = "a binary file"
        else:
            kind = "plain text"
    return refuse(name, f"is {kind}, not {what} (check its extension)")


# -- .rtf ----------------------------------------------------------------------------------------
_ANSICPG = re.compile(rb"\\ansicpg(\d+)")


def extract_rtf(raw: bytes, name: str, encoding: str | None = None) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    if not raw.strip():
        raise refuse(name, "is empty")
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise _mismatch(raw, name, "an RTF document")
    codec = encoding
    if codec is None:
        m = _ANSICPG.search(raw[:4096])
        codec = f"cp{int(m.group(1))}" if m else "cp1252"
        if codec == "cp65001":
            codec = "utf-8"
    try:
        "".encode(codec)
        text = rtf_to_text(raw.decode("latin-1"), encoding=codec, errors="strict")
    except (LookupError, UnicodeDecodeError):
        raise refuse(name, f"cannot be read with its declared code page {codec}") from None
    except Exception:  # striprtf raises plain errors on malformed groups
        raise refuse(name, "is damaged and cannot be read as an RTF document") from None
    paragraphs = ((line, 0) for line in normalise_text(text).split("\n"))
    result = _join_paragraphs(paragraphs, "rtf")
    if not result.text.strip():
        raise refuse(name, "contains no text")
    result.encoding = codec
    return result


# -- .pdf ----------------------------------------------------------------------------------------
def extract_pdf(raw: bytes, name: str) -> Extracted:
    if not raw.strip():
        raise refuse(name, "is empty")
    if b"%PDF" not in raw[:1024]:
        raise _mismatch(raw, name, "a PDF document")
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise refuse(name, "is password-protected; remove the password and import again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            zlib.error, RecursionError, OSError):  # fmt: skip
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None
    except Exception:
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None
    paragraphs: list[tuple[str, int]] = []
    for page in pages:
        for block in re.split(r"\n[ \t]*\n", normalise_text(page)):
            paragraphs.append((block, 0))
    result = _join_paragraphs(paragraphs, "pdf")
    if not result.text.strip():
        raise refuse(
            name,
            "has no text layer (it is probably a scan); run text recognition (OCR) on it "
            "and import the result",
        )
    return result


# -- dispatch ------------------------------------------------------------------------------------
def extract_transcript(
    path: Path, raw: bytes, encoding: str | None = None, *, force_text: bool = False
) -> Extracted:
    """Extract the stored text of a transcript file from its bytes."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or force_text or suffix in {".csv", ".tsv"}:
        return extract_text_file(raw, name, encoding)
    if suffix == ".docx":
        return extract_docx(raw, name)
    if suffix == ".odt":
        return extract_odt(raw, name)
    if suffix == ".rtf":
        return extract_rtf(raw, name, encoding)
    if suffix == ".pdf":
        return extract_pdf(raw, name)
    if suffix in {".doc", ".wpd", ".pages"}:
        raise refuse(name, f"is in a format Qualframe cannot read ({suffix}); save it as .docx")
    raise refuse(
        name,
        f"has an unsupported file type ({suffix or 'no extension'}); "
        "use .docx, .txt, .md, .odt, .rtf, .pdf, .csv or .xlsx",
    )
