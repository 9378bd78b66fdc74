"""Agreement between coders of a project, ready for the command line, the GUI and the exports.

:func:`agreement` loads the compared coders' segments (``loading``), builds the unit table
(``units``) and summarises it (``bootstrap``). The result says everything a table note must:
the unit, which documents counted and which were left out (with who coded them), how many
units no compared coder coded and whether they were excluded, the bootstrap's replicates,
seed and threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qualframe.coding.analysis.agreement.bootstrap import (
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
    Estimate,
    summarise,
)
from qualframe.coding.analysis.agreement.loading import LeftOut, load_codings
from qualframe.coding.analysis.agreement.units import UNITS, unit_table
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project

UNIT_NOUNS = {
    "character": ("character", "characters"),
    "turn": ("speaker turn or survey answer", "speaker turns and survey answers"),
    "document": ("document", "documents"),
}


@dataclass(frozen=True)
class CodeRow:
    code_guid: str
    code: str  # the full path, as printed everywhere
    estimate: Estimate


@dataclass(frozen=True)
class AgreementReport:
    unit: str
    coders: tuple[str, ...]
    overall: Estimate
    codes: tuple[CodeRow, ...]
    documents: tuple[str, ...]  # counted
    left_out: tuple[LeftOut, ...]
    documents_without_units: tuple[str, ...]
    total_units: float
    uncoded_units: float
    exclude_uncoded: bool
    codes_not_applied: int  # codes of the codebook no compared coder applied (not listed)
    replicates: int
    seed: int
    threshold: float

    def with_names_masked(self, mask: Callable[[str], str]) -> AgreementReport:
        """The report with its document names passed through ``mask`` (a document name may
        hold a participant's real name: "Interview Kim Minji")."""
        return replace(
            self,
            documents=tuple(mask(d) for d in self.documents),
            left_out=tuple(replace(lo, document=mask(lo.document)) for lo in self.left_out),
            documents_without_units=tuple(mask(d) for d in self.documents_without_units),
        )

    @property
    def unit_plural(self) -> str:
        return UNIT_NOUNS[self.unit][1]

    def notes(self) -> list[str]:
        """What was counted and what was left out, in sentences (every table carries them)."""
        out = [
            f"Unit: {UNIT_NOUNS[self.unit][0]}. Coders compared: {', '.join(self.coders)}.",
            f"Counted: {len(self.documents)} document(s) coded by all compared coders"
            f" ({_count(self.total_units)} {self.unit_plural}).",
        ]
        if self.left_out:
            names = "; ".join(
                f"{lo.document} ({', '.join(lo.coded_by) if lo.coded_by else 'no compared coder'})"
                for lo in self.left_out
            )
            out.append(
                f"Left out: {len(self.left_out)} document(s) not coded by all of them: {names}."
            )
        if self.documents_without_units:
            out.append(
                f"Without {self.unit_plural} (not counted at this unit): "
                f"{', '.join(self.documents_without_units)}."
            )
        share = self.uncoded_units / self.total_units * 100 if self.total_units else 0.0
        verb = "excluded" if self.exclude_uncoded else "included (they count as agreement)"
        out.append(
            f"{_count(self.uncoded_units)} {self.unit_plural} ({share:.1f}%) were coded by no "
            f"compared coder with any code; {verb}."
        )
        if self.codes_not_applied:
            out.append(
                f"{self.codes_not_applied} code(s) applied by no compared coder in these "
                "documents are not listed."
            )
        out.append(
            "Percent agreement is pairwise; Cohen's κ only for two coders; Krippendorff's α "
            "nominal. Per code: the code applied to a unit or not (its sub-codes not included); "
            "overall: every unit × listed code decision pooled."
        )
        if self.replicates:
            out.append(
                f"95% CI of α: percentile bootstrap, {self.replicates} replicates drawing "
                f"{_block_noun(self.unit)} with replacement (seed {self.seed}); "
                f"P(α < {self.threshold:g}) is the share of replicates below {self.threshold:g}."
            )
        return out


def _block_noun(unit: str) -> str:
    return {
        "character": "speaker turns (or paragraphs of texts without turns)",
        "turn": "speaker turns / survey answers",
        "document": "documents",
    }[unit]


def _count(x: float) -> str:
    return f"{round(x):,}"


def agreement(
    project: Project,
    coders: Sequence[str],
    *,
    unit: str = "character",
    exclude_uncoded: bool = False,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    threshold: float = DEFAULT_THRESHOLD,
) -> AgreementReport:
    if unit not in UNITS:
        raise UserError(f'"{unit}" is not a unit; use character, turn or document.')
    if replicates < 0 or replicates > 100_000:
        raise UserError("The number of bootstrap replicates must be between 0 and 100,000.")
    if not 0.0 <= threshold <= 1.0:
        raise UserError("The α threshold must be between 0 and 1 (e.g. 0.8 or 0.667).")
    data = load_codings(project, coders)
    table = unit_table(data.codings, unit, exclude_uncoded=exclude_uncoded)
    summary = summarise(table, replicates=replicates, seed=seed, threshold=threshold)
    rows = tuple(
        CodeRow(data.codes[i].guid, data.codes[i].path_text, est)
        for i, est in summary.codes.items()
    )
    return AgreementReport(
        unit=unit, coders=data.coders, overall=summary.overall, codes=rows,
        documents=tuple(name for _, name in data.documents), left_out=data.left_out,
        documents_without_units=tuple(
            data.documents[d][1] for d in table.documents_without_units
        ),
        total_units=table.total_units, uncoded_units=table.uncoded_units,
        exclude_uncoded=exclude_uncoded,
        codes_not_applied=data.codebook_size - len(rows),
        replicates=replicates, seed=seed, threshold=threshold,
    )  # fmt: skip


def for_outside(
    project: Project, report: AgreementReport, *, real_names: bool = False
) -> AgreementReport:
    """The report as it may leave the application (a file, the terminal): participants' real
    names replaced by their pseudonyms unless asked (main's rule for outgoing text)."""
    with project.read() as s:
        return report.with_names_masked(name_masker(s, real_names))


# -- plain forms -----------------------------------------------------------------------------
def _num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(x, 6)


def _ci(ci: tuple[float, float] | None) -> list[float | None] | None:
    return None if ci is None else [_num(ci[0]), _num(ci[1])]


def to_json(report: AgreementReport) -> dict[str, Any]:
    """The documented JSON shape: unit, coders, overall {percent, kappa, alpha, alpha_ci} and
    codes [{code, percent, kappa, alpha, alpha_ci, n_units}] (percent 0-100)."""
    o = report.overall
    return {
        "unit": report.unit,
        "coders": list(report.coders),
        "overall": {
            "percent": _num(o.percent), "kappa": _num(o.kappa), "alpha": _num(o.alpha),
            "alpha_ci": _ci(o.alpha_ci),
        },
        "codes": [
            {
                "code": row.code, "percent": _num(row.estimate.percent),
                "kappa": _num(row.estimate.kappa), "alpha": _num(row.estimate.alpha),
                "alpha_ci": _ci(row.estimate.alpha_ci), "n_units": int(row.estimate.n_units),
            }
            for row in report.codes
        ],
    }  # fmt: skip


def fmt(x: float | None, digits: int = 3) -> str:
    """A statistic for a table: "–" where it is undefined (no variation to agree on)."""
    return "–" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def fmt_ci(ci: tuple[float, float] | None) -> str:
    return "–" if ci is None else f"[{fmt(ci[0])}, {fmt(ci[1])}]"


def table_rows(report: AgreementReport) -> list[list[str]]:
    """Header plus one row per code and an overall row, as text (Word and the console)."""
    p_head = f"P(α<{report.threshold:g})"
    rows = [["Code", "Units coded", "Agreement %", "κ", "α", "95% CI of α", p_head]]
    for row in [*report.codes, CodeRow("", "Overall (pooled)", report.overall)]:
        e = row.estimate
        rows.append(
            [row.code, _count(e.coded_units), fmt(e.percent, 1), fmt(e.kappa), fmt(e.alpha),
             fmt_ci(e.alpha_ci), fmt(e.p_below, 3)]
        )  # fmt: skip
    return rows


def to_text(report: AgreementReport) -> str:
    rows = table_rows(report)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *report.notes()]) + "\n"
