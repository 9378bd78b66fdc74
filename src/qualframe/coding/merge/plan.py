"""Planning a merge: match the other copy's rows against this project, list the conflicts,
and decide — under the rule the user picked — every row to add or change.

Matching: coders by GUID, then name; attributes by GUID, then name; participants by GUID,
then pseudonym; documents by GUID, then text hash (never duplicated); codes by GUID, then
path (codes created on both sides with the same path become one); survey items by GUID,
then name; segments, memos and reviews by GUID.

Conflicts (same entity, different content): a code renamed or moved differently, a code's
details (colour, definition, criteria, example) edited differently, a segment's boundaries,
code or memo changed, a memo edited, an attribute set to different values, a document whose
text differs. Rules: **mine** keeps this project's version; **theirs** takes the other's;
**keep both** keeps this project's and adds theirs beside it (a code or memo under a second
entry, a segment as a second segment, a document as a second document) where a project can
hold both, and keeps mine where it cannot (code details, an attribute's value). Texts are
immutable once coded, so a document whose text differs never replaces this one: under
"theirs" and "keep both" their version comes in as a second document with its codings; under
"mine" their codings on it are left out (and counted).

A merge only adds and updates; nothing that exists here is deleted (there is no common
ancestor to tell a deletion from an addition). Rows made for "keep both" get GUIDs derived
from the other row's, so merging the same copy again finds them and adds nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from qualframe.coding.core.codepaths import join_path, path_key
from qualframe.coding.merge.source import Row, Source, read_session

Rule = Literal["mine", "theirs", "both"]
RULES: tuple[Rule, ...] = ("mine", "theirs", "both")
_NS = uuid.UUID("5b0f4a3e-7d1c-4e8a-9a51-6c2f0d7b9e11")
CODE_DETAILS = ("color", "definition", "inclusion", "exclusion", "example")
SEGMENT_FIELDS = ("document_guid", "code_guid", "start", "end", "memo")


def kept_both(guid: str) -> str:
    """The GUID of the second entry "keep both" makes for the other copy's row ``guid``."""
    return str(uuid.uuid5(_NS, f"{guid}:kept-both"))


@dataclass(frozen=True)
class Conflict:
    kind: str  # code renamed | code details | segment | memo | attribute | document
    what: str
    mine: str
    theirs: str


@dataclass
class MergePlan:
    source_name: str
    rule: Rule
    conflicts: list[Conflict] = field(default_factory=list)
    coders: list[Row] = field(default_factory=list)
    attributes: list[Row] = field(default_factory=list)
    participants: list[Row] = field(default_factory=list)
    values: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    codes: list[Row] = field(default_factory=list)
    code_updates: list[tuple[str, Row, Row]] = field(default_factory=list)  # guid, new, old
    items: list[Row] = field(default_factory=list)
    documents: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    segment_updates: list[tuple[str, Row, Row]] = field(default_factory=list)
    memos: list[Row] = field(default_factory=list)
    memo_updates: list[tuple[str, Row, Row]] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)
    duplicates: int = 0  # segments already here under another GUID (same range, code, coder)
    left_out: int = 0  # their segments on a document whose text differs (rule "mine")

    @property
    def changes(self) -> int:
        return sum(
            len(x)
            for x in (self.coders, self.attributes, self.participants, self.values, self.codes,
                      self.code_updates, self.items, self.documents, self.answers, self.segments,
                      self.segment_updates, self.memos, self.memo_updates, self.reviews)
        )  # fmt: skip

    def summary(self) -> list[tuple[str, int]]:
        """(what, how many) for the preview."""
        return [
            ("documents", len(self.documents)), ("codes", len(self.codes)),
            ("codes renamed, moved or edited", len(self.code_updates)),
            ("segments", len(self.segments)), ("segments changed", len(self.segment_updates)),
            ("memos", len(self.memos) + len(self.memo_updates)), ("reviews", len(self.reviews)),
            ("coders", len(self.coders)), ("participants", len(self.participants)),
            ("attribute values", len(self.values) + len(self.attributes)),
            ("survey items and answers", len(self.items) + len(self.answers)),
        ]  # fmt: skip


def plan_merge(session: Session, source: Source, rule: Rule) -> MergePlan:
    """Everything merging ``source`` into the project of ``session`` would do under ``rule``
    (reads only)."""
    return _Planner(session, source, rule).run()


class _Planner:
    def __init__(self, session: Session, source: Source, rule: Rule) -> None:
        self.src = source
        self.rule = rule
        self.mine = read_session(session, "this project", texts=False)
        self.plan = MergePlan(source.name, rule)
        self.coder: dict[str, str] = {}
        self.attr: dict[str, str] = {}
        self.person: dict[str, str] = {}
        self.code: dict[str, str] = {}
        self.doc: dict[str, str | None] = {}
        self.item: dict[str, str] = {}

    def run(self) -> MergePlan:
        self._coders()
        self._attributes()
        self._participants()
        self._codes()
        self._items()
        self._documents()
        self._answers()
        self._segments()
        self._memos()
        self._reviews()
        return self.plan

    def _conflict(self, kind: str, what: str, mine: str, theirs: str) -> None:
        self.plan.conflicts.append(Conflict(kind, what, mine, theirs))

    # -- people ---------------------------------------------------------------------------
    def _match(
        self, theirs: list[Row], mine: list[Row], key: str, out: dict[str, str], add: list[Row]
    ) -> None:
        by_guid = {r["guid"]: r for r in mine}
        by_key = {str(r[key]).casefold(): r for r in mine}
        for r in theirs:
            hit = by_guid.get(r["guid"]) or by_key.get(str(r[key]).casefold())
            if hit is None:
                add.append(r)
                by_key[str(r[key]).casefold()] = r
                out[r["guid"]] = r["guid"]
            else:
                out[r["guid"]] = hit["guid"]

    def _coders(self) -> None:
        self._match(self.src.coders, self.mine.coders, "name", self.coder, self.plan.coders)

    def _attributes(self) -> None:
        self._match(
            self.src.attributes, self.mine.attributes, "name", self.attr, self.plan.attributes
        )

    def _participants(self) -> None:
        mine = {p["guid"]: p for p in self.mine.participants}
        added: list[Row] = []
        self._match(self.src.participants, self.mine.participants, "pseudonym", self.person, added)
        for r in added:
            values = {self.attr[a]: v for a, v in r["values"].items()}
            self.plan.participants.append({**r, "values": values})
        names = {a["guid"]: a["name"] for a in self.src.attributes}
        for r in self.src.participants:
            here = mine.get(self.person[r["guid"]])
            if here is None:
                continue
            for a, value in r["values"].items():
                a_mine = self.attr[a]
                old = here["values"].get(a_mine)
                if old is None:
                    self.plan.values.append((here["guid"], a_mine, value, None))
                elif old != value:
                    self._conflict("attribute", f"{here['pseudonym']}: {names[a]}", old, value)
                    if self.rule == "theirs":
                        self.plan.values.append((here["guid"], a_mine, value, old))

    # -- codes ---------------------------------------------------------------------------
    def _codes(self) -> None:
        mine = {c["guid"]: c for c in self.mine.codes}
        path: dict[str, tuple[str, ...]] = {}
        for c in self.mine.codes:  # parents first
            above = path.get(c["parent_guid"], ()) if c["parent_guid"] else ()
            path[c["guid"]] = (*above, c["name"])
        by_path = {path_key(p): g for g, p in path.items()}
        their_path: dict[str, tuple[str, ...]] = {}
        for r in self.src.codes:
            parent = self.code.get(r["parent_guid"]) if r["parent_guid"] else None
            ppath = path[parent] if parent else ()
            their_path[r["guid"]] = (*their_path.get(r["parent_guid"] or "", ()), r["name"])
            want = (*ppath, r["name"])
            key = path_key(want)
            here = mine.get(r["guid"])
            if here is None:
                target = by_path.get(key)
                if target is None:
                    target = r["guid"]
                    self.plan.codes.append({**r, "parent_guid": parent})
                    path[target], by_path[key] = want, target
                self.code[r["guid"]] = target
                continue
            self.code[r["guid"]] = here["guid"]
            if path[here["guid"]] != want:
                self._renamed(r, here, parent, want, key, path, by_path)
            self._details(r, here, path)

    def _renamed(self, r: Row, here: Row, parent: str | None, want: tuple[str, ...],
                 key: tuple[str, ...], path: dict[str, tuple[str, ...]],
                 by_path: dict[tuple[str, ...], str]) -> None:  # fmt: skip
        self._conflict("code renamed", join_path(path[here["guid"]]), join_path(path[here["guid"]]),
                       join_path(want))  # fmt: skip
        taken = by_path.get(key)
        if self.rule == "theirs" and taken is None:
            old = {"name": here["name"], "parent_guid": here["parent_guid"]}
            self.plan.code_updates.append(
                (here["guid"], {"name": r["name"], "parent_guid": parent}, old)
            )
            by_path.pop(path_key(path[here["guid"]]), None)
            path[here["guid"]], by_path[key] = want, here["guid"]
        elif self.rule == "both":
            target = taken or kept_both(r["guid"])
            if taken is None:
                self.plan.codes.append({**r, "guid": target, "parent_guid": parent})
                path[target], by_path[key] = want, target
            self.code[r["guid"]] = target  # their segments of this code go to their version

    def _details(self, r: Row, here: Row, path: dict[str, tuple[str, ...]]) -> None:
        if self.code[r["guid"]] != here["guid"]:
            return  # kept both: their version carries its own details
        theirs = {k: r[k] for k in CODE_DETAILS}
        mine = {k: here[k] for k in CODE_DETAILS}
        if theirs == mine:
            return
        differ = [k for k in CODE_DETAILS if theirs[k] != mine[k]]
        self._conflict("code details", join_path(path[here["guid"]]),
                       "; ".join(f"{k}: {mine[k]}" for k in differ),
                       "; ".join(f"{k}: {theirs[k]}" for k in differ))  # fmt: skip
        if self.rule == "theirs":
            self.plan.code_updates.append((here["guid"], theirs, mine))

    # -- documents ---------------------------------------------------------------------------
    def _items(self) -> None:
        added: list[Row] = []
        self._match(self.src.survey_items, self.mine.survey_items, "name", self.item, added)
        self.plan.items = added

    def _documents(self) -> None:
        by_guid = {d["guid"]: d for d in self.mine.documents}
        by_hash = {d["text_hash"]: d for d in self.mine.documents}
        names = {d["name"] for d in self.mine.documents}
        for r in self.src.documents:
            here = by_guid.get(r["guid"])
            if here is None and r["text_hash"] in by_hash:
                here = by_hash[r["text_hash"]]
            if here is not None and (here["text_hash"], here["length"]) == (
                r["text_hash"],
                r["length"],
            ):
                self.doc[r["guid"]] = here["guid"]
                continue
            if here is not None:
                self._conflict("document", here["name"], f"{here['length']} characters",
                               f"{r['length']} characters")  # fmt: skip
                if self.rule == "mine":
                    self.doc[r["guid"]] = None
                    continue
                guid = kept_both(r["guid"])
                if guid in by_guid:
                    self.doc[r["guid"]] = guid
                    continue
                row = self._new_document(r, guid, f"{r['name']} (theirs)", names, derived=True)
            else:
                row = self._new_document(r, r["guid"], r["name"], names, derived=False)
            self.doc[r["guid"]] = row["guid"]
            by_guid[row["guid"]] = row
            by_hash.setdefault(row["text_hash"], row)

    def _new_document(self, r: Row, guid: str, name: str, names: set[str], *, derived: bool) -> Row:
        base, i = name, 2
        while name in names:
            name, i = f"{base} ({i})", i + 1
        names.add(name)
        turns = [
            {**t, "guid": kept_both(t["guid"]) if derived else t["guid"],
             "participant_guid": self.person.get(t["participant_guid"] or ""),
             "item_guid": self.item.get(t["item_guid"] or "")}
            for t in r["turns"]
        ]  # fmt: skip
        row = {**r, "guid": guid, "name": name, "turns": turns}
        self.plan.documents.append(row)
        return row

    def _answers(self) -> None:
        have = {(a["item_guid"], a["participant_guid"]) for a in self.mine.answers}
        for a in self.src.answers:
            key = (self.item[a["item_guid"]], self.person[a["participant_guid"]])
            if key not in have:
                have.add(key)
                self.plan.answers.append({**a, "item_guid": key[0], "participant_guid": key[1]})
        for it in self.plan.items:
            it["document_guid"] = self.doc.get(it["document_guid"] or "")

    # -- codings, memos, reviews ---------------------------------------------------------------
    def _segments(self) -> None:
        mine = {s["guid"]: s for s in self.mine.segments}
        ranges = {
            (s["document_guid"], s["code_guid"], s["coder_guid"], s["start"], s["end"])
            for s in self.mine.segments
        }
        code, coder = self.code, self.coder
        for r in self.src.segments:
            doc = self.doc[r["document_guid"]]
            here = mine.get(r["guid"])
            if doc is None:
                self.plan.left_out += here is None
                continue
            if (here is not None and here["document_guid"] == doc
                    and here["code_guid"] == code[r["code_guid"]] and here["start"] == r["start"]
                    and here["end"] == r["end"] and here["memo"] == r["memo"]):  # fmt: skip
                continue  # the same segment on both sides (the common case, kept cheap)
            mapped = {**r, "document_guid": doc, "code_guid": code[r["code_guid"]],
                      "coder_guid": coder[r["coder_guid"]]}  # fmt: skip
            if here is not None and here["document_guid"] != doc:
                # their version of the document came in beside mine: the coding goes with it
                here, mapped = (
                    mine.get(kept_both(r["guid"])),
                    {**mapped, "guid": kept_both(r["guid"])},
                )
            if here is not None:
                self._segment_conflict(here, mapped)
                continue
            key = (doc, mapped["code_guid"], mapped["coder_guid"], r["start"], r["end"])
            if key in ranges:
                self.plan.duplicates += 1
                continue
            ranges.add(key)
            self.plan.segments.append(mapped)

    def _segment_conflict(self, here: Row, mapped: Row) -> None:
        new = {k: mapped[k] for k in SEGMENT_FIELDS}
        old = {k: here[k] for k in SEGMENT_FIELDS}
        if new == old:
            return
        self._conflict("segment", f"segment {here['guid'][:8]}", _describe(old), _describe(new))
        if self.rule == "theirs":
            self.plan.segment_updates.append((here["guid"], new, old))
        elif self.rule == "both":
            guid = kept_both(mapped["guid"])
            if guid not in {s["guid"] for s in self.mine.segments}:
                self.plan.segments.append({**mapped, "guid": guid, "selection_guid": None})

    def _memos(self) -> None:
        mine = {m["guid"]: m for m in self.mine.memos}
        for r in self.src.memos:
            mapped = {**r, "document_guid": self.doc.get(r["document_guid"] or ""),
                      "code_guid": self.code.get(r["code_guid"] or ""),
                      "coder_guid": self.coder.get(r["coder_guid"] or "")}  # fmt: skip
            if r["document_guid"] and mapped["document_guid"] is None:
                continue  # a memo on a document left out
            here = mine.get(r["guid"])
            if here is None:
                self.plan.memos.append(mapped)
            elif (here["title"], here["text"]) != (r["title"], r["text"]):
                self._conflict("memo", here["title"] or "(untitled memo)", here["text"][:80],
                               r["text"][:80])  # fmt: skip
                if self.rule == "theirs":
                    self.plan.memo_updates.append(
                        (here["guid"], {"title": r["title"], "text": r["text"]},
                         {"title": here["title"], "text": here["text"]})
                    )  # fmt: skip
                elif self.rule == "both" and kept_both(r["guid"]) not in mine:
                    title = f"{r['title']} (theirs)" if r["title"] else "(theirs)"
                    self.plan.memos.append({**mapped, "guid": kept_both(r["guid"]), "title": title})

    def _reviews(self) -> None:
        mine = {r["guid"] for r in self.mine.reviews}
        segs = {s["guid"] for s in self.mine.segments} | {s["guid"] for s in self.plan.segments}
        for r in self.src.reviews:
            if r["guid"] in mine or r["segment_guid"] not in segs:
                continue
            self.plan.reviews.append({**r, "reviewer_guid": self.coder[r["reviewer_guid"]]})


def _describe(seg: dict[str, Any]) -> str:
    memo = f", memo “{seg['memo'][:40]}”" if seg["memo"] else ""
    return f"{seg['start']}-{seg['end']}{memo}"
