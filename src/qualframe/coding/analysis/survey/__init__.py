"""Survey tables computed from the data: frequencies, Likert group comparison, coded themes.

Everything a table shows is computed here from the stored answers (group Ns, denominators,
percentages, means, tests), so a header N can never contradict the rows below it. The
writers (Word, Excel, JSON, the GUI) only format what this module returns, and they all format
through the same rounding helpers (:func:`fmt_mean`, :func:`fmt_percent`, :func:`fmt_p` …).

Statistical choices (stated once, used everywhere):

* **Respondents** are the non-interviewer participants with at least one closed answer or one
  open-ended answer. A group's N is the number of respondents with that value of the grouping
  attribute; respondents without a value count in the Total only.
* **Frequencies**: the denominator of an item is the number of respondents (in the column)
  who answered it; respondents who skipped it are counted as missing and reported. With
  several answers allowed the percentages may sum to more than 100 %.
* **Likert items** per group: n, mean, sample SD (ddof = 1; undefined for n < 2), median,
  missing count. Missing answers are excluded per item.
* **Two groups**: two-sided Mann–Whitney U (``scipy.stats.mannwhitneyu``). The method follows
  scipy's own ``auto`` rule, chosen here explicitly and reported: *exact* when there are no
  ties and the smaller group has at most 8 answers, otherwise the *asymptotic* normal
  approximation with tie correction (and scipy's default continuity correction). U is the
  statistic of the first group in the table (scipy's U1). Effect size: rank-biserial
  correlation r = 1 − 2·U1/(n1·n2) = P(second > first) − P(first > second); r > 0 means
  the second group tends to answer higher.
* **More than two groups**: Kruskal–Wallis H (chi-square approximation, tie-corrected), with
  ε² = H/(N − 1) as effect size.
* A test needs at least 2 answers in every group; otherwise it is not computed and the reason
  is given. No p-value is adjusted for multiple comparisons.
* **Coded open-ended answers**: a respondent "raises" a code when at least one segment of the
  code or of one of its sub-codes lies in one of their answers; the denominator is the
  respondents with at least one open-ended answer. Two groups are compared per code with a
  two-sided Fisher's exact test on the 2 × 2 table (group × raised / not raised).
* **Rounding** is half-up on the decimal value: means, SDs and medians to 1 decimal,
  percentages to whole numbers (or 1 decimal when asked), p to 3 decimals (or 2, then 3 below
  0.01) and "< 0.001" below 0.001 (p = 0.001 itself is "0.001"). A percentage never rounds
  to all or nothing when it is not: 199 of 200 is "> 99", 1 of 300 is "< 1" (with one
  decimal: "> 99.9", "< 0.1"). No figure is ever shown as "-0.0".

Rooms: ``load`` reads the project (the only SQL); ``data`` holds the plain data it returns;
``frequencies``, ``likert``, ``codes`` and ``significance`` compute from that data alone
(their tests need no database); ``tables`` assembles every table with their JSON form. Rounding lives in :mod:`coding.analysis.formatting`.
"""

from __future__ import annotations

from qualframe.coding.analysis.formatting import (
    NA,
    fmt_effect,
    fmt_fixed,
    fmt_mean,
    fmt_n_percent,
    fmt_p,
    fmt_percent,
    fmt_statistic,
    natural_key,
    percent,
    percent_value,
    round_half_up,
)
from qualframe.coding.analysis.survey.codes import CodePresence, CodeRow, code_presence
from qualframe.coding.analysis.survey.data import (
    CHOICE_TYPES,
    TABLE_TYPES,
    Answer,
    CodeCount,
    ItemInfo,
    SurveyData,
)
from qualframe.coding.analysis.survey.frequencies import (
    FrequencyColumn,
    FrequencyResult,
    OptionCount,
    frequencies,
    frequency_column,
    option_order,
)
from qualframe.coding.analysis.survey.likert import (
    Descriptives,
    LikertResult,
    describe,
    fmt_mean_sd,
    likert,
)
from qualframe.coding.analysis.survey.load import (
    PREFERRED_GROUPS,
    default_group,
    load_survey,
    survey_tables,
)
from qualframe.coding.analysis.survey.significance import (
    EXACT_MAX_N,
    KW_NOTE,
    MIN_TEST_N,
    MW_ASYMPTOTIC_NOTE,
    MW_EXACT_NOTE,
    GroupTest,
    compare_groups,
    fisher,
    kruskal_wallis,
    mann_whitney,
    test_note,
)
from qualframe.coding.analysis.survey.tables import SurveyTables, check_decimals, compute_tables

__all__ = [
    "CHOICE_TYPES", "EXACT_MAX_N", "KW_NOTE", "MIN_TEST_N", "MW_ASYMPTOTIC_NOTE",
    "MW_EXACT_NOTE", "NA", "PREFERRED_GROUPS", "TABLE_TYPES", "Answer", "CodeCount",
    "CodePresence", "CodeRow", "Descriptives", "FrequencyColumn", "FrequencyResult",
    "GroupTest", "ItemInfo", "LikertResult", "OptionCount", "SurveyData", "SurveyTables",
    "check_decimals", "code_presence", "compare_groups", "compute_tables", "default_group",
    "describe", "fisher", "fmt_effect", "fmt_fixed", "fmt_mean", "fmt_mean_sd",
    "fmt_n_percent", "fmt_p", "fmt_percent", "fmt_statistic", "frequencies",
    "frequency_column", "kruskal_wallis", "likert", "load_survey", "mann_whitney",
    "natural_key", "option_order", "percent", "percent_value", "round_half_up",
    "survey_tables", "test_note",
]  # fmt: skip
