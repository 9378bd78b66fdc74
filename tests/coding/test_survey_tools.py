"""Exports as each survey tool writes them (invented, small, faithful to the layouts):
the tool is recognised, header rows, ids, types, labels, one-column-per-option families,
metadata, personal data and incomplete responses come out right, and the tables are checked
figure by figure against values computed by hand or by scipy on the raw answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy import stats as sps

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files, preview_files

QUALTRICS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,"
    "ResponseId,RecipientEmail,LocationLatitude,LocationLongitude,DistributionChannel,"
    "UserLanguage,role,Q1,Q2,Q3_1,Q3_2,Q4\n"
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,"
    "Recorded Date,Response ID,Recipient Email,Location Latitude,Location Longitude,"
    "Distribution Channel,User Language,What is your role?,How satisfied are you overall?,"
    "Where did you usually meet?,How useful was it? - Exams,How useful was it? - Planning,"
    "What would you change?\n"
    + ",".join(
        f'"{{""ImportId"":""{k}""}}"'
        for k in (
            "startDate",
            "endDate",
            "status",
            "ipAddress",
            "progress",
            "duration",
            "finished",
            "recordedDate",
            "_recordId",
            "recipientEmail",
            "locationLatitude",
            "locationLongitude",
            "distributionChannel",
            "userLanguage",
            "QID9",
            "QID1",
            "QID2",
            "QID3_1",
            "QID3_2",
            "QID4_TEXT",
        )
    )
    + "\n"
    '2024-05-02 10:00:00,2024-05-02 10:05:00,IP Address,10.0.0.1,100,300,True,2024-05-02 10:05:01,R_1aB,,37.5,127.0,anonymous,EN,Mentee,Strongly agree,"Library,Cafe",5,4,Meet more often during the exam period.\n'
    "2024-05-02 11:00:00,2024-05-02 11:04:00,IP Address,10.0.0.2,100,240,True,2024-05-02 11:04:01,R_2cD,,37.5,127.0,anonymous,EN,Mentor,Agree,Library,4,4,A short handbook for new mentors would help.\n"
    "2024-05-02 12:00:00,2024-05-02 12:09:00,IP Address,10.0.0.3,100,540,True,2024-05-02 12:09:01,R_3eF,,37.5,127.0,anonymous,EN,mentee,Agree,Online,3,5,\n"
    "2024-05-03 09:00:00,2024-05-03 09:02:00,IP Address,10.0.0.4,40,120,False,2024-05-10 09:02:01,R_4gH,,37.5,127.0,anonymous,EN,Mentor,Disagree,,,,\n"
    "2024-05-03 10:00:00,2024-05-03 10:03:00,Survey Preview,,100,180,True,2024-05-03 10:03:01,R_5iJ,,,,preview,EN,Mentor,Strongly disagree,Cafe,1,1,testing\n"
    "2024-05-03 11:00:00,2024-05-03 11:05:00,IP Address,10.0.0.6,100,300,True,2024-05-03 11:05:01,R_6kL,,37.5,127.0,anonymous,EN,Mentor,Neither agree nor disagree,Cafe,2,3,Match by study habits.\n"
)


def test_qualtrics_choice_text_csv(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "qualtrics.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    preview = preview_files([path], ImportOptions(), project)[0]
    assert preview.error is None, preview.error
    assert preview.tool == "Qualtrics (choice text)"
    assert preview.id_column == "ResponseId" and preview.respondents == 6
    cols = {c.name: c for c in preview.columns}
    for meta in ("StartDate", "Progress", "Finished", "Status", "RecordedDate", "UserLanguage"):
        assert cols[meta].type == "metadata", meta
    for personal in ("IPAddress", "RecipientEmail", "LocationLatitude"):
        assert cols[personal].type == "personal", personal
    assert cols["Q1"].label == "How satisfied are you overall?"
    assert cols["Q1"].type == "likert" and cols["Q1"].scale_source == "labels"
    assert (cols["Q1"].scale_min, cols["Q1"].scale_max) == (1, 5)
    assert cols["Q2"].type == "multiple" and cols["Q2"].options == ["Library", "Cafe", "Online"]
    # a Likert matrix (answers 1–5) stays separate items, each with its wording
    assert cols["Q3_1"].type == "likert" and cols["Q3_1"].label == "How useful was it? - Exams"
    assert cols["Q4"].type == "text"
    assert preview.statuses == {"complete": 4, "incomplete": 1, "preview": 1}
    out = "\n".join(preview.lines())
    assert "Qualtrics (choice text) export" in out and "1 incomplete, 1 preview" in out
    import_files(project, [path], ImportOptions())
    t = survey_tables(project, by="role").to_json()
    # figures by hand. Counted: R_1aB, R_2cD, R_3eF, R_6kL (R_4gH: Progress 40, R_5iJ:
    # preview). Roles "Mentee"/"mentee" are one group, spelled as most respondents wrote it.
    assert t["n"] == {"total": 4, "Mentee": 2, "Mentor": 2}
    assert t["excluded"] == {"incomplete": 1, "preview": 1}
    q1 = next(r for r in t["likert"] if r["item"] == "How satisfied are you overall?")
    # Strongly agree 5, Agree 4 (mentees: 5, 4); Agree 4, Neither 3 (mentors: 4, 3)
    assert q1["groups"]["Mentee"]["mean"] == 4.5 and q1["groups"]["Mentor"]["mean"] == 3.5
    assert q1["scale"] == [1, 5]
    ref = sps.mannwhitneyu([5, 4], [4, 3], alternative="two-sided", method="asymptotic")
    assert q1["u1"]["u"] == ref.statistic == 3.5 and q1["u"] == 0.5
    assert q1["p"] == pytest.approx(ref.pvalue)
    q2 = next(r for r in t["frequencies"] if r["item"] == "Where did you usually meet?")
    # mentees: Library+Cafe, Online; mentors: Library, Cafe
    assert q2["overall"]["options"]["Library"] == {"n": 2, "percent": 50.0}
    assert q2["overall"]["options"]["Cafe"]["n"] == 2
    assert q2["groups"]["Mentee"]["options"]["Online"] == {"n": 1, "percent": 50.0}
    with project.read() as s:
        from sqlalchemy import text

        assert (
            s.execute(
                text(
                    "SELECT count(*) FROM survey_answers a JOIN survey_items i "
                    "ON i.id = a.item_id WHERE i.name = 'IPAddress'"
                )
            ).scalar()
            == 0
        )
    # with the incomplete response included: N 5, its Likert answer (Disagree = 2) counts
    t2 = survey_tables(project, by="role", incomplete="include").to_json()
    assert t2["n"]["total"] == 5 and t2["included_incomplete"] == 1
    q1b = next(r for r in t2["likert"] if r["item"] == "How satisfied are you overall?")
    assert q1b["groups"]["Mentor"]["mean"] == pytest.approx((4 + 2 + 3) / 3)


GOOGLE = (
    "Timestamp,Email Address,Your role,Where do you meet? ,How satisfied are you? [Matching],"
    "How satisfied are you? [Frequency],What helped most?\n"
    '2024/05/02 10:00:01 AM GMT+9,ann@example.org,Mentee,"Cafe, restaurant or bakery, Library",4,5,"The review before the exam. It showed me how to plan."\n'
    '2024/05/02 10:05:11 AM GMT+9,bo@example.org,Mentor,Library,3,3,"Explaining things again made me understand them better."\n'
    '2024/05/02 10:09:41 AM GMT+9,cy@example.org,Mentee,"Cafe, restaurant or bakery",5,4,"Having someone to ask when I felt lost."\n'
    '2024/05/02 11:00:00 AM GMT+9,di@example.org,Mentor,"Library, Online",2,4,"Regular meetings kept me on track with my own work."\n'
)


def test_google_forms_comma_options_and_numbered_rows(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "google.csv"
    path.write_text(GOOGLE, encoding="utf-8")
    preview = preview_files([path], ImportOptions(group_column="Your role"), project)[0]
    assert preview.error is None, preview.error
    assert preview.tool == "Google Forms"
    cols = {c.name: c for c in preview.columns}
    assert cols["Timestamp"].type == "metadata" and cols["Email Address"].type == "personal"
    # no id: rows numbered, never a pseudonym from the e-mail or the timestamp
    assert preview.id_column == ""
    assert any("numbered R001–R004" in w for w in preview.warnings)
    # "Cafe, restaurant or bakery" is one option (its second piece starts in lower case)
    meet = cols["Where do you meet?"]
    assert meet.type == "multiple"
    assert meet.options == ["Cafe, restaurant or bakery", "Library", "Online"]
    assert cols["What helped most?"].type == "text"
    import_files(project, [path], ImportOptions(group_column="Your role"))
    t = survey_tables(project, by="Your role").to_json()
    assert t["n"] == {"total": 4, "mentee": 2, "mentor": 2}
    f = next(r for r in t["frequencies"] if r["item"] == "Where do you meet?")
    assert f["overall"]["options"]["Cafe, restaurant or bakery"] == {"n": 2, "percent": 50.0}
    assert f["overall"]["options"]["Library"]["n"] == 3
    from qualframe.coding.corpus.participants import list_participants

    assert [p.pseudonym for p in list_participants(project)] == ["R001", "R002", "R003", "R004"]


MS_FORMS_ROWS = [
    ["ID", "Start time", "Completion time", "Email", "Name", "Role", "Purposes", "Overall"],
    [
        1,
        "5/2/24 10:00:00",
        "5/2/24 10:04:00",
        "anonymous",
        None,
        "Mentee",
        "Exam preparation;Career advice;",
        5,
    ],
    [2, "5/2/24 10:10:00", "5/2/24 10:12:00", "anonymous", None, "Mentor", "Exam preparation;", 4],
    [
        3,
        "5/2/24 10:20:00",
        "5/2/24 10:25:00",
        "anonymous",
        None,
        "Mentee",
        "Social;Exam preparation;",
        4,
    ],
]


def test_microsoft_forms_xlsx(project: Project, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    for row in MS_FORMS_ROWS:
        ws.append(row)
    path = tmp_path / "forms.xlsx"
    wb.save(path)
    preview = preview_files([path], ImportOptions(column_types={"Overall": "likert:1-5"}))[0]
    assert preview.error is None, preview.error
    assert preview.tool == "Microsoft Forms" and preview.id_column == "ID"
    cols = {c.name: c for c in preview.columns}
    assert cols["Email"].type == "personal" and cols["Start time"].type == "metadata"
    assert cols["Purposes"].options == ["Exam preparation", "Career advice", "Social"]
    import_files(project, [path], ImportOptions(column_types={"Overall": "likert:1-5"}))
    t = survey_tables(project, by="Role").to_json()
    f = t["frequencies"][0]
    # Exam preparation: all 3 (100 %); Career advice 1 (33.3 %); Social 1
    assert f["overall"]["options"]["Exam preparation"] == {"n": 3, "percent": 100.0}
    assert f["overall"]["options"]["Career advice"]["percent"] == pytest.approx(100 / 3)


LIMESURVEY = (
    "id,submitdate,lastpage,startlanguage,seed,role,Q1,Q2[SQ001],Q2[SQ002],Q2[SQ003],Q3\n"
    "1,2024-05-02 10:00:00,3,en,123,mentee,5,Y,,Y,Good\n"
    "2,2024-05-02 10:10:00,3,en,456,mentor,4,,Y,,Fine\n"
    "3,,2,en,789,mentee,3,Y,,,\n"
    "4,2024-05-02 10:30:00,3,ko,321,mentor,2,,,,Slow\n"
)


def test_limesurvey_codes_family_and_lastpage(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "lime.csv"
    path.write_text(LIMESURVEY, encoding="utf-8")
    preview = preview_files([path], ImportOptions(), project)[0]
    assert preview.error is None, preview.error
    assert preview.tool == "LimeSurvey" and preview.id_column == "id"
    cols = {c.name: c for c in preview.columns}
    assert cols["Q2"].type == "multiple" and cols["Q2"].members == [
        "Q2[SQ001]", "Q2[SQ002]", "Q2[SQ003]",
    ]  # fmt: skip
    assert cols["Q2"].options == ["SQ001", "SQ002", "SQ003"]
    for meta in ("submitdate", "lastpage", "startlanguage", "seed"):
        assert cols[meta].type == "metadata"
    assert preview.statuses == {"complete": 3, "incomplete": 1}
    import_files(project, [path], ImportOptions())
    t = survey_tables(project, by="role").to_json()
    q2 = next(r for r in t["frequencies"] if r["item"] == "Q2")
    # counted: 1, 2, 4; respondent 4 chose nothing, so did not answer: denominator 2
    assert q2["overall"]["n"] == 2 and q2["overall"]["respondents"] == 3
    assert q2["overall"]["options"]["SQ001"] == {"n": 1, "percent": 50.0}


REDCAP_RAW = (
    "record_id,role,sat,resources___1,resources___2,resources___3,feedback,survey_complete\n"
    "1,1,4,1,0,1,Helpful sessions,2\n"
    "2,2,5,0,1,0,More structure,2\n"
    "3,1,3,0,0,0,,0\n"
    "4,2,2,1,1,0,Less pressure,2\n"
)
REDCAP_LABELS = (
    "Record ID,Role,Satisfaction,Resources (choice=Library),Resources (choice=Online notes),"
    "Resources (choice=Old exams),Complete?\n"
    "1,Mentee,Agree,Checked,Unchecked,Checked,Complete\n"
    "2,Mentor,Strongly agree,Unchecked,Checked,Unchecked,Complete\n"
    "3,Mentee,Neither agree nor disagree,Unchecked,Unchecked,Unchecked,Incomplete\n"
)


def test_redcap_raw_and_labels(project: Project, tmp_path: Path) -> None:
    raw = tmp_path / "redcap_raw.csv"
    raw.write_text(REDCAP_RAW, encoding="utf-8")
    p = preview_files([raw], ImportOptions(), project)[0]
    assert p.error is None, p.error
    assert p.tool == "REDCap (raw)" and p.id_column == "record_id"
    cols = {c.name: c for c in p.columns}
    assert cols["resources"].type == "multiple" and cols["resources"].options == ["1", "2", "3"]
    assert cols["survey_complete"].type == "metadata"
    assert p.statuses == {"complete": 3, "incomplete": 1}
    labels = tmp_path / "redcap_labels.csv"
    labels.write_text(REDCAP_LABELS, encoding="utf-8")
    q = preview_files([labels], ImportOptions(), project)[0]
    assert q.error is None, q.error
    assert q.tool == "REDCap (labels)" and q.id_column == "Record ID"
    qc = {c.name: c for c in q.columns}
    assert qc["Resources"].options == ["Library", "Online notes", "Old exams"]
    assert qc["Satisfaction"].type == "likert" and qc["Satisfaction"].scale_max == 5
    assert q.statuses == {"complete": 2, "incomplete": 1}
    import_files(project, [labels], ImportOptions())
    t = survey_tables(project, by="Role").to_json()
    res = t["frequencies"][0]
    assert res["overall"]["n"] == 2 and res["overall"]["options"]["Library"]["n"] == 1


SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,"
    "What is your role?,Which resources did you use?,,,How satisfied are you?,Any comments?\n"
    ",,,,,,Response,Library,Online notes,Old exams,Response,Open-Ended Response\n"
    "11401,4011,05/02/2024 10:00:00 AM,05/02/2024 10:05:00 AM,10.1.1.1,,Mentee,Library,,Old exams,4,Good pairing.\n"
    "11402,4011,05/02/2024 10:10:00 AM,05/02/2024 10:15:00 AM,10.1.1.2,,Mentor,,Online notes,,5,\n"
    "11403,4011,05/02/2024 10:20:00 AM,05/02/2024 10:25:00 AM,10.1.1.3,,Mentee,Library,Online notes,,3,More meetings please.\n"
)


def test_surveymonkey_two_header_rows(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "monkey.csv"
    path.write_text(SURVEYMONKEY, encoding="utf-8")
    p = preview_files([path], ImportOptions(column_types={"Q3": "likert:1-5"}), project)[0]
    assert p.error is None, p.error
    assert p.tool == "SurveyMonkey" and p.id_column == "Respondent ID"
    cols = {c.name: c for c in p.columns}
    assert cols["Q1"].label == "What is your role?"
    assert cols["Q2"].type == "multiple" and cols["Q2"].label == "Which resources did you use?"
    assert cols["Q2"].options == ["Library", "Online notes", "Old exams"]
    assert cols["IP Address"].type == "personal" and cols["Start Date"].type == "metadata"
    assert cols["Q4"].type == "text" and cols["Q4"].label == "Any comments?"
    import_files(
        project, [path], ImportOptions(column_types={"Q3": "likert:1-5", "Q1": "attribute"})
    )
    t = survey_tables(project, by="Q1").to_json()
    q2 = next(r for r in t["frequencies"] if r["item"] == "Which resources did you use?")
    assert q2["overall"]["options"]["Library"] == {"n": 2, "percent": pytest.approx(200 / 3)}


def _write_sav(path: Path, dta: bool = False) -> None:
    pd = pytest.importorskip("pandas")
    import pyreadstat

    df = pd.DataFrame(
        {
            "id": ["S1", "S2", "S3", "S4", "S5"],
            "role": [1.0, 2.0, 1.0, 2.0, 1.0],
            "q1": [5.0, 4.0, 2.0, 9.0, 4.0],  # 9 = no answer (a missing-value code)
            "place": [2.0, 1.0, 3.0, 1.0, 2.0],
        }
    )
    labels = {"id": "Respondent", "role": "Role", "q1": "I would recommend the programme",
              "place": "Where did you meet?"}  # fmt: skip
    values = {
        "role": {1.0: "mentee", 2.0: "mentor"},
        "q1": {1.0: "Strongly disagree", 2.0: "Disagree", 3.0: "Neither agree nor disagree",
               4.0: "Agree", 5.0: "Strongly agree", 9.0: "No answer"},
        "place": {1.0: "Library", 2.0: "Cafe", 3.0: "Online"},
    }  # fmt: skip
    if dta:
        values["q1"].pop(9.0)
        df.loc[3, "q1"] = float("nan")
        pyreadstat.write_dta(df, path, column_labels=labels, variable_value_labels=values)
    else:
        pyreadstat.write_sav(df, path, column_labels=labels, variable_value_labels=values,
                             missing_ranges={"q1": [9.0]})  # fmt: skip


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata(project: Project, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"study{suffix}"
    _write_sav(path, dta=suffix == ".dta")
    p = preview_files([path], ImportOptions(column_types={"role": "attribute"}))[0]
    assert p.error is None, p.error
    assert p.tool == ("SPSS" if suffix == ".sav" else "Stata") and p.id_column == "id"
    cols = {c.name: c for c in p.columns}
    assert cols["q1"].label == "I would recommend the programme"
    assert cols["q1"].type == "likert" and cols["q1"].scale_source == "metadata"
    assert cols["place"].type == "single" and cols["place"].options == ["Library", "Cafe", "Online"]
    import_files(project, [path], ImportOptions(column_types={"role": "attribute"}))
    t = survey_tables(project, by="role").to_json()
    q1 = t["likert"][0]
    # mentees S1, S3, S5: 5, 2, 4; mentors S2: 4, S4 missing (9 is a missing-value code)
    assert q1["groups"]["mentee"]["mean"] == pytest.approx(11 / 3)
    assert q1["groups"]["mentor"]["n"] == 1 and q1["groups"]["mentor"]["missing"] == 1
    place = t["frequencies"][0]
    assert place["options"] == ["Library", "Cafe", "Online"]
    assert place["overall"]["options"]["Cafe"] == {"n": 2, "percent": 40.0}
    json.dumps(t)
