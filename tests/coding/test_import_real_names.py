"""Real names written in transcript labels are stored privately and never leave (issue 10).

``Moderator (박지훈):`` stores the interviewer's real name; a second spelling in a later
transcript (``M2 (Lee Seo-yeon)`` after ``M2 (이서연)``) is another known name of M2; a
name-first label ``정하늘 (M4):`` makes M4 the pseudonym. Every passage that leaves through
``qualframe segments`` or a matrix export has every spelling replaced by the pseudonym.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.app.cli.main import main
from qualframe.coding.analysis.matrix import MatrixOptions
from qualframe.coding.core.privacy import NameMasker, mask_real_names
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.corpus.segments import code_range
from qualframe.coding.export.matrix_export import export_matrix
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.storage.models import Participant, ParticipantName

FIRST = """Mentor group, session 1

Moderator (박지훈): 오늘 와 주셔서 감사합니다.

M2 (이서연): 저는 작년에 멘티였어요.

정하늘 (M4): 저도 선배님께 도움을 많이 받았어요.

Moderator (박지훈): 박지훈입니다, 다시 질문할게요.

M2 (이서연): 이서연이라고 불러 주세요.

정하늘 (M4): 네.
"""
SECOND = """Mentor group, session 2

Moderator: Welcome back.

M2 (Lee Seo-yeon): As I said last time, Lee Seo-yeon is fine, or Seo-yeon.

M4: I agree with Lee Seo-yeon.

Moderator: Thank you.
"""


@pytest.fixture
def imported(project: Project, tmp_path: Path) -> Project:
    a = tmp_path / "session1.txt"
    a.write_text(FIRST, encoding="utf-8")
    b = tmp_path / "session2.txt"
    b.write_text(SECOND, encoding="utf-8")
    import_files(project, [a, b], ImportOptions(attributes={"role": "mentor"}))
    return project


def _names(project: Project) -> dict[str, set[str]]:
    with project.read() as s:
        rows = s.execute(
            select(Participant.pseudonym, ParticipantName.name).join(
                ParticipantName, ParticipantName.participant_id == Participant.id
            )
        ).all()
    out: dict[str, set[str]] = {}
    for pseudonym, name in rows:
        out.setdefault(pseudonym, set()).add(name)
    return out


def test_every_spelling_is_stored_under_its_pseudonym(imported: Project) -> None:
    names = _names(imported)
    assert names["Moderator"] == {"박지훈"}  # the interviewer's real name, kept private
    assert names["M2"] == {"이서연", "Lee Seo-yeon"}  # a second spelling is another name
    assert names["M4"] == {"정하늘"}  # name first: M4 is the pseudonym
    with imported.read() as s:
        pseudonyms = set(s.scalars(select(Participant.pseudonym)))
        moderator = s.scalar(select(Participant).where(Participant.pseudonym == "Moderator"))
    assert "정하늘" not in pseudonyms and {"M2", "M4"} <= pseudonyms
    assert moderator is not None and moderator.is_interviewer


def test_preview_speaker_lists_every_spelling(project: Project, tmp_path: Path) -> None:
    from qualframe.coding.importing import preview_files

    path = tmp_path / "both.txt"
    path.write_text("M2 (이서연): 네.\n\nM2 (Lee Seo-yeon): Yes.\n\nModerator: Ok.\n", "utf-8")
    (preview,) = preview_files([path], ImportOptions())
    m2 = next(s for s in preview.speaker_details if s.label == "M2")
    assert m2.real_names == ["이서연", "Lee Seo-yeon"]


def test_segments_output_has_no_real_name(
    imported: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = {d.name: d.guid for d in list_documents(imported)}
    for name in ("session1", "session2"):
        # one segment per speaker turn: a quote never carries another speaker's words
        for turn in document_turns(imported, docs[name]):
            code_range(
                imported,
                docs[name],
                turn.start,
                turn.end,
                "Outcomes/Lifestyle/Attendance",
                create=True,
            )
    path = imported.location
    imported.close()
    assert main(["segments", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out)
    assert rows and all(n not in out for n in ("박지훈", "이서연", "Lee Seo-yeon", "정하늘"))
    assert "Moderator: Welcome back." in out and "M4: 저도" in out
    assert "Seo-yeon" in out  # a given name alone is not a stored name (documented limit)
    assert main(["segments", str(path), "--format", "json", "--real-names"]) == 0
    assert "Lee Seo-yeon" in capsys.readouterr().out  # unless asked for


def test_matrix_export_masks_every_spelling(imported: Project, tmp_path: Path) -> None:
    docs = {d.name: d.guid for d in list_documents(imported)}
    text = document_text(imported, docs["session2"])
    start = text.index("M2 (Lee")
    code_range(
        imported, docs["session2"], start, start + 60, "Outcomes/Lifestyle/Attendance", create=True
    )
    out = tmp_path / "matrix.md"
    export_matrix(imported, MatrixOptions(by="role", quotes=2), out)
    written = out.read_text(encoding="utf-8")
    assert "Lee Seo-yeon" not in written


def test_masker_knows_all_spellings(imported: Project) -> None:
    with imported.read() as s:
        mask = NameMasker.from_session(s)
    assert mask("Moderator (박지훈): 박지훈입니다") == "Moderator: Moderator입니다"
    assert mask("정하늘 (M4): 네") == "M4: 네"
    assert mask("M2 (Lee Seo-yeon): I agree with lee seo-yeon") == "M2: I agree with M2"
    assert mask_real_names("이서연 said", {"이서연": "M2"}) == "M2 said"  # public API kept


def test_a_gloss_in_parentheses_is_not_a_name(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gloss.txt"
    path.write_text(
        "M1 (translated): Ich fand es gut.\n\nM1 (translated): Sehr gut.\n\nCTO (Mike): Fine.\n\n"
        "CTO (Mike): Yes.\n",
        "utf-8",
    )
    import_files(project, [path], ImportOptions())
    names = _names(project)
    assert "M1" not in names  # "(translated)" says how, not who
    assert names["CTO"] == {"Mike"}  # a name in parentheses is kept private (the safe side)
