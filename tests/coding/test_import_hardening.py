"""Transcripts as real researchers' files come: odd bytes, encodings, line ends, labels, .docx
markup, file-system oddities. Each file either imports as a careful user expects or is
refused with one sentence naming it, and a refusal leaves the project unchanged to the last
row (``table_dump``)."""

from __future__ import annotations

import codecs
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, ImportRefused, import_files, preview_files
from qualframe.coding.importing.decode import decode_bytes
from tests.coding.test_import_fixtures import MENTEES, table_dump


def _only_document(project: Project) -> tuple[str, list[tuple[str | None, str]]]:
    """The single document's text and its turns as (label, turn text)."""
    (doc,) = list_documents(project)
    text = document_text(project, doc.guid)
    turns = [(t.label, text[t.start : t.end]) for t in document_turns(project, doc.guid)]
    return text, turns


def _import_one(project: Project, path: Path, **options: object) -> tuple[str, list]:  # type: ignore[type-arg]
    report = import_files(project, [path], ImportOptions(**options))  # type: ignore[arg-type]
    assert [f.name for f in report.files] == [path.name]
    return _only_document(project)


# -- bytes and encodings ------------------------------------------------------------------
def test_stray_nul_bytes_are_removed_with_a_warning(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(b"M1: I kept\x00 a notebook.\nM2: Me too.\n")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None
    assert preview.warnings == ["1 NUL byte (not text) removed"]
    text, turns = _import_one(project, path)
    assert text == "M1: I kept a notebook.\nM2: Me too.\n"
    assert turns == [("M1", "M1: I kept a notebook."), ("M2", "M2: Me too.")]


def test_nul_padding_after_a_crash_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "padded.txt"
    path.write_bytes(b"M1: The autosave was cut off.\n" + bytes(8192))
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None and preview.speakers == {"M1": 1}
    assert preview.warnings == ["8192 NUL bytes (not text) removed"]


def test_many_nuls_in_noise_are_still_a_binary_file() -> None:
    with pytest.raises(ImportRefused, match=r"^x\.txt is a binary file, not text\.$"):
        decode_bytes(b"M1: hi\n" + b"\x00\x07\x00\x13" * 400, "x.txt")


def test_a_lone_ctrl_z_and_other_controls_are_not_stored(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "dos.txt"
    # DOS end-of-file mark, an escape code, vertical tab (Word's line break when pasted)
    path.write_bytes(b"M1: one\x1b[0m\x0btwo\r\nM2: three\r\n\x1a")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.warnings == ["2 control characters (not text) removed"]
    text, turns = _import_one(project, path)
    assert text == "M1: one[0m\ntwo\nM2: three\n"
    assert turns == [("M1", "M1: one[0m\ntwo"), ("M2", "M2: three")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_korean_utf16_without_bom_and_few_spaces(codec: str, tmp_path: Path) -> None:
    text = (
        "진행자: 멘토링 프로그램에 참여하게 된 계기가 무엇인가요?\n"
        "학생1: 선배님들이 추천해 주셔서 신청하게 되었습니다. 처음에는 부담스러웠지만 "
        "지금은 만족합니다.\n"
    )
    path = tmp_path / "bomless.txt"
    path.write_bytes(text.encode(codec))
    preview = preview_files([path], ImportOptions())[0]
    assert preview.error is None, preview.error
    assert preview.encoding == codec
    assert preview.speakers == {"진행자": 1, "학생1": 1}


def test_utf8_bom_crlf_and_no_final_newline(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "M1: 첫째\r\nM2: second\r\nM1: last line".encode())
    text, turns = _import_one(project, path)
    assert text == "M1: 첫째\nM2: second\nM1: last line"
    assert turns[-1] == ("M1", "M1: last line")
    assert list_documents(project)[0].source_encoding == "utf-8-sig"


def test_mixed_line_ends(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"M1: one\r\nM2: two\nM1: three\rM2: four\r\n")
    text, turns = _import_one(project, path)
    assert text == "M1: one\nM2: two\nM1: three\nM2: four\n"
    assert [label for label, _ in turns] == ["M1", "M2", "M1", "M2"]


def test_five_megabyte_single_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "oneline.txt"
    path.write_bytes(b"M1: " + b"word " * 1_000_000)  # 5 MB, no newline at all
    start = time.perf_counter()
    report = import_files(project, [path], ImportOptions())
    assert time.perf_counter() - start < 10
    assert report.files[0].words == 1_000_000 and report.files[0].speakers == {"M1": 1}


def test_windows_1252_smart_quotes_in_a_short_text(tmp_path: Path) -> None:
    text = "M1: \u201cFine\u201d \u2013 it\u2019s ok.\n"
    path = tmp_path / "quotes.txt"
    path.write_bytes(text.encode("cp1252"))
    preview = preview_files([path], ImportOptions())[0]
    assert preview.encoding == "cp1252"
    assert decode_bytes(text.encode("cp1252"), "quotes.txt").text == text


@pytest.mark.parametrize(
    "text",
    [
        "학생1: 똠\n",  # one CP949-only syllable: detection alone calls it Big5
        "학생1: 똠방각하 뵈었어요\n진행자: 네.\n",
        "진행자: 안녕하세요 오늘 모임에 와 주셔서 감사합니다\n학생1: 네 감사합니다\n",
    ],
)
def test_short_korean_in_cp949_or_euc_kr(text: str) -> None:
    decoded = decode_bytes(text.encode("cp949"), "k.txt")
    assert decoded.encoding == "cp949"
    assert decoded.text == text


# -- speaker labels ---------------------------------------------------------------------
def test_labels_without_speech(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("M1:\nM2:\nM1:\n", encoding="utf-8")
    preview = preview_files([path], ImportOptions())[0]
    assert preview.speakers == {"M1": 2, "M2": 1}
    assert preview.warnings == ["its speaker labels are followed by no speech; every turn is empty"]
    _, turns = _import_one(project, path)
    assert turns == [("M1", "M1:"), ("M2", "M2:"), ("M1", "M1:")]


def test_spaces_and_no_break_spaces_before_the_colon(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "nbsp.txt"
    path.write_text(
        "M1 : Spaces before the colon.\n"
        "M2\u00a0: A no-break space, as French typing puts it.\n"
        "Participant\u00a03\u202f: Both kinds.\n"
        "Moderator\t: A tab.\n",
        encoding="utf-8",
    )
    _, turns = _import_one(project, path)
    assert [label for label, _ in turns] == ["M1", "M2", "Participant 3", "Moderator"]
    assert {p.pseudonym for p in list_participants(project)} == {"M1", "M2", "Participant 3"}


def test_timestamp_forms(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "times.txt"
    path.write_text(
        "00:12:34 - M1: A dash after the time.\n"
        "[12:34:56.789] M2: Milliseconds.\n"
        "[00:13:02] – M3: An en dash.\n"
        "12:40 M4: Minutes and seconds only.\n",
        encoding="utf-8",
    )
    text, turns = _import_one(project, path)
    assert turns == [
        ("M1", "M1: A dash after the time."),
        ("M2", "M2: Milliseconds."),
        ("M3", "M3: An en dash."),
        ("M4", "M4: Minutes and seconds only."),
    ]
    assert text.startswith("00:12:34 - M1:")  # the timestamps stay in the text


def test_korean_labels(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ko.txt"
    path.write_text("진행자: 시작할게요.\n학생1: 네.\n학생 2: 좋아요.\n면담자: 감사합니다.\n")
    _, turns = _import_one(project, path)
    assert [label for label, _ in turns] == ["진행자", "학생1", "학생 2", "면담자"]
    assert {p.pseudonym for p in list_participants(project)} == {"학생1", "학생 2"}


def test_metadata_lines_are_not_speakers(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text(
        "Focus group 2\nDate: 2024-05-02\nLocation: Room 204\nParticipants: M1, M2\n"
        "일시: 2024년 5월 2일\n참석자: 4명\n\n"
        "Moderator: Welcome.\nM1: Thanks.\nNote: the recorder paused here.\nM2: Hello.\n",
        encoding="utf-8",
    )
    _, turns = _import_one(project, path)
    assert [label for label, _ in turns] == ["Moderator", "M1", "M2"]
    assert {p.pseudonym for p in list_participants(project)} == {"M1", "M2"}


# -- .docx markup -----------------------------------------------------------------------
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _p(*inner: str) -> str:
    return "<w:p>" + "".join(inner) + "</w:p>"


def make_raw_docx(path: Path, body: str, extra_parts: dict[str, str] | None = None) -> Path:
    """A .docx whose body is the given WordprocessingML (as Word itself writes it)."""
    from docx import Document

    Document().save(str(path))
    src = path.with_suffix(".base")
    path.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                xml = xml[:start] + body + xml[xml.index("<w:sectPr", start) :]
                data = xml.encode("utf-8")
            zout.writestr(item, data)
        for name, xml in (extra_parts or {}).items():
            zout.writestr(name, xml)
    src.unlink()
    return path


TEXT_BOX = (
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    "<a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p>"
    "<w:r><w:t>Sticky note on the wall.</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
    "</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p>"
    "<w:r><w:t>Sticky note on the wall.</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)
FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> Said while laughing.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)
ENDNOTES = (
    f'<w:endnotes xmlns:w="{W_NS}"><w:endnote w:id="2"><w:p>'
    "<w:r><w:t>Checked against the audio.</w:t></w:r></w:p></w:endnote></w:endnotes>"
)


def test_docx_markup_shows_what_word_shows(project: Project, tmp_path: Path) -> None:
    body = "".join(
        [
            _p(
                _run("M1: I kept "),
                '<w:del w:id="1" w:author="T"><w:r><w:delText>DELETED </w:delText></w:r></w:del>',
                '<w:ins w:id="2" w:author="T"><w:r><w:t xml:space="preserve">weekly </w:t>'
                "</w:r></w:ins>",
                _run("notes."),
            ),
            _p(
                '<w:moveFrom w:id="3" w:author="T"><w:r><w:t xml:space="preserve">MOVED AWAY '
                "</w:t></w:r></w:moveFrom>",
                _run("M2: See "),
                '<w:hyperlink r:id="rId99"><w:r><w:t>the study guide</w:t></w:r></w:hyperlink>',
                _run("."),
            ),
            _p(
                _run("M3: It was funny"),
                '<w:r><w:footnoteReference w:id="1"/></w:r>',
                _run(" and true"),
                '<w:r><w:endnoteReference w:id="2"/></w:r>',
                _run("."),
            ),
            _p(
                _run("M4: Page "),
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                "<w:r><w:instrText> PAGE </w:instrText></w:r>",
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>',
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                _run(" on "),
                '<w:fldSimple w:instr=" DATE "><w:r><w:t>2024-05-02</w:t></w:r></w:fldSimple>',
                _run("."),
            ),
            _p(
                _run("M5: Co"),
                "<w:r><w:softHyphen/></w:r>",
                _run("operation"),
                "<w:r><w:tab/></w:r>",
                _run("in "),
                '<w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>Seoul</w:t></w:r>'
                "</w:smartTag>",
                _run("."),
            ),
            _p(_run("M6: Look at this "), TEXT_BOX, _run("board.")),
            _p(
                '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">HIDDEN </w:t></w:r>',
                _run("M7: Visible only."),
            ),
            _p(
                '<w:del w:id="9" w:author="T"><w:r><w:delText>M8: A deleted paragraph.'
                "</w:delText></w:r></w:del>"
            ),
        ]
    )
    path = make_raw_docx(
        tmp_path / "tracked.docx",
        body,
        {"word/footnotes.xml": FOOTNOTES, "word/endnotes.xml": ENDNOTES},
    )
    text, turns = _import_one(project, path)
    assert text == (
        "M1: I kept weekly notes.\n\n"
        "M2: See the study guide.\n\n"
        "M3: It was funny [footnote: Said while laughing.] and true "
        "[endnote: Checked against the audio.].\n\n"
        "M4: Page 7 on 2024-05-02.\n\n"
        "M5: Cooperation\tin Seoul.\n\n"
        "M6: Look at this board.\n\n"
        "Sticky note on the wall.\n\n"
        "M7: Visible only."
    )
    for gone in ("DELETED", "MOVED AWAY", "HIDDEN", "M8", "PAGE"):
        assert gone not in text
    assert [label for label, _ in turns] == ["M1", "M2", "M3", "M4", "M5", "M6", "M7"]
    assert turns[5] == ("M6", "M6: Look at this board.\n\nSticky note on the wall.")


# The shape LibreOffice gives a .docx (captured from `soffice --convert-to docx`): explicit
# empty rPr, w:b with and without w:val, a bold label split over several runs.
LIBREOFFICE_BODY = (
    '<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:rPr></w:rPr></w:pPr><w:r><w:rPr></w:rPr>'
    "<w:t>Mentor group (LibreOffice)</w:t></w:r></w:p>"
    '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:rPr></w:rPr></w:pPr>'
    "<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t>Moderator</w:t></w:r>"
    '<w:r><w:rPr><w:b w:val="false"/></w:rPr><w:t>: Why mentoring?</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:rPr></w:rPr></w:pPr>'
    '<w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t xml:space="preserve">M2 (</w:t></w:r>'
    '<w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t>이서연</w:t></w:r>'
    '<w:r><w:rPr><w:b w:val="true"/></w:rPr><w:t>)</w:t></w:r>'
    '<w:r><w:rPr></w:rPr><w:t xml:space="preserve"> I had a mentor myself.</w:t>'
    "<w:br/><w:t>Second line.</w:t></w:r></w:p>"
    '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:rPr></w:rPr></w:pPr>'
    '<w:r><w:rPr><w:rStyle w:val="StrongEmphasis"/></w:rPr><w:t>M3</w:t></w:r>'
    '<w:r><w:rPr></w:rPr><w:t xml:space="preserve"> Strong Emphasis is bold.</w:t></w:r></w:p>'
)


def test_docx_saved_by_libreoffice(project: Project, tmp_path: Path) -> None:
    path = make_raw_docx(tmp_path / "lo.docx", LIBREOFFICE_BODY)
    text, turns = _import_one(project, path)
    assert text.startswith("Mentor group (LibreOffice)\n\nModerator: Why mentoring?")
    assert [label for label, _ in turns] == ["Moderator", "M2", "M3"]
    assert turns[1] == ("M2", "M2 (이서연) I had a mentor myself.\nSecond line.")
    (m2,) = [p for p in list_participants(project) if p.pseudonym == "M2"]
    assert m2.real_name == "이서연"


# -- many files, names, file-system oddities --------------------------------------------
def test_three_hundred_tiny_files_are_quick(project: Project, tmp_path: Path) -> None:
    paths = []
    for i in range(300):
        p = tmp_path / f"t{i:03}.txt"
        p.write_text(f"Moderator: Hello.\nP{i}: Answer {i}.\n", encoding="utf-8")
        paths.append(p)
    start = time.perf_counter()
    assert all(p.ok for p in preview_files(paths, ImportOptions()))
    report = import_files(project, paths, ImportOptions(attributes={"role": "mentee"}))
    assert time.perf_counter() - start < 20
    assert len(report.documents) == 300 and len(list_participants(project)) == 300


def test_hangul_file_name_with_spaces(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "면담 1차 녹취록 (최종).txt"
    path.write_text("학생1: 안녕하세요.\n", encoding="utf-8")
    report = import_files(project, [path], ImportOptions())
    assert report.documents == ["면담 1차 녹취록 (최종)"]
    assert list_documents(project)[0].original_filename == "면담 1차 녹취록 (최종).txt"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _loop(path: Path) -> Path:
    other = path.with_name("loop_b.txt")
    os.symlink(other, path)
    os.symlink(path, other)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    (path / "inside.txt").write_text("M1: hi\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes and symlinks")
@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("transcripts", _folder, "transcripts is a folder, not a file (choose the files in it)."),
        ("pipe.txt", _fifo, "pipe.txt is not a regular file (perhaps a pipe or a device)."),
        ("loop_a.txt", _loop, "loop_a.txt cannot be read (Too many levels of symbolic links)."),
    ],
)
def test_file_system_oddities_are_refused(
    project: Project,
    tmp_path: Path,
    name: str,
    build: Callable[[Path], Path],
    message: str,
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(MENTEES, encoding="utf-8")
    import_files(project, [good], ImportOptions())
    before = table_dump(project)
    bad = build(tmp_path / name)
    other = tmp_path / "other.txt"
    other.write_text(MENTEES.replace("E3", "E9"), encoding="utf-8")
    assert preview_files([bad], ImportOptions())[0].error == message  # a pipe must not block
    with pytest.raises(ImportRefused) as info:
        import_files(project, [other, bad], ImportOptions())
    assert str(info.value) == message
    assert table_dump(project) == before


def test_file_removed_between_preview_and_import(project: Project, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text(MENTEES, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(MENTEES.replace("E1", "E5"), encoding="utf-8")
    before = table_dump(project)
    options = ImportOptions()
    previews = preview_files([a, b], options)  # the GUI's preview step
    assert all(p.ok for p in previews)
    b.unlink()  # moved away while the dialog was open
    with pytest.raises(ImportRefused, match=r"^b\.txt does not exist\.$"):
        import_files(project, [a, b], options)
    assert table_dump(project) == before
    report = import_files(project, [a, b], options, skip_bad=True)
    assert [f.name for f in report.files] == ["a.txt"]
    assert [f.error for f in report.skipped] == ["b.txt does not exist."]
