"""SQLAlchemy 2 models: the whole project schema.

Everything here is dialect-neutral: SQLite-only behaviour lives in ``storage.sqlite``.
Offsets (``start``/``end``) are Unicode code points into ``Document.text``, which is
stored NFC-normalised with ``\\n`` line ends. The text changes only through the audited
"Edit text" command (``coding.corpus.text_edit``), which moves every turn and segment after
the edit with it, so that each offset keeps pointing at the same characters.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_guid() -> str:
    """A fresh GUID in the canonical form REFI-QDA uses (lower-case, hyphenated)."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class GuidMixin:
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)


class ProjectMeta(Base):
    """Key/value facts about the project (title, creation time, …)."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Coder(GuidMixin, Base):
    """A person who codes or reviews (analyst or auditor)."""

    __tablename__ = "coders"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="analyst")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Participant(GuidMixin, Base):
    """A speaker or respondent, known by a pseudonym (M1, E3, R07 …)."""

    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(200), unique=True)
    real_name: Mapped[str | None] = mapped_column(String(200), default=None)
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    values: Mapped[list[AttributeValue]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )
    names: Mapped[list[ParticipantName]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )


class ParticipantName(Base):
    """Every spelling of a participant's real name found in the sources (``이서연``,
    ``Lee Seo-yeon``); private: exports replace each by the pseudonym (coding.core.privacy).
    ``Participant.real_name`` keeps the first one found."""

    __tablename__ = "participant_names"
    __table_args__ = (UniqueConstraint("participant_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))

    participant: Mapped[Participant] = relationship(back_populates="names")


class Attribute(GuidMixin, Base):
    """A participant variable (role, gender, year …) with a declared type."""

    __tablename__ = "attributes"
    __table_args__ = (
        CheckConstraint("type IN ('text','category','number','boolean','date')", name="type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20), default="category")
    position: Mapped[int] = mapped_column(Integer, default=0)


class AttributeValue(Base):
    __tablename__ = "attribute_values"
    # By attribute: the primary key starts with the participant (revision 0003).
    __table_args__ = (Index("ix_attribute_values_attribute_id", "attribute_id", "value"),)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attributes.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text)

    participant: Mapped[Participant] = relationship(back_populates="values")
    attribute: Mapped[Attribute] = relationship()


class Document(GuidMixin, Base):
    """An imported source: a transcript or the answers to one open-ended survey question."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint("kind IN ('transcript','survey')", name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="transcript")
    text: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    length: Mapped[int] = mapped_column(Integer, default=0)
    original_filename: Mapped[str | None] = mapped_column(String(1000), default=None)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    source_encoding: Mapped[str | None] = mapped_column(String(40), default=None)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    position: Mapped[int] = mapped_column(Integer, default=0)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class DocumentSet(GuidMixin, Base):
    """A named group of documents ("Year 1 interviews", "Pilot"); a document may be in
    several sets. Sets filter the navigator, retrieval and the theme matrix."""

    __tablename__ = "document_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DocumentSetMember(Base):
    __tablename__ = "document_set_members"
    set_id: Mapped[int] = mapped_column(
        ForeignKey("document_sets.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SurveyItem(GuidMixin, Base):
    """One column of a survey export, with its (detected or chosen) type."""

    __tablename__ = "survey_items"
    __table_args__ = (
        CheckConstraint(
            "type IN ('id','attribute','likert','single','multiple','number','text','ignore')",
            name="type",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)  # the column id (Q5_1, sat)
    # The question's wording as the tool exported it, used in tables instead of the name.
    label: Mapped[str | None] = mapped_column(Text, default=None)
    type: Mapped[str] = mapped_column(String(20))
    scale_min: Mapped[int | None] = mapped_column(Integer, default=None)
    scale_max: Mapped[int | None] = mapped_column(Integer, default=None)
    # Choice options in questionnaire order (from codes, value labels, or the user's order).
    options: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # Likert: [[label, point], …] in scale order, how text answers became numbers.
    value_labels: Mapped[list[list[Any]] | None] = mapped_column(JSON, default=None)
    # Likert: where the scale came from: 'declared', 'labels', 'metadata' (never the answers).
    scale_source: Mapped[str | None] = mapped_column(String(20), default=None)
    reversed: Mapped[bool] = mapped_column(Boolean, default=False)  # reverse-coded item
    # Why an 'ignore' item is not analysed: 'metadata' (StartDate, Progress, lastpage …) or
    # 'personal' (IP address, e-mail, names, coordinates: answers stored only if asked,
    # never exported). None for a column the user or detection ignored as empty.
    ignored_as: Mapped[str | None] = mapped_column(String(20), default=None)
    # A multiple-response item made of one column per option: the source columns.
    columns: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source_filename: Mapped[str | None] = mapped_column(String(1000), default=None)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), default=None
    )


class SurveyResponse(Base):
    """One respondent's row of one survey file: who it belongs to (a participant, possibly
    linked to a transcript speaker), the id the file gave it, and whether it is complete."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("status IN ('complete','incomplete','preview')", name="status"),
        UniqueConstraint("participant_id", "source_filename", name="participant_source"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    source_filename: Mapped[str] = mapped_column(String(1000))
    respondent_id: Mapped[str] = mapped_column(String(200))  # as written in the file
    status: Mapped[str] = mapped_column(String(20), default="complete")
    status_detail: Mapped[str] = mapped_column(String(200), default="")  # "Progress 40"


class SurveyAnswer(Base):
    """A respondent's closed answer (Likert, choice, number) to a survey item."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("item_id", "participant_id", name="item_participant"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    raw: Mapped[str | None] = mapped_column(Text, default=None)
    number: Mapped[float | None] = mapped_column(Float, default=None)
    choices: Mapped[list[str] | None] = mapped_column(JSON, default=None)


class Turn(GuidMixin, Base):
    """A range of a document spoken or written by one participant.

    For transcripts: a speaker turn (``label`` is the raw speaker label). For survey
    documents: one respondent's answer to ``survey_item``.
    """

    __tablename__ = "turns"
    __table_args__ = (Index("ix_turns_document_start", "document_id", "start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), default=None, index=True
    )
    survey_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_items.id", ondelete="SET NULL"), default=None
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(200), default=None)
    label_end: Mapped[int | None] = mapped_column(Integer, default=None)
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(back_populates="turns")
    participant: Mapped[Participant | None] = relationship()


class Code(GuidMixin, Base):
    """A node of the hierarchical codebook (theme, category or code)."""

    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(400))
    color: Mapped[str] = mapped_column(String(9), default="#FFD54F")
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Segment(GuidMixin, Base):
    """A coded range [start, end) of a document, in Unicode code points."""

    __tablename__ = "segments"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="range"),
        Index("ix_segments_document_start", "document_id", "start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"), index=True)
    # The speaker turn / survey answer the segment lies in (most overlap), fixed at coding
    # time: documents are immutable, so this never goes stale and saves a range join.
    turn_id: Mapped[int | None] = mapped_column(
        ForeignKey("turns.id", ondelete="SET NULL"), default=None, index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # REFI-QDA: the PlainTextSelection this coding came from, when another tool's selection
    # carried several codings (each segment keeps its coding's GUID as ``guid``). None for
    # segments made here, whose own GUID is their selection's. Kept so that a project that
    # went out and came back matches selection by selection.
    selection_guid: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    is_exemplar: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="segments")


class Memo(GuidMixin, Base):
    """Free text: a reflexive memo, or a note on the project, a document or a code."""

    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(400), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="project")
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), default=None
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), default=None
    )
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Review(GuidMixin, Base):
    """An auditor's verdict on a coded segment (agree / dispute / comment)."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("verdict IN ('agree','dispute','comment')", name="verdict"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only log of every change: who did what, when."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_guid: Mapped[str | None] = mapped_column(String(36), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
