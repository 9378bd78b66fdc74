"""The .docx fast path (docx_fast) reads exactly what the full reader (read_docx) reads.

Every .docx of the corpus and of generated documents (runs bold in every way Word writes it,
wrapped in hyperlinks, insertions and fields, with tabs, breaks, blank and empty runs, tab
stops and a bold paragraph mark) is read both ways and compared: the text, the bold label
lengths and the warnings. Documents the fast path leaves to the full reader (tables, hidden
text, notes, lists, NFD text, control characters) are checked to be left to it.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding.importing import docx_fast, read_docx
from qualframe.coding.importing.containers import open_package
from qualframe.coding.importing.extracted import Extracted, join_paragraphs
from tests.corpus.manifest import build

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'
)


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", HEAD + body + "<w:sectPr/></w:body></w:document>")
    return buffer.getvalue()


def _full(raw: bytes) -> Extracted:
    package = open_package(raw, "t.docx", "word/document.xml", ".docx")
    result = join_paragraphs(read_docx._stream_body(package), "docx")
    result.warnings.extend(package.warnings())
    return result


def _fast_applies(raw: bytes) -> bool:
    package = open_package(raw, "t.docx", "word/document.xml", ".docx")
    root, data = package.parse_bytes("word/document.xml")
    lists = read_docx._Lists(package)
    return docx_fast.simple_text(root, data, lists.numbered_style) is not None


def _same(raw: bytes) -> Extracted:
    fast, full = read_docx.extract_docx(raw, "t.docx"), _full(raw)
    assert (fast.text, fast.bold, fast.warnings) == (full.text, full.bold, full.warnings)
    return fast


def test_every_corpus_docx_reads_the_same_both_ways() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qualframe-docx-fast-"))
    docx = [e for e in build(folder) if e.kind == "docx"]
    assert len(docx) >= 8
    used = []
    for entry in docx:
        raw = entry.path.read_bytes()
        _same(raw)
        used.append(_fast_applies(raw))
    assert any(used) and not all(used)  # lists and tables go to the full reader


RUN_TEXT = [
    "<w:t>Moderator:</w:t>", "<w:t>E1</w:t>", "<w:t>:</w:t>", '<w:t xml:space="preserve"> </w:t>',
    "<w:t></w:t>", "<w:t>\u00a0</w:t>", '<w:t xml:space="preserve"> we met &amp; planned</w:t>',
    "<w:t>선배 복습</w:t>", "<w:tab/>", "<w:br/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:ptab/>",
    "<w:lastRenderedPageBreak/>", "<w:instrText> PAGE </w:instrText>", "<w:t>Ünïcödé</w:t>",
]  # fmt: skip
RUN_PROPS = [
    "", "<w:rPr><w:b/></w:rPr>", '<w:rPr><w:b w:val="0"/></w:rPr>',
    '<w:rPr><w:b w:val="false"/></w:rPr>', '<w:rPr><w:b w:val="1"/></w:rPr>',
    '<w:rPr><w:rStyle w:val="Strong"/></w:rPr>', '<w:rPr><w:rStyle w:val="Emphasis"/></w:rPr>',
    '<w:rPr><w:rStyle w:val="Strong"/><w:b w:val="off"/></w:rPr>',
    '<w:rPr><w:rFonts w:ascii="Calibri"/><w:b/><w:bCs/><w:sz w:val="22"/></w:rPr>',
    '<w:rPr><w:i/><w:rPrChange w:id="1" w:author="A"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr>',
    "<w:rPr><w:bCs/></w:rPr>",
]  # fmt: skip
WRAPPERS = [
    ("", ""), ('<w:hyperlink r:id="rId9" xmlns:r="urn:r">', "</w:hyperlink>"),
    ('<w:ins w:id="2" w:author="A">', "</w:ins>"), ('<w:fldSimple w:instr=" DATE ">', "</w:fldSimple>"),
]  # fmt: skip
PARA_PROPS = [
    "", '<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>',
    "<w:pPr><w:rPr><w:b/></w:rPr></w:pPr>", '<w:pPr><w:jc w:val="both"/></w:pPr>',
]  # fmt: skip

runs = st.builds(
    lambda props, texts, wrap: f"{wrap[0]}<w:r>{props}{''.join(texts)}</w:r>{wrap[1]}",
    st.sampled_from(RUN_PROPS),
    st.lists(st.sampled_from(RUN_TEXT), max_size=3),
    st.sampled_from(WRAPPERS),
)
paragraphs = st.builds(
    lambda props, rs, mark: f"<w:p>{props}{mark}{''.join(rs)}</w:p>",
    st.sampled_from(PARA_PROPS),
    st.lists(runs, max_size=5),
    st.sampled_from(["", '<w:bookmarkStart w:id="0" w:name="a"/>', "<w:proofErr/>"]),
)


def test_generated_documents_read_the_same_both_ways() -> None:
    seen = {"fast": 0}

    @settings(max_examples=300, deadline=None)
    @given(st.lists(paragraphs, min_size=1, max_size=8))
    def check(paras: list[str]) -> None:
        raw = _docx("".join(paras))
        try:
            full = _full(raw)
        except Exception as exc:  # "contains no text" and the like
            with pytest.raises(type(exc)):
                read_docx.extract_docx(raw, "t.docx")
            return
        if not full.text.strip():
            return
        if _fast_applies(raw):
            seen["fast"] += 1
        _same(raw)

    check()
    assert seen["fast"] > 100  # the comparison is not of the full reader with itself


@pytest.mark.parametrize(
    "body",
    [
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        '<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:t>seen</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p>',
        '<w:p><w:r><w:t>text</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
        '<w:p><w:del w:id="1" w:author="A"><w:r><w:tab/><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>kept</w:t></w:r></w:p>',
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>control</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        "<w:p><w:r><w:t>Cafe\u0301 in NFD</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>a C1 control \u0085 here</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>a soft&#173;hyphen</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>line&#13;feed</w:t></w:r></w:p>",
    ],
)  # fmt: skip
def test_what_the_fast_path_does_not_handle_goes_to_the_full_reader(body: str) -> None:
    raw = _docx(body)
    assert not _fast_applies(raw)
    _same(raw)


def test_a_paragraph_style_with_list_numbering_goes_to_the_full_reader(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("first point", style="List Number")
    doc.add_paragraph("a heading", style="Heading 1")
    path = tmp_path / "styled.docx"
    doc.save(str(path))
    raw = path.read_bytes()
    assert not _fast_applies(raw)
    assert _same(raw).text.startswith("1.")
    doc = Document()
    doc.add_paragraph("a heading", style="Heading 1")
    p = doc.add_paragraph()
    p.add_run("Moderator:").bold = True
    p.add_run(" welcome")
    doc.save(str(path))
    raw = path.read_bytes()
    assert _fast_applies(raw)
    assert _same(raw).bold == {11: len("Moderator:")}


@pytest.mark.parametrize(
    ("props", "bold"),
    [
        ("<w:rPr><w:b/></w:rPr>", True),
        ('<w:rPr><w:b w:val="1"/></w:rPr>', True),
        ('<w:rPr><w:b w:val="true"/></w:rPr>', True),
        ('<w:rPr><w:b w:val="0"/></w:rPr>', False),
        ('<w:rPr><w:b w:val="false"/></w:rPr>', False),
        ('<w:rPr><w:b w:val="off"/></w:rPr>', False),
        ('<w:rPr><w:rStyle w:val="Strong"/></w:rPr>', True),
        ('<w:rPr><w:rStyle w:val="Emphasis"/></w:rPr>', False),
        ('<w:rPr><w:rStyle w:val="Strong"/><w:b w:val="0"/></w:rPr>', False),  # w:b decides
        ('<w:rPr><w:i/><w:rPrChange w:id="1" w:author="A"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr>', False),
        ("<w:rPr><w:bCs/></w:rPr>", False),  # bold complex script only
        ("", False),
    ],
)  # fmt: skip
def test_which_runs_are_bold(props: str, bold: bool) -> None:
    """The rule both readers share, stated independently of either: w:b of the run's own
    properties (not a formatting change's old ones) unless switched off, else a strong
    character style."""
    raw = _docx(
        f'<w:p><w:r>{props}<w:t>E1:</w:t></w:r><w:r><w:t xml:space="preserve"> yes</w:t></w:r></w:p>'
    )
    assert _fast_applies(raw)
    assert _same(raw).bold == ({0: 3} if bold else {})
