"""The replica as the benchmark uses it: its own process, its clock, its pid (for its CPU time).

Uses :class:`tests.site.harness.ReplicaServer`; the few extras the benchmark needs (the pid,
visible article counts) are read through its process and the replica's ``/__clock__`` endpoint.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Replica:
    """A running replica: where it serves, its pid, and its clock controls."""

    server: Any  # tests.site.harness.ReplicaServer

    @property
    def base_url(self) -> str:
        return str(self.server.base_url)

    @property
    def pid(self) -> int | None:
        for name in ("process", "proc", "popen", "_process", "_proc"):
            process = getattr(self.server, name, None)
            if process is not None and hasattr(process, "pid"):
                return int(process.pid)
        return None

    def clock(self, **query: str) -> dict[str, Any]:
        suffix = "&".join(f"{key}={value}" for key, value in query.items())
        url = f"{self.base_url}/__clock__" + (f"?{suffix}" if suffix else "")
        with urllib.request.urlopen(url, timeout=60) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    def visible(self) -> dict[str, int]:
        """Articles visible now, per edition."""
        return {str(k): int(v) for k, v in self.clock()["visible"].items()}

    def advance(self, minutes: float) -> None:
        if hasattr(self.server, "advance"):
            self.server.advance(minutes)
        else:
            self.clock(advance_minutes=str(minutes))

    def now(self) -> str:
        """The replica's simulated clock (ISO 8601)."""
        return str(self.clock()["now"])

    def advance_until_new(self, wanted: int, step_minutes: float = 5) -> tuple[int, float]:
        """Move the clock on until at least ``wanted`` new articles are visible (or a day).

        Returns (new articles, minutes advanced).
        """
        before = sum(self.visible().values())
        advanced = 0.0
        new = 0
        while advanced < 24 * 60 and new < wanted:
            self.advance(step_minutes)
            advanced += step_minutes
            new = sum(self.visible().values()) - before
        return new, advanced

    def truth(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.server.truth()
        return items


@contextmanager
def start_replica(
    articles: int,
    seed: int,
    *,
    request_log: Path | None = None,
    extra_args: list[str] | None = None,
) -> Iterator[Replica]:
    """``python -m tests.site --port 0 --articles N --seed S`` in its own process.

    ``request_log``: the replica logs every request there (``--request-log``), for the
    measures that count requests or time them as the site sees them.
    """
    from tests.site.harness import ReplicaServer

    with ReplicaServer(
        articles=articles, seed=seed, request_log=request_log, extra_args=extra_args
    ) as server:
        yield Replica(server)
