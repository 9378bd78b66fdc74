"""Source assets shipped inside the package: codebook templates and the invented demo data."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent
TEMPLATES = RESOURCES / "templates"
DEMO_DATA = RESOURCES / "demo"
