"""Merging two copies carries what the researcher and survey work added to a project: every
spelling of a participant's real name (so exports keep masking them), survey items with their
wording and value labels, survey response rows, document sets with their members, document and
code memos, document renames; and it does not fight participant or coder merges made on
either side. Merging twice changes nothing, and one undo takes it all back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding import commands
from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import UndoStack
from qualframe.coding.commands.participant_merge import MergeParticipants
from qualframe.coding.commands.set_commands import AddDocumentSet
from qualframe.coding.core.privacy import NameMasker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_merge import MergeCoders
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.memos import AddMemo, list_memos
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.corpus.sets import list_sets
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.merge import MergeProject, preview_merge
from qualframe.coding.merge.source import read_source
from qualframe.coding.query.segments import list_segments
from qualframe.storage.database import copy_project
from qualframe.storage.models import ParticipantName, SurveyResponse
from tests.coding.agreement.study import code

LIKERT = "Very dissatisfied=1|Dissatisfied=2|Neutral=3|Satisfied=4|Very satisfied=5"
FGI_A = (
    "Moderator: 멘토링에서 무엇이 가장 도움이 되었나요?\n\n"
    "E6 (김민지): 시험 전에 같이 공부한 것이 제일 좋았어요.\n\n"
    "E7 (Lee Seo-yeon): For me it was the weekly meetings in the library.\n\n"
    "Moderator: Anything difficult?\n\n"
    "E6 (김민지): 가끔 부담스러웠어요.\n\n"
    "E7 (Lee Seo-yeon): Finding a time that suited both of us.\n"
)
# the same people in a second group, their names written another way; a new participant
FGI_B = (
    "Moderator: Was hat sich im zweiten Jahr verändert?\n\n"
    "E6 (Kim Minji): Ich plane meine Woche jetzt selbst.\n\n"
    "E9 (Park Ji-woo): Wir treffen uns seltener, aber gezielter.\n\n"
    "Moderator: Und was fehlt noch?\n\n"
    "E6 (Kim Minji): Ein Treffen vor den Prüfungen.\n\n"
    "E9 (Park Ji-woo): Mehr Zeit mit der Mentorin.\n"
)


def qualtrics(
    rows: list[str], questions: tuple[str, str] = ("Q1", "Q2"),
    wording: tuple[str, str] = ("How satisfied are you with your mentor?",
                                "What would you change?"),
) -> str:  # fmt: skip
    """A Qualtrics choice-text export: column ids, question wording, ImportIds, answers."""
    keys = ("startDate", "status", "progress", "finished", "_recordId", "pid", "role",
            f"QID{questions[0][1:]}", f"QID{questions[1][1:]}_TEXT")  # fmt: skip
    return (
        f"StartDate,Status,Progress,Finished,ResponseId,pid,role,{','.join(questions)}\n"
        f"Start Date,Response Type,Progress,Finished,Response ID,pid,role,{','.join(wording)}\n"
        + ",".join(f'"{{""ImportId"":""{k}""}}"' for k in keys)
        + "\n"
        + "".join(r + "\n" for r in rows)
    )


SURVEY = qualtrics([
    "2024-05-02 10:00:00,IP Address,100,True,R_1aB,E6,mentee,Very satisfied,더 자주 만나고 싶어요.",
    "2024-05-02 11:00:00,IP Address,100,True,R_2cD,E7,mentee,Satisfied,More structure early on.",
    "2024-05-03 09:00:00,IP Address,40,False,R_3eF,E8,mentor,Dissatisfied,",
])  # fmt: skip
FOLLOW_UP = qualtrics([
    "2025-05-02 10:00:00,IP Address,100,True,R_9xY,E6,mentee,Satisfied,Weniger Papierkram.",
    "2025-05-02 11:00:00,IP Address,55,False,R_8wZ,E7,mentee,Neutral,Mehr Treffen im Winter.",
], ("Q5", "Q6"), ("Wie zufrieden sind Sie mit Ihrer Mentorin?",
                  "Was würden Sie ändern?"))  # fmt: skip


def _import(project: Project, folder: Path, files: dict[str, str]) -> None:
    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    options = ImportOptions(id_column="pid", likert_maps={"Q1": LIKERT, "Q5": LIKERT},
                            attributes={"role": "mentee"})  # fmt: skip
    import_files(project, paths, options)


def names_of(project: Project) -> set[tuple[str, str]]:
    with project.read() as s:
        from qualframe.storage.models import Participant

        return set(
            s.execute(
                select(Participant.pseudonym, ParticipantName.name).join(
                    ParticipantName, ParticipantName.participant_id == Participant.id
                )
            ).all()
        )


def responses_of(project: Project) -> set[tuple[str, str, str]]:
    with project.read() as s:
        from qualframe.storage.models import Participant

        return {
            (str(p), str(f), str(st))
            for p, f, st in s.execute(
                select(Participant.pseudonym, SurveyResponse.source_filename, SurveyResponse.status)
                .join(Participant, Participant.id == SurveyResponse.participant_id)
            )
        }  # fmt: skip


def answers_of(project: Project) -> set[tuple[str, str, str, str]]:
    """(pseudonym, file, item, answer) of every closed answer packed into a response row."""
    with project.read() as s:
        from qualframe.storage.models import Participant, SurveyItem

        names = dict(s.execute(select(SurveyItem.id, SurveyItem.name)).all())
        return {
            (str(p), str(f), names[int(i)], str(entry))
            for p, f, packed in s.execute(
                select(Participant.pseudonym, SurveyResponse.source_filename,
                       SurveyResponse.answers)
                .join(Participant, Participant.id == SurveyResponse.participant_id)
            )
            for i, entry in (packed or {}).items()
        }  # fmt: skip


def state(project: Project) -> tuple[object, ...]:
    segs = sorted(
        (s.guid, s.document_name, s.coder, s.start, s.end) for s in list_segments(project)
    )
    docs = sorted((d.guid, d.name) for d in list_documents(project))
    sets = sorted((r.name, tuple(sorted(r.document_guids))) for r in list_sets(project))
    memos = sorted((m.guid, m.kind, m.title, m.text) for m in list_memos(project))
    people = sorted((p.pseudonym, tuple(sorted(p.attributes.items())))
                    for p in list_participants(project))  # fmt: skip
    return (segs, docs, sets, memos, people, sorted(names_of(project)),
            sorted(responses_of(project)), sorted(answers_of(project)),
            project.info())  # fmt: skip


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Project, Path]:
    return make_copies(tmp_path)


def make_copies(tmp_path: Path) -> tuple[Project, Path]:
    """Ha-eun's copy (open) and Jordan's (a file), after each went on with the study."""
    base = Project.create(tmp_path / "base.qualframe", coder="Ha-eun")
    _import(base, tmp_path, {"fgi_a.txt": FGI_A, "survey.csv": SURVEY})
    base.close()
    copy_project(tmp_path / "base.qualframe", tmp_path / "haeun.qualframe")
    copy_project(tmp_path / "base.qualframe", tmp_path / "jordan.qualframe")
    with Project.open(tmp_path / "jordan.qualframe", coder="Jordan") as j:
        _import(j, tmp_path, {"fgi_b.txt": FGI_B, "follow_up.csv": FOLLOW_UP})
        docs = {d.name: d.guid for d in list_documents(j)}
        AddDocumentSet("Pilot", [docs["fgi_a"]]).do(j)
        AddDocumentSet("Year 2", [docs["fgi_b"]]).do(j)
        code(j, "Jordan", "fgi_b", "Ein Treffen vor den Prüfungen", "Wishes/Exam meeting")
        wish = next(c for c in code_tree(j) if c.path_text == "Wishes/Exam meeting")
        AddMemo("Exams", "Both years ask for it.", kind="code", code_guid=wish.guid).do(j)
        AddMemo("Group A", "Mostly Korean.", kind="document", document_guid=docs["fgi_a"]).do(j)
        commands.RenameDocument(docs["fgi_a"], "FGI A (mentees)").do(j)
    h = Project.open(tmp_path / "haeun.qualframe", coder="Ha-eun")
    docs = {d.name: d.guid for d in list_documents(h)}
    AddDocumentSet("pilot", [docs["fgi_a"]]).do(h)
    commands.RenameDocument(docs["fgi_a"], "FGI A").do(h)
    return h, tmp_path / "jordan.qualframe"


def test_names_surveys_sets_and_memos_come_across(copies: tuple[Project, Path]) -> None:
    h, other = copies
    source, plan = preview_merge(h, other, "mine")
    assert [c.kind for c in plan.conflicts] == ["document renamed"]
    assert plan.conflicts[0].mine == "FGI A" and plan.conflicts[0].theirs == "FGI A (mentees)"
    MergeProject(source, "mine").do(h)
    # every spelling of every real name is kept, so exports keep masking them
    assert {("E6", "김민지"), ("E6", "Kim Minji"), ("E9", "Park Ji-woo")} <= names_of(h)
    with h.read() as s:
        mask = NameMasker.from_session(s)
    assert mask("Kim  Minji und Park Ji-woo") == "E6 und E9"
    # the survey tables are the other copy's own (wording, value labels, statuses)
    with Project.open(other, read_only=True) as j:
        theirs = survey_tables(j, by="role").to_json()
        assert responses_of(h) == responses_of(j)
        assert answers_of(h) == answers_of(j)
    assert survey_tables(h, by="role").to_json() == theirs
    assert ("E7", "follow_up.csv", "incomplete") in responses_of(h)
    # sets matched by name ("pilot" is Jordan's "Pilot"), members added
    docs = {d.guid: d.name for d in list_documents(h)}
    sets = {r.name: sorted(docs[g] for g in r.document_guids) for r in list_sets(h)}
    assert sets == {"pilot": ["FGI A"], "Year 2": ["fgi_b"]}
    memos = {(m.kind, m.title) for m in list_memos(h)}
    assert {("code", "Exams"), ("document", "Group A")} <= memos


@pytest.mark.parametrize("rule", ["mine", "theirs", "both"])
def test_merging_again_changes_nothing_and_undo_takes_it_back(
    copies: tuple[Project, Path], rule: str
) -> None:
    h, other = copies
    before = state(h)
    stack = UndoStack(h)
    stack.push(MergeProject(read_source(other), rule))  # type: ignore[arg-type]
    merged = state(h)
    names = {d.name for d in list_documents(h)}
    assert ("FGI A (mentees)" in names) is (rule == "theirs")
    assert preview_merge(h, other, rule)[1].changes == 0
    stack.push(MergeProject(read_source(other), rule))  # type: ignore[arg-type]
    assert state(h) == merged
    stack.undo()
    stack.undo()
    assert state(h) == before
    stack.redo()
    assert state(h) == merged


def _pair_of_pseudonyms(tmp_path: Path) -> tuple[Path, Path]:
    """One person as speaker E6 of a transcript and as respondent R6 of a survey."""
    base = Project.create(tmp_path / "base.qualframe", coder="Ha-eun")
    survey = SURVEY.replace(",E6,", ",R6,")
    _import(base, tmp_path, {"fgi_a.txt": FGI_A, "survey.csv": survey})
    base.close()
    for name in ("haeun", "jordan"):
        copy_project(tmp_path / "base.qualframe", tmp_path / f"{name}.qualframe")
    return tmp_path / "haeun.qualframe", tmp_path / "jordan.qualframe"


def _guid(project: Project, pseudonym: str) -> str:
    return next(p.guid for p in list_participants(project) if p.pseudonym == pseudonym)


def test_a_participant_merged_here_is_not_brought_back(tmp_path: Path) -> None:
    mine, theirs = _pair_of_pseudonyms(tmp_path)
    with Project.open(theirs, coder="Jordan") as j:
        commands.SetParticipantAttribute(_guid(j, "R6"), "year", "1").do(j)
    with Project.open(mine, coder="Ha-eun") as h:
        MergeParticipants(_guid(h, "R6"), _guid(h, "E6")).do(h)
        before = survey_tables(h, by="role").to_json()
        source, plan = preview_merge(h, theirs, "theirs")
        assert plan.followed == ["participant R6 → E6"] and plan.participants == []
        MergeProject(source, "theirs").do(h)
        assert "R6" not in {p.pseudonym for p in list_participants(h)}
        e6 = next(p for p in list_participants(h) if p.pseudonym == "E6")
        assert e6.attributes["year"] == "1"  # their value, set on one side only, follows
        # the survey counts R6's answers once, under E6
        assert survey_tables(h, by="role").to_json() == before
        assert preview_merge(h, theirs, "theirs")[1].changes == 0


def test_a_participant_merged_there_is_a_conflict_not_a_double_count(tmp_path: Path) -> None:
    mine, theirs = _pair_of_pseudonyms(tmp_path)
    with Project.open(theirs, coder="Jordan") as j:
        MergeParticipants(_guid(j, "R6"), _guid(j, "E6")).do(j)
    with Project.open(mine, coder="Ha-eun") as h:
        before = survey_tables(h, by="role").to_json()
        source, plan = preview_merge(h, theirs, "theirs")
        merged = [c for c in plan.conflicts if c.kind == "participants merged"]
        assert [c.what for c in merged] == ["R6 into E6"]
        assert plan.answers == [] and plan.responses == [] and plan.held_apart > 0
        MergeProject(source, "theirs").do(h)
        assert survey_tables(h, by="role").to_json() == before
        assert {"R6", "E6"} <= {p.pseudonym for p in list_participants(h)}


def test_a_coder_merged_here_is_not_brought_back(tmp_path: Path) -> None:
    base = Project.create(tmp_path / "base.qualframe", coder="J. Lee")
    _import(base, tmp_path, {"fgi_a.txt": FGI_A})
    code(base, "J. Lee", "fgi_a", "weekly meetings in the library", "Support/Meetings")
    base.close()
    copy_project(tmp_path / "base.qualframe", tmp_path / "haeun.qualframe")
    copy_project(tmp_path / "base.qualframe", tmp_path / "jordan.qualframe")
    with Project.open(tmp_path / "jordan.qualframe", coder="J. Lee") as j:
        code(j, "J. Lee", "fgi_a", "Finding a time", "Difficulties/Scheduling")
    with Project.open(tmp_path / "haeun.qualframe", coder="Ha-eun") as h:
        code(h, "Jordan Lee", "fgi_a", "For me it was", "Support/Meetings")
        MergeCoders("J. Lee", "Jordan Lee").do(h)
        source, plan = preview_merge(h, tmp_path / "jordan.qualframe")
        assert plan.coders == [] and plan.followed == ["coder J. Lee → Jordan Lee"]
        MergeProject(source, "mine").do(h)
        assert "J. Lee" not in coder_names(h)
        coders = {s.coder for s in list_segments(h)}
        assert coders == {"Jordan Lee"}
        assert len(list_segments(h)) == 3


def test_an_answer_packed_into_a_response_row_here_comes_and_goes_with_undo(
    copies: tuple[Project, Path],
) -> None:
    """Closed answers live in their response row (revision 0008): an answer this copy lacks
    is packed into its existing row of the same file, and undo takes exactly it out again."""
    from qualframe.storage.models import Participant

    h, other = copies
    with h.write() as s:
        row = s.scalars(
            select(SurveyResponse)
            .join(Participant, Participant.id == SurveyResponse.participant_id)
            .where(Participant.pseudonym == "E6", SurveyResponse.source_filename == "survey.csv")
        ).one()
        packed = dict(row.answers)
        dropped = sorted(packed)[0]
        row.answers = {k: v for k, v in packed.items() if k != dropped}
    before = answers_of(h)
    stack = UndoStack(h)
    stack.push(MergeProject(read_source(other), "mine"))  # type: ignore[arg-type]
    came = answers_of(h) - before
    assert {(p, f) for p, f, _i, _e in came} >= {("E6", "survey.csv")}
    assert len([a for a in came if a[:2] == ("E6", "survey.csv")]) == 1
    stack.undo()
    assert answers_of(h) == before


def test_an_item_scored_differently_there_is_a_conflict_and_its_answers_are_rescored(
    tmp_path: Path,
) -> None:
    """Jordan imported late answers to Q1 and reverse-coded it in his copy: the merge lists
    the item, keeps this project's scoring, and scores the late answers from their raw text
    as this project does ("Very satisfied" is 5 here, not Jordan's reversed 1)."""
    from qualframe.coding.commands.survey_commands import EditSurveyItem
    from qualframe.storage.models import SurveyItem

    base = Project.create(tmp_path / "base.qualframe", coder="Ha-eun")
    _import(base, tmp_path, {"survey.csv": SURVEY})
    base.close()
    for name in ("haeun", "jordan"):
        copy_project(tmp_path / "base.qualframe", tmp_path / f"{name}.qualframe")
    late = qualtrics(
        ["2024-05-09 10:00:00,IP Address,100,True,R_7kL,E9,mentee,Very satisfied,Mehr."],
        ("Q1", "Q7"),
    )
    with Project.open(tmp_path / "jordan.qualframe", coder="Jordan") as j:
        with j.read() as s:
            q1 = s.scalars(select(SurveyItem.guid).where(SurveyItem.name == "Q1")).one()
        _import(j, tmp_path, {"late.csv": late})
        EditSurveyItem(q1, scale=(1, 5), reversed=True).do(j)  # every answer rescored
        assert ("E9", "late.csv", "Q1", "['Very satisfied', 1.0]") in answers_of(j)
    with Project.open(tmp_path / "haeun.qualframe", coder="Ha-eun") as h:
        before = answers_of(h)
        source, plan = preview_merge(h, tmp_path / "jordan.qualframe", "theirs")
        assert [(c.kind, c.what) for c in plan.conflicts] == [("survey item", "Q1")]
        assert "reversed False" in plan.conflicts[0].mine
        MergeProject(source, "theirs").do(h)
        came = answers_of(h) - before
        assert ("E9", "late.csv", "Q1", "['Very satisfied', 5.0]") in came
        # what was here is scored as before
        assert before <= answers_of(h)
