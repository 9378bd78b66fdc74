"""The text of an .rtf, as Word or WordPad shows it.

A small RTF reader rather than ``striprtf``: that library is a regular-expression gist that
drops footnotes, prints hyperlinks as ``text("url")`` and joins table cells with ``|``. This
one follows the RTF 1.9 specification's reading rules: groups carry their state (font, code
page, Unicode skip count, bold), destinations that hold no body text (font and colour tables,
style sheets, document info, pictures, headers, comments, field instructions, bookmarks) are
skipped, as is every ``{\\*\\…}`` destination the reader does not know. What it keeps:

* a footnote or endnote in brackets where it is referenced (``[footnote: …]``, as .docx);
* a field's shown result only (a hyperlink's text, not its address);
* a table row as one line, cells separated by tabs;
* list numbers and bullets as Word writes them for readers (``\\listtext``, ``\\pntext``);
* ``\\'hh`` bytes in the code page of their font (``\\fcharset``) or of the document
  (``\\ansicpg``), double-byte code pages (CP949, CP932) included; ``\\uN`` with its ``\\ucN``
  fallback characters skipped; surrogate pairs joined;
* a bold leading run as a speaker-label hint, like the .docx reader.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace

from qualframe.coding.importing.containers import mismatch
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extracted import Extracted, join_paragraphs

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|[\r\n]+|([^\\{}\r\n]+)",
    re.S,
)
_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_SKIP = {
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "headerl",
    "headerr", "headerf", "footer", "footerl", "footerr", "footerf", "annotation", "atnid",
    "atnauthor", "atndate", "atnref", "atntime", "fldinst", "bkmkstart", "bkmkend",
    "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
    "colorschememapping", "datastore", "latentstyles", "pgdsctbl", "revtbl", "filetbl",
    "shpinst", "nonshppict", "pntxta", "pntxtb", "template", "userprops", "docvar",
    "ftnsep", "ftnsepc", "aftnsep", "aftnsepc", "ftncn", "aftncn", "xe", "tc", "txe", "rxe",
    "blipuid", "fontemb", "fontfile", "falt", "panose", "mmathPr", "wgrffmtfilter",
    "password", "passwordhash", "protusertbl", "listpicture", "objdata", "datafield",
}  # fmt: skip
_SYMBOLS = {
    "tab": "\t", "line": "\n", "softline": "\n", "emdash": "—", "endash": "–",
    "emspace": "\u2003", "enspace": "\u2002", "qmspace": "\u2005", "bullet": "•",
    "lquote": "‘", "rquote": "’", "ldblquote": "“", "rdblquote": "”", "zwj": "\u200d",
    "zwnj": "\u200c", "ltrmark": "", "rtlmark": "",
}  # fmt: skip
_CONTROL_SYMBOLS = {
    "~": "\u00a0",
    "-": "",
    "_": "-",
    "\\": "\\",
    "{": "{",
    "}": "}",
    "\n": "\n",
    "\r": "\n",
}
# \fcharset values (RTF specification) → Python codecs; 0 (ANSI), 1 (default) and 2 (symbol)
# mean the document's \ansicpg.
_CHARSETS = {
    77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab",
    134: "gbk", 136: "cp950", 161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255",
    178: "cp1256", 186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250", 254: "cp437",
}  # fmt: skip


@dataclass
class _State:
    dest: str = "text"  # text | skip | footnote | fonttbl
    uc: int = 1
    codepage: str | None = None  # the current font's, else the document's
    bold: bool = False
    intbl: bool = False


@dataclass
class _Paragraph:
    parts: list[str] = field(default_factory=list)
    bold_len: int = 0
    prefix_open: bool = True

    def add(self, text: str, bold: bool) -> None:
        if not text:
            return
        if self.prefix_open:
            if bold or (self.bold_len and not text.strip()):
                self.bold_len += len(text)
            else:
                self.prefix_open = False  # the bold run ended before other text: a hint
        self.parts.append(text)

    def bold_prefix(self) -> int:
        """The bold leading run's length, when text follows it (a wholly bold paragraph is a
        heading, not a label)."""
        return 0 if self.prefix_open else self.bold_len

    def text(self) -> str:
        return _join_surrogates("".join(self.parts))


def _join_surrogates(text: str) -> str:
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class _Reader:
    def __init__(self, codepage: str) -> None:
        self.doc_codepage = codepage
        self.fonts: dict[int, str] = {}
        self.state = _State(codepage=codepage)
        self.stack: list[_State] = []
        self.paragraphs: list[tuple[str, int]] = []
        self.current = _Paragraph()
        self.notes: list[tuple[str, list[str], int]] = []  # (kind, parts, depth) being read
        self.pending = bytearray()
        self.skip_chars = 0
        self.font_entry: tuple[int, int] | None = None  # (font number, charset) being read
        self.group_start = False  # the last token opened a group (destination test)
        self.skip_bytes = 0  # \binN data to pass over

    # -- output -------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        if self.skip_chars:
            cut = min(self.skip_chars, len(text))
            self.skip_chars -= cut
            text = text[cut:]
        if not text:
            return
        if self.state.dest == "footnote":
            self.notes[-1][1].append(text)
        elif self.state.dest == "text":
            self.current.add(text, self.state.bold)

    def flush_bytes(self) -> None:
        if not self.pending:
            return
        data = bytes(self.pending)
        self.pending.clear()
        codec = self.state.codepage or self.doc_codepage
        self.emit(data.decode(codec, errors="replace"))

    def end_paragraph(self) -> None:
        if self.state.dest == "footnote":
            self.notes[-1][1].append(" ")
            return
        if self.state.dest != "text":
            return
        self.paragraphs.append((self.current.text(), self.current.bold_prefix()))
        self.current = _Paragraph()

    # -- tokens -------------------------------------------------------------------------
    def open_group(self) -> None:
        self.stack.append(replace(self.state))
        self.group_start = True

    def close_group(self) -> None:
        if not self.stack:
            return
        closing = self.state
        self.state = self.stack.pop()
        if closing.dest == "footnote" and self.notes and self.notes[-1][2] == len(self.stack) + 1:
            kind, parts, _ = self.notes.pop()
            note = " ".join(_join_surrogates("".join(parts)).split())
            if note:
                before = "".join(self.current.parts[-2:])
                space = "" if not before or before[-1].isspace() else " "
                self.emit(f"{space}[{kind}: {note}]")
        if (
            closing.dest == "fonttbl"
            and self.font_entry is not None
            and self.state.dest == "fonttbl"
        ):
            number, charset = self.font_entry
            if charset in _CHARSETS:
                self.fonts[number] = _CHARSETS[charset]
            self.font_entry = None

    def word(self, name: str, arg: int | None, ignorable: bool) -> None:
        first = self.group_start
        self.group_start = False
        st = self.state
        if st.dest == "fonttbl":
            if name == "f" and arg is not None:
                self.font_entry = (arg, 0)
            elif name == "fcharset" and arg is not None and self.font_entry is not None:
                self.font_entry = (self.font_entry[0], arg)
            return
        if name == "bin" and arg:
            self.skip_bytes = arg
            return
        if first and name in ("footnote", "endnote"):
            if st.dest == "text":
                st.dest = "footnote"
                self.notes.append(("footnote", [], len(self.stack)))
            else:
                st.dest = "skip"
            return
        if name == "fonttbl":
            st.dest = "fonttbl"
            return
        if name in _SKIP or (ignorable and first and name not in ("listtext", "pntext", "fldrslt")):
            st.dest = "skip"
            return
        if st.dest == "skip":
            return
        if name == "ftnalt" and st.dest == "footnote" and self.notes:
            _, parts, depth = self.notes[-1]
            self.notes[-1] = ("endnote", parts, depth)
        elif name in ("par", "sect", "page"):
            if st.intbl and name == "par" and st.dest == "text":
                self.emit(" ")
            else:
                self.end_paragraph()
        elif name in ("cell", "nestcell"):
            self.emit("\t" if name == "cell" else " ")
        elif name == "row":
            while self.current.parts and self.current.parts[-1] in ("\t", " "):
                self.current.parts.pop()
            self.end_paragraph()
        elif name == "nestrow":
            self.emit(" ")
        elif name == "intbl":
            st.intbl = True
        elif name == "pard":
            st.intbl = False
        elif name == "b":
            st.bold = arg is None or arg != 0
        elif name == "plain":
            st.bold = False
        elif name == "f" and arg is not None:
            st.codepage = self.fonts.get(arg, self.doc_codepage)
        elif name == "uc" and arg is not None:
            st.uc = max(0, arg)
        elif name == "u" and arg is not None:
            self.emit(chr(arg + 65536 if arg < 0 else arg))
            self.skip_chars = st.uc
        elif name == "chftn":
            pass  # the footnote's number: the note itself is put in brackets
        elif name in _SYMBOLS:
            self.emit(_SYMBOLS[name])

    def read(self, text: str) -> None:
        ignorable = False
        pos = 0
        n = len(text)
        while pos < n:
            if self.skip_bytes:
                pos += self.skip_bytes
                self.skip_bytes = 0
                continue
            m = _TOKEN.match(text, pos)
            if m is None:  # a lone backslash at the very end
                break
            pos = m.end()
            word, arg, hexbyte, symbol, brace, plain = m.groups()
            if hexbyte is not None:
                if self.skip_chars:
                    self.skip_chars -= 1
                elif self.state.dest in ("text", "footnote"):
                    self.pending.append(int(hexbyte, 16))
                continue
            self.flush_bytes()
            if word is not None:
                self.word(word, int(arg) if arg is not None else None, ignorable)
                ignorable = False
            elif symbol is not None:
                if symbol == "*":
                    ignorable = True
                    continue
                self.group_start = False
                if self.state.dest in ("text", "footnote"):
                    self.emit(_CONTROL_SYMBOLS.get(symbol, ""))
            elif brace == "{":
                self.open_group()
                ignorable = False
            elif brace == "}":
                self.close_group()
                self.group_start = False
            elif plain is not None:
                self.group_start = False
                if self.state.dest == "fonttbl":
                    continue
                self.emit(plain)
        self.flush_bytes()
        if self.current.parts:
            self.end_paragraph()


def extract_rtf(raw: bytes, name: str, encoding: str | None = None) -> Extracted:
    if not raw.strip():
        raise refuse(name, "is empty")
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise mismatch(raw, name, "an RTF document")
    codec = encoding
    if codec is None:
        m = _ANSICPG.search(raw[:4096])
        codec = f"cp{int(m.group(1))}" if m else "cp1252"
        if codec == "cp65001":
            codec = "utf-8"
    try:
        codec = codecs.lookup(codec).name
    except LookupError:
        raise refuse(name, f"cannot be read with its declared code page {codec}") from None
    reader = _Reader(codec)
    reader.read(raw.decode("latin-1"))
    result = join_paragraphs(reader.paragraphs, "rtf")
    if not result.text.strip():
        raise refuse(name, "contains no text")
    result.encoding = codec
    return result
