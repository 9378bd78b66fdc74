"""Zip containers (.docx, .odt, .xlsx) read as untrusted input.

An Office file is a zip archive of XML parts. Three attacks are stopped here, before any part
is parsed:

* **zip bombs**: a few hundred kilobytes that inflate to gigabytes. The central directory's
  declared sizes are checked before reading (each member at most :data:`MAX_MEMBER` bytes
  uncompressed, the whole archive at most :data:`MAX_TOTAL`, and no large member inflating
  more than :data:`MAX_RATIO` times); the declared size is also enforced while reading (a
  member that inflates beyond what its header says is refused, never read to the end);
* **XML external entities (XXE)**: the parser never loads a DTD, never expands entities and
  never touches the network; a part that declares a DOCTYPE is still read, without the
  entities, and the import warnings say so (:class:`XmlPart` records it);
* **deep nesting**: parts are parsed by libxml2 (which refuses nesting deeper than 2,048
  elements) and walked iteratively by the readers, so no Python recursion can overflow.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from qualframe.coding.importing.decode import decode_bytes, sniff_binary
from qualframe.coding.importing.errors import ImportRefused, refuse

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# A 10,000-word transcript's document.xml is about 1 MB; the largest real files (hundreds of
# pages with tracked changes) reach tens of MB. These limits leave room for those and refuse
# what only a bomb reaches.
MAX_MEMBER = 256 * 1024 * 1024
MAX_TOTAL = 512 * 1024 * 1024
MAX_RATIO = 200  # XML compresses 5-50 times; bombs 1,000 times and more
RATIO_FROM = 4 * 1024 * 1024  # the ratio is only checked for members larger than this

ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


def xml_parser() -> etree.XMLParser:
    """The hardened parser: no entity expansion, no DTD, no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def check_zip_limits(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive whose declared sizes say it is a zip bomb."""
    total = 0
    for info in zf.infolist():
        size = info.file_size
        total += size
        if size > MAX_MEMBER:
            raise refuse(
                name,
                f"holds a part ({info.filename}) that would unpack to {_mb(size)}, more than "
                f"the {_mb(MAX_MEMBER)} a document can have; it is refused as a possible "
                "zip bomb",
            )
        if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(
                name,
                f"holds a part ({info.filename}) that would unpack {size // max(info.compress_size, 1):,} "
                f"times its packed size ({_mb(size)}); it is refused as a possible zip bomb",
            )
    if total > MAX_TOTAL:
        raise refuse(
            name,
            f"would unpack to {_mb(total)}, more than the {_mb(MAX_TOTAL)} a document can "
            "have; it is refused as a possible zip bomb",
        )


class _Limited(io.RawIOBase):
    """A member stream that refuses to give more bytes than its header declared."""

    def __init__(self, fh: IO[bytes], limit: int, name: str, part: str) -> None:
        self._fh = fh
        self._left = limit
        self._name = name
        self._part = part
        self.head = b""  # the first bytes, kept to look for a DOCTYPE

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = 65536 if size is None or size < 0 else size
        data = self._fh.read(min(want, self._left + 1))
        if len(data) > self._left:
            raise refuse(
                self._name,
                f"holds a part ({self._part}) larger than its header says; it is refused as "
                "a possible zip bomb",
            )
        self._left -= len(data)
        if len(self.head) < 4096:
            self.head += data[: 4096 - len(self.head)]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@dataclass
class XmlPart:
    """What reading one XML part found besides its elements."""

    part: str
    doctype: bool = False  # the part declared a DOCTYPE (entities were not expanded)


@dataclass
class Package:
    """An opened, size-checked Office package."""

    zf: zipfile.ZipFile
    name: str  # the file name, for messages
    what: str  # ".docx", ".odt" …
    parts: list[XmlPart] = field(default_factory=list)

    def has(self, part: str) -> bool:
        try:
            self.zf.getinfo(part)
        except KeyError:
            return False
        return True

    def _stream(self, part: str) -> _Limited:
        info = self.zf.getinfo(part)
        return _Limited(self.zf.open(info), info.file_size, self.name, part)

    def size(self, part: str) -> int:
        return self.zf.getinfo(part).file_size

    def iterparse(
        self,
        part: str,
        events: tuple[str, ...] = ("start", "end"),
        tag: tuple[str, ...] | None = None,
    ) -> Iterator[tuple[str, Any]]:
        """Stream a part's XML events (the reader clears what it has used)."""
        record = XmlPart(part)
        self.parts.append(record)
        stream = self._stream(part)
        try:
            context = etree.iterparse(
                stream,
                events=events,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
                remove_comments=True,
                remove_pis=True,
                tag=tag,
            )
            for event in context:
                if not record.doctype and b"<!DOCTYPE" in stream.head:
                    record.doctype = True
                yield event
        except etree.XMLSyntaxError as exc:
            raise self._damaged(exc) from None
        except ImportRefused:
            raise
        except ZIP_ERRORS:
            raise refuse(
                self.name, f"is damaged or incomplete and cannot be read as a {self.what} file"
            ) from None
        if b"<!DOCTYPE" in stream.head:
            record.doctype = True

    def parse(self, part: str) -> Any:
        """A whole (small) part as a tree: styles, numbering, notes."""
        record = XmlPart(part)
        self.parts.append(record)
        stream = self._stream(part)
        try:
            data = _read_all(stream)
            record.doctype = b"<!DOCTYPE" in data[:4096]
            return etree.fromstring(data, xml_parser())
        except etree.XMLSyntaxError as exc:
            raise self._damaged(exc) from None
        except ImportRefused:
            raise
        except ZIP_ERRORS:
            raise refuse(
                self.name, f"is damaged or incomplete and cannot be read as a {self.what} file"
            ) from None

    def _damaged(self, exc: etree.XMLSyntaxError) -> ImportRefused:
        if "depth" in str(exc).lower():
            return refuse(
                self.name,
                f"nests its XML more than 2,048 levels deep, which no real {self.what} file "
                "does; it cannot be read",
            )
        return refuse(
            self.name, f"is damaged or incomplete and cannot be read as a {self.what} file"
        )

    def warnings(self) -> list[str]:
        declared = sorted({p.part for p in self.parts if p.doctype})
        if not declared:
            return []
        return [
            f"{', '.join(declared)} declares XML entities (a DOCTYPE), which Office programs "
            "never write; they were not expanded (they could read files on this computer), "
            "so any text they stand for is missing"
        ]


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
        raise mismatch(raw, name, f"a {what} file")


def open_package(raw: bytes, name: str, main_part: str, what: str) -> Package:
    """Open ``raw`` as a zip package holding ``main_part``, after the zip-bomb checks."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except ZIP_ERRORS:
        raise refuse(
            name, f"is damaged or incomplete and cannot be read as a {what} file"
        ) from None
    check_zip_limits(zf, name)
    package = Package(zf, name, what)
    if not package.has(main_part):
        raise refuse(name, f"is a zip archive but not a {what} file")
    return package


def open_zip_part(raw: bytes, name: str, part: str, what: str) -> bytes:
    """One part's bytes, after the zip-bomb checks of the whole archive."""
    package = open_package(raw, name, part, what)
    try:
        return _read_all(package._stream(part))
    except ImportRefused:
        raise
    except ZIP_ERRORS:
        raise refuse(
            name, f"is damaged or incomplete and cannot be read as a {what} file"
        ) from None


def _read_all(stream: _Limited) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def mismatch(raw: bytes, name: str, what: str) -> ImportRefused:
    """The refusal for a file whose content does not match its extension."""
    kind = sniff_binary(raw)
    if kind is None:
        try:
            decode_bytes(raw[:65536], name)
        except ImportRefused:
            kind = "a binary file"
        else:
            kind = "plain text"
    return refuse(name, f"is {kind}, not {what} (check its extension)")
