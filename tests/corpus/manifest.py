"""The test corpus: 46 transcript files of every supported kind, in eight languages, each with
the text a reader sees in it and the speaker sequence expected, written out by hand.

``build(folder)`` writes the files (a few hundred milliseconds) and returns the entries.
Fidelity references: for .txt/.md/.docx/.odt/.rtf the text the file was written from (as a
reader sees it: Markdown rendered, list numbers and footnotes as Word and LibreOffice show
them); for PDFs both that text and an independent extractor, ``pdftotext -layout`` (run on
the text block only: the margins hold line numbers and running headers by design).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.corpus import pdfs, writers
from tests.corpus.scripts import (
    DUTCH,
    ENGLISH,
    FRENCH,
    GERMAN,
    HUNGARIAN,
    JAPANESE,
    KOREAN,
    SPANISH,
    Script,
    plain,
)  # fmt: skip

M, E1, E2, E3 = "Moderator", "E1", "E2", "E3"
EN_LABELS = [M, E1, E2, M, E1, E3, M, E2, E3, M, E1]
DE_LABELS = [
    "Interviewer/in",
    "B1",
    "B2",
    "Interviewer/in",
    "B1",
    "B3",
    "Interviewer/in",
    "B2",
    "B3",
]
FR_LABELS = ["Intervieweur", "P1", "P2", "Intervieweur", "P1", "P3"]
ES_LABELS = ["MODERADOR", "M1", "M2", "MODERADOR", "M1", "M3"]
NL_LABELS = ["Interviewer", "R1", "R2", "Interviewer", "R1", "R2"]
HU_LABELS = ["Kérdező", "V1", "V2", "Kérdező", "V1", "V2"]
KO_LABELS = ["진행자", "E6", "E7", "진행자", "E6", "E8", "진행자", "E7"]
JA_LABELS = ["司会", "S1", "S2", "司会", "S1", "S2"]


@dataclass(frozen=True)
class Entry:
    path: Path
    kind: str  # txt, md, docx, odt, rtf, pdf
    reference: str | None  # the text as read (None: refused files)
    labels: list[str]  # expected speakers, in order (pseudonyms)
    refused: str | None = None  # a phrase the refusal must contain
    pdftotext: bool = False  # compare with pdftotext as well


def _paras(script: Script) -> list[str]:
    return plain(script).strip().split("\n\n")


def _text(folder: Path) -> list[Entry]:
    out = []

    def add(name: str, script: Script, encoding: str, labels: list[str], **kw: bool) -> None:
        text = plain(script)
        out.append(
            Entry(
                folder / name,
                "txt",
                writers.write_text(folder / name, text, encoding, **kw),
                labels,
            )
        )

    add("en_utf8.txt", ENGLISH, "utf-8", EN_LABELS)
    add("en_bom_crlf.txt", ENGLISH, "utf-8-sig", EN_LABELS, crlf=True)
    add("ko_utf8.txt", KOREAN, "utf-8", KO_LABELS)
    add("ko_cp949.txt", KOREAN, "cp949", KO_LABELS)
    add("ko_euckr.txt", KOREAN, "euc-kr", KO_LABELS)
    add("ko_utf16.txt", KOREAN, "utf-16", KO_LABELS)
    add("de_cp1252.txt", GERMAN, "cp1252", DE_LABELS)
    add("fr_cp1252.txt", FRENCH, "cp1252", FR_LABELS)
    add("hu_iso8859_2.txt", HUNGARIAN, "iso8859_2", HU_LABELS)
    add("es_meta_utf8.txt", SPANISH, "utf-8", ES_LABELS)
    add("ja_eucjp.txt", JAPANESE, "euc_jp", JA_LABELS)
    add("ja_sjis.txt", JAPANESE, "shift_jis", JA_LABELS)
    add("nl_utf8.txt", DUTCH, "utf-8", NL_LABELS)
    stamped = (
        "\n\n".join(
            [DUTCH.title]
            + [
                f"[00:{i:02d}:{(i * 13) % 60:02d}] {lb}: {sp}"
                for i, (lb, sp) in enumerate(DUTCH.turns)
            ]
        )
        + "\n"
    )
    out.append(
        Entry(
            folder / "nl_timestamps.txt",
            "txt",
            writers.write_text(folder / "nl_timestamps.txt", stamped, "utf-8"),
            NL_LABELS,
        )
    )
    alone = "\n\n".join([ENGLISH.title] + [f"{lb}\n{sp}" for lb, sp in ENGLISH.turns]) + "\n"
    out.append(
        Entry(
            folder / "en_label_alone.txt",
            "txt",
            writers.write_text(folder / "en_label_alone.txt", alone, "utf-8"),
            EN_LABELS,
        )
    )
    otter = (
        "\n\n".join(
            [
                f"Speaker {1 if lb == M else 2}  {i}:{(i * 7) % 60:02d}\n{sp}"
                for i, (lb, sp) in enumerate(ENGLISH.turns[:6])
            ]
        )
        + "\n"
    )
    out.append(
        Entry(
            folder / "en_otter.txt",
            "txt",
            writers.write_text(folder / "en_otter.txt", otter, "utf-8"),
            ["Speaker 1", "Speaker 2", "Speaker 2", "Speaker 1", "Speaker 2", "Speaker 2"],
        )
    )
    phrases = (
        "Interview notes, session 2\n\nDate: 3 March 2025\nTime: 10:30\n\n"
        "Interviewer1: How do you plan a week before the exams?\n\n"
        "E1: I make a list first.\nSo basically: I write every topic on a card.\n10:30 is when the library opens.\n\n"
        "Interviewer2: And the review sessions?\n\n"
        "E2: They were the best part.\nThen I said: fine, I will come every week.\nQ3: was not on the guide, but we talked about it.\n\n"
        "Interviewer1: Anything else?\n\nE1: No, thank you.\n"
    )
    out.append(
        Entry(
            folder / "en_phrases.txt",
            "txt",
            writers.write_text(folder / "en_phrases.txt", phrases, "utf-8"),
            ["Interviewer1", "E1", "Interviewer2", "E2", "Interviewer1", "E1"],
        )
    )
    korean_phrases = (
        "진행자: 시험 준비는 어떻게 하셨어요?\n\n"
        "E6: 처음에는 혼자 했어요.\n왜냐면: 선배님과 시간이 잘 안 맞았거든요.\n솔직히: 조금 외로웠어요.\n\n"
        "진행자: 나중에는요?\n\nE7: 같이 복습 모임을 했어요.\n\n진행자: 감사합니다.\n"
    )
    out.append(
        Entry(
            folder / "ko_phrases.txt",
            "txt",
            writers.write_text(folder / "ko_phrases.txt", korean_phrases, "utf-8"),
            ["진행자", "E6", "진행자", "E7", "진행자"],
        )
    )
    return out


def _markdown(folder: Path) -> list[Entry]:
    return [
        Entry(folder / "en_bold.md", "md", writers.write_markdown_bold(folder / "en_bold.md", ENGLISH), EN_LABELS),
        Entry(folder / "de_headings.md", "md", writers.write_markdown_headings(folder / "de_headings.md", GERMAN), DE_LABELS),
        Entry(
            folder / "es_front_matter.md", "md",
            writers.write_markdown_front_matter(
                folder / "es_front_matter.md", SPANISH,
                {"fecha": "2025-05-12", "lugar": "Sala 3", "participantes": "M1, M2, M3"},
            ),
            ES_LABELS,
        ),
        Entry(folder / "en_timestamps.md", "md", writers.write_markdown_timestamps(folder / "en_timestamps.md", ENGLISH), EN_LABELS),
    ]  # fmt: skip


def _office(folder: Path) -> list[Entry]:
    lists = ["Wiederholung vor der Klausur", "Lernplan für das Semester", "Feste Termine"]
    out = [
        Entry(folder / "en.docx", "docx", writers.write_docx(folder / "en.docx", ENGLISH), EN_LABELS),
        Entry(folder / "ko.docx", "docx", writers.write_docx(folder / "ko.docx", KOREAN), KO_LABELS),
        Entry(folder / "de_lists.docx", "docx", writers.write_docx(folder / "de_lists.docx", GERMAN, lists=lists), DE_LABELS),
        Entry(folder / "es_meta.docx", "docx", writers.write_docx(folder / "es_meta.docx", SPANISH), ES_LABELS),
        Entry(folder / "nl_typed.docx", "docx", writers.write_docx(folder / "nl_typed.docx", DUTCH, bold=False), NL_LABELS),
        Entry(folder / "hu.docx", "docx", writers.write_docx(folder / "hu.docx", HUNGARIAN), HU_LABELS),
        Entry(folder / "fr_sdt_table.docx", "docx", writers.write_docx_with_table(folder / "fr_sdt_table.docx", FRENCH, [["Lieu", "Date"], ["Salle 4", "2 juin"]]), FR_LABELS),
        Entry(folder / "ja.docx", "docx", writers.write_docx(folder / "ja.docx", JAPANESE), JA_LABELS),
        Entry(folder / "en.odt", "odt", writers.write_odt(folder / "en.odt", ENGLISH), EN_LABELS),
        Entry(folder / "de_footnote.odt", "odt", writers.write_odt(folder / "de_footnote.odt", GERMAN, footnote=(1, "Gemeint ist das Mentoringprogramm der Fakultät.")), DE_LABELS),
        Entry(folder / "ko.odt", "odt", writers.write_odt(folder / "ko.odt", KOREAN), KO_LABELS),
        Entry(folder / "fr_list.odt", "odt", writers.write_odt(folder / "fr_list.odt", FRENCH, numbered=["Fiches", "Planning", "Révisions"]), FR_LABELS),
        Entry(folder / "hu.odt", "odt", writers.write_odt(folder / "hu.odt", HUNGARIAN), HU_LABELS),
        Entry(
            folder / "en_note_link_table.rtf", "rtf",
            writers.write_rtf(
                folder / "en_note_link_table.rtf", ENGLISH, footnote=(2, "The block is six weeks long."),
                link=(1, "the library page", "https://library.example.org/rooms"), table=[["Site", "Date"], ["Library", "Thursday"]],
            ),
            EN_LABELS,
        ),
        Entry(folder / "ko_cp949.rtf", "rtf", writers.write_rtf(folder / "ko_cp949.rtf", KOREAN, "cp949"), KO_LABELS),
        Entry(folder / "de.rtf", "rtf", writers.write_rtf(folder / "de.rtf", GERMAN), DE_LABELS),
        Entry(folder / "es_unicode.rtf", "rtf", writers.write_rtf(folder / "es_unicode.rtf", SPANISH, unicode_escapes=True), ES_LABELS),
        Entry(folder / "hu_cp1250.rtf", "rtf", writers.write_rtf(folder / "hu_cp1250.rtf", HUNGARIAN, "cp1250"), HU_LABELS),
    ]  # fmt: skip
    return out


def _pdf(folder: Path) -> list[Entry]:
    def pdf(name: str, script: Script, labels: list[str], repeat: int = 1, **kw: object) -> Entry:
        paras = _paras(script)
        body = paras + paras[1:] * (repeat - 1)
        pdfs.write_pdf(folder / name, body, **kw)  # type: ignore[arg-type]
        return Entry(folder / name, "pdf", "\n\n".join(body), labels, pdftotext=True)

    return [
        pdf("en_plain.pdf", ENGLISH, EN_LABELS),
        pdf("en_maxqda.pdf", ENGLISH, EN_LABELS * 3, repeat=3, tabs=True, line_numbers=True, header="Mentoring study – focus group mentees – MAXQDA export"),
        pdf("de_glyphs_hyphens.pdf", GERMAN, DE_LABELS, per_char=True, hyphenate=True),
        pdf("en_ligatures.pdf", ENGLISH, EN_LABELS, ligatures=True),
        pdf("fr_header.pdf", FRENCH, FR_LABELS * 4, repeat=4, header="Étude de tutorat – entretien de groupe"),
        pdf("nl_line_numbers.pdf", DUTCH, NL_LABELS, line_numbers=True),
        pdf("hu.pdf", HUNGARIAN, HU_LABELS, hyphenate=True),
        pdf("ja_cid.pdf", JAPANESE, JA_LABELS, cid="HeiseiMin-W3"),
        pdf("ko_cid.pdf", KOREAN, KO_LABELS, cid="HYSMyeongJo-Medium"),
        Entry(
            pdfs.write_garbled_pdf(folder / "ja_garbled.pdf", _paras(JAPANESE)), "pdf", None, [],
            refused="cannot be read",
        ),
    ]  # fmt: skip


def build(folder: Path) -> list[Entry]:
    folder.mkdir(parents=True, exist_ok=True)
    return [*_text(folder), *_markdown(folder), *_office(folder), *_pdf(folder)]
