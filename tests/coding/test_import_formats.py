"""Format details and PDFs as real tools write them (issue 13), one test per defect."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.importing.decode import decode_bytes
from qualframe.coding.importing.extract import extract_transcript
from qualframe.coding.importing.speakers import detect_speakers
from tests.corpus import pdfs, writers
from tests.corpus.scripts import ENGLISH, GERMAN, HUNGARIAN, KOREAN, Script, plain


def _read(path: Path) -> str:
    return extract_transcript(path, path.read_bytes()).text


# -- PDF ----------------------------------------------------------------------------------------
def test_maxqda_tabs_between_words_still_give_searchable_words(tmp_path: Path) -> None:
    script = Script("Session", (("Interviewer", "So now you can stop sharing the screen."),
                                ("R1", "Okay, I stopped sharing now.")))  # fmt: skip
    path = pdfs.write_pdf(tmp_path / "maxqda.pdf", plain(script).strip().split("\n\n"),
                          tabs=True, line_numbers=True)  # fmt: skip
    text = _read(path)
    assert "So now you can stop sharing" in text
    assert "\t" not in text


def test_line_number_column_is_not_part_of_the_turns(tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "numbers.pdf", plain(ENGLISH).strip().split("\n\n"),
                          line_numbers=True)  # fmt: skip
    extracted = extract_transcript(path, path.read_bytes())
    turns = detect_speakers(extracted.text).turns
    assert [t.label for t in turns][:3] == ["Moderator", "E1", "E2"]
    assert not any(w.isdigit() for t in turns for w in extracted.text[t.start : t.end].split())
    assert any("line numbers" in w for w in extracted.warnings)


def test_glyph_by_glyph_german_pdf_keeps_words_and_finds_no_false_speakers(tmp_path: Path) -> None:
    script = Script(
        "Interview",
        (("I", "Bitte beschreiben Sie Ihre Erfahrungen mit dem Programm ausführlich und "
               "erzählen Sie uns insbesondere folgendes: wie oft haben Sie sich getroffen?"),
         ("B", "Ich habe mich jede Woche mit meiner Mentorin getroffen, und das war für mich "
               "eine riesige Hilfe während der gesamten Prüfungsphase im Wintersemester.")),
    )  # fmt: skip
    path = pdfs.write_pdf(tmp_path / "de.pdf", plain(script).strip().split("\n\n"), per_char=True)
    text = _read(path)
    assert "Ich habe mich jede Woche" in text and "eine riesige Hilfe" in text
    words = text.split()
    assert "Ich" in words and "ch" not in words and "r" not in words
    assert [t.label for t in detect_speakers(text).turns] == ["I", "B"]


def test_ligatures_expanded_and_line_end_hyphens_rejoined(tmp_path: Path) -> None:
    paras = plain(ENGLISH).strip().split("\n\n")
    lig = _read(pdfs.write_pdf(tmp_path / "lig.pdf", paras, ligatures=True))
    assert "defined" in lig and "\ufb01" not in lig
    de = _read(pdfs.write_pdf(tmp_path / "hy.pdf", plain(GERMAN).strip().split("\n\n"),
                              hyphenate=True))  # fmt: skip
    for word in ("Prüfungen", "Zusammenarbeit", "zurückgeben", "Mentoren"):
        assert word in de


def test_reading_order_comes_from_the_page_not_the_drawing_order(tmp_path: Path) -> None:
    paras = plain(ENGLISH).strip().split("\n\n")
    drawn_backwards = _read(pdfs.write_pdf(tmp_path / "rev.pdf", paras, reverse=True))
    assert drawn_backwards == _read(pdfs.write_pdf(tmp_path / "fwd.pdf", paras))
    assert drawn_backwards.startswith("Focus group with mentees")


def test_a_short_page_keeps_its_turns_apart(tmp_path: Path) -> None:
    """Two one-line turns without a full stop: the gap between them (larger than the font's
    leading) separates them, though a page of two lines gives no line pitch to compare with."""
    path = pdfs.write_pdf(tmp_path / "two.pdf", ["Moderator: hello", "E1: hi"])
    text = _read(path)
    assert text == "Moderator: hello\n\nE1: hi"
    assert [t.label for t in detect_speakers(text).turns] == ["Moderator", "E1"]


def test_garbled_text_layer_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = pdfs.write_garbled_pdf(tmp_path / "ja.pdf", ["司会: 本日はありがとうございます。"] * 4)
    with pytest.raises(ImportRefused, match=r"^ja\.pdf has a text layer that cannot be read"):
        _read(path)


# -- .docx / .odt / .rtf / .md ----------------------------------------------------------------------
def test_odt_and_rtf_footnotes_are_kept_like_docx(tmp_path: Path) -> None:
    note = (1, "The block is six weeks long.")
    odt = (
        _read(tmp_path / "n.odt")
        if writers.write_odt(tmp_path / "n.odt", ENGLISH, footnote=note)
        else ""
    )
    rtf = (
        _read(tmp_path / "n.rtf")
        if writers.write_rtf(tmp_path / "n.rtf", ENGLISH, footnote=note)
        else ""
    )
    for text in (odt, rtf):
        assert "library every Thursday afternoon, and she showed" in text
        assert "[footnote: The block is six weeks long.]" in text


def test_docx_table_cell_in_a_content_control_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "sdt.docx"
    writers.write_docx_with_table(path, ENGLISH, [["Site", "Date"], ["Library", "Thursday"]])
    assert "Site\tDate" in _read(path)


def test_list_numbers_and_bullets_are_text(tmp_path: Path) -> None:
    items = ["Review before the exam", "Plan for the semester"]
    docx = (
        _read(tmp_path / "l.docx")
        if writers.write_docx(tmp_path / "l.docx", ENGLISH, lists=items)
        else ""
    )
    assert "1.\tReview before the exam" in docx and "2.\tPlan for the semester" in docx
    assert "•\tReview" in docx
    odt = (
        _read(tmp_path / "l.odt")
        if writers.write_odt(tmp_path / "l.odt", ENGLISH, numbered=items)
        else ""
    )
    assert "1.\tReview before the exam" in odt and "2.\tPlan" in odt
    rtf = b"{\\rtf1\\ansi{\\listtext\\pard\\plain 3.1.\\tab}\\pard Item\\par{\\pntext a)\\tab}Other\\par}"
    text = extract_transcript(Path("l.rtf"), rtf).text
    assert "3.1.\tItem" in text and "a)\tOther" in text


def test_rtf_hyperlink_shows_its_text_and_table_cells_are_tabs(tmp_path: Path) -> None:
    path = tmp_path / "h.rtf"
    writers.write_rtf(path, ENGLISH, link=(0, "Wikipedia", "https://en.wikipedia.org"),
                      table=[["Site", "Date"]])  # fmt: skip
    text = _read(path)
    assert "See Wikipedia." in text and "https://" not in text and 'Wikipedia("' not in text
    assert "Site\tDate" in text and "|" not in text


def test_markdown_stores_the_text_as_read_with_turns_on_the_label(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_text("# Group\n\n**Moderator:** Hello *everyone*.\n\n**E12**: Hi.\n", "utf-8")
    extracted = extract_transcript(path, path.read_bytes())
    assert extracted.text == "Group\n\nModerator: Hello everyone.\n\nE12: Hi."
    turns = detect_speakers(extracted.text, bold=extracted.bold).turns
    assert [extracted.text[t.start : t.label_end] for t in turns] == ["Moderator:", "E12:"]


def test_yaml_front_matter_is_not_participants(tmp_path: Path) -> None:
    path = tmp_path / "f.md"
    path.write_text(
        "---\ntitle: FGI 3\ndate: 2025-05-12\nparticipants: M1, M2\n---\n\n"
        "Moderator: Hello.\n\nM1: Hi.\n\nM2: Hello.\n",
        "utf-8",
    )
    extracted = extract_transcript(path, path.read_bytes())
    labels = [t.label for t in detect_speakers(extracted.text).turns]
    assert labels == ["Moderator", "M1", "M2"]
    assert any("front matter" in w for w in extracted.warnings)


def test_hungarian_iso_8859_2_is_not_read_as_cp1252() -> None:
    raw = plain(HUNGARIAN).encode("iso8859_2")
    decoded = decode_bytes(raw, "hu.txt")
    assert "Őszintén" in decoded.text and "hétfőnként" in decoded.text and "õ" not in decoded.text


def test_a_close_encoding_choice_is_warned_with_a_sample() -> None:
    decoded = decode_bytes("Entrevistador: ¿Cómo fue? Niño.\n".encode("cp1252"), "es.txt")
    assert decoded.text.startswith("Entrevistador: ¿Cómo")
    assert decoded.warnings and "close call" in decoded.warnings[0]
    assert decoded.sample == "Entrevistador: ¿Cómo fue? Niño."


def test_short_euc_jp_is_not_decoded_as_korean() -> None:
    text = "司会: 今日はありがとうございます。\n"
    decoded = decode_bytes(text.encode("euc_jp"), "ja.txt")
    assert decoded.text == text


def test_korean_cp949_still_wins_over_chinese_guesses() -> None:
    text = plain(KOREAN)
    assert decode_bytes(text.encode("cp949"), "ko.txt").text == text


# -- hostile input (issue 10) -----------------------------------------------------------------------
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _zip(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def _docx(body: str, prolog: str = "") -> bytes:
    xml = f"{prolog}<w:document {W}><w:body>{body}</w:body></w:document>"
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": xml})


def _odt(body: str, prolog: str = "") -> bytes:
    xml = (
        f"{prolog}<office:document-content {ODF}><office:body><office:text>{body}"
        "</office:text></office:body></office:document-content>"
    )
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": xml})


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_zip_bomb_is_refused_before_it_is_read(suffix: str) -> None:
    para = (
        "<w:p><w:r><w:t>M1: aaaa</w:t></w:r></w:p>"
        if suffix == ".docx"
        else "<text:p>M1: a</text:p>"
    )
    body = para * 300_000 + "<!--" + " " * (280 * 1024 * 1024) + "-->"
    raw = _docx(body) if suffix == ".docx" else _odt(body)
    assert len(raw) < 2 * 1024 * 1024
    with pytest.raises(ImportRefused, match="possible zip bomb"):
        extract_transcript(Path("bomb" + suffix), raw)


def test_zip_bomb_by_ratio_is_refused() -> None:
    raw = _docx("<w:p><w:r><w:t>x</w:t></w:r></w:p>" + "<!--" + " " * (40 * 1024 * 1024) + "-->")
    with pytest.raises(ImportRefused, match=r"times its packed size.*zip bomb"):
        extract_transcript(Path("ratio.docx"), raw)


def test_a_member_larger_than_its_header_says_is_refused() -> None:
    """A header that understates a member's size cannot make the reader inflate more."""
    raw = bytearray(_docx("<w:p><w:r><w:t>" + "a" * 5000 + "</w:t></w:r></w:p>"))
    name = b"word/document.xml"
    pos = raw.find(b"PK\x01\x02")
    while raw[pos + 46 : pos + 46 + len(name)] != name:
        pos = raw.find(b"PK\x01\x02", pos + 1)
    raw[pos + 24 : pos + 28] = (100).to_bytes(4, "little")  # central directory: 100 bytes
    local = raw.rfind(b"PK\x03\x04", 0, raw.find(name))
    raw[local + 22 : local + 26] = (100).to_bytes(4, "little")
    with pytest.raises(ImportRefused, match=r"damaged|larger than its header"):
        extract_transcript(Path("liar.docx"), bytes(raw))


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_nesting_1500_deep_gives_no_recursion_error(suffix: str) -> None:
    if suffix == ".docx":
        raw = _docx(
            "<w:sdt><w:sdtContent>" * 700 + "<w:p><w:r><w:t>M1: deep</w:t></w:r></w:p>"
            + "</w:sdtContent></w:sdt>" * 700 + "<w:tbl><w:tr><w:tc>" * 450
            + "<w:p><w:r><w:t>cell</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * 450
        )  # fmt: skip
    else:
        raw = _odt("<text:section>" * 700 + "<text:p>M1: deep" + "<text:span>" * 700 + "x"
                   + "</text:span>" * 700 + "</text:p>" + "</text:section>" * 700)  # fmt: skip
    text = extract_transcript(Path("deep" + suffix), raw).text
    assert text.startswith("M1: deep")
    deeper = _docx("<w:sdt><w:sdtContent>" * 1100 + "</w:sdtContent></w:sdt>" * 1100)
    with pytest.raises(ImportRefused, match="nests its XML more than 2,048 levels deep"):
        extract_transcript(Path("deeper.docx"), deeper)


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_xxe_is_blocked_and_said(suffix: str) -> None:
    prolog = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    if suffix == ".docx":
        raw = _docx("<w:p><w:r><w:t>M1: before &xxe; after</w:t></w:r></w:p>", prolog)
    else:
        raw = _odt("<text:p>M1: before &xxe; after</text:p>", prolog)
    extracted = extract_transcript(Path("x" + suffix), raw)
    assert "root:" not in extracted.text and "after" in extracted.text
    assert any("DOCTYPE" in w and "not expanded" in w for w in extracted.warnings)
