"""Write a file completely or not at all (temporary file + rename), and never over a project.

Every exporter writes through :func:`atomic_path` or :func:`write_atomically`, so the rules
live here once:

* the target is refused (one sentence, before anything is written) when it is a Qualframe
  project — the open one or any other, by its header — one of a project's working files
  (``-wal``, ``-shm``, ``-journal``, ``.lock``), a backup, or a ``.qualframe`` name
  (``storage.protect``);
* the file is written beside the target under a temporary name and renamed when complete;
  on any failure the temporary file is removed, so no partial file is ever left;
* a full disk, a read-only disk or a folder that cannot be written is one sentence naming
  the file, never a traceback — also not later from a ``ZipFile`` that a failed Word or Excel
  writer left open (:func:`write_atomically` hands writers a stream that goes quiet after
  its first failure).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from qualframe.coding.core.errors import UserError
from qualframe.storage.protect import why_protected


def check_target(target: Path, *, what: str = "the export") -> None:
    """Refuse, in one sentence, a target that is a project or one of its working files."""
    reason = why_protected(Path(target))
    if reason is not None:
        raise UserError(
            f"Cannot write {what} to {Path(target).name}: it {reason}, and Qualframe never "
            "writes over a project or its working files; choose another name."
        )


def os_error_sentence(target: Path, exc: OSError) -> str:
    """One sentence for an operating-system failure while writing ``target``."""
    name = Path(target).name
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"Cannot write {name}: the disk is full; nothing was written."
    if code == errno.EROFS:
        return f"Cannot write {name}: the disk is read-only; nothing was written."
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"Cannot write {name}: permission denied (the folder cannot be written, or the "
            "file is open in another program); nothing was written."
        )
    return f"Cannot write {name}: {exc.strerror or exc}; nothing was written."


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    check_target(target)
    if not target.parent.is_dir():
        raise UserError(f"Cannot write {target.name}: the folder {target.parent} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise UserError(os_error_sentence(target, exc)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates 0600; an exported table should get the usual permissions (umask).
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp_path, 0o666 & ~umask)
        yield tmp_path
        check_target(target)  # the name may have become a project's while we wrote
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise UserError(os_error_sentence(target, exc)) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


class QuietAfterFailure:
    """A binary file wrapper for writers that may leave objects holding it (``ZipFile``):
    the first ``OSError`` is raised; afterwards every call is a quiet no-op, so a ``ZipFile``
    finalised later by the garbage collector cannot print a traceback."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.failed: OSError | None = None
        self._pos = 0

    def _call(self, name: str, *args: Any) -> Any:
        if self.failed is not None or self._fh.closed:
            return None
        try:
            return getattr(self._fh, name)(*args)
        except OSError as exc:
            self.failed = exc
            raise

    def write(self, data: bytes) -> int:
        if self.failed is not None or self._fh.closed:
            return len(data)
        self._call("write", data)
        self._pos = self._fh.tell()
        return len(data)

    def tell(self) -> int:
        if self.failed is not None or self._fh.closed:
            return self._pos
        self._pos = self._fh.tell()
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        result = self._call("seek", offset, whence)
        if result is not None:
            self._pos = int(result)
        return self._pos

    def flush(self) -> None:
        self._call("flush")

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def close(self) -> None:
        """Closed by :func:`write_atomically`, not by the writer."""

    @property
    def closed(self) -> bool:
        return self.failed is not None or self._fh.closed


def write_atomically(target: Path, writer: Callable[[Any], None]) -> None:
    """Call ``writer(stream)`` on a temporary file that replaces ``target`` when complete."""
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        stream = QuietAfterFailure(fh)
        try:
            writer(stream)
        except OSError as exc:
            raise UserError(os_error_sentence(target, exc)) from None
        if stream.failed is not None:
            raise UserError(os_error_sentence(target, stream.failed))
        fh.flush()
        os.fsync(fh.fileno())


def write_json_atomically(target: Path, data: object) -> None:
    """Pretty-printed UTF-8 JSON (non-ASCII kept), written completely or not at all."""
    import json

    with atomic_path(Path(target)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")
