"""The demo project is built through the real importer and opens onto something real."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.codebook.tree import code_counts, find_code
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.demo import build_demo
from qualframe.coding.query.filters import Where
from qualframe.coding.query.segments import list_segments


def test_demo_project(tmp_path: Path) -> None:
    with build_demo(tmp_path / "demo.qualframe") as project:
        info = project.info()
        assert info["codes"] == 75 and info["coders"] == 2 and info["memos"] == 1
        docs = {d.name: d for d in list_documents(project)}
        assert set(docs) == {
            "fgi_mentees",
            "fgi_mentors",
            "fgi_korean_cp949",
            "survey: best_experience",
            "survey: suggestions",
        }
        assert docs["fgi_korean_cp949"].source_encoding == "cp949"
        assert docs["fgi_mentors"].groups == ("mentor",)
        people = {p.pseudonym: p for p in list_participants(project)}
        assert people["E6"].real_name == "김민지"  # kept privately, pseudonym used everywhere
        assert sum(p.attributes.get("role") == "mentor" for p in people.values()) == 9 + 5
        korean = list_segments(project, document_guid=docs["fgi_korean_cp949"].guid)
        assert {s.speaker for s in korean} >= {"E6", "E7"}
        assert all(s.text and "\r" not in s.text for s in korean)
        mentors = list_segments(project, where=[Where("role", "mentor")])
        mentees = list_segments(project, where=[Where("role", "mentee")])
        assert mentors and mentees
        assert not any(s.is_interviewer for s in mentors + mentees)
        theme = find_code(project, "Negative experiences")
        assert theme is not None and code_counts(project)[theme.guid][0] > 0
        assert any(s.is_exemplar for s in list_segments(project))
        assert {s.coder for s in list_segments(project)} == {"Analyst A", "Analyst B"}
