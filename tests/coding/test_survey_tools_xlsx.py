"""More exports as the tools write them (invented, small, faithful to each layout): Qualtrics
.xlsx with its three header rows, the same Qualtrics survey as a numeric-values export, and
SurveyMonkey .xlsx (its question header merged over the options or not, with an "Other
(please specify)" box). Each is recognised, typed and labelled, and its tables are checked
figure by figure against values computed by hand from the rows below and by scipy."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from scipy import stats as sps

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, list_documents
from qualframe.coding.importing import ImportOptions, import_files, preview_files

# -- Qualtrics ------------------------------------------------------------------------------
Q_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Asia/Seoul"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Asia/Seoul"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Asia/Seoul"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
Q_QUESTIONS = [
    ("Q1", "What is your role in the programme?", '{"ImportId":"QID1"}'),
    ("Q2", "The programme helped me prepare for exams.", '{"ImportId":"QID2"}'),
    ("Q3", "Where did you usually meet? (Select all that apply)", '{"ImportId":"QID3"}'),
    ("Q4_1", "How satisfied are you with... - Your mentoring partner", '{"ImportId":"QID4_1"}'),
    ("Q4_2", "How satisfied are you with... - The meeting schedule", '{"ImportId":"QID4_2"}'),
    ("Q5", "What would you change about the programme?", '{"ImportId":"QID5_TEXT"}'),
]
AGREE7 = ["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree",
          "Somewhat agree", "Agree", "Strongly agree"]  # fmt: skip
SATISFIED = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
PLACES = ["Library", "Cafe", "Online"]  # Qualtrics recodes 1, 2, 3
# (id, status, progress, finished, language, role, Q2 1-7, Q3 codes, Q4_1, Q4_2, Q5)
RESPONSES = [
    ("R_1aXk2Lm9QpZ", "IP Address", 100, True, "EN", "Mentee", 6, [1, 2], 5, 4,
     "More sessions before the finals."),
    ("R_2bYw7Nn3RsT", "IP Address", 100, True, "KO", "Mentor", 7, [1], 4, 3,
     "멘티와 더 자주 만나고 싶어요."),
    ("R_3cZq4Pp8TuV", "IP Address", 100, True, "EN", "Mentee", 5, [3], 3, 4, ""),
    ("R_4dAr1Qq5VwX", "IP Address", 100, True, "EN", "Mentor", 4, [2], 5, 5,
     "Match partners by study habits."),
    ("R_5eBs6Rr2XyZ", "IP Address", 60, False, "EN", "Mentee", 2, [], None, None, ""),
    ("R_6fCt3Ss7ZaB", "Survey Preview", 100, True, "EN", "Mentor", 1, [2], 1, 1, "test"),
    ("R_7gDu8Tt4BcD", "IP Address", 100, True, "KO", "Mentee", 6, [1, 3], 4, None,
     "선배가 공부 계획을 같이 세워 줬어요."),
]  # fmt: skip


def _qualtrics_rows(numeric: bool) -> list[list[object]]:
    """The three header rows and one row per response, as Qualtrics writes them: choice text
    (labels, ``True``/``False``, ``IP Address``/``Survey Preview``) or numeric values (recode
    values, 1/0, status codes 0 = IP Address, 1 = Survey Preview)."""
    cols = Q_META + Q_QUESTIONS
    rows: list[list[object]] = [[c[0] for c in cols], [c[1] for c in cols], [c[2] for c in cols]]
    for k, (rid, status, progress, finished, lang, role, q2, q3, q41, q42, q5) in enumerate(
        RESPONSES
    ):
        day = f"2024-05-0{2 + k % 3} 1{k}:00:00"
        meta: list[object] = [
            day, day.replace(":00:00", ":07:30"),
            (0 if status == "IP Address" else 1) if numeric else status,
            "" if status == "Survey Preview" else f"203.0.113.{10 + k}", progress,
            450, (1 if finished else 0) if numeric else str(finished),
            day.replace(":00:00", ":07:31"), rid, "", "", "", "", 37.5665, 126.978,
            "preview" if status == "Survey Preview" else "anonymous", lang,
        ]  # fmt: skip
        if numeric:
            answers: list[object] = [
                1 if role == "Mentee" else 2, q2, ",".join(map(str, q3)),
                "" if q41 is None else q41, "" if q42 is None else q42, q5,
            ]  # fmt: skip
        else:
            answers = [
                role, AGREE7[q2 - 1], ",".join(PLACES[c - 1] for c in q3),
                "" if q41 is None else SATISFIED[q41 - 1],
                "" if q42 is None else SATISFIED[q42 - 1], q5,
            ]  # fmt: skip
        rows.append(meta + answers)
    return rows


def _write_xlsx(path: Path, rows: list[list[object]], merged: list[str] = ()) -> Path:  # type: ignore[assignment]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet0"
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for rng in merged:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")  # Qualtrics writes a BOM
    return path


# Counted (complete): R_1, R_2, R_3, R_4, R_7. Left out: R_5 (Progress 60, Finished False),
# R_6 (Survey Preview). Mentees R_1, R_3, R_7; mentors R_2, R_4.
Q2_MENTEES, Q2_MENTORS = [6, 5, 6], [7, 4]
Q42_MENTEES, Q42_MENTORS = [4, 4], [3, 5]  # R_7 left Q4_2 blank


def _check_qualtrics_tables(t: dict[str, object], groups: tuple[str, str]) -> None:
    mentee, mentor = groups
    assert t["n"] == {"total": 5, mentee: 3, mentor: 2}
    assert t["excluded"] == {"incomplete": 1, "preview": 1}
    likert = {r["item"]: r for r in t["likert"]}  # type: ignore[attr-defined]
    q2 = likert["The programme helped me prepare for exams."]
    assert q2["scale"] == [1, 7]
    assert q2["groups"][mentee]["mean"] == pytest.approx(17 / 3)
    assert q2["groups"][mentor]["mean"] == pytest.approx(5.5)
    assert q2["groups"][mentee]["sd"] == pytest.approx(sps.tstd(Q2_MENTEES))
    # ties (6, 6): the normal approximation with continuity correction, as scipy's default
    ref = sps.mannwhitneyu(Q2_MENTEES, Q2_MENTORS, alternative="two-sided", method="asymptotic")
    assert q2["u1"]["u"] == ref.statistic and q2["u"] == min(ref.statistic, 6 - ref.statistic)
    assert q2["p"] == pytest.approx(ref.pvalue)
    q42 = likert["How satisfied are you with... - The meeting schedule"]
    assert q42["scale"] == [1, 5]
    assert q42["groups"][mentee]["mean"] == 4.0 and q42["groups"][mentee]["n"] == 2
    assert q42["groups"][mentee]["missing"] == 1
    assert q42["groups"][mentor]["mean"] == 4.0
    ref42 = sps.mannwhitneyu(Q42_MENTEES, Q42_MENTORS, alternative="two-sided")
    assert q42["p"] == pytest.approx(ref42.pvalue)


def test_qualtrics_xlsx_three_header_rows(project: Project, tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "Mentoring_survey.xlsx", _qualtrics_rows(numeric=False))
    p = preview_files([path], ImportOptions(group_column="Q1"), project)[0]
    assert p.error is None, p.error
    assert p.tool == "Qualtrics (choice text)" and p.source == "xlsx, sheet 'Sheet0'"
    assert p.id_column == "ResponseId" and p.respondents == 7
    assert p.statuses == {"complete": 5, "incomplete": 1, "preview": 1}
    cols = {c.name: c for c in p.columns}
    assert [c.type for c in p.columns[:17]] == [
        "metadata", "metadata", "metadata", "personal", "metadata", "metadata", "metadata",
        "metadata", "id", "personal", "personal", "personal", "metadata", "personal",
        "personal", "metadata", "metadata",
    ]  # fmt: skip
    assert cols["Q1"].type == "attribute" and cols["Q1"].label == (
        "What is your role in the programme?"
    )
    # the scale from its labels: "Somewhat agree" belongs to the 7-point scale only
    assert (cols["Q2"].type, cols["Q2"].scale_source) == ("likert", "labels")
    assert (cols["Q2"].scale_min, cols["Q2"].scale_max) == (1, 7)
    assert cols["Q3"].type == "multiple" and cols["Q3"].options == ["Library", "Cafe", "Online"]
    assert cols["Q4_1"].label == "How satisfied are you with... - Your mentoring partner"
    assert cols["Q5"].type == "text"
    report = import_files(project, [path], ImportOptions(group_column="Q1"))
    assert report.documents == ["Mentoring_survey: Q5"]
    t = survey_tables(project, by="Q1").to_json()
    _check_qualtrics_tables(t, ("mentee", "mentor"))
    q3 = next(f for f in t["frequencies"] if f["item"].startswith("Where did you"))
    # Library: R_1, R_2, R_7; Cafe: R_1, R_4; Online: R_3, R_7 — of the 5 who answered
    assert q3["overall"]["options"]["Library"] == {"n": 3, "percent": 60.0}
    assert q3["overall"]["options"]["Cafe"] == {"n": 2, "percent": 40.0}
    assert q3["groups"]["mentee"]["options"]["Online"]["percent"] == pytest.approx(200 / 3)
    # every open-ended answer is codable text, the Korean ones as written, in file order
    doc = next(d for d in list_documents(project) if d.name == "Mentoring_survey: Q5")
    assert document_text(project, doc.guid).split("\n\n") == [r[10] for r in RESPONSES if r[10]]


def test_qualtrics_numeric_values_export(project: Project, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "Mentoring_survey_numeric.csv", _qualtrics_rows(numeric=True))
    p = preview_files([path], ImportOptions(), project)[0]
    assert p.error is None, p.error
    assert p.tool == "Qualtrics (numeric values)"
    assert p.statuses == {"complete": 5, "incomplete": 1, "preview": 1}
    cols = {c.name: c for c in p.columns}
    # codes without labels: a rating and a nominal choice look alike, so none is taken for a
    # Likert item (a mean of role codes would be a wrong number); the warning says so
    for name in ("Q1", "Q2", "Q4_1", "Q4_2"):
        assert cols[name].type == "single", name
    assert any("choice codes without their labels" in w for w in p.warnings)
    assert cols["Q3"].type == "multiple" and cols["Q3"].options == ["1", "2", "3"]
    assert cols["Q5"].type == "text"
    declared = ImportOptions(
        group_column="Q1",
        column_types={"Q2": "likert:1-7", "Q4_1": "likert:1-5", "Q4_2": "likert:1-5"},
    )
    import_files(project, [path], declared)
    t = survey_tables(project, by="Q1").to_json()
    # the same responses as the choice-text export: the same figures, groups named by code
    _check_qualtrics_tables(t, ("1", "2"))
    assert next(r for r in t["likert"] if r["item"].startswith("The programme"))["scale"] == [
        1, 7,
    ]  # fmt: skip
    q3 = next(f for f in t["frequencies"] if f["item"].startswith("Where did you"))
    assert q3["overall"]["options"]["1"] == {"n": 3, "percent": 60.0}


def test_qualtrics_numeric_codes_get_no_means_unless_declared(
    project: Project, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "numeric.csv", _qualtrics_rows(numeric=True))
    import_files(project, [path], ImportOptions(group_column="Q1"))
    t = survey_tables(project, by="Q1").to_json()
    assert t["likert"] == []  # no mean ± SD or p of codes nobody declared a scale
    q2 = next(f for f in t["frequencies"] if f["item"].startswith("The programme"))
    # codes in their order (1 and 2 only from the left-out responses, so counted 0)
    assert q2["options"] == ["1", "2", "4", "5", "6", "7"]
    assert q2["overall"]["options"]["6"] == {"n": 2, "percent": 40.0}
    assert q2["overall"]["options"]["1"] == {"n": 0, "percent": 0.0}


# -- SurveyMonkey ---------------------------------------------------------------------------
SM_TOP = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
    "First Name", "Last Name", "Custom Data 1", "What is your role?",
    "Which resources did you use? (Select all that apply)", None, None, None,
    "How satisfied are you with the programme?", "Any comments?",
]  # fmt: skip
SM_SUB = [None] * 9 + [
    "Response", "Library", "Online notes", "Old exams", "Other (please specify)", "Response",
    "Open-Ended Response",
]  # fmt: skip
SM_ROWS = [
    [114102938471, 431920112, datetime(2024, 5, 2, 10, 0, 5), datetime(2024, 5, 2, 10, 4, 40),
     "198.51.100.7", None, None, None, None, "Mentee", "Library", None, "Old exams", None,
     "Very satisfied", "Good pairing, we met every week."],
    [114102938472, 431920112, datetime(2024, 5, 2, 10, 10, 0), datetime(2024, 5, 2, 10, 12, 31),
     "198.51.100.8", None, None, None, None, "Mentor", None, "Online notes", None,
     "Study group", "Satisfied", None],
    [114102938473, 431920112, datetime(2024, 5, 2, 10, 20, 0), datetime(2024, 5, 2, 10, 29, 2),
     "198.51.100.9", None, None, None, None, "Mentee", "Library", "Online notes", None, None,
     "Neutral", "More meetings please."],
    [114102938474, 431920112, datetime(2024, 5, 3, 9, 0, 0), datetime(2024, 5, 3, 9, 6, 12),
     "198.51.100.10", None, None, None, None, "Mentor", "Library", None, None, None,
     "Very satisfied", "시험 기간에 도움이 많이 됐어요."],
    [114102938475, 431920112, datetime(2024, 5, 3, 9, 30, 0), datetime(2024, 5, 3, 9, 31, 0),
     "198.51.100.11", None, None, None, None, "Mentee", None, None, None, None, "Dissatisfied",
     None],
]  # fmt: skip


@pytest.mark.parametrize("merged", [False, True], ids=["plain-header", "merged-header"])
def test_surveymonkey_xlsx(project: Project, tmp_path: Path, merged: bool) -> None:
    path = _write_xlsx(
        tmp_path / "Mentoring Survey.xlsx", [SM_TOP, SM_SUB, *SM_ROWS], ["K1:N1"] if merged else []
    )
    p = preview_files([path], ImportOptions(group_column="Q1"), project)[0]
    assert p.error is None, p.error
    assert p.tool == "SurveyMonkey" and p.id_column == "Respondent ID" and p.respondents == 5
    cols = {c.name: c for c in p.columns}
    assert [c.type for c in p.columns[:9]] == ["id", "metadata", "metadata", "metadata",
        "personal", "personal", "personal", "personal", "personal"]  # fmt: skip
    q2 = cols["Q2"]
    assert (
        q2.type == "multiple" and q2.label == "Which resources did you use? (Select all that apply)"
    )
    assert q2.options == ["Library", "Online notes", "Old exams", "Other (please specify)"]
    assert q2.members == ["Q2_1", "Q2_2", "Q2_3", "Q2_4"]
    # what was typed in the "Other" box stays as an open-ended question of its own
    assert cols["Q2_4"].type == "text"
    assert cols["Q2_4"].label == (
        "Which resources did you use? (Select all that apply) - Other (please specify)"
    )
    assert cols["Q3"].type == "likert" and (cols["Q3"].scale_min, cols["Q3"].scale_max) == (1, 5)
    assert cols["Q4"].type == "text" and cols["Q4"].label == "Any comments?"
    report = import_files(project, [path], ImportOptions(group_column="Q1"))
    assert sorted(report.documents) == ["Mentoring Survey: Q2_4", "Mentoring Survey: Q4"]
    t = survey_tables(project, by="Q1").to_json()
    assert t["n"] == {"total": 5, "mentee": 3, "mentor": 2}
    q2t = next(f for f in t["frequencies"] if f["item"].startswith("Which resources"))
    # answered: 1 (Library, Old exams), 2 (Online notes, Other), 3 (Library, Online notes),
    # 4 (Library); 5 chose nothing, so did not answer: percentages of 4
    assert q2t["overall"]["n"] == 4 and q2t["overall"]["respondents"] == 5
    assert q2t["overall"]["options"]["Library"] == {"n": 3, "percent": 75.0}
    assert q2t["overall"]["options"]["Other (please specify)"] == {"n": 1, "percent": 25.0}
    assert q2t["groups"]["mentee"]["options"]["Library"] == {"n": 2, "percent": 100.0}
    q3 = next(r for r in t["likert"] if r["item"] == "How satisfied are you with the programme?")
    mentees, mentors = [5, 3, 2], [4, 5]
    assert q3["groups"]["mentee"]["mean"] == pytest.approx(10 / 3)
    assert q3["groups"]["mentor"]["mean"] == 4.5
    # a tie (5 in both groups): the normal approximation with continuity correction
    ref = sps.mannwhitneyu(mentees, mentors, alternative="two-sided", method="asymptotic")
    assert q3["method"] == "asymptotic" and q3["p"] == pytest.approx(ref.pvalue)
    assert q3["u1"]["u"] == ref.statistic


LIMESURVEY_OTHER = (
    "id,submitdate,lastpage,startlanguage,seed,role,Q3[SQ001],Q3[SQ002],Q3[other]\n"
    "1,2024-05-02 10:00:00,2,en,101,mentee,Y,,\n"
    "2,2024-05-02 10:10:00,2,en,102,mentor,,Y,Study group\n"
    "3,2024-05-02 10:20:00,2,ko,103,mentee,Y,Y,스터디 카페\n"
    "4,2024-05-02 10:30:00,2,en,104,mentor,,,\n"
)


def test_limesurvey_other_box(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "lime.csv"
    path.write_text(LIMESURVEY_OTHER, encoding="utf-8")
    p = preview_files([path], ImportOptions(), project)[0]
    cols = {c.name: c for c in p.columns}
    assert cols["Q3"].type == "multiple" and cols["Q3"].options == ["SQ001", "SQ002", "other"]
    assert cols["Q3[other]"].type == "text"
    import_files(project, [path], ImportOptions())
    t = survey_tables(project, by="role").to_json()
    q3 = next(f for f in t["frequencies"] if f["item"] == "Q3")
    # answered: 1 (SQ001), 2 (SQ002, other), 3 (SQ001, SQ002, other); 4 chose nothing
    assert q3["overall"]["n"] == 3
    assert q3["overall"]["options"]["other"]["n"] == 2
    assert q3["overall"]["options"]["SQ001"]["percent"] == pytest.approx(200 / 3)
