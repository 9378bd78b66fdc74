"""Reading each column's answers by its type: Likert points through their mapping and a scale
that comes from the item (declared, labels, the file's metadata), numbers checked, choice
options in questionnaire order, multiple choices through the one parse of :mod:`.choices`,
attribute values normalised; and the detected type of a column (SPSS/Stata value labels,
coded exports)."""

from __future__ import annotations

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.attributes import _normalise_attribute, _typo_warnings
from qualframe.coding.importing.survey.choices import (
    choose_separator,
    options_in_order,
    parse_multiple,
)
from qualframe.coding.importing.survey.coltypes import detect_type, order_options
from qualframe.coding.importing.survey.likert import (
    check_points,
    declared_scale,
    label_text,
    labelled_points,
    text_mapping,
    text_scale,
)
from qualframe.coding.importing.survey.model import SurveyColumn, SurveyRequest
from qualframe.coding.importing.survey.tools import Layout


def _type_likert(col: SurveyColumn, present: list[str], spec: str | None, req: SurveyRequest,
                 name: str, warnings: list[str]) -> None:  # fmt: skip
    given = req.likert_maps.get(col.name)
    declared = declared_scale(spec)
    col.scale_source = None
    if given:
        col.value_labels = list(given)
    elif col.declared_options is not None:
        col.value_labels = [(lab, int(float(code))) for code, lab in _stat_codes(col)]
        col.scale_source = "metadata"
    elif (mapping := text_mapping(present)) is not None:
        col.value_labels = mapping
        col.scale_source = "labels"
    else:
        col.value_labels = labelled_points(present)
        scale = text_scale([label_text(lab) for lab, _ in col.value_labels or []])
        if col.value_labels and scale is not None:
            col.scale_source = "labels"
            col.scale_min, col.scale_max = 1, len(scale)
    if col.scale_source in ("labels", "metadata") and col.value_labels and col.scale_max is None:
        points = [p for _, p in col.value_labels]
        col.scale_min, col.scale_max = min(points), max(points)
    if declared is not None:
        col.scale_min, col.scale_max = declared
        col.scale_source = "declared"
    known = (
        (col.scale_min, col.scale_max)
        if col.scale_source and col.scale_min is not None and col.scale_max is not None
        else None
    )
    warnings.extend(
        check_points(col.name, present, col.value_labels, known, name, declared is not None)
    )
    if col.scale_source is None:  # never guessed from the answers
        col.scale_min = col.scale_max = None
    col.reversed = col.name in req.reverse
    if col.reversed and col.scale_source is None:
        raise refuse(name, f"cannot reverse {col.name!r}: its scale is not stated")


_NON_ANSWERS = {
    "no answer", "don't know", "dont know", "not applicable", "n/a", "refused", "missing",
    "prefer not to say", "무응답", "모름", "해당 없음",
}  # fmt: skip


def _stat_codes(col: SurveyColumn) -> list[tuple[str, str]]:
    """Numeric value labels that are scale points (not "No answer" and the like)."""
    return [
        (c, lab)
        for c, lab in col.codes or []
        if c.lstrip("-").replace(".", "", 1).isdigit()
        and lab.strip().casefold() not in _NON_ANSWERS
    ]


def _apply_codes(col: SurveyColumn) -> None:
    """A coded single-choice answer (``2``) becomes its value label (``Cafe``)."""
    labels = dict(col.codes or [])
    col.values = [labels.get(v, v) if v is not None else None for v in col.values]


def type_column(col: SurveyColumn, req: SurveyRequest, group: bool, name: str,
                 layout: Layout, warnings: list[str]) -> dict[str, str]:  # fmt: skip
    """Read one column's answers according to its type; returns attribute value changes."""
    present = [v for v in col.values if v is not None]
    spec = req.column_types.get(col.name)
    if col.type == "likert":
        _type_likert(col, present, spec, req, name, warnings)
    elif col.type == "number":
        from qualframe.coding.importing.survey.cells import _is_number

        bad = [v for v in dict.fromkeys(present) if not _is_number(v)]
        if bad:
            raise refuse(name, f"has a value {bad[0]!r} in the number column {col.name!r}")
    elif col.type == "single":
        if col.codes:
            _apply_codes(col)
            present = [v for v in col.values if v is not None]
        given = req.column_options.get(col.name) or col.declared_options
        seen = list(dict.fromkeys(present))
        col.options = options_in_order([[v] for v in seen], given) if given else order_options(seen)
    elif col.type == "multiple" and col.choices is None:
        sep = choose_separator(present, layout.separator)
        known = req.column_options.get(col.name) or col.declared_options
        col.choices, notes = parse_multiple(col.name, col.values, sep, known)
        warnings.extend(notes)
        col.options = (
            options_in_order(col.choices, known)
            if known
            else order_options(options_in_order(col.choices, None))
        )
    elif col.type == "multiple" and req.column_options.get(col.name):
        col.options = options_in_order(col.choices or [], req.column_options[col.name])
    elif col.type == "attribute":
        if col.codes:
            _apply_codes(col)
        existing = req.existing_values.get(col.name.casefold())
        changes = _normalise_attribute(col, lower=group, existing=existing)
        warnings.extend(_typo_warnings(col))
        return changes
    return {}


def warn_coded(columns: list[SurveyColumn], layout: Layout, warnings: list[str]) -> None:
    if not columns:
        return
    shown = ", ".join(repr(c.name) for c in columns[:8]) + (" …" if len(columns) > 8 else "")
    warnings.append(
        f"this {layout.tool} export gives choice codes without their labels, so {shown} "
        "were read as single choices (codes); declare each rating item with its scale "
        "(--column NAME=likert:1-5) or export with choice text"
    )


def detect(col: SurveyColumn, req: SurveyRequest) -> str:
    """The detected type; a variable with value labels is Likert when they form a known
    agreement or satisfaction scale, single choice otherwise."""
    present = [v for v in col.values if v is not None]
    if col.codes and present:
        if _stat_codes(col) and text_scale([lab for _, lab in _stat_codes(col)]) is not None:
            return "likert"
        return "single"
    return detect_type(col.name, present)
