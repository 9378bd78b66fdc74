"""The corpus test: every file of the test corpus (tests/corpus) read and compared.

Per file: the text's fidelity (difflib ratio on words, see tests/corpus/fidelity.py) against
the text it was written from, and for PDFs also against ``pdftotext -layout``; and the
speaker sequence against the list written by hand in the manifest. Thresholds (documented
in docs/import-conventions.md):

* .txt .md .docx .odt .rtf: fidelity >= 0.995 against the source text;
* .pdf: fidelity >= 0.98 against pdftotext (the issue's 2 %) and against the source text;
* speakers: exactly the expected sequence, for every file;
* the garbled PDF is refused with a sentence.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.importing.extract import extract_transcript
from qualframe.coding.importing.speakers import detect_speakers
from tests.corpus.fidelity import fidelity, pdftotext
from tests.corpus.manifest import Entry, build

TEXT_THRESHOLD = 0.995
PDF_THRESHOLD = 0.98

_FOLDER = Path(tempfile.mkdtemp(prefix="qualframe-corpus-"))
atexit.register(shutil.rmtree, _FOLDER, True)
ENTRIES = build(_FOLDER)


def _measure(entry: Entry) -> dict[str, float]:
    extracted = extract_transcript(entry.path, entry.path.read_bytes())
    assert entry.reference is not None
    out = {"source": fidelity(extracted.text, entry.reference)}
    if entry.pdftotext:
        out["pdftotext"] = fidelity(extracted.text, pdftotext(entry.path))
    return out


def test_the_corpus_is_large_and_varied() -> None:
    kinds = {e.kind for e in ENTRIES}
    assert len(ENTRIES) >= 40 and kinds == {"txt", "md", "docx", "odt", "rtf", "pdf"}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.path.name for e in ENTRIES])
def test_corpus_file(entry: Entry) -> None:
    raw = entry.path.read_bytes()
    if entry.refused is not None:
        with pytest.raises(ImportRefused, match=entry.refused):
            extract_transcript(entry.path, raw)
        return
    extracted = extract_transcript(entry.path, raw)
    scores = _measure(entry)
    threshold = PDF_THRESHOLD if entry.kind == "pdf" else TEXT_THRESHOLD
    for against, score in scores.items():
        assert score >= threshold, f"{entry.path.name}: fidelity {score:.4f} against {against}"
    found = detect_speakers(extracted.text, bold=extracted.bold)
    assert [t.label for t in found.turns] == entry.labels


def test_fidelity_table() -> None:
    """The per-kind table of docs/benchmarks.md (printed with -s)."""
    table: dict[str, list[float]] = defaultdict(list)
    for entry in ENTRIES:
        if entry.refused is None:
            for against, score in _measure(entry).items():
                table[f"{entry.kind} vs {against}"].append(score)
    print("\n| files | against | n | min | mean |\n|---|---|---|---|---|")
    for key, scores in sorted(table.items()):
        kind, against = key.split(" vs ")
        print(
            f"| {kind} | {against} | {len(scores)} | {min(scores):.4f} | {sum(scores) / len(scores):.4f} |"
        )
    assert all(min(v) >= PDF_THRESHOLD for v in table.values())
