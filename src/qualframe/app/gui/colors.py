"""Colour helpers: readable text on a code colour, blending overlapping codes, WCAG contrast
and a muted text colour that still meets it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


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


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def muted(text: QColor, background: QColor, ratio: float = 4.6) -> QColor:
    """``text`` faded toward ``background`` as far as WCAG AA still allows (contrast at
    least ``ratio``, 4.5:1 for body text, with a little margin): a secondary line that is
    quieter than the text around it and still readable."""
    best = QColor(text)
    for step in range(1, 20):
        t = step / 20
        c = QColor(
            round(text.red() + (background.red() - text.red()) * t),
            round(text.green() + (background.green() - text.green()) * t),
            round(text.blue() + (background.blue() - text.blue()) * t),
        )
        if contrast(c, background) < ratio:
            break
        best = c
    return best


def set_muted(widget: QWidget) -> None:
    """Give ``widget`` (a label) the muted text colour of its palette, meeting WCAG AA."""
    pal = widget.palette()
    role = QPalette.ColorRole
    pal.setColor(role.WindowText, muted(pal.color(role.WindowText), pal.color(role.Window)))
    widget.setPalette(pal)
