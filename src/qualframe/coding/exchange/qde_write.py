"""Writing ``exchange.model`` as REFI-QDA XML, elements in the order the schemas demand,
and checking the result against the shipped schemas (``resources/refi``)."""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from qualframe.coding.core.errors import UserError
from qualframe.coding.exchange import model as m
from qualframe.resources import RESOURCES

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = RESOURCES / "refi"
PROJECT_XSD = SCHEMAS / "Project-mrt2019.xsd"
CODEBOOK_XSD = SCHEMAS / "Codebook-mrt2019.xsd"
_LOCATION = "http://schema.qdasoftware.org/versions/{0}/v1.0/{0}.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Characters XML 1.0 cannot hold at all (controls other than tab and line ends, surrogates,
# U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Writer:
    """Builds one XML document; counts the characters XML could not hold."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.dropped_chars = 0

    def clean(self, text: str) -> str:
        cleaned, n = _NOT_XML.subn("", text)
        self.dropped_chars += n
        return cleaned

    def el(self, parent: etree._Element | None, tag: str, **attrs: str | None) -> etree._Element:
        qname = f"{{{self.ns}}}{tag}"
        values = {k: self.clean(v) for k, v in attrs.items() if v is not None}
        if parent is None:
            return etree.Element(qname, values, nsmap={None: self.ns, "xsi": _XSI})
        return etree.SubElement(parent, qname, values)

    def text(self, parent: etree._Element, tag: str, value: str | None) -> None:
        if value:
            self.el(parent, tag).text = self.clean(value)

    def refs(
        self, parent: etree._Element, tag: str, guids: list[str], attr: str = "targetGUID"
    ) -> None:
        for guid in guids:
            self.el(parent, tag, **{attr: guid})

    # -- pieces ------------------------------------------------------------------------------------
    def code(self, parent: etree._Element, code: m.Code, *, notes: bool) -> None:
        el = self.el(
            parent, "Code", guid=code.guid, name=code.name,
            isCodable="true" if code.is_codable else "false", color=code.color,
        )  # fmt: skip
        self.text(el, "Description", code.description)
        if notes:
            self.refs(el, "NoteRef", code.note_refs)
        for child in code.children:
            self.code(el, child, notes=notes)

    def value(self, parent: etree._Element, value: m.VariableValue) -> None:
        el = self.el(parent, "VariableValue")
        self.el(el, "VariableRef", targetGUID=value.variable_guid)
        if value.kind:
            self.el(el, value.kind).text = self.clean(value.value)

    def coding(self, parent: etree._Element, coding: m.Coding) -> None:
        el = self.el(
            parent, "Coding", guid=coding.guid, creatingUser=coding.user,
            creationDateTime=coding.created,
        )  # fmt: skip
        self.el(el, "CodeRef", targetGUID=coding.code_guid)
        self.refs(el, "NoteRef", coding.note_refs)

    def selection(self, parent: etree._Element, sel: m.Selection) -> None:
        el = self.el(
            parent, "PlainTextSelection", guid=sel.guid, name=sel.name,
            startPosition=str(sel.start), endPosition=str(sel.end), creatingUser=sel.user,
            creationDateTime=sel.created, modifyingUser=sel.modifying_user,
            modifiedDateTime=sel.modified,
        )  # fmt: skip
        self.text(el, "Description", sel.description)
        for coding in sel.codings:
            self.coding(el, coding)
        self.refs(el, "NoteRef", sel.note_refs)

    def text_source(self, parent: etree._Element, tag: str, src: m.TextSource | m.Note) -> None:
        el = self.el(
            parent, tag, guid=src.guid, name=src.name,
            plainTextPath=src.plain_path, creatingUser=src.user, creationDateTime=src.created,
            modifyingUser=getattr(src, "modifying_user", None), modifiedDateTime=src.modified,
        )  # fmt: skip
        self.text(el, "Description", src.description)
        if src.content is not None and src.plain_path is None:
            self.el(el, "PlainTextContent").text = self.clean(src.content)
        if isinstance(src, m.TextSource):
            for sel in src.selections:
                self.selection(el, sel)
            for coding in src.codings:
                self.coding(el, coding)
            self.refs(el, "NoteRef", src.note_refs)
            for value in src.values:
                self.value(el, value)

    def set(self, parent: etree._Element, s: m.Set, attr: str = "targetGUID") -> None:
        el = self.el(parent, "Set", guid=s.guid, name=s.name)
        self.text(el, "Description", s.description)
        self.refs(el, "MemberCode", s.member_codes, attr)
        if attr == "targetGUID":
            self.refs(el, "MemberSource", s.member_sources, attr)
            self.refs(el, "MemberNote", s.member_notes, attr)


def project_xml(project: m.Project) -> tuple[bytes, int]:
    """The .qde bytes of ``project`` and how many characters XML could not hold."""
    w = Writer(PROJECT_NS)
    root = w.el(
        None, "Project", name=project.name, origin=project.origin,
        creatingUserGUID=project.creating_user, creationDateTime=project.created,
        modifyingUserGUID=project.modifying_user, modifiedDateTime=project.modified,
    )  # fmt: skip
    root.set(f"{{{_XSI}}}schemaLocation", f"{PROJECT_NS} {_LOCATION.format('Project')}")
    if project.users:
        users = w.el(root, "Users")
        for u in project.users:
            w.el(users, "User", guid=u.guid, name=u.name, id=u.id)
    if project.codes:
        codes = w.el(w.el(root, "CodeBook"), "Codes")
        for code in project.codes:
            w.code(codes, code, notes=True)
    if project.variables:
        variables = w.el(root, "Variables")
        for v in project.variables:
            el = w.el(variables, "Variable", guid=v.guid, name=v.name, typeOfVariable=v.type)
            w.text(el, "Description", v.description)
    if project.cases:
        cases = w.el(root, "Cases")
        for c in project.cases:
            el = w.el(cases, "Case", guid=c.guid, name=c.name)
            w.text(el, "Description", c.description)
            w.refs(el, "CodeRef", c.code_refs)
            for value in c.values:
                w.value(el, value)
            w.refs(el, "SourceRef", c.source_refs)
            w.refs(el, "SelectionRef", c.selection_refs)
    if project.sources:
        sources = w.el(root, "Sources")
        for src in project.sources:
            w.text_source(sources, "TextSource", src)
    if project.notes:
        notes = w.el(root, "Notes")
        for note in project.notes:
            w.text_source(notes, "Note", note)
    if project.sets:
        sets = w.el(root, "Sets")
        for s in project.sets:
            w.set(sets, s)
    w.text(root, "Description", project.description)
    w.refs(root, "NoteRef", project.note_refs)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, w.dropped_chars


def codebook_xml(book: m.Codebook) -> tuple[bytes, int]:
    """The .qdc bytes of ``book`` (an empty codebook cannot be written: the schema needs a
    code) and how many characters XML could not hold."""
    if not book.codes:
        raise UserError("The codebook is empty; a REFI-QDA codebook needs at least one code.")
    w = Writer(CODEBOOK_NS)
    root = w.el(None, "CodeBook", origin=book.origin)
    root.set(f"{{{_XSI}}}schemaLocation", f"{CODEBOOK_NS} {_LOCATION.format('Codebook')}")
    codes = w.el(root, "Codes")
    for code in book.codes:
        w.code(codes, code, notes=False)
    if book.sets:
        sets = w.el(root, "Sets")
        for s in book.sets:
            w.set(sets, s, "guid")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, w.dropped_chars


@cache
def _schema(kind: str) -> etree.XMLSchema:
    path = PROJECT_XSD if kind == "project" else CODEBOOK_XSD
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema_errors(data: bytes, kind: str) -> list[str]:
    """Where ``data`` breaks the REFI-QDA schema (``kind`` "project" or "codebook")."""
    schema = _schema(kind)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    doc = etree.fromstring(data, parser)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def check_valid(data: bytes, kind: str) -> None:
    """Refuse to write XML that does not validate (a defect of ours, never the user's)."""
    errors = schema_errors(data, kind)
    if errors:
        raise UserError(
            f"The REFI-QDA {kind} Qualframe made does not validate against the schema "
            f"({errors[0]}); nothing was written, please report this."
        )
