"""Start the replica in a subprocess for a test: ``with ReplicaServer(articles=60) as site: ...``.

``faults=["503,count=2", ...]`` and ``request_log=Path`` map to ``--fault`` and
``--request-log``; ``requests()`` reads the request log back.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.processes import ServerProcess, stop_process
from tests.site.requestlog import read_log

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


class ReplicaServer(ServerProcess):
    """``python -m tests.site --port 0 ...`` as a context manager.

    ``base_url`` is read from the first stdout line; ``truth()``, ``clock()``, ``set_clock()``
    and ``advance()`` talk to the running server; ``process`` / ``pid`` name its process;
    leaving the block terminates it and waits. ``faults`` are ``--fault`` SPECs,
    ``request_log`` the ``--request-log`` file read by ``requests()``; ``fault_state()``
    returns ``/__faults__`` and ``offsite_url`` the offsite host (``redirect_offsite``).
    """

    def __init__(
        self,
        articles: int = 300,
        seed: int = 1,
        now: str | None = None,
        days: float | None = None,
        extra_args: list[str] | None = None,
        start_timeout: float = START_TIMEOUT,
        faults: list[str] | None = None,
        request_log: Path | None = None,
    ):
        self.args = ["--port", "0", "--articles", str(articles), "--seed", str(seed)]
        if now is not None:
            self.args += ["--now", now]
        if days is not None:
            self.args += ["--days", str(days)]
        for spec in faults or []:
            self.args += ["--fault", spec]
        self.request_log = Path(request_log) if request_log is not None else None
        if self.request_log is not None:
            self.args += ["--request-log", str(self.request_log)]
        self.args += list(extra_args or [])
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ReplicaServer:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.site", *self.args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def pump() -> None:  # keep reading so the pipe never fills up
            for line in stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=pump, name="replica-stdout", daemon=True).start()
        try:
            first = lines.get(timeout=self.start_timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"replica did not start within {self.start_timeout} s") from None
        prefix = "listening on "
        if not first.startswith(prefix):
            self.stop()
            raise RuntimeError(f"replica failed to start (first line {first!r})")
        self.base_url = first[len(prefix) :].strip()
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        stop_process(process)
        if process.stdout is not None:
            process.stdout.close()

    # ------------------------------------------------------------------ helpers
    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        """Status and body of ``GET path`` (no exception on 4xx/5xx)."""
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    @property
    def pid(self) -> int | None:
        """Process id of the running replica (None when stopped)."""
        return self.process.pid if self.process is not None else None

    def _json(self, path: str, timeout: float = 30) -> Any:
        status, body = self.get(path, timeout=timeout)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {body[:200]!r}")
        return json.loads(body)

    def truth(self, edition: str | None = None) -> list[dict[str, Any]]:
        """Ground truth of the visible articles (``/__truth__.json``)."""
        query = f"?edition={edition}" if edition else ""
        # ~0.2 ms per article on the server: allow for large replicas
        result: list[dict[str, Any]] = self._json(f"/__truth__.json{query}", timeout=900)
        return result

    def clock(self) -> str:
        """The server's current simulated time (ISO 8601)."""
        return str(self._json("/__clock__")["now"])

    def set_clock(self, now: str) -> str:
        """Move the simulated clock to ``now`` (ISO 8601); returns the new time."""
        return str(self._json("/__clock__?now=" + urllib.parse.quote(now))["now"])

    def advance(self, minutes: float) -> str:
        """Move the simulated clock forward by ``minutes``; returns the new time."""
        return str(self._json(f"/__clock__?advance_minutes={minutes}")["now"])

    def requests(self) -> list[dict[str, Any]]:
        """The request log so far (one dict per request), when ``request_log`` was given."""
        if self.request_log is None:
            raise RuntimeError("no request log: start ReplicaServer(..., request_log=PATH)")
        if not self.request_log.exists():
            return []
        return read_log(self.request_log)

    def fault_state(self) -> dict[str, Any]:
        """``/__faults__``: the active faults with their hit counts, and the offsite host."""
        result: dict[str, Any] = self._json("/__faults__")
        return result

    @property
    def offsite_url(self) -> str | None:
        """``http://127.0.0.2:PORT`` when a ``redirect_offsite`` fault started the offsite host."""
        offsite = self.fault_state().get("offsite")
        return str(offsite) if offsite else None
