"""Import speed and memory (issue 3): 200 transcripts of 10,000 words.

* plain text: words per second end to end (read, decode, parse turns, store, commit);
* .docx: our import (including storage) against python-docx alone reading the paragraphs;
* memory: peak RSS growth of a fresh process importing 50 and 200 files.

Run with ``make bench`` (or ``pytest tests/bench/test_bench_import.py --benchmark-enable -s``).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files

ROOT = Path(__file__).resolve().parents[2]
FILES = 200
WORDS = 10_000
VOCAB = [
    "mentor",
    "mentee",
    "study",
    "plan",
    "exam",
    "review",
    "anatomy",
    "physiology",
    "library",
    "week",
    "senior",
    "junior",
    "pressure",
    "friendship",
    "motivation",
    "schedule",
    "notes",
    "quiz",
    "lecture",
    "block",
    "semester",
    "advice",
    "confidence",
    "habit",
    "sleep",
    "question",
    "answer",
    "helped",
    "really",
    "felt",
    "think",
    "we",
    "our",
    "the",
    "a",
    "and",
    "to",
    "of",
    "in",
    "it",
    "was",
    "is",
    "that",
    "for",
    "with",
    "my",
    "me",
    "they",
    "but",
    "so",
    "because",
    "when",
    "선배",
    "복습",
    "시험",
    "계획",
]

pytestmark = pytest.mark.bench


def _paragraphs(seed: int) -> list[str]:
    rng = random.Random(seed)
    speakers = ["Moderator"] + [f"E{i}" for i in range(1, 7)]
    out = [f"Focus group {seed} (benchmark transcript)"]
    words = 0
    while words < WORDS:
        n = rng.randint(20, 90)
        label = speakers[0] if rng.random() < 0.15 else rng.choice(speakers[1:])
        body = " ".join(rng.choice(VOCAB) for _ in range(n))
        stamp = (
            f"[00:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}] " if rng.random() < 0.2 else ""
        )
        out.append(f"{stamp}{label}: {body}")
        words += n
    return out


def _write_txt(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        p = folder / f"fgi_{i:03d}.txt"
        p.write_text("\n\n".join(_paragraphs(i)) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def _write_docx(folder: Path, count: int) -> list[Path]:
    """Real .docx packages: one made by python-docx, its document.xml rewritten per file
    (bold speaker labels, like a typed transcript)."""
    from xml.sax.saxutils import escape

    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "template.docx"
    Document().save(str(template))
    with zipfile.ZipFile(template) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>"
    )
    paths = []
    for i in range(count):
        parts = [head]
        for para in _paragraphs(1000 + i):
            label, sep, body = para.partition(": ")
            if sep:
                parts.append(
                    f'<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{escape(label)}:</w:t></w:r>'
                    f'<w:r><w:t xml:space="preserve"> {escape(body)}</w:t></w:r></w:p>'
                )
            else:
                parts.append(f"<w:p><w:r><w:t>{escape(para)}</w:t></w:r></w:p>")
        parts.append("<w:sectPr/></w:body></w:document>")
        p = folder / f"fgi_{i:03d}.docx"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, "".join(parts) if name == "word/document.xml" else data)
        paths.append(p)
    template.unlink()
    return paths


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"


def test_bench_plain_text(tmp_path: Path) -> None:
    paths = _write_txt(tmp_path / "txt", FILES)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    with Project.create(tmp_path / "bench.qualframe", coder="bench") as project:
        t0 = time.perf_counter()
        report = import_files(project, paths, ImportOptions(attributes={"role": "mentee"}))
        elapsed = time.perf_counter() - t0
    turns = sum(f.turns for f in report.files)
    rate = words / elapsed
    print(
        f"\n[import .txt] {FILES} files, {words:,} words, {turns:,} turns: {elapsed:.2f} s "
        f"= {rate:,.0f} words/s end to end ({_machine()})"
    )
    assert rate >= 1_000_000


def test_bench_docx_against_python_docx(tmp_path: Path) -> None:
    from docx import Document

    paths = _write_docx(tmp_path / "docx", FILES)
    t0 = time.perf_counter()
    baseline_words = 0
    for p in paths:
        doc = Document(str(p))
        baseline_words += sum(len(par.text.split()) for par in doc.paragraphs)
    baseline = time.perf_counter() - t0
    with Project.create(tmp_path / "bench_docx.qualframe", coder="bench") as project:
        t0 = time.perf_counter()
        report = import_files(project, paths, ImportOptions())
        ours = time.perf_counter() - t0
    assert sum(f.turns for f in report.files) > FILES * 100
    ratio = ours / baseline
    print(
        f"\n[import .docx] {FILES} files, {baseline_words:,} words: python-docx reading the "
        f"paragraphs {baseline:.2f} s; our import incl. storage {ours:.2f} s "
        f"= {ratio:.2f}x ({baseline_words / ours:,.0f} words/s)"
    )
    assert ratio <= 1.5


MEMORY_SCRIPT = textwrap.dedent(
    """
    import resource, sys, tracemalloc
    from pathlib import Path
    from qualframe.coding.core.project import Project
    from qualframe.coding.importing import ImportOptions, import_files
    import qualframe.coding.importing.extract, qualframe.coding.importing.survey, charset_normalizer, lxml.etree

    paths = sorted(Path(sys.argv[2]).glob("*.txt"))[: int(sys.argv[3])]
    project = Project.create(sys.argv[1], coder="bench")
    import_files(project, [paths[0]], ImportOptions())  # warm caches (compiled statements)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    import_files(project, paths[1:], ImportOptions())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    project.close()
    print((after - before) / 1024, peak / 2**20)
    """
)


def test_bench_memory_is_flat(tmp_path: Path) -> None:
    folder = tmp_path / "mem"
    _write_txt(folder, FILES)
    growth: dict[int, float] = {}
    traced: dict[int, float] = {}
    for n in (50, FILES):
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(tmp_path / f"m{n}.qualframe"), str(folder), str(n)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )  # fmt: skip
        rss, py = out.stdout.split()
        growth[n], traced[n] = float(rss), float(py)
    print(
        f"\n[import memory] peak RSS growth: 50 files {growth[50]:.1f} MB, {FILES} files "
        f"{growth[FILES]:.1f} MB; peak Python allocations (tracemalloc): 50 files "
        f"{traced[50]:.1f} MB, {FILES} files {traced[FILES]:.1f} MB"
    )
    assert growth[FILES] <= growth[50] * 1.5 + 10
    assert traced[FILES] <= traced[50] * 1.5 + 2
