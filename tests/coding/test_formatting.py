"""Formatting shared by every table: half-up rounding, percentages, natural order."""

from __future__ import annotations

from qualframe.coding.analysis.formatting import (
    fmt_fixed,
    fmt_percent,
    natural_key,
    round_half_up,
)


def test_natural_order_of_group_values() -> None:
    values = ["Site 10", "site 2", "Site 1", "Cohort B", "cohort a", "²", "Year ٣", "Year 2"]
    assert sorted(values, key=natural_key) == [
        "cohort a", "Cohort B", "Site 1", "site 2", "Site 10", "Year 2", "Year ٣", "²",
    ]  # fmt: skip
    # A superscript digit is a digit to str.isdigit() but not a number: it used to crash.
    assert natural_key("²") == ("²",)


def test_half_up_rounding_and_percentages() -> None:
    assert [round_half_up(v, 0) for v in (12.5, 13.5, -2.5, 0.49)] == [13.0, 14.0, -3.0, 0.0]
    assert round_half_up(2.25, 1) == 2.3  # the float 2.25 is exact; 2.675 is not:
    assert round_half_up(2.675, 2) == 2.68  # shortest repr "2.675", not 2.67499…
    assert fmt_fixed(-0.04, 1) == "0.0"  # never "-0.0"
    assert fmt_fixed(None, 1) == fmt_fixed(float("nan"), 1) == "n/a"
    assert [fmt_percent(v) for v in (12.5, 99.5, 99.4, 0.4, 0.5, 100.0, 0.0)] == [
        "13", "> 99", "99", "< 1", "1", "100", "0",
    ]  # fmt: skip
    assert [fmt_percent(v, 1) for v in (99.96, 0.04, 33.35)] == ["> 99.9", "< 0.1", "33.4"]
    assert fmt_percent(None) == "n/a"
