"""The several-coders workflow on the command line: merge two laptops' copies (twice),
agreement at each unit (checked against the krippendorff package), disagreements resolved
into a consensus, coders renamed and merged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import krippendorff
import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.storage.database import copy_project
from tests.coding.agreement.study import build_study, code
from tests.coding.agreement.test_report import reference_vectors


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code_ = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code_, out, err


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    base = build_study(tmp_path / "base.qualframe", priya=False)
    base.close()
    mine, theirs = tmp_path / "haeun.qualframe", tmp_path / "jordan.qualframe"
    copy_project(tmp_path / "base.qualframe", mine)
    copy_project(tmp_path / "base.qualframe", theirs)
    with Project.open(theirs, coder="Jordan") as j:
        code(j, "Jordan", "fgi_solo", "the study plan", "Outcomes/Academic/Better exam performance")
        code(
            j,
            "Jordan",
            "fgi_mentors",
            "시험 전에 같이 복습하면서",
            "Outcomes/Academic/Better exam performance",
        )
    return mine, theirs


def test_merge_twice_then_agreement_then_consensus(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path], tmp_path: Path
) -> None:
    mine, theirs = copies
    rc, out, _ = run(capsys, "merge", mine, theirs, "--dry-run")
    assert rc == 0 and "2 segments" in out and "Dry run" in out
    rc, out, _ = run(capsys, "merge", mine, theirs)
    assert rc == 0 and "Merged" in out
    assert list(tmp_path.glob("haeun.qualframe.bak-merge-*"))
    rc, out, _ = run(capsys, "merge", mine, theirs)
    assert rc == 0 and "Nothing to merge" in out
    rc, out, _ = run(capsys, "info", mine, "--json")
    assert json.loads(out)["segments"] == 15

    for unit in ("character", "turn", "document"):
        rc, out, _ = run(capsys, "agreement", mine, "--coders", "Ha-eun", "Jordan", "--unit", unit,
                         "--format", "json", "--replicates", "200")  # fmt: skip
        assert rc == 0
        data = json.loads(out)
        assert data["unit"] == unit and data["coders"] == ["Ha-eun", "Jordan"]
        with Project.open(mine, read_only=True) as p:
            for row in data["codes"]:
                ref = reference_vectors(p, ["Ha-eun", "Jordan"], unit, row["code"], False)
                if row["alpha"] is not None:
                    assert row["alpha"] == pytest.approx(
                        krippendorff.alpha(reliability_data=ref, level_of_measurement="nominal"),
                        abs=1e-6,
                    )
                assert row["n_units"] == ref.shape[1]
    for suffix in ("docx", "xlsx"):
        rc, out, _ = run(capsys, "agreement", mine, "--coders", "Ha-eun", "Jordan",
                         "--out", tmp_path / f"a.{suffix}")  # fmt: skip
        assert rc == 0 and (tmp_path / f"a.{suffix}").stat().st_size > 0
    rc, out, _ = run(capsys, "agreement", mine, "--coders", "Ha-eun", "Jordan")
    assert "Overall (pooled)" in out and "fgi_solo" not in out  # Jordan coded it now

    rc, out, _ = run(capsys, "disagreements", mine, "--coders", "Ha-eun", "Jordan",
                     "--seed-consensus", "--format", "json")  # fmt: skip
    assert rc == 0
    places = json.loads(out[out.index("[") :])
    assert places and all(p["resolution"] is None for p in places)
    for p in places:
        if p["codings"]["Ha-eun"] and p["codings"]["Jordan"]:
            how = ["--new", p["start"], p["end"]]
        elif p["codings"]["Ha-eun"]:
            how = ["--accept", "Ha-eun"]
        else:
            how = ["--neither"]
        rc, out, err = run(capsys, "resolve", mine, p["id"], "--coders", "Ha-eun", "Jordan", *how)
        assert rc == 0, err
    rc, out, _ = run(capsys, "disagreements", mine, "--coders", "Ha-eun", "Jordan")
    assert "0 not resolved yet" in out
    rc, out, _ = run(capsys, "agreement", mine, "--coders", "Ha-eun", "consensus", "--unit", "turn",
                     "--format", "json")  # fmt: skip
    assert rc == 0 and json.loads(out)["coders"] == ["Ha-eun", "consensus"]


def test_coder_rename_and_merge(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path]
) -> None:
    mine, _ = copies
    with Project.open(mine, coder="jordan") as p:
        code(p, "jordan", "fgi_mentees", "Was anything difficult?", "Negative experiences/Pressure")
    rc, out, _ = run(capsys, "coder-merge", mine, "jordan", "Jordan")
    assert rc == 0 and "1 segment(s) moved" in out
    rc, out, _ = run(capsys, "coder-rename", mine, "Jordan", "Jordan Lee")
    assert rc == 0
    rc, out, err = run(capsys, "coder-rename", mine, "Jordan Lee", "Ha-eun")
    assert rc == 1 and "already a coder" in err
    rc, out, err = run(capsys, "agreement", mine, "--coders", "Ha-eun", "Jordan")
    assert rc == 1 and 'no coder "Jordan"' in err


def test_merge_with_conflicts_asks_for_a_rule(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path]
) -> None:
    mine, theirs = copies
    from qualframe.coding import commands
    from qualframe.coding.codebook.tree import find_code

    for path, name in ((mine, "Closeness (mine)"), (theirs, "Closeness (theirs)")):
        with Project.open(path) as p:
            rec = find_code(p, "Mutual benefits/Closeness")
            assert rec is not None
            commands.RenameCode(rec.guid, name).do(p)
    rc, _, err = run(capsys, "merge", mine, theirs)
    assert rc == 1 and "--rule" in err
    rc, out, _ = run(capsys, "merge", mine, theirs, "--rule", "theirs")
    assert rc == 0 and "code renamed" in out
    rc, out, _ = run(capsys, "segments", mine, "--code", "Mutual benefits/Closeness (theirs)")
    assert rc == 0 and "Closeness (theirs)" in out


UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_the_coders_commands_print_hostile_names_escaped(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path], tmp_path: Path
) -> None:
    """merge, coder-rename/-merge, agreement --out and resolve say names with main's rule
    (coding/core/printable.py): the other copy's file name, a code renamed with U+202E, a coder
    named with an ESC sequence are shown escaped, one message a line, never obeyed."""
    from qualframe.coding import commands
    from qualframe.coding.codebook.tree import find_code

    mine, theirs = copies
    hostile = theirs.with_name("jordan\x1b]0;owned\x07\u202eexe.qualframe")
    theirs.rename(hostile)
    for path, name in ((mine, "Close\nness"), (hostile, "Close\u202eness")):
        with Project.open(path) as p:
            rec = find_code(p, "Mutual benefits/Closeness")
            assert rec is not None
            commands.RenameCode(rec.guid, name).do(p)
    runs = [
        ["merge", mine, hostile, "--dry-run"],
        ["merge", mine, hostile, "--rule", "both"],
        ["agreement", mine, "--coders", "Ha-eun", "Jordan", "--out", tmp_path / "a\u202e.xlsx"],
        ["coder-rename", mine, "Jordan", "Jordan\x1b[31m Lee"],
        ["coder-merge", mine, "Jordan\x1b[31m Lee", "Ha-eun"],
    ]
    outputs = []
    for argv in runs:
        rc, out, err = run(capsys, *argv)
        assert not UNSAFE.search(out + err), (argv, repr(out + err))
        outputs.append((rc, out + err))
    assert [rc for rc, _ in outputs] == [0] * len(runs), [o for _, o in outputs]
    assert "jordan\\x1b]0;owned\\x07\\u202eexe.qualframe" in outputs[0][1]
    assert "Close ness" in outputs[0][1] and "Close\\u202eness" in outputs[0][1]
    assert "a\\u202e.xlsx" in outputs[2][1]
    assert "Jordan\\x1b[31m Lee" in outputs[3][1] and "Jordan\\x1b[31m Lee" in outputs[4][1]


def test_agreement_and_disagreements_carry_pseudonyms_not_real_names(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path], tmp_path: Path
) -> None:
    """Main's rule for text leaving the app holds for the coders' outputs: a document named
    after a participant ("Interview Park Dana") appears under the pseudonym in the agreement
    text, JSON-free notes, Word and Excel reports and in the disagreements listing, unless
    --real-names is given."""
    from docx import Document as Docx
    from openpyxl import load_workbook
    from sqlalchemy import update

    from qualframe.coding import commands
    from qualframe.coding.corpus.documents import list_documents
    from qualframe.storage.models import Participant

    mine, _ = copies
    with Project.open(mine) as p:
        with p.write() as s:
            for pseudonym, real in (("E1", "Choi Yuna"), ("E3", "Park Dana")):
                s.execute(
                    update(Participant)
                    .where(Participant.pseudonym == pseudonym)
                    .values(real_name=real)
                )
        docs = {d.name: d.guid for d in list_documents(p)}
        commands.RenameDocument(docs["fgi_solo"], "Interview Park Dana").do(p)
        commands.RenameDocument(docs["fgi_mentees"], "Group of Choi Yuna").do(p)
    agree = ["agreement", mine, "--coders", "Ha-eun", "Jordan", "--replicates", "0"]
    rc, out, _ = run(capsys, *agree)
    assert rc == 0 and "Interview E3 (Ha-eun)" in out and "Park Dana" not in out
    rc, out, _ = run(capsys, *agree, "--real-names")
    assert rc == 0 and "Interview Park Dana (Ha-eun)" in out
    for suffix in ("docx", "xlsx"):
        target = tmp_path / f"agreement.{suffix}"
        rc, _, err = run(capsys, *agree, "--out", target)
        assert rc == 0, err
        if suffix == "docx":
            text = "\n".join(par.text for par in Docx(str(target)).paragraphs)
        else:
            book = load_workbook(target)
            text = "\n".join(
                str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value
            )
        assert "Interview E3" in text and "Park Dana" not in text, suffix
        assert "Choi Yuna" not in text, suffix
    listing = ["disagreements", mine, "--coders", "Ha-eun", "Jordan"]
    rc, out, _ = run(capsys, *listing)
    assert rc == 0 and "Group of E1" in out and "Choi Yuna" not in out
    rc, out, _ = run(capsys, *listing, "--format", "json")
    places = json.loads(out)
    assert "Group of E1" in {p["document"] for p in places} and "Choi Yuna" not in out
    rc, out, _ = run(capsys, *listing, "--real-names")
    assert rc == 0 and "Group of Choi Yuna" in out
    place = next(p for p in places if p["document"] == "Group of E1")
    rc, out, err = run(capsys, "resolve", mine, place["id"], "--coders", "Ha-eun", "Jordan",
                       "--neither")  # fmt: skip
    assert rc == 0 and "Group of E1" in out and "Choi Yuna" not in out, err
