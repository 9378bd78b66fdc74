"""Code paths as text: ``Theme/Category/Code``, with an escape so that a code name may hold a
"/" itself ("Mentor/mentee matching", or names from other tools' codebooks).

The one rule, used by the command line, every export and the GUI: in a path, ``\\/`` is a "/"
inside a name and ``\\\\`` is a backslash; any other backslash stands for itself. So
``Suggestions/Mentor\\/mentee matching`` is the code "Mentor/mentee matching" under
"Suggestions", and a name such as ``interesting\\places`` needs no escape at all.
:func:`join_path` and :func:`split_levels` are exact inverses for any list of names.
"""

from __future__ import annotations

PATH_SEPARATOR = "/"
ESCAPE = "\\"

#: One line for help texts (CLI ``--code``, dialogs).
PATH_RULE = (
    'levels are separated by "/"; write \\/ for a "/" inside a code name '
    '(e.g. "Suggestions/Mentor\\/mentee matching") and \\\\ for a backslash before "/"'
)


def escape_name(name: str) -> str:
    """``name`` as one level of a path: "/" becomes ``\\/``; a backslash is doubled only
    where it would otherwise be read as an escape (before "/" or "\\", or at the end)."""
    out: list[str] = []
    n = len(name)
    for i, ch in enumerate(name):
        if ch == PATH_SEPARATOR:
            out.append(ESCAPE + PATH_SEPARATOR)
        elif ch == ESCAPE and (i + 1 == n or name[i + 1] in (ESCAPE, PATH_SEPARATOR)):
            out.append(ESCAPE + ESCAPE)
        else:
            out.append(ch)
    return "".join(out)


def join_path(names: tuple[str, ...] | list[str]) -> str:
    """The path text of a code whose levels are ``names`` (unambiguous; see the module)."""
    return PATH_SEPARATOR.join(escape_name(n) for n in names)


def split_levels(path: str) -> list[str]:
    """The names in ``path`` (escapes resolved, nothing stripped or checked)."""
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(path)
    while i < n:
        ch = path[i]
        if ch == ESCAPE and i + 1 < n and path[i + 1] in (ESCAPE, PATH_SEPARATOR):
            current.append(path[i + 1])
            i += 2
            continue
        if ch == PATH_SEPARATOR:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def path_key(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """How paths are compared when looked up: case and runs of white space do not matter
    (so a name imported with a leading space is found by the name without it)."""
    return tuple(" ".join(n.split()).casefold() for n in names)
