"""Plain data of the importer: options in, previews and reports out (no database objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualframe.coding.core.changes import Change


@dataclass
class ImportOptions:
    kind: str = "auto"  # "auto" | "transcript" | "survey" (auto: .csv/.tsv/.xlsx → survey)
    attributes: dict[str, str] = field(default_factory=dict)  # set on every speaker/respondent
    interviewers: list[str] = field(default_factory=list)  # extra interviewer labels
    encoding: str | None = None
    id_column: str | None = None
    group_column: str | None = None  # attribute column treated as the group (lower-cased)
    column_types: dict[str, str] = field(default_factory=dict)  # column -> type (likert:1-4 …)
    label_pattern: str | None = None  # custom regex with a named group "label"
    speaker_map: dict[str, str] = field(default_factory=dict)  # raw label -> pseudonym
    interviewer_overrides: dict[str, bool] = field(default_factory=dict)  # label -> interviewer
    # per-file attributes (path as given -> {attribute: value}), over ``attributes``
    file_attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    # -- surveys
    column_options: dict[str, list[str]] = field(default_factory=dict)  # questionnaire order
    likert_maps: dict[str, str] = field(default_factory=dict)  # column -> "LABEL=1|LABEL=2"
    reverse: list[str] = field(default_factory=list)  # reverse-coded Likert columns
    links: dict[str, str] = field(default_factory=dict)  # transcript label -> respondent id
    on_conflict: str | None = None  # "keep" | "replace" the project's attribute values
    keep_personal: bool = False  # store IP addresses, e-mails, names (never exported)

    def for_file(self, path: Path) -> ImportOptions:
        """These options with the file's own attributes over the batch's."""
        own = self.file_attributes.get(str(path)) or self.file_attributes.get(Path(path).name)
        if not own:
            return self
        from dataclasses import replace

        return replace(self, attributes={**self.attributes, **own})

    # labels (case-folded) the user accepted as speakers or dropped (their lines are text);
    # remembered per project and applied to later imports
    accept_labels: set[str] = field(default_factory=set)
    drop_labels: set[str] = field(default_factory=set)


@dataclass
class SpeakerInfo:
    """One speaker label of a transcript, as detected (and as it will be stored)."""

    label: str  # as written, without a parenthesised real name
    pseudonym: str  # the participant it becomes (after renaming/merging)
    turns: int
    words: int
    is_interviewer: bool
    real_name: str | None = None  # the first spelling found
    real_names: list[str] = field(default_factory=list)  # every spelling found (private)


@dataclass
class LabelEvidence:
    """One label found in a transcript, with why it is (not) taken as a speaker."""

    label: str  # as first written (pseudonym part)
    count: int  # lines that start with it
    first_line: str  # the first such line, shortened
    accepted: bool
    reason: str  # the evidence, in words ("recurs 14 times", "appears once: text" …)
    role: str | None = None  # "interviewer" | "participant" | None (what its word says)
    real_names: list[str] = field(default_factory=list)
    form: str = "colon"  # colon | bracket | alone | bold | custom (the first line's form)

    @property
    def key(self) -> str:
        """The case-folded label, as kept in ``ImportOptions.accept_labels``/``drop_labels``."""
        return " ".join(self.label.split()).casefold()

    @property
    def worth_showing(self) -> bool:
        """Accepted labels, and rejected ones a user might mean (a colon, brackets, bold, or a
        line on its own that recurs); not every short line of the text."""
        return self.accepted or self.form != "alone" or self.count > 1


@dataclass
class ColumnInfo:
    name: str
    position: int
    type: str
    detected: str
    answered: int
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[str] | None = None  # choices; for an attribute, its values (most frequent first)
    label: str | None = None  # the question's wording
    members: list[str] | None = None  # a one-column-per-option family's source columns
    value_labels: list[tuple[str, int]] | None = None  # Likert label -> point
    scale_source: str | None = None  # declared | labels | metadata | None (not stated)
    reversed: bool = False

    def describe(self) -> str:
        if self.type == "likert":
            scale = (
                f"likert {self.scale_min}-{self.scale_max} ({self.scale_source})"
                if self.scale_source
                else "likert (scale not stated)"
            )
            if self.value_labels:
                shown = ", ".join(f"{lab}={p}" for lab, p in self.value_labels[:7])
                scale += f" [{shown}]"
            return scale + (" reversed" if self.reversed else "")
        if self.members:
            return (
                f"{self.type} ({len(self.options or [])} options from {len(self.members)} "
                f"columns {self.members[0]}…: {', '.join((self.options or [])[:6])})"
            )
        if self.type in ("single", "multiple", "attribute") and self.options is not None:
            shown = ", ".join(self.options[:6]) + (" …" if len(self.options) > 6 else "")
            what = "values" if self.type == "attribute" else "options"
            return f"{self.type} ({len(self.options)} {what}: {shown})"
        return self.type


@dataclass
class FilePreview:
    """What a file holds (preview) or what importing it did (report); ``error`` if refused."""

    path: Path
    kind: str  # "transcript" | "survey"
    format: str = ""  # txt, docx, odt, rtf, pdf, csv, xlsx
    encoding: str | None = None
    error: str | None = None  # one sentence naming the file, when it cannot be imported
    speaker_details: list[SpeakerInfo] = field(default_factory=list)
    label_evidence: list[LabelEvidence] = field(default_factory=list)  # accepted and rejected
    sample: str | None = None  # a line of text showing a close encoding choice
    turns: int = 0
    words: int = 0
    respondents: int = 0
    columns: list[ColumnInfo] = field(default_factory=list)
    id_column: str | None = None
    group_column: str | None = None
    attribute_mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # names of the documents created
    source: str = ""  # how it was read ("csv, comma-separated", "xlsx, sheet 'Data'")
    tool: str = ""  # the survey tool recognised ("Qualtrics (choice text)"; "" if none)
    statuses: dict[str, int] = field(default_factory=dict)  # complete/incomplete/preview
    conflicts: list[str] = field(default_factory=list)  # attribute values the file would change
    links: dict[str, str] = field(default_factory=dict)  # respondent id -> participant

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def speakers(self) -> dict[str, int]:
        """Turns per stored speaker (pseudonym), interviewers included."""
        out: dict[str, int] = {}
        for s in self.speaker_details:
            out[s.pseudonym] = out.get(s.pseudonym, 0) + s.turns
        return out

    @property
    def column_types(self) -> dict[str, str]:
        return {c.name: c.type for c in self.columns}

    def lines(self) -> list[str]:
        """A human summary, one line per fact, for the command line."""
        if self.error is not None:
            return [f"{self.name}: NOT IMPORTED — {self.error}"]
        enc = self.encoding or "n/a"
        if self.kind == "transcript":
            people = [s for s in self.speaker_details if not s.is_interviewer]
            out = [
                f"{self.name}: transcript ({self.format}), encoding {enc}, "
                f"{len({s.pseudonym for s in people})} speakers, {self.turns} turns, "
                f"{self.words} words"
            ]
            merged: dict[tuple[str, bool], list[SpeakerInfo]] = {}
            for s in self.speaker_details:
                merged.setdefault((s.pseudonym, s.is_interviewer), []).append(s)
            for (pseudonym, interviewer), group in merged.items():
                labels = sorted({s.label for s in group} - {pseudonym})
                extra = f" (from {', '.join(labels)})" if labels else ""
                role = " [interviewer]" if interviewer else ""
                turns = sum(s.turns for s in group)
                words = sum(s.words for s in group)
                real = next((s.real_name for s in group if s.real_name), None)
                private = " (real name kept private)" if real else ""
                out.append(f"  {pseudonym}{role}{extra}: {turns} turns, {words} words{private}")
        else:
            out = self._survey_lines(enc)
        out.extend(f"  warning: {w}" for w in self.warnings)
        out.extend(f"  document: {d}" for d in self.documents)
        return out

    def _survey_lines(self, enc: str) -> list[str]:
        tool = f"{self.tool} export, " if self.tool else ""
        out = [
            f"{self.name}: survey ({tool}{self.source or self.format}), encoding {enc}, "
            f"{self.respondents} respondents, {len(self.columns)} columns"
        ]
        flagged = {k: v for k, v in self.statuses.items() if k != "complete" and v}
        if flagged:
            shown = ", ".join(f"{v} {k}" for k, v in flagged.items())
            out.append(f"  responses: {self.statuses.get('complete', 0)} complete, {shown}")
        for c in self.columns:
            tag = " [group]" if c.name == self.group_column else ""
            desc = c.describe()  # starts with the type: the tag goes right after it
            label = f" — {c.label}" if c.label and c.label != c.name else ""
            out.append(f"  {c.name}: {c.type}{tag}{desc[len(c.type) :]}{label}")
            for raw, stored in self.attribute_mapping.get(c.name, {}).items():
                out.append(f"    {raw!r} → {stored!r}")
        for rid, who in self.links.items():
            out.append(f"  link: respondent {rid} is participant {who}")
        out.extend(f"  conflict: {c}" for c in self.conflicts)
        return out


@dataclass
class ImportReport:
    files: list[FilePreview]
    change: Change
    skipped: list[FilePreview] = field(default_factory=list)  # bad files left out (skip_bad)

    @property
    def documents(self) -> list[str]:
        return [d for f in self.files for d in f.documents]

    def lines(self) -> list[str]:
        out: list[str] = []
        for f in self.files:
            out.extend(f.lines())
        for f in self.skipped:
            out.append(f"{f.name}: skipped — {f.error}")
        out.append(
            f"Imported {len(self.files)} file{'s' if len(self.files) != 1 else ''}: "
            f"{len(self.documents)} document{'s' if len(self.documents) != 1 else ''}."
        )
        return out
