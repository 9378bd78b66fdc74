"""Reading a REFI-QDA project (.qdpx, or a bare .qde) and preparing its import.

:func:`prepare` does everything that can refuse a file before the project is touched: the
archive and XML checks (``archive``), the UTF-8 check of every text, the producing tool and
its way of counting positions (``positions``), and the conversion of every selection to the
stored text's code points. ``refi_store`` then writes the prepared plan in one transaction.

Tolerated, because real tools write it: ``Sources/`` or ``sources/`` (any case), any single
``.qde`` (not only ``project.qde``), a BOM, CRLF line ends, GUIDs in any case or in braces,
nameless cases, selections with a note but no coding, notes linked through ``Links``.
Refused (one sentence, nothing written): a text source whose text is missing or is not
UTF-8, and everything ``archive`` refuses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.archive import (
    Archive,
    check_entry_name,
    decode_text,
    parse_xml,
    refused,
)
from qualframe.coding.exchange.model import derived_guid
from qualframe.coding.exchange.positions import (
    SourceText,
    boundary_share,
    choose_reading,
    producer_reading,
)
from qualframe.coding.exchange.qde_read import read_project

PROJECT_SUFFIXES = (".qdpx", ".qde")
MAX_QDE_BYTES = 512 * 1024 * 1024


@dataclass
class PreparedSelection:
    sel: m.Selection
    start: int  # stored code points
    end: int


@dataclass
class PreparedSource:
    src: m.TextSource
    text: str  # stored form (NFC, \n)
    encoding: str
    content_hash: str
    reading: str  # how its positions were read, for the report
    selections: list[PreparedSelection] = field(default_factory=list)
    outside: int = 0  # selections that fall outside the text


@dataclass
class Plan:
    """A REFI-QDA project read, checked and converted; nothing written yet."""

    file: str
    model: m.Project
    producer: str
    sources: list[PreparedSource]
    notes: dict[str, str]  # note GUID -> text
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Files:
    """Where a project's internal files come from: its archive, or nowhere for a bare .qde."""

    def __init__(self, name: str, archive: Archive | None) -> None:
        self.name = name
        self.archive = archive

    def get(self, path: str, what: str) -> bytes:
        scheme, sep, rest = path.partition("://")
        if not sep or scheme.casefold() != "internal":
            raise refused(
                self.name,
                f"keeps the text of {what} outside the project ({path}), which Qualframe does "
                "not read",
            )
        name = rest.lstrip("/")
        check_entry_name(self.name, name)
        if self.archive is None:
            raise refused(
                self.name,
                f"does not contain the text of {what} ({name}); import the .qdpx archive the "
                "tool exported instead of its .qde alone",
            )
        entry = self.archive.find(f"sources/{name}") or self.archive.find(name)
        if entry is None:
            raise refused(
                self.name, f"is damaged: the text of {what} (sources/{name}) is not in it"
            )
        return self.archive.read(entry)


def _load(path: Path) -> tuple[m.Project, _Files]:
    name = path.name
    if path.suffix.casefold() == ".qde":
        try:
            size = path.stat().st_size
            if size > MAX_QDE_BYTES:
                raise refused(name, f"is too large ({size:,} bytes)")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportRefused(f"{name} does not exist.") from None
        except OSError as exc:
            raise ImportRefused(f"{name} cannot be read ({exc.strerror or exc}).") from None
        return read_project(parse_xml(data, name), name), _Files(name, None)
    archive = Archive(path)
    qdes = [p for p in archive.files() if p.casefold().endswith(".qde")]
    if not qdes:
        archive.close()
        raise ImportRefused(
            f"{name} holds no .qde file, so it is not a REFI-QDA project; nothing was imported."
        )
    if len(qdes) > 1:
        archive.close()
        raise refused(name, f"holds several .qde files ({', '.join(sorted(qdes))}), not one")
    entry = archive.find(qdes[0])
    assert entry is not None
    where = f"{name}: {entry.path}"
    try:
        model = read_project(parse_xml(archive.read(entry), where), where)
    except BaseException:
        archive.close()
        raise
    return model, _Files(name, archive)


def _source_text(files: _Files, src: m.TextSource) -> tuple[str, str, bytes]:
    what = f'the source "{src.name}"'
    if src.plain_path:
        data = files.get(src.plain_path, what)
        text, encoding = decode_text(data, f"{files.name}: {what} ({src.plain_path})")
        return text, encoding, data
    if src.content is not None:
        return src.content, "utf-8", src.content.encode("utf-8")
    if src.rich_path:
        raise refused(
            files.name,
            f"has only a Word file for {what} ({src.rich_path}) and no plain text, which its "
            "codings refer to",
        )
    raise refused(files.name, f"has no text for {what}")


def _prepare_source(
    files: _Files, src: m.TextSource, expected: m.Project, producer: str
) -> PreparedSource:
    raw, encoding, data = _source_text(files, src)
    source = SourceText(raw)
    ranges = [(s.start, s.end) for s in src.selections]
    reading, scores = choose_reading(source, producer_reading(expected.origin)[0], ranges)
    label = reading.label
    if scores and reading != producer_reading(expected.origin)[0]:
        label += f" (the passages line up that way, not as {producer} usually counts)"
    fit = scores[reading] if scores else boundary_share(source, reading, ranges)
    if len(ranges) >= 10 and fit < 0.6:
        label += (
            f"; only {fit:.0%} of its passages start and end between words: check a few "
            "codings against the other tool"
        )
    digest = hashlib.sha256(data).hexdigest()
    prepared = PreparedSource(
        src=src,
        text=source.text,
        encoding=encoding,
        content_hash=hashlib.sha256(f"refi-qda:{src.guid}:{digest}".encode()).hexdigest(),
        reading=label,
    )
    for sel in src.selections:
        mapped = source.map_range(reading, sel.start, sel.end)
        if mapped is None:
            prepared.outside += 1
            continue
        prepared.selections.append(PreparedSelection(sel, *mapped))
    return prepared


def _note_texts(files: _Files, model: m.Project) -> dict[str, str]:
    out: dict[str, str] = {}
    for note in model.notes:
        if note.plain_path:
            what = f'the note "{note.name or note.guid}"'
            data = files.get(note.plain_path, what)
            text = decode_text(data, f"{files.name}: {what} ({note.plain_path})")[0]
        else:
            text = note.content or ""
        out[note.guid] = SourceText(text).text
    return out


def _left_out(model: m.Project) -> list[str]:
    out = [f"{what} ({n:,})" for what, n in sorted(model.unsupported.items())]
    folders = sum(1 for c in model.all_codes() if not c.is_codable)
    if folders:
        out.append(
            f"the 'not codable' mark of code folders ({folders:,}; they import as ordinary codes)"
        )
    case_codes = sum(len(c.code_refs) for c in model.cases)
    if case_codes:
        out.append(f"codes applied to whole cases ({case_codes:,})")
    source_values = sum(len(s.values) for s in model.sources)
    if source_values:
        out.append(
            f"variable values set on sources ({source_values:,}; Qualframe keeps attributes on "
            "participants)"
        )
    return out


Progress = Callable[[int, int, str], bool]


def prepare(path: Path, progress: Progress | None = None) -> Plan:
    """Read and check ``path`` and convert its positions; raises ``ImportRefused`` with one
    sentence if anything is wrong. Writes nothing."""
    path = Path(path)
    if path.suffix.casefold() not in PROJECT_SUFFIXES:
        raise ImportRefused(f"{path.name} is not a REFI-QDA project (.qdpx or .qde).")
    model, files = _load(path)
    try:
        producer = producer_reading(model.origin)[1]
        sources: list[PreparedSource] = []
        empty: list[str] = []
        total = len(model.sources)
        seen: set[str] = set()
        for i, src in enumerate(model.sources, start=1):
            if src.guid in seen:  # a malformed file: keep both, each with its own GUID
                src.guid = derived_guid("duplicate source", src.guid, str(i))
                model.repaired_guids += 1
            seen.add(src.guid)
            prepared = _prepare_source(files, src, model, producer)
            if not prepared.text.strip() and not prepared.selections and not src.codings:
                empty.append(src.name or src.guid)
            else:
                sources.append(prepared)
            if progress is not None and not progress(i, total + 1, src.name):
                from qualframe.coding.importing.errors import ImportCancelled

                raise ImportCancelled()
        notes = _note_texts(files, model)
    finally:
        if files.archive is not None:
            files.archive.close()
    plan = Plan(path.name, model, producer, sources, notes, _left_out(model))
    if empty:
        plan.left_out.append(
            f"sources without any text ({len(empty):,}: {', '.join(empty[:3])}"
            f"{', …' if len(empty) > 3 else ''})"
        )
    plan.warnings.extend(
        f'"{ps.src.name}": {ps.reading}' for ps in sources if "check a few codings" in ps.reading
    )
    outside = sum(s.outside for s in sources)
    if outside:
        plan.warnings.append(
            f"{outside:,} selections lie outside their source's text or cover no character; "
            "they were left out"
        )
    if model.repaired_guids:
        plan.warnings.append(
            f"{model.repaired_guids:,} elements had a missing or malformed GUID and got a new one"
        )
    if not (model.codes or sources or model.notes or model.cases):
        raise ImportRefused(
            f"{path.name} holds no codes, sources, cases or notes (only "
            f"{len(model.users)} users), so there is nothing to import."
        )
    return plan
