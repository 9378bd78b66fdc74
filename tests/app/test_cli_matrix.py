"""`qualframe matrix` and `qualframe codebook` from the command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from tests.coding.test_matrix_data import build_known_project


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    with Project.create(path, coder="tester") as p:
        build_known_project(p)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_matrix_to_word_with_options(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.docx"
    code, text, err = run(
        capsys, "matrix", study, "--counts", "segments,percent", "--quotes", "1",
        "--title", "Themes by role", "--number", "5", "--landscape", "--out", out,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Mentees (n = 4), Mentors (n = 2)" in text
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == "Table 5. Themes by role"
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    cell = doc.tables[0].rows[1].cells[1]
    assert cell.paragraphs[0].text == "-\tAcademic (3; 50%)"


def test_matrix_groups_rows_coder_document(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.xlsx"
    code, _, err = run(
        capsys, "matrix", study, "--by", "role", "--rows", "1", "--groups", "mentor,mentee",
        "--coder", "tester", "--document", "FGI mentors", "--document", "FGI mentees",
        "--include-empty", "--out", out,
    )  # fmt: skip
    assert (code, err) == (0, "")
    ws = load_workbook(out)["Matrix"]
    assert [c.value for c in ws[2]] == [
        "Theme", "Category", "Mentors (n = 2)", "Mentees (n = 3)", "(not set) (n = 1)",
    ]  # fmt: skip


def test_matrix_csv_and_md(study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "matrix", study, "--out", tmp_path / "t.csv")
    assert code == 0
    assert out.splitlines() == [
        f"Wrote {tmp_path / 't.csv'} (3 rows; Mentees (n = 4), Mentors (n = 2), (not set) (n = 1)).",
        "9 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; "
        "1 segment outside any participant's turn.",
    ]
    rows = list(csv.reader((tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 12  # the 9 counted segments, then the 2 left out with the reason
    assert [r[-1] for r in rows[-3:]] == [
        "",
        "outside any participant's turn",
        "interviewer speech",
    ]
    assert run(capsys, "matrix", study, "--out", tmp_path / "t.md")[0] == 0
    assert (tmp_path / "t.md").read_text(encoding="utf-8").startswith("**Table 1.**")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "t.pdf"],
            "Cannot write t.pdf: the matrix can be saved as .docx, .xlsx, .csv or .md.",
        ),
        (
            ["--by", "cohort", "--out", "t.docx"],
            'There is no participant attribute "cohort" (attributes: role, gender).',
        ),
        (
            ["--counts", "words", "--out", "t.docx"],
            'Unknown count "words"; choose from segments, participants, percent.',
        ),
        (
            ["--groups", "tutor", "--out", "t.docx"],
            'No participant has role "tutor" (values: mentee, mentor).',
        ),
        (
            ["--rows", "7", "--out", "t.docx"],
            "The codebook has 3 level(s); choose a row level from 0 to 2.",
        ),
    ],
)
def test_matrix_errors_are_one_sentence(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("t.") else a for a in args]
    code, _out, err = run(capsys, "matrix", study, *args)
    assert code == 1
    assert err == f"qualframe: {message}\n"
    assert not list(tmp_path.glob("t.*"))


def test_codebook_report_and_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.qualframe"
    Project.create(path, coder="tester").close()
    code, out, err = run(
        capsys, "codebook", path, "--load", "mentoring", "--out", tmp_path / "cb.docx"
    )
    assert (code, err) == (0, "")
    assert 'Loaded the codebook template "mentoring".' in out
    table = open_docx(str(tmp_path / "cb.docx")).tables[0]
    assert table.rows[1].cells[0].text == "Outcomes"
    assert run(capsys, "codebook", path, "--out", tmp_path / "cb.xlsx")[0] == 0
    assert load_workbook(tmp_path / "cb.xlsx")["Codebook"]["A2"].value == "Outcomes"
    code, _, err = run(capsys, "codebook", path, "--out", tmp_path / "cb.pdf")
    assert code == 1 and "can be saved as .docx or .xlsx" in err


def test_matrix_masks_real_names_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qualframe.coding.corpus.documents import document_text, list_documents
    from qualframe.coding.corpus.segments import code_range
    from qualframe.coding.importing import ImportOptions, import_files
    from tests.conftest import DEMO

    path = tmp_path / "ko.qualframe"
    with Project.create(path, coder="tester") as project:
        import_files(
            project, [DEMO / "fgi_korean_cp949.txt"], ImportOptions(attributes={"role": "mentee"})
        )
        (doc,) = list_documents(project)
        text = document_text(project, doc.guid)
        start = text.index("E6 (김민지):")
        code_range(project, doc.guid, start, text.index("\n", start), "Pressure", create=True)
    out = tmp_path / "m.csv"
    code, _, err = run(capsys, "matrix", path, "--out", out)
    assert (code, err) == (0, "")
    quotes = [r["Quote"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))]
    assert len(quotes) == 1 and quotes[0].startswith("E6: 저는") and "김민지" not in quotes[0]
    code, _, _ = run(capsys, "matrix", path, "--real-names", "--out", out)
    quotes = [r["Quote"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))]
    assert code == 0 and quotes[0].startswith("E6 (김민지): 저는")


def test_matrix_without_the_not_set_column_says_what_it_leaves_out(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.md"
    code, text, err = run(capsys, "matrix", study, "--no-not-set", "--out", out)
    assert (code, err) == (0, "")
    assert "(not set)" not in text
    assert text.splitlines()[1] == (
        "8 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; "
        "1 segment outside any participant's turn; 1 segment from participants without a "
        "value for role."
    )
    assert text.splitlines()[1] in out.read_text(encoding="utf-8")
    code, text, _ = run(capsys, "matrix", study, "--groups", "(not set),mentor", "--out", out)
    assert code == 0
    assert "(not set) (n = 1), Mentors (n = 2))." in text.splitlines()[0]
    assert "5 segments from participants whose role is not a column" in text
