"""The replica alone: how many pages per second it serves to a small concurrent client.

A minimal asyncio HTTP/1.1 client (persistent connections, like Scrapy's) fetches a list of
URLs with ``concurrency`` connections and measures the rate. It costs far less CPU per page than
Scrapy, so the rate it reaches is the replica's own ceiling on this machine, for context: a crawl
cannot go faster than the replica serves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    pages: int
    errors: int
    wall_seconds: float
    bytes_total: int
    replica_cpu_seconds: float | None = None

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def replica_cpu_ms_per_page(self) -> float | None:
        if self.replica_cpu_seconds is None or not self.pages:
            return None
        return 1000 * self.replica_cpu_seconds / self.pages


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, connection kept alive) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip().lower()
    keep = headers.get("connection") != "close" and lines[0].startswith("HTTP/1.1")
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body), keep
    if headers.get("transfer-encoding") == "chunked":
        size_total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, size_total, keep
            size_total += len(await reader.readexactly(size))
            await reader.readexactly(2)
    body = await reader.read()
    return status, len(body), False


async def _worker(queue: asyncio.Queue[str], host: str, port: int, totals: list[int]) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while True:
        try:
            url = queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for _attempt in range(2):
            try:
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(
                    f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "User-Agent: newscrawl-bench\r\nAccept-Encoding: identity\r\n\r\n".encode()
                )
                status, size, keep = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            totals[0] += 1
            totals[1] += size
            totals[2] += status >= 400
            if not keep:
                writer.close()
                reader = writer = None
            break
        else:
            totals[2] += 1
    if writer is not None:
        writer.close()


async def _load(urls: Sequence[str], concurrency: int) -> tuple[int, int, int]:
    first = urlsplit(urls[0])
    host, port = first.hostname or "127.0.0.1", first.port or 80
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    totals = [0, 0, 0]  # pages, bytes, errors
    await asyncio.gather(*(_worker(queue, host, port, totals) for _ in range(concurrency)))
    return totals[0], totals[1], totals[2]


def load_replica(urls: Sequence[str], concurrency: int = 16) -> LoadResult:
    """Fetch every URL with ``concurrency`` persistent connections; pages per second."""
    started = time.perf_counter()
    pages, size, errors = asyncio.run(_load(urls, concurrency))
    return LoadResult(
        pages=pages, errors=errors, wall_seconds=time.perf_counter() - started, bytes_total=size
    )
