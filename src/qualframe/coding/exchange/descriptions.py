"""A code's definition, criteria and example in the one ``Description`` REFI-QDA gives a code.

Written as paragraphs a reader of another tool understands::

    Mentees report feeling pushed by their mentor.

    Inclusion criteria: the mentee says so himself.

    Exclusion criteria: pressure from exams.

    Example: "I felt I had to show progress every week."

Read back into the four fields when the labelled paragraphs are there; a description from
another tool without them becomes the definition as a whole.
"""

from __future__ import annotations

LABELS = (
    ("inclusion", "Inclusion criteria: "),
    ("exclusion", "Exclusion criteria: "),
    ("example", "Example: "),
)
FIELDS = ("definition", "inclusion", "exclusion", "example")


def compose(fields: dict[str, str]) -> str | None:
    """The description for ``fields`` (definition, inclusion, exclusion, example); None when
    all are empty."""
    parts = []
    if fields.get("definition"):
        parts.append(fields["definition"])
    for key, label in LABELS:
        if fields.get(key):
            parts.append(label + fields[key])
    return "\n\n".join(parts) or None


def parse(description: str | None) -> dict[str, str]:
    """The four fields of a description written by :func:`compose` (or any other text, which
    becomes the definition). A label is recognised only at the start of a paragraph and in
    the order above; the last such paragraph of each label wins."""
    out = dict.fromkeys(FIELDS, "")
    text = description or ""
    found: dict[str, str] = {}
    for key, label in reversed(LABELS):
        if text.startswith(label):
            found[key] = text[len(label) :]
            text = ""
            break
        at = text.rfind("\n\n" + label)
        if at >= 0:
            found[key] = text[at + 2 + len(label) :]
            text = text[:at]
    out.update(found)
    out["definition"] = text
    return out
