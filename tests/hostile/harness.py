"""The hostile suite's harness: a site whose chosen paths answer the way an attacker's (or a
broken) server would, everything else served by the replica; a sentinel server that must never
be reached; and a real ``scrapy crawl report`` measured for its wall time and peak memory.

Everything listens on 127.0.0.1 and is started and stopped by the test that needs it.

    with ReplicaServer(articles=40) as replica, HostileSite(replica.base_url) as site:
        site.route(r"^/robots\\.txt$", lambda request: Answer(503))
        outcome = measured_crawl("robots-503", site.base_url, tmp_path / "out")
        assert outcome.returncode == ... and outcome.peak_mb < MEMORY_BOUND_MB
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from tests.crawl import CrawlResult, crawl_command, existing_files, read_output

#: The bound the issue sets for any input the downloader accepts.
MEMORY_BOUND_MB = 500.0
#: Hop-by-hop headers a proxy does not pass on.
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Answer:
    """What a hostile route sends: a status, headers, and a body (bytes, or chunks sent one
    after the other, each after ``pause`` seconds: a drip, or a stream too big to hold)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")]
    )
    body: bytes | Iterable[bytes] = b""
    pause: float = 0.0
    #: Send no Content-Length (the body ends when the connection closes).
    no_length: bool = False


@dataclass(frozen=True)
class Seen:
    """One request a server of the harness received."""

    method: str
    path: str
    host: str | None
    headers: dict[str, str]


Route = Callable[[Seen], Answer | None]


class _Server:
    """A threaded HTTP server on 127.0.0.1 that logs every request and lets ``answer`` decide."""

    def __init__(self, answer: Callable[[Seen, BaseHTTPRequestHandler], None]) -> None:
        self.seen: list[Seen] = []
        log, decide = self.seen, answer

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                request = Seen(
                    self.command, self.path, self.headers.get("Host"), dict(self.headers)
                )
                log.append(request)
                # the crawler may hang up (a size limit, a timeout): that is its right
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    decide(request, self)

            do_GET = do_HEAD = do_POST = _any

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
    """Write ``answer`` on ``handler``'s connection."""
    chunks: Iterable[bytes] = [answer.body] if isinstance(answer.body, bytes) else answer.body
    handler.send_response(answer.status)
    for name, value in answer.headers:
        handler.send_header(name, value)
    if isinstance(answer.body, bytes) and not answer.no_length:
        handler.send_header("Content-Length", str(len(answer.body)))
    if answer.no_length or not isinstance(answer.body, bytes):
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    if handler.command == "HEAD":
        return
    for chunk in chunks:
        if answer.pause:
            time.sleep(answer.pause)
        handler.wfile.write(chunk)
        handler.wfile.flush()


class HostileSite(_Server):
    """A front for the replica at ``upstream``: a request whose path matches a route (a regex,
    searched in the path and query) gets that route's answer (a route may return None to pass
    the request on), every other request is forwarded to the replica with its Host header
    kept, so the replica's absolute links name this site."""

    def __init__(self, upstream: str) -> None:
        self.routes: list[tuple[re.Pattern[str], Route]] = []
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        super().__init__(self._answer)

    def route(self, pattern: str, answer: Route | Answer) -> None:
        """Answer requests whose path matches ``pattern`` with ``answer`` (first match wins)."""
        self.routes.append((re.compile(pattern), answer if callable(answer) else lambda _: answer))

    def rewrite(self, pattern: str, change: Callable[[bytes], bytes]) -> None:
        """Forward requests whose path matches ``pattern`` to the replica and send its answer
        with the body passed through ``change`` (one card's date replaced, a link swapped)."""

        def changed(request: Seen) -> Answer:
            answer = self._forward(request)
            assert isinstance(answer.body, bytes)
            answer.body = change(answer.body)
            return answer

        self.route(pattern, changed)

    def _answer(self, request: Seen, handler: BaseHTTPRequestHandler) -> None:
        for pattern, route in self.routes:
            if pattern.search(request.path) and (answer := route(request)) is not None:
                send(handler, answer)
                return
        send(handler, self._forward(request))

    def _forward(self, request: Seen) -> Answer:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
            connection.request(request.method, request.path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = [
                (k, v)
                for k, v in response.getheaders()
                if k.lower() not in _HOP and k.lower() != "content-length"
            ]
            return Answer(response.status, kept, body)
        finally:
            connection.close()

    def hits(self, pattern: str) -> list[Seen]:
        """The requests received whose path matches ``pattern``."""
        found = re.compile(pattern)
        return [seen for seen in self.seen if found.search(seen.path)]


class Sentinel(_Server):
    """A server that must never be reached (another port of the same host, a redirect target,
    a link target): ``seen`` lists whatever reached it anyway."""

    def __init__(self) -> None:
        super().__init__(lambda _, handler: send(handler, Answer(200, body=b"<p>sentinel</p>")))


@dataclass
class Outcome:
    """A measured crawl: its output (``result``), wall time and the peak resident memory of
    the crawler's process."""

    case: str
    result: CrawlResult
    seconds: float
    peak_mb: float

    @property
    def returncode(self) -> int:
        return self.result.returncode

    @property
    def log(self) -> str:
        return self.result.log


#: Every measured crawl of this test process, for the table at the session's end (conftest.py).
MEASURED: list[Outcome] = []
#: Under pytest-xdist each worker also appends its rows to this file (set by conftest.py), so
#: the controller can print them all.
ROWS_ENV = "NEWSCRAWL_HOSTILE_ROWS"


def row(outcome: Outcome) -> dict[str, Any]:
    """One measured run as a row of the table."""
    return {
        "case": outcome.case,
        "peak_mb": outcome.peak_mb,
        "seconds": outcome.seconds,
        "exit": outcome.returncode,
        "articles": len(outcome.result.all_articles()),
        "rejects": len(outcome.result.rejects),
        "reasons": sorted({str(r.get("reason")) for r in outcome.result.rejects}),
    }


def _measured(outcome: Outcome) -> None:
    MEASURED.append(outcome)
    if target := os.environ.get(ROWS_ENV):
        with open(target, "a", encoding="utf-8") as rows:
            rows.write(json.dumps(row(outcome)) + "\n")


def measured_crawl(
    case: str,
    base_url: str,
    output_dir: Path,
    *,
    timeout: float = 120,
    extra: list[str] | None = None,
    env: dict[str, str] | None = None,
    prefix: list[str] | None = None,
    preexec_fn: Callable[[], Any] | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], Any] | None = None,
    **options: Any,
) -> Outcome:
    """Run ``scrapy crawl report`` (options as :func:`tests.crawl.crawl_command`; ``extra``
    arguments appended, ``prefix`` put before it, e.g. ``setpriv ...``) and measure it: wall
    time and peak memory of that one process (:func:`_wait`). ``preexec_fn`` runs in the child
    before the crawl (a resource limit), ``on_start`` gets the process once started (to signal
    it)."""
    before = existing_files(output_dir)
    command, environment = crawl_command(base_url, output_dir, **options)
    log_path = output_dir.parent / f"{output_dir.name}-{len(MEASURED)}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*(prefix or []), *command, *(extra or [])],
            env={**environment, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
            preexec_fn=preexec_fn,
        )
        if on_start is not None:
            on_start(process)
        returncode, peak_kb = _wait(process, timeout)
    seconds = time.monotonic() - started
    result = (
        read_output(output_dir, before) if output_dir.is_dir() else CrawlResult(0, "", output_dir)
    )
    result.returncode = returncode
    result.log = log_path.read_text(encoding="utf-8", errors="replace")
    outcome = Outcome(case, result, seconds, peak_kb / 1024)
    _measured(outcome)
    return outcome


def measured_scrapy(
    case: str,
    arguments: list[str],
    output_dir: Path,
    *,
    state: Path | str = "",
    settings: dict[str, str] | None = None,
    timeout: float = 120,
) -> Outcome:
    """Run another project command, ``scrapy ARGUMENTS...`` (e.g. ``reparse``), with the crawl's
    environment (``tests.crawl.run_scrapy``), measured like :func:`measured_crawl`."""
    before = existing_files(output_dir)
    command, environment = crawl_command("http://127.0.0.1:1", output_dir, state=state)
    command = [command[0], "-m", "scrapy", *arguments]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    log_path = output_dir.parent / f"{output_dir.name}-{len(MEASURED)}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
        )
        returncode, peak_kb = _wait(process, timeout)
    result = read_output(output_dir, before)
    result.returncode = returncode
    result.log = log_path.read_text(encoding="utf-8", errors="replace")
    outcome = Outcome(case, result, time.monotonic() - started, peak_kb / 1024)
    _measured(outcome)
    return outcome


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, int]:
    """The exit status and peak RSS (KiB) of ``process``; killed after ``timeout`` s (then the
    status is -9). The peak is the process's own ``VmHWM``, read while it runs: ``wait4``'s
    ``ru_maxrss`` also counts the test runner's memory, which a child has at fork (and keeps
    through exec), so a crawl started from a big pytest would seem as big; it is the fallback
    when the process ended before one reading."""
    deadline = time.monotonic() + timeout
    peak = 0
    while True:
        peak = max(peak, _high_water_kb(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, peak or int(usage.ru_maxrss)
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.05)


def _high_water_kb(pid: int) -> int:
    """``VmHWM`` of a running process (KiB); 0 when it cannot be read (exited, not Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def chunks(total: int, size: int = 1 << 20, byte: bytes = b"a") -> Iterator[bytes]:
    """``total`` bytes of ``byte`` in chunks of ``size`` (a big body that is never held)."""
    block = byte * size
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece
