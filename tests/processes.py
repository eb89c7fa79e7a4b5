"""Stopping the servers a test started (the replica, Scrapyd): politely, then for sure."""

from __future__ import annotations

import subprocess
from types import TracebackType
from typing import Any, Self


def stop_process(process: subprocess.Popen[Any], grace: float = 10) -> None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL; always reaps the process."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerProcess:
    """A server a test starts and stops: ``with Server(...) as server:`` runs ``start()`` and
    ``stop()`` (subclasses define both; ``start`` returns the started server)."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
