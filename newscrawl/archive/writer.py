"""Writing a run's responses to WARC files with warcio, crash-safe and rotated by size.

Each record is written as its own gzip member and the file is flushed after it, so a process
killed at any moment leaves a file that reads, with warcio's ``ArchiveIterator``, up to the
last complete record (a torn tail is reported by :mod:`newscrawl.archive.reader`). A response
record keeps the status line, headers and body bytes as the downloader returned them (a body
still compressed as the server sent it keeps its ``Content-Encoding``); the de-chunked body
is stored without its ``Transfer-Encoding`` header, so that readers do not try to de-chunk it
again. A ``request`` record follows each response (``WARC-Concurrent-To`` the response).
"""

from __future__ import annotations

import http
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.archive.location import DEFAULT_MAX_BYTES, ArchiveRef, file_name

#: Response headers not kept (the stored body is no longer in that framing).
DROPPED_HEADERS = frozenset({"transfer-encoding"})


def _header_pairs(headers: object, drop: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():  # type: ignore[attr-defined]
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if key.lower() in drop:
            continue
        for value in values if isinstance(values, list) else [values]:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((key, text))
    return pairs


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _request_target(url: str) -> str:
    """The request line's target: the URL's path and query."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else "/"


class ArchiveWriter:
    """The archive files of one run: ``<spider>-<run_id>-NNNNN.warc.gz``, rotated by size."""

    def __init__(
        self,
        directory: Path,
        spider: str,
        run_id: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        software: str = "newscrawl",
    ) -> None:
        self.directory = directory
        self.spider = spider
        self.run_id = run_id
        self.max_bytes = max(1, max_bytes)
        self.software = software
        self.counter = -1
        self.name: str | None = None
        self._stream: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        #: Records and bytes written in this run.
        self.records = 0
        self.bytes = 0

    def _open_next(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.counter += 1
            name = file_name(self.spider, self.run_id, self.counter)
            try:  # never append to a file another run (or job) left
                stream = (self.directory / name).open("xb")
            except FileExistsError:
                continue
            break
        self.name, self._stream = name, stream
        self._writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        info = {"software": self.software, "format": "WARC File Format 1.1", "run": self.run_id}
        self._write(self._writer.create_warcinfo_record(name, info))

    def _write(self, record: object) -> int:
        assert self._writer is not None and self._stream is not None
        offset = self._stream.tell()
        self._writer.write_record(record)  # one gzip member, flushed
        self.records += 1
        self.bytes += self._stream.tell() - offset
        return offset

    def write(self, request: Request, response: Response, received: datetime) -> ArchiveRef:
        """Append the response and its request; returns where the response record is."""
        if self._stream is None or self._stream.tell() >= self.max_bytes:
            self._open_next()
        assert self._writer is not None and self.name is not None
        latency = float(request.meta.get("download_latency") or 0.0)
        sent = received - timedelta(seconds=latency)
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        http_headers = StatusAndHeaders(
            _status_line(response.status),
            _header_pairs(response.headers, DROPPED_HEADERS),
            protocol=protocol,
        )
        warc_headers = {"WARC-Date": _warc_date(received)}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        record = self._writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        offset = self._write(record)
        request_headers = StatusAndHeaders(
            f"{request.method} {_request_target(request.url)} {protocol}",
            _header_pairs(request.headers),
            is_http_request=True,
        )
        request_record = self._writer.create_warc_record(
            request.url,
            "request",
            payload=io.BytesIO(request.body or b""),
            length=len(request.body or b""),
            http_headers=request_headers,
            warc_headers_dict={
                "WARC-Date": _warc_date(sent),
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._write(request_record)
        return ArchiveRef(file=self.name, offset=offset)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = self._writer = None
