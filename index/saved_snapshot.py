"""A snapshot of what serving searches (index.retrieval.Snapshot), saved next to the catalog.

Built at ingest and loaded at start, instead of rebuilt from the catalog by every process that serves:
at 1,000 reports the rebuild (catalog read, jieba dictionary, BM25 index, idf, character pairs) took
~12 s of a 34–40 s cold start. One file per catalog version (its instance id and generation), so a
stale file is never read as current; written to a per-process partial file and renamed, so a crash
never leaves half a file under the real name. A file that does not load is rebuilt.

Pickle, because the file is as trusted as the catalog beside it: both are this index's own data. Its large
matrices (the chunks' vectors: 117 MB at 1,000 reports) are written beside it, raw, and memory-mapped at
load: the load does not read them, and processes serving one index share their pages.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 4  # bump when Snapshot or what it holds changes shape: older files are then rebuilt
_PREFIX = "snapshot-"
_MAPPED_MIN_BYTES = 1 << 20  # float matrices this large go beside the pickle; smaller arrays stay inside it


class SavedSnapshots:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, version: str) -> Path:
        return self.folder / f"{_PREFIX}{version}.pickle"

    def _matrix_path(self, version: str, number: int) -> Path:
        return self.folder / f"{_PREFIX}{version}.{number}.matrix"

    def load(self, version: str) -> Any | None:
        """The snapshot saved for this catalog version; None when there is none or it does not load."""
        path = self._path(version)
        try:
            with path.open("rb") as file, _no_collection():
                if pickle.load(file) != (FORMAT, version):
                    return None
                mapped = (np.memmap(self._matrix_path(version, i), dtype=np.uint8, mode="r") for i in itertools.count())
                snapshot = pickle.load(file, buffers=mapped)
        except FileNotFoundError:
            return None
        except Exception as exc:  # truncated, overwritten, or from another version of the code: rebuild
            log.warning("已保存的检索快照 %s 无法读取，将重建：%s", path.name, exc)
            return None
        return snapshot

    def save(self, version: str, snapshot: Any) -> None:
        """Write atomically, then remove the other versions' files (a process still mapping one keeps it)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(version)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        written: list[Path] = []  # the matrices beside it
        try:
            with partial.open("wb") as file:
                pickle.dump((FORMAT, version), file, protocol=5)
                # The matrices are written while the pickle is, the pickle renamed last: once it has its name,
                # every file it needs has too.
                pickle.dump(snapshot, file, protocol=5,
                            buffer_callback=lambda buffer: not self._write_matrix(version, buffer, written))
            partial.replace(path)
        except OSError as exc:  # a full disk must not fail the ingest or the answer: serving rebuilds next time
            partial.unlink(missing_ok=True)
            log.warning("检索快照未能保存：%s", exc)
            return
        own = f"{_PREFIX}{version}."
        for other in self.folder.glob(f"{_PREFIX}*"):
            if other.name.endswith(".partial"):
                if not _alive(other.suffixes[-2]):
                    other.unlink(missing_ok=True)  # what a killed writer left
            elif not other.name.startswith(own):
                other.unlink(missing_ok=True)  # other versions

    def _write_matrix(self, version: str, buffer: pickle.PickleBuffer, written: list[Path]) -> bool:
        """A large float matrix is written beside the pickle (True), raw; any other array stays inside it."""
        view = memoryview(buffer)
        if not (view.ndim == 2 and view.format == "f" and view.nbytes >= _MAPPED_MIN_BYTES):
            return False
        target = self._matrix_path(version, len(written))
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            with partial.open("wb") as file:
                file.write(buffer.raw())
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
        return True


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: loading creates only live objects (58,000 chunks at 1,000
    reports), and the collections their number triggers made the load 0.81 s instead of 0.49 s."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _alive(pid_suffix: str) -> bool:
    """Is the process a partial file is named after (".1234") still running?"""
    try:
        os.kill(int(pid_suffix.lstrip(".")), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
