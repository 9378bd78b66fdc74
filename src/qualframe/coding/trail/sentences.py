"""Audit events as plain sentences: "ana applied “Study plans” to fgi_mentees 1,203–1,260".

Names come from the event itself where it recorded them (newer events carry the code's and
the document's name), else from what the trail and the project know now (a code's latest
recorded name, a document's import). Offsets are code points, shown with thousands
separators; "before → after" where an event records both.

Why one long table of small functions: each action has its own sentence, and keeping them
side by side keeps them consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SHORT = 80


def span(start: Any, end: Any) -> str:
    try:
        return f"{int(start):,}–{int(end):,}"
    except (TypeError, ValueError):
        return "?"


def short(value: Any, limit: int = SHORT) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def changed_parts(old: Any, new: Any, limit: int = 60) -> tuple[str, str]:
    """Two texts shortened so that where they differ stays in view: a long common beginning
    is replaced by "…"."""
    a, b = " ".join(str(old or "").split()), " ".join(str(new or "").split())
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    if same > 24:
        cut = a.rfind(" ", 0, same - 8) + 1 or same - 8
        a, b = "…" + a[cut:], "…" + b[cut:]
    return short(a, limit), short(b, limit)


def quoted(text: Any) -> str:
    return f"“{text}”"


@dataclass
class Names:
    """What the sentences know of the project: names by GUID and where segments lie."""

    codes: dict[str, str] = field(default_factory=dict)  # guid → name (latest known)
    documents: dict[str, str] = field(default_factory=dict)
    participants: dict[str, str] = field(default_factory=dict)
    segments: dict[str, tuple[str, str, int, int]] = field(default_factory=dict)  # doc, code, a, b
    reviews: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid → (author, verdict)
    sets: dict[str, str] = field(default_factory=dict)  # document set guid → name

    def code(self, guid: Any, recorded: Any = None) -> str:
        name = recorded or (self.codes.get(str(guid)) if guid else None)
        return quoted(name) if name else "a code since deleted"

    def document(self, guid: Any, recorded: Any = None) -> str:
        return str(recorded or self.documents.get(str(guid)) or "a document since removed")

    def where(self, seg_guid: Any) -> str:
        """ "“Study plans” in fgi_mentees 1,203–1,260" for a segment."""
        known = self.segments.get(str(seg_guid))
        if known is None:
            return "a coded passage"
        doc, code, a, b = known
        return f"{self.code(code)} in {self.document(doc)} {span(a, b)}"


Sentence = Callable[[Mapping[str, Any], Names, str | None], str]


def _apply(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    code = n.code(d.get("code"), d.get("code_name"))
    doc = n.document(d.get("document"), d.get("document_name"))
    return f"applied {code} to {doc} {span(d.get('start'), d.get('end'))}"


def _remove_segment(_d: Mapping[str, Any], n: Names, g: str | None) -> str:
    known = n.segments.get(str(g))
    if known is None:
        return "removed a code from a passage"
    doc, code, a, b = known
    return f"removed {n.code(code)} from {n.document(doc)} {span(a, b)}"


def _resize(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    old, new = d.get("old") or [None, None], d.get("new") or [None, None]
    known = n.segments.get(str(g))
    what = f"{n.code(known[1])} in {n.document(known[0])}" if known else "a coded passage"
    return f"changed the boundaries of {what} from {span(*old)} to {span(*new)}"


def _exemplar(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    verb = "marked" if d.get("exemplar") else "unmarked"
    return f"{verb} {n.where(g)} as an exemplar quote"


def _add_code(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    parent = d.get("parent")
    under = f" under {n.code(parent)}" if parent else " at the top level"
    return f"added the code {quoted(d.get('name'))}{under}"


def _edit_code(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    fields = d.get("fields") or []
    name = n.code(g, d.get("name"))
    old, new = d.get("old") or {}, d.get("new") or {}
    parts = []
    for f in fields:
        if f in new:
            before, after = changed_parts(old.get(f), new.get(f))
            parts.append(f"{f} {quoted(before)} → {quoted(after)}")
    return f"edited {name}: " + ("; ".join(parts) if parts else ", ".join(fields))


def _move(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    parent = d.get("parent")
    return f"moved {n.code(g)} " + (f"under {n.code(parent)}" if parent else "to the top level")


def _delete_code(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    extra = []
    if int(d.get("codes") or 1) > 1:
        extra.append(f"{int(d['codes']) - 1} sub-code(s)")
    if d.get("segment_count"):
        what = "moved to the parent" if d.get("segments") == "parent" else "deleted"
        extra.append(f"{d['segment_count']} segment(s) {what}")
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"deleted the code {n.code(g, d.get('name'))}{tail}"


def _verdict(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    verb = {"agree": "agreed with", "dispute": "disputed", "comment": "commented on"}.get(
        str(d.get("verdict")), "reviewed"
    )
    comment = f": {quoted(short(d.get('comment')))}" if d.get("comment") else ""
    return f"{verb} {n.where(d.get('segment'))}{comment}"


def _answer(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    author, verdict = n.reviews.get(str(d.get("reply_to")), ("", "dispute"))
    whose = f"{author}’s {verdict}" if author else "a dispute"
    codes, names = d.get("code") or [None, None], d.get("code_names") or [None, None]
    ranges = d.get("range") or [[None, None], [None, None]]
    parts = []
    action = str(d.get("how") or "keep")
    if "recode" in action:
        parts.append(f"recoded {n.code(codes[0], names[0])} → {n.code(codes[1], names[1])}")
    if "resize" in action:
        parts.append(f"boundaries {span(*ranges[0])} → {span(*ranges[1])}")
    if action == "keep":
        parts.append("kept the coding")
    if d.get("reply"):
        parts.append(f"reply {quoted(short(d.get('reply')))}")
    where = n.where(d.get("segment"))
    return f"answered {whose} on {where}: " + "; ".join(parts)


def _code_review(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    code = n.code(d.get("code"), d.get("code_name"))
    if d.get("verdict") == "agree":
        return f"agreed with the code {code}"
    return f"commented on the code {code}: {quoted(short(d.get('comment')))}"


def _code_answer(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    code = n.code(d.get("code"), d.get("code_name"))
    fields = d.get("fields") or {}
    parts = [f"revised the {f}" for f in fields] or ["kept the code as it is"]
    if d.get("reply"):
        parts.append(f"reply {quoted(short(d.get('reply')))}")
    return f"answered the comment on {code}: " + "; ".join(parts)


def _set_attribute(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    who = n.participants.get(str(g), "a participant")
    value = quoted(d.get("value")) if d.get("value") else "nothing"
    was = f" (was {quoted(d.get('old'))})" if d.get("old") else ""
    return f"set {d.get('name')} of {who} to {value}{was}"


def _import_document(d: Mapping[str, Any], _n: Names, _g: str | None) -> str:
    source = f" from {d.get('file')}" if d.get("file") and d.get("file") != d.get("name") else ""
    kind = "survey answers" if d.get("kind") == "survey" else "transcript"
    turns = int(d.get("turns") or 0)
    return f"imported the {kind} {d.get('name')}{source} ({turns} turn{'' if turns == 1 else 's'})"


def _plural(n: Any, one: str) -> str:
    count = int(n or 0)
    return f"{count:,} {one}{'' if count == 1 else 's'}"


def _delete_document(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    parts = [_plural(d.get("segments"), "coded segment")] if d.get("segments") else []
    if d.get("memos"):
        parts.append(_plural(d.get("memos"), "memo"))
    tail = f" (with {' and '.join(parts)})" if parts else ""
    return f"deleted the document {n.document(g, d.get('name'))}{tail}"


def _edit_text(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    before, after = changed_parts(d.get("before"), d.get("after"))
    where = f"{n.document(g)} {span(d.get('start'), d.get('end'))}"
    moved = d.get("removed") or []
    gone = f"; {_plural(len(moved), 'coded segment')} removed" if moved else ""
    return f"edited the text of {where}: {quoted(before)} → {quoted(after)}{gone}"


def _set_members(d: Mapping[str, Any], n: Names, g: str | None) -> str:
    verb = "removed" if str(d.get("change", "")).startswith("removed") else "added"
    docs = d.get("documents") or []
    what = _plural(len(docs), "document") if isinstance(docs, list) else "documents"
    named = f" ({', '.join(n.document(x) for x in docs[:3])}{', …' if len(docs) > 3 else ''})"
    where = "from" if verb == "removed" else "to"
    the_set = quoted(n.sets.get(str(g))) if n.sets.get(str(g)) else "a document set"
    return f"{verb} {what}{named if docs else ''} {where} the document set {the_set}"


def _survey_item(d: Mapping[str, Any], _n: Names, _g: str | None) -> str:
    before, after = d.get("before") or {}, d.get("after") or {}
    parts = []
    for f in sorted(set(before) | set(after)):
        if before.get(f) != after.get(f):
            old, new = changed_parts(_shown(before.get(f)), _shown(after.get(f)), 40)
            parts.append(f"{f.replace('_', ' ')} {quoted(old)} → {quoted(new)}")
    what = f": {'; '.join(parts)}" if parts else ""
    return f"edited the survey item {quoted(d.get('name'))}{what}"


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return "" if value is None else str(value)


def _person(n: Names, guid: Any, recorded: Any = None) -> str:
    return str(recorded or n.participants.get(str(guid)) or "a participant since removed")


CORPUS_SENTENCES: dict[str, Sentence] = {
    "rename_document": lambda d, _n, _g: (
        f"renamed the document {quoted(d.get('old'))} to {quoted(d.get('new'))}"
    ),
    "delete_document": _delete_document,
    "restore_document": lambda d, n, g: f"brought back the document {n.document(g, d.get('name'))}",
    "edit_text": _edit_text,
    "add_document_set": lambda d, _n, _g: (
        f"created the document set {quoted(d.get('name'))}"
        + (f" with {_plural(d.get('documents'), 'document')}" if d.get("documents") else "")
    ),
    "rename_document_set": lambda d, _n, _g: (
        f"renamed the document set {quoted(d.get('old'))} to {quoted(d.get('new'))}"
    ),
    "delete_document_set": lambda d, n, g: (
        f"deleted the document set {quoted(d.get('name') or n.sets.get(str(g)) or '?')}"
    ),
    "document_set_members": _set_members,
    "merge_participants": lambda d, n, g: (
        f"merged the participant {d.get('source')} into {_person(n, g)}"
        + (f" ({_plural(d.get('turns'), 'turn')} moved)" if d.get("turns") else "")
    ),
    "unmerge_participants": lambda d, n, g: (
        f"took {_person(n, d.get('source_guid'))} back out of {_person(n, g)}"
    ),
    "delete_participant": lambda d, n, g: (
        f"deleted the participant {_person(n, g, d.get('pseudonym'))}"
        + (f" ({_plural(d.get('turns'), 'turn')} kept without a speaker)" if d.get("turns") else "")
    ),
    "restore_participant": lambda _d, n, g: f"brought back the participant {_person(n, g)}",
    "import_attributes": lambda d, _n, _g: (
        f"imported {_plural(d.get('values'), 'attribute value')} from {d.get('file')}"
    ),
    "edit_survey_item": _survey_item,
}


def _plain(text: str) -> Sentence:
    return lambda _d, _n, _g: text


def _resolve(d: Mapping[str, Any], n: Names, _g: str | None) -> str:
    decision = d.get("decision")
    if decision == "accept":
        how = "accepted " + " + ".join(str(c) for c in d.get("accepted") or []) + "’s coding"
    elif decision == "new":
        how = "agreed on a new segment"
    else:
        how = "kept neither coding"
    where = ""
    if d.get("code"):
        where = f" on {n.code(d.get('code'))} in {n.document(d.get('document'))}"
        where += f" {span(d.get('start'), d.get('end'))}"
    coders = " and ".join(str(c) for c in d.get("coders") or []) or "the coders"
    return f"resolved where {coders} disagree{where}: {how}"


# the several coders' work (issue 15): coders merged, copies merged, disagreements resolved
COLLABORATION_SENTENCES: dict[str, Sentence] = {
    "merge_coders": lambda d, _n, _g: (
        f"merged the coder {quoted(d.get('source'))} into "
        f"{quoted(d.get('target')) if d.get('target') else 'another coder'}"
        f" ({_plural(d.get('segments'), 'segment')} moved,"
        f" {_plural(d.get('duplicates'), 'identical coding')} folded)"
    ),
    "unmerge_coders": lambda d, _n, _g: (
        f"took the coder {quoted(d.get('name') or '?')} back out of the coder it was merged into"
    ),
    "merge_project": lambda d, _n, _g: (
        f"merged the copy {d.get('source')} into this project (rule {d.get('rule')},"
        f" {_plural(d.get('conflicts'), 'conflict')})"
    ),
    "unmerge_project": lambda d, _n, _g: f"took back the merge of the copy {d.get('source')}",
    "resolve_disagreement": _resolve,
    "unresolve_disagreement": _plain("withdrew the resolution of a disagreement"),
    "seed_consensus": lambda d, _n, _g: (
        f"copied {_plural(d.get('count'), 'agreed coding')} to the coder “consensus”"
    ),
    "unseed_consensus": _plain("took back the agreed codings copied to the consensus"),
}


SENTENCES: dict[str, Sentence] = {
    "apply_code": _apply,
    "remove_segment": _remove_segment,
    "remove_segments": lambda d, _n, _g: f"removed {d.get('count', 0)} coded passage(s)",
    "resize_segment": _resize,
    "segment_memo": lambda _d, n, g: f"edited the memo on {n.where(g)}",
    "segment_exemplar": _exemplar,
    "add_code": _add_code,
    "rename_code": lambda d, _n, _g: (
        f"renamed the code {quoted(d.get('old'))} to {quoted(d.get('new'))}"
    ),
    "recolour_code": lambda d, n, g: (
        f"changed the colour of {n.code(g)} from {d.get('old')} to {d.get('new')}"
    ),
    "edit_code": _edit_code,
    "move_code": _move,
    "merge_code": lambda d, n, _g: (
        f"merged the code {quoted(d.get('name'))} into {n.code(d.get('into'))}"
    ),
    "undo_merge_code": lambda _d, n, g: f"took {n.code(g)} back out of the code it was merged into",
    "delete_code": _delete_code,
    "load_template": lambda d, _n, _g: f"loaded the codebook template {quoted(d.get('template'))}",
    "import_document": _import_document,
    "import_survey": lambda d, _n, _g: (
        f"imported the survey {d.get('file')} ({d.get('respondents', 0)} respondents, {d.get('columns', 0)} columns)"
    ),
    "import_codebook": lambda d, _n, _g: (
        f"imported the codebook {d.get('file')} ({d.get('added', 0)} codes added, {d.get('updated', 0)} updated)"
    ),
    "undo_import_codebook": lambda d, _n, _g: f"took back the codebook import of {d.get('file')}",
    "import_refi": lambda d, _n, _g: f"imported the REFI-QDA project {d.get('file')}",
    "undo_import_refi": lambda d, _n, _g: f"took back the REFI-QDA import of {d.get('file')}",
    "set_attribute": _set_attribute,
    "add_attribute": lambda d, _n, _g: f"added the participant attribute {quoted(d.get('name'))}",
    "remove_attribute": lambda d, _n, _g: (
        f"removed the participant attribute {quoted(d.get('name'))}"
    ),
    "add_memo": lambda d, _n, _g: f"added a {d.get('kind', '')} memo".replace("  ", " "),
    "edit_memo": _plain("edited a memo"),
    "delete_memo": _plain("deleted a memo"),
    "review_segment": _verdict,
    "remove_review": lambda d, n, _g: f"withdrew a verdict on {n.where(d.get('segment'))}",
    "answer_dispute": _answer,
    "remove_answer": lambda d, n, _g: (
        f"withdrew the answer to a verdict on {n.where(d.get('segment'))}"
    ),
    "review_code": _code_review,
    "remove_code_review": lambda d, n, _g: (
        f"withdrew a verdict on the code {n.code(d.get('code'))}"
    ),
    "answer_code_comment": _code_answer,
    "remove_code_answer": lambda d, n, _g: (
        f"withdrew the answer to a comment on {n.code(d.get('code'))}"
    ),
    "add_coder": lambda d, _n, _g: f"added the {d.get('role', 'analyst')} {quoted(d.get('name'))}",
    "remove_coder": lambda d, _n, _g: f"removed the coder {quoted(d.get('name'))}",
    "rename_coder": lambda d, _n, _g: (
        f"renamed the coder {quoted(d.get('old'))} to {quoted(d.get('new'))}"
    ),
    "undo": lambda d, _n, _g: f"undid {quoted(d.get('step'))}",
    "redo": lambda d, _n, _g: f"redid {quoted(d.get('step'))}",
    **CORPUS_SENTENCES,
    **COLLABORATION_SENTENCES,
}


def describe(
    actor: str, action: str, entity: str, guid: str | None, details: Mapping[str, Any], names: Names
) -> str:
    """The sentence for one event, actor first; an event of an undo or a redo says so."""
    if action == "code_state":
        state = details.get("state")
        if state is None:
            return f"recorded that {names.code(guid)} no longer exists"
        return f"recorded the code {quoted(state.get('name'))} as it now stands"
    maker = SENTENCES.get(action)
    what = maker(details, names, guid) if maker else f"{action.replace('_', ' ')} ({entity})"
    if action in ("undo", "redo"):
        return f"{actor} {what}"
    for kind, verb in (("undo", "undoing"), ("redo", "redoing")):
        if details.get(kind) and details.get("step"):
            return f"{actor} {what} ({verb} {quoted(details['step'])})"
        if details.get(kind):
            return f"{actor} {what} ({verb} an earlier step)"
    return f"{actor} {what}"
