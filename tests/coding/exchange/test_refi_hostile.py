"""Hostile .qdpx/.qdc files are refused with one sentence, and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.exchange import archive
from qualframe.coding.exchange.qdc import import_codebook
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import create_from, import_project
from tests.coding.exchange import refi_fixtures as fx

SRC = fx.gid(7)
GOOD_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>
<Code guid="{fx.gid(1)}" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{SRC}" name="t" plainTextPath="internal://{SRC}.txt"/></Sources>
</Project>"""


def refused_cleanly(project: Project, path: Path, match: str) -> str:
    """The import of ``path`` is refused with one sentence; the project is untouched, and
    ``new --from`` leaves no file."""
    before = project.info()
    with pytest.raises(ImportRefused, match=match) as info:
        import_project(project, prepare(path))
    message = str(info.value)
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert path.name in message
    assert project.info() == before
    target = path.with_name("fresh.qualframe")
    with pytest.raises(ImportRefused):
        create_from(target, path)
    assert not list(path.parent.glob("fresh.qualframe*"))
    return message


def test_the_good_archive_imports(tmp_path: Path, project: Project) -> None:
    path = fx.write_qdpx(tmp_path / "ok.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": b"hello"})
    assert import_project(project, prepare(path)).counts["sources"] == 1


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        ("../../evil.txt", "leads outside the archive"),
        ("sources/../../evil.txt", "leads outside the archive"),
        ("..\\..\\evil.txt", "leads outside the archive"),
        ("/etc/cron.d/evil", "absolute path"),
        ("C:\\Windows\\evil.dll", "absolute path"),
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, project: Project, entry: str, what: str) -> None:
    path = fx.write_qdpx(
        tmp_path / "trav.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": b"hello", entry: b"x"}
    )
    refused_cleanly(project, path, what)


def test_a_source_path_leading_outside_is_refused(tmp_path: Path, project: Project) -> None:
    qde = GOOD_QDE.replace(f"internal://{SRC}.txt", "internal://../../home/user/.ssh/id_rsa")
    path = fx.write_qdpx(tmp_path / "src.qdpx", qde, {f"sources/{SRC}.txt": b"hello"})
    refused_cleanly(project, path, "leads outside the archive")
    qde = GOOD_QDE.replace(f"internal://{SRC}.txt", "absolute:///etc/passwd")
    path = fx.write_qdpx(tmp_path / "abs.qdpx", qde, {f"sources/{SRC}.txt": b"hello"})
    refused_cleanly(project, path, "outside the project")


def test_a_zip_bomb_is_refused(tmp_path: Path, project: Project) -> None:
    path = fx.write_qdpx(
        tmp_path / "bomb.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": b"\0" * (20 * 1024 * 1024)}
    )
    assert path.stat().st_size < 100_000  # 20 MB squeezed into a few kilobytes
    refused_cleanly(project, path, "out of proportion")


def test_too_many_entries_are_refused(tmp_path: Path, project: Project) -> None:
    files = {f"sources/{SRC}.txt": b"hello"}
    files.update({f"sources/{i}.txt": b"" for i in range(archive.MAX_ENTRIES)})
    path = fx.write_qdpx(tmp_path / "many.qdpx", GOOD_QDE, files)
    refused_cleanly(project, path, "entries, out of proportion")


def test_expanded_size_out_of_proportion_is_refused(
    tmp_path: Path, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 10_000)  # a 2 GB archive, scaled down
    path = fx.write_qdpx(
        tmp_path / "big.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": bytes(range(256)) * 60}
    )
    refused_cleanly(project, path, "expands to")


def test_an_external_entity_is_refused(tmp_path: Path, project: Project) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    qde = (
        f'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        + GOOD_QDE.split("?>", 1)[1].replace('name="A"', 'name="&xxe;"')
    )
    path = fx.write_qdpx(tmp_path / "xxe.qdpx", qde, {f"sources/{SRC}.txt": b"hello"})
    message = refused_cleanly(project, path, "document type or entities")
    assert "TOP SECRET" not in message


def test_an_entity_expansion_bomb_is_refused(tmp_path: Path, project: Project) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]  # a billion "lol"s once expanded
    lol = "".join(entities)
    qde = f'<?xml version="1.0"?>\n<!DOCTYPE Project [{lol}]>\n' + GOOD_QDE.split("?>", 1)[
        1
    ].replace('name="A"', 'name="&lol9;"')
    path = fx.write_qdpx(tmp_path / "lol.qdpx", qde, {f"sources/{SRC}.txt": b"hello"})
    refused_cleanly(project, path, "document type or entities")


def test_hostile_codebooks_are_refused(tmp_path: Path, project: Project) -> None:
    qdc = tmp_path / "xxe.qdc"
    qdc.write_text(
        '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{fx.gid(1)}" name="&x;" isCodable="true"/></Codes></CodeBook>'
    )
    before = project.info()
    with pytest.raises(ImportRefused, match=r"xxe\.qdc declares a document type"):
        import_codebook(project, qdc)
    assert project.info() == before


def test_a_source_that_is_not_utf8_is_refused(tmp_path: Path, project: Project) -> None:
    text = "Mentée: « très utile »".encode("cp1252")
    path = fx.write_qdpx(tmp_path / "latin.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": text})
    message = refused_cleanly(project, path, "not valid UTF-8")
    assert "0xE9" in message


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: p.write_bytes(b"not a zip at all"), "not a readable zip file"),
        (lambda p: fx.write_qdpx(p, GOOD_QDE), "is damaged: the text of the source"),
        (lambda p: fx.write_qdpx(p, "<Project", {}), "not well-formed XML"),
        (lambda p: fx.write_qdpx(p, GOOD_QDE, {"b.qde": b"<Project/>"}), "several .qde"),
        (lambda p: zipfile.ZipFile(p, "w").close(), "holds no .qde"),
    ],
)
def test_broken_archives_are_refused(tmp_path: Path, project: Project, make, match: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.qdpx"
    make(path)
    refused_cleanly(project, path, match)


def test_an_encrypted_entry_is_refused(tmp_path: Path, project: Project) -> None:
    path = fx.write_qdpx(tmp_path / "locked.qdpx", GOOD_QDE, {f"sources/{SRC}.txt": b"hello"})
    data = bytearray(path.read_bytes())
    name = f"sources/{SRC}.txt".encode()
    for header, flag_at, name_at in ((b"PK\x01\x02", 8, 46), (b"PK\x03\x04", 6, 30)):
        at = data.find(header)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + flag_at] |= 0x1  # "encrypted", as a password-protected zip says
            at = data.find(header, at + 1)
    path.write_bytes(bytes(data))
    refused_cleanly(project, path, "password-protected")


def test_duplicate_entries_are_refused(tmp_path: Path, project: Project) -> None:
    path = fx.write_qdpx(
        tmp_path / "dup.qdpx", GOOD_QDE,
        {f"sources/{SRC}.txt": b"hello", f"Sources/{SRC}.TXT": b"other"},
    )  # fmt: skip
    refused_cleanly(project, path, "two entries named")
