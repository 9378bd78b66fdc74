"""The text of a Markdown transcript as a reader sees it rendered.

Parsed with ``markdown-it-py`` (CommonMark with tables and strikethrough), so the stored text
is what the rendered page shows: emphasis markers (``**``, ``__``, ``*``, ``_``), heading
hashes, block-quote marks, link targets and backslash escapes are gone, and speaker turns are
found on the characters a reader sees (``**M1:** …`` stores ``M1: …`` with the label bold;
``### Interviewer`` stores the heading ``Interviewer``). Line breaks inside a paragraph stay
line breaks; list items keep their number as typed (``3.``, ``4)``) and bullets become ``•``;
a table row becomes one line with its cells separated by tabs. YAML front matter (``---`` …
``---`` at the top) is metadata, not transcript: it is left out, with a warning naming its
keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from qualframe.coding.importing.extracted import Extracted, join_paragraphs

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEY = re.compile(r"^([A-Za-z_][\w -]*):", re.M)


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _inline_text(children: Sequence[Any] | None) -> tuple[str, int]:
    """An inline run's text and the length of its bold leading run (when text follows it)."""
    out: list[str] = []
    bold_len = 0
    prefix = True  # still in the leading strong run
    strong_depth = 0
    for tok in children or ():
        kind = tok.type
        if kind == "strong_open":
            strong_depth += 1
            continue
        if kind == "strong_close":
            strong_depth -= 1
            continue
        if kind in ("text", "code_inline", "html_inline"):
            piece = tok.content
        elif kind == "softbreak" or kind == "hardbreak":
            piece = "\n"
        elif kind == "image":
            piece = tok.content
        else:
            continue
        if prefix:
            if strong_depth > 0:
                bold_len += len(piece)
            elif not (bold_len and not piece.strip()):
                prefix = False
            else:
                bold_len += len(piece)
        out.append(piece)
    return "".join(out), (0 if prefix else bold_len)


def _blocks(tokens: Sequence[Any]) -> Iterator[tuple[str, int]]:
    markers: list[str] = []  # pending list-item label for the item's first paragraph
    row: list[str] | None = None
    for tok in tokens:
        kind = tok.type
        if kind == "list_item_open":
            if tok.markup in ("-", "*", "+"):
                markers.append("• ")
            else:
                markers.append(f"{tok.info}{tok.markup} ")
        elif kind == "list_item_close":
            if markers:
                markers.pop()
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            yield "\t".join(row), 0
            row = None
        elif kind == "inline":
            text, bold_len = _inline_text(tok.children)
            if row is not None:
                row.append(" ".join(text.split()))
                continue
            if markers and markers[-1]:
                text, bold_len = markers[-1] + text, 0
                markers[-1] = ""  # later paragraphs of the item carry no number
            yield text, bold_len
        elif kind in ("fence", "code_block", "html_block"):
            yield tok.content.rstrip("\n"), 0


def extract_markdown(text: str, encoding: str, warnings: list[str]) -> Extracted:
    """Render decoded Markdown ``text`` to the stored plain text."""
    notes = list(warnings)
    front = _FRONT.match(text)
    if front is not None:
        keys = _KEY.findall(front.group(1))
        shown = ", ".join(dict.fromkeys(k.strip() for k in keys[:6]))
        notes.append(
            "its YAML front matter (metadata"
            + (f": {shown}" if shown else "")
            + ") was left out of the text; it names no speakers"
        )
        text = text[front.end() :]
    result = join_paragraphs(_blocks(_parser().parse(text)), "md")
    result.encoding = encoding
    result.warnings = notes + result.warnings
    return result
