"""Real full and read-only disks for tests: small tmpfs file systems.

Mounting needs root (or CAP_SYS_ADMIN); where it is not allowed the tests that need a real
disk are skipped, and the injected-failure tests beside them still run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A fresh tmpfs of ``size_kb`` KiB mounted at ``where`` (skips the test if impossible)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount(
        "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)
    ):
        pytest.skip("mounting a small file system needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with a filler file; returns the filler's path."""
    filler = disk / "filler.bin"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as fh:
        for size in (65536, 4096, 512, 1):
            piece = chunk[:size]
            while True:
                try:
                    fh.write(piece)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return filler


def remount_read_only(disk: Path) -> None:
    if not _mount("-o", "remount,ro", str(disk)):
        pytest.skip("remounting read-only is not allowed here")


def remount_writable(disk: Path) -> None:
    _mount("-o", "remount,rw", str(disk))
