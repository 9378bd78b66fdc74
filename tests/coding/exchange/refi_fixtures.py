"""Invented REFI-QDA exports written the way real tools write them (see the shared notes on
NVivo, ATLAS.ti and MAXQDA): built as XML text here, independently of Qualframe's writer.

The texts are invented mentoring-study snippets in English, Korean and German with emoji.
Each builder returns the expected coded passages, so tests can check that every coding
lands on the same characters after the import.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


def gid(n: int) -> str:
    return str(uuid.UUID(int=0x5EED0000_0000_4000_8000_000000000000 + n))


def write_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None,
               *, qde_name: str = "project.qde") -> Path:  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- NVivo for Windows: BOM, CRLF, UTF-16 positions, Sources/ -----------------------------------
NVIVO_LINES = [
    "Focus group: mentees, spring term",
    "Moderator: How did the sessions change your studying? 🙂",
    "E1: I started reviewing three weeks ahead 📚 instead of the night before.",
    "E2 (박지민): 선배가 시험 전에 복습을 도와줬어요 😀 정말 좋았어요.",
    "E3: Ehrlich gesagt hat mich der Druck gestresst 😬 — jede Woche Fortschritt zeigen.",
    "E1: The exam review before anatomy was the best part 🎉🎉.",
]
NVIVO_QUOTES = [
    ("reviewing three weeks ahead", 1),
    ("선배가 시험 전에 복습을 도와줬어요", 2),
    ("der Druck gestresst 😬", 3),
    ("The exam review before anatomy", 1),
    ("정말 좋았어요", 2),
]


def nvivo_windows(path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """A NVivo 12 Windows-like .qdpx; returns it and the (code name, quote) pairs."""
    text = "\r\n".join(NVIVO_LINES) + "\r\n"
    src = gid(100)
    codes = {1: "Starting before the exam period", 2: "Emotional support",
             3: "Pressure felt by the mentee"}  # fmt: skip
    sels = []
    expected = []
    for n, (quote, code) in enumerate(NVIVO_QUOTES):
        at = text.index(quote)
        start, end = utf16(text[:at]), utf16(text[: at + len(quote)])
        sels.append(
            f'      <PlainTextSelection guid="{gid(200 + n)}" name="" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{gid(1)}" creationDateTime="2025-06-18T02:08:15Z">\n'
            f"        <Description />\n"
            f'        <Coding guid="{gid(300 + n)}" creatingUser="{gid(2)}" '
            f'creationDateTime="2025-06-18T02:06:50Z">\n'
            f'          <CodeRef targetGUID="{gid(10 + code)}" />\n'
            f"        </Coding>\n      </PlainTextSelection>"
        )
        expected.append((codes[code], quote))
    code_xml = "\n".join(
        f'      <Code guid="{gid(10 + k)}" name={quoteattr(v)} isCodable="true" />'
        for k, v in codes.items()
    )
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Mentoring FGI" origin="NVivo for Windows 12.6" creatingUserGUID="{gid(1)}" creationDateTime="2025-02-21T15:09:07Z" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="{gid(1)}" name="Hana" />
    <User guid="{gid(2)}" name="Jonas" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{gid(10)}" name="Themes" isCodable="false">
        <Description>Top level</Description>
{code_xml}
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{src}" name="fgi_mentees_spring" richTextPath="internal://{src}.docx" plainTextPath="internal://{src}.txt" creatingUser="{gid(1)}" creationDateTime="2025-06-11T16:24:07Z">
{chr(10).join(sels)}
    </TextSource>
  </Sources>
</Project>"""
    files = {f"Sources/{src}.txt": b"\xef\xbb\xbf" + text.encode("utf-8")}
    return write_qdpx(path, qde, files), expected


# -- MAXQDA-like: nameless cases with variables, a memo on a selection, LF, sources/ ------------
def maxqda_like(path: Path) -> Path:
    t1 = "M1: We met every Friday and planned the week.\nM1: The plan made it easy.\n"
    t2 = "E4: 주간 계획이 도움이 됐어요.\nE4: Nicht immer, aber oft.\n"
    s1, s2 = gid(401), gid(402)
    memo_at = t1.index("planned the week")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="Peer mentoring" origin="MAXQDA 24" xmlns="urn:QDA-XML:project:1.0">
<Users><User guid="{gid(3)}" name="Mira" /></Users>
<CodeBook><Codes>
<Code guid="{gid(20)}" name="Study plans" isCodable="true" color="#3c9"><Description>Plans made together</Description></Code>
</Codes></CodeBook>
<Variables>
<Variable guid="{gid(30)}" name="role" typeOfVariable="Text" />
<Variable guid="{gid(31)}" name="year" typeOfVariable="Integer" />
</Variables>
<Cases>
<Case guid="{gid(40)}"><VariableValue><VariableRef targetGUID="{gid(30)}" /><TextValue>mentor</TextValue></VariableValue><VariableValue><VariableRef targetGUID="{gid(31)}" /><IntegerValue>4</IntegerValue></VariableValue><SourceRef targetGUID="{s1}" /></Case>
<Case guid="{gid(41)}"><VariableValue><VariableRef targetGUID="{gid(30)}" /><TextValue>mentee</TextValue></VariableValue><SourceRef targetGUID="{s2}" /></Case>
</Cases>
<Sources>
<TextSource guid="{s1}" name="Interview M1" plainTextPath="internal://{s1}.txt">
<PlainTextSelection guid="{gid(410)}" startPosition="{memo_at}" endPosition="{memo_at + 16}" creatingUser="{gid(3)}"><Description>Weekly rhythm matters.</Description></PlainTextSelection>
<PlainTextSelection guid="{gid(411)}" startPosition="{t1.index("The plan")}" endPosition="{t1.index("The plan") + 22}" creatingUser="{gid(3)}"><Coding guid="{gid(412)}" creatingUser="{gid(3)}"><CodeRef targetGUID="{gid(20)}" /></Coding></PlainTextSelection>
</TextSource>
<TextSource guid="{s2}" name="Interview E4" plainTextPath="internal://{s2}.txt" />
</Sources>
<Sets><Set guid="{gid(50)}" name="Spring interviews"><MemberSource targetGUID="{s1}" /><MemberSource targetGUID="{s2}" /></Set></Sets>
</Project>"""
    return write_qdpx(
        path, qde, {f"sources/{s1}.txt": t1.encode(), f"sources/{s2}.txt": t2.encode()}
    )


# -- ATLAS.ti-like: CRLF written, counted as one; notes, links, a PDF and a picture --------------
def atlas_like(path: Path) -> tuple[Path, str]:
    text = "Moderator: Why mentoring?\r\nE7: Because my senior listened 👂 to me.\r\nE7: 고마웠어요.\r\n"
    lf = text.replace("\r\n", "\n")
    quote = "my senior listened 👂 to me"
    start = lf.index(quote)
    src, pdf = gid(501), gid(502)
    rep_text = "Handout: Study plan template 📝\nWeek 1: anatomy\n"
    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="ATLAS.ti 9.1.0 (macOS)" name="Mentoring study" creatingUserGUID="{gid(4).upper()}">
    <Users><User guid="{{{gid(4).upper()}}}" name="Sun-hee"/></Users>
    <CodeBook><Codes>
        <Code guid="{gid(60).upper()}" name="Emotional support" isCodable="true" color="#F00082"/>
        <Code guid="{gid(61).upper()}" name="Coke::diet" isCodable="true"/>
    </Codes></CodeBook>
    <Sources>
        <TextSource guid="{src.upper()}" name="fgi_7.docx" plainTextPath="internal://{src.upper()}.txt" richTextPath="internal://{gid(503).upper()}.docx">
            <PlainTextSelection guid="{gid(510).upper()}" name={quoteattr(quote)} startPosition="{start}" endPosition="{start + len(quote)}" creatingUser="{gid(4).upper()}">
                <Coding guid="{gid(511).upper()}" creatingUser="{gid(4).upper()}"><CodeRef targetGUID="{gid(60).upper()}"/></Coding>
            </PlainTextSelection>
            <NoteRef targetGUID="{gid(71).upper()}"/>
        </TextSource>
        <PictureSource guid="{gid(520).upper()}" name="whiteboard.jpg" path="internal://{gid(520).upper()}.jpg">
            <PictureSelection guid="{gid(521).upper()}" firstX="1" firstY="2" secondX="30" secondY="40"/>
        </PictureSource>
        <PDFSource guid="{pdf.upper()}" name="handout.pdf" path="internal://{pdf.upper()}.pdf">
            <PDFSelection guid="{gid(530).upper()}" page="0" firstX="1" firstY="2" secondX="3" secondY="4"/>
            <Representation guid="{gid(531).upper()}" plainTextPath="internal://{gid(531).upper()}.txt">
                <PlainTextSelection guid="{gid(532).upper()}" startPosition="9" endPosition="28">
                    <Coding guid="{gid(533).upper()}"><CodeRef targetGUID="{gid(61).upper()}"/></Coding>
                </PlainTextSelection>
            </Representation>
        </PDFSource>
        <AudioSource guid="{gid(540).upper()}" name="fgi_7.m4a" path="relative:///fgi_7.m4a"/>
    </Sources>
    <Notes>
        <Note guid="{gid(70).upper()}" name="Research plan" creatingUser="{gid(4).upper()}" creationDateTime="2018-03-27T19:38:46Z"><PlainTextContent>Compare mentors and mentees.</PlainTextContent></Note>
        <Note guid="{gid(71).upper()}" name="About fgi 7"><PlainTextContent>Recorded in the library.</PlainTextContent></Note>
        <Note guid="{gid(72).upper()}" name="Quote memo"><PlainTextContent>Listening as support.</PlainTextContent></Note>
    </Notes>
    <Links>
        <Link guid="{gid(80).upper()}" name="Memo-Quotation" direction="OneWay" originGUID="{gid(72).upper()}" targetGUID="{gid(510).upper()}"/>
    </Links>
    <NoteRef targetGUID="{gid(70).upper()}"/>
</Project>"""
    files = {
        f"Sources/{src.upper()}.txt": text.encode("utf-8"),
        f"Sources/{gid(531).upper()}.txt": rep_text.encode("utf-8"),
        f"Sources/{pdf.upper()}.pdf": b"%PDF-1.4 placeholder",
    }
    return write_qdpx(path, qde, files, qde_name="Mentoring study.qde"), quote


def codebook_qdc(
    path: Path, namespace: str = "urn:QDA-XML:codebook:1.0", *, bom: bool = False
) -> Path:
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{namespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="ATLAS.ti 23.4.0">
  <Codes>
    <Code guid="{gid(900).upper()}" name="Suggestions for improvement" isCodable="true" color="#FF0000">
      <Code guid="{gid(901).upper()}" name="Mentor/mentee matching" isCodable="true">
        <Description>{escape("Matching by interests & characteristics.")}</Description>
      </Code>
      <Code guid="{gid(902).upper()}" name=" Voluntary participation 🙋" isCodable="true"/>
    </Code>
  </Codes>
</CodeBook>"""
    data = body.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
