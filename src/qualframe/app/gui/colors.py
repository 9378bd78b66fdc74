"""Colour helpers: readable text on a code colour, blending overlapping codes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor


def luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def text_on(background: QColor) -> QColor:
    """Black or white, whichever contrasts more with ``background`` (WCAG formula)."""
    lum = luminance(background)
    return QColor("#000000") if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else QColor("#FFFFFF")


def blend(colors: Sequence[str]) -> QColor:
    """Average of several code colours (for text coded more than once)."""
    qs = [QColor(c) for c in colors]
    n = len(qs)
    return QColor(
        sum(c.red() for c in qs) // n,
        sum(c.green() for c in qs) // n,
        sum(c.blue() for c in qs) // n,
    )


def label_color(color: str) -> QColor:
    """A darker shade of a code colour that stays legible on a light background."""
    c = QColor(color)
    while luminance(c) > 0.25 and c.value() > 40:
        c = c.darker(125)
    return c
