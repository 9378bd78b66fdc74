"""Reading REFI-QDA XML (a project's .qde, a .qdc codebook) into ``exchange.model``.

Tolerant of what real tools write: any namespace (1.0, the ``0:4`` some ATLAS.ti versions
use, none), GUIDs in any case or in braces, empty ``Description`` elements, nameless cases,
selections with a note but no coding, notes linked to selections through ``Links`` (NVivo).
What Qualframe cannot hold (pictures, audio, video, PDF boxes, graphs) is counted in
``Project.unsupported`` so the import can say what it left out. Parsing itself is done by
``archive.parse_xml`` (hardened); this module only walks the tree.
"""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.model import canonical_guid, derived_guid

_El: TypeAlias = etree._Element


def local(el: _El) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def kids(el: _El, name: str) -> list[_El]:
    return [c for c in el if local(c) == name]


def kid(el: _El, name: str) -> _El | None:
    for c in el:
        if local(c) == name:
            return c
    return None


def text_of(el: _El | None) -> str | None:
    if el is None:
        return None
    value = "".join(el.itertext())
    return value if value != "" else None


class _Reader:
    def __init__(self) -> None:
        self.repaired = 0
        self.unsupported: dict[str, int] = {}

    def skip(self, what: str, n: int = 1) -> None:
        if n:
            self.unsupported[what] = self.unsupported.get(what, 0) + n

    def guid(self, el: _El, context: str) -> str:
        raw = el.get("guid")
        value = canonical_guid(raw)
        if value is None:
            self.repaired += 1
            value = derived_guid("repaired", context, raw or str(self.repaired))
        return value

    def refs(self, el: _El, name: str, attr: str = "targetGUID") -> list[str]:
        out = []
        for r in kids(el, name):
            value = canonical_guid(r.get(attr))
            if value is not None:
                out.append(value)
        return out

    # -- codes ---------------------------------------------------------------------------
    def code(self, el: _El, context: str) -> m.Code:
        name = el.get("name")
        code = m.Code(
            guid=self.guid(el, f"{context}/{name}"),
            name=name if name is not None else "",
            is_codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            color=(el.get("color") or "").strip() or None,
            description=text_of(kid(el, "Description")),
            note_refs=self.refs(el, "NoteRef"),
        )
        code.children = [self.code(c, f"{context}/{name}") for c in kids(el, "Code")]
        return code

    def codes(self, parent: _El | None) -> list[m.Code]:
        if parent is None:
            return []
        codes_el = kid(parent, "Codes")
        if codes_el is None:
            return []
        return [self.code(c, "") for c in kids(codes_el, "Code")]

    # -- cases and variables ------------------------------------------------------------------
    def value(self, el: _El) -> m.VariableValue | None:
        ref = kid(el, "VariableRef")
        target = canonical_guid(ref.get("targetGUID")) if ref is not None else None
        if target is None:
            return None
        for c in el:
            name = local(c)
            if name.endswith("Value"):
                return m.VariableValue(target, name, (c.text or "").strip())
        return m.VariableValue(target, None, "")

    def values(self, el: _El) -> list[m.VariableValue]:
        return [v for v in (self.value(c) for c in kids(el, "VariableValue")) if v is not None]

    def case(self, el: _El) -> m.Case:
        return m.Case(
            guid=self.guid(el, "case"),
            name=el.get("name"),
            description=text_of(kid(el, "Description")),
            code_refs=self.refs(el, "CodeRef"),
            values=self.values(el),
            source_refs=self.refs(el, "SourceRef"),
            selection_refs=self.refs(el, "SelectionRef"),
        )

    # -- sources ---------------------------------------------------------------------------------
    def coding(self, el: _El) -> m.Coding | None:
        ref = kid(el, "CodeRef")
        target = canonical_guid(ref.get("targetGUID")) if ref is not None else None
        if target is None:
            self.skip("codings without a code")
            return None
        return m.Coding(
            guid=self.guid(el, "coding"),
            code_guid=target,
            user=canonical_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            note_refs=self.refs(el, "NoteRef"),
        )

    def selection(self, el: _El) -> m.Selection | None:
        try:
            start = int((el.get("startPosition") or "").strip())
            end = int((el.get("endPosition") or "").strip())
        except ValueError:
            self.skip("text selections without valid positions")
            return None
        codings = [c for c in (self.coding(x) for x in kids(el, "Coding")) if c is not None]
        return m.Selection(
            guid=self.guid(el, "selection"),
            start=start,
            end=end,
            name=el.get("name"),
            description=text_of(kid(el, "Description")),
            user=canonical_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            modifying_user=canonical_guid(el.get("modifyingUser")),
            modified=el.get("modifiedDateTime"),
            codings=codings,
            note_refs=self.refs(el, "NoteRef"),
        )

    def text_source(self, el: _El, kind: str = "text", name: str | None = None) -> m.TextSource:
        selections = [
            s for s in (self.selection(x) for x in kids(el, "PlainTextSelection")) if s is not None
        ]
        return m.TextSource(
            guid=self.guid(el, "source"),
            name=name if name is not None else (el.get("name") or ""),
            plain_path=el.get("plainTextPath"),
            rich_path=el.get("richTextPath"),
            content=text_of(kid(el, "PlainTextContent")),
            description=text_of(kid(el, "Description")),
            user=canonical_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            modifying_user=canonical_guid(el.get("modifyingUser")),
            modified=el.get("modifiedDateTime"),
            selections=selections,
            codings=[c for c in (self.coding(x) for x in kids(el, "Coding")) if c is not None],
            note_refs=self.refs(el, "NoteRef"),
            values=self.values(el),
            kind=kind,
        )

    def sources(self, el: _El | None) -> list[m.TextSource]:
        out: list[m.TextSource] = []
        if el is None:
            return out
        for src in el:
            kind = local(src)
            if kind == "TextSource":
                out.append(self.text_source(src))
            elif kind == "PDFSource":
                self.skip("PDF area selections", len(kids(src, "PDFSelection")))
                rep = kid(src, "Representation")
                if rep is None:
                    self.skip("PDF sources without a text representation")
                    continue
                source = self.text_source(rep, kind="pdf", name=src.get("name") or rep.get("name"))
                # the PDF is the source; its representation carries the selections
                source.guid = self.guid(src, "source")
                source.note_refs = self.refs(src, "NoteRef") + source.note_refs
                source.codings = [
                    c for c in (self.coding(x) for x in kids(src, "Coding")) if c is not None
                ] + source.codings
                source.values = self.values(src) + source.values
                out.append(source)
            elif kind in ("PictureSource", "AudioSource", "VideoSource"):
                self.skip(f"{kind[:-6].lower()} sources")
            elif kind:
                self.skip(f"{kind} elements")
        return out

    # -- notes and sets -----------------------------------------------------------------------------
    def note(self, el: _El) -> m.Note:
        return m.Note(
            guid=self.guid(el, "note"),
            name=el.get("name"),
            content=text_of(kid(el, "PlainTextContent")),
            plain_path=el.get("plainTextPath"),
            description=text_of(kid(el, "Description")),
            user=canonical_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            modified=el.get("modifiedDateTime"),
        )

    def set(self, el: _El, member_attr: str = "targetGUID") -> m.Set:
        return m.Set(
            guid=self.guid(el, "set"),
            name=el.get("name") or "",
            description=text_of(kid(el, "Description")),
            member_codes=self.refs(el, "MemberCode", member_attr),
            member_sources=self.refs(el, "MemberSource", member_attr),
            member_notes=self.refs(el, "MemberNote", member_attr),
        )


def read_project(root: _El, where: str) -> m.Project:
    """The project held by a parsed .qde root element."""
    if local(root) != "Project":
        if local(root) == "CodeBook":
            raise ImportRefused(f"{where} is a codebook, not a project; import it as a .qdc file.")
        raise ImportRefused(f"{where} is not a REFI-QDA project (its root is <{local(root)}>).")
    r = _Reader()
    users_el = kid(root, "Users")
    users = []
    for u in kids(users_el, "User") if users_el is not None else []:
        users.append(m.User(r.guid(u, "user"), u.get("name"), u.get("id")))
    variables_el = kid(root, "Variables")
    variables = [
        m.Variable(
            r.guid(v, "variable"),
            v.get("name") or "",
            v.get("typeOfVariable") or "Text",
            text_of(kid(v, "Description")),
        )
        for v in (kids(variables_el, "Variable") if variables_el is not None else [])
    ]
    cases_el = kid(root, "Cases")
    notes_el = kid(root, "Notes")
    sets_el = kid(root, "Sets")
    links_el = kid(root, "Links")
    graphs_el = kid(root, "Graphs")
    project = m.Project(
        name=root.get("name") or "",
        origin=root.get("origin"),
        creating_user=canonical_guid(root.get("creatingUserGUID")),
        created=root.get("creationDateTime"),
        modifying_user=canonical_guid(root.get("modifyingUserGUID")),
        modified=root.get("modifiedDateTime"),
        users=users,
        codes=r.codes(kid(root, "CodeBook")),
        variables=variables,
        cases=[r.case(c) for c in (kids(cases_el, "Case") if cases_el is not None else [])],
        sources=r.sources(kid(root, "Sources")),
        notes=[r.note(n) for n in (kids(notes_el, "Note") if notes_el is not None else [])],
        sets=[r.set(s) for s in (kids(sets_el, "Set") if sets_el is not None else [])],
        links=[
            m.Link(
                r.guid(lk, "link"),
                canonical_guid(lk.get("originGUID")),
                canonical_guid(lk.get("targetGUID")),
                lk.get("name"),
            )
            for lk in (kids(links_el, "Link") if links_el is not None else [])
        ],
        description=text_of(kid(root, "Description")),
        note_refs=r.refs(root, "NoteRef"),
    )
    if graphs_el is not None:
        r.skip("graphs", len(kids(graphs_el, "Graph")))
    project.unsupported = r.unsupported
    project.repaired_guids = r.repaired
    return project


CODEBOOK_NAMESPACES = ("urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:0:4", "")


def read_codebook(root: _El, where: str) -> m.Codebook:
    """The codebook held by a parsed .qdc root (any namespace version; an empty ``<Sets/>``
    as Taguette writes is accepted)."""
    if local(root) != "CodeBook":
        if local(root) == "Project":
            raise ImportRefused(
                f"{where} is a project, not a codebook; import it as a .qdpx project."
            )
        raise ImportRefused(f"{where} is not a REFI-QDA codebook (its root is <{local(root)}>).")
    r = _Reader()
    sets_el = kid(root, "Sets")
    namespace = etree.QName(root).namespace
    book = m.Codebook(
        origin=root.get("origin"),
        codes=r.codes(root),
        # codebook sets name their members with guid=, project sets with targetGUID=
        sets=[r.set(s, "guid") for s in (kids(sets_el, "Set") if sets_el is not None else [])],
        namespace=namespace,
    )
    book.repaired_guids = r.repaired
    return book
