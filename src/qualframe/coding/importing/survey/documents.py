"""Open-ended questions as codable documents: one per question, each answer its own paragraph
and a turn linked to its respondent and to the question's survey item.

The document row is written with one Core statement and its turns as plain rows in batches
(:mod:`qualframe.storage.bulk`): 50,000 respondents × 3 questions are 150,000 turns.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.corpus.documents import sha256_hex, unique_document_name
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.model import ParsedSurvey
from qualframe.storage.bulk import insert_rows, new_guids
from qualframe.storage.models import Document, SurveyItem, Turn, new_guid

_DOCUMENTS = cast(Table, Document.__table__)
_TURNS = cast(Table, Turn.__table__)
TURN_COLUMNS = (
    "document_id", "participant_id", "survey_item_id", "start", "end", "label", "label_end",
    "is_interviewer", "guid",
)  # fmt: skip


def answer_text(value: str) -> str:
    """An answer as stored: ``\\n`` line ends, NFC, trimmed, and one paragraph (blank lines
    inside an answer would look like the start of the next one)."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    text = value.strip()
    if "\n" not in text:
        return text
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip())


def text_hashes(raw: bytes, parsed: ParsedSurvey) -> dict[str, str]:
    """Each open-ended question's content hash (the file's bytes and the column's name), by
    which a second import of the same file is recognised."""
    whole = hashlib.sha256(raw)
    out: dict[str, str] = {}
    for c in parsed.columns:
        if c.type == "text" and c.answered:
            h = whole.copy()
            h.update(b":" + c.name.encode("utf-8"))
            out[c.name] = h.hexdigest()
    return out


def check_not_imported(session: Session, name: str, hashes: dict[str, str]) -> None:
    for content_hash in hashes.values():
        dup = session.scalar(select(Document.name).where(Document.content_hash == content_hash))
        if dup is not None:
            raise refuse(name, f"was already imported (as {dup})")


@dataclass
class _Answers:
    text: str
    spans: list[tuple[int, int, int]]  # (row in the file, start, end) of each answer


def _answers(values: list[str | None]) -> _Answers:
    """The document's text (answers separated by a blank line) and where each answer is."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    for row, value in enumerate(values):
        answer = answer_text(value) if value is not None else ""
        if not answer:
            continue
        if parts:
            pos += 2  # the blank line between two answers
        parts.append(answer)
        spans.append((row, pos, pos + len(answer)))
        pos += len(answer)
    return _Answers("\n\n".join(parts), spans)


def store_documents(
    session: Session,
    actor: str,
    path: Path,
    parsed: ParsedSurvey,
    items: dict[str, SurveyItem],
    pids: list[int],
    hashes: dict[str, str],
) -> tuple[list[str], list[str]]:
    """One document per answered open-ended question; (stored names, document guids)."""
    created: list[str] = []
    guids: list[str] = []
    for col in parsed.columns:
        if col.name not in hashes:
            continue
        answers = _answers(col.values)
        if not answers.spans:
            continue
        item = items[col.name]
        doc_id, guid, stored = _insert_document(
            session, actor, path, f"{path.stem}: {col.name}", answers.text, hashes[col.name],
            parsed.encoding, len(answers.spans),
        )  # fmt: skip
        turn_guids = new_guids(len(answers.spans))
        respondents = parsed.respondents
        insert_rows(
            session, _TURNS, TURN_COLUMNS,
            (
                (doc_id, pids[row], item.id, start, end, respondents[row], None, False, g)
                for (row, start, end), g in zip(answers.spans, turn_guids, strict=True)
            ),
        )  # fmt: skip
        if item.document_id is None:
            item.document_id = doc_id
        created.append(stored)
        guids.append(guid)
    return created, guids


def _insert_document(
    session: Session, actor: str, path: Path, name: str, text: str, content_hash: str,
    encoding: str | None, turns: int,
) -> tuple[int, str, str]:  # fmt: skip
    """The document row (its turns are written by the caller); (id, guid, stored name)."""
    if "\r" in text or not unicodedata.is_normalized("NFC", text):
        # guarded by answer_text; a bug here must not store text whose offsets would shift
        raise UserError(f"{path.name}: the text was not normalised.")
    guid = new_guid()
    stored_name = unique_document_name(session, name)
    pos = int(session.scalar(select(func.count()).select_from(Document)) or 0)
    doc_id = session.scalar(
        insert(_DOCUMENTS)
        .values(
            guid=guid, name=stored_name, kind="survey", text=text, length=len(text),
            original_filename=printable(path.name), content_hash=content_hash,
            text_hash=sha256_hex(text),
            source_encoding=encoding, position=pos,
        )
        .returning(_DOCUMENTS.c.id)
    )  # fmt: skip
    assert doc_id is not None
    audit.record(
        session, actor, "import_document", "document", guid,
        name=stored_name, kind="survey", file=path.name, turns=turns,
    )  # fmt: skip
    return int(doc_id), guid, stored_name
