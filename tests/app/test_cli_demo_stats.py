"""`qualframe stats` on the demo project: the Word tables read as a paper's would, the Likert
table on its declared 1–5 scale, its figures recomputed from the demo's survey.csv."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pytest
from docx import Document
from scipy import stats as sps

from qualframe.app.cli.main import main
from qualframe.resources import DEMO_DATA

LIKERT = ("sat_overall", "sat_matching", "sat_frequency", "sat_mentor_attitude", "willing_again")


def _demo_answers() -> dict[str, dict[str, list[int]]]:
    """item -> role -> answers, read from the demo file with the csv module alone."""
    out: dict[str, dict[str, list[int]]] = {i: {"mentee": [], "mentor": []} for i in LIKERT}
    with (DEMO_DATA / "survey.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            role = row["role"].strip().lower()
            for item in LIKERT:
                if row[item].strip():
                    out[item][role].append(int(row[item]))
    return out


def test_demo_stats_docx_reads_well(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "demo.qualframe"
    assert main(["demo", str(project)]) == 0
    out = tmp_path / "s.docx"
    assert main(["stats", str(project), "--out", str(out)]) == 0
    capsys.readouterr()
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs if p.text.strip()]
    assert paragraphs[4] == "Table 3. Likert items, mean ± SD by group"
    note = paragraphs[5]
    assert note.startswith("Note. Values are mean ± SD on a 1–5 scale;")
    assert "not stated" not in note and "scale of" not in note
    table = doc.tables[2]
    header = [c.text for c in table.rows[0].cells]
    answers = _demo_answers()
    mentees = len([r for r in csv.DictReader((DEMO_DATA / "survey.csv").open(encoding="utf-8"))
                   if r["role"].strip().lower() == "mentee"])  # fmt: skip
    assert header[:4] == [
        "Item",
        "Total\n(n = 20)",
        f"Mentees\n(n = {mentees})",
        "Mentors\n(n = 9)",
    ]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert list(rows) == list(LIKERT)
    for item in LIKERT:
        e, m = answers[item]["mentee"], answers[item]["mentor"]
        assert rows[item][2] == f"{statistics.mean(e):.1f} ± {statistics.stdev(e):.1f}"
        assert rows[item][3] == f"{statistics.mean(m):.1f} ± {statistics.stdev(m):.1f}"
        p = sps.mannwhitneyu(e, m, alternative="two-sided", method="asymptotic").pvalue
        assert rows[item][5] == f"{p:.3f}"
