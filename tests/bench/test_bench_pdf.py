"""PDF engines compared on the corpus PDFs: PDFium (ours, with the layout pass) and
pdfminer.six (``extract_text`` with its layout analysis, the engine under pdfplumber).

Per file: time per page (best of 3) and the fidelity of each engine's words against the
source text and against ``pdftotext -layout`` (tests/corpus/fidelity.py). Run with ``make
bench``; the figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from qualframe.coding.importing.read_pdf import extract_pdf
from tests.corpus.fidelity import fidelity, pdftotext
from tests.corpus.manifest import build

pytestmark = pytest.mark.bench


def _best(fn: object, runs: int = 3) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return min(out)


def test_bench_pdf_engines(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text as pdfminer_text

    entries = [e for e in build(tmp_path / "corpus") if e.kind == "pdf" and e.refused is None]
    rows = []
    ours_total = miner_total = 0.0
    pages_total = 0
    for e in entries:
        raw = e.path.read_bytes()
        pages = len(pdfium.PdfDocument(raw))
        ours = extract_pdf(raw, e.path.name).text
        miner = pdfminer_text(io.BytesIO(raw))
        t_ours = _best(lambda raw=raw, e=e: extract_pdf(raw, e.path.name))
        t_miner = _best(lambda raw=raw: pdfminer_text(io.BytesIO(raw)))
        reference = pdftotext(e.path)
        assert e.reference is not None
        rows.append(
            f"| {e.path.name} | {pages} | {1000 * t_ours / pages:.1f} | {1000 * t_miner / pages:.1f} "
            f"| {fidelity(ours, reference):.3f} | {fidelity(miner, reference):.3f} "
            f"| {fidelity(ours, e.reference):.3f} | {fidelity(miner, e.reference):.3f} |"
        )
        ours_total += t_ours
        miner_total += t_miner
        pages_total += pages
    print(
        "\n| file | pages | PDFium ms/page | pdfminer ms/page | PDFium vs pdftotext | "
        "pdfminer vs pdftotext | PDFium vs source | pdfminer vs source |\n|---|---|---|---|---|---|---|---|"
    )
    print("\n".join(rows))
    print(
        f"| all | {pages_total} | {1000 * ours_total / pages_total:.1f} | "
        f"{1000 * miner_total / pages_total:.1f} | | | | |"
    )
    assert 1000 * ours_total / pages_total <= 50
