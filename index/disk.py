"""Disk space for the index: a check before writing, and a reserve that makes a full disk survivable.

When the disk fills during an ingest, SQLite and Chroma cannot even open the index again (Chroma
writes on open: "database or disk is full"), so `govqa ask` and `serve` failed until space was
freed. The index keeps a reserve file; a write that fails for lack of space deletes it, which gives
the previous index room to open and serve. It is made again once there is room.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from index.reading.sizes import MB, human_size

log = logging.getLogger(__name__)

RESERVE_FILE = "disk-reserve"
RESERVE_BYTES = 32 * MB  # enough for SQLite and Chroma to open, recover and answer (they need a few MB)
NEARLY_FULL_BYTES = 16 * MB  # less free than this after a failed write: the failure was the disk


def free_bytes(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    return shutil.disk_usage(directory).free


def keep_reserve(index_dir: Path, size: int = RESERVE_BYTES) -> bool:
    """Make the reserve file when it is missing and the disk has room for it and as much again."""
    path = Path(index_dir) / RESERVE_FILE
    if path.exists():
        return True
    if size <= 0 or free_bytes(Path(index_dir)) < 2 * size:
        return False
    try:
        with path.open("wb") as file:
            os.posix_fallocate(file.fileno(), 0, size)
    except OSError:
        path.unlink(missing_ok=True)
        return False
    return True


def release_reserve(index_dir: Path) -> None:
    path = Path(index_dir) / RESERVE_FILE
    if path.exists():
        path.unlink()
        log.warning("disk full: released the %s reserve so the index stays usable", human_size(RESERVE_BYTES))


def is_disk_full(exc: BaseException | None, index_dir: Path) -> bool:
    """ENOSPC anywhere in the chain, the words SQLite and Chroma use for it, or — since Chroma's errors
    may say neither ("Failed to apply logs") — a disk with almost no room left after the failure."""
    chain = exc
    while chain is not None:
        if isinstance(chain, OSError) and chain.errno == errno.ENOSPC:
            return True
        if any(words in str(chain).lower() for words in ("no space left", "disk is full")):
            return True
        chain = chain.__cause__ or chain.__context__
    return exc is not None and free_bytes(Path(index_dir)) < NEARLY_FULL_BYTES
