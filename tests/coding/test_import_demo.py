"""The demo builder's exact calls work on the shipped demo files."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.participants import attribute_values, list_participants
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.resources import DEMO_DATA

DEMO = DEMO_DATA


def test_demo_files_import_as_the_demo_builder_calls_them(project: Project) -> None:
    for name, role in (
        ("fgi_mentees.txt", "mentee"),
        ("fgi_mentors.txt", "mentor"),
        ("fgi_korean_cp949.txt", "mentee"),
    ):
        import_files(project, [DEMO / name], ImportOptions(attributes={"role": role}))
    report = import_files(
        project,
        [DEMO / "survey.csv"],
        ImportOptions(kind="survey", id_column="respondent_id", group_column="role"),
    )
    f = report.files[0]
    assert f.respondents == 20
    assert f.attribute_mapping["role"] == {
        "MENTEE": "mentee", "Mentor": "mentor", "Mentee": "mentee", "MENTOR": "mentor",
    }  # fmt: skip
    docs = {d.name: d for d in list_documents(project)}
    assert set(docs) == {
        "fgi_mentees", "fgi_mentors", "fgi_korean_cp949",
        "survey: best_experience", "survey: suggestions",
    }  # fmt: skip
    assert docs["fgi_korean_cp949"].source_encoding == "cp949"
    assert attribute_values(project, "role") == ["mentee", "mentor"]
    people = {p.pseudonym: p for p in list_participants(project)}
    assert {f"E{i}" for i in range(1, 9)} | {f"M{i}" for i in range(1, 6)} <= set(people)
    assert people["E6"].real_name == "김민지"
    assert people["R04"].attributes["role"] == "mentor"
    text = document_text(project, docs["fgi_mentees"].guid)
    turns = document_turns(project, docs["fgi_mentees"].guid)
    assert all(text[t.start : t.label_end].endswith(":") for t in turns)
    assert [t.label for t in turns if t.is_interviewer] == ["Moderator"] * 11
    # every quote of the coding plan lies inside one speaker turn of its document
    import json

    plan = json.loads((DEMO / "coding_plan.json").read_text(encoding="utf-8"))
    for entry in plan:
        doc = docs[Path(entry["document"]).stem]
        body = document_text(project, doc.guid)
        at = body.index(entry["quote"])
        assert any(t.start <= at < t.end for t in document_turns(project, doc.guid)), entry
