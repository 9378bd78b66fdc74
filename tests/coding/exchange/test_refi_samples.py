"""The shared real exports (NVivo Windows and Mac, ATLAS.ti, Taguette, the spec's example):
each imports or is refused with a reason, and NVivo's codings land on the characters NVivo's
own rich-text source shows.

The samples are not part of the repository (their licences and third-party texts keep them
out); set QUALFRAME_REFI_SAMPLES to their folder, default /work/shared/refi-qda/samples.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import os
import random
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.exchange.qdc import import_codebook
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import import_project
from qualframe.coding.query.segments import list_segments

SAMPLES = Path(os.environ.get("QUALFRAME_REFI_SAMPLES", "/work/shared/refi-qda/samples"))
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no REFI-QDA samples at {SAMPLES}")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
Q = "{urn:QDA-XML:project:1.0}"

# sample -> (codes, sources, codings, cases) imported, or the start of the refusal
EXPECTED: dict[str, tuple[int, int, int, int] | str] = {
    "nvivo/oltas0517.qdpx": (152, 2, 303, 0),
    "nvivo/OltasSzkepticizmus_17June.qdpx": (152, 2, 297, 0),
    "nvivo/nvivo_project.qdpx": (262, 0, 0, 0),
    "atlasti/target-atlas-project.qdpx": (3, 0, 0, 0),
    "atlasti/blank-atlas-project.qdpx": "blank-atlas-project.qdpx holds no codes, sources, cases or notes",
    "spec-example/Project.qde": 'Project.qde does not contain the text of the source "1960s Coca Cola',
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shared_project_imports_or_is_refused_with_a_reason(
    name: str, tmp_path: Path
) -> None:
    expected = EXPECTED[name]
    with Project.create(tmp_path / "p.qualframe", coder="tester") as project:
        if isinstance(expected, str):
            with pytest.raises(ImportRefused) as info:
                import_project(project, prepare(SAMPLES / name))
            print(f"\n{name}: refused: {info.value}")
            assert str(info.value).startswith(expected)
            assert project.info()["codes"] == 0
            return
        report = import_project(project, prepare(SAMPLES / name))
        c = report.counts
        print(f"\n{name}: {c}; not imported: {report.left_out}; warnings: {report.warnings}")
        assert (c["codes"], c["sources"], c["codings"], c["cases"]) == expected


def test_the_taguette_codebook_imports_despite_its_empty_sets(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.qualframe", coder="tester") as project:
        report = import_codebook(project, SAMPLES / "taguette" / "taguette-1.5.2-codebook.qdc")
        print(f"\ntaguette codebook: added {report.added}")
        # names import unchanged: a backslash, a slash and an emoji
        assert report.added == ["interesting", "people", "interesting\\places", "Émotion\\/joie 😀"]


def docx_paragraphs(data: bytes) -> list[str]:
    """The paragraphs NVivo's rich-text source shows (every w:p of the body in order, table
    cells included), read independently of Qualframe's importer."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for p in root.iter(f"{W}p"):
        parts = []
        for el in p.iter():
            if el.tag == f"{W}t":
                parts.append(el.text or "")
            elif el.tag == f"{W}tab" and el.getparent().tag == f"{W}r":
                parts.append("\t")
            elif el.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        out.append("".join(parts))
    return out


def nvivo_reference(qdpx: Path) -> tuple[dict[str, str], dict[str, str]]:
    """For each coding GUID, the text NVivo's Word source holds at the selection's offsets
    (UTF-16 units, paragraph breaks as NVivo's platform writes them), and the text a naive
    reader gets by taking the offsets as code points of the .txt."""
    with zipfile.ZipFile(qdpx) as zf:
        qde = etree.fromstring(zf.read("project.qde"))
        windows = "Windows" in (qde.get("origin") or "")
        names = {n.casefold(): n for n in zf.namelist()}
        expected: dict[str, str] = {}
        naive: dict[str, str] = {}
        for src in qde.iter(f"{Q}TextSource"):
            rich = src.get("richTextPath").split("://")[1]
            plain = src.get("plainTextPath").split("://")[1]
            paragraphs = docx_paragraphs(
                zipfile.ZipFile(zf.open(names[f"sources/{rich}".casefold()])).read(
                    "word/document.xml"
                )
            )
            units = ("\r\n" if windows else "\n").join(paragraphs).encode("utf-16-le")
            txt = zf.read(names[f"sources/{plain}".casefold()]).decode("utf-8-sig")
            for sel in src.iter(f"{Q}PlainTextSelection"):
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                shown = units[2 * a : 2 * b].decode("utf-16-le")
                shown = unicodedata.normalize("NFC", shown.replace("\r\n", "\n"))
                for coding in sel.iter(f"{Q}Coding"):
                    expected[coding.get("guid")] = shown
                    naive[coding.get("guid")] = txt[a:b].replace("\r\n", "\n")
    return expected, naive


@pytest.mark.parametrize("name", ["oltas0517.qdpx", "OltasSzkepticizmus_17June.qdpx"])
def test_nvivo_codings_cover_what_nvivo_shows(name: str, tmp_path: Path) -> None:
    path = SAMPLES / "nvivo" / name
    expected, naive = nvivo_reference(path)
    with Project.create(tmp_path / "p.qualframe", coder="tester") as project:
        import_project(project, prepare(path))
        segments = list_segments(project)
    by_guid = {s.guid: s.text for s in segments}
    assert set(by_guid) == set(expected)
    sample = random.Random(17).sample(sorted(expected), 100)
    same = sum(by_guid[g] == expected[g] for g in sample)
    naive_same = sum(naive[g] == expected[g] for g in sample)
    all_same = sum(by_guid[g] == expected[g] for g in expected)
    emoji = sum(any(ord(c) > 0xFFFF for c in expected[g]) for g in expected)
    print(
        f"\n{name}: {same}/100 sampled codings equal the Word source's text "
        f"({all_same}/{len(expected)} of all; {emoji} of them contain emoji); reading the "
        f"offsets as code points of the .txt would give {naive_same}/100"
    )
    assert same == 100 and all_same == len(expected)
    assert naive_same < 50  # the check can fail: without the conversion it would


def test_windows_and_mac_exports_of_one_project_give_the_same_codings(tmp_path: Path) -> None:
    found = []
    for i, name in enumerate(["oltas0517.qdpx", "OltasSzkepticizmus_17June.qdpx"]):
        with Project.create(tmp_path / f"p{i}.qualframe", coder="tester") as project:
            import_project(project, prepare(SAMPLES / "nvivo" / name))
            found.append({(s.document_name, s.code_path, s.text) for s in list_segments(project)})
    win, mac = found
    print(f"\nNVivo Windows vs Mac: {len(win & mac)} codings alike, {len(win - mac)} only on "
          f"Windows, {len(mac - win)} only on Mac")  # fmt: skip
    assert len(win & mac) >= 0.9 * min(len(win), len(mac))
