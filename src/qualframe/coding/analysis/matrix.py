"""The theme matrix: the codebook (rows) against participant groups (columns).

Rows are the codes at one level of the codebook (``rows_level`` 0 = themes); each cell lists,
as nested entries, the codes below the row that occur in that group's data, with counts and
exemplar quotes. Columns are the values of one participant attribute (``role`` by default).

Counting rule (stated in every export's note):

* A code is listed in a group's cell when at least one segment coded with it **or with one
  of its descendants** comes from a participant of that group.
* A segment "comes from" the participant of the speaker turn (or survey answer) it lies in.
  Interviewer speech never counts (an interviewer turn or a participant marked as
  interviewer), and a segment outside any turn, or in a turn without a participant, counts
  for no group. Participants who lack a value for the attribute count for no group.
* Counts beside an entry include its descendants: *segments* is the number of coded
  segments, *participants* the number of distinct participants they come from, and
  *percent* that number as a share of the group's N.
* A group's N is computed from the data: the non-interviewer participants having that
  attribute value (when the matrix is restricted to some documents: those among them who
  speak in at least one of those documents).

Everything is computed with a few set-based queries (one grouped pass over the segments
joined to their turns, participants and attribute values), never per cell.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.formatting import fmt_percent, group_label, natural_key, pluralise
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord, SegmentRecord
from qualframe.coding.query.quotes import own_turn, own_turn_sql, quote_substr
from qualframe.coding.query.segments import query_segments
from qualframe.coding.review.status import check_mode, filter_sentence, reviewed_clause
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Coder,
    Document,
    Participant,
    Segment,
    Turn,
)

COUNT_KINDS = ("segments", "participants", "percent")
LEVEL_NAMES = ("Theme", "Category", "Code", "Sub-code")
QUOTE_MAX_CHARS = 280

COUNTING_RULE = (
    "A category or code is listed in a group's column when at least one segment coded with "
    "it or with one of its sub-codes comes from a participant of that group; the "
    "interviewer's speech and passages outside any participant's turn are not counted."
)


def level_name(level: int) -> str:
    return LEVEL_NAMES[level] if level < len(LEVEL_NAMES) else f"Level {level + 1}"


# -- options and result ------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixOptions:
    """What to compute. ``group_order`` both selects and orders the columns (values matched
    case-insensitively); ``coders`` are names and ``documents`` names or GUIDs."""

    by: str = "role"
    rows_level: int = 0
    group_order: Sequence[str] | None = None
    counts: frozenset[str] = frozenset()
    quotes: int = 0
    include_empty: bool = False
    coders: Sequence[str] | None = None
    documents: Sequence[str] | None = None
    #: Only the documents in any of these document sets (names or GUIDs); with
    #: ``documents`` too, only those of them that are in one of the sets.
    document_sets: Sequence[str] | None = None
    #: Keep participants' real names in quotes and document names (an explicit opt-in; by
    #: default every real name is replaced by the pseudonym, see :mod:`coding.privacy`).
    real_names: bool = False
    #: Only segments reviewed and agreed ("agreed"), with any verdict ("any"), or all of
    #: them ("all"); see :mod:`coding.review.status`.
    reviewed: str = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "reviewed", check_mode(self.reviewed))
        unknown = set(self.counts) - set(COUNT_KINDS)
        if unknown:
            raise UserError(
                f'Unknown count "{sorted(unknown)[0]}"; choose from {", ".join(COUNT_KINDS)}.'
            )
        if self.rows_level < 0:
            raise UserError("The row level must be 0 (themes) or more.")
        if self.quotes < 0:
            raise UserError("The number of quotes cannot be negative.")
        object.__setattr__(self, "counts", frozenset(self.counts))


@dataclass(frozen=True)
class Group:
    value: str  # the attribute value as stored
    label: str  # for headers: "Mentees"
    n: int  # participants in the group (computed)

    @property
    def header(self) -> str:
        return f"{self.label} (n = {self.n})"


@dataclass(frozen=True)
class Quote:
    segment_guid: str
    text: str
    speaker: str
    document: str
    is_exemplar: bool


@dataclass(frozen=True)
class CellEntry:
    """A code below the row code present in one group; ``level`` 0 = the row's children."""

    code_guid: str
    name: str
    level: int
    segments: int
    participants: int
    percent: float | None
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    group: str
    segments: int  # the row code and all its descendants
    participants: int
    percent: float | None
    entries: tuple[CellEntry, ...] = ()
    quotes: tuple[Quote, ...] = ()  # segments coded with the row code itself

    @property
    def empty(self) -> bool:
        return self.segments == 0 and not self.entries


@dataclass(frozen=True)
class MatrixRow:
    code_guid: str
    name: str
    path: tuple[str, ...]
    cells: tuple[MatrixCell, ...]

    @property
    def ancestors(self) -> tuple[str, ...]:
        return self.path[:-1]


@dataclass(frozen=True)
class ThemeMatrix:
    attribute: str
    options: MatrixOptions
    groups: tuple[Group, ...]
    rows: tuple[MatrixRow, ...]
    segments_counted: int  # segments that count for a shown group
    segments_interviewer: int  # left out: interviewer speech
    segments_no_participant: int  # left out: no turn, or a turn without a participant
    segments_no_group: int  # left out: the participant has no value (or another group)
    coders: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    document_sets: tuple[str, ...] = ()  # the sets counted, with how many documents they hold
    max_depth: int = field(default=0)  # depth of the deepest code in the codebook
    segments_above_rows: int = 0  # left out: coded with a code above the row level
    codes: int = 0  # codes in the codebook
    segments_not_reviewed: int = 0  # left out by the review filter (options.reviewed)

    @property
    def row_level_name(self) -> str:
        return level_name(self.options.rows_level)

    def cell(self, row_guid: str, group: str) -> MatrixCell:
        for row in self.rows:
            if row.code_guid == row_guid:
                for c in row.cells:
                    if c.group == group:
                        return c
        raise KeyError((row_guid, group))


# -- labels and formatting ---------------------------------------------------------------------
def format_counts(
    counts: Iterable[str], segments: int, participants: int, percent: float | None
) -> str:
    """The figures beside an entry, e.g. ``(5; 3 participants; 27%)`` (empty if none)."""
    wanted = set(counts)
    parts: list[str] = []
    if "segments" in wanted:
        parts.append(str(segments))
    if "participants" in wanted:
        parts.append(f"{participants} participant" + ("" if participants == 1 else "s"))
    if "percent" in wanted:
        parts.append("–" if percent is None else f"{fmt_percent(percent)}%")
    return f"({'; '.join(parts)})" if parts else ""


def counts_explanation(counts: Iterable[str]) -> str:
    """One sentence explaining :func:`format_counts` for a table note ('' if no counts)."""
    wanted = [k for k in COUNT_KINDS if k in set(counts)]
    if not wanted:
        return ""
    words = {
        "segments": "the number of coded segments",
        "participants": "the number of distinct participants they come from",
        "percent": "that number as a percentage of the group's n",
    }
    if wanted == ["percent"]:
        words["percent"] = "the percentage of the group's participants who mentioned it"
    items = [words[k] for k in wanted]
    listed = items[0] if len(items) == 1 else "; ".join(items)
    return (
        f"Figures in parentheses: {listed} (each including its sub-codes)."
        if len(items) > 1
        else f"Figure in parentheses: {listed} (including sub-codes)."
    )


def quote_text(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """A quote on one line, shortened at a word boundary with an ellipsis if too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


def quote_line(q: Quote) -> str:
    return f"“{quote_text(q.text)}” — {q.speaker}"


@dataclass(frozen=True)
class CellLine:
    """One line of a cell as plain text: an entry or a quote, with its bullet level."""

    level: int
    text: str
    kind: str  # "entry" or "quote"
    code_guid: str = ""


def cell_lines(cell: MatrixCell, counts: Iterable[str]) -> list[CellLine]:
    """A cell as lines (without glyphs): row-level quotes, then each entry followed by its
    quotes one level deeper."""
    counts = frozenset(counts)
    out = [CellLine(0, quote_line(q), "quote") for q in cell.quotes]
    for e in cell.entries:
        figures = format_counts(counts, e.segments, e.participants, e.percent)
        out.append(CellLine(e.level, f"{e.name} {figures}".rstrip(), "entry", e.code_guid))
        out.extend(CellLine(e.level + 1, quote_line(q), "quote", e.code_guid) for q in e.quotes)
    return out


BULLET_GLYPHS = ("-", "·", "◦")
#: Bullets in plain-text cells (spreadsheets, screen): an en dash, not "-", at level 0 so that
#: a cell never starts with a character a spreadsheet would read as a formula.
TEXT_GLYPHS = ("–", "·", "◦")


def cell_text(cell: MatrixCell, counts: Iterable[str], *, indent: str = "  ") -> str:
    """A cell as multi-line plain text with ``–``/``·`` bullets (for spreadsheets, screen)."""
    lines = []
    for line in cell_lines(cell, counts):
        glyph = TEXT_GLYPHS[min(line.level, len(TEXT_GLYPHS) - 1)]
        lines.append(f"{indent * line.level}{glyph} {line.text}")
    return "\n".join(lines)


def matrix_note(matrix: ThemeMatrix) -> str:
    """The note under a matrix table: N per group, the counting rule, the figures, filters."""
    groups = "; ".join(f"{g.label}, n = {g.n}" for g in matrix.groups)
    attr = matrix.attribute
    scope = (
        "who speak in the selected documents"
        if matrix.documents or matrix.document_sets
        else "in the project (interviewers excluded)"
    )
    parts = []
    if not matrix.rows:
        parts.append(empty_sentence(matrix))
    parts.append(f"Participants per group ({attr}): {groups}; n counts the participants {scope}.")
    parts.append(COUNTING_RULE)
    explanation = counts_explanation(matrix.options.counts)
    if explanation:
        parts.append(explanation)
    if matrix.options.quotes:
        parts.append(
            "Quotes are verbatim coded segments followed by the speaker's pseudonym; quotes "
            "the analysts marked as exemplars come first."
        )
    if matrix.segments_above_rows:
        n = matrix.segments_above_rows
        higher = " or ".join(level_name(i).lower() for i in range(matrix.options.rows_level))
        parts.append(
            f"{n} segment{'s' if n != 1 else ''} coded directly with a {higher} (above the "
            f"{matrix.row_level_name.lower()} level of the rows) {'are' if n != 1 else 'is'} "
            "not shown."
        )
    review = filter_sentence(matrix.options.reviewed, matrix.segments_not_reviewed)
    if review:
        parts.append(review)
    if matrix.coders:
        parts.append(f"Coders: {', '.join(matrix.coders)}.")
    if matrix.document_sets:
        parts.append(f"Document sets: {'; '.join(matrix.document_sets)}.")
    if matrix.documents:
        parts.append(f"Documents: {', '.join(matrix.documents)}.")
    return " ".join(parts)


def empty_sentence(matrix: ThemeMatrix) -> str:
    """Why a matrix has no rows, in one sentence."""
    if matrix.codes == 0:
        return "The codebook has no codes yet, so the table has no rows."
    return "No segment from a participant of these groups is coded yet, so the table has no rows."


def default_title(matrix: ThemeMatrix) -> str:
    below = [level_name(i).lower() for i in range(matrix.options.rows_level, matrix.max_depth + 1)]
    if not below:
        below = [matrix.row_level_name.lower()]
    names = [w if w.endswith("s") else pluralise(w) for w in below]
    names = [n.replace("categorys", "categories") for n in names]
    names[0] = names[0].capitalize()
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} by participant {matrix.attribute}"


# -- computation -------------------------------------------------------------------------------
def _resolve_attribute(s: Session, name: str) -> tuple[int, str]:
    rows = s.execute(select(Attribute.id, Attribute.name).order_by(Attribute.position)).all()
    for aid, aname in rows:
        if aname.casefold() == name.strip().casefold():
            return int(aid), str(aname)
    known = ", ".join(str(r[1]) for r in rows) or "none yet"
    raise UserError(f'There is no participant attribute "{name}" (attributes: {known}).')


def _resolve_coders(s: Session, names: Sequence[str] | None) -> tuple[list[int], list[str]]:
    if not names:
        return [], []
    rows = s.execute(select(Coder.id, Coder.name).order_by(Coder.name)).all()
    by_name = {str(n).casefold(): (int(i), str(n)) for i, n in rows}
    ids, shown = [], []
    for name in names:
        hit = by_name.get(name.strip().casefold())
        if hit is None:
            known = ", ".join(str(r[1]) for r in rows) or "none"
            raise UserError(f'There is no coder "{name}" in this project (coders: {known}).')
        ids.append(hit[0])
        shown.append(hit[1])
    return ids, shown


def _resolve_documents(s: Session, names: Sequence[str] | None) -> tuple[list[int], list[str]]:
    if not names:
        return [], []
    rows = s.execute(select(Document.id, Document.guid, Document.name)).all()
    ids, shown = [], []
    for name in names:
        key = name.strip()
        hit = next((r for r in rows if r.guid == key or r.name == key), None)
        if hit is None:
            hit = next((r for r in rows if str(r.name).casefold() == key.casefold()), None)
        if hit is None:
            raise UserError(f'There is no document "{name}" in this project.')
        ids.append(int(hit.id))
        shown.append(str(hit.name))
    return ids, shown


@dataclass
class _Scope:
    attr_id: int
    attr_name: str
    coder_ids: list[int]
    coder_names: list[str]
    doc_ids: list[int]
    doc_names: list[str]
    set_names: list[str] = field(default_factory=list)
    reviewed: str = "all"

    @property
    def by_document(self) -> bool:
        """Whether only some documents count (possibly none: an empty set)."""
        return bool(self.doc_ids or self.set_names)


def _scope(s: Session, options: MatrixOptions) -> _Scope:
    attr_id, attr_name = _resolve_attribute(s, options.by)
    coder_ids, coder_names = _resolve_coders(s, options.coders)
    doc_ids, doc_names = _resolve_documents(s, options.documents)
    set_names: list[str] = []
    if options.document_sets:
        from qualframe.coding.corpus.sets import set_document_ids

        in_sets, names = set_document_ids(s, options.document_sets)
        members = set(in_sets)
        for name in names:
            k = len(set_document_ids(s, [name])[0])
            set_names.append(f"{name} ({k} document{'s' if k != 1 else ''})")
        if doc_ids:
            kept = [(i, n) for i, n in zip(doc_ids, doc_names, strict=True) if i in members]
            doc_ids, doc_names = [i for i, _ in kept], [n for _, n in kept]
        else:
            doc_ids = in_sets
    return _Scope(
        attr_id, attr_name, coder_ids, coder_names, doc_ids, doc_names, set_names, options.reviewed
    )


def _filtered(stmt: Select[Any], scope: _Scope, *, review: bool = True) -> Select[Any]:
    """``stmt`` restricted to the chosen coders and documents (and review filter)."""
    if scope.coder_ids:
        stmt = stmt.where(Segment.coder_id.in_(scope.coder_ids))
    if scope.by_document:
        stmt = stmt.where(Segment.document_id.in_(scope.doc_ids))
    clause = reviewed_clause(scope.reviewed) if review else None
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


def _not_reviewed(s: Session, scope: _Scope) -> int:
    """Segments (of the chosen coders and documents) the review filter leaves out."""
    if scope.reviewed == "all":
        return 0
    count = select(func.count()).select_from(Segment)
    every = int(s.scalar(_filtered(count, scope, review=False)) or 0)
    return every - int(s.scalar(_filtered(count, scope)) or 0)


def value_key(value: str) -> str:
    """Attribute values that differ only by case or spacing make one group
    (``Mentee``, ``mentee `` and ``mentee`` are the same role)."""
    return " ".join(value.split()).casefold()


def _spellings(s: Session, scope: _Scope) -> dict[str, str]:
    """Each stored value of the attribute -> the spelling that names its group: the most
    common one among the participants holding it (ties: the first in sorted order)."""
    rows = s.execute(
        select(AttributeValue.value, func.count())
        .where(AttributeValue.attribute_id == scope.attr_id)
        .group_by(AttributeValue.value)
    ).all()
    by_key: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)
    for value, n in rows:
        if str(value).strip():
            v = str(value)
            by_key[value_key(v)].append((-int(n), v != v.lower(), v))
    return {v: min(spellings)[2] for spellings in by_key.values() for *_, v in spellings}


def _group_sizes(s: Session, scope: _Scope) -> dict[str, int]:
    spelling = _spellings(s, scope)
    stmt = (
        select(AttributeValue.value, Participant.id)
        .join(Participant, Participant.id == AttributeValue.participant_id)
        .where(AttributeValue.attribute_id == scope.attr_id, Participant.is_interviewer.is_(False))
    )
    if scope.by_document:
        speakers = select(Turn.participant_id).where(
            Turn.document_id.in_(scope.doc_ids), Turn.is_interviewer.is_(False)
        )
        stmt = stmt.where(Participant.id.in_(speakers))
    people: dict[str, set[int]] = defaultdict(set)
    for value, pid in s.execute(stmt).all():
        if str(value) in spelling:
            people[spelling[str(value)]].add(int(pid))
    return {v: len(p) for v, p in people.items()}


def group_sizes(
    project: Project,
    by: str = "role",
    documents: Sequence[str] | None = None,
    document_sets: Sequence[str] | None = None,
) -> dict[str, int]:
    """The values of ``by`` that make a column, with their N: non-interviewer participants
    holding the value who, when ``documents`` (names or GUIDs) or ``document_sets`` are
    given, speak in one of those documents. The same rule :func:`build_matrix` uses for the
    group headers."""
    options = MatrixOptions(by=by, documents=documents, document_sets=document_sets)
    with project.read() as s:
        return _group_sizes(s, _scope(s, options))


def _choose_groups(
    sizes: dict[str, int], options: MatrixOptions, attr_name: str
) -> tuple[Group, ...]:
    values = list(sizes)
    if options.group_order:
        chosen = []
        for wanted in options.group_order:
            hit = next((v for v in values if v.casefold() == wanted.strip().casefold()), None)
            if hit is None:
                known = ", ".join(sorted(values, key=str.casefold)) or "none"
                raise UserError(f'No participant has {attr_name} "{wanted}" (values: {known}).')
            if hit not in chosen:
                chosen.append(hit)
        values = chosen
    elif all(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()) for v in values):
        values.sort(key=lambda v: float(v))
    else:  # natural order: "Site 2" before "Site 10"
        values.sort(key=natural_key)
    labels = [group_label(v, attr_name) for v in values]
    if len(set(labels)) != len(labels):  # two values would look the same: show raw values
        labels = list(values)
    return tuple(Group(v, lab, sizes[v]) for v, lab in zip(values, labels, strict=True))


def _counted_stmt(scope: _Scope, *columns: Any) -> Select[Any]:
    """Segments that count for some group: a participant's (non-interviewer) turn and a value
    of the attribute. The caller adds columns, grouping and extra filters."""
    stmt = (
        select(*columns)
        .select_from(Segment)
        .join(Turn, Turn.id == Segment.turn_id)
        .join(Participant, Participant.id == Turn.participant_id)
        .join(
            AttributeValue,
            and_(
                AttributeValue.participant_id == Participant.id,
                AttributeValue.attribute_id == scope.attr_id,
            ),
        )
        .where(Turn.is_interviewer.is_(False), Participant.is_interviewer.is_(False))
    )
    return _filtered(stmt, scope)


def _row_codes(tree: list[CodeRecord], level: int) -> list[CodeRecord]:
    max_depth = max((c.depth for c in tree), default=0)
    if tree and level > max_depth:
        raise UserError(
            f"The codebook has {max_depth + 1} level(s); choose a row level from 0 to {max_depth}."
        )
    return [c for c in tree if c.depth == level]


def _fetch_quotes(
    s: Session,
    segment_rows: list[tuple[Any, ...]],
    group_of: dict[int, str],
    code_ids: set[int],
    n: int,
    mask: Callable[[str], str],
) -> dict[tuple[int, str], tuple[Quote, ...]]:
    """Up to ``n`` quotes per (code coded directly, group): exemplars first, then in document
    order. ``segment_rows`` are the matrix pass's rows (code, participant, interviewer turn,
    segment id, exemplar, document, start); ``group_of`` maps counted participants to groups."""
    if n <= 0 or not code_ids:
        return {}
    conn = s.connection()
    docs = list(conn.execute(select(Document.id, Document.position, Document.name)))
    docs.sort(key=lambda r: (r[1], r[2]))
    doc_order = {int(r[0]): k for k, r in enumerate(docs)}
    rows = [
        r
        for r in segment_rows
        if r[0] in code_ids and r[1] in group_of and not r[2]  # not interviewer speech
    ]
    rows.sort(key=lambda r: (not r[4], doc_order.get(r[5], 0), r[6], r[3]))
    picked: dict[tuple[int, str], list[int]] = defaultdict(list)
    for code_id, pid, _, sid, *_ in rows:
        bucket = picked[(code_id, group_of[pid])]
        if len(bucket) < n:
            bucket.append(sid)
    ids = [sid for bucket in picked.values() for sid in bucket]
    info: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 500):
        for r in conn.execute(
            select(
                Segment.id, Segment.guid, Segment.is_exemplar, Participant.pseudonym,
                Segment.document_id, Segment.start, Segment.end, Turn.start, Turn.end,
            )
            .join(Turn, Turn.id == Segment.turn_id)
            .join(Participant, Participant.id == Turn.participant_id)
            .where(Segment.id.in_(ids[i : i + 500]))
        ):  # fmt: skip
            info[int(r[0])] = tuple(r)
    doc_ids = sorted({r[4] for r in info.values()})
    texts: dict[int, tuple[str, str]] = {}
    for i in range(0, len(doc_ids), 200):
        for did, name, text in conn.execute(
            select(Document.id, Document.name, Document.text).where(
                Document.id.in_(doc_ids[i : i + 200])
            )
        ):
            texts[int(did)] = (str(name), str(text))
    found: dict[int, Quote] = {}
    for sid, (_, guid, exemplar, pseudonym, did, start, end, t_start, t_end) in info.items():
        name, text = texts[did]
        start, end = own_turn(start, end, (t_start, t_end))  # one read per text; own turn only
        found[sid] = Quote(
            str(guid), mask(text[start:end]), str(pseudonym), mask(name), bool(exemplar)
        )
    return {
        key: tuple(found[sid] for sid in bucket if sid in found) for key, bucket in picked.items()
    }


def build_matrix(project: Project, options: MatrixOptions | None = None) -> ThemeMatrix:
    """Compute the theme matrix (see the module docstring for the counting rule)."""
    options = options or MatrixOptions()
    with project.read() as s:
        scope = _scope(s, options)
        tree = load_tree(s)
        rows_codes = _row_codes(tree, options.rows_level)
        groups = _choose_groups(_group_sizes(s, scope), options, scope.attr_name)
        wanted = {g.value for g in groups}
        n_of = {g.value: g.n for g in groups}

        # One pass over the segments (with their turn's speaker), counted per
        # (code, participant, interviewer turn); Core rows, no ORM overhead.
        conn = s.connection()
        # With quotes, the same pass also brings what picking them needs (exemplar flag and
        # document position), so the segments are read once either way.
        columns: tuple[Any, ...] = (Segment.code_id, Turn.participant_id, Turn.is_interviewer)
        if options.quotes > 0:
            columns += (Segment.id, Segment.is_exemplar, Segment.document_id, Segment.start)
        pass_rows = conn.execute(
            _filtered(
                select(*columns).select_from(Segment).outerjoin(Turn, Turn.id == Segment.turn_id),
                scope,
            )
        )
        segment_rows: list[tuple[Any, ...]] = []
        if options.quotes > 0:
            segment_rows = list(map(tuple, pass_rows))
            seen: Counter[tuple[Any, ...]] = Counter(r[:3] for r in segment_rows)
        else:
            seen = Counter(map(tuple, pass_rows))
        interviewers = set(
            conn.execute(select(Participant.id).where(Participant.is_interviewer.is_(True)))
            .scalars()
            .all()
        )
        spelling = _spellings(s, scope)
        value_of = dict(
            (pid, spelling.get(str(v), str(v)))
            for pid, v in conn.execute(
                select(AttributeValue.participant_id, AttributeValue.value).where(
                    AttributeValue.attribute_id == scope.attr_id
                )
            ).all()
        )
        shown_codes = {c.id for c in tree if c.depth >= options.rows_level}
        direct_n: dict[tuple[int, str], int] = defaultdict(int)
        direct_people: dict[tuple[int, str], set[int]] = defaultdict(set)
        counted = no_part = interv = no_group = above = 0
        for (code_id, pid, in_interviewer_turn), n in seen.items():
            if pid is None:
                no_part += n
            elif in_interviewer_turn or pid in interviewers:
                interv += n
            else:
                value = value_of.get(pid)
                if code_id not in shown_codes:
                    if value in wanted:
                        above += n
                    continue
                if value not in wanted:
                    no_group += n
                else:
                    counted += n
                    direct_n[(code_id, value)] += n
                    direct_people[(code_id, value)].add(pid)

        # Roll the direct figures up the tree (children come after parents in ``tree``).
        seg_n: dict[tuple[int, str], int] = defaultdict(int)
        people: dict[tuple[int, str], set[int]] = defaultdict(set)
        id_of = {c.guid: c.id for c in tree}
        for c in reversed(tree):
            parent = id_of.get(c.parent_guid) if c.parent_guid else None
            for value in wanted:
                key = (c.id, value)
                seg_n[key] += direct_n.get(key, 0)
                people[key] |= direct_people.get(key, set())
                if parent is not None and c.depth > options.rows_level:
                    seg_n[(parent, value)] += seg_n[key]
                    people[(parent, value)] |= people[key]

        def figures(node: int, value: str) -> tuple[int, int, float | None]:
            ppl = len(people.get((node, value), ()))
            n = n_of[value]
            return seg_n.get((node, value), 0), ppl, (100.0 * ppl / n if n else None)

        children: dict[str | None, list[CodeRecord]] = defaultdict(list)
        for c in tree:
            children[c.parent_guid].append(c)

        def below(code: CodeRecord) -> list[CodeRecord]:
            out: list[CodeRecord] = []
            for kid in children.get(code.guid, []):
                out.append(kid)
                out.extend(below(kid))
            return out

        subtree = {r.guid: below(r) for r in rows_codes}
        quote_codes: set[int] = set()
        if options.quotes:
            for r in rows_codes:
                for c in (r, *subtree[r.guid]):
                    if any(seg_n.get((c.id, g), 0) for g in wanted):
                        quote_codes.add(c.id)
        group_of = {
            pid: v for pid, v in value_of.items() if v in wanted and pid not in interviewers
        }
        mask = name_masker(s, options.real_names)
        quotes = _fetch_quotes(s, segment_rows, group_of, quote_codes, options.quotes, mask)
        not_reviewed = _not_reviewed(s, scope)

    matrix_rows: list[MatrixRow] = []
    for r in rows_codes:
        cells = []
        for g in groups:
            entries = []
            for c in subtree[r.guid]:
                segs, ppl, pct = figures(c.id, g.value)
                if segs or options.include_empty:
                    entries.append(
                        CellEntry(
                            c.guid, c.name, c.depth - options.rows_level - 1, segs, ppl, pct,
                            quotes.get((c.id, g.value), ()),
                        )
                    )  # fmt: skip
            segs, ppl, pct = figures(r.id, g.value)
            cells.append(
                MatrixCell(g.value, segs, ppl, pct, tuple(entries), quotes.get((r.id, g.value), ()))
            )
        if options.include_empty or any(c.segments for c in cells):
            matrix_rows.append(MatrixRow(r.guid, r.name, r.path, tuple(cells)))

    return ThemeMatrix(
        attribute=scope.attr_name,
        options=options,
        groups=groups,
        rows=tuple(matrix_rows),
        segments_counted=counted,
        segments_interviewer=interv,
        segments_no_participant=no_part,
        segments_no_group=no_group,
        segments_above_rows=above,
        codes=len(tree),
        segments_not_reviewed=not_reviewed,
        coders=tuple(scope.coder_names),
        documents=tuple(mask(d) for d in scope.doc_names),
        document_sets=tuple(scope.set_names),
        max_depth=max((c.depth for c in tree), default=0),
    )


# -- the segments behind the matrix -------------------------------------------------------------
@dataclass(frozen=True)
class MatrixSegment:
    """One counted segment in the long form (for pivot tables and the drill-down)."""

    path: tuple[str, ...]  # the code's path: theme, category, code …
    group: str
    participant: str
    document: str
    quote: str
    coder: str
    segment_guid: str
    is_exemplar: bool


def _subtree_ids(tree: list[CodeRecord], guid: str) -> list[int]:
    root = next((c for c in tree if c.guid == guid), None)
    if root is None:
        raise UserError("That code no longer exists.")
    n = len(root.path)
    return [c.id for c in tree if c.path[:n] == root.path and c.depth >= root.depth]


def matrix_segments(
    project: Project,
    options: MatrixOptions | None = None,
    *,
    code_guid: str | None = None,
    group: str | None = None,
) -> list[MatrixSegment]:
    """The segments the matrix counts, in document order, optionally only those behind one
    cell (``code_guid`` with its descendants, ``group`` an attribute value)."""
    options = options or MatrixOptions()
    with project.read() as s:
        scope = _scope(s, options)
        tree = load_tree(s)
        groups = _choose_groups(_group_sizes(s, scope), options, scope.attr_name)
        wanted = [g.value for g in groups]
        if group is not None:
            wanted = [v for v in wanted if v == group]
        spelling = _spellings(s, scope)
        stored = [raw for raw, v in spelling.items() if v in wanted]
        # The codes the matrix shows: those at the row level and below.
        path_of = {c.id: c.path for c in tree if c.depth >= options.rows_level}
        mask = name_masker(s, options.real_names)
        stmt = _counted_stmt(
            scope,
            Segment.guid, Segment.code_id, AttributeValue.value, Participant.pseudonym,
            Document.name.label("doc"), Coder.name.label("coder"), Segment.is_exemplar,
            quote_substr(Document.text, *own_turn_sql(
                Segment.start, Segment.end, Turn.id, Turn.start, Turn.end,
            )).label("text"),
        )  # fmt: skip
        stmt = (
            stmt.join(Document, Document.id == Segment.document_id)
            .join(Coder, Coder.id == Segment.coder_id)
            .where(AttributeValue.value.in_(stored))
        )
        if code_guid is not None:
            stmt = stmt.where(Segment.code_id.in_(_subtree_ids(tree, code_guid)))
        stmt = stmt.order_by(Document.position, Document.name, Segment.start, Segment.id)
        rows = s.execute(stmt).all()
    return [
        MatrixSegment(
            path=path_of[r.code_id], group=spelling[str(r.value)], participant=str(r.pseudonym),
            document=mask(str(r.doc)), quote=mask(str(r.text or "")), coder=str(r.coder),
            segment_guid=str(r.guid), is_exemplar=bool(r.is_exemplar),
        )
        for r in rows
        if r.code_id in path_of
    ]  # fmt: skip


def cell_segments(
    project: Project, options: MatrixOptions, row_guid: str, group: str
) -> list[SegmentRecord]:
    """The full records of the segments behind one cell (row code and descendants, one
    group), in document order — for the GUI drill-down."""
    guids = [
        m.segment_guid for m in matrix_segments(project, options, code_guid=row_guid, group=group)
    ]
    if not guids:
        return []
    with project.read() as s:
        out: list[SegmentRecord] = []
        for i in range(0, len(guids), 500):
            out.extend(query_segments(s, segment_guids=guids[i : i + 500]))
    order = {g: i for i, g in enumerate(guids)}
    return sorted(out, key=lambda r: order[r.guid])


# -- export ------------------------------------------------------------------------------------
EXPORT_SUFFIXES = (".docx", ".xlsx", ".csv", ".md")


def check_export_path(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UserError(
            f"Cannot write {Path(path).name}: the matrix can be saved as .docx, .xlsx, .csv or .md."
        )
    return suffix


def export_matrix(
    project: Project,
    options: MatrixOptions,
    path: Path,
    *,
    title: str | None = None,
    number: int = 1,
    landscape: bool | None = None,
) -> ThemeMatrix:
    """Compute the matrix and write it in the format the file name's extension names."""
    from qualframe.coding.export.matrix_csv import write_matrix_csv
    from qualframe.coding.export.matrix_docx import write_matrix_docx
    from qualframe.coding.export.matrix_md import write_matrix_md
    from qualframe.coding.export.matrix_xlsx import write_matrix_xlsx

    path = Path(path)
    suffix = check_export_path(path)
    matrix = build_matrix(project, options)
    if not matrix.groups:
        raise UserError(
            f'No participant has a value for "{matrix.attribute}", so the matrix has no columns.'
        )
    if suffix == ".docx":
        write_matrix_docx(matrix, path, title=title, number=number, landscape=landscape)
    elif suffix == ".md":
        write_matrix_md(matrix, path, title=title, number=number)
    else:
        segments = matrix_segments(project, options)
        if suffix == ".xlsx":
            write_matrix_xlsx(matrix, segments, path, title=title, number=number)
        else:
            write_matrix_csv(matrix, segments, path)
    return matrix


__all__ = [
    "COUNTING_RULE",
    "COUNT_KINDS",
    "CellEntry",
    "CellLine",
    "Group",
    "MatrixCell",
    "MatrixOptions",
    "MatrixRow",
    "MatrixSegment",
    "Quote",
    "ThemeMatrix",
    "build_matrix",
    "cell_lines",
    "cell_segments",
    "cell_text",
    "check_export_path",
    "counts_explanation",
    "default_title",
    "export_matrix",
    "format_counts",
    "group_label",
    "matrix_note",
    "matrix_segments",
    "quote_line",
]
