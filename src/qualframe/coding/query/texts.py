"""Document texts for listings, read once per document and kept between calls.

Quotes are cut out of the stored texts in Python (offsets are code points, as Python's
string indices are). A text changes only through **Edit text** (``corpus.text_edit``), and
each document row carries the SHA-256 of its text (``text_hash``) and its length: a text kept
from an earlier call is used only while both still match, so a changed text is read again.
Whoever writes a document's text must write its hash (the importers, ``corpus.documents``,
``corpus.text_edit`` and its undo do).

The cache belongs to one database engine (it disappears with it) and holds at most
:data:`MAX_CHARS` characters, least recently used first out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.query.driver import driver_rows
from qualframe.storage.models import Document

MAX_CHARS = 32_000_000

#: document id → (sort key (position, name), guid, name, text)
DocumentTexts = dict[int, tuple[Any, str, str, str]]


class TextCache:
    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._texts: OrderedDict[int, tuple[str, int, str]] = OrderedDict()  # hash, length
        self._chars = 0
        self._lock = threading.Lock()

    def texts(self, s: Session, ids: Collection[int]) -> DocumentTexts:
        """The documents ``ids``: one query for their names, positions and hashes (cheap:
        SQLite reads these columns without copying the text), one for the texts not kept."""
        wanted = set(ids)
        stmt = select(
            Document.id, Document.guid, Document.name, Document.position, Document.text_hash,
            Document.length,
        )  # fmt: skip
        if len(wanted) <= 50:  # a few: by id; more: one scan beats a long IN list
            stmt = stmt.where(Document.id.in_(sorted(wanted)))
        meta: dict[int, tuple[Any, str, str, str, int]] = {}
        for did, guid, name, position, digest, length in driver_rows(s, stmt):
            if did in wanted:
                meta[int(did)] = ((position, name), str(guid), str(name), str(digest), int(length))
        with self._lock:
            kept = {did: self._kept(did, m[3], m[4]) for did, m in meta.items()}
        missing = [did for did, text in kept.items() if text is None]
        if missing:  # one parameter each (SQLite allows 32,766; a project has far fewer)
            for did, text in driver_rows(
                s, select(Document.id, Document.text).where(Document.id.in_(missing))
            ):
                kept[int(did)] = str(text)
                with self._lock:
                    self._keep(int(did), meta[int(did)][3], meta[int(did)][4], str(text))
        return {did: (m[0], m[1], m[2], str(kept[did])) for did, m in meta.items()}

    def _kept(self, did: int, digest: str, length: int) -> str | None:
        hit = self._texts.get(did)
        if hit is None or hit[0] != digest or hit[1] != length:
            return None
        self._texts.move_to_end(did)
        return hit[2]

    def _keep(self, did: int, digest: str, length: int, text: str) -> None:
        old = self._texts.pop(did, None)
        if old is not None:
            self._chars -= len(old[2])
        if len(text) > self.max_chars:
            return
        self._texts[did] = (digest, length, text)
        self._chars += len(text)
        while self._chars > self.max_chars:
            _, (_, _, dropped) = self._texts.popitem(last=False)
            self._chars -= len(dropped)


_caches: weakref.WeakKeyDictionary[Any, TextCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def document_texts(s: Session, ids: Collection[int]) -> DocumentTexts:
    """document id → (sort key, guid, name, text) for the documents ``ids``, through the
    cache of the session's database."""
    bind = s.get_bind()
    with _caches_lock:
        cache = _caches.get(bind)
        if cache is None:
            cache = _caches[bind] = TextCache()
    return cache.texts(s, ids)
