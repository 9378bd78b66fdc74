"""Colours for new codes: as distinct as possible from the colours already in use.

Distances are measured in OKLab (Björn Ottosson's perceptual colour space, where Euclidean
distance follows perceived difference). The candidates are the soft palette first, then a
grid of light colours around the hue circle (OKLCh lightness 0.74-0.90, so black text stays
readable on them); a new code gets the candidate farthest from its nearest colour in use, so
colours never repeat while a distinct one is left, however many codes there are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

from qualframe.coding.codebook.tree import PALETTE

Lab = tuple[float, float, float]


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def oklab(hex_color: str) -> Lab:
    r, g, b = (_linear(int(hex_color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    lms = (
        0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
        0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
        0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b,
    )
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in lms)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _from_oklab(lab: Lab) -> str | None:
    """#RRGGBB, or None when the colour is outside sRGB."""
    L, a, b = lab
    l_ = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3
    rgb = (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )
    if any(c < -1e-4 or c > 1 + 1e-4 for c in rgb):
        return None
    return "#" + "".join(f"{round(min(1.0, max(0.0, _gamma(c))) * 255):02X}" for c in rgb)


def distance(x: Lab, y: Lab) -> float:
    return math.dist(x, y)


@cache
def candidates() -> tuple[tuple[str, Lab], ...]:
    out: dict[str, Lab] = {c.upper(): oklab(c) for c in PALETTE}
    for lightness in (0.86, 0.78, 0.90, 0.74):
        for chroma in (0.12, 0.08, 0.16):
            for step in range(24):
                h = math.radians(step * 15)
                hex_color = _from_oklab((lightness, chroma * math.cos(h), chroma * math.sin(h)))
                if hex_color is not None and hex_color not in out:
                    out[hex_color] = oklab(hex_color)
    return tuple(out.items())


def most_distinct(in_use: Iterable[str]) -> str:
    """The candidate colour farthest from its nearest colour in ``in_use`` (#RRGGBB each);
    the first palette colour when none is in use."""
    used = [oklab(c) for c in {c.upper() for c in in_use if len(c) == 7 and c.startswith("#")}]
    if not used:
        return PALETTE[0]
    best, best_d = PALETTE[0], -1.0
    for hex_color, lab in candidates():
        d = min(distance(lab, u) for u in used)
        if d > best_d + 1e-9:
            best, best_d = hex_color, d
    return best
