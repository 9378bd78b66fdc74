"""Temporary: the pypdf reader (replaced by the layout-aware engine)."""

from __future__ import annotations

import io
import re
import zlib

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.containers import mismatch as _mismatch
from qualframe.coding.importing.errors import ImportRefused, refuse
from qualframe.coding.importing.extracted import Extracted
from qualframe.coding.importing.extracted import join_paragraphs as _join_paragraphs


def extract_pdf(raw: bytes, name: str) -> Extracted:
    if not raw.strip():
        raise refuse(name, "is empty")
    if b"%PDF" not in raw[:1024]:
        raise _mismatch(raw, name, "a PDF document")
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise refuse(name, "is password-protected; remove the password and import again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            zlib.error, RecursionError, OSError):  # fmt: skip
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None
    except Exception:
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None
    paragraphs: list[tuple[str, int]] = []
    for page in pages:
        for block in re.split(r"\n[ \t]*\n", normalise_text(page)):
            paragraphs.append((block, 0))
    result = _join_paragraphs(paragraphs, "pdf")
    if not result.text.strip():
        raise refuse(
            name,
            "has no text layer (it is probably a scan); run text recognition (OCR) on it "
            "and import the result",
        )
    return result
