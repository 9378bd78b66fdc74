"""Code paths as text: "/" separates levels, \\/ is a "/" inside a name (issue 11, item 8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe.coding.codebook.tree import split_path
from qualframe.coding.core.codepaths import escape_name, join_path, path_key, split_levels
from qualframe.coding.core.errors import UserError

NAMES = st.lists(st.text(alphabet="ab /\\\\😀한 ", min_size=0, max_size=8), min_size=1, max_size=4)


@given(NAMES)
def test_split_inverts_join_for_any_names(names: list[str]) -> None:
    assert split_levels(join_path(names)) == names


@pytest.mark.parametrize(
    ("names", "text"),
    [
        (["Suggestions", "Mentor/mentee matching"], "Suggestions/Mentor\\/mentee matching"),
        (["interesting\\places"], "interesting\\places"),  # Taguette's names need no escape
        (["a\\", "b"], "a\\\\/b"),
        (["a\\/b"], "a\\\\\\/b"),
        (["Émotion/joie 😀"], "Émotion\\/joie 😀"),
        ([" leading space"], " leading space"),
    ],
)
def test_escaped_form(names: list[str], text: str) -> None:
    assert join_path(names) == text
    assert split_levels(text) == names


def test_typed_paths_are_stripped_and_checked() -> None:
    assert split_path(" Outcomes / Lifestyle ") == ["Outcomes", "Lifestyle"]
    assert split_path("A/B\\/C") == ["A", "B/C"]
    with pytest.raises(UserError, match=r"write \\/"):
        split_path("A//B")


def test_escape_is_only_where_needed() -> None:
    assert escape_name("a\\b") == "a\\b"
    assert escape_name("a/b") == "a\\/b"


def test_lookup_key_ignores_case_and_spacing() -> None:
    assert path_key([" Foo  Bar"]) == path_key(["foo bar"])
