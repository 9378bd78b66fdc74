"""Agreement on a real (small) project, checked against an independent computation: the
segments listed by ``list_segments`` written out character by character (turn by turn,
document by document) and fed to scikit-learn's cohen_kappa_score and the krippendorff
package."""

from __future__ import annotations

import json
import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from qualframe.coding.analysis.agreement.report import agreement, to_json, to_text
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_turns, list_documents
from qualframe.coding.export.agreement_report import export_agreement
from qualframe.coding.query.segments import list_segments
from tests.coding.agreement.study import CODES, build_study


@pytest.fixture
def study(tmp_path: Path) -> Project:
    project = build_study(tmp_path / "study.qualframe")
    yield project
    project.close()


def reference_vectors(
    project: Project, coders: list[str], unit: str, code: str, exclude: bool
) -> np.ndarray:
    """coders × units matrix of 0/1, built independently from the listed segments."""
    segs = list_segments(project)
    docs = {d.guid: d for d in list_documents(project)}
    cols: list[list[int]] = []
    for guid in docs:
        mine = [s for s in segs if s.document_guid == guid and s.coder in coders]
        if {s.coder for s in mine} != set(coders):
            continue  # only documents coded by every compared coder
        n = len(document_text(project, guid))
        cov = {c: np.zeros(n, dtype=int) for c in coders}
        anything = np.zeros(n, dtype=bool)
        for s in mine:
            anything[s.start : s.end] = True
            if s.code_path_text == code:
                cov[s.coder][s.start : s.end] = 1
        if unit == "character":
            keep = anything if exclude else np.ones(n, dtype=bool)
            for i in np.flatnonzero(keep):
                cols.append([int(cov[c][i]) for c in coders])
        elif unit == "turn":
            for t in document_turns(project, guid):
                if exclude and not anything[t.start : t.end].any():
                    continue
                cols.append([int(cov[c][t.start : t.end].any()) for c in coders])
        else:
            cols.append([int(cov[c].any()) for c in coders])
    return np.array(cols).T


@pytest.mark.parametrize("unit", ["character", "turn", "document"])
@pytest.mark.parametrize("exclude", [False, True])
def test_two_coders_against_sklearn_and_krippendorff(
    study: Project, unit: str, exclude: bool
) -> None:
    coders = ["Ha-eun", "Jordan"]
    report = agreement(study, coders, unit=unit, exclude_uncoded=exclude, replicates=200)
    assert report.left_out[0].document == "fgi_solo"
    assert report.left_out[0].coded_by == ("Ha-eun",)
    by_code = {r.code: r.estimate for r in report.codes}
    assert set(by_code) <= set(CODES)
    for code in CODES:
        data = reference_vectors(study, coders, unit, code, exclude)
        if code not in by_code:
            assert data.sum() == 0
            continue
        est = by_code[code]
        assert est.n_units == data.shape[1]
        assert est.percent == pytest.approx((data[0] == data[1]).mean() * 100)
        if len(np.unique(data)) > 1:
            ref_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            assert est.alpha == pytest.approx(ref_alpha)
            ref_kappa = cohen_kappa_score(data[0], data[1])
            if math.isnan(ref_kappa):
                assert est.kappa is None
            else:
                assert est.kappa == pytest.approx(ref_kappa)


@pytest.mark.parametrize("unit", ["character", "turn", "document"])
def test_three_coders_alpha_against_krippendorff(study: Project, unit: str) -> None:
    coders = ["Ha-eun", "Jordan", "Priya"]
    report = agreement(study, coders, unit=unit, replicates=0)
    for row in report.codes:
        data = reference_vectors(study, coders, unit, row.code, False)
        assert row.estimate.kappa is None
        if len(np.unique(data)) > 1:
            assert row.estimate.alpha == pytest.approx(
                krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            )
    # pooled overall: every unit × code decision
    stacked = np.concatenate(
        [reference_vectors(study, coders, unit, r.code, False) for r in report.codes], axis=1
    )
    assert report.overall.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=stacked, level_of_measurement="nominal")
    )


def test_json_has_exactly_the_documented_shape(study: Project) -> None:
    data = to_json(agreement(study, ["Ha-eun", "Jordan"], unit="turn", replicates=100))
    assert set(data) == {"unit", "coders", "overall", "codes"}
    assert set(data["overall"]) == {"percent", "kappa", "alpha", "alpha_ci"}
    for row in data["codes"]:
        assert set(row) == {"code", "percent", "kappa", "alpha", "alpha_ci", "n_units"}
    assert data["codes"][0]["code"] == "Outcomes/Academic/Better exam performance"
    json.dumps(data, allow_nan=False)  # no NaN leaks into JSON


def test_the_text_names_what_was_counted_and_left_out(study: Project) -> None:
    text = to_text(agreement(study, ["Ha-eun", "Jordan"], replicates=50))
    assert "fgi_solo (Ha-eun)" in text
    assert "coded by no compared coder" in text
    assert "Overall (pooled)" in text


def test_bad_requests_are_one_sentence(study: Project) -> None:
    with pytest.raises(UserError, match='no coder "Nobody"'):
        agreement(study, ["Ha-eun", "Nobody"])
    with pytest.raises(UserError, match="at least two"):
        agreement(study, ["Ha-eun", "ha-eun"])
    with pytest.raises(UserError, match="not a unit"):
        agreement(study, ["Ha-eun", "Jordan"], unit="word")


def test_word_and_excel_reports_carry_the_figures(study: Project, tmp_path: Path) -> None:
    report = agreement(study, ["Ha-eun", "Jordan"], unit="turn", replicates=100)
    export_agreement(study, report, tmp_path / "a.docx")
    export_agreement(study, report, tmp_path / "a.xlsx")
    doc = Docx(str(tmp_path / "a.docx"))
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[0][:5] == ["Code", "Units coded", "Agreement %", "κ", "α"]
    assert cells[-1][0] == "Overall (pooled)"
    first = report.codes[0].estimate
    assert cells[1][4] == f"{first.alpha:.3f}" or cells[1][4] == "–"
    assert any("fgi_solo" in p.text for p in doc.paragraphs)
    wb = load_workbook(tmp_path / "a.xlsx")
    ws = wb["Agreement"]
    assert ws.cell(2, 1).value == report.codes[0].code
    assert ws.cell(2, 4).value == pytest.approx(first.percent)
    assert [r[0].value for r in wb["Documents"].iter_rows(min_row=2)][-1] == "fgi_solo"
