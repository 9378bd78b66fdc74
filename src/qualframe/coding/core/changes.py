"""What an operation changed, so that views can decide whether to refresh.

Every command (:class:`coding.core.command.Command`: ``do`` and ``undo``, each one
transaction) returns a :class:`Change`, and an import
(``coding.importing.service.import_files``) carries one in its report. The GUI emits it in
one signal; each Qt model looks at the fields it cares about. A few writes are not commands
and return their own results instead, so they are not undoable and announce nothing by
themselves: ``corpus.segments.code_range`` (the command line's ``code``),
``corpus.participants.set_participant_attribute`` and building the demo project.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    action: str
    codebook: bool = False  # the hierarchy changed (add, move, merge, delete)
    codes: frozenset[str] = field(default_factory=frozenset)  # guids whose fields changed
    segments_added: frozenset[str] = field(default_factory=frozenset)
    segments_removed: frozenset[str] = field(default_factory=frozenset)
    segments_changed: frozenset[str] = field(default_factory=frozenset)
    documents: frozenset[str] = field(default_factory=frozenset)  # guids of touched documents
    documents_added: bool = False
    participants: bool = False
    survey: bool = False
    created_guid: str | None = None  # the new entity, when the action created one
    # The list of documents changed other than by an import: renamed, deleted, restored.
    document_list: bool = False
    documents_removed: frozenset[str] = field(default_factory=frozenset)
    texts: frozenset[str] = field(default_factory=frozenset)  # documents whose text changed
    document_sets: bool = False  # sets or their members changed
    memos: bool = False  # a project, document or code memo changed

    @property
    def segments(self) -> bool:
        return bool(self.segments_added or self.segments_removed or self.segments_changed)

    def merged(self, other: Change) -> Change:
        return Change(
            action=self.action,
            codebook=self.codebook or other.codebook,
            codes=self.codes | other.codes,
            segments_added=self.segments_added | other.segments_added,
            segments_removed=self.segments_removed | other.segments_removed,
            segments_changed=self.segments_changed | other.segments_changed,
            documents=self.documents | other.documents,
            documents_added=self.documents_added or other.documents_added,
            participants=self.participants or other.participants,
            survey=self.survey or other.survey,
            created_guid=self.created_guid or other.created_guid,
            document_list=self.document_list or other.document_list,
            documents_removed=self.documents_removed | other.documents_removed,
            texts=self.texts | other.texts,
            document_sets=self.document_sets or other.document_sets,
            memos=self.memos or other.memos,
        )
