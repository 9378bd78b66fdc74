"""The review report's content: per code, the segments reviewed, agreed, disputed and
resolved; each dispute with its passage, comment, answer and outcome; the comments on the
codebook; and the state of the audit trail (verified, with its last hash).

Counting rule (stated in the report's notes): a segment counts for the code it is coded
with now (not its parent codes). *Reviewed*: at least one verdict (a comment included).
*Agreed*: every reviewer's latest agree-or-dispute verdict is agree. *Disputed*: disputed at
least once. *Resolved*: disputed once and agreed now. *Open*: a dispute that is not answered,
or answered and waiting for the auditor's new verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.review.code_reviews import code_threads
from qualframe.coding.review.status import DECISIVE, ThreadEntry
from qualframe.coding.review.workspace import ReviewItem, review_items
from qualframe.coding.trail.sentences import quoted, span
from qualframe.coding.trail.verify import TrailCheck, verify_trail
from qualframe.storage.models import utcnow

COUNTING_RULE = (
    "A segment counts for the code it is coded with now (not for the codes above it). "
    "Reviewed: at least one auditor's verdict (a comment included). Agreed: every reviewer's "
    "latest agree-or-dispute verdict is agree. Disputed: disputed at least once. Resolved: "
    "disputed once and agreed now. Open: a dispute not yet answered by the analyst, or answered "
    "and awaiting the auditor's new verdict."
)


@dataclass(frozen=True)
class CodeRow:
    path: str
    depth: int
    segments: int
    reviewed: int
    agreed: int
    disputed: int
    resolved: int
    open: int


@dataclass(frozen=True)
class DisputeRow:
    code: str
    document: str
    speaker: str
    start: int
    end: int
    passage: str
    reviewer: str
    at: datetime
    comment: str
    answer: str  # what the analyst did, in words ('' when not answered)
    outcome: str


@dataclass(frozen=True)
class CodeCommentRow:
    code: str
    reviewer: str
    at: datetime
    comment: str
    answer: str
    outcome: str


@dataclass(frozen=True)
class ReviewReport:
    project: str
    generated: datetime  # UTC
    reviewers: tuple[str, ...]
    rows: tuple[CodeRow, ...]
    total: CodeRow
    disputes: tuple[DisputeRow, ...]
    code_comments: tuple[CodeCommentRow, ...]
    trail: TrailCheck


def answer_words(answer: ThreadEntry | None) -> str:
    """What an answer did, e.g. 'Recoded “Pressure” → “Study plans”; reply: “…”'."""
    if answer is None:
        return ""
    d = answer.details
    parts: list[str] = []
    action = answer.action or "keep"
    names = d.get("code_names") or ["?", "?"]
    if "recode" in action:
        parts.append(f"Recoded {quoted(names[0])} → {quoted(names[1])}")
    if "resize" in action:
        rng = d.get("range") or [[None, None], [None, None]]
        parts.append(f"Boundaries {span(*rng[0])} → {span(*rng[1])}")
    if action == "keep":
        parts.append("Coding kept")
    if action == "edit":
        fields = d.get("fields") or {}
        parts.append("Revised the " + ", ".join(fields) if fields else "Revised")
    if answer.text:
        parts.append(f"reply: {quoted(answer.text)}")
    return f"{'; '.join(parts)} ({answer.author})"


def _reverdict(thread: Sequence[ThreadEntry], dispute: ThreadEntry) -> ThreadEntry | None:
    after = False
    for e in thread:
        if e is dispute:
            after = True
        elif after and e.author == dispute.author and e.kind in DECISIVE:
            return e
    return None


def _outcome(answer: ThreadEntry | None, again: ThreadEntry | None) -> str:
    if again is not None and again.kind == "agree":
        return "Resolved: agreed after the answer" if answer else "Withdrawn: agreed later"
    if again is not None:
        return "Disputed again"
    return "Answered, awaiting the auditor" if answer else "Open: not answered yet"


def _disputes(items: Sequence[ReviewItem], mask: Callable[[str], str]) -> list[DisputeRow]:
    out: list[DisputeRow] = []
    for item in items:
        seg = item.segment
        for e in item.thread:
            if e.kind != "dispute":
                continue
            answer = next(
                (a for a in item.thread if a.kind == "answer" and a.reply_to == e.guid), None
            )
            again = _reverdict(item.thread, e)
            out.append(
                DisputeRow(
                    seg.code_path_text, mask(seg.document_name), mask(seg.speaker or ""),
                    seg.start, seg.end, mask(seg.text), e.author, e.at, mask(e.text),
                    mask(answer_words(answer)), _outcome(answer, again),
                )
            )  # fmt: skip
    return out


def _code_comments(project: Project) -> list[CodeCommentRow]:
    paths = {c.guid: c.path_text for c in code_tree(project)}
    out: list[CodeCommentRow] = []
    for guid, thread in code_threads(project).items():
        for e in thread:
            if e.kind != "comment":
                continue
            answer = next((a for a in thread if a.kind == "answer" and a.reply_to == e.guid), None)
            later = [x for x in thread if x.author == e.author and x.at >= e.at and x is not e]
            agreed = any(x.kind == "agree" for x in later)
            outcome = (
                "Resolved: agreed after the answer" if agreed and answer else
                "Answered, awaiting the auditor" if answer else "Open: not answered yet"
            )  # fmt: skip
            out.append(
                CodeCommentRow(
                    paths.get(guid, "?"), e.author, e.at, e.text, answer_words(answer), outcome
                )
            )
    return sorted(out, key=lambda r: (r.code.casefold(), r.at))


def _row(path: str, depth: int, items: Sequence[ReviewItem]) -> CodeRow:
    return CodeRow(
        path, depth, len(items), sum(i.reviewed for i in items),
        sum(i.status == "agreed" for i in items),
        sum(any(e.kind == "dispute" for e in i.thread) for i in items),
        sum(i.resolved for i in items), sum(i.status in ("disputed", "answered") for i in items),
    )  # fmt: skip


def review_report(project: Project, *, real_names: bool = False) -> ReviewReport:
    """Everything the review report shows (participants' real names replaced by their
    pseudonyms unless ``real_names``)."""
    items = review_items(project)
    by_code: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_code.setdefault(item.segment.code_guid, []).append(item)
    rows = tuple(
        _row(c.path_text, c.depth, by_code[c.guid]) for c in code_tree(project) if c.guid in by_code
    )
    with project.read() as s:
        mask = name_masker(s, real_names)
    reviewers = sorted(
        {e.author for i in items for e in i.thread if e.kind != "answer"}, key=str.casefold
    )
    return ReviewReport(
        project=project.name, generated=utcnow(), reviewers=tuple(reviewers), rows=rows,
        total=_row("All codes", 0, items), disputes=tuple(_disputes(items, mask)),
        code_comments=tuple(_code_comments(project)), trail=verify_trail(project),
    )  # fmt: skip
