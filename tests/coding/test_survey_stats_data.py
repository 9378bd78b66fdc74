"""Builders for survey tests: survey data written straight through the ORM (no importer).

The storage contract: respondents are Participants with attributes; each column a SurveyItem;
each closed answer packed into the respondent's response row (``survey_answers.add_answer``);
open-ended answers are Turns of a "survey" Document, coded
with Segments that carry the turn id. This module holds no tests.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from qualframe.coding.codebook.edits import ensure_path_in
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import sha256_hex
from qualframe.coding.corpus.participants import ParticipantData, upsert_participant_in
from qualframe.coding.corpus.survey_answers import StoredAnswer, add_answer, iter_answers
from qualframe.resources import DEMO_DATA
from qualframe.storage.models import Document, Segment, SurveyItem, Turn

Value = float | int | str | list[str] | None


@dataclass
class Item:
    name: str
    type: str
    answers: Mapping[str, Value] = field(default_factory=dict)  # respondent -> answer
    options: Sequence[str] | None = None
    scale: tuple[int, int] | None = None


def add_survey(
    project: Project,
    respondents: Mapping[str, Mapping[str, str]],
    items: Sequence[Item],
    *,
    codes: Sequence[tuple[str, str, str]] = (),  # (text item, respondent, code path)
    source: str = "survey.csv",
) -> None:
    """Store respondents (with attributes), items and answers; code open answers."""
    with project.write() as s:
        people = {
            rid: upsert_participant_in(s, ParticipantData(rid, attributes=dict(attrs)))
            for rid, attrs in respondents.items()
        }
        for pos, spec in enumerate(items):
            item = SurveyItem(
                name=spec.name,
                type=spec.type,
                options=list(spec.options) if spec.options is not None else None,
                scale_min=spec.scale[0] if spec.scale else None,
                scale_max=spec.scale[1] if spec.scale else None,
                position=pos,
                source_filename=source,
            )
            s.add(item)
            s.flush()
            if spec.type == "text":
                _add_open_answers(s, item, spec, people, codes, project)
                continue
            for rid, value in spec.answers.items():
                _answer(s, item, people[rid].id, rid, spec.type, value)
        s.flush()


def _answer(s, item: SurveyItem, pid: int, rid: str, type_: str, value: Value) -> None:  # type: ignore[no-untyped-def]
    if value is None:
        add_answer(s, item, pid, None, respondent_id=rid)
    elif type_ in ("likert", "number"):
        assert isinstance(value, int | float)
        add_answer(s, item, pid, str(value), float(value), respondent_id=rid)
    elif type_ == "single":
        assert isinstance(value, str)
        add_answer(s, item, pid, value, None, [value], respondent_id=rid)
    else:
        assert isinstance(value, list)
        add_answer(s, item, pid, "; ".join(value), None, list(value), respondent_id=rid)


def _add_open_answers(s, item, spec, people, codes, project):  # type: ignore[no-untyped-def]
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    for rid, text in spec.answers.items():
        if not text:
            continue
        assert isinstance(text, str)
        spans[rid] = (pos, pos + len(text))
        parts.append(text)
        pos += len(text) + 2
    body = "\n\n".join(parts)
    doc = Document(
        name=f"Survey: {spec.name}",
        kind="survey",
        text=body,
        length=len(body),
        content_hash=sha256_hex(spec.name + body),
        text_hash=sha256_hex(body),
    )
    s.add(doc)
    s.flush()
    item.document_id = doc.id
    turn_ids = {}
    for rid, (a, b) in spans.items():
        t = Turn(
            document_id=doc.id,
            participant_id=people[rid].id,
            survey_item_id=item.id,
            start=a,
            end=b,
            label=rid,
        )
        s.add(t)
        s.flush()
        turn_ids[rid] = t.id
    coder = project.coder_id(s)
    for text_item, rid, path in codes:
        if text_item != spec.name:
            continue
        code, _ = ensure_path_in(s, "tester", path, create=True)
        a, b = spans[rid]
        s.add(
            Segment(
                document_id=doc.id,
                code_id=code.id,
                coder_id=coder,
                turn_id=turn_ids[rid],
                start=a,
                end=min(b, a + 5),
            )
        )


def answers_of(project: Project, item: str) -> list[StoredAnswer]:
    with project.read() as s:
        it = s.scalar(select(SurveyItem).where(SurveyItem.name == item))
        assert it is not None
        return list(iter_answers(s, item_id=it.id))


DEMO_SURVEY = DEMO_DATA / "survey.csv"
DEMO_TYPES = {
    "meeting_frequency": ("single", ["Weekly", "Every two weeks", "Monthly", "Less than monthly"]),
    "meeting_place": ("single", None),
    "purposes": ("multiple", None),
    "best_experience": ("text", None),
    "suggestions": ("text", None),
}


def load_demo_survey(project: Project, path: Path = DEMO_SURVEY) -> None:
    """The demo survey stored by hand (independent of the importer): role normalised,
    ``; ``-separated multiple choices, Likert 1–5, blanks as missing."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    people = {
        r["respondent_id"]: {
            "role": r["role"].strip().lower(),
            "gender": r["gender"].strip(),
            "year": r["year"].strip(),
        }
        for r in rows
    }
    items = [Item("respondent_id", "id")]
    for name in rows[0]:
        if name in ("respondent_id", "role", "gender", "year"):
            continue
        type_, options = DEMO_TYPES.get(name, ("likert", None))
        answers: dict[str, Value] = {}
        for r in rows:
            raw = r[name].strip()
            if not raw:
                continue
            if type_ == "likert":
                answers[r["respondent_id"]] = float(raw)
            elif type_ == "multiple":
                answers[r["respondent_id"]] = [c.strip() for c in raw.split(";") if c.strip()]
            else:
                answers[r["respondent_id"]] = raw
        items.append(
            Item(name, type_, answers, options=options, scale=(1, 5) if type_ == "likert" else None)
        )
    add_survey(project, people, items, source=path.name)


DEMO_CODING = {  # invented coding of the demo's open answers: keyword -> code path
    "best_experience": {
        "exam": "Benefits/Exam help",
        "midterm": "Benefits/Exam help",
        "passed": "Benefits/Exam help",
        "grade": "Benefits/Exam help",
        "listened": "Benefits/Emotional support",
        "overwhelmed": "Benefits/Emotional support",
        "friend": "Benefits/Emotional support",
        "close to": "Benefits/Emotional support",
        "explaining": "Benefits/Learning by teaching",
        "review of": "Benefits/Learning by teaching",
        "confident": "Benefits/Seeing the mentee grow",
        "understand": "Benefits/Seeing the mentee grow",
    },
    "suggestions": {
        "handbook": "Suggestions/Guidelines and training",
        "guidelines": "Suggestions/Guidelines and training",
        "orientation": "Suggestions/Guidelines and training",
        "training": "Suggestions/Guidelines and training",
        "match": "Suggestions/Better matching",
        "voluntary": "Suggestions/Keep it voluntary",
        "more meetings": "Suggestions/More meetings",
        "too rare": "Suggestions/More meetings",
        "more often": "Suggestions/More meetings",
        "check in": "Suggestions/Coordinator support",
        "calendar": "Suggestions/Coordinator support",
    },
}


def code_demo_answers(project: Project) -> int:
    """Code the demo's open answers by keyword (whole answer); returns the segments added."""
    added = 0
    with project.write() as s:
        coder = project.coder_id(s)
        for item_name, rules in DEMO_CODING.items():
            item = s.scalar(select(SurveyItem).where(SurveyItem.name == item_name))
            assert item is not None and item.document_id is not None
            doc = s.get(Document, item.document_id)
            assert doc is not None
            for turn in s.scalars(select(Turn).where(Turn.survey_item_id == item.id)):
                text = doc.text[turn.start : turn.end].casefold()
                paths = dict.fromkeys(p for k, p in rules.items() if k in text)
                for path in paths:
                    code, _ = ensure_path_in(s, "demo", path, create=True)
                    s.add(
                        Segment(
                            document_id=doc.id, code_id=code.id, coder_id=coder,
                            turn_id=turn.id, start=turn.start, end=turn.end,
                        )
                    )  # fmt: skip
                    added += 1
    return added
