"""The wrong numbers of issue 12: each case here gave a wrong figure without a warning.

Each was shown to fail before the fix: its assertions, restated where needed with an API
main also has, were run against main's source (commit aa6b059, ``git archive main src`` into
a scratch folder outside the repository, put first on PYTHONPATH). What main gave:

1. multiple choice with one ``;`` answer: "Cafe" counted 2 times, not 4; "Cafe, Library" and
   "Cafe, Online" invented as options.
2. group spellings (strengthened: the values now differ in storage, "Mentor" and "MENTOR",
   as an attribute edit or a second file leaves them; the first version had the import
   normalise them and passed on main): stats made groups Mentor (2) and MENTOR (1).
3. a survey answer for M1: the default import silently changed M1 from mentor to mentee
   (restated: import, then read M1's role; main has no conflict preview or --on-conflict).
4. a row blank but for id and group: import said 5 respondents, stats N 4, missing 0.
5. identical answers: p = 1.0 (scipy 1.17 returns 1.0, not NaN), no reason.
6. a 7-point item nobody rated 7: scale 1–6, inferred from the answers.
7. 0/1 checkbox and ``lastpage``: typed Likert; ``Progress``: number.
8. open-ended answers (strengthened with repeated answers, as real open questions have them;
   the first version passed on main): typed multiple choice with invented options "Nothing",
   "it was fine.", "please.".
9. the project's spelling (restated: stored values, as main's preview takes no project):
   "MENTOR" and "Mentor" stored as "Mentor" beside the transcript's "mentor".
10. an option holding the separator ("Cafe, restaurant or bakery", with an id column so that
    main reads the file): split into "Cafe" and "restaurant or bakery", 2 each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.analysis.survey import mann_whitney, survey_tables
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
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
    path = _csv(
        tmp_path,
        "g.csv",
        "id,team,sat\nA,Mentor,4\nB,Mentor,5\nC,mentee,3\nD,mentee,2\nE,Mentor,3\n",
    )
    import_files(project, [path], ImportOptions(column_types={"team": "attribute"}))
    # stored spellings that differ (an edit in the participant table, or a later file)
    b = next(p for p in list_participants(project) if p.pseudonym == "B")
    set_participant_attribute(project, b.guid, "team", "MENTOR")
    t = survey_tables(project, by="team").to_json()
    # one group, spelled as most hold it (not Mentor 2 and MENTOR 1)
    assert t["n"] == {"total": 5, "Mentor": 3, "mentee": 2}
    sat = t["likert"][0]
    assert sat["groups"]["Mentor"]["n"] == 3 and sat["groups"]["Mentor"]["mean"] == 4.0


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
    report = import_files(project, [path], ImportOptions())
    t = survey_tables(project, by="role").to_json()
    assert t["n"]["total"] == 5  # C answered nothing but is a respondent of the file
    assert report.files[0].respondents == t["n"]["total"]  # import and stats say alike
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
    # open answers repeat ("Nothing, it was fine." three times): few distinct answers with
    # commas looked like a multiple-choice column with options "Nothing", "it was fine."
    answers = (
        ["Nothing, it was fine."] * 3
        + ["More structure, please."] * 3
        + ["Training for mentors before the first meeting."] * 2
        + ["A fixed meeting schedule, and mentees should join voluntarily."]
    )
    body = "".join(f'R{i},"{a}"\n' for i, a in enumerate(answers))
    path = _csv(tmp_path, "open.csv", "id,suggestions\n" + body)
    col = preview_files([path], ImportOptions())[0].columns[1]
    assert col.type == "text" and col.options is None


def test_project_spelling_of_group_values_wins(project: Project, tmp_path: Path) -> None:
    add_transcript(project, "fgi", [("M1", "Hello.")], roles={"M1": "mentor"})
    path = _csv(tmp_path, "r.csv", "id,Role,sat\nR1,MENTEE,4\nR2,Mentor,5\nR3,MENTOR,4\n")
    preview = preview_files([path], ImportOptions(), project)[0]
    assert preview.attribute_mapping["Role"]["Mentor"] == "mentor"
    assert preview.attribute_mapping["Role"]["MENTOR"] == "mentor"
    import_files(project, [path], ImportOptions())
    roles = {p.pseudonym: p.attributes.get("role") for p in list_participants(project)}
    assert roles["R2"] == roles["R3"] == "mentor"  # as the project spells it


def test_an_option_holding_the_separator_is_one_option(project: Project, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "meet.csv",
        "id,Your role,Where do you meet?\n"
        'G1,Mentee,"Cafe, restaurant or bakery, Library"\n'
        "G2,Mentor,Library\n"
        'G3,Mentee,"Cafe, restaurant or bakery"\n'
        'G4,Mentor,"Library, Online"\n',
    )
    import_files(project, [path], ImportOptions(column_types={"Where do you meet?": "multiple"}))
    f = survey_tables(project, by=None).to_json()["frequencies"][0]
    assert f["options"] == ["Cafe, restaurant or bakery", "Library", "Online"]
    assert f["overall"]["options"]["Cafe, restaurant or bakery"] == {"n": 2, "percent": 50.0}
    assert f["overall"]["options"]["Library"]["n"] == 3
