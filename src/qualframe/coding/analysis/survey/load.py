"""Reading the survey from a project (the only SQL of the survey tables)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from qualframe.coding.analysis.formatting import natural_key
from qualframe.coding.analysis.survey.data import CHOICE_TYPES, Answer, ItemInfo, SurveyData
from qualframe.coding.analysis.survey.tables import SurveyTables, check_decimals, compute_tables
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Document,
    Participant,
    Segment,
    SurveyAnswer,
    SurveyItem,
    Turn,
)


def _is_missing(item_type: str, a: SurveyAnswer) -> bool:
    if item_type in CHOICE_TYPES:
        return not a.choices
    if item_type in ("likert", "number"):
        return a.number is None or not math.isfinite(a.number)
    return a.raw is None or not a.raw.strip()


def load_survey(project: Project, by: str | None = None, *, real_names: bool = False) -> SurveyData:
    """Read the survey (items, respondents, answers, coded open answers) in one transaction.

    Participants' real names in the answers' text are replaced by their pseudonyms (see
    :mod:`coding.privacy`) unless ``real_names``, so no table or sheet can carry them."""
    with project.read() as s:
        mask = name_masker(s, real_names)
        items_orm = list(s.scalars(select(SurveyItem).order_by(SurveyItem.position, SurveyItem.id)))
        people = {
            p.id: p.pseudonym
            for p in s.scalars(select(Participant).where(Participant.is_interviewer.is_(False)))
        }
        item_by_id = {it.id: it for it in items_orm}
        answers: dict[str, dict[str, Answer]] = {it.name: {} for it in items_orm}
        respondents: set[str] = set()
        for a in s.scalars(select(SurveyAnswer)):
            it = item_by_id.get(a.item_id)
            who = people.get(a.participant_id)
            if it is None or who is None:
                continue
            respondents.add(who)
            if _is_missing(it.type, a):
                continue
            answers[it.name][who] = Answer(
                raw=mask(a.raw) if a.raw is not None else None,
                number=float(a.number) if a.number is not None else None,
                choices=tuple(mask(str(c)) for c in (a.choices or [])),
            )
        # open-ended answers: survey turns
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
            if it is None or who is None or t.end <= t.start:
                continue
            respondents.add(who)
            open_answers[it.name].add(who)
            turn_owner[t.id] = (it.name, who)
            turns_by_doc[t.document_id].append(t)
        # coded segments on those answers (code and its ancestors count as raised)
        tree = load_tree(s)
        by_id = {c.id: c for c in tree}
        by_guid = {c.guid: c for c in tree}
        raised: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        used: set[str] = set()
        segs = s.execute(
            select(Segment.code_id, Segment.turn_id, Segment.document_id, Segment.start)
            .join(Document, Document.id == Segment.document_id)
            .where(Document.kind == "survey")
        ).all()
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
        # grouping attribute
        group_of: dict[str, str | None] = {r: None for r in respondents}
        if by is not None:
            names = list(s.scalars(select(Attribute.name).order_by(Attribute.position)))
            match = [n for n in names if n.casefold() == by.strip().casefold()]
            if not match:
                listed = ", ".join(names) if names else "none"
                raise UserError(
                    f"There is no attribute called {by!r}; the attributes are: {listed}."
                )
            by = match[0]
            rows = s.execute(
                select(AttributeValue.participant_id, AttributeValue.value)
                .join(Attribute, Attribute.id == AttributeValue.attribute_id)
                .where(Attribute.name == by)
            ).all()
            for pid, value in rows:
                who = people.get(pid)
                if who in group_of and value is not None and str(value).strip():
                    group_of[who] = str(value).strip()
        infos = []
        for it in items_orm:
            answered = (
                len(open_answers.get(it.name, ())) if it.type == "text" else len(answers[it.name])
            )
            infos.append(
                ItemInfo(
                    name=it.name, type=it.type, position=it.position, scale_min=it.scale_min,
                    scale_max=it.scale_max,
                    options=tuple(mask(str(o)) for o in it.options) if it.options else None,
                    answered=answered, source_filename=it.source_filename,
                )
            )  # fmt: skip
    return SurveyData(
        items=infos,
        respondents=sorted(respondents, key=natural_key),
        group_of=group_of,
        by=by,
        answers=answers,
        open_answers={k: set(v) for k, v in open_answers.items()},
        codes=codes,
        raised={k: {w: set(c) for w, c in v.items()} for k, v in raised.items()},
    )


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
) -> SurveyTables:
    """Load the survey from ``project`` and compute its tables (participants' real names in
    answer texts replaced by pseudonyms unless ``real_names``).

    Raises :class:`UserError` when the project has no survey, or names an unknown item or
    attribute (naming what exists).
    """
    check_decimals(percent_decimals, p_decimals)
    data = load_survey(project, by, real_names=real_names)
    if not data.items or not data.respondents:
        raise UserError(
            f"The project {project.name} has no survey answers; import a survey file first."
        )
    return compute_tables(data, items, percent_decimals=percent_decimals, p_decimals=p_decimals)
