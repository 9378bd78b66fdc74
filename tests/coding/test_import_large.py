"""Huge transcripts (issue 10): memory near the text's size, a turn limit with a clear
refusal, and progress between batches of turns that can cancel the import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportCancelled, ImportOptions, ImportRefused, import_files
from qualframe.coding.importing.store import BATCH
from qualframe.coding.importing.transcripts import MAX_TURNS
from tests.coding.test_import_fixtures import table_dump

ROOT = Path(__file__).resolve().parents[2]

MEMORY = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from qualframe.coding.core.project import Project
    from qualframe.coding.importing import ImportOptions, import_files
    import qualframe.coding.importing.read_markdown, charset_normalizer, sqlalchemy  # warm
    project = Project.create(sys.argv[1], coder="t")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = import_files(project, [Path(sys.argv[2])], ImportOptions())
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    project.close()
    print((after - before) / 1024, report.files[0].turns)
    """
)


@pytest.mark.slow
def test_a_large_text_needs_memory_near_its_size(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    with path.open("w", encoding="utf-8") as f:
        for i in range(600_000):  # 600,000 lines, ~11 MB, like the 5,000,000-line case
            f.write(f"line {i:07d} text\n" if i % 50 else f"E{i % 7}: a turn at line {i}\n")
    size_mb = path.stat().st_size / 2**20
    out = subprocess.run(
        [sys.executable, "-c", MEMORY, str(tmp_path / "p.qualframe"), str(path)],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    growth, turns = out.stdout.split()
    assert int(turns) == 12_000
    # the bytes read, the decoded text and one copy while storing: a small multiple (before
    # the fix, a list of a match object per line made it more than ten times the size)
    assert float(growth) <= 6 * size_mb + 40, (growth, size_mb)


def test_more_turns_than_the_limit_are_refused_with_a_sentence(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "flood.txt"
    path.write_text("".join(f"M{i % 3}: hi\n" for i in range(MAX_TURNS + 1)), encoding="utf-8")
    with pytest.raises(
        ImportRefused,
        match=r"^flood\.txt has more than 100,000 lines that start like a speaker label",
    ):
        import_files(project, [path], ImportOptions())


def test_progress_between_batches_of_turns_can_cancel(project: Project, tmp_path: Path) -> None:
    before = table_dump(project)
    path = tmp_path / "many.txt"
    path.write_text("".join(f"E{i % 4}: turn {i}\n" for i in range(BATCH * 2 + 10)), "utf-8")
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, label: str) -> bool:
        seen.append((done, total, label))
        return False

    with pytest.raises(ImportCancelled):
        import_files(project, [path], ImportOptions(), progress)
    assert seen == [(0, 1, f"many.txt: 20,000 of {BATCH * 2 + 10:,} turns stored")]
    assert table_dump(project) == before
