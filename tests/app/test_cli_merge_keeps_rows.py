"""`qualframe merge` leaves a file that, opened again, holds every row both copies had of
what main added while the coders' work was under way: real-name spellings
(participant_names), survey response rows with the closed answers packed into them, survey
items' wording and value labels, document
sets with their members, and memos. The rows are counted with plain sqlite3 in the merged
file (not through the code under test), against the union of both copies worked out from
their own files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memos import AddMemo
from tests.coding.test_merge_research import make_copies

# one natural key per row, the same in both copies
KEYS = {
    "participant_names": (
        "SELECT p.pseudonym, n.name FROM participant_names n "
        "JOIN participants p ON p.id = n.participant_id"
    ),
    "survey_responses": (
        "SELECT p.pseudonym, r.source_filename, r.status FROM survey_responses r "
        "JOIN participants p ON p.id = r.participant_id"
    ),
    # the closed answers packed into each response row (revision 0008), one per item
    "survey_answers": (
        "SELECT p.pseudonym, r.source_filename, i.name, a.value FROM survey_responses r "
        "JOIN participants p ON p.id = r.participant_id, json_each(r.answers) a "
        "JOIN survey_items i ON i.id = CAST(a.key AS INTEGER)"
    ),
    "survey_labels": (
        "SELECT name, label, value_labels FROM survey_items "
        "WHERE label IS NOT NULL OR value_labels IS NOT NULL"
    ),
    # sets are matched by name regardless of case ("pilot" here is "Pilot" there)
    "document_sets": "SELECT lower(name) FROM document_sets",
    "document_set_members": (
        "SELECT lower(s.name), d.guid FROM document_set_members m "
        "JOIN document_sets s ON s.id = m.set_id JOIN documents d ON d.id = m.document_id"
    ),
    "memos": "SELECT guid, kind, title, text FROM memos",
}


def rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for table, sql in KEYS.items():
            found = con.execute(sql).fetchall()
            if table == "survey_labels":  # JSON text: compare the values, not the spacing
                found = [(n, lbl, json.dumps(json.loads(v)) if v else v) for n, lbl, v in found]
            out[table] = set(found)
            # every row is a distinct key: a count below the union means rows were lost
            assert len(out[table]) == len(found), table
        return out
    finally:
        con.close()


@pytest.mark.parametrize("rule", ["mine", "theirs", "both"])
def test_a_merged_project_opened_again_holds_both_copies_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rule: str
) -> None:
    h, theirs = make_copies(tmp_path)
    AddMemo("Ha-eun's journal", "Group A talked over each other.", kind="reflexive").do(h)
    mine = h.path
    assert mine is not None
    h.close()
    with Project.open(theirs, coder="Jordan") as j:
        AddMemo("Jordan's journal", "Year 2 is calmer.", kind="reflexive").do(j)
    before_mine, before_theirs = rows(mine), rows(theirs)
    for table in KEYS:  # both copies hold rows the other lacks, or the test proves nothing
        assert before_theirs[table] - before_mine[table], table

    assert main(["merge", str(mine), str(theirs), "--rule", rule]) == 0
    capsys.readouterr()

    with Project.open(mine, coder="Ha-eun"):  # opens (and checks) as the app would
        pass
    after = rows(mine)
    for table in KEYS:
        # no memo, set or name was changed on both sides: every rule gives the union
        assert after[table] == before_mine[table] | before_theirs[table], table
    # merging again adds no row
    assert main(["merge", str(mine), str(theirs), "--rule", rule]) == 0
    assert rows(mine) == after
