"""Exports validate against the REFI-QDA schemas and carry what the issue asks for."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from qualframe.coding.commands import AddCode, ApplyCode, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memos import AddMemo
from qualframe.coding.demo import build_demo
from qualframe.coding.exchange.descriptions import compose, parse
from qualframe.coding.exchange.qdc import import_codebook
from qualframe.coding.exchange.refi_export import build_project, export_codebook, export_project
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import import_project
from qualframe.coding.query.segments import list_segments
from qualframe.resources import RESOURCES
from tests.coding.exchange import refi_fixtures as fx

NS = {"q": "urn:QDA-XML:project:1.0"}


def validate(data: bytes, xsd: str) -> list[str]:
    """Checked here with lxml directly (not through the exporter's own check)."""
    schema = etree.XMLSchema(etree.parse(str(RESOURCES / "refi" / xsd)))
    ok = schema.validate(etree.fromstring(data))
    return [] if ok else [str(e) for e in schema.error_log]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.qualframe"
    build_demo(path).close()
    return path


@pytest.fixture(scope="module")
def exported(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "demo.qdpx"
    with Project.open(demo, read_only=True) as project:
        export_project(project, out)
    return out


def test_the_project_export_is_valid_and_complete(demo: Path, exported: Path) -> None:
    with zipfile.ZipFile(exported) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
        files = {n: zf.read(n) for n in names if n.startswith("sources/")}
    assert validate(qde, "Project-mrt2019.xsd") == []
    root = etree.fromstring(qde)
    sources = root.findall(".//q:TextSource", NS)
    assert len(sources) == 5 == len(files)
    texts = {}
    for src in sources:
        path = src.get("plainTextPath")
        assert path == f"internal://{src.get('guid')}.txt"
        data = files[f"sources/{src.get('guid')}.txt"]
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        texts[src.get("guid")] = data.decode("utf-8")
    with Project.open(demo, read_only=True) as project:
        segs = {s.guid: s for s in list_segments(project)}
        info = project.info()
    # every segment is a selection whose code-point range holds the segment's text
    found = 0
    for src in sources:
        for sel in src.findall("q:PlainTextSelection", NS):
            if sel.find("q:Coding", NS) is None:
                continue
            seg = segs[sel.get("guid")]
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert texts[src.get("guid")][start:end] == seg.text
            assert sel.find("q:Coding/q:CodeRef", NS).get("targetGUID") == seg.code_guid
            found += 1
    assert found == info["segments"] == 84
    assert any(
        any(ord(c) > 0xFFFF or "\uac00" <= c <= "\ud7a3" for c in s.text) for s in segs.values()
    )
    # users, nested codes with colours and descriptions, cases with variables
    assert {u.get("name") for u in root.iterfind(".//q:User", NS)} == {"Analyst A", "Analyst B"}
    outcomes = root.find("q:CodeBook/q:Codes/q:Code", NS)
    assert outcomes.get("name") == "Outcomes" and outcomes.get("color").startswith("#")
    assert "Inclusion criteria: " in outcomes.findtext("q:Description", namespaces=NS)
    assert outcomes.find("q:Code", NS) is not None
    cases = {c.get("name"): c for c in root.iterfind(".//q:Case", NS)}
    assert len(cases) == info["participants"] + 2  # and Moderator, 진행자 (interviewer speech)
    e1 = cases["E1"]
    assert e1.find("q:SourceRef", NS) is not None and e1.find("q:SelectionRef", NS) is not None
    assert {
        v.findtext("q:TextValue", namespaces=NS) for v in e1.iterfind("q:VariableValue", NS)
    } == {"mentee"}
    # the reflexive memo is a project note and in the set of reflexive memos
    note = root.find("q:Notes/q:Note", NS)
    assert note.get("name").startswith("Reflexive memo")
    assert root.find("q:NoteRef", NS).get("targetGUID") == note.get("guid")
    sets = {s.get("name") for s in root.iterfind("q:Sets/q:Set", NS)}
    assert sets == {"Reflexive memos", "Open-ended survey answers"}


def test_real_names_are_masked_and_positions_follow(
    demo: Path, exported: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported) as zf:
        korean = [zf.read(n).decode() for n in zf.namelist() if n.endswith(".txt")]
    text = next(t for t in korean if "진행자" in t)
    assert "김민지" not in text and "E6:" in text
    out = tmp_path / "real.qdpx"
    with Project.open(demo, read_only=True) as project:
        export_project(project, out, real_names=True)
        model, texts, _ = build_project(project, real_names=True)
    assert any("김민지" in t for t in texts.values())
    assert any(v.name == "real name" for v in model.variables)
    # and the masked export's selections still cover the same words
    with Project.open(demo, read_only=True) as project:
        masked, masked_texts, _ = build_project(project)
    for a, b in zip(model.sources, masked.sources, strict=True):
        for sa, sb in zip(a.selections, b.selections, strict=True):
            if sa.codings:
                qa = texts[a.guid][sa.start : sa.end]
                qb = masked_texts[b.guid][sb.start : sb.end]
                assert qb == qa.replace(" (김민지)", "").replace("김민지", "E6")


def test_the_codebook_export_is_valid(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "codebook.qdc"
    with Project.open(demo, read_only=True) as project:
        report = export_codebook(project, out)
    assert report.counts == {"codes": 75}
    assert validate(out.read_bytes(), "Codebook-mrt2019.xsd") == []


def test_an_empty_codebook_cannot_be_written(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="needs at least one code"):
        export_codebook(project, tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists()


def comparable(project: Project) -> tuple[dict[str, Any], dict[str, str]]:
    """The exchange model without the times of export and import."""
    model, texts, _ = build_project(project)
    d = dataclasses.asdict(model)
    for key in ("modified", "creating_user", "modifying_user", "name"):
        d.pop(key)
    for s in d["sources"]:
        s.pop("created")
        for sel in s["selections"]:
            sel.pop("created"), sel.pop("modified")
            for c in sel["codings"]:
                c.pop("created")
    for n in d["notes"]:
        n.pop("created"), n.pop("modified")
    return d, texts


def test_round_trip_keeps_codes_sources_codings_cases(
    demo: Path, exported: Path, tmp_path: Path
) -> None:
    back = tmp_path / "back.qualframe"
    with Project.create(back, coder="someone else") as project:
        import_project(project, prepare(exported))
        again, again_texts = comparable(project)
        out2 = tmp_path / "again.qdpx"
        export_project(project, out2)
    with Project.open(demo, read_only=True) as project:
        first, first_texts = comparable(project)
    assert again_texts == first_texts
    for key in ("users", "codes", "sources", "cases", "variables", "notes", "sets", "note_refs"):
        assert again[key] == first[key], key
    with zipfile.ZipFile(exported) as a, zipfile.ZipFile(out2) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())


def test_odd_code_names_import_unchanged_and_round_trip(project: Project, tmp_path: Path) -> None:
    import_codebook(project, fx.codebook_qdc(tmp_path / "atlas.qdc"))
    model, _, _ = build_project(project)
    names = [c.name for c in model.all_codes()]
    assert names == [
        "Suggestions for improvement",
        "Mentor/mentee matching",
        " Voluntary participation 🙋",
    ]
    out = tmp_path / "odd.qdc"
    export_codebook(project, out)
    with Project.create(tmp_path / "other.qualframe") as other:
        import_codebook(other, out)
        assert [c.name for c in build_project(other)[0].all_codes()] == names
        assert [c.guid for c in build_project(other)[0].all_codes()] == [
            c.guid for c in model.all_codes()
        ]


def test_codings_keep_their_selection_and_coder(project: Project, tmp_path: Path) -> None:
    from tests.coding.helpers import add_transcript

    doc, text = add_transcript(project, "fgi", [("E1", "Mentoring 😀 helped me plan.")])
    stack = UndoStack(project)
    code = stack.push(AddCode("Planning")).created_guid
    assert code
    start = text.index("helped")
    seg = stack.push(ApplyCode(doc, start, start + 6, code)).created_guid
    stack.push(AddMemo("Journal", "Day one.", kind="project"))
    model, texts, _ = build_project(project)
    sel = next(s for s in model.sources[0].selections if s.codings)
    assert sel.guid == seg and texts[doc][sel.start : sel.end] == "helped"
    assert sel.codings[0].user == model.users[0].guid


def test_description_carries_definition_and_criteria() -> None:
    fields = {"definition": "Pressure.\n\nFelt weekly.", "inclusion": "Said by mentee",
              "exclusion": "", "example": "\"Every week\""}  # fmt: skip
    text = compose(fields)
    assert (
        text
        == 'Pressure.\n\nFelt weekly.\n\nInclusion criteria: Said by mentee\n\nExample: "Every week"'
    )
    assert parse(text) == fields
    assert parse("Just a note from NVivo") == {"definition": "Just a note from NVivo",
                                               "inclusion": "", "exclusion": "", "example": ""}  # fmt: skip
    assert parse(compose({"example": "only"})) == {
        "definition": "",
        "inclusion": "",
        "exclusion": "",
        "example": "only",
    }


def test_interviewers_round_trip_as_interviewer_cases(project: Project, tmp_path: Path) -> None:
    """Interviewer speech with and without a participant row (both shapes exist) comes back
    as interviewer speech, never as a participant that would be counted."""
    from qualframe.coding.corpus.documents import (
        DocumentData,
        TurnData,
        add_document_in,
        document_turns,
        list_documents,
    )
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
    from tests.coding.helpers import add_transcript

    add_transcript(project, "fgi_a", [("Moderator", "Why?"), ("E1", "Because.")])
    text = "Interviewer: And you?\n\nM1: Me too."
    with project.write() as s:
        people = add_participants_in(
            s, [ParticipantData("Interviewer", is_interviewer=True), ParticipantData("M1")]
        )
        add_document_in(
            s, "tester",
            DocumentData("fgi_b", text, turns=[TurnData(0, 21, "Interviewer", 12, True),
                                               TurnData(23, 33, "M1", 26)]),
            people,
        )  # fmt: skip
    out = tmp_path / "x.qdpx"
    export_project(project, out)
    first, first_texts = comparable(project)
    with Project.create(tmp_path / "back.qualframe") as back:
        import_project(back, prepare(out))
        again, again_texts = comparable(back)
        assert back.info()["participants"] == project.info()["participants"] == 2
        turns = {
            (t.label, t.is_interviewer)
            for d in list_documents(back)
            for t in document_turns(back, d.guid)
        }
    assert turns == {("Moderator", True), ("E1", False), ("Interviewer", True), ("M1", False)}
    assert again["cases"] == first["cases"] and again_texts == first_texts


def test_variable_types_follow_the_values() -> None:
    from qualframe.coding.exchange.refi_export import _variable_type

    assert _variable_type("number", ["4", "-12", "007"]) == "Integer"
    assert _variable_type("number", ["4.5", ".5", "+3."]) == "Float"
    assert _variable_type("number", ["4", "Infinity"]) == "Text"  # not an xsd:decimal
    assert _variable_type("number", ["1e5"]) == "Text"
    assert _variable_type("boolean", ["true", "0"]) == "Boolean"
    assert _variable_type("date", ["2024-05-02"]) == "Date"
    assert _variable_type("date", ["2024-05-02 14:30:00"]) == "Text"
    assert _variable_type("category", ["mentor"]) == "Text"
