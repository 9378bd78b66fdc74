"""Survey exports: reading csv/xlsx, column typing, storage of answers and open-ended text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, import_files, preview_files
from qualframe.coding.importing.survey import detect_type, order_options
from qualframe.storage.models import Document, Participant, SurveyAnswer, SurveyItem
from tests.coding.test_import_fixtures import make_xlsx

CSV = """Mentoring survey;;;;;;
Exported 2024-06-01;;;;;;

respondent_id;role;year;sat;topics;hours;comment
R01; Mentor;4;4;Exams, Planning;3;Helpful, really.
R02;MENTEE;1;5;Exams;1.5;
;;;;;;
R03;mentee;2;;Planning, Stress;2;"Two lines
of answer."
R04;Mentee;1;2;Stress;0;Too rare.
"""


def test_csv_with_title_rows_semicolons_and_cp949(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "wave1.csv"
    raw = CSV.replace("Helpful, really.", "도움이 됐어요, 정말.").encode("cp949")
    path.write_bytes(raw)
    preview = preview_files([path], ImportOptions(group_column="role"))[0]
    assert preview.error is None, preview.error
    assert preview.encoding == "cp949" and preview.source == "csv, semicolon-separated"
    assert preview.respondents == 4 and preview.id_column == "respondent_id"
    assert preview.column_types == {
        "respondent_id": "id", "role": "attribute", "year": "attribute", "sat": "likert",
        "topics": "multiple", "hours": "number", "comment": "text",
    }  # fmt: skip
    assert preview.attribute_mapping == {
        "role": {"Mentor": "mentor", "MENTEE": "mentee", "Mentee": "mentee"}
    }
    report = import_files(
        project, [path], ImportOptions(group_column="role", attributes={"wave": "1"})
    )
    assert report.change.survey and report.documents == ["wave1: comment"]
    people = {p.pseudonym: p.attributes for p in list_participants(project)}
    assert people["R01"] == {"role": "mentor", "year": "4", "wave": "1"}
    assert people["R04"]["role"] == "mentee"
    with project.read() as s:
        items = {i.name: i for i in s.scalars(select(SurveyItem))}
        assert [items[n].position for n in ("respondent_id", "comment")] == [0, 6]
        # the scale is never guessed from the answers (issue 12): not stated here
        assert (items["sat"].scale_min, items["sat"].scale_max) == (None, None)
        assert items["topics"].options == ["Exams", "Planning", "Stress"]
        assert items["topics"].source_filename == "wave1.csv"
        answers = {
            (a.item_id, s.get(Participant, a.participant_id).pseudonym): a  # type: ignore[union-attr]
            for a in s.scalars(select(SurveyAnswer))
        }
        sat = items["sat"].id
        assert answers[(sat, "R02")].number == 5.0 and answers[(sat, "R02")].raw == "5"
        assert (sat, "R03") not in answers  # missing answer: no row
        topics = answers[(items["topics"].id, "R03")]
        assert topics.choices == ["Planning", "Stress"] and topics.raw == "Planning, Stress"
        assert answers[(items["hours"].id, "R02")].number == 1.5
        doc = s.scalar(select(Document).where(Document.name == "wave1: comment"))
        assert doc is not None and items["comment"].document_id == doc.id
        assert doc.kind == "survey" and doc.source_encoding == "cp949"
        assert doc.content_hash == hashlib.sha256(raw + b":comment").hexdigest()
    doc_rec = next(d for d in list_documents(project) if d.name == "wave1: comment")
    text = document_text(project, doc_rec.guid)
    assert text == "도움이 됐어요, 정말.\n\nTwo lines\nof answer.\n\nToo rare."
    turns = document_turns(project, doc_rec.guid)
    assert [(t.label, t.pseudonym, text[t.start : t.end]) for t in turns] == [
        ("R01", "R01", "도움이 됐어요, 정말."),
        ("R03", "R03", "Two lines\nof answer."),
        ("R04", "R04", "Too rare."),
    ]


def test_xlsx_title_merged_cells_numbers_as_text(project: Project, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "survey.xlsx")
    options = ImportOptions(group_column="Group", column_types={"Q2 topics": "multiple"})
    preview = preview_files([path], options)[0]
    assert preview.error is None, preview.error
    assert preview.source == "xlsx, sheet 'Responses'" and preview.respondents == 5
    assert preview.column_types == {
        "ID": "id", "Group": "attribute", "Q1 satisfaction": "likert", "Q2 topics": "multiple",
        "Age": "number", "Comments": "text",
    }  # fmt: skip
    import_files(project, [path], options)
    people = {p.pseudonym: p.attributes.get("Group") for p in list_participants(project)}
    # the merged B4:B5 gives S02 the group of S01
    assert people == {
        "S01": "mentor",
        "S02": "mentor",
        "S03": "mentee",
        "S04": "mentee",
        "S05": "mentee",
    }
    with project.read() as s:
        age = s.scalar(select(SurveyItem).where(SurveyItem.name == "Age"))
        assert age is not None
        rows = s.scalars(select(SurveyAnswer).where(SurveyAnswer.item_id == age.id))
        numbers = sorted(a.number or 0.0 for a in rows)
        assert numbers == [19.0, 20.0, 21.0, 23.0, 24.0]


def test_overrides_and_explicit_likert_scale(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,q1,q2\nA1,1,x\nA2,4,y\nA3,3,x\n", encoding="utf-8")
    preview = preview_files(
        [path], ImportOptions(column_types={"q1": "likert:1-4", "Q2": "ignore"})
    )[0]
    q1 = preview.columns[1]
    assert (q1.type, q1.detected, q1.scale_min, q1.scale_max) == ("likert", "likert", 1, 4)
    assert preview.columns[2].type == "ignore"
    bad = preview_files([path], ImportOptions(column_types={"q1": "likert:1-3"}))[0]
    assert bad.error == "s.csv has a value 4 outside the scale 1-3 in column 'q1'."
    with pytest.raises(UserError, match="not a column type"):
        preview_files([path], ImportOptions(column_types={"q1": "rating"}))
    warned = preview_files([path], ImportOptions(column_types={"nope": "text"}))[0]
    assert any("nope" in w for w in warned.warnings)


def test_type_detection_rules() -> None:
    assert detect_type("sat_overall", ["1", "5", "3", "4"]) == "likert"
    assert detect_type("age", ["21", "22", "23"]) == "number"
    assert detect_type("score", ["12.5", "80"]) == "number"
    assert detect_type("gender", ["female", "male", "Female "]) == "attribute"
    assert detect_type("year", ["1", "2", "6"]) == "attribute"
    assert (
        detect_type("place", ["Cafe", "Library", "Cafe", "Online", "Cafe", "Library"]) == "single"
    )
    assert detect_type("purposes", ["A; B", "B", "A; C", "C; B"]) == "multiple"
    prose = ["I liked it, mostly.", "Too rare, honestly.", "Great, thanks, really."]
    assert detect_type("comment", prose) == "text"
    assert detect_type("blank", []) == "ignore"
    assert order_options(["Weekly", "Monthly", "Less than monthly"]) == [
        "Less than monthly", "Monthly", "Weekly",
    ]  # fmt: skip
    assert order_options(["3 - often", "1 - never", "2 - sometimes"])[0] == "1 - never"
    assert order_options(["Cafe", "Library"]) == ["Cafe", "Library"]


def test_second_wave_reuses_items_and_refuses_clashing_types(
    project: Project, tmp_path: Path
) -> None:
    one = tmp_path / "w1.csv"
    two = tmp_path / "w2.csv"
    three = tmp_path / "w3.csv"
    one.write_text("id,sat,note\nA1,4,ok then\nA2,5,fine by me\n", encoding="utf-8")
    two.write_text("id,sat,note\nB1,3,meh really\nB2,2,not great\n", encoding="utf-8")
    three.write_text("id,sat\nC1,lots\nC2,none\n", encoding="utf-8")
    import_files(project, [one, two], ImportOptions(column_types={"note": "text"}))
    with project.read() as s:
        assert len(list(s.scalars(select(SurveyItem)))) == 3
        assert len(list(s.scalars(select(SurveyAnswer)))) == 4
    assert [d.name for d in list_documents(project)] == ["w1: note", "w2: note"]
    with pytest.raises(UserError, match=r"^w3\.csv has a column 'sat' of type single"):
        import_files(project, [three], ImportOptions())
