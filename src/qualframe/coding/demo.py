"""The demo project: the mentoring study from the brief, built from invented sample data
through the real importer, with the starting codebook and some segments already coded."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import ApplyCode, LoadTemplate, SetExemplar
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text
from qualframe.resources import DEMO_DATA
from qualframe.storage.models import Document, Memo

ANALYST = "Analyst A"
SECOND_CODER = "Analyst B"
# The demo survey's rating items, all on the questionnaire's five-point scale: declared, as a
# researcher does at import, since a scale is never read off the answers given.
LIKERT_ITEMS = ("sat_overall", "sat_matching", "sat_frequency", "sat_mentor_attitude",
                "willing_again")  # fmt: skip


def build_demo(path: Path | str, data: Path = DEMO_DATA) -> Project:
    """Create the demo project at ``path`` (a file, or a server URL) and return it open (for
    writing)."""
    from qualframe.coding.importing import ImportOptions, import_files

    project = Project.create(path, coder=ANALYST)
    try:
        LoadTemplate("mentoring").do(project)
        for name, role in (
            ("fgi_mentees.txt", "mentee"),
            ("fgi_mentors.txt", "mentor"),
            ("fgi_korean_cp949.txt", "mentee"),
        ):
            import_files(project, [data / name], ImportOptions(attributes={"role": role}))
        import_files(
            project,
            [data / "survey.csv"],
            ImportOptions(
                kind="survey",
                id_column="respondent_id",
                group_column="role",
                column_types=dict.fromkeys(LIKERT_ITEMS, "likert:1-5"),
            ),
        )
        apply_plan(project, json.loads((data / "coding_plan.json").read_text(encoding="utf-8")))
        with project.write() as s:
            s.add(
                Memo(
                    title="Reflexive memo: my own mentoring",
                    text=(
                        "I was a mentor myself in my fourth year, so I expect to hear that the "
                        "programme helps mentees. I will look deliberately for negative "
                        "experiences and code them as carefully as the positive ones."
                    ),
                    kind="reflexive",
                    coder_id=project.coder_id(s),
                )
            )
    except BaseException:
        project.close()
        raise
    return project


def apply_plan(project: Project, plan: list[dict[str, str]]) -> None:
    with project.read() as s:
        rows = list(s.execute(select(Document.name, Document.original_filename, Document.guid)))
    # A plan entry names a document by its name or, for transcripts, by its file name.
    docs = {fname: guid for _, fname, guid in rows if fname}
    docs.update({name: guid for name, _, guid in rows})
    texts: dict[str, str] = {}
    first_coder = project.coder
    for i, item in enumerate(plan):
        guid = docs.get(item["document"])
        if guid is None:
            raise UserError(f"The demo plan names {item['document']}, which was not imported.")
        text = texts.setdefault(guid, document_text(project, guid))
        start = text.find(item["quote"])
        if start < 0:
            raise UserError(f"The demo plan quote {item['quote']!r} is not in {item['document']}.")
        code = find_code(project, item["code"])
        if code is None:
            raise UserError(f"The demo plan code {item['code']} is not in the codebook.")
        end = start + len(item["quote"])
        cmd = ApplyCode(guid, start, end, code.guid)
        cmd.do(project)
        if i % 7 == 0 and cmd.guid:
            SetExemplar(cmd.guid, True).do(project)
        # A second coder double-codes every third passage (for agreement checks).
        if i % 3 == 0:
            project.coder = SECOND_CODER
            ApplyCode(guid, start, end, code.guid).do(project)
            project.coder = first_coder
