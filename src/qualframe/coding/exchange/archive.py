"""Reading a .qdpx (a zip from someone else) and its XML without trusting either.

Refused, each with one sentence naming the file, before anything is written: entries whose
path leaves the archive (``../``, absolute paths, drive letters), archives with far more
entries than a project needs or whose entries expand out of proportion (zip bombs), entries
that are encrypted or damaged, XML with a document type declaration (the only way to
external entities and entity-expansion bombs), and text that is not UTF-8. The archive is
never extracted to disk: entries are read into memory with a hard cap on their size.

XML is parsed by lxml with entities unresolved, no DTD loaded, no network and ``huge_tree``
off (libxml2's limits on text node size and nesting depth stay in force).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from qualframe.coding.core.errors import ImportRefused

#: Far beyond a real project exchange (the largest shared sample has 6 entries).
MAX_ENTRIES = 10_000
#: One entry, and all entries together, expanded. Sources in a .qdpx are texts, images and
#: recordings; a 512 MB text would not be a transcript.
MAX_ENTRY_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
#: Text and XML compress 3-20 times; a zip bomb compresses thousands of times. Small entries
#: may compress well (a run of spaces), so the ratio only counts above BOMB_FLOOR bytes.
MAX_RATIO = 200
BOMB_FLOOR = 8 * 1024 * 1024
#: The .qdpx file itself (read into memory as a whole).
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n:,} bytes"
    return f"{n / (1024 * 1024):,.0f} MB"


def refused(name: str, problem: str) -> ImportRefused:
    """``"<name> <problem>; nothing was imported."`` as one sentence."""
    return ImportRefused(f"{name} {problem.rstrip('.')}; nothing was imported.")


def check_entry_name(archive: str, name: str) -> str:
    """The entry's path with "/" separators; refused if it could point outside the archive."""
    if "\x00" in name:
        raise refused(archive, f'holds an entry whose name contains a NUL byte ("{name!r}")')
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise refused(archive, f'holds an entry with an absolute path ("{name}"), which is unsafe')
    if ".." in PurePosixPath(path).parts:
        raise refused(
            archive,
            f'holds an entry whose path leads outside the archive ("{name}"), which is unsafe',
        )
    return path


@dataclass(frozen=True)
class Entry:
    info: zipfile.ZipInfo
    path: str  # "/"-separated, as checked


class Archive:
    """An opened, checked .qdpx: its entries by lower-cased path, read on demand."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            info = path.stat()
        except FileNotFoundError:
            raise ImportRefused(f"{self.name} does not exist.") from None
        except OSError as exc:
            raise ImportRefused(f"{self.name} cannot be read ({exc.strerror or exc}).") from None
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(f"{self.name} is not a regular file.")
        if info.st_size > MAX_ARCHIVE_BYTES:
            raise refused(self.name, f"is too large ({_mb(info.st_size)})")
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
            raise ImportRefused(
                f"{self.name} is not a REFI-QDA project archive (it is not a readable zip file)."
            ) from None
        except OSError as exc:
            raise ImportRefused(f"{self.name} cannot be read ({exc.strerror or exc}).") from None
        self.entries: dict[str, Entry] = {}
        self._check(infos)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > MAX_ENTRIES:
            raise refused(
                self.name,
                f"holds {len(infos):,} entries, out of proportion for a project exchange",
            )
        total = 0
        for info in infos:
            path = check_entry_name(self.name, info.filename)
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise refused(
                    self.name,
                    f'has a password-protected entry ("{info.filename}"); export it again '
                    "without a password",
                )
            size = info.file_size
            if size > MAX_ENTRY_BYTES or (
                size > BOMB_FLOOR and size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise refused(
                    self.name,
                    f'has an entry ("{info.filename}") that expands from '
                    f"{_mb(info.compress_size)} to {_mb(size)}, out of proportion (a zip bomb)",
                )
            total += size
            key = path.casefold()
            if key in self.entries:
                raise refused(
                    self.name, f'holds two entries named "{info.filename}" (which one is meant?)'
                )
            self.entries[key] = Entry(info, path)
        if total > MAX_TOTAL_BYTES:
            raise refused(self.name, f"expands to {_mb(total)}, out of proportion")

    def files(self) -> list[str]:
        return [e.path for e in self.entries.values()]

    def find(self, path: str) -> Entry | None:
        return self.entries.get(path.replace("\\", "/").casefold())

    def read(self, entry: Entry) -> bytes:
        """The entry's bytes, never more than its declared size (a lying header is damage)."""
        limit = entry.info.file_size
        try:
            with self._zip.open(entry.info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise refused(self.name, f'is damaged ("{entry.path}" cannot be read: {exc})') from None
        except NotImplementedError:
            raise refused(
                self.name, f'uses a compression method Qualframe cannot read ("{entry.path}")'
            ) from None
        if len(data) > limit:
            raise refused(self.name, f'is damaged ("{entry.path}" is longer than its header says)')
        return data


# -- XML ------------------------------------------------------------------------------------------
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_\x80-\xff]")


def _as_utf8(data: bytes) -> bytes:
    """XML as UTF-8 bytes: REFI-QDA files are UTF-8 (a BOM is dropped); a UTF-16 file with a
    BOM is re-encoded so the DTD check below sees its text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        text = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-8"?>', text)
        return text.encode("utf-8")
    return data


def parse_xml(data: bytes, where: str) -> etree._Element:
    """The root element of ``data``; ``where`` names it in messages ("x.qdpx: project.qde").

    A document type declaration is refused outright: REFI-QDA files never have one, and it
    is how external entities and entity-expansion bombs get in.
    """
    data = _as_utf8(data)
    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data  # a DTD can only stand before the root
    if _DOCTYPE.search(prolog):
        raise refused(
            where,
            "declares a document type or entities (<!DOCTYPE>/<!ENTITY>), which REFI-QDA files "
            "never contain and which can read local files or expand without end; refused for "
            "safety",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise refused(where, f"is not well-formed XML ({exc})") from None
    if root is None:
        raise refused(where, "is empty")
    if root.getroottree().docinfo.doctype:
        raise refused(where, "declares a document type, which REFI-QDA files never contain")
    return root


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """A text source's bytes as text, and the encoding name (``utf-8`` or ``utf-8-sig``).

    REFI-QDA requires UTF-8 (§9.1.2); anything else is refused rather than guessed, since a
    wrong guess would shift every coding.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start + (3 if bom else 0) : exc.start + (4 if bom else 1)]
        raise refused(
            where,
            f"is not valid UTF-8 text (byte 0x{bad.hex().upper()} at offset "
            f"{exc.start + (3 if bom else 0):,}), which REFI-QDA requires",
        ) from None
    return text, "utf-8-sig" if bom else "utf-8"
