"""Survey exports as they come from Excel, LibreOffice, Google Forms and European locales:
sheets, formulas, dates, decimal commas, quotes, duplicate and typo'd values. Each either
imports as a careful user expects or is refused with one sentence naming the file, and a
refusal leaves the project unchanged (``table_dump``)."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, ImportRefused, import_files, preview_files
from qualframe.storage.models import Participant, SurveyAnswer, SurveyItem
from tests.coding.test_import_fixtures import table_dump


def _answers(
    project: Project, item: str
) -> dict[str, tuple[str | None, float | None, list | None]]:  # type: ignore[type-arg]
    with project.read() as s:
        rows = s.execute(
            select(
                Participant.pseudonym, SurveyAnswer.raw, SurveyAnswer.number, SurveyAnswer.choices
            )
            .join(SurveyAnswer, SurveyAnswer.participant_id == Participant.id)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(SurveyItem.name == item)
        ).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _items(project: Project) -> dict[str, SurveyItem]:
    with project.read() as s:
        return {i.name: i for i in s.scalars(select(SurveyItem))}


# -- .xlsx ----------------------------------------------------------------------------------
def make_workbook(path: Path) -> Path:
    """A hidden sheet first, an empty sheet, then the data: a merged title, the header on
    row 3, formulas, dates, booleans, percentages, a zero-padded numeric id."""
    from openpyxl import Workbook

    wb = Workbook()
    hidden = wb.active
    hidden.title = "Lookup"
    hidden.append(["code", "label"])
    hidden.append(["1", "one"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("Notes")  # visible, empty
    ws = wb.create_sheet("Data")
    ws["A1"] = "Mentoring survey 2024 (test export)"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["id", "role", "sat", "doubled", "submitted", "consent", "share", "comment"])
    rows = [
        (7, "Mentor", 4, dt.datetime(2024, 5, 2), True, 0.25, "We met weekly in the library."),
        (8, "mentee", 5, dt.datetime(2024, 5, 3, 14, 30), False, 0.5, "Mostly by chat, late."),
        (12, "Mentee", 3, dt.date(2024, 5, 4), True, 1, "It helped before exams."),
    ]
    for r, (pid, role, sat, when, ok, share, comment) in enumerate(rows, start=4):
        ws.append([pid, role, sat, f"=C{r}*20", when, ok, share, comment])
        ws.cell(row=r, column=1).number_format = "000"
        ws.cell(row=r, column=7).number_format = "0%"
    extra = wb.create_sheet("Pivot")
    extra.append(["role", "n"])
    extra.append(["mentor", 1])
    wb.save(str(path))
    return path


SAT = {4: 4, 5: 5, 6: 3}  # row -> the value in column C of make_workbook


def _with_cached_formula_results(path: Path) -> Path:
    """What Excel does on save: every formula cell gets its result in <v>."""
    src = path.with_suffix(".src")
    path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                xml = data.decode("utf-8")
                xml = re.sub(
                    r"<f>C(\d+)\*20</f><v\s*/?>(?:</v>)?",
                    lambda m: f"<f>C{m.group(1)}*20</f><v>{20 * SAT[int(m.group(1))]}</v>",
                    xml,
                )
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    src.unlink()
    return path


def test_xlsx_hidden_and_empty_sheets_formulas_dates_booleans(
    project: Project, tmp_path: Path
) -> None:
    path = make_workbook(tmp_path / "export.xlsx")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None, preview.error
    assert preview.source == "xlsx, sheet 'Data'"
    assert preview.respondents == 3 and preview.id_column == "id"
    assert preview.warnings[0] == "only the sheet 'Data' was read; 'Pivot' also holds data"
    assert preview.warnings[1].startswith(
        "the formulas in 'doubled' have no saved results (the file was written by a program"
    )
    assert preview.column_types["doubled"] == "ignore"
    import_files(project, [path], ImportOptions())
    assert {p.pseudonym for p in list_participants(project)} == {"007", "008", "012"}
    assert {k: v[0] for k, v in _answers(project, "consent").items()} == {
        "007": "TRUE", "008": "FALSE", "012": "TRUE",
    }  # fmt: skip
    assert {k: v[1] for k, v in _answers(project, "share").items()} == {
        "007": 0.25, "008": 0.5, "012": 1.0,
    }  # fmt: skip
    docs = {d.name: d for d in list_documents(project)}
    submitted = document_text(project, docs["export: submitted"].guid)
    assert submitted.split("\n\n") == ["2024-05-02", "2024-05-03 14:30:00", "2024-05-04"]


def test_xlsx_formulas_with_saved_results(project: Project, tmp_path: Path) -> None:
    path = _with_cached_formula_results(make_workbook(tmp_path / "saved.xlsx"))
    preview = preview_files([path], ImportOptions())[0]
    assert preview.column_types["doubled"] == "number"
    assert not any("formulas" in w for w in preview.warnings)
    import_files(project, [path], ImportOptions())
    assert {k: v[1] for k, v in _answers(project, "doubled").items()} == {
        "007": 80.0, "008": 100.0, "012": 60.0,
    }  # fmt: skip


# -- .csv ------------------------------------------------------------------------------------
EUROPEAN = (
    "id;group;score;hours;comment;;\r\n"
    'R1;mentor;4,5;1.234,5;"First line\r\nsecond line; with a semicolon";;\r\n'
    'R2;mentee;3,0;2,25;"Short.";;\r\n'
    ";;;;;;\r\n"
    'R3;mentee;5;1;"He said ""fine"".";;\r\n'
)


def test_semicolon_csv_with_decimal_commas_bom_and_quoted_newlines(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "eu.csv"
    path.write_bytes(codecs.BOM_UTF8 + EUROPEAN.encode("utf-8"))
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None, preview.error
    assert preview.source == "csv, semicolon-separated" and preview.encoding == "utf-8-sig"
    assert preview.column_types == {
        "id": "id", "group": "attribute", "score": "number", "hours": "number",
        "comment": "text",
    }  # fmt: skip
    assert (
        "column 'score' uses decimal commas; they were read as decimal points (4,5 → 4.5); if "
        "they are lists of choices, set the column to multiple" in preview.warnings
    )
    import_files(project, [path], ImportOptions())
    assert {k: v[1] for k, v in _answers(project, "score").items()} == {
        "R1": 4.5, "R2": 3.0, "R3": 5.0,
    }  # fmt: skip
    assert _answers(project, "hours")["R1"][1] == 1234.5
    (doc,) = list_documents(project)
    text = document_text(project, doc.guid)
    assert text == 'First line\nsecond line; with a semicolon\n\nShort.\n\nHe said "fine".'
    assert [t.label for t in document_turns(project, doc.guid)] == ["R1", "R2", "R3"]


def test_a_comma_csv_keeps_commas_as_separators(tmp_path: Path) -> None:
    path = tmp_path / "choices.csv"
    path.write_text('id,picked\nA,"1,3"\nB,"2,3"\nC,"1,2"\nD,"3"\n', encoding="utf-8")
    assert preview_files([path], ImportOptions())[0].column_types["picked"] == "multiple"
    # in a ;-separated file "1,3" reads as a decimal, unless the column is said to be a list
    semi = tmp_path / "choices_semi.csv"
    semi.write_text("id;picked\nA;1,3\nB;2,3\nC;1,2\nD;3\n", encoding="utf-8")
    options = ImportOptions(column_types={"picked": "multiple"})
    preview = preview_files([semi], options)[0]
    assert preview.column_types["picked"] == "multiple" and preview.warnings == []
    assert preview.columns[1].options == ["1", "2", "3"]


def test_ranges_are_not_scale_points(tmp_path: Path) -> None:
    path = tmp_path / "ranges.csv"
    path.write_text(
        "id,time spent\n"
        + "".join(f"R{i},{r}\n" for i, r in enumerate(["1-2 hours", "3-5 hours"] * 5)),
        encoding="utf-8",
    )
    assert preview_files([path], ImportOptions())[0].column_types["time spent"] == "single"


def test_duplicate_column_names(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text(
        "id,Other (please specify),sat,Other (please specify)\n"
        "A,a tutor,4,more time\nB,a friend,5,fewer forms\nC,,3,\n",
        encoding="utf-8",
    )
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None, preview.error
    assert [c.name for c in preview.columns] == [
        "id", "Other (please specify)", "sat", "Other (please specify) (2)",
    ]  # fmt: skip
    assert preview.warnings == [
        "column 4 repeats the name 'Other (please specify)'; it was named "
        "'Other (please specify) (2)'"
    ]
    import_files(project, [path], ImportOptions())
    assert set(_items(project)) == {
        "id", "Other (please specify)", "sat", "Other (please specify) (2)",
    }  # fmt: skip


def test_numeric_ids_and_leading_zeros(project: Project, tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("id,sat\n1,4\n2,5\n3,3\n", encoding="utf-8")
    zeros = tmp_path / "zeros.csv"
    zeros.write_text("respondent,sat_b\n001,4\n002,5\n010,3\n", encoding="utf-8")
    import_files(project, [numbers, zeros], ImportOptions())
    assert {p.pseudonym for p in list_participants(project)} == {
        "1", "2", "3", "001", "002", "010",
    }  # fmt: skip


def test_likert_answers_written_with_their_labels(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(
        "id,q1,q2\n"
        "A,4 - agree,Strongly agree\n"
        "B,5 - strongly agree,Agree\n"
        "C,2 - disagree,Disagree\n"
        "D,4 - agree,Strongly disagree\n",
        encoding="utf-8",
    )
    preview = preview_files([path], ImportOptions())[0]
    by_name = {c.name: c for c in preview.columns}
    assert (by_name["q1"].type, by_name["q1"].scale_min, by_name["q1"].scale_max) == (
        "likert", 1, 5,
    )  # fmt: skip
    # text labels of a known agreement scale map to its points (issue 12): 1–5 from the
    # labels, although nobody answered "Neither agree nor disagree"
    q2 = by_name["q2"]
    assert (q2.type, q2.scale_min, q2.scale_max, q2.scale_source) == ("likert", 1, 5, "labels")
    assert q2.value_labels == [
        ("Strongly disagree", 1), ("Disagree", 2), ("Neither agree nor disagree", 3),
        ("Agree", 4), ("Strongly agree", 5),
    ]  # fmt: skip
    import_files(project, [path], ImportOptions())
    assert _answers(project, "q1")["A"] == ("4 - agree", 4.0, None)
    assert _answers(project, "q1")["B"][1] == 5.0
    assert _answers(project, "q2")["B"] == ("Agree", 4.0, None)


def test_numbers_with_inconsistent_labels_are_not_a_scale(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id,when\nA,2 weeks ago\nB,2 days ago\nC,3 months ago\nD,1 year ago\n", encoding="utf-8"
    )
    assert preview_files([path], ImportOptions())[0].column_types["when"] != "likert"


def test_blank_rows_between_data_rows(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,sat\nA,4\n,\n\n   ,  \nB,5\n\n\nC,3\n,,,\n", encoding="utf-8")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None and preview.respondents == 3


def test_group_typo_is_shown_not_merged(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text(
        "id,group,sat\nA,mentor,4\nB, mentr,5\nC,Mentor,3\nD,mentee,2\nE,Mentee,4\n",
        encoding="utf-8",
    )
    preview = preview_files([path], ImportOptions(group_column="group"))[0]
    group = next(c for c in preview.columns if c.name == "group")
    assert group.describe() == "attribute (3 values: mentor, mentee, mentr)"
    assert "  group: attribute [group] (3 values: mentor, mentee, mentr)" in preview.lines()
    assert preview.attribute_mapping["group"] == {"Mentor": "mentor", "Mentee": "mentee"}
    assert preview.warnings == [
        "'group' has the value 'mentr' (1 respondent), close to 'mentor' (2); if it is a "
        "typo, correct it in the file"
    ]
    import_files(project, [path], ImportOptions(group_column="group"))
    roles = {p.pseudonym: p.attributes["group"] for p in list_participants(project)}
    assert roles == {"A": "mentor", "B": "mentr", "C": "mentor", "D": "mentee", "E": "mentee"}


def test_similar_real_values_are_not_called_typos(tmp_path: Path) -> None:
    path = tmp_path / "fine.csv"
    path.write_text(
        "id,group,gender\nA,mentor,female\nB,mentor,male\nC,mentee,female\nD,mentor,male\n",
        encoding="utf-8",
    )
    assert preview_files([path], ImportOptions())[0].warnings == []


def test_long_answer_beyond_the_csv_field_limit(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    answer = "word " * 40_000  # 200 kB in one cell
    path.write_text(f'id,comment\nA,"{answer}"\nB,short\nC,"also short"\n', encoding="utf-8")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None, preview.error
    assert preview.respondents == 3


def test_csv_with_stray_nul_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"id,sat\nA,4\x00\nB,5\nC,3\n")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None and preview.respondents == 3
    assert preview.warnings == ["1 NUL byte (not text) removed"]


CASES = [
    (
        "unclosed.csv",
        b'id,sat,comment\nA,4,"fine"\nB,5,"two\nlines"\nC,3,"oops\nD,2,swallowed\nE,1,too\n',
        "unclosed.csv has a quotation mark that is never closed (in line 5), so every line "
        "after it would be read as one answer; correct the quotes in the file.",
    ),
    ("header_only.csv", b"id,sat,comment\n", "header_only.csv has a header row but no answers below it."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_surveys_are_refused_and_nothing_changes(
    project: Project, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    good = tmp_path / "first.csv"
    good.write_text("id,sat\nR1,4\nR2,5\n", encoding="utf-8")
    import_files(project, [good], ImportOptions())
    before = table_dump(project)
    other = tmp_path / "second.csv"
    other.write_text("id,sat2\nR1,4\nR3,5\n", encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(data)
    assert preview_files([bad], ImportOptions())[0].error == message
    with pytest.raises(ImportRefused) as info:
        import_files(project, [other, bad], ImportOptions())
    assert str(info.value) == message
    assert table_dump(project) == before
