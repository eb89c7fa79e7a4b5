"""A lock beside the state file, so two runs over the same state never overlap (cron stacking).

``fcntl.flock`` on ``<state>.lock``: released by the kernel when the process ends, even on
SIGKILL, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class StateLockedError(RuntimeError):
    """Another process holds the lock; the message names it."""


class StateLock:
    """An exclusive, non-blocking lock on ``<state path>.lock``."""

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise StateLockedError(
                f"another crawl is using the state {self.path.with_suffix('')} ({holder}); "
                "this run exits without crawling. Runs over one state must not overlap: "
                "widen the schedule interval, or give each job its own NEWSCRAWL_STATE."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
