"""Survey statistics on plain :class:`SurveyData` (no database), every figure compared with
an independent computation (scipy, numpy, the statistics module, or counting by hand), at the
limits where a wrong comparison would go unnoticed: the SD of two answers, groups of one and
two answers, answers that vary by one value, the exact test's size limits. Written to kill
the mutants ``make mutate`` found surviving (docs/mutation-testing.md)."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest
from scipy import stats as sps
from sqlalchemy import select

from qualframe.coding.analysis.survey import significance as sig
from qualframe.coding.analysis.survey.codes import code_presence
from qualframe.coding.analysis.survey.data import Answer, CodeCount, ItemInfo, SurveyData
from qualframe.coding.analysis.survey.frequencies import (
    frequencies,
    frequency_column,
    option_order,
)
from qualframe.coding.analysis.survey.likert import describe, fmt_mean_sd, likert
from qualframe.coding.analysis.survey.load import load_survey
from qualframe.coding.analysis.survey.tables import check_decimals, compute_tables
from qualframe.coding.codebook.edits import ensure_path_in
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.storage.models import Document, Segment, Turn
from tests.coding.test_survey_stats_data import Item, add_survey


def ranks_p(x: list[float], y: list[float]) -> float:
    """Two-sided exact p of the rank sum by enumerating every split (the definition)."""
    pooled = [*x, *y]
    ranks = sps.rankdata(pooled)
    mean = len(x) * (len(pooled) + 1) / 2
    observed = abs(sum(ranks[: len(x)]) - mean)
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(x)):
        total += 1
        hits += abs(sum(ranks[i] for i in chosen) - mean) >= observed - 1e-9
    return hits / total


# -- Mann–Whitney -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 2, 3, 5], [2, 4, 4, 5]),  # ties on both sides
        ([3, 3, 4, 5, 5], [1, 1, 2, 3]),
        ([1, 1, 1, 2], [2, 2, 3, 3, 3]),
        ([4, 4], [5, 5, 5]),  # two values, two groups of at least two
    ],
)
def test_exact_test_with_ties_is_the_permutation_distribution(
    x: list[float], y: list[float]
) -> None:
    res = sig.mann_whitney(x, y, "exact")
    assert res.computed and res.method == "permutation" and res.test == "mann-whitney"
    assert res.p == pytest.approx(ranks_p(x, y))
    assert sig.permutation_p(x, y) == pytest.approx(ranks_p(x, y))
    ref = sps.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    assert res.u1 == ref.statistic and res.u2 == len(x) * len(y) - ref.statistic
    assert res.statistic == min(res.u1, res.u2)  # type: ignore[type-var]
    assert res.effect_size == pytest.approx(1 - 2 * ref.statistic / (len(x) * len(y)))
    assert sig.test_note(res) == sig.MW_PERMUTATION_NOTE


def test_permutation_p_against_scipy_permutation_test() -> None:
    x, y = [2.0, 3.0, 3.0, 7.0, 8.0, 8.0], [1.0, 1.0, 3.0, 4.0, 5.0]
    pooled = np.array([*x, *y])
    ranks = sps.rankdata(pooled)
    mean = len(x) * (len(pooled) + 1) / 2

    def stat(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.abs(np.sum(a, axis=axis) - mean)

    ref = sps.permutation_test(
        (ranks[: len(x)], ranks[len(x) :]), stat, permutation_type="independent",
        alternative="greater", n_resamples=np.inf, vectorized=True,
    )  # fmt: skip
    assert sig.permutation_p(x, y) == pytest.approx(ref.pvalue)
    assert 0 < sig.permutation_p(x, y) < 1


def test_every_method_agrees_with_scipy_and_says_which_it_used() -> None:
    x, y = [1.0, 2.0, 4.0, 4.0, 6.0], [3.0, 5.0, 7.0, 8.0, 9.0, 9.0]
    for test, method, scipy_method, corrected, note in [
        ("asymptotic", "asymptotic-uncorrected", "asymptotic", False, sig.MW_UNCORRECTED_NOTE),
        ("asymptotic-corrected", "asymptotic", "asymptotic", True, sig.MW_ASYMPTOTIC_NOTE),
        ("auto", "asymptotic", "asymptotic", True, sig.MW_ASYMPTOTIC_NOTE),  # ties
    ]:
        res = sig.mann_whitney(x, y, test)
        ref = sps.mannwhitneyu(
            x, y, alternative="two-sided", method=scipy_method, use_continuity=corrected
        )
        assert res.method == method and sig.test_note(res) == note
        assert res.p == pytest.approx(ref.pvalue) and res.u1 == ref.statistic
    no_ties = [1.0, 2.0, 4.0], [3.0, 5.0, 7.0]
    for test in ("auto", "exact"):
        res = sig.mann_whitney(*no_ties, test)
        ref = sps.mannwhitneyu(*no_ties, alternative="two-sided", method="exact")
        assert res.method == "exact" and res.p == pytest.approx(ref.pvalue)
        assert sig.test_note(res) == sig.MW_EXACT_NOTE
    with pytest.raises(UserError, match="'fast' is not a test"):
        sig.mann_whitney(*no_ties, "fast")


def test_the_exact_limit_is_the_smaller_group_of_eight() -> None:
    eight, nine = [float(v) for v in range(8)], [float(v) for v in range(9)]
    far = [float(v) for v in range(100, 120)]
    assert sig.mann_whitney(eight, far).method == "exact"
    assert sig.mann_whitney(far, eight).method == "exact"
    assert sig.mann_whitney(nine, far).method == "asymptotic"
    assert sig.mann_whitney(far, nine).method == "asymptotic"


def test_the_permutation_count_stops_beyond_200_answers() -> None:
    x = [1.0, 3.0]
    at_limit = sig.mann_whitney(x, [float(v % 4) for v in range(198)], "exact")
    assert at_limit.computed and at_limit.method == "permutation"
    over = sig.mann_whitney(x, [float(v % 4) for v in range(199)], "exact")
    assert not over.computed and over.test == "mann-whitney"
    assert over.reason == "the exact test is counted for at most 200 answers"
    # without ties the exact distribution has no such limit
    far = sig.mann_whitney(x, [v + 0.5 for v in range(199)], "exact")
    assert far.computed and far.method == "exact"


def test_two_answers_per_group_are_enough_one_is_not() -> None:
    two = sig.mann_whitney([1.0, 2.0], [3.0, 4.0])
    ref = sps.mannwhitneyu([1.0, 2.0], [3.0, 4.0], alternative="two-sided", method="exact")
    assert two.computed and two.p == pytest.approx(ref.pvalue)
    for x, y in [([1.0], [2.0, 3.0]), ([1.0, 2.0], [3.0])]:
        one = sig.mann_whitney(x, y)
        assert (one.test, one.p, one.reason) == (
            "mann-whitney", None, "a group has fewer than 2 answers",
        )  # fmt: skip
    kw = sig.kruskal_wallis([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    ref_kw = sps.kruskal([1.0, 2.0], [3.0, 4.0], [5.0, 6.0])
    assert kw.computed and kw.statistic == pytest.approx(ref_kw.statistic)
    for samples in ([[1.0], [2.0, 3.0], [4.0, 5.0]], [[1.0, 2.0], [3.0, 4.0], [5.0]]):
        one = sig.kruskal_wallis(samples)
        assert (one.test, one.p, one.reason) == (
            "kruskal-wallis", None, "a group has fewer than 2 answers",
        )  # fmt: skip


def test_answers_that_take_two_values_vary() -> None:
    mw = sig.mann_whitney([4.0, 4.0], [5.0, 5.0])
    ref = sps.mannwhitneyu([4.0, 4.0], [5.0, 5.0], alternative="two-sided")
    assert mw.computed and mw.p == pytest.approx(ref.pvalue)
    assert sig.mann_whitney([3.0, 3.0], [3.0, 3.0, 3.0]).reason == sig.NO_VARIATION
    kw = sig.kruskal_wallis([[4.0, 4.0], [4.0, 5.0], [5.0, 5.0]])
    assert kw.computed
    assert kw.p == pytest.approx(sps.kruskal([4.0, 4.0], [4.0, 5.0], [5.0, 5.0]).pvalue)
    flat = sig.kruskal_wallis([[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]])
    assert (flat.test, flat.p, flat.reason) == ("kruskal-wallis", None, sig.NO_VARIATION)


def test_three_groups_are_kruskal_wallis_never_mann_whitney() -> None:
    samples = [[1.0, 2.0, 2.0, 4.0], [3.0, 5.0, 6.0], [6.0, 7.0, 7.0, 9.0, 9.0]]
    res = sig.compare_groups(samples, "exact")
    ref = sps.kruskal(*samples)
    assert (res.test, res.method) == ("kruskal-wallis", "chi-square")
    assert res.statistic == pytest.approx(ref.statistic) and res.p == pytest.approx(ref.pvalue)
    assert res.effect_size == pytest.approx(ref.statistic / (12 - 1))  # ε² = H / (N − 1)
    assert res.u1 is None and sig.test_note(res) == sig.KW_NOTE
    two = sig.compare_groups(samples[:2])
    assert two.test == "mann-whitney" and two.u1 is not None
    for few in ([], [samples[0]]):
        none = sig.compare_groups(few)
        assert (none.test, none.p) == (None, None)
        assert none.reason == "no grouping into two or more groups"


def test_fisher_against_scipy_with_the_conditional_odds_ratio() -> None:
    a, b = CodeCount(7, 12), CodeCount(2, 10)
    table = [[7, 5], [2, 8]]
    p, odds, reason = sig.fisher(a, b)
    assert p == pytest.approx(sps.fisher_exact(table).pvalue)
    assert odds == pytest.approx(sps.contingency.odds_ratio(table, kind="conditional").statistic)
    assert odds != pytest.approx(7 * 8 / (5 * 2))  # not the sample odds ratio
    assert reason is None
    _, infinite, _ = sig.fisher(CodeCount(3, 3), CodeCount(1, 4))
    assert infinite == math.inf
    for x, y in [(CodeCount(0, 0), b), (a, CodeCount(0, 0))]:
        assert sig.fisher(x, y) == (None, None, "a group has no open-ended answers")


# -- Likert descriptives ----------------------------------------------------------------------
def test_the_sd_of_two_answers_is_given_of_one_is_not() -> None:
    two = describe([2.0, 5.0], 4)
    assert two.sd == pytest.approx(statistics.stdev([2.0, 5.0]))
    assert two.sd == pytest.approx(float(np.std([2.0, 5.0], ddof=1)))
    assert (two.n, two.mean, two.median, two.missing, two.respondents) == (2, 3.5, 3.5, 2, 4)
    assert fmt_mean_sd(two) == "3.5 ± 2.1"
    one = describe([4.0], 1)
    assert (one.n, one.mean, one.sd, one.median, one.missing) == (1, 4.0, None, 4.0, 0)
    assert fmt_mean_sd(one) == "4.0 (n = 1)"
    none = describe([], 3)
    assert (none.n, none.mean, none.sd, none.median, none.missing) == (0, None, None, None, 3)
    assert fmt_mean_sd(none) == "–"


def _item(name: str, type_: str, **kw: object) -> ItemInfo:
    return ItemInfo(name, type_, 0, **kw)  # type: ignore[arg-type]


def _data(groups: dict[str, str | None], answers: dict[str, dict[str, Answer]]) -> SurveyData:
    return SurveyData(
        items=[], respondents=sorted(groups), group_of=dict(groups), by="site", answers=answers
    )


def test_likert_counts_numbers_only_and_compares_the_groups_like_scipy() -> None:
    people = {"R1": "Seoul", "R2": "Seoul", "R3": "Seoul", "R4": "Busan", "R5": "Busan"}
    people |= {"R6": "Busan", "R7": None}
    nums = {"R1": 4.0, "R2": 5.0, "R3": None, "R4": 2.0, "R5": 3.0, "R6": 3.0, "R7": 1.0}
    answers = {
        "q": {r: Answer(raw=str(v), number=v) for r, v in nums.items() if r != "R3"}
        | {"R3": Answer(raw="k. A.")}  # an answer that is not a point of the scale
    }
    item = _item("q", "likert", scale_min=1, scale_max=5, label="Satisfied with the mentor")
    res = likert(_data(people, answers), item)
    assert (res.item, res.name, res.scale_min, res.scale_max) == (
        "Satisfied with the mentor", "q", 1, 5,
    )  # fmt: skip
    busan, seoul = res.groups["Busan"], res.groups["Seoul"]
    assert (seoul.n, seoul.missing, seoul.respondents) == (2, 1, 3)
    assert (busan.n, busan.missing, busan.respondents) == (3, 0, 3)
    assert busan.sd == pytest.approx(statistics.stdev([2.0, 3.0, 3.0]))
    assert (res.total.n, res.total.respondents) == (6, 7)
    assert res.total.mean == pytest.approx(statistics.fmean([4, 5, 2, 3, 3, 1]))
    ref = sps.mannwhitneyu([2.0, 3.0, 3.0], [4.0, 5.0], alternative="two-sided")
    assert res.test.u1 == ref.statistic and res.test.p == pytest.approx(ref.pvalue)
    assert list(res.groups) == ["Busan", "Seoul"]


# -- frequencies ------------------------------------------------------------------------------
def test_option_order_keeps_the_given_order_then_falling_counts() -> None:
    answers = [("Cafe",), ("Online", "Cafe"), ("Online",), ("Park",), ("Online", "Online")]
    assert option_order(["Library", "Cafe"], answers) == ("Library", "Cafe", "Online", "Park")
    assert option_order(None, answers) == ("Online", "Cafe", "Park")
    # equal counts: first seen first; a repeated choice counts once per respondent
    assert option_order(None, [("b", "b", "b"), ("a",), ("a",), ("b",)]) == ("b", "a")
    assert option_order(["x", "x"], []) == ("x",)


def test_a_frequency_column_counts_each_respondent_once_per_option() -> None:
    answers = {
        "R1": Answer(choices=("Exam", "Exam", "Career")),
        "R2": Answer(choices=("Career",)),
        "R3": Answer(choices=()),  # answered nothing: not in the denominator
        "R4": Answer(choices=("Social", "Other")),
    }
    col = frequency_column(
        "Year 2", ["R1", "R2", "R3", "R4", "R5"], answers, ["Exam", "Career", "Social"]
    )
    assert (col.group, col.respondents, col.answered, col.missing) == ("Year 2", 5, 3, 2)
    assert [(o.option, o.n) for o in col.options] == [("Exam", 1), ("Career", 2), ("Social", 1)]
    assert col.count("Career").percent == pytest.approx(100 * 2 / 3)
    with pytest.raises(KeyError):
        col.count("Other")


def test_frequencies_per_group_and_whether_they_sum_over_100() -> None:
    people = {"R1": "1", "R2": "1", "R3": "2", "R4": "2", "R5": "10"}
    choices = {"R1": ("A", "B"), "R2": ("A",), "R3": ("B",), "R4": ("C",), "R5": ("A",)}
    answers = {"m": {r: Answer(choices=c) for r, c in choices.items()}}
    data = _data(people, answers)
    assert data.groups == ["1", "2", "10"]  # numeric values sort as numbers
    multi = frequencies(data, _item("m", "multiple", options=("C", "B", "A")))
    assert multi.multiple and multi.options == ("C", "B", "A") and multi.name == "m"
    assert [c.group for c in multi.columns] == [None, "1", "2", "10"]
    assert [o.n for o in multi.total.options] == [1, 2, 3]
    assert multi.total.answered == 5 and multi.sums_over_100  # R1 chose two
    single = frequencies(
        _data(people, {"s": {r: Answer(choices=c[:1]) for r, c in choices.items()}}),
        _item("s", "single", members=None),
    )
    assert not single.multiple and not single.sums_over_100 and not single.from_columns
    assert single.options == ("A", "B", "C")  # by falling count
    assert [o.n for o in single.groups[1].options] == [0, 1, 1]
    assert frequencies(data, _item("m", "multiple", members=("m_A", "m_B"))).from_columns


# -- codes raised in open answers -------------------------------------------------------------
def _coded(groups: dict[str, str | None]) -> SurveyData:
    data = _data(groups, {})
    data.items = [_item("best", "text"), _item("worst", "text")]
    data.open_answers = {"best": {"R1", "R2", "R3", "R4"}, "worst": {"R5"}}
    data.codes = [("Benefits", 0), ("Benefits/Exams", 1), ("Costs", 0), ("Unused", 0)]
    data.raised = {
        "best": {"R1": {"Benefits", "Benefits/Exams"}, "R2": {"Benefits"}, "R3": {"Costs"}},
        "worst": {"R5": {"Costs"}},
    }
    return data


def test_code_presence_with_two_groups_uses_fisher_like_scipy() -> None:
    groups = {"R1": "mentee", "R2": "mentee", "R3": "mentor", "R4": "mentor", "R5": "mentor"}
    cp = code_presence(_coded(groups))
    assert cp.items == ("best", "worst") and cp.respondents == ("R1", "R2", "R3", "R4", "R5")
    assert cp.denominators == {None: 5, "mentee": 2, "mentor": 3}
    rows = {r.code: r for r in cp.rows}
    assert list(rows) == ["Benefits", "Benefits/Exams", "Costs"]  # "Unused" raised by nobody
    assert rows["Benefits/Exams"].name == "Exams" and rows["Benefits/Exams"].depth == 1
    costs = rows["Costs"]
    assert (costs.total.n, costs.total.denominator) == (2, 5)
    assert (costs.groups["mentee"].n, costs.groups["mentor"].n) == (0, 2)
    table = [[0, 2], [2, 1]]
    assert costs.p == pytest.approx(sps.fisher_exact(table).pvalue) and costs.reason is None
    assert cp.present["R3"] == frozenset({"Costs"}) and cp.present["R4"] == frozenset()
    only_best = code_presence(_coded(groups), ["best"])
    assert only_best.items == ("best",) and only_best.denominators[None] == 4
    assert [r.code for r in only_best.rows] == ["Benefits", "Benefits/Exams", "Costs"]
    assert only_best.rows[2].total.n == 1


def test_code_presence_with_three_groups_or_none_has_no_test() -> None:
    three = code_presence(_coded({"R1": "a", "R2": "b", "R3": "c", "R4": "a", "R5": "b"}))
    assert all(r.p is None and r.odds_ratio is None for r in three.rows)
    assert {r.reason for r in three.rows} == {"Fisher's exact test compares two groups"}
    one = code_presence(_coded({r: None for r in ("R1", "R2", "R3", "R4", "R5")}))
    assert {r.reason for r in one.rows} == {"no grouping into two groups"}
    assert one.denominators == {None: 5}


# -- the set of tables ------------------------------------------------------------------------
def test_decimals_are_checked_at_their_limits() -> None:
    for ok in [(0, 2), (1, 3)]:
        check_decimals(*ok)
    for bad, message in [
        ((2, 3), "Percentages are shown with 0 or 1 decimal."),
        ((0, 1), "p-values are shown with 2 or 3 decimals."),
        ((0, 4), "p-values are shown with 2 or 3 decimals."),
    ]:
        with pytest.raises(UserError) as err:
            check_decimals(*bad)
        assert str(err.value) == message


def _study() -> SurveyData:
    """Six respondents of two roles (R6 without a role): a Likert item, a single- and a
    multiple-choice item, an open-ended item with coded answers."""
    roles: dict[str, str | None] = {"R1": "mentee", "R2": "mentee", "R3": "mentee"}
    roles |= {"R4": "mentor", "R5": "mentor", "R6": None}
    sat = {"R1": 4.0, "R2": 5.0, "R3": 5.0, "R4": 2.0, "R5": 3.0, "R6": 1.0}
    place = {"R1": "Cafe", "R2": "Library", "R4": "Library", "R5": "Library"}
    data = SurveyData(
        items=[
            _item("id", "id"),
            _item("sat", "likert", scale_min=1, scale_max=5),
            _item("place", "single", options=("Library", "Cafe")),
            _item("why", "multiple"),
            _item("best", "text"),
        ],
        respondents=list(roles),
        group_of=roles,
        by="role",
        answers={
            "sat": {r: Answer(raw=str(v), number=v) for r, v in sat.items()},
            "place": {r: Answer(raw=v, choices=(v,)) for r, v in place.items()},
            "why": {"R1": Answer(choices=("Exam", "Social")), "R4": Answer(choices=("Exam",))},
        },
        open_answers={"best": {"R1", "R4", "R5"}},
        codes=[("Help", 0)],
        raised={"best": {"R1": {"Help"}, "R4": {"Help"}}},
        excluded={"preview": 2, "incomplete": 0},
        included_incomplete={"incomplete": 1},
    )
    return data


def test_compute_tables_counts_groups_and_keeps_what_was_left_out() -> None:
    t = compute_tables(_study(), percent_decimals=1, p_decimals=2)
    assert (t.by, t.groups, t.group_ns) == (
        "role",
        ("mentee", "mentor"),
        {"mentee": 3, "mentor": 2},
    )
    assert (t.total_n, t.ungrouped, t.percent_decimals, t.p_decimals) == (6, 1, 1, 2)
    assert [f.name for f in t.single] == ["place"] and [f.name for f in t.multiple] == ["why"]
    assert [r.name for r in t.likert] == ["sat"] and t.codes is not None
    assert t.excluded == {"preview": 2, "incomplete": 0} and t.included_incomplete == 1
    assert t.label("mentee") == "Mentees" and t.raw["sat"]["R6"].number == 1.0
    assert t.responses_note() == (
        " Responses: 1 incomplete response is included; left out: 2 preview responses."
    )
    ref = sps.mannwhitneyu([4.0, 5.0, 5.0], [2.0, 3.0], alternative="two-sided")
    assert t.likert[0].test.p == pytest.approx(ref.pvalue)
    assert t.likert_methods == [sig.MW_ASYMPTOTIC_NOTE]
    ungrouped = compute_tables(_without_grouping(_study()))
    assert ungrouped.ungrouped == 0 and ungrouped.groups == () and ungrouped.likert_methods == []
    assert ungrouped.label("2") == "2" and ungrouped.label("mentee") == "Mentees"


def _without_grouping(data: SurveyData) -> SurveyData:
    data.by, data.group_of = None, {r: None for r in data.respondents}
    return data


def test_the_responses_note_names_each_reason_in_the_singular_or_plural() -> None:
    data = _study()
    data.excluded = {"incomplete": 1, "other groups": 3}
    data.included_incomplete = {"incomplete": 2}
    t = compute_tables(data)
    assert t.responses_note() == (
        " Responses: 2 incomplete responses are included; left out: 1 incomplete response, "
        "3 respondents of other groups."
    )
    data.excluded, data.included_incomplete = {"other groups": 1}, {}
    assert compute_tables(data).responses_note() == (
        " Responses: left out: 1 respondent of other groups."
    )
    data.excluded = {"preview": 0}
    assert compute_tables(data).responses_note() == ""


def test_items_are_chosen_by_name_and_an_unknown_one_is_named() -> None:
    t = compute_tables(_study(), ["place", "sat"])
    assert [f.name for f in t.frequencies] == ["place"] and [r.name for r in t.likert] == ["sat"]
    assert t.codes is None and set(t.raw) == {"sat", "place"}
    with pytest.raises(UserError) as err:
        compute_tables(_study(), ["sat", "satisfaction"])
    assert str(err.value) == (
        "There is no survey item called 'satisfaction'; the items are: sat, place, why, best."
    )
    nobody_coded = _study()
    nobody_coded.raised = {}
    assert compute_tables(nobody_coded).codes is None  # no code raised: no codes table


def test_the_json_form_holds_every_figure_at_full_precision() -> None:
    js = compute_tables(_study(), p_decimals=3).to_json()
    assert js["by"] == "role" and js["n"] == {"total": 6, "mentee": 3, "mentor": 2}
    assert js["ungrouped"] == 1 and js["test"] == "auto"
    assert js["excluded"] == {"preview": 2, "incomplete": 0} and js["included_incomplete"] == 1
    row = js["likert"][0]
    ref = sps.mannwhitneyu([4.0, 5.0, 5.0], [2.0, 3.0], alternative="two-sided")
    assert row["test"] == "mann-whitney" and row["method"] == "asymptotic"
    assert row["p"] == pytest.approx(ref.pvalue) and row["p_text"] == f"{ref.pvalue:.3f}"
    assert row["u1"] == {"group": "mentee", "u": ref.statistic}
    assert row["u2"] == {"group": "mentor", "u": 6 - ref.statistic}
    assert row["u"] == min(ref.statistic, 6 - ref.statistic)
    assert row["effect_size"] == pytest.approx(1 - 2 * ref.statistic / 6)
    assert row["effect_size_measure"] == "rank-biserial r = 1 - 2U/(n1*n2); positive: mentor higher"
    assert row["scale"] == [1, 5] and "reason" not in row and "h" not in row
    assert row["groups"]["mentor"] == {
        "n": 2, "mean": 2.5, "sd": pytest.approx(statistics.stdev([2, 3])), "median": 2.5,
        "missing": 0, "respondents": 2,
    }  # fmt: skip
    assert row["overall"]["n"] == 6 and row["overall"]["mean"] == pytest.approx(20 / 6)
    place = js["frequencies"][0]
    assert place["item"] == "place" and not place["multiple"]
    assert place["options"] == ["Library", "Cafe"]
    assert place["overall"] == {
        "n": 4, "respondents": 6, "missing": 2,
        "options": {"Library": {"n": 3, "percent": 75.0}, "Cafe": {"n": 1, "percent": 25.0}},
    }  # fmt: skip
    assert set(place["groups"]) == {"mentee", "mentor"}
    assert place["groups"]["mentee"]["options"]["Cafe"] == {"n": 1, "percent": 50.0}
    codes = js["codes"]
    assert codes["items"] == ["best"]
    assert codes["denominators"] == {"total": 3, "mentee": 1, "mentor": 2}
    (help_row,) = codes["rows"]
    p, odds, _ = sig.fisher(CodeCount(1, 1), CodeCount(1, 2))
    assert help_row["code"] == "Help" and help_row["test"] == "fisher-exact"
    assert help_row["p"] == pytest.approx(sps.fisher_exact([[1, 0], [1, 1]]).pvalue) == p
    assert help_row["odds_ratio"] == "inf" and odds == math.inf  # a zero cell
    assert help_row["odds_ratio_kind"] == sig.ODDS_RATIO_KIND and "reason" not in help_row
    assert help_row["overall"] == {"n": 2, "percent": pytest.approx(200 / 3)}
    assert help_row["groups"]["mentor"] == {"n": 1, "percent": 50.0}
    assert codes["respondents"] == [
        {"id": "R1", "group": "mentee", "codes": ["Help"]},
        {"id": "R4", "group": "mentor", "codes": ["Help"]},
        {"id": "R5", "group": "mentor", "codes": []},
    ]


def test_the_json_form_of_three_groups_and_of_no_test() -> None:
    data = _study()
    data.group_of = {"R1": "a", "R2": "a", "R3": "b", "R4": "b", "R5": "c", "R6": "c"}
    js = compute_tables(data).to_json()
    row = js["likert"][0]
    samples = [[4.0, 5.0], [5.0, 2.0], [3.0, 1.0]]
    ref = sps.kruskal(*samples)
    assert row["test"] == "kruskal-wallis" and row["u"] is None and "u1" not in row
    assert row["h"] == pytest.approx(ref.statistic) and row["p"] == pytest.approx(ref.pvalue)
    assert row["effect_size_measure"] == "epsilon squared, H/(N-1)"
    assert "ungrouped" not in js and "included_incomplete" in js
    help_row = js["codes"]["rows"][0]
    assert help_row["test"] is None and help_row["p"] is None
    assert help_row["odds_ratio"] is None and help_row["odds_ratio_kind"] is None
    assert help_row["reason"] == "Fisher's exact test compares two groups"
    data.group_of = {r: ("a" if r in ("R1", "R2") else "b") for r in data.respondents}
    data.answers["sat"] = {r: Answer(number=3.0) for r in data.respondents}
    flat = compute_tables(data).to_json()["likert"][0]
    assert flat["reason"] == sig.NO_VARIATION and flat["p"] is None and flat["u"] is None
    assert flat["p_text"] == "n/a" and "u1" not in flat and "effect_size_measure" not in flat
    data.excluded, data.included_incomplete = {}, {}
    assert "excluded" not in compute_tables(data).to_json()
    assert "included_incomplete" not in compute_tables(data).to_json()


# -- coded open answers read from a project ---------------------------------------------------
def test_a_segment_without_a_turn_counts_for_the_answer_that_holds_it(project: Project) -> None:
    """Segments of an older project (or one coded before its turns were linked) carry no turn
    id: the answer whose span holds the segment's start raised the code, never the first
    answer, and a segment between two answers counts for nobody."""
    answers = {"R1": "Mehr Zeit mit der Mentorin.", "R2": "Klausurtipps!", "R3": "Nichts."}
    add_survey(
        project,
        {r: {"role": "mentee"} for r in answers},
        [Item("respondent_id", "id"), Item("best", "text", answers)],
    )
    with project.write() as s:
        doc = s.scalars(select(Document).where(Document.kind == "survey")).one()
        turns = {t.label: t for t in s.scalars(select(Turn).where(Turn.document_id == doc.id))}
        code, _ = ensure_path_in(s, "tester", "Nutzen/Prüfung", create=True)
        coder = project.coder_id(s)
        second, third = turns["R2"], turns["R3"]
        gap = turns["R1"].end  # the blank line between R1's and R2's answers
        for start, end in [
            (second.start + 1, second.end),
            (third.end - 1, third.end),
            (gap, gap + 1),
        ]:
            s.add(Segment(document_id=doc.id, code_id=code.id, coder_id=coder, turn_id=None,
                          start=start, end=end))  # fmt: skip
    data = load_survey(project)
    assert data.raised == {
        "best": {"R2": {"Nutzen", "Nutzen/Prüfung"}, "R3": {"Nutzen", "Nutzen/Prüfung"}}
    }
    assert data.codes == [("Nutzen", 0), ("Nutzen/Prüfung", 1)]
    assert data.open_answers == {"best": {"R1", "R2", "R3"}}


def test_respondents_sort_naturally_and_an_item_without_answers_counts_nobody() -> None:
    groups = {"R2": "a", "R10": "b", "R1": "a", "R3": "b"}
    data = _data(groups, {})
    data.items = [_item("best", "text"), _item("never", "text")]  # "never": nobody answered
    data.open_answers = {"best": {"R10", "R2", "R1", "R3"}}
    data.codes = [("Unused", 0), ("Help", 0), ("Also unused", 0), ("Time", 0)]
    data.raised = {"best": {"R10": {"Help"}, "R2": {"Time"}}}
    cp = code_presence(data)
    assert cp.respondents == ("R1", "R2", "R3", "R10")
    assert [r.code for r in cp.rows] == ["Help", "Time"]
    assert cp.rows[0].groups["b"].n == 1 and cp.rows[1].groups["a"].n == 1
    assert code_presence(data, ["never"]).rows == ()


def test_an_item_is_found_by_its_name_and_a_missing_one_is_named() -> None:
    data = _study()
    assert data.item("place").type == "single" and data.item("best").type == "text"
    with pytest.raises(UserError) as err:
        data.item("plaza")
    assert str(err.value) == "There is no survey item called 'plaza'."


def test_a_missing_option_is_named_and_numeric_groups_are_labelled() -> None:
    col = frequency_column(None, ["R1"], {"R1": Answer(choices=("A",))}, ["A"])
    with pytest.raises(KeyError) as err:
        col.count("B")
    assert err.value.args == ("B",)
    data = _study()
    data.by = "year"
    data.group_of = {r: ("2" if r in ("R1", "R2") else "10") for r in data.respondents}
    t = compute_tables(data)
    assert t.groups == ("2", "10") and [t.label(g) for g in t.groups] == ["Year 2", "Year 10"]


def test_json_numbers_are_finite_or_null() -> None:
    from qualframe.coding.analysis.survey.tables import _num

    assert _num(float("inf")) is None and _num(float("nan")) is None and _num(None) is None
    assert _num(0.0) == 0.0 and _num(-2.5) == -2.5


def test_the_chosen_test_is_used_even_where_scipy_would_choose_another() -> None:
    small, other = [1.0, 2.0, 4.0], [3.0, 5.0, 7.0]  # no ties, small: scipy's auto is exact
    for test, corrected in [("asymptotic", False), ("asymptotic-corrected", True)]:
        res = sig.mann_whitney(small, other, test)
        ref = sps.mannwhitneyu(
            small, other, alternative="two-sided", method="asymptotic", use_continuity=corrected
        )
        assert res.method == ("asymptotic" if corrected else "asymptotic-uncorrected")
        assert res.p == pytest.approx(ref.pvalue)
    big, far = [float(v) for v in range(10)], [v + 5.5 for v in range(12)]  # auto: asymptotic
    res = sig.mann_whitney(big, far, "exact")
    ref = sps.mannwhitneyu(big, far, alternative="two-sided", method="exact")
    assert res.method == "exact" and res.p == pytest.approx(ref.pvalue)
    tied = [[1.0, 2.0, 2.0], [2.0, 3.0, 4.0]]
    assert sig.compare_groups(tied, "exact").method == "permutation"
    assert sig.compare_groups(tied, "exact").p == pytest.approx(ranks_p(*tied))
    with pytest.raises(UserError) as err:
        sig.mann_whitney(small, other, "t-test")
    assert str(err.value) == (
        "'t-test' is not a test; use one of auto, exact, asymptotic, asymptotic-corrected."
    )
    flat = sig.mann_whitney([2.0, 2.0], [2.0, 2.0])
    assert (flat.test, flat.p, flat.reason) == ("mann-whitney", None, sig.NO_VARIATION)


def test_the_survey_test_setting_reaches_the_likert_comparison() -> None:
    data = _study()
    data.test = "exact"
    t = compute_tables(data)
    (row,) = t.likert
    assert row.test.method == "permutation" and t.test == "exact"
    assert row.test.p == pytest.approx(ranks_p([4.0, 5.0, 5.0], [2.0, 3.0]))
    assert t.to_json()["test"] == "exact"


def test_items_nobody_answered_have_empty_tables() -> None:
    data = _study()
    data.items += [_item("q9", "likert", scale_min=1), _item("via", "single")]
    t = compute_tables(data, ["q9", "via"])
    (q9,) = t.likert
    assert q9.total.n == 0 and q9.total.respondents == 6 and not q9.test.computed
    (via,) = t.frequencies
    assert via.total.answered == 0 and via.options == ()
    row = t.to_json()["likert"][0]
    assert "scale" not in row  # only one end of the scale is known


def test_the_tables_keep_the_items_respondents_and_decimals_they_were_given() -> None:
    data = _study()
    t = compute_tables(data)
    assert t.percent_decimals == 0 and t.p_decimals == 3
    assert t.items == tuple(data.items) and t.respondents == tuple(data.respondents)
    assert t.group_of == data.group_of and t.group_of is not data.group_of
    p = sps.mannwhitneyu([4.0, 5.0, 5.0], [2.0, 3.0], alternative="two-sided").pvalue
    assert compute_tables(data, p_decimals=2).to_json()["likert"][0]["p_text"] == f"{p:.2f}"
    assert t.to_json()["likert"][0]["p_text"] == f"{p:.3f}" != f"{p:.2f}"


def test_only_the_chosen_open_ended_items_count_for_the_codes() -> None:
    data = _study()
    data.items.append(_item("worst", "text"))
    data.open_answers["worst"] = {"R2", "R3", "R4"}
    data.codes.append(("Time", 0))
    data.raised["worst"] = {"R2": {"Time"}, "R4": {"Time"}}
    only_best = compute_tables(data, ["best"]).codes
    assert only_best is not None and [r.code for r in only_best.rows] == ["Help"]
    both = compute_tables(data).codes
    assert both is not None and [r.code for r in both.rows] == ["Help", "Time"]
    time = both.rows[1]
    # mentees R1 R2 R3 answered (R2 raised Time), mentors R4 R5 (R4 did): a finite odds ratio
    table = [[1, 2], [1, 1]]
    assert time.p == pytest.approx(sps.fisher_exact(table).pvalue)
    expected = sps.contingency.odds_ratio(table, kind="conditional").statistic
    js = compute_tables(data).to_json()["codes"]["rows"][1]
    assert js["odds_ratio"] == pytest.approx(expected) and math.isfinite(js["odds_ratio"])


def test_group_members_follow_replaced_respondents_and_groups() -> None:
    data = _data({"R1": "a", "R2": "b"}, {})
    assert data.members("a") == ["R1"] and data.members("c") == []
    data.group_of.update({"R5": "a", "R6": "a"})  # the same dict, other respondents
    data.respondents = ["R5", "R6"]
    assert data.members("a") == ["R5", "R6"]
    data.respondents = ["R3", "R4"]  # same length, other people
    data.group_of = {"R3": "a", "R4": "a"}
    assert data.members("a") == ["R3", "R4"]
    data.group_of = {"R3": "b", "R4": "a"}  # only the groups replaced
    assert data.members("a") == ["R4"] and data.members("b") == ["R3"]
