"""Planning a merge: match the other copy's rows against this project, list the conflicts,
and decide — under the rule the user picked — every row to add or change.

Matching: coders by GUID, then name; attributes by GUID, then name; participants by GUID,
then pseudonym (a participant or coder merged into another here follows to that one, see
``plan_people``); documents by GUID, then text hash (never duplicated); codes by GUID, then
path (codes created on both sides with the same path become one); survey items by GUID, then
name; document sets by GUID, then name; segments, memos and reviews by GUID. Every spelling
of a participant's real name, survey response rows and set members come along (added where
missing).

Conflicts (same entity, different content): a code renamed or moved differently, a code's
details (colour, definition, criteria, example) edited differently, a segment's boundaries,
code or memo changed, a memo edited, an attribute set to different values, a document whose
text differs, a document or set renamed differently, a survey response's status, two
participants the other copy merged. Rules: **mine** keeps this project's version; **theirs**
takes the other's; **keep both** keeps this project's and adds theirs beside it (a code or
memo under a second entry, a segment as a second segment, a document as a second document)
where a project can hold both, and keeps mine where it cannot (code details, an attribute's
value, a name). Texts change only through Edit text, so a document whose text differs never
replaces this one: under "theirs" and "keep both" their version comes in as a second document
with its codings; under "mine" their codings on it are left out (and counted).

A merge only adds and updates; nothing that exists here is deleted (there is no common
ancestor to tell a deletion from an addition). Rows made for "keep both" get GUIDs derived
from the other row's, so merging the same copy again finds them and adds nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from qualframe.coding.core.codepaths import join_path, path_key
from qualframe.coding.merge.model import RULES, Conflict, MergePlan, Rule, kept_both
from qualframe.coding.merge.plan_documents import DocumentSteps
from qualframe.coding.merge.plan_people import PeopleSteps
from qualframe.coding.merge.source import Row, Source

__all__ = ["RULES", "Conflict", "MergePlan", "Rule", "kept_both", "plan_merge"]
CODE_DETAILS = ("color", "definition", "inclusion", "exclusion", "example")
SEGMENT_FIELDS = ("document_guid", "code_guid", "start", "end", "memo")


def plan_merge(session: Session, source: Source, rule: Rule) -> MergePlan:
    """Everything merging ``source`` into the project of ``session`` would do under ``rule``
    (reads only)."""
    return _Planner(session, source, rule).run()


class _Planner(PeopleSteps, DocumentSteps):
    def run(self) -> MergePlan:
        self._coders()
        self._attributes()
        self._participants()
        self._codes()
        self._items()
        self._documents()
        self._sets()
        self._responses()
        self._answers()  # packed into response rows: after them
        self._segments()
        self._memos()
        self._reviews()
        return self.plan

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
        # the threads on codes (an auditor's comments, the analyst's answers), by GUID
        here = {r["guid"] for r in self.mine.code_reviews}
        for r in self.src.code_reviews:
            target = self.code.get(r["code_guid"])
            if r["guid"] in here or target is None:
                continue
            self.plan.code_reviews.append(
                {**r, "code_guid": target, "author_guid": self.coder[r["author_guid"]]}
            )


def _describe(seg: dict[str, Any]) -> str:
    memo = f", memo “{seg['memo'][:40]}”" if seg["memo"] else ""
    return f"{seg['start']}-{seg['end']}{memo}"
