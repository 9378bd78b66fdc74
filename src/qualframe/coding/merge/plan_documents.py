"""Planning the documents of a merge: survey items, documents (never duplicated), their
names, and document sets with their members.

Documents match by GUID, then by text hash. A document renamed differently on the two sides
is a conflict ("theirs" takes their name when no other document has it). Sets match by GUID,
then by name (case aside); their members are added (a merge only adds), a set renamed
differently is a conflict like a document.
"""

from __future__ import annotations

from qualframe.coding.merge.model import PlannerState, kept_both
from qualframe.coding.merge.source import Row

SET_FIELDS = ("guid", "name", "position", "created_at")


class DocumentSteps(PlannerState):
    def _items(self) -> None:
        by_guid = {r["guid"]: r for r in self.mine.survey_items}
        by_name = {str(r["name"]).casefold(): r for r in self.mine.survey_items}
        for r in self.src.survey_items:
            hit = by_guid.get(r["guid"]) or by_name.get(str(r["name"]).casefold())
            if hit is None:
                self.plan.items.append(r)
                by_name[str(r["name"]).casefold()] = r
                self.item[r["guid"]] = r["guid"]
            else:
                self.item[r["guid"]] = hit["guid"]
                self._item_settings(hit, r)

    def _item_settings(self, here: Row, theirs: Row) -> None:
        """An item edited differently in the two copies (wording, type, mapping, scale,
        reverse coding): listed; this project's settings stay under every rule (an item
        edit recomputes every answer: edit it after the merge to take theirs), and the
        answers that come in are scored again under them (``plan_people._answers``)."""
        differ = [k for k in ITEM_FIELDS if here[k] != theirs[k]]
        if not differ:
            return
        self._conflict("survey item", str(here["name"]),
                       _item_text(here, differ), _item_text(theirs, differ))  # fmt: skip
        if any(k in SCORING for k in differ):
            self.rescored[theirs["guid"]] = here

    def _documents(self) -> None:
        by_guid = {d["guid"]: d for d in self.mine.documents}
        by_hash = {d["text_hash"]: d for d in self.mine.documents}
        names = {d["name"] for d in self.mine.documents}
        for r in self.src.documents:
            here = by_guid.get(r["guid"])
            same_guid = here is not None
            if here is None and r["text_hash"] in by_hash:
                here = by_hash[r["text_hash"]]
            if here is not None and (here["text_hash"], here["length"]) == (
                r["text_hash"],
                r["length"],
            ):
                self.doc[r["guid"]] = here["guid"]
                if same_guid and here["name"] != r["name"]:
                    self._document_renamed(here, r["name"], names)
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
        for it in self.plan.items:
            it["document_guid"] = self.doc.get(it["document_guid"] or "")

    def _document_renamed(self, here: Row, theirs: str, names: set[str]) -> None:
        self._conflict("document renamed", here["name"], here["name"], theirs)
        if self.rule == "theirs" and theirs not in names:
            self.plan.document_updates.append((here["guid"], {"name": theirs},
                                               {"name": here["name"]}))  # fmt: skip
            names.discard(here["name"])
            names.add(theirs)

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

    def _sets(self) -> None:
        by_guid = {s["guid"]: s for s in self.mine.sets}
        by_name = {str(s["name"]).casefold(): s for s in self.mine.sets}
        have = {(s["guid"], d) for s in self.mine.sets for d in s["documents"]}
        for r in self.src.sets:
            here = by_guid.get(r["guid"]) or by_name.get(str(r["name"]).casefold())
            if here is None:
                here = {k: r[k] for k in SET_FIELDS}
                self.plan.sets.append(here)
                by_name[str(r["name"]).casefold()] = here
            elif here["guid"] == r["guid"] and here["name"] != r["name"]:
                self._conflict("set renamed", here["name"], here["name"], r["name"])
                if self.rule == "theirs" and str(r["name"]).casefold() not in by_name:
                    self.plan.set_updates.append((here["guid"], {"name": r["name"]},
                                                  {"name": here["name"]}))  # fmt: skip
                    by_name.pop(str(here["name"]).casefold(), None)
                    by_name[str(r["name"]).casefold()] = here
            for d in r["documents"]:
                doc = self.doc.get(d)
                if doc is not None and (here["guid"], doc) not in have:
                    have.add((here["guid"], doc))
                    self.plan.members.append((here["guid"], doc))


# an item's settings as the Survey tab edits them; the scoring ones change its answers' numbers
ITEM_FIELDS = ("label", "type", "options", "value_labels", "scale_min", "scale_max",
               "scale_source", "reversed", "ignored_as", "columns")  # fmt: skip
SCORING = frozenset(ITEM_FIELDS) - {"label"}


def _item_text(item: Row, fields: list[str]) -> str:
    return "; ".join(f"{k} {item[k]!r}" for k in fields)
