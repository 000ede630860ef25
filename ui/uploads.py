"""Uploaded files do not outlive their use: a staff upload is deleted once it was previewed and
refused, or imported, and any upload older than the TTL is deleted by a sweeper thread.

Gradio keeps each upload as <upload dir>/<folder>/<name> and lists it in Blocks.upload_file_set.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, MutableSet
from pathlib import Path

log = logging.getLogger(__name__)


def discard_upload(path: str | Path, known: MutableSet[str] | None = None) -> None:
    """Delete the file and its folder when that is left empty."""
    file = Path(path)
    file.unlink(missing_ok=True)
    if known is not None:
        known.discard(str(path))
    try:
        file.parent.rmdir()
    except OSError:  # not empty, or already gone
        pass


def sweep(known: MutableSet[str], older_than_s: float, now: Callable[[], float] = time.time) -> int:
    """Delete the known uploads last changed more than `older_than_s` ago (or already gone); how many."""
    swept = 0
    for path in list(known):
        try:
            age = now() - Path(path).stat().st_mtime
        except OSError:
            known.discard(path)
            continue
        if age > older_than_s:
            discard_upload(path, known)
            swept += 1
    return swept


def keep_swept(known: MutableSet[str], ttl_s: float) -> threading.Event:
    """`sweep` every quarter TTL in a daemon thread, until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(max(ttl_s / 4, 1.0)):
            if swept := sweep(known, ttl_s):
                log.info("deleted %d uploads older than %.0f s", swept, ttl_s)

    threading.Thread(target=loop, name="govqa-upload-sweeper", daemon=True).start()
    return stop
