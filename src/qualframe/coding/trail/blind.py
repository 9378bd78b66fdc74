"""The audit trail as a coder sees it while coding blind (View → Coders → Blind coding, in the
Log tab): nothing of another coder's coding.

Kept:

- an event about one coded segment (coding it, its boundaries, memo or exemplar mark, a
  verdict on it, an answer to one, a withdrawal) only when the segment is the coder's own,
  whoever recorded it: an auditor's verdict on it too, as the Disputes dock shows that
  thread. A segment is the coder's own when it is coded in their name now or, once deleted,
  when they coded it (the coder a resolution coded for, where the trail names one); a deleted
  segment whose coder the trail does not know (it came with a merged copy or an imported
  project) counts as another coder's;
- the coder's own other events;
- another person's events about the project rather than about coding: the codebook (names,
  definitions, structure; the codebook is shared while coding blind), imports, documents and
  document sets, participants, survey items, memos (a memo on a segment is a coding event,
  above), the list of coders.

Left out:

- events that compare or pool several coders' work, whoever recorded them: resolving a
  disagreement, copying agreements to the consensus, merging a copy of the project, merging
  one coder into another (unless into this coder);
- another person's coding, reviews (of segments not the coder's, and comments on codes,
  whose threads the Disputes dock leaves out too), undo and redo steps (their titles name
  what was undone), and actions the log has no kind for.

In what is kept, counts of every coder's segments are left out of the sentences (the
segments deleted with a code or a document, the segments a text edit removed), and another
person's undo or redo no longer names the step it undid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.coding.trail.log import LogEntry, Shown, entries_in
from qualframe.storage.models import Coder, Segment

#: Details whose counts take in every coder's segments, left out of the sentences.
EVERYONE_COUNTS: dict[str, tuple[str, ...]] = {
    "delete_code": ("segment_count",),
    "delete_document": ("segments",),
    "edit_text": ("removed",),
}
#: Events that compare or pool several coders' work: left out whoever recorded them.
ACROSS_CODERS = frozenset(
    {
        "resolve_disagreement", "unresolve_disagreement", "seed_consensus", "unseed_consensus",
        "merge_project", "unmerge_project",
    }
)  # fmt: skip
#: The kinds of another person's events that tell nothing of anybody's coding.
PROJECT_KINDS = frozenset(
    {"codebook", "import", "documents", "participants", "survey", "memos", "coders"}
)


@dataclass(frozen=True)
class BlindLog:
    """The entries ``coder`` may see (oldest first) and how many others were left out (the
    codebook-state records, which the log never lists, are not counted)."""

    coder: str
    entries: list[LogEntry]
    hidden: int

    def sentence(self) -> str:
        """E.g. "Blind coding is on: 12 entries of other coders are hidden (View → Coders)."."""
        return f"Blind coding is on: {self.what_is_hidden()} (View → Coders)."

    def what_is_hidden(self) -> str:
        """E.g. "12 entries of other coders are hidden"."""
        n = self.hidden
        if n == 0:
            return "no entries of other coders are hidden"
        return (
            "1 entry of other coders is hidden"
            if n == 1
            else f"{n:,} entries of other coders are hidden"
        )


def _told(coder: str) -> Shown:
    def shown(actor: str, action: str, details: Mapping[str, Any]) -> Mapping[str, Any]:
        drop = set(EVERYONE_COUNTS.get(action, ()))
        if actor != coder:
            drop.add("step")  # "(undoing an earlier step)", not the step's own title
        return {k: v for k, v in details.items() if k not in drop} if drop else details

    return shown


def segment_of(entry: LogEntry) -> str | None:
    """The coded segment an event is about, if it is about one."""
    return entry.target[1] if entry.target is not None and entry.target[0] == "segment" else None


def shows(entry: LogEntry, coder: str, owners: Mapping[str, str]) -> bool:
    """Whether ``coder``, coding blind, may see ``entry`` (``owners``: segment GUID → its
    coder)."""
    segment = segment_of(entry)
    if segment is not None:
        return owners.get(segment) == coder
    if entry.action in ACROSS_CODERS:
        return False
    if entry.action == "merge_coders":
        return entry.details.get("target") == coder
    if entry.actor == coder:
        return True
    return entry.category in PROJECT_KINDS


def blind_log(project: Project, coder: str) -> BlindLog:
    """The trail as ``coder`` sees it while coding blind (see the module's rules)."""
    with project.read() as s:
        owners: dict[str, str] = {
            str(g): str(n)
            for g, n in s.execute(
                select(Segment.guid, Coder.name).join(Coder, Coder.id == Segment.coder_id)
            )
        }
        entries = list(entries_in(s, _told(coder)))
    for e in entries:  # a deleted segment was coded by whoever applied the code (or for)
        if e.action == "apply_code" and e.entity_guid:
            owners.setdefault(e.entity_guid, str(e.details.get("coder") or e.actor))
    kept = [e for e in entries if shows(e, coder, owners)]
    hidden = sum(1 for e in entries if e.action != "code_state") - sum(
        1 for e in kept if e.action != "code_state"
    )
    return BlindLog(coder, kept, hidden)
