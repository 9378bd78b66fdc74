"""Planning the people of a merge: coders, attributes, participants (their values and every
spelling of their real names), survey answers and survey response rows.

Matching: by GUID; then, for a participant or coder merged into another here (the audit trail
says so and no undo took it back), the one it went into; then by name (pseudonym). A
participant the other copy merged into another, while this project still holds both, is
listed as a conflict (merge them here to follow), and their answers and response rows that
this project already holds under the merged-away pseudonym are not added a second time.
"""

from __future__ import annotations

from typing import Any

from qualframe.coding.core.errors import UserError
from qualframe.coding.merge.model import PlannerState
from qualframe.coding.merge.plan_documents import ITEM_FIELDS
from qualframe.coding.merge.source import Row

CLOSED = ("likert", "single", "multiple", "number")  # the types whose answers are scored

_MAX_CHAIN = 50  # merges of merges followed at most this far


def follow(merged: dict[str, str], guid: str, here: set[str] | dict[str, Row]) -> str | None:
    """The row ``guid`` was merged into (through later merges too) that exists ``here``."""
    for _ in range(_MAX_CHAIN):
        nxt = merged.get(guid)
        if nxt is None:
            return None
        if nxt in here:
            return nxt
        guid = nxt
    return None


class PeopleSteps(PlannerState):
    def _match(
        self, theirs: list[Row], mine: list[Row], key: str, out: dict[str, str], add: list[Row],
        merged: dict[str, str] | None = None, kind: str = "",
    ) -> None:  # fmt: skip
        by_guid = {r["guid"]: r for r in mine}
        by_key = {str(r[key]).casefold(): r for r in mine}
        for r in theirs:
            hit = by_guid.get(r["guid"])
            if hit is None and merged:
                into = follow(merged, r["guid"], by_guid)
                if into is not None:
                    hit = by_guid[into]
                    self.plan.followed.append(f"{kind} {r[key]} → {hit[key]}")
            hit = hit or by_key.get(str(r[key]).casefold())
            if hit is None:
                add.append(r)
                by_key[str(r[key]).casefold()] = r
                out[r["guid"]] = r["guid"]
            else:
                out[r["guid"]] = hit["guid"]

    def _coders(self) -> None:
        self._match(self.src.coders, self.mine.coders, "name", self.coder, self.plan.coders,
                    self.mine.merged_coders, "coder")  # fmt: skip

    def _attributes(self) -> None:
        self._match(
            self.src.attributes, self.mine.attributes, "name", self.attr, self.plan.attributes
        )

    def _participants(self) -> None:
        mine = {p["guid"]: p for p in self.mine.participants}
        added: list[Row] = []
        self._match(self.src.participants, self.mine.participants, "pseudonym", self.person,
                    added, self.mine.merged_participants, "participant")  # fmt: skip
        for r in added:
            values = {self.attr[a]: v for a, v in r["values"].items()}
            self.plan.participants.append({**r, "values": values})
        names = {a["guid"]: a["name"] for a in self.src.attributes}
        merged = self.mine.merged_participants
        # a participant merged here into another only fills that one's blanks (the merge
        # here already chose between their values), after the other's own values
        for r in sorted(self.src.participants, key=lambda r: r["guid"] in merged):
            here = mine.get(self.person[r["guid"]])
            if here is None:
                continue
            followed = here["guid"] != r["guid"] and r["guid"] in merged
            for a, value in r["values"].items():
                a_mine = self.attr[a]
                old = here["values"].get(a_mine)
                if old is None:
                    self.plan.values.append((here["guid"], a_mine, value, None))
                    here["values"][a_mine] = value
                elif old != value and not followed:
                    self._conflict("attribute", f"{here['pseudonym']}: {names[a]}", old, value)
                    if self.rule == "theirs":
                        self.plan.values.append((here["guid"], a_mine, value, old))
        self._names()
        self._merged_there()

    def _names(self) -> None:
        """Every spelling of a participant's real name is kept (more spellings only mask
        more): theirs are added to the participant they match."""
        have: dict[str, set[str]] = {
            p["guid"]: {n for n in (p["real_name"], *p["names"]) if n}
            for p in self.mine.participants
        }
        for r in self.src.participants:
            target = self.person[r["guid"]]
            known = have.setdefault(target, set())
            for name in dict.fromkeys(n for n in (r["real_name"], *r["names"]) if n):
                if name not in known:
                    known.add(name)
                    self.plan.names.append((target, name))

    # -- participants the other copy merged ----------------------------------------------------
    def _merged_there(self) -> None:
        """List participants the other copy merged while this project holds them apart."""
        here = {p["guid"]: p["pseudonym"] for p in self.mine.participants}
        theirs = {p["guid"]: p["pseudonym"] for p in self.src.participants}
        self._folded.clear()
        for source, target in self.src.merged_participants.items():
            into = (
                target if target in theirs else follow(self.src.merged_participants, target, theirs)
            )
            if source not in here or into is None:
                continue
            mapped = self.person.get(into)
            if mapped is None or mapped == source:
                continue
            self._folded.setdefault(into, []).append(source)
            self._conflict("participants merged", f"{here[source]} into {theirs[into]}",
                           f"{here[source]} and {here.get(mapped, theirs[into])} apart",
                           f"one participant, {theirs[into]}")  # fmt: skip

    def _held_apart(self, their_guid: str, held: set[tuple[str, str]], other: str) -> bool:
        """Whether a row of ``their_guid`` (an answer to item ``other``, or a response row
        of file ``other``) is already here under a participant the other copy merged into
        it; ``held`` holds (other, participant guid) pairs."""
        if any((other, source) in held for source in self._folded.get(their_guid, ())):
            self.plan.held_apart += 1
            return True
        return False

    # -- survey answers and responses ----------------------------------------------------------
    def _answers(self) -> None:
        """A closed answer goes into its response row (the participant's row of the same
        file), here or added by this merge; one whose row is held apart stays out with it."""
        have = {(a["item_guid"], a["participant_guid"]) for a in self.mine.answers}
        rows = {(r["participant_guid"], r["source_filename"]) for r in self.mine.responses}
        rows |= {(r["participant_guid"], r["source_filename"]) for r in self.plan.responses}
        for a in self.src.answers:
            item = self.item[a["item_guid"]]
            key = (item, self.person[a["participant_guid"]])
            if key in have or self._held_apart(a["participant_guid"], have, item):
                continue
            if (key[1], a["source_filename"]) not in rows:
                self.plan.held_apart += 1
                continue
            have.add(key)
            row = {**a, "item_guid": key[0], "participant_guid": key[1]}
            if a["item_guid"] in self.rescored and self.rescored[a["item_guid"]]["type"] in CLOSED:
                row["entry"] = self._rescore(a["item_guid"], a["entry"])
            self.plan.answers.append(row)

    def _rescore(self, their_item: str, e: list[Any]) -> list[Any]:
        """An answer scored again, from its raw text, under this project's settings of the
        item (the other copy scores it differently: another mapping, scale or reverse
        coding), exactly as an item edit recomputes its answers."""
        from qualframe.coding.commands.survey_commands import _recompute
        from qualframe.coding.corpus.survey_answers import unpack
        from qualframe.storage.models import SurveyItem

        here = self.rescored[their_item]
        score = self._scorers.get(their_item)
        if score is None:
            item = SurveyItem(name=here["name"], **{k: here[k] for k in ITEM_FIELDS})
            raws = [str(a["entry"][0]) for a in [*self.mine.answers, *self.src.answers]
                    if a["item_guid"] in (here["guid"], their_item) and a["entry"]
                    and a["entry"][0] is not None]  # fmt: skip
            score = self._scorers[their_item] = _recompute(item, raws)
        try:
            return list(score(*unpack(e)))
        except UserError as exc:
            raise UserError(
                f"Cannot merge {self.src.name}: it scores {here['name']} differently and "
                f"one of its answers does not fit this project's settings ({exc})"
            ) from None

    def _responses(self) -> None:
        """A respondent's row of a survey file (its id there and whether it is complete):
        added when missing; a status that differs is a conflict ("theirs" takes theirs)."""
        mine = {(r["participant_guid"], r["source_filename"]): r for r in self.mine.responses}
        held = {(file, p) for p, file in mine}
        pseudonym = {p["guid"]: p["pseudonym"] for p in self.mine.participants}
        pseudonym.update({p["guid"]: p["pseudonym"] for p in self.plan.participants})
        for r in self.src.responses:
            file = r["source_filename"]
            key = (self.person[r["participant_guid"]], file)
            here = mine.get(key)
            if here is None:
                if not self._held_apart(r["participant_guid"], held, file):
                    mine[key] = r
                    held.add((file, key[0]))
                    self.plan.responses.append({**r, "participant_guid": key[0]})
                continue
            fields = ("status", "status_detail")
            if all(here[k] == r[k] for k in fields):
                continue
            self._conflict("survey response", f"{pseudonym.get(key[0], '?')}: {file}",
                           _status(here), _status(r))  # fmt: skip
            if self.rule == "theirs":
                self.plan.response_updates.append(
                    (key, {k: r[k] for k in fields}, {k: here[k] for k in fields})
                )


def _status(r: Row) -> str:
    return f"{r['status']} ({r['status_detail']})" if r["status_detail"] else str(r["status"])
