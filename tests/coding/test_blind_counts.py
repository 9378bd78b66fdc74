"""Counts limited to some coders, for the app's blind coding: a code's segments, what deleting
a document takes, whose segments a text edit touches, and the codebook report (Word and
Excel) with its note. Each is compared with the segments listed coder by coder."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualframe.coding.codebook.tree import find_code, segment_count
from qualframe.coding.commands.document_commands import document_footprint, plan_text_edit
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, list_documents
from qualframe.coding.export.codebook_report import export_codebook, manual_entries
from qualframe.coding.query.segments import list_segments
from tests.coding.agreement.study import CODES, build_study


@pytest.fixture
def study(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = build_study(tmp_path / "study.qualframe")
    yield p
    p.close()


def test_a_codes_segments_by_coder(study: Project) -> None:
    for path in CODES:
        code = find_code(study, path)
        assert code is not None
        for coder in ("Ha-eun", "Jordan", "Priya"):
            listed = list_segments(study, code_guid=code.guid, coder=coder)
            assert segment_count(study, code.guid, coders=[coder]) == len(listed)
        assert segment_count(study, code.guid) == len(list_segments(study, code_guid=code.guid))
        assert segment_count(study, code.guid, coders=[]) == 0


def test_what_deleting_a_document_takes_of_one_coder(study: Project) -> None:
    doc = next(d for d in list_documents(study) if d.name == "fgi_mentees")
    everyone = document_footprint(study, doc.guid)
    hers = document_footprint(study, doc.guid, ["Ha-eun"])
    theirs = document_footprint(study, doc.guid, ["Ha-eun", "Jordan"])
    mine = list_segments(study, document_guid=doc.guid, coder="Ha-eun")
    assert hers.segments == len(mine) < everyone.segments
    assert hers.codes == len({s.code_guid for s in mine})
    assert hers.whose == "your" and theirs.whose == "the shown coders'"
    assert everyone.whose is None
    assert hers.sentence().startswith(f'Delete "fgi_mentees" with {len(mine)} of your coded ')
    assert "The other coders' segments in it go too, if any" in theirs.sentence()
    assert "other coders" not in everyone.sentence()


def test_a_text_edit_names_the_coder_of_each_segment_it_touches(study: Project) -> None:
    doc = next(d for d in list_documents(study) if d.name == "fgi_mentees")
    body = document_text(study, doc.guid)
    at = body.index("My exam marks went up")
    plan = plan_text_edit(study, doc.guid, at, at + 21, "")
    coders = {s.coder for s in plan.removed}
    assert coders == {"Ha-eun"}  # Jordan's wider segment is adjusted, not removed
    assert {s.coder for s in plan.adjusted} >= {"Jordan"}


def test_the_codebook_report_as_one_coder_sees_it(study: Project, tmp_path: Path) -> None:
    everyone = {e.code.path_text: e.segments for e in manual_entries(study)}
    hers = {e.code.path_text: e.segments for e in manual_entries(study, coders=["Ha-eun"])}
    for path in CODES:
        code = find_code(study, path)
        assert code is not None
        n = len(list_segments(study, code_guid=code.guid, coder="Ha-eun"))
        assert hers[path] == n <= everyone[path]
    assert hers != everyone
    export_codebook(study, tmp_path / "hers.xlsx", blind_coder="Ha-eun")
    export_codebook(study, tmp_path / "all.xlsx")
    wb = load_workbook(tmp_path / "hers.xlsx")
    assert wb.sheetnames == ["Codebook", "Note"]
    note = str(wb["Note"]["A1"].value)
    assert note.startswith("n = coded segments / distinct participants")
    assert note.endswith(
        "Blind coding: counts and exemplar quotes come from the segments of Ha-eun only; the "
        "other coders' segments are left out."
    )
    ws = wb["Codebook"]
    header = [c.value for c in ws[1]]
    shown = {
        r[header.index("Path")]: r[header.index("Segments")]
        for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert shown == hers
    assert "Blind coding" not in str(load_workbook(tmp_path / "all.xlsx")["Note"]["A1"].value)
