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
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
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
    linked to a transcript speaker), the id the file gave it, whether it is complete, and its
    closed answers.

    ``answers`` packs the row's closed answers (Likert, choice, number; personal data only
    when the user kept it) as ``{"<survey item id>": [raw, number, choices]}``: ``raw`` the
    answer as written, ``number`` a Likert point (reverse-coded where asked) or a number,
    ``choices`` the list of chosen options of a choice item (else null); trailing nulls are
    left out (``["4", 4.0]``). A blank cell has no entry. One row per respondent rather than one per answer (revision 0008): a survey of
    50,000 respondents × 60 questions is 50,000 rows, not three million. A participant answers
    an item at most once over all their responses (checked by the import and by merges)."""

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
    # {"<item id>": [raw, number, choices]}; assign a new dict to change it (never in place)
    answers: Mapped[dict[str, list[Any]]] = mapped_column(JSON, default=dict)


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
    # Optimistic concurrency (0010): raised by one with every update; an update or delete
    # of a row another coder changed meanwhile matches no row and is refused.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


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
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))  # see Code

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

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
    """One entry of a segment's review thread: an auditor's verdict (agree / dispute /
    comment) or the analyst's answer to one (``verdict`` = 'answer', ``reply_to_guid`` the
    verdict answered, ``action`` recode / resize / recode_resize / keep, ``details`` what the
    answer changed: the code and the range before and after)."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("verdict IN ('agree','dispute','comment','answer')", name="verdict"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # GUIDs, not ids: a thread restored by an undo keeps its links (ids may change).
    reply_to_guid: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    action: Mapped[str | None] = mapped_column(String(20), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class CodeReview(GuidMixin, Base):
    """One entry of a code's review thread: an auditor's comment on the code (definition
    unclear, overlaps another code …) or agreement with it, or the analyst's answer
    (``kind`` = 'answer', ``action`` edit / keep, ``details`` the fields before and after)."""

    __tablename__ = "code_reviews"
    __table_args__ = (CheckConstraint("kind IN ('comment','agree','answer')", name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    reply_to_guid: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    action: Mapped[str | None] = mapped_column(String(20), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Resolution(GuidMixin, Base):
    """How a disagreement between coders was resolved: which coders' codings the consensus
    coder took (``accepted``), none of them, or a new agreed range; ``segments`` lists the
    consensus segments made for it. ``key`` identifies the place (document, code, span)."""

    __tablename__ = "resolutions"
    __table_args__ = (CheckConstraint("decision IN ('accept','neither','new')", name="decision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    coders: Mapped[list[str]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(20))
    accepted: Mapped[list[str]] = mapped_column(JSON)
    segments: Mapped[list[str]] = mapped_column(JSON)
    resolved_by_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only log of every change: who did what, when.

    The events form a hash chain (``storage.trail``): ``hash`` is the SHA-256 of the event's
    own content and ``prev_hash``, the hash of the event before it (None for the first), so
    an event changed, removed or inserted outside Qualframe breaks the chain there.
    """

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_guid: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hash: Mapped[str] = mapped_column(String(64))
