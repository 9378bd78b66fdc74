"""Transcript import end to end: every format, storage conventions, renaming and merging."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, import_files, preview_files
from qualframe.storage.models import Document
from tests.coding.test_import_fixtures import (
    KOREAN,
    MENTEES,
    make_docx,
    make_odt,
    make_pdf,
    make_rtf,
)


def _turns(project: Project, name: str) -> tuple[str, list[tuple[str | None, str, str, bool]]]:
    doc = next(d for d in list_documents(project) if d.name == name)
    text = document_text(project, doc.guid)
    return text, [
        (
            t.pseudonym,
            text[t.start : t.label_end or t.start],
            text[t.start : t.end],
            t.is_interviewer,
        )
        for t in document_turns(project, doc.guid)
    ]


def test_plain_text_import_follows_the_storage_conventions(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "fgi_test.txt"
    raw = MENTEES.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(raw)
    report = import_files(project, [path], ImportOptions(attributes={"role": "mentee"}))
    assert report.change.documents_added and report.change.participants
    assert len(report.change.documents) == 1
    f = report.files[0]
    assert (f.kind, f.encoding, f.turns) == ("transcript", "utf-8", 7)
    assert f.speakers == {"Moderator": 2, "E1": 2, "E2": 1, "Interviewer": 1, "E3": 1}
    with project.read() as s:
        doc = s.scalar(select(Document).where(Document.name == "fgi_test"))
        assert doc is not None
        assert doc.kind == "transcript" and doc.original_filename == "fgi_test.txt"
        assert doc.content_hash == hashlib.sha256(raw).hexdigest()
        assert doc.source_encoding == "utf-8"
        assert "\r" not in doc.text and doc.text == MENTEES
    _text, turns = _turns(project, "fgi_test")
    assert turns[0] == (None, "Moderator:", turns[0][2], True)
    assert turns[1][:2] == ("E1", "E1:") and turns[1][2].endswith("plan the whole block.")
    assert turns[2][1] == "E2 (김하늘):"
    people = {p.pseudonym: p for p in list_participants(project)}
    assert set(people) == {"E1", "E2", "E3"}  # interviewers are not participants
    assert people["E2"].real_name == "김하늘"
    assert all(p.attributes == {"role": "mentee"} for p in people.values())


def test_rename_merge_and_interviewer_overrides(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_text(MENTEES, encoding="utf-8")
    options = ImportOptions(
        speaker_map={"E1": "P1", "E3": "P1", "E2": "P2"},
        interviewer_overrides={"Interviewer": False, "E2": True},
    )
    preview = preview_files([path], options)[0]
    assert preview.speakers == {"Moderator": 2, "P1": 3, "P2": 1, "Interviewer": 1}
    import_files(project, [path], options)
    people = {p.pseudonym for p in list_participants(project)}
    assert people == {"P1", "Interviewer"}
    _, turns = _turns(project, "g")
    assert [t[0] for t in turns] == [None, "P1", None, None, "P1", "Interviewer", "P1"]


def test_korean_cp949_and_extra_interviewer(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "korean.txt"
    path.write_bytes(KOREAN.replace("\n", "\r\n").encode("cp949"))
    report = import_files(project, [path], ImportOptions(interviewers=["E7"]))
    assert report.files[0].encoding == "cp949"
    _, turns = _turns(project, "korean")
    assert [(t[0], t[3]) for t in turns] == [
        (None, True),
        ("E6", False),
        (None, True),
        (None, True),
    ]
    assert [p.real_name for p in list_participants(project)] == ["김민지"]


def test_docx_bold_labels_tables_and_line_breaks(project: Project, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "mentors.docx")
    report = import_files(project, [path], ImportOptions(attributes={"role": "mentor"}))
    f = report.files[0]
    assert (f.format, f.encoding) == ("docx", None)
    text, turns = _turns(project, "mentors")
    assert text.startswith("Focus group with mentors\n\nModerator: Why did you sign up")
    assert "Partly for the volunteer credit.\nSecond line of the same paragraph." in text
    assert "Session\tDate\nMentors\t2024-05-02" not in text  # rows are paragraphs
    assert "Session\tDate\n\nMentors\t2024-05-02" in text
    assert [(t[0], t[1], t[3]) for t in turns] == [
        (None, "Moderator:", True),
        ("M1", "M1:", False),
        ("M2", "M2 (이서연)", False),
        ("M3", "M3:", False),
    ]
    assert turns[1][2].endswith("And a continuation paragraph without a label.")
    assert {p.pseudonym: p.real_name for p in list_participants(project)} == {
        "M1": None, "M2": "이서연", "M3": None,
    }  # fmt: skip


def test_odt_rtf_pdf_and_markdown(project: Project, tmp_path: Path) -> None:
    odt = make_odt(tmp_path / "odt_group.odt")
    rtf = make_rtf(
        tmp_path / "rtf_group.rtf", "Moderator: Caf\u00e9 first?\nE9: Yes, the caf\u00e9.\nmore\n"
    )
    rtf_ko = make_rtf(tmp_path / "rtf_ko.rtf", "진행자: 시작할게요.\nE10 (최유나): 네.\n", "cp949")
    pdf = make_pdf(tmp_path / "pdf_group.pdf", ["Facilitator: What helped?", "E11: The quizzes."])
    md = tmp_path / "md_group.md"
    md.write_text("# Group\n\n**Moderator:** Hello.\n\n**E12**: Hi.\n", encoding="utf-8")
    report = import_files(project, [odt, rtf, rtf_ko, pdf, md], ImportOptions())
    assert [f.format for f in report.files] == ["odt", "rtf", "rtf", "pdf", "md"]
    assert [f.encoding for f in report.files][1:3] == ["cp1252", "cp949"]
    text, turns = _turns(project, "odt_group")
    assert text.startswith("Mentee group (odt)\n\nFacilitator: Let us begin")
    assert "Group\tMentees" in text
    assert [(t[0], t[1]) for t in turns] == [(None, "Facilitator:"), ("E4", "E4:"), ("E5", "E5")]
    text, turns = _turns(project, "rtf_group")
    assert [(t[0], t[2]) for t in turns] == [
        (None, "Moderator: Café first?"),
        ("E9", "E9: Yes, the café.\n\nmore"),
    ]
    _, turns = _turns(project, "rtf_ko")
    assert [t[1] for t in turns] == ["진행자:", "E10 (최유나):"]
    _, turns = _turns(project, "pdf_group")
    assert [(t[0], t[2]) for t in turns] == [
        (None, "Facilitator: What helped?"),
        ("E11", "E11: The quizzes."),
    ]
    _, turns = _turns(project, "md_group")
    assert [t[0] for t in turns] == [None, "E12"]


def test_text_without_labels_is_one_document_without_turns(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("A reflective essay.\n\nIt has no speakers at all.\n", encoding="utf-8")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.turns == 0 and preview.words == 9
    assert any("no speaker labels" in w for w in preview.warnings)
    import_files(project, [path], ImportOptions())
    assert _turns(project, "essay")[1] == []


def test_same_stem_gets_a_distinct_name(project: Project, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = tmp_path / "a" / "group.txt"
    two = tmp_path / "b" / "group.txt"
    one.write_text("E1: first\n", encoding="utf-8")
    two.write_text("E1: second\n", encoding="utf-8")
    report = import_files(project, [one, two], ImportOptions())
    assert report.documents == ["group", "group (2)"]
