"""The wrong numbers of issue 12: each case here gave a wrong figure without a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.analysis.survey import mann_whitney, survey_tables
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, import_files, preview_files
from tests.coding.helpers import add_transcript


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_multiple_choice_preview_and_storage_agree(project: Project, tmp_path: Path) -> None:
    # one answer holds ";": the old storage split every answer on ";" and the preview on ","
    path = _csv(
        tmp_path,
        "m.csv",
        'id,where\nA,"Cafe, Library"\nB,"Cafe; Online"\nC,Cafe\nD,"Cafe, Online"\n',
    )
    preview = preview_files([path], ImportOptions(column_types={"where": "multiple"}))[0]
    import_files(project, [path], ImportOptions(column_types={"where": "multiple"}))
    t = survey_tables(project, by=None).to_json()
    f = t["frequencies"][0]
    assert f["options"] == preview.columns[1].options
    assert f["overall"]["options"]["Cafe"]["n"] == 4  # four respondents chose Cafe


def test_group_values_differing_in_case_are_one_group(project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, "g.csv", "id,team,sat\nA,Mentor,4\nB,mentor ,5\nC,mentee,3\nD,Mentee,2\n")
    import_files(project, [path], ImportOptions(column_types={"team": "attribute"}))
    t = survey_tables(project, by="team").to_json()
    assert len(t["n"]) == 3 and t["n"]["total"] == 4  # total + two groups, not four


def test_transcript_attribute_is_not_silently_overwritten(project: Project, tmp_path: Path) -> None:
    add_transcript(project, "fgi", [("M1", "I guided two juniors.")], roles={"M1": "mentor"})
    path = _csv(tmp_path, "s.csv", "id,role,sat\nM1,mentee,4\nR2,mentee,5\n")
    preview = preview_files([path], ImportOptions(), project)[0]
    assert preview.conflicts == ["M1: role is 'mentor' in the project, 'mentee' in the file"]
    with pytest.raises(ImportRefused, match="would change an attribute"):
        import_files(project, [path], ImportOptions())
    import_files(project, [path], ImportOptions(on_conflict="keep"))
    roles = {p.pseudonym: p.attributes.get("role") for p in list_participants(project)}
    assert roles == {"M1": "mentor", "R2": "mentee"}


def test_blank_row_counts_in_n(project: Project, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "b.csv",
        "id,role,sat,where\nA,mentor,4,Cafe\nB,mentee,5,Library\nC,mentee,,\nD,mentor,3,Cafe\nE,mentee,2,Cafe\n",
    )
    import_files(project, [path], ImportOptions())
    t = survey_tables(project, by="role").to_json()
    assert t["n"]["total"] == 5  # C answered nothing but is a respondent of the file
    assert t["likert"][0]["overall"]["missing"] == 1


def test_identical_answers_do_not_give_p_one() -> None:
    res = mann_whitney([3, 3, 3], [3, 3])
    assert res.p is None and res.reason == "the answers do not vary"


def test_scale_is_not_inferred_from_the_answers(project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path, "s7.csv", "id,sat\nA,1\nB,6\nC,4\n")  # a 7-point item nobody rated 7
    preview = preview_files([path], ImportOptions())[0]
    assert (preview.columns[1].scale_min, preview.columns[1].scale_max) == (None, None)
    declared = preview_files([path], ImportOptions(column_types={"sat": "likert:1-7"}))[0]
    assert (declared.columns[1].scale_min, declared.columns[1].scale_max) == (1, 7)


def test_checkbox_and_metadata_columns_are_not_likert(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "c.csv",
        "id,agreed,lastpage,Progress,sat\nA,1,3,100,4\nB,0,3,100,5\nC,1,2,100,3\n",
    )
    cols = {c.name: c.type for c in preview_files([path], ImportOptions())[0].columns}
    assert cols["agreed"] == "single" and cols["lastpage"] == "metadata"
    assert cols["Progress"] == "metadata" and cols["sat"] == "likert"


def test_sentence_like_answers_are_open_text(tmp_path: Path) -> None:
    answers = [
        "A fixed meeting schedule, and mentees should join voluntarily.",
        "More structure, please.",
        "Training for mentors before the first meeting.",
        "Nothing, it was fine.",
    ]
    body = "".join(f'R{i},"{a}"\n' for i, a in enumerate(answers))
    path = _csv(tmp_path, "open.csv", "id,suggestions\n" + body)
    assert preview_files([path], ImportOptions())[0].columns[1].type == "text"


def test_project_spelling_of_group_values_wins(project: Project, tmp_path: Path) -> None:
    add_transcript(project, "fgi", [("M1", "Hello.")], roles={"M1": "mentor"})
    path = _csv(tmp_path, "r.csv", "id,Role,sat\nR1,MENTEE,4\nR2,Mentor,5\nR3,MENTOR,4\n")
    preview = preview_files([path], ImportOptions(), project)[0]
    assert preview.attribute_mapping["Role"]["Mentor"] == "mentor"
    assert preview.attribute_mapping["Role"]["MENTOR"] == "mentor"
