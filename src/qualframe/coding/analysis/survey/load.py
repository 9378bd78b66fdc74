"""Reading the survey from a project (the only SQL of the survey tables)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.formatting import choose_spellings, natural_key, value_key
from qualframe.coding.analysis.survey.data import CHOICE_TYPES, Answer, ItemInfo, SurveyData
from qualframe.coding.analysis.survey.tables import SurveyTables, check_decimals, compute_tables
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.survey_answers import iter_packed, unpack
from qualframe.coding.review.status import check_mode, reviewed_clause
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Coder,
    Document,
    Participant,
    Segment,
    SurveyItem,
    SurveyResponse,
    Turn,
)


def _is_missing(item_type: str, raw: str | None, number: float | None, choices: Any) -> bool:
    if item_type in CHOICE_TYPES:
        return not choices
    if item_type in ("likert", "number"):
        return number is None or not math.isfinite(number)
    return raw is None or not raw.strip()


INCOMPLETE_CHOICES = ("exclude", "include")


def _statuses(s: Session, people: dict[int, str]) -> dict[str, set[str]]:
    """Each respondent's response statuses (over all survey files)."""
    out: dict[str, set[str]] = defaultdict(set)
    for pid, status in s.execute(select(SurveyResponse.participant_id, SurveyResponse.status)):
        who = people.get(pid)
        if who is not None:
            out[who].add(str(status))
    return out


def _sort_out(
    statuses: dict[str, set[str]], incomplete: str
) -> tuple[set[str], set[str], dict[str, int], dict[str, int]]:
    """(counted respondents, left-out respondents, left out by status, incomplete included).
    A respondent counts when one of their responses is complete (or, with ``include``,
    incomplete); preview responses never count."""
    counted, left = set(), set()
    excluded: dict[str, int] = defaultdict(int)
    included: dict[str, int] = defaultdict(int)
    for who, st in statuses.items():
        if "complete" in st:
            counted.add(who)
        elif "incomplete" in st and incomplete == "include":
            counted.add(who)
            included["incomplete"] += 1
        else:
            left.add(who)
            excluded["preview" if st == {"preview"} else "incomplete"] += 1
    return counted, left, dict(excluded), dict(included)


def _closed(
    s: Session, item_by_id: dict[int, Any], people: dict[int, str], left: set[str], mask: Any
) -> tuple[dict[str, dict[str, Answer]], set[str]]:
    """Each item's answers by respondent, and who holds any closed answer. Identical answers
    share one (immutable) :class:`Answer`: a Likert item of 50,000 answers has five."""
    answers: dict[str, dict[str, Answer]] = {it.name: {} for it in item_by_id.values()}
    wanted = {
        str(i): (answers[it.name], str(it.type)) for i, it in item_by_id.items()
        if it.type != "ignore"
    }  # fmt: skip
    holders: set[str] = set()
    made: dict[tuple[Any, ...], Answer | None] = {}
    for pid, packed in iter_packed(s):
        who = people.get(pid)
        if who is None or who in left:
            continue
        for key, e in packed.items():
            target = wanted.get(key)
            if target is None:
                continue
            holders.add(who)
            by_who, type_ = target
            raw, number, choices = unpack(e)
            memo = (type_, raw, number, tuple(choices) if choices is not None else None)
            if memo in made:
                answer = made[memo]
            else:
                answer = made[memo] = _answer(type_, raw, number, choices, mask)
            if answer is not None:
                by_who[who] = answer
    return answers, holders


def _answer(
    type_: str, raw: str | None, number: float | None, choices: Any, mask: Any
) -> Answer | None:
    if _is_missing(type_, raw, number, choices):
        return None
    return Answer(
        raw=mask(raw) if raw is not None else None,
        number=float(number) if number is not None else None,
        choices=tuple(mask(str(c)) for c in (choices or ())),
    )


def _open(
    s: Session, item_by_id: dict[int, Any], people: dict[int, str], left: set[str]
) -> tuple[dict[str, set[str]], dict[int, tuple[str, str]], dict[int, list[Any]]]:
    turns = s.execute(
        select(Turn.id, Turn.document_id, Turn.participant_id, Turn.survey_item_id,
               Turn.start, Turn.end)
        .join(Document, Document.id == Turn.document_id)
        .where(Document.kind == "survey", Turn.survey_item_id.is_not(None))
    ).all()  # fmt: skip
    open_answers: dict[str, set[str]] = defaultdict(set)
    turn_owner: dict[int, tuple[str, str]] = {}
    turns_by_doc: dict[int, list[Any]] = defaultdict(list)
    for t in turns:
        it = item_by_id.get(t.survey_item_id)
        who = people.get(t.participant_id) if t.participant_id is not None else None
        if it is None or who is None or who in left or t.end <= t.start:
            continue
        open_answers[it.name].add(who)
        turn_owner[t.id] = (it.name, who)
        turns_by_doc[t.document_id].append(t)
    return open_answers, turn_owner, turns_by_doc


def _coder_ids(s: Session, names: Sequence[str]) -> tuple[list[int], tuple[str, ...]]:
    """The coders called ``names`` (case aside), as stored; an unknown name is refused."""
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
    return ids, tuple(dict.fromkeys(shown))


def _raised(
    s: Session,
    turn_owner: dict[int, tuple[str, str]],
    turns_by_doc: dict[int, list[Any]],
    coder_ids: list[int] | None = None,
    reviewed: str = "all",
) -> tuple[dict[str, dict[str, set[str]]], list[tuple[str, int]], int]:
    """Codes raised per open-ended item and respondent (a code counts for its ancestors),
    from the segments of ``coder_ids`` only when given, and how many of those coded answer
    segments the review filter ``reviewed`` left out."""
    tree = load_tree(s)
    by_id = {c.id: c for c in tree}
    by_guid = {c.guid: c for c in tree}
    raised: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    used: set[str] = set()
    seg_stmt = (
        select(Segment.code_id, Segment.turn_id, Segment.document_id, Segment.start)
        .join(Document, Document.id == Segment.document_id)
        .where(Document.kind == "survey")
    )
    if coder_ids is not None:
        seg_stmt = seg_stmt.where(Segment.coder_id.in_(coder_ids))
    clause = reviewed_clause(reviewed)
    every = len(s.execute(seg_stmt).all()) if clause is not None else 0
    segs = s.execute(seg_stmt if clause is None else seg_stmt.where(clause)).all()
    for seg in segs:
        owner = turn_owner.get(seg.turn_id) if seg.turn_id is not None else None
        if owner is None:  # fall back to the turn that contains the segment
            for t in turns_by_doc.get(seg.document_id, []):
                if t.start <= seg.start < t.end and t.id in turn_owner:
                    owner = turn_owner[t.id]
                    break
        code = by_id.get(seg.code_id)
        if owner is None or code is None:
            continue
        item_name, who = owner
        node: Any = code
        while node is not None:
            raised[item_name][who].add(node.path_text)
            used.add(node.path_text)
            node = by_guid.get(node.parent_guid) if node.parent_guid else None
    codes = [(c.path_text, c.depth) for c in tree if c.path_text in used]
    raised_sets = {k: {w: set(c) for w, c in v.items()} for k, v in raised.items()}
    return raised_sets, codes, every - len(segs) if clause is not None else 0


def _grouping(
    s: Session, by: str | None, people: dict[int, str], respondents: set[str]
) -> tuple[dict[str, str | None], str | None]:
    """Each respondent's group. Values differing only in case or spacing are one group,
    spelled as most participants holding it spell it (ties: lower case, then sorted) — the
    theme matrix's rule, so every table names a group alike."""
    group_of: dict[str, str | None] = {r: None for r in respondents}
    if by is None:
        return group_of, None
    names = list(s.scalars(select(Attribute.name).order_by(Attribute.position)))
    match = [n for n in names if n.casefold() == by.strip().casefold()]
    if not match:
        listed = ", ".join(names) if names else "none"
        raise UserError(f"There is no attribute called {by!r}; the attributes are: {listed}.")
    rows = s.execute(
        select(AttributeValue.participant_id, AttributeValue.value)
        .join(Attribute, Attribute.id == AttributeValue.attribute_id)
        .join(Participant, Participant.id == AttributeValue.participant_id)
        .where(Attribute.name == match[0], Participant.is_interviewer.is_(False))
    ).all()
    counts: dict[str, int] = defaultdict(int)
    for _, value in rows:
        if str(value).strip():
            counts[str(value)] += 1
    spelling = choose_spellings(counts)
    for pid, value in rows:
        who = people.get(pid)
        if who in group_of and str(value).strip():
            group_of[who] = spelling[str(value)]
    return group_of, match[0]


def _restrict(data: SurveyData, groups: Sequence[str]) -> None:
    """Keep the respondents of ``groups`` (in that order); the others are left out, counted."""
    values = sorted({g for g in data.group_of.values() if g is not None}, key=natural_key)
    chosen: list[str] = []
    for wanted in groups:
        hit = next((v for v in values if value_key(v) == value_key(wanted)), None)
        if hit is None:
            known = ", ".join(values) or "none"
            raise UserError(f'No respondent has {data.by} "{wanted.strip()}" (values: {known}).')
        if hit not in chosen:
            chosen.append(hit)
    keep = [r for r in data.respondents if data.group_of.get(r) in chosen]
    left = len(data.respondents) - len(keep)
    if left:
        data.excluded["other groups"] = left
    data.respondents = keep
    data.group_of = {r: data.group_of[r] for r in keep}
    data.group_order = chosen
    kept = set(keep)
    data.answers = {i: {w: a for w, a in d.items() if w in kept} for i, d in data.answers.items()}
    data.open_answers = {i: {w for w in v if w in kept} for i, v in data.open_answers.items()}
    data.raised = {i: {w: c for w, c in d.items() if w in kept} for i, d in data.raised.items()}


def load_survey(
    project: Project,
    by: str | None = None,
    *,
    real_names: bool = False,
    incomplete: str = "exclude",
    groups: Sequence[str] | None = None,
    test: str = "auto",
    coders: Sequence[str] | None = None,
    reviewed: str = "all",
) -> SurveyData:
    """Read the survey (items, respondents, answers, coded open answers) in one transaction.
    ``coders`` (names) limits the coded themes to those coders' segments (none: nobody's).

    Respondents are the rows of the imported survey files (a row blank but for its id and
    group counts, with every item missing); incomplete responses count only with
    ``incomplete="include"``, preview responses never. Participants' real names in the
    answers' text are replaced by their pseudonyms (see :mod:`coding.privacy`) unless
    ``real_names``, so no table or sheet can carry them. With ``reviewed`` ("agreed", "any")
    only coded segments passing that review filter count."""
    reviewed = check_mode(reviewed)
    if incomplete not in INCOMPLETE_CHOICES:
        raise UserError(f"{incomplete!r}: incomplete responses are included or excluded.")
    with project.read() as s:
        mask = name_masker(s, real_names)
        items_orm = list(s.scalars(select(SurveyItem).order_by(SurveyItem.position, SurveyItem.id)))
        people = {
            p.id: p.pseudonym
            for p in s.scalars(select(Participant).where(Participant.is_interviewer.is_(False)))
        }
        item_by_id = {it.id: it for it in items_orm}
        statuses = _statuses(s, people)
        counted, left, excluded, included = _sort_out(statuses, incomplete)
        answers, holders = _closed(s, item_by_id, people, left, mask)
        open_answers, turn_owner, turns_by_doc = _open(s, item_by_id, people, left)
        coder_ids, coder_names = _coder_ids(s, coders) if coders is not None else (None, None)
        raised, codes, not_reviewed = _raised(s, turn_owner, turns_by_doc, coder_ids, reviewed)
        # projects whose answers came without response rows: whoever answered responded
        respondents = counted | {
            w for w in holders | {r for v in open_answers.values() for r in v}
            if w not in statuses
        }  # fmt: skip
        group_of, by = _grouping(s, by, people, respondents)
        infos = [_info(it, answers, open_answers, mask) for it in items_orm]
    data = SurveyData(
        items=infos, respondents=sorted(respondents, key=natural_key), group_of=group_of,
        by=by, answers=answers, open_answers={k: set(v) for k, v in open_answers.items()},
        codes=codes, raised=raised, excluded=excluded, included_incomplete=included, test=test,
        coders=coder_names, reviewed=reviewed, not_reviewed=not_reviewed,
    )  # fmt: skip
    if groups:
        if by is None:
            raise UserError("--groups needs a grouping attribute (--by).")
        _restrict(data, groups)
    return data


def _info(
    it: Any, answers: dict[str, dict[str, Answer]], open_answers: dict[str, set[str]], mask: Any
) -> ItemInfo:
    answered = len(open_answers.get(it.name, ())) if it.type == "text" else len(answers[it.name])
    return ItemInfo(
        name=it.name, type=it.ignored_as or it.type, position=it.position,
        scale_min=it.scale_min, scale_max=it.scale_max,
        options=tuple(mask(str(o)) for o in it.options) if it.options else None,
        answered=answered, source_filename=it.source_filename, label=it.label,
        scale_source=it.scale_source, members=tuple(it.columns) if it.columns else None,
        reversed=bool(it.reversed), guid=it.guid, stored_type=it.type,
        value_labels=(
            tuple((str(lab), int(pt)) for lab, pt in it.value_labels) if it.value_labels else None
        ),
    )  # fmt: skip


PREFERRED_GROUPS = ("role", "group")


def default_group(project: Project) -> str | None:
    """The attribute to group by when the user did not choose one (``role`` if present)."""
    from qualframe.coding.corpus.participants import attribute_names

    names = attribute_names(project)
    for wanted in PREFERRED_GROUPS:
        match = next((n for n in names if n.casefold() == wanted), None)
        if match is not None:
            return match
    return None


def survey_tables(
    project: Project,
    by: str | None = None,
    items: Sequence[str] | None = None,
    *,
    percent_decimals: int = 0,
    p_decimals: int = 3,
    real_names: bool = False,
    groups: Sequence[str] | None = None,
    test: str = "auto",
    incomplete: str = "exclude",
    coders: Sequence[str] | None = None,
    reviewed: str = "all",
) -> SurveyTables:
    """Load the survey from ``project`` and compute its tables (participants' real names in
    answer texts replaced by pseudonyms unless ``real_names``).

    Raises :class:`UserError` when the project has no survey, or names an unknown item or
    attribute (naming what exists).
    """
    check_decimals(percent_decimals, p_decimals)
    from qualframe.coding.analysis.survey.significance import TESTS

    if test not in TESTS:
        raise UserError(f"{test!r} is not a test; use one of {', '.join(TESTS)}.")
    data = load_survey(
        project, by, real_names=real_names, incomplete=incomplete, groups=groups, test=test,
        coders=coders, reviewed=reviewed,
    )  # fmt: skip
    if not data.items or not data.respondents:
        raise UserError(
            f"The project {project.name} has no survey answers; import a survey file first."
        )
    return compute_tables(data, items, percent_decimals=percent_decimals, p_decimals=p_decimals)
