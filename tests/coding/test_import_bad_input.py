"""Bad input: one sentence naming the file, and the project unchanged to the last row."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from qualframe.coding.core.project import Project
from qualframe.coding.importing import (
    ImportCancelled,
    ImportOptions,
    ImportRefused,
    import_files,
    preview_files,
)
from tests.coding.test_import_fixtures import (
    MENTEES,
    make_cfb,
    make_docx,
    make_pdf,
    make_xlsx,
    make_zip_txt,
    table_dump,
)


def _write(data: bytes) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return build


def _truncated(builder: Callable[[Path], Path]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        full = builder(path).read_bytes()
        path.write_bytes(full[: len(full) // 2])
        return path

    return build


def _corrupt_member(builder: Callable[[Path], Path], member: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        builder(path)
        src = path.with_suffix(".src")
        path.rename(src)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                zout.writestr(item, data[: len(data) // 3] if item.filename == member else data)
        return path

    return build


def _survey(text: str) -> Callable[[Path], Path]:
    return _write(text.encode("utf-8"))


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("empty.txt", _write(b""), "empty.txt is empty."),
    ("blank.docx", _write(b""), "blank.docx is empty."),
    ("noise.txt", _write(os.urandom(4096) + b"\x00"), "noise.txt is a binary file, not text."),
    ("photo.txt", _write(b"\x89PNG\r\n\x1a\n" + os.urandom(64)), "photo.txt is a PNG image, not a text file."),
    ("archive.txt", make_zip_txt, "archive.txt is a zip archive (perhaps a Word or Excel file), not a text file."),
    ("plain.docx", _write(MENTEES.encode()), "plain.docx is plain text, not a .docx file (check its extension)."),
    ("plain.xlsx", _write(b"id,q\nA,1\n"), "plain.xlsx is plain text, not a .xlsx file (check its extension)."),
    ("other.docx", make_zip_txt, "other.docx is a zip archive but not a .docx file."),
    ("cut.docx", _truncated(make_docx), "cut.docx is damaged or incomplete and cannot be read as a .docx file."),
    ("bad.docx", _corrupt_member(make_docx, "word/document.xml"), "bad.docx is damaged or incomplete and cannot be read as a .docx file."),
    ("cut.xlsx", _truncated(make_xlsx), "cut.xlsx is damaged or incomplete and cannot be read as a .xlsx file."),
    ("locked.docx", make_cfb, "locked.docx is password-protected; remove the password in Word and import again."),
    ("locked.xlsx", make_cfb, "locked.xlsx is password-protected; remove the password in Excel and import again."),
    ("scan.pdf", lambda p: make_pdf(p, None), "scan.pdf has no text layer (it is probably a scan); run text recognition (OCR) on it and import the result."),
    ("fake.pdf", _write(b"E1: not a pdf\n"), "fake.pdf is plain text, not a PDF document (check its extension)."),
    ("dups.csv", _survey("respondent_id,q1\nR1,4\nR2,5\nR1,3\n"), "dups.csv has duplicate respondent ids (R1 in rows 2 and 4)."),
    ("numbers.csv", _survey("1,2,3\n4,5,6\n7,8,9\n"), "numbers.csv has no recognisable header row (a row naming each column above the answers)."),
    ("blankid.csv", _survey("respondent_id,q1\nR1,4\n,5\n"), "blankid.csv has no respondent id in row 3 (column 'respondent_id')."),
    ("odd.tex", _write(b"\\section{x}"), "odd.tex has an unsupported file type (.tex); use .docx, .txt, .md, .odt, .rtf, .pdf, .csv or .xlsx."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_and_nothing_changes(
    project: Project, tmp_path: Path, name: str, build: Callable[[Path], Path], message: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(MENTEES, encoding="utf-8")
    import_files(project, [good], ImportOptions(attributes={"role": "mentee"}))
    before = table_dump(project)
    bad = build(tmp_path / name)
    other = tmp_path / "other_good.txt"
    other.write_text(MENTEES.replace("E3", "E9"), encoding="utf-8")

    preview = preview_files([bad], ImportOptions())[0]
    assert preview.error == message
    with pytest.raises(ImportRefused) as info:
        import_files(project, [other, bad], ImportOptions(attributes={"role": "mentor"}))
    assert str(info.value) == message
    assert table_dump(project) == before


def test_already_imported_and_duplicates_within_one_batch(project: Project, tmp_path: Path) -> None:
    a = tmp_path / "fgi_a.txt"
    a.write_text(MENTEES, encoding="utf-8")
    import_files(project, [a], ImportOptions())
    before = table_dump(project)
    copy = tmp_path / "copy_of_a.txt"
    copy.write_bytes(a.read_bytes())
    with pytest.raises(
        ImportRefused, match=r"^copy_of_a\.txt was already imported \(as fgi_a\)\.$"
    ):
        import_files(project, [copy], ImportOptions())
    assert table_dump(project) == before
    b = tmp_path / "fgi_b.txt"
    b.write_text(MENTEES + "\nE4: new\n", encoding="utf-8")
    b2 = tmp_path / "fgi_b2.txt"
    b2.write_bytes(b.read_bytes())
    with pytest.raises(ImportRefused, match=r"^fgi_b2\.txt was already imported \(as fgi_b\)\.$"):
        import_files(project, [b, b2], ImportOptions())
    assert table_dump(project) == before


def test_survey_imported_twice_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,sat\nA1,4\nA2,5\n", encoding="utf-8")
    import_files(project, [path], ImportOptions())
    before = table_dump(project)
    with pytest.raises(ImportRefused, match=r"^s\.csv has answers from A1 "):
        import_files(project, [path], ImportOptions())
    assert table_dump(project) == before


def test_skip_bad_imports_the_rest(project: Project, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(MENTEES, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    report = import_files(project, [empty, good], ImportOptions(), skip_bad=True)
    assert [f.name for f in report.files] == ["good.txt"]
    assert [(f.name, f.error) for f in report.skipped] == [("empty.txt", "empty.txt is empty.")]
    assert "empty.txt: skipped — empty.txt is empty." in report.lines()
    with pytest.raises(ImportRefused, match="None of the files"):
        import_files(project, [empty], ImportOptions(), skip_bad=True)


def test_cancel_rolls_everything_back(project: Project, tmp_path: Path) -> None:
    before = table_dump(project)
    paths = []
    for i in range(3):
        p = tmp_path / f"g{i}.txt"
        p.write_text(MENTEES.replace("E1", f"X{i}"), encoding="utf-8")
        paths.append(p)
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, name: str) -> bool:
        seen.append((done, total, name))
        return done < 2

    with pytest.raises(ImportCancelled):
        import_files(project, paths, ImportOptions(), progress)
    assert seen == [(1, 3, "g0.txt"), (2, 3, "g1.txt")]
    assert table_dump(project) == before


def test_missing_file(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match=r"^nowhere\.txt does not exist\.$"):
        import_files(project, [tmp_path / "nowhere.txt"], ImportOptions())
