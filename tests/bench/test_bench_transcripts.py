"""Transcript import against QualCoder's figures (issue 13) and huge inputs (issue 10).

Each figure is printed beside a floor measured in the same run (reading the same bytes and
nothing else), and times are the best of several runs (the machine is shared; the median is
printed too). Run with ``make bench``.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.importing.extract import extract_transcript
from qualframe.coding.importing.speakers import detect_speakers
from tests.bench import test_bench_import as words_bench

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.bench
QUALCODER_TXT = 0.64  # s, 300 .txt transcripts of ~8,000 words (measured in issue 13)
QUALCODER_DOCX = 0.009  # s, one .docx of 300,000 characters


def _times(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out), statistics.median(out)


def _fresh(path: Path) -> Project:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return Project.create(path, coder="bench")


def _import_times(path: Path, files: list[Path], runs: int) -> tuple[float, float, float]:
    """Best and median wall time and best CPU time of ``import_files`` (the project is
    created before the clock starts)."""
    out, cpu = [], []
    for _ in range(runs):
        with _fresh(path) as project:
            t0, c0 = time.perf_counter(), time.process_time()
            import_files(project, files, ImportOptions())
            out.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return min(out), statistics.median(out), min(cpu)


def test_bench_300_txt_against_qualcoder(tmp_path: Path) -> None:
    words_bench.WORDS = 8000
    paths = words_bench._write_txt(tmp_path / "txt", 300)
    total_words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    floor, _ = _times(lambda: [p.read_bytes() for p in paths], 5)

    best, median, cpu = _import_times(tmp_path / "bench.qualframe", paths, 3)
    texts = [extract_transcript(p, p.read_bytes()).text for p in paths]
    speakers, _ = _times(lambda: [detect_speakers(t) for t in texts], 3)
    load = os.getloadavg()[0]
    print(
        f"\n[load average {load:.1f} on {os.cpu_count()} CPUs]"
        f"\n[import 300 .txt] {total_words:,} words: best {best:.3f} s (median {median:.3f}, "
        f"CPU {cpu:.3f} s); "
        f"bare read floor {floor * 1000:.0f} ms; QualCoder {QUALCODER_TXT} s; the preview's "
        f"speaker pass over the 300 texts {speakers * 1000:.0f} ms"
    )
    assert best <= QUALCODER_TXT


def _docx_bytes(chars: int) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    doc = Document()
    text = 0
    i = 0
    while text < chars:
        p = doc.add_paragraph()
        label = "Moderator" if i % 5 == 0 else f"E{i % 4 + 1}"
        p.add_run(f"{label}:").bold = True
        body = " " + " ".join(
            words_bench.VOCAB[(i * 7 + k) % len(words_bench.VOCAB)] for k in range(45)
        )
        p.add_run(body)
        text += len(label) + 1 + len(body) + 2
        i += 1
    doc.save(buffer)
    return buffer.getvalue()


def test_bench_300k_docx_against_qualcoder(tmp_path: Path) -> None:
    path = tmp_path / "fgi.docx"
    path.write_bytes(_docx_bytes(300_000))

    def bare() -> None:
        with zipfile.ZipFile(path) as zf:
            zf.read("word/document.xml")

    floor, _ = _times(bare, 20)
    extract, extract_med = _times(lambda: extract_transcript(path, path.read_bytes()), 20)
    chars = len(extract_transcript(path, path.read_bytes()).text)

    whole, whole_med, whole_cpu = _import_times(tmp_path / "docx.qualframe", [path], 10)
    print(
        f"\n[import .docx] {chars:,} characters: text and bold labels best {extract * 1000:.1f} ms "
        f"(median {extract_med * 1000:.1f}); import incl. speakers, storage and fsynced commit "
        f"best {whole * 1000:.1f} ms (median {whole_med * 1000:.1f}, CPU {whole_cpu * 1000:.1f}); "
        f"floor (unzip "
        f"document.xml) {floor * 1000:.1f} ms; QualCoder {QUALCODER_DOCX * 1000:.0f} ms"
    )
    assert chars >= 300_000
    assert extract <= QUALCODER_DOCX


MEMORY = textwrap.dedent(
    """
    import resource, sys, time, tracemalloc
    from pathlib import Path
    from qualframe.coding.core.project import Project
    from qualframe.coding.importing import ImportOptions, import_files
    import qualframe.coding.importing.read_docx, charset_normalizer, sqlalchemy, lxml.etree
    project = Project.create(sys.argv[1], coder="bench")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    trace = sys.argv[3] == "trace"  # tracemalloc slows allocation-heavy code: time without it
    if trace:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        report = import_files(project, [Path(sys.argv[2])], ImportOptions())
        turns = report.files[0].turns
    except Exception as exc:
        turns = str(exc)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    project.close()
    print(repr(((after - before) / 1024, peak / 2**20, wall, cpu, turns)))
    """
)


def _measure(tmp_path: Path, path: Path) -> tuple[float, float, float, float, object]:
    """(peak RSS growth MB, peak Python allocations MB, wall s, CPU s, turns): the times from
    a run without tracemalloc, the memory figures from one with it."""
    runs = []
    for mode in ("trace", "time"):
        out = subprocess.run(
            [sys.executable, "-c", MEMORY, str(tmp_path / f"{path.stem}-{mode}.qualframe"), str(path), mode],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )  # fmt: skip
        runs.append(eval(out.stdout.strip()))  # a tuple printed by the script above
    traced, timed = runs
    return timed[0], traced[1], timed[2], timed[3], timed[4]


def _verbose_docx(path: Path, words: int) -> None:
    """A .docx written like Word writes edited text: every word its own run with revision ids
    and fonts (21 MB of XML in a file of under 1 MB, as in issue 13)."""
    from docx import Document

    Document().save(str(path))
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    run = (
        '<w:r w:rsidR="00A1{n:04X}" w:rsidRPr="00B2C3D4"><w:rPr><w:rFonts w:ascii="Calibri" '
        'w:hAnsi="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang '
        'w:val="en-GB"/></w:rPr><w:t xml:space="preserve">{w} </w:t></w:r>'
    )
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>']  # fmt: skip
    vocab = words_bench.VOCAB
    for i in range(0, words, 60):
        label = "Moderator" if i % 300 == 0 else f"E{i % 4 + 1}"
        out.append(f"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{label}:</w:t></w:r>")
        out.extend(run.format(n=(i + k) % 65536, w=vocab[(i + k) % len(vocab)]) for k in range(60))
        out.append("</w:p>")
    out.append("<w:sectPr/></w:body></w:document>")
    parts["word/document.xml"] = "".join(out).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_bench_large_docx_memory(tmp_path: Path) -> None:
    """A .docx of ~21 MB of XML (issue 13: 433 MB peak before the XML was streamed)."""
    path = tmp_path / "large.docx"
    _verbose_docx(path, 96_000)
    with zipfile.ZipFile(path) as zf:
        xml = zf.getinfo("word/document.xml").file_size
    rss, py, wall, cpu, turns = _measure(tmp_path, path)
    print(
        f"\n[large .docx] {path.stat().st_size / 2**20:.1f} MB file, {xml / 2**20:.1f} MB of XML, "
        f"{turns:,} turns: peak RSS growth {rss:.0f} MB, peak Python allocations {py:.0f} MB, "
        f"{wall:.1f} s ({cpu:.1f} s CPU)"
    )
    assert xml >= 20 * 2**20
    assert rss <= 150


def test_bench_five_million_lines(tmp_path: Path) -> None:
    """5,000,000 lines, 84 MB (issue 10: 189 s and 5.3 GB before)."""
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as f:
        for i in range(5_000_000):
            f.write(f"line {i:07d} text\n" if i % 1000 else f"E{i % 7}: turn at {i:07d}\n")
    size = path.stat().st_size / 2**20
    rss, py, wall, cpu, turns = _measure(tmp_path, path)
    print(
        f"\n[5,000,000-line text] {size:.0f} MB, {turns:,} turns: {wall:.1f} s ({cpu:.1f} s CPU), "
        f"peak RSS growth {rss:.0f} MB ({rss / size:.1f}× the file), peak Python allocations "
        f"{py:.0f} MB"
    )
    assert rss <= 6 * size and cpu <= 60
