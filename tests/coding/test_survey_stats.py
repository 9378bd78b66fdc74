"""Survey statistics checked by hand and against scipy/numpy called on the raw answers."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from qualframe.coding.analysis import survey as ss
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from tests.coding.helpers import add_transcript
from tests.coding.test_survey_stats_data import Item, add_survey

# Mentors A1–A3, mentees B1–B4 (groups sort as "mentee", "mentor").
PEOPLE = {
    "A1": {"role": "mentor", "site": "north"},
    "A2": {"role": "mentor", "site": "south"},
    "A3": {"role": "mentor", "site": "east"},
    "B1": {"role": "mentee", "site": "north"},
    "B2": {"role": "mentee", "site": "south"},
    "B3": {"role": "mentee", "site": "north"},
    "B4": {"role": "mentee", "site": "south"},
}
SAT = {"B1": 4, "B2": 5, "B3": 5, "B4": None, "A1": 3, "A2": 4, "A3": 2}  # B4: blank answer
PLACE = {"B1": "Library", "B2": "Cafe", "B3": "Library", "B4": "Library"}
PLACE |= {"A1": "Online", "A2": "Library"}  # A3 skipped the item (no row)
PURPOSES = {
    "A1": ["Exam", "Career", "Social"],
    "A2": ["Career"],
    "A3": ["Career"],
    "B1": ["Exam", "Career"],
    "B2": ["Exam"],
    "B3": ["Exam", "Social"],
    "B4": ["Social"],
}
BEST = {"A1": "Passing together.", "A2": "Talking.", "B1": "Exam tips.", "B2": "Old exams."}
CODES = [
    ("best", "B1", "Benefits/Exam help"),
    ("best", "B2", "Benefits/Exam help"),
    ("best", "A1", "Benefits/Exam help"),
    ("best", "A1", "Benefits/Friendship"),
]


def survey_items(*extra: Item) -> list[Item]:
    """The small survey every test here uses (id, single, multiple, Likert, open-ended),
    with ``extra`` items before the open-ended one."""
    return [
        Item("respondent_id", "id"),
        Item("place", "single", PLACE, options=["Library", "Cafe", "Online"]),
        Item("purposes", "multiple", PURPOSES),
        Item("sat", "likert", SAT, scale=(1, 5)),
        *extra,
        Item("best", "text", BEST),
    ]


@pytest.fixture
def hand(project: Project) -> Project:
    add_survey(
        project,
        PEOPLE,
        survey_items(
            Item("sat_one", "likert", {"A1": 4, "B1": 3, "B2": 5}, scale=(1, 5)),
            Item("sat_none", "likert", {"B1": 3, "B2": 4}, scale=(1, 5)),
        ),
        codes=CODES,
    )
    return project


# -- formatting helpers ----------------------------------------------------------------------
def test_rounding_is_half_up_and_consistent() -> None:
    assert ss.fmt_percent(12.5) == "13"  # Python's round() would give 12
    assert ss.fmt_percent(100 / 3, 1) == "33.3"
    assert ss.fmt_mean(2.25) == "2.3" and ss.fmt_mean(2.35) == "2.4"
    assert ss.fmt_mean(-0.04) == "0.0"  # never "-0.0"
    assert ss.fmt_n_percent(1, 8) == "1 (13)"
    assert ss.fmt_n_percent(0, 0) == "–"
    assert ss.fmt_p(0.0004) == "< 0.001"
    assert ss.fmt_p(0.001) == "0.001"
    assert ss.fmt_p(0.0456) == "0.046"
    assert ss.fmt_p(0.0456, 2) == "0.05"
    assert ss.fmt_p(0.0046, 2) == "0.005"  # two decimals would show 0.00
    assert ss.fmt_p(None) == "n/a"
    assert ss.fmt_statistic(8.5) == "8.5" and ss.fmt_statistic(12.0) == "12"
    with pytest.raises(UserError):
        ss.fmt_p(0.5, 4)


def test_a_percentage_never_rounds_to_all_or_none_when_it_is_not() -> None:
    assert ss.fmt_n_percent(199, 200) == "199 (> 99)"  # 99.5 would round to "100"
    assert ss.fmt_n_percent(200, 200) == "200 (100)"
    assert ss.fmt_n_percent(1, 300) == "1 (< 1)"  # 0.33 would round to "0"
    assert ss.fmt_n_percent(0, 300) == "0 (0)"
    assert ss.fmt_n_percent(1999, 2000, 1) == "1999 (> 99.9)"
    assert ss.fmt_n_percent(1, 3000, 1) == "1 (< 0.1)"
    assert ss.fmt_n_percent(199, 200, 1) == "199 (99.5)"
    assert ss.fmt_percent(99.49) == "99"
    # The spreadsheet stores a number that shows the same thing.
    assert ss.percent_value(99.5) == 99.5 and ss.percent_value(12.5) == 13.0
    assert ss.percent_value(100 / 3) == 33.0 and ss.percent_value(None) is None


def test_p_at_the_threshold_and_no_negative_zero() -> None:
    assert ss.fmt_p(0.001) == "0.001" and ss.fmt_p(0.001, 2) == "0.001"
    assert ss.fmt_p(0.0005) == "< 0.001" and ss.fmt_p(0.0005, 2) == "< 0.001"
    assert ss.fmt_p(0.00099999) == "< 0.001"
    for text in (
        ss.fmt_effect(-0.001), ss.fmt_effect(-0.0), ss.fmt_mean(-0.0), ss.fmt_mean(-0.049),
        ss.fmt_percent(-0.0), ss.fmt_statistic(-0.0), ss.fmt_fixed(-0.0004, 3),
    ):  # fmt: skip
        assert not text.startswith(("-", "\u2212")), text
    assert ss.round_half_up(-0.04, 1) == 0.0 and str(ss.round_half_up(-0.04, 1)) == "0.0"


# -- the hand-worked example ----------------------------------------------------------------
def test_group_ns_come_from_the_data(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    assert t.groups == ("mentee", "mentor")
    assert t.group_ns == {"mentee": 4, "mentor": 3}
    assert t.total_n == 7 and t.ungrouped == 0


def test_likert_by_hand(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    sat = next(r for r in t.likert if r.item == "sat")
    mentee, mentor = sat.groups["mentee"], sat.groups["mentor"]
    # mentees 4, 5, 5 (B4 blank): mean 14/3 = 4.667; deviations -2/3, 1/3, 1/3,
    # squares 4/9 + 1/9 + 1/9 = 6/9, / (3 - 1) = 1/3, SD = sqrt(1/3) = 0.577; median 5
    assert (mentee.n, mentee.missing, mentee.respondents) == (3, 1, 4)
    assert mentee.mean == pytest.approx(14 / 3)
    assert mentee.sd == pytest.approx(math.sqrt(1 / 3))
    assert mentee.median == 5
    assert ss.fmt_mean_sd(mentee) == "4.7 ± 0.6"
    # mentors 3, 4, 2: mean 3; deviations 0, 1, -1 -> 2 / 2 = 1, SD 1; median 3
    assert (mentor.n, mentor.missing, mentor.mean, mentor.sd, mentor.median) == (3, 0, 3, 1, 3)
    assert ss.fmt_mean_sd(mentor) == "3.0 ± 1.0"
    # U1 for mentees (x) against mentors (y): x=4 beats 3 and 2, ties 4 -> 2.5;
    # each 5 beats all three -> 3 + 3; U1 = 8.5 of n1*n2 = 9, U2 = 0.5; U = min = 0.5 (SPSS)
    test = sat.test
    assert test.test == "mann-whitney" and (test.u1, test.u2, test.statistic) == (8.5, 0.5, 0.5)
    # r = 1 - 2*8.5/9 = -8/9: negative, so the first group (mentees) answers higher
    assert test.effect_size == pytest.approx(-8 / 9)
    # ties (two 4s, two 5s) -> normal approximation. Pooled ranks: 2->1, 3->2, 4,4->3.5,
    # 5,5->5.5. mean U = 9/2 = 4.5; tie term sum(t^3 - t) = 6 + 6 = 12;
    # var = n1*n2/12 * ((n+1) - 12/(n(n-1))) = 0.75 * (7 - 12/30) = 4.95;
    # z = (8.5 - 4.5 - 0.5 continuity) / sqrt(4.95) = 1.5731; p = erfc(z/sqrt 2) = 0.1157
    assert test.method == "asymptotic"
    z = (8.5 - 4.5 - 0.5) / math.sqrt(4.95)
    assert test.p == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert test.p == pytest.approx(0.1157, abs=5e-4)
    assert ss.fmt_p(test.p) == "0.116"


def test_exact_method_by_hand() -> None:
    # no ties, groups of 3 and 4 (<= 8): exact. U1 = 0 (every x below every y);
    # P(U <= 0) = 1 / C(7, 3) = 1/35, two-sided p = 2/35 = 0.0571; r = 1 - 0 = 1
    res = ss.mann_whitney([1, 2, 3], [4, 5, 6, 7])
    assert (res.method, res.statistic) == ("exact", 0)
    assert res.p == pytest.approx(2 / 35)
    assert res.effect_size == 1


@pytest.mark.parametrize(
    ("x", "y", "method"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], list(range(9, 20)), "exact"),  # smaller group 8, no ties
        (list(range(9)), list(range(10, 19)), "asymptotic"),  # both 9: large
        ([1, 2, 2], [3, 4, 5], "asymptotic"),  # ties
        ([1.5, 2.5, 9.0], [3.0, 4.0, 5.0, 7.0, 8.0], "exact"),
    ],
)
def test_method_selection_matches_scipy_auto(x: list[float], y: list[float], method: str) -> None:
    res = ss.mann_whitney(x, y)
    assert res.method == method
    auto = sps.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    forced = sps.mannwhitneyu(x, y, alternative="two-sided", method=method)
    assert res.statistic == auto.statistic == forced.statistic
    assert res.p == pytest.approx(auto.pvalue) and res.p == pytest.approx(forced.pvalue)


def test_group_of_one_and_empty_group(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    one = next(r for r in t.likert if r.item == "sat_one")
    assert one.groups["mentor"].n == 1 and one.groups["mentor"].sd is None
    assert ss.fmt_mean_sd(one.groups["mentor"]) == "4.0 (n = 1)"
    assert one.test.p is None and "fewer than 2" in (one.test.reason or "")
    none = next(r for r in t.likert if r.item == "sat_none")
    assert none.groups["mentor"].n == 0 and none.groups["mentor"].mean is None
    assert ss.fmt_mean_sd(none.groups["mentor"]) == "–"
    assert none.test.p is None
    js = t.to_json()
    row = next(r for r in js["likert"] if r["item"] == "sat_one")
    assert row["p"] is None and row["u"] is None and row["reason"]
    assert row["p_text"] == "n/a"


def test_kruskal_wallis_for_three_groups_and_its_group_of_one(hand: Project) -> None:
    t = ss.survey_tables(hand, by="site")
    assert t.group_ns == {"east": 1, "north": 3, "south": 3}
    sat = next(r for r in t.likert if r.item == "sat")
    assert sat.test.test == "kruskal-wallis" and sat.test.p is None  # east has one answer
    res = ss.kruskal_wallis([[1, 2, 2, 3], [3, 4, 5], [5, 5, 6, 7]])
    ref = sps.kruskal([1, 2, 2, 3], [3, 4, 5], [5, 5, 6, 7])
    assert res.statistic == pytest.approx(ref.statistic) and res.p == pytest.approx(ref.pvalue)
    assert res.effect_size == pytest.approx(ref.statistic / (11 - 1))
    assert ss.kruskal_wallis([[3, 3], [3, 3], [3, 3]]).reason == "the answers do not vary"


def test_single_choice_denominator_excludes_who_skipped(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    place = next(f for f in t.frequencies if f.item == "place")
    assert place.options == ("Library", "Cafe", "Online")  # the given order
    assert not place.multiple and not place.sums_over_100
    # Total: 6 of 7 answered (A3 skipped): Library 4/6 = 66.7 -> 67, Cafe 1/6 = 16.7 -> 17
    assert (place.total.respondents, place.total.answered, place.total.missing) == (7, 6, 1)
    assert ss.fmt_n_percent(place.total.count("Library").n, 6) == "4 (67)"
    assert place.total.count("Cafe").percent == pytest.approx(100 / 6)
    mentee, mentor = place.groups
    # mentees 4 of 4: Library 3 -> 75 %, Cafe 1 -> 25 %, Online 0 -> 0 %
    assert [(o.n, o.percent) for o in mentee.options] == [(3, 75.0), (1, 25.0), (0, 0.0)]
    # mentors: 2 of 3 answered -> denominator 2: Library 1 -> 50 %, Online 1 -> 50 %
    assert (mentor.respondents, mentor.answered, mentor.missing) == (3, 2, 1)
    assert [(o.n, o.percent) for o in mentor.options] == [(1, 50.0), (0, 0.0), (1, 50.0)]


def test_multiple_choice_sums_over_100(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    f = next(f for f in t.frequencies if f.item == "purposes")
    assert f.multiple and f.sums_over_100
    # no given order: by overall count (Exam 4, Career 4, Social 3), ties by first seen (A1)
    assert f.options == ("Exam", "Career", "Social")
    # Total 7: 4/7 = 57.1 -> 57, 4/7 -> 57, 3/7 = 42.9 -> 43; 11 mentions = 157 %
    assert [ss.fmt_percent(o.percent) for o in f.total.options] == ["57", "57", "43"]
    assert sum(o.n for o in f.total.options) == 11
    mentee, mentor = f.groups
    # mentees (4): Exam 3 -> 75, Career 1 -> 25, Social 2 -> 50
    assert [o.n for o in mentee.options] == [3, 1, 2] and mentee.answered == 4
    # mentors (3): Exam 1 -> 33, Career 3 -> 100, Social 1 -> 33
    assert [ss.fmt_percent(o.percent) for o in mentor.options] == ["33", "100", "33"]
    assert [ss.fmt_percent(o.percent, 1) for o in mentor.options] == ["33.3", "100.0", "33.3"]


def test_code_presence_and_fisher_by_hand(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role")
    c = t.codes
    assert c is not None
    assert c.respondents == ("A1", "A2", "B1", "B2")  # B3, B4 gave no open answer
    assert c.denominators == {None: 4, "mentee": 2, "mentor": 2}
    rows = {r.code: r for r in c.rows}
    assert list(rows) == ["Benefits", "Benefits/Exam help", "Benefits/Friendship"]
    exam = rows["Benefits/Exam help"]
    assert (exam.groups["mentee"].n, exam.groups["mentor"].n, exam.total.n) == (2, 1, 3)
    # [[2, 0], [1, 1]]: margins 2, 2 / 3, 1; P(a=2) = C(3,2)C(1,0)/C(4,2) = 3/6,
    # P(a=1) = C(3,1)C(1,1)/6 = 3/6; both <= P(observed) -> two-sided p = 1
    assert exam.p == pytest.approx(1.0)
    assert rows["Benefits"].total.n == 3  # a parent counts its sub-codes, once per respondent
    assert c.present["A1"] == {"Benefits", "Benefits/Exam help", "Benefits/Friendship"}
    assert c.present["A2"] == frozenset()


def test_json_shape(hand: Project) -> None:
    js = ss.survey_tables(hand, by="role").to_json()
    sat = next(r for r in js["likert"] if r["item"] == "sat")
    assert set(sat) >= {"item", "groups", "u", "p", "method", "effect_size"}
    assert set(sat["groups"]["mentor"]) >= {"n", "mean", "sd", "median"}
    assert sat["u"] == 0.5 and sat["method"] == "asymptotic"
    assert sat["u1"] == {"group": "mentee", "u": 8.5} and sat["u2"] == {"group": "mentor", "u": 0.5}
    place = next(r for r in js["frequencies"] if r["item"] == "place")
    assert place["multiple"] is False
    assert place["groups"]["mentor"]["n"] == 2
    assert place["groups"]["mentor"]["options"]["Online"] == {"n": 1, "percent": 50.0}
    assert list(place["groups"]["mentee"]["options"]) == ["Library", "Cafe", "Online"]
    assert js["codes"]["rows"][1]["code"] == "Benefits/Exam help"


def test_without_grouping_only_totals(hand: Project) -> None:
    t = ss.survey_tables(hand)
    assert t.groups == () and t.total_n == 7
    sat = next(r for r in t.likert if r.item == "sat")
    assert sat.total.n == 6 and sat.test.p is None


def test_items_filter_and_unknown_names(hand: Project) -> None:
    t = ss.survey_tables(hand, by="role", items=["sat"])
    assert [r.item for r in t.likert] == ["sat"] and t.frequencies == () and t.codes is None
    with pytest.raises(UserError, match=r"no survey item called 'nope'.*place, purposes, sat"):
        ss.survey_tables(hand, items=["nope"])
    with pytest.raises(UserError, match=r"no attribute called 'cohort'.*role, site"):
        ss.survey_tables(hand, by="cohort")
    assert ss.survey_tables(hand, by="ROLE").by == "role"  # case-insensitive


def test_no_survey_is_a_clear_error(project: Project) -> None:
    add_transcript(project, "fgi", [("M1", "Hello."), ("E1", "Hi.")])
    with pytest.raises(UserError, match="has no survey answers"):
        ss.survey_tables(project)


def test_transcript_speakers_are_not_respondents(hand: Project) -> None:
    add_transcript(hand, "fgi", [("M1", "Hello."), ("E1", "Hi.")], roles={"M1": "mentor"})
    t = ss.survey_tables(hand, by="role")
    assert t.group_ns == {"mentee": 4, "mentor": 3}


def test_respondent_without_group_value_counts_in_total_only(hand: Project) -> None:
    add_survey(hand, {"Z9": {}}, [Item("extra", "likert", {"Z9": 1}, scale=(1, 5))])
    t = ss.survey_tables(hand, by="role")
    assert t.total_n == 8 and t.ungrouped == 1 and sum(t.group_ns.values()) == 7


# -- against scipy / numpy on a larger data set ---------------------------------------------
def test_every_figure_against_scipy_and_numpy(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 23
    people = {f"R{i:02d}": {"role": "mentor" if i % 3 == 0 else "mentee"} for i in range(n)}
    likert_items = {}
    for k in range(4):
        answers: dict[str, float | None] = {}
        for rid in people:
            if rng.random() < 0.1:
                continue  # skipped
            answers[rid] = float(rng.integers(1, 6))
        likert_items[f"q{k}"] = answers
    opts = ["a", "b", "c", "d"]
    multi = {
        rid: [o for o in opts if rng.random() < 0.5] or ["a"]
        for rid in people
        if rng.random() < 0.9
    }
    project = Project.create(tmp_path / "big.qualframe", coder="tester")
    try:
        add_survey(
            project,
            people,
            [Item(name, "likert", ans, scale=(1, 5)) for name, ans in likert_items.items()]
            + [Item("m", "multiple", multi, options=opts)],
        )
        t = ss.survey_tables(project, by="role")
        js = t.to_json()
    finally:
        project.close()
    role = {rid: a["role"] for rid, a in people.items()}
    for row in js["likert"]:
        raw = likert_items[row["item"]]
        x = [v for r, v in raw.items() if v is not None and role[r] == "mentee"]
        y = [v for r, v in raw.items() if v is not None and role[r] == "mentor"]
        for g, vals in (("mentee", x), ("mentor", y)):
            d = row["groups"][g]
            assert d["n"] == len(vals)
            assert d["mean"] == pytest.approx(np.mean(vals))
            assert d["sd"] == pytest.approx(np.std(vals, ddof=1))
            assert d["median"] == pytest.approx(np.median(vals))
            assert d["missing"] == sum(1 for r in people if role[r] == g) - len(vals)
        ref = sps.mannwhitneyu(x, y, alternative="two-sided", method="auto")
        u_min = min(ref.statistic, len(x) * len(y) - ref.statistic)
        assert row["u"] == u_min and row["u1"]["u"] == ref.statistic
        assert row["p"] == pytest.approx(ref.pvalue)
        assert row["effect_size"] == pytest.approx(1 - 2 * ref.statistic / (len(x) * len(y)))
        assert row["method"] == "asymptotic"  # five-point answers always tie here
    row = js["frequencies"][0]
    for g in ("mentee", "mentor"):
        answered = [r for r in multi if role[r] == g]
        assert row["groups"][g]["n"] == len(answered)
        for o in opts:
            k = sum(1 for r in answered if o in multi[r])
            assert row["groups"][g]["options"][o]["n"] == k
            assert row["groups"][g]["options"][o]["percent"] == pytest.approx(
                100 * k / len(answered)
            )
    assert statistics.fmean([1.0, 2.0]) == 1.5  # the module's own mean helper is stdlib


def test_fisher_against_scipy() -> None:
    a, b = ss.CodeCount(7, 9), ss.CodeCount(2, 11)
    p, odds, reason = ss.fisher(a, b)
    ref = sps.fisher_exact([[7, 2], [2, 9]])
    assert p == pytest.approx(ref.pvalue)
    # the odds ratio is R's conditional MLE, not scipy's sample ratio (7·9)/(2·2) = 15.75:
    # the psi whose noncentral hypergeometric mean of the first cell equals 7
    assert ref.statistic == 15.75 and odds != pytest.approx(15.75)
    mean = sps.nchypergeom_fisher(20, 9, 9, odds).mean()  # M = 20, n = 9 raised, N = 9 in a
    assert mean == pytest.approx(7, abs=1e-6)
    assert reason is None
    assert ss.fisher(ss.CodeCount(0, 0), b)[2] == "a group has no open-ended answers"
