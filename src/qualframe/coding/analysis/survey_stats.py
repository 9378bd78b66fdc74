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
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from qualframe.coding.analysis.formatting import (
    NA,
    fmt_fixed,
    fmt_percent,
    group_label,
    natural_key,
    round_half_up,
)
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Document,
    Participant,
    Segment,
    SurveyAnswer,
    SurveyItem,
    Turn,
)

CHOICE_TYPES = ("single", "multiple")
TABLE_TYPES = ("likert", "single", "multiple", "text")
EXACT_MAX_N = 8  # scipy's rule: exact when the smaller group has at most 8 answers, no ties
MIN_TEST_N = 2

MW_EXACT_NOTE = "two-sided Mann–Whitney U test, exact distribution (no ties, smaller group ≤ 8)"
MW_ASYMPTOTIC_NOTE = (
    "two-sided Mann–Whitney U test, normal approximation with tie and continuity correction"
)
KW_NOTE = "Kruskal–Wallis H test, chi-square approximation with tie correction"


# -- rounding and formatting (used by every output) ----------------------------------------
def fmt_mean(value: float | None) -> str:
    """Means, SDs and medians: one decimal."""
    return fmt_fixed(value, 1)


def percent(n: int, denominator: int) -> float | None:
    return 100.0 * n / denominator if denominator else None


def percent_value(value: float | None, decimals: int = 0) -> float | None:
    """The number a spreadsheet cell stores for a percentage: rounded like
    :func:`fmt_percent`, with two more decimals where that shows ``> 99`` or ``< 1``."""
    if value is None or not math.isfinite(value):
        return None
    text = fmt_percent(value, decimals)
    if text.startswith(("<", ">")):
        return round_half_up(value, decimals + 2)
    return round_half_up(value, decimals)


def fmt_n_percent(n: int, denominator: int, decimals: int = 0) -> str:
    """``n (%)`` of ``denominator``, e.g. ``5 (45)``; ``0`` alone when nobody answered."""
    pct = percent(n, denominator)
    if pct is None:
        return "–"
    return f"{n} ({fmt_percent(pct, decimals)})"


def fmt_p(p: float | None, decimals: int = 3) -> str:
    """p to 3 decimals (or 2; then 3 below 0.01), and ``< 0.001`` below 0.001."""
    if decimals not in (2, 3):
        raise UserError("p-values are shown with 2 or 3 decimals.")
    if p is None or not math.isfinite(p):
        return NA
    if p < 0.001:
        return "< 0.001"
    if decimals == 2 and p < 0.01:
        decimals = 3
    return fmt_fixed(p, decimals)


def fmt_statistic(value: float | None, decimals: int = 1) -> str:
    """U (whole, or .5 with ties) and H."""
    if value is None or not math.isfinite(value):
        return NA
    if float(value).is_integer():
        return str(int(value))
    return fmt_fixed(value, decimals)


def fmt_effect(value: float | None) -> str:
    """Effect sizes to 2 decimals, with a true minus sign (−0.49)."""
    return fmt_fixed(value, 2).replace("-", "\u2212")


def fmt_mean_sd(d: Descriptives) -> str:
    """``mean ± SD``; ``mean (n = 1)`` for a single answer; ``–`` for none."""
    if d.n == 0 or d.mean is None:
        return "–"
    if d.sd is None:
        return f"{fmt_mean(d.mean)} (n = {d.n})"
    return f"{fmt_mean(d.mean)} ± {fmt_mean(d.sd)}"


# -- data as read from the project ---------------------------------------------------------
@dataclass(frozen=True)
class ItemInfo:
    name: str
    type: str
    position: int
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[str, ...] | None = None
    answered: int = 0
    source_filename: str | None = None


@dataclass(frozen=True)
class Answer:
    raw: str | None = None
    number: float | None = None
    choices: tuple[str, ...] = ()


@dataclass
class SurveyData:
    """Plain data read from a project (no ORM objects)."""

    items: list[ItemInfo]
    respondents: list[str]  # pseudonyms, natural order
    group_of: dict[str, str | None]  # respondent -> value of the grouping attribute
    by: str | None = None
    answers: dict[str, dict[str, Answer]] = field(default_factory=dict)  # item -> resp -> ans
    open_answers: dict[str, set[str]] = field(default_factory=dict)  # text item -> respondents
    codes: list[tuple[str, int]] = field(default_factory=list)  # (code path, depth) in order
    raised: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # item -> resp -> codes

    @property
    def groups(self) -> list[str]:
        values = {g for g in self.group_of.values() if g is not None}
        return sorted(values, key=natural_key)

    def members(self, group: str | None) -> list[str]:
        """Respondents of ``group`` (None: everybody)."""
        if group is None:
            return list(self.respondents)
        return [r for r in self.respondents if self.group_of.get(r) == group]

    def item(self, name: str) -> ItemInfo:
        for it in self.items:
            if it.name == name:
                return it
        raise UserError(f"There is no survey item called {name!r}.")


def _is_missing(item_type: str, a: SurveyAnswer) -> bool:
    if item_type in CHOICE_TYPES:
        return not a.choices
    if item_type in ("likert", "number"):
        return a.number is None or not math.isfinite(a.number)
    return a.raw is None or not a.raw.strip()


def load_survey(project: Project, by: str | None = None, *, real_names: bool = False) -> SurveyData:
    """Read the survey (items, respondents, answers, coded open answers) in one transaction.

    Participants' real names in the answers' text are replaced by their pseudonyms (see
    :mod:`coding.privacy`) unless ``real_names``, so no table or sheet can carry them."""
    with project.read() as s:
        mask = name_masker(s, real_names)
        items_orm = list(s.scalars(select(SurveyItem).order_by(SurveyItem.position, SurveyItem.id)))
        people = {
            p.id: p.pseudonym
            for p in s.scalars(select(Participant).where(Participant.is_interviewer.is_(False)))
        }
        item_by_id = {it.id: it for it in items_orm}
        answers: dict[str, dict[str, Answer]] = {it.name: {} for it in items_orm}
        respondents: set[str] = set()
        for a in s.scalars(select(SurveyAnswer)):
            it = item_by_id.get(a.item_id)
            who = people.get(a.participant_id)
            if it is None or who is None:
                continue
            respondents.add(who)
            if _is_missing(it.type, a):
                continue
            answers[it.name][who] = Answer(
                raw=mask(a.raw) if a.raw is not None else None,
                number=float(a.number) if a.number is not None else None,
                choices=tuple(mask(str(c)) for c in (a.choices or [])),
            )
        # open-ended answers: survey turns
        turns = s.execute(
            select(Turn.id, Turn.document_id, Turn.participant_id, Turn.survey_item_id,
                   Turn.start, Turn.end)
            .join(Document, Document.id == Turn.document_id)
            .where(Document.kind == "survey", Turn.survey_item_id.is_not(None))
        ).all()  # fmt: skip
        open_answers: dict[str, set[str]] = defaultdict(set)
        turn_owner: dict[int, tuple[str, str]] = {}
        turns_by_doc: dict[int, list[Any]] = defaultdict(list)
        for t in turns:
            it = item_by_id.get(t.survey_item_id)
            who = people.get(t.participant_id) if t.participant_id is not None else None
            if it is None or who is None or t.end <= t.start:
                continue
            respondents.add(who)
            open_answers[it.name].add(who)
            turn_owner[t.id] = (it.name, who)
            turns_by_doc[t.document_id].append(t)
        # coded segments on those answers (code and its ancestors count as raised)
        tree = load_tree(s)
        by_id = {c.id: c for c in tree}
        by_guid = {c.guid: c for c in tree}
        raised: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        used: set[str] = set()
        segs = s.execute(
            select(Segment.code_id, Segment.turn_id, Segment.document_id, Segment.start)
            .join(Document, Document.id == Segment.document_id)
            .where(Document.kind == "survey")
        ).all()
        for seg in segs:
            owner = turn_owner.get(seg.turn_id) if seg.turn_id is not None else None
            if owner is None:  # fall back to the turn that contains the segment
                for t in turns_by_doc.get(seg.document_id, []):
                    if t.start <= seg.start < t.end and t.id in turn_owner:
                        owner = turn_owner[t.id]
                        break
            code = by_id.get(seg.code_id)
            if owner is None or code is None:
                continue
            item_name, who = owner
            node: Any = code
            while node is not None:
                raised[item_name][who].add(node.path_text)
                used.add(node.path_text)
                node = by_guid.get(node.parent_guid) if node.parent_guid else None
        codes = [(c.path_text, c.depth) for c in tree if c.path_text in used]
        # grouping attribute
        group_of: dict[str, str | None] = {r: None for r in respondents}
        if by is not None:
            names = list(s.scalars(select(Attribute.name).order_by(Attribute.position)))
            match = [n for n in names if n.casefold() == by.strip().casefold()]
            if not match:
                listed = ", ".join(names) if names else "none"
                raise UserError(
                    f"There is no attribute called {by!r}; the attributes are: {listed}."
                )
            by = match[0]
            rows = s.execute(
                select(AttributeValue.participant_id, AttributeValue.value)
                .join(Attribute, Attribute.id == AttributeValue.attribute_id)
                .where(Attribute.name == by)
            ).all()
            for pid, value in rows:
                who = people.get(pid)
                if who in group_of and value is not None and str(value).strip():
                    group_of[who] = str(value).strip()
        infos = []
        for it in items_orm:
            answered = (
                len(open_answers.get(it.name, ())) if it.type == "text" else len(answers[it.name])
            )
            infos.append(
                ItemInfo(
                    name=it.name, type=it.type, position=it.position, scale_min=it.scale_min,
                    scale_max=it.scale_max,
                    options=tuple(mask(str(o)) for o in it.options) if it.options else None,
                    answered=answered, source_filename=it.source_filename,
                )
            )  # fmt: skip
    return SurveyData(
        items=infos,
        respondents=sorted(respondents, key=natural_key),
        group_of=group_of,
        by=by,
        answers=answers,
        open_answers={k: set(v) for k, v in open_answers.items()},
        codes=codes,
        raised={k: {w: set(c) for w, c in v.items()} for k, v in raised.items()},
    )


# -- frequencies -------------------------------------------------------------------------
@dataclass(frozen=True)
class OptionCount:
    option: str
    n: int
    percent: float | None


@dataclass(frozen=True)
class FrequencyColumn:
    group: str | None  # None: Total
    respondents: int  # the column's N (header)
    answered: int  # the denominator
    options: tuple[OptionCount, ...]

    @property
    def missing(self) -> int:
        return self.respondents - self.answered

    def count(self, option: str) -> OptionCount:
        for oc in self.options:
            if oc.option == option:
                return oc
        raise KeyError(option)


@dataclass(frozen=True)
class FrequencyResult:
    item: str
    multiple: bool
    options: tuple[str, ...]
    total: FrequencyColumn
    groups: tuple[FrequencyColumn, ...]

    @property
    def columns(self) -> tuple[FrequencyColumn, ...]:
        return (self.total, *self.groups)

    @property
    def sums_over_100(self) -> bool:
        return any(c.answered and sum(o.n for o in c.options) > c.answered for c in self.columns)


def option_order(given: Sequence[str] | None, answers: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The given option order, then any other chosen option by falling count, first seen."""
    counts: dict[str, int] = {}
    for choices in answers:
        for c in dict.fromkeys(choices):
            counts[c] = counts.get(c, 0) + 1
    order = list(dict.fromkeys(given or ()))
    extra = [c for c in counts if c not in order]
    first = {c: i for i, c in enumerate(counts)}
    extra.sort(key=lambda c: (-counts[c], first[c]))
    return tuple(order + extra)


def frequency_column(
    group: str | None,
    members: Sequence[str],
    answers: Mapping[str, Answer],
    options: Sequence[str],
) -> FrequencyColumn:
    answered = [answers[m].choices for m in members if m in answers and answers[m].choices]
    denom = len(answered)
    counts = {o: 0 for o in options}
    for choices in answered:
        for c in dict.fromkeys(choices):  # one respondent counts once per option
            if c in counts:
                counts[c] += 1
    return FrequencyColumn(
        group=group,
        respondents=len(members),
        answered=denom,
        options=tuple(OptionCount(o, counts[o], percent(counts[o], denom)) for o in options),
    )


def frequencies(data: SurveyData, item: ItemInfo) -> FrequencyResult:
    answers = data.answers.get(item.name, {})
    options = option_order(
        item.options, (answers[r].choices for r in data.respondents if r in answers)
    )
    total = frequency_column(None, data.members(None), answers, options)
    groups = tuple(frequency_column(g, data.members(g), answers, options) for g in data.groups)
    return FrequencyResult(item.name, item.type == "multiple", options, total, groups)


# -- Likert --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Descriptives:
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    missing: int
    respondents: int


def describe(values: Sequence[float], respondents: int) -> Descriptives:
    n = len(values)
    mean = statistics.fmean(values) if n else None
    sd = statistics.stdev(values) if n >= 2 else None
    median = float(statistics.median(values)) if n else None
    return Descriptives(n, mean, sd, median, respondents - n, respondents)


@dataclass(frozen=True)
class GroupTest:
    test: str | None  # "mann-whitney" | "kruskal-wallis" | None
    statistic: float | None = None  # U1 or H
    p: float | None = None
    method: str | None = None  # "exact" | "asymptotic" | "chi-square"
    effect_size: float | None = None
    reason: str | None = None  # why no test was computed

    @property
    def computed(self) -> bool:
        return self.p is not None


def mann_whitney(x: Sequence[float], y: Sequence[float]) -> GroupTest:
    """Two-sided Mann–Whitney U for two groups, method chosen as scipy's ``auto`` would.

    Returns U1 (the statistic of ``x``), p, the method used and the rank-biserial
    correlation r = 1 − 2·U1/(n1·n2) (r > 0: ``y`` tends to be higher).
    """
    from scipy.stats import mannwhitneyu

    n1, n2 = len(x), len(y)
    if min(n1, n2) < MIN_TEST_N:
        return GroupTest("mann-whitney", reason=f"a group has fewer than {MIN_TEST_N} answers")
    ties = len(set(x) | set(y)) < n1 + n2
    method = "exact" if not ties and min(n1, n2) <= EXACT_MAX_N else "asymptotic"
    res = mannwhitneyu(list(x), list(y), alternative="two-sided", method=method)
    u1, p = float(res.statistic), float(res.pvalue)
    if not math.isfinite(p):
        return GroupTest("mann-whitney", reason="the answers do not vary")
    return GroupTest("mann-whitney", u1, p, method, 1.0 - 2.0 * u1 / (n1 * n2))


def kruskal_wallis(samples: Sequence[Sequence[float]]) -> GroupTest:
    """Kruskal–Wallis H for three or more groups (tie-corrected chi-square), with ε²."""
    from scipy.stats import kruskal

    if min(len(s) for s in samples) < MIN_TEST_N:
        return GroupTest("kruskal-wallis", reason=f"a group has fewer than {MIN_TEST_N} answers")
    if len({v for s in samples for v in s}) < 2:
        return GroupTest("kruskal-wallis", reason="the answers do not vary")
    res = kruskal(*[list(s) for s in samples])
    h, p = float(res.statistic), float(res.pvalue)
    n = sum(len(s) for s in samples)
    return GroupTest("kruskal-wallis", h, p, "chi-square", h / (n - 1))


def compare_groups(samples: Sequence[Sequence[float]]) -> GroupTest:
    if len(samples) < 2:
        return GroupTest(None, reason="no grouping into two or more groups")
    if len(samples) == 2:
        return mann_whitney(samples[0], samples[1])
    return kruskal_wallis(samples)


@dataclass(frozen=True)
class LikertResult:
    item: str
    scale_min: int | None
    scale_max: int | None
    total: Descriptives
    groups: dict[str, Descriptives]
    test: GroupTest


def likert(data: SurveyData, item: ItemInfo) -> LikertResult:
    answers = data.answers.get(item.name, {})

    def values(members: Sequence[str]) -> list[float]:
        return [
            answers[m].number  # type: ignore[misc]
            for m in members
            if m in answers and answers[m].number is not None
        ]

    everyone = data.members(None)
    total = describe(values(everyone), len(everyone))
    groups: dict[str, Descriptives] = {}
    samples: list[list[float]] = []
    for g in data.groups:
        members = data.members(g)
        v = values(members)
        groups[g] = describe(v, len(members))
        samples.append(v)
    return LikertResult(
        item.name, item.scale_min, item.scale_max, total, groups, compare_groups(samples)
    )


# -- coded open-ended answers --------------------------------------------------------------
@dataclass(frozen=True)
class CodeCount:
    n: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return percent(self.n, self.denominator)


@dataclass(frozen=True)
class CodeRow:
    code: str  # path, "/"-joined
    depth: int
    total: CodeCount
    groups: dict[str, CodeCount]
    p: float | None = None
    odds_ratio: float | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.code.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class CodePresence:
    items: tuple[str, ...]  # the open-ended items used
    respondents: tuple[str, ...]  # respondents with at least one open-ended answer
    present: dict[str, frozenset[str]]  # respondent -> codes raised (incl. ancestors)
    rows: tuple[CodeRow, ...]
    denominators: dict[str | None, int]  # None: Total


def fisher(a: CodeCount, b: CodeCount) -> tuple[float | None, float | None, str | None]:
    """Two-sided Fisher's exact test on [[a raised, a not], [b raised, b not]]."""
    from scipy.stats import fisher_exact

    if a.denominator == 0 or b.denominator == 0:
        return None, None, "a group has no open-ended answers"
    res = fisher_exact(
        [[a.n, a.denominator - a.n], [b.n, b.denominator - b.n]], alternative="two-sided"
    )
    odds = float(res.statistic)
    return float(res.pvalue), (odds if math.isfinite(odds) else None), None


def code_presence(data: SurveyData, items: Sequence[str] | None = None) -> CodePresence:
    text_items = [
        it.name for it in data.items if it.type == "text" and (items is None or it.name in items)
    ]
    answered = sorted(
        {r for name in text_items for r in data.open_answers.get(name, ())}, key=natural_key
    )
    present: dict[str, set[str]] = {r: set() for r in answered}
    for name in text_items:
        for who, codes in data.raised.get(name, {}).items():
            present.setdefault(who, set()).update(codes)
    groups = data.groups
    members = {g: [r for r in answered if data.group_of.get(r) == g] for g in groups}
    denominators: dict[str | None, int] = {None: len(answered)}
    denominators.update({g: len(m) for g, m in members.items()})
    rows = []
    for code, depth in data.codes:
        if not any(code in present[r] for r in answered):
            continue
        total = CodeCount(sum(code in present[r] for r in answered), len(answered))
        per = {g: CodeCount(sum(code in present[r] for r in m), len(m)) for g, m in members.items()}
        if len(groups) == 2:
            p, odds, reason = fisher(per[groups[0]], per[groups[1]])
        elif len(groups) > 2:
            p, odds, reason = None, None, "Fisher's exact test compares two groups"
        else:
            p, odds, reason = None, None, "no grouping into two groups"
        rows.append(CodeRow(code, depth, total, per, p, odds, reason))
    return CodePresence(
        items=tuple(text_items),
        respondents=tuple(answered),
        present={r: frozenset(present[r]) for r in answered},
        rows=tuple(rows),
        denominators=denominators,
    )


# -- the whole set of tables ---------------------------------------------------------------
@dataclass(frozen=True)
class SurveyTables:
    by: str | None
    groups: tuple[str, ...]
    group_ns: dict[str, int]
    total_n: int
    ungrouped: int  # respondents without a value of the grouping attribute
    items: tuple[ItemInfo, ...]
    frequencies: tuple[FrequencyResult, ...]
    likert: tuple[LikertResult, ...]
    codes: CodePresence | None
    respondents: tuple[str, ...]
    group_of: dict[str, str | None]
    raw: dict[str, dict[str, Answer]]
    percent_decimals: int = 0
    p_decimals: int = 3

    def label(self, group: str) -> str:
        """A group's header label, as the theme matrix writes it (``Mentees``, ``Year 2``)."""
        return group_label(group, self.by or "")

    @property
    def single(self) -> tuple[FrequencyResult, ...]:
        return tuple(f for f in self.frequencies if not f.multiple)

    @property
    def multiple(self) -> tuple[FrequencyResult, ...]:
        return tuple(f for f in self.frequencies if f.multiple)

    @property
    def likert_methods(self) -> list[str]:
        """The tests actually used, in the order of first use, for notes."""
        out: list[str] = []
        for r in self.likert:
            if r.test.computed:
                note = test_note(r.test)
                if note not in out:
                    out.append(note)
        return out

    def to_json(self) -> dict[str, Any]:
        return tables_json(self)


def test_note(t: GroupTest) -> str:
    if t.test == "kruskal-wallis":
        return KW_NOTE
    return MW_EXACT_NOTE if t.method == "exact" else MW_ASYMPTOTIC_NOTE


def check_decimals(percent_decimals: int, p_decimals: int) -> None:
    if percent_decimals not in (0, 1):
        raise UserError("Percentages are shown with 0 or 1 decimal.")
    if p_decimals not in (2, 3):
        raise UserError("p-values are shown with 2 or 3 decimals.")


def compute_tables(
    data: SurveyData,
    items: Sequence[str] | None = None,
    *,
    percent_decimals: int = 0,
    p_decimals: int = 3,
) -> SurveyTables:
    """Every survey table from ``data`` (restricted to ``items`` when given)."""
    check_decimals(percent_decimals, p_decimals)
    if items is not None:
        known = {it.name for it in data.items}
        unknown = [name for name in items if name not in known]
        if unknown:
            usable = ", ".join(it.name for it in data.items if it.type in TABLE_TYPES)
            raise UserError(
                f"There is no survey item called {unknown[0]!r}; the items are: {usable}."
            )
    chosen = [it for it in data.items if items is None or it.name in items]
    freqs = tuple(frequencies(data, it) for it in chosen if it.type in CHOICE_TYPES)
    lik = tuple(likert(data, it) for it in chosen if it.type == "likert")
    codes = code_presence(data, items) if any(it.type == "text" for it in chosen) else None
    groups = tuple(data.groups)
    return SurveyTables(
        by=data.by,
        groups=groups,
        group_ns={g: len(data.members(g)) for g in groups},
        total_n=len(data.respondents),
        ungrouped=sum(1 for r in data.respondents if data.group_of.get(r) is None)
        if data.by
        else 0,
        items=tuple(data.items),
        frequencies=freqs,
        likert=lik,
        codes=codes if codes is not None and codes.rows else None,
        respondents=tuple(data.respondents),
        group_of=dict(data.group_of),
        raw={it.name: dict(data.answers.get(it.name, {})) for it in chosen},
        percent_decimals=percent_decimals,
        p_decimals=p_decimals,
    )


#: Attributes used to group respondents when none is chosen (first one present wins).
PREFERRED_GROUPS = ("role", "group")


def default_group(project: Project) -> str | None:
    """The attribute to group by when the user did not choose one (``role`` if present)."""
    from qualframe.coding.corpus.participants import attribute_names

    names = attribute_names(project)
    for wanted in PREFERRED_GROUPS:
        match = next((n for n in names if n.casefold() == wanted), None)
        if match is not None:
            return match
    return None


def survey_tables(
    project: Project,
    by: str | None = None,
    items: Sequence[str] | None = None,
    *,
    percent_decimals: int = 0,
    p_decimals: int = 3,
    real_names: bool = False,
) -> SurveyTables:
    """Load the survey from ``project`` and compute its tables (participants' real names in
    answer texts replaced by pseudonyms unless ``real_names``).

    Raises :class:`UserError` when the project has no survey, or names an unknown item or
    attribute (naming what exists).
    """
    check_decimals(percent_decimals, p_decimals)
    data = load_survey(project, by, real_names=real_names)
    if not data.items or not data.respondents:
        raise UserError(
            f"The project {project.name} has no survey answers; import a survey file first."
        )
    return compute_tables(data, items, percent_decimals=percent_decimals, p_decimals=p_decimals)


# -- JSON --------------------------------------------------------------------------------
def _num(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _desc_json(d: Descriptives) -> dict[str, Any]:
    return {
        "n": d.n, "mean": _num(d.mean), "sd": _num(d.sd), "median": _num(d.median),
        "missing": d.missing, "respondents": d.respondents,
    }  # fmt: skip


def _freq_col_json(c: FrequencyColumn) -> dict[str, Any]:
    return {
        "n": c.answered,
        "respondents": c.respondents,
        "missing": c.missing,
        "options": {o.option: {"n": o.n, "percent": _num(o.percent)} for o in c.options},
    }


def tables_json(t: SurveyTables) -> dict[str, Any]:
    """The JSON form (full-precision numbers; ``p_text`` formatted as in the tables)."""
    likert_rows = []
    for r in t.likert:
        test = r.test
        mw = test.test == "mann-whitney" and test.computed
        kw = test.test == "kruskal-wallis" and test.computed
        row: dict[str, Any] = {
            "item": r.item,
            "groups": {g: _desc_json(d) for g, d in r.groups.items()},
            "u": test.statistic if mw else None,
            "p": _num(test.p),
            "method": test.method,
            "effect_size": _num(test.effect_size),
            "test": test.test,
            "overall": _desc_json(r.total),
            "p_text": fmt_p(test.p, t.p_decimals),
        }
        if kw:
            row["h"] = test.statistic
            row["effect_size_measure"] = "epsilon squared, H/(N-1)"
        elif mw:
            row["u_group"] = t.groups[0]
            row["effect_size_measure"] = (
                f"rank-biserial r = 1 - 2U/(n1*n2); positive: {t.groups[1]} higher"
            )
        if test.reason:
            row["reason"] = test.reason
        if r.scale_min is not None and r.scale_max is not None:
            row["scale"] = [r.scale_min, r.scale_max]
        likert_rows.append(row)
    freq_rows = [
        {
            "item": f.item,
            "multiple": f.multiple,
            "groups": {c.group: _freq_col_json(c) for c in f.groups if c.group is not None},
            "overall": _freq_col_json(f.total),
            "options": list(f.options),
        }
        for f in t.frequencies
    ]
    out: dict[str, Any] = {
        "likert": likert_rows,
        "frequencies": freq_rows,
        "by": t.by,
        "n": {"total": t.total_n, **t.group_ns},
    }
    if t.ungrouped:
        out["ungrouped"] = t.ungrouped
    if t.codes is not None:
        c = t.codes
        out["codes"] = {
            "items": list(c.items),
            "denominators": {("total" if k is None else k): v for k, v in c.denominators.items()},
            "rows": [
                {
                    "code": row.code,
                    "overall": {"n": row.total.n, "percent": _num(row.total.percent)},
                    "groups": {
                        g: {"n": cc.n, "percent": _num(cc.percent)} for g, cc in row.groups.items()
                    },
                    "test": "fisher-exact" if row.p is not None else None,
                    "p": _num(row.p),
                    "odds_ratio": row.odds_ratio,
                    **({"reason": row.reason} if row.reason else {}),
                }
                for row in c.rows
            ],
            "respondents": [
                {"id": r, "group": t.group_of.get(r), "codes": sorted(c.present[r])}
                for r in c.respondents
            ],
        }
    return out
