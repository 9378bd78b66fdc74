"""Theme-matrix speed on a big project (60,000 segments, 400 codes).

Targets (issue 5): matrix computed in ≤ 300 ms; Word file written in ≤ 3 s. Run with
``make bench``; the figures are printed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from qualframe.coding.analysis.matrix import COUNT_KINDS, MatrixOptions, build_matrix
from qualframe.coding.core.project import Project
from qualframe.coding.export.matrix_docx import write_matrix_docx
from qualframe.coding.export.matrix_export import export_matrix
from tests.bench.bigproject import build_big_project

pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "big.qualframe"
    started = time.perf_counter()
    build_big_project(path)
    print(
        f"\nbig project ready in {time.perf_counter() - started:.1f} s (cached after first build)"
    )
    return path


def _timed(fn, repeat: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def test_matrix_speed(big: Path, tmp_path: Path) -> None:
    with Project.open(big, read_only=True) as project:
        info = project.info()
        assert info["segments"] == 60000 and info["codes"] == 400
        build_matrix(project)  # warm the page cache
        plain = MatrixOptions()
        counts = MatrixOptions(counts=frozenset(COUNT_KINDS))
        quotes = MatrixOptions(counts=frozenset(COUNT_KINDS), quotes=2)
        med, best = _timed(lambda: build_matrix(project, plain))
        print(
            f"matrix (themes × role), 60,000 segments, 400 codes: median {med * 1000:.0f} ms, best {best * 1000:.0f} ms"
        )
        med_c, _ = _timed(lambda: build_matrix(project, counts))
        print(f"matrix with all counts: median {med_c * 1000:.0f} ms")
        med_q, _ = _timed(lambda: build_matrix(project, quotes), repeat=3)
        print(f"matrix with counts and 2 quotes per code: median {med_q * 1000:.0f} ms")
        matrix = build_matrix(project, counts)
        out = tmp_path / "big.docx"
        t = time.perf_counter()
        write_matrix_docx(matrix, out)
        word = time.perf_counter() - t
        print(
            f"Word file written (all counts, {len(matrix.rows)} rows): {word:.2f} s, {out.stat().st_size // 1024} KB"
        )
        quoted = build_matrix(project, quotes)
        t = time.perf_counter()
        write_matrix_docx(quoted, tmp_path / "big-quotes.docx")
        word_q = time.perf_counter() - t
        print(f"Word file written with 2 quotes per code: {word_q:.2f} s")
        t = time.perf_counter()
        export_matrix(project, counts, tmp_path / "big.xlsx")
        print(
            f"Excel (matrix + 50k-row long sheet), computed and written: {time.perf_counter() - t:.2f} s"
        )
    assert med <= 0.300
    assert word <= 3.0
