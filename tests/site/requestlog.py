"""The replica's request log (``--request-log PATH``): one JSON object per line, flushed per request.

``{"time", "received", "host", "listener", "method", "path", "status", "fault", "user_agent"}``; ``path``
is the path and query as the client sent them; ``received`` is when the request arrived
(the kernel's timestamp where there is one), ``time`` when its answer was ready. The file is truncated when the server starts.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class RequestLog:
    """Thread-safe JSON-lines writer shared by the main and the offsite listener."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = self.path.open("w", encoding="utf-8")
        self._lock = threading.Lock()

    def write(
        self,
        *,
        host: str | None,
        listener: str,
        method: str,
        path: str,
        status: int,
        fault: str | None,
        user_agent: str | None,
        received: datetime | None = None,
    ) -> None:
        now = datetime.now(UTC)
        record = {
            "time": now.isoformat(timespec="milliseconds"),
            "received": (received or now).isoformat(timespec="microseconds"),
            "host": host,
            "listener": listener,
            "method": method,
            "path": path,
            "status": status,
            "fault": fault,
            "user_agent": user_agent,
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            if not self._stream.closed:
                self._stream.write(line)
                self._stream.flush()

    def close(self) -> None:
        with self._lock:
            self._stream.close()


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The records of a request log (a last line still being written is skipped)."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    return [json.loads(line) for line in lines[:-1] if line.strip()]
