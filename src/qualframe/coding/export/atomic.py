"""Write a file completely or not at all (temporary file + rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from qualframe.coding.core.errors import UserError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    if not target.parent.is_dir():
        raise UserError(f"Cannot write {target.name}: the folder {target.parent} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates 0600; an exported table should get the usual permissions (umask).
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except PermissionError:
        tmp_path.unlink(missing_ok=True)
        raise UserError(
            f"Cannot write {target.name}: permission denied (is it open in another program?)."
        ) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomically(target: Path, writer: Callable[[IO[bytes]], None]) -> None:
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        writer(fh)


def write_json_atomically(target: Path, data: object) -> None:
    """Pretty-printed UTF-8 JSON (non-ASCII kept), written completely or not at all."""
    import json

    with atomic_path(Path(target)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")
