"""The raw-page archive in WARC files (README, "Raw archive"): each record is one gzip member
flushed at once, so a killed process leaves a file that reads to its last complete record.
warcio reads a cut gzip member without complaint: a torn tail is found by the last member with a
gzip trailer."""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.client import responses
from pathlib import Path
from typing import IO, Any, Self, TypedDict

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.items import Article
from newscrawl.limits import OverLimit, inflate

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
#: The most bytes of one record's body read or inflated (Scrapy's DOWNLOAD_MAXSIZE default).
DEFAULT_MAX_BODY = 8 * 1024 * 1024
_NAME = re.compile(r"^(?P<spider>[a-z]+)-(?P<run>.+)-(?P<counter>\d{5})\.warc\.gz$")
#: ``request.meta`` keys: the record of the response; set on requests answered from the archive.
ARCHIVE_META = "newscrawl_archive"
REPLAYED_META = "newscrawl_replayed"
#: What a torn gzip member or record raises inside warcio.
TORN_ERRORS = (EOFError, zlib.error, ArchiveLoadFailed, ValueError, OSError)


class ArchiveRef(TypedDict):
    """Where one record is: a file name relative to the archive directory, a byte offset."""

    file: str
    offset: int


def archive_dir(settings: Any) -> Path | None:
    """The archive directory from the settings, or None when the archive is off."""
    value = settings.get("NEWSCRAWL_ARCHIVE")
    if value is None:
        return Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") / "archive"
    text = str(value).strip()
    return None if text.lower() in ("", "0", "false", "off", "no") else Path(text)


def run_of(name: str) -> str | None:
    """The run id in an archive file name, or None for a file this project did not name."""
    return match.group("run") if (match := _NAME.match(name)) else None


def archive_files(directory: Path, run_id: str | None = None) -> list[Path]:
    """The archive files under ``directory`` (of one run when ``run_id`` is given), oldest
    first (run ids are start times, so the names sort in time order)."""
    paths = directory.glob("*.warc.gz") if directory.is_dir() else ()
    return sorted(p for p in paths if (run := run_of(p.name)) is not None and run_id in (None, run))


def _pairs(headers: Headers, drop: str = "") -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.decode("latin-1").lower() != drop
        for value in values
    ]


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ArchiveWriter:
    """The archive files of one run, rotated by size: a ``response`` record as the downloader
    returned it (a compressed body keeps its ``Content-Encoding``, ``Transfer-Encoding`` is
    dropped), then its ``request`` record."""

    def __init__(
        self,
        directory: Path,
        spider: str,
        run_id: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        software: str = "newscrawl",
    ) -> None:
        self.directory, self.spider, self.run_id = directory, spider, run_id
        self.max_bytes, self.software = max(1, max_bytes), software
        self.counter, self.name, self.bytes = -1, "", 0  # bytes: written in this run
        self._stream: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def _open_next(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while self._stream is None:
            self.counter += 1
            self.name = f"{self.spider}-{self.run_id}-{self.counter:05d}.warc.gz"
            with contextlib.suppress(FileExistsError):  # never append to another run's file
                self._stream = (self.directory / self.name).open("xb")
        self._writer = WARCWriter(self._stream, gzip=True, warc_version="1.1")
        info = {"software": self.software, "format": "WARC File Format 1.1", "run": self.run_id}
        self._write(self._writer.create_warcinfo_record(self.name, info))

    def _write(self, record: Any) -> int:
        assert self._writer is not None and self._stream is not None
        offset = self._stream.tell()
        self._writer.write_record(record)  # one gzip member, flushed
        self.bytes += self._stream.tell() - offset
        return offset

    def _record(self, url: str, kind: str, body: bytes, head: Any, warc: dict[str, str]) -> Any:
        assert self._writer is not None
        payload = io.BytesIO(body)
        return self._writer.create_warc_record(
            url, kind, payload=payload, length=len(body), http_headers=head, warc_headers_dict=warc
        )

    def write(self, request: Request, response: Response, received: datetime) -> ArchiveRef:
        """Append the response and its request; returns where the response record is."""
        if self._stream is None or self._stream.tell() >= self.max_bytes:
            self._open_next()
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        status = f"{response.status} {responses.get(response.status, 'Unknown')}"
        head = StatusAndHeaders(status, _pairs(response.headers, "transfer-encoding"), protocol)
        warc = {"WARC-Date": _warc_date(received)}
        if response.ip_address is not None:
            warc["WARC-IP-Address"] = str(response.ip_address)
        record = self._record(response.url, "response", response.body, head, warc)
        offset = self._write(record)
        target = "/" + request.url.split("://", 1)[-1].partition("/")[2]
        line = f"{request.method} {target} {protocol}"
        head = StatusAndHeaders(line, _pairs(request.headers), is_http_request=True)
        sent = received - timedelta(seconds=float(request.meta.get("download_latency") or 0))
        concurrent = record.rec_headers.get_header("WARC-Record-ID")
        warc = {"WARC-Date": _warc_date(sent), "WARC-Concurrent-To": concurrent}
        self._write(self._record(request.url, "request", request.body or b"", head, warc))
        return ArchiveRef(file=self.name, offset=offset)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = self._writer = None


@dataclass
class ArchivedResponse:
    """One response record: what the downloader returned, and where the record is."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # WARC-Date, UTC ISO 8601
    protocol: str
    ref: ArchiveRef
    #: The record's payload was longer than the limit it was read with (``body`` is empty).
    over_limit: bool = False

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def decoded_body(self, limit: int = DEFAULT_MAX_BODY) -> bytes | None:
        """The body with its gzip or deflate ``Content-Encoding`` undone, never more than
        ``limit`` bytes (:class:`~newscrawl.limits.OverLimit` past it); None when it cannot be
        undone here (a replayed record goes through Scrapy's own decompression)."""
        if self.over_limit:
            raise OverLimit(f"record body is over {limit} bytes")
        return inflate(self.body, self.header("content-encoding") or "identity", limit)


def _response(record: Any, name: str, offset: int, limit: int) -> ArchivedResponse:
    head = record.http_headers
    body = record.raw_stream.read(limit + 1)  # as received: Scrapy decodes Content-Encoding
    return ArchivedResponse(
        url=str(record.rec_headers.get_header("WARC-Target-URI")),
        status=int(head.get_statuscode()),
        headers=[(str(k), str(v)) for k, v in head.headers],
        body=body if len(body) <= limit else b"",
        date=str(record.rec_headers.get_header("WARC-Date")),
        protocol=str(head.protocol or "HTTP/1.1"),
        ref=ArchiveRef(file=name, offset=offset),
        over_limit=len(body) > limit,
    )


def read_response(
    directory: Path, ref: ArchiveRef, limit: int = DEFAULT_MAX_BODY
) -> ArchivedResponse:
    """The response record at ``ref`` (its file name is never a path outside ``directory``);
    a payload over ``limit`` bytes is not read (``over_limit``)."""
    name = Path(ref["file"]).name
    with (directory / name).open("rb") as stream:
        stream.seek(int(ref["offset"]))
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                raise ValueError(f"{name}@{ref['offset']} is a {record.rec_type} record")
            return _response(record, name, int(ref["offset"]), limit)
    raise ValueError(f"no record at {name}@{ref['offset']}")


def whole_members_end(path: Path) -> int:
    """The byte offset where the last complete gzip member of ``path`` ends (inflated a step
    at a time: a member that inflates to gigabytes is never held)."""
    end = consumed = 0
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with path.open("rb") as stream:
        while data := stream.read(1 << 16):
            while data:
                try:
                    decompressor.decompress(data, 1 << 20)
                    while decompressor.unconsumed_tail and not decompressor.eof:
                        decompressor.decompress(decompressor.unconsumed_tail, 1 << 20)
                except zlib.error:
                    return end
                if not decompressor.eof:
                    consumed += len(data)
                    break
                consumed += len(data) - len(decompressor.unused_data)
                end, data = consumed, decompressor.unused_data
                decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    return end


def iter_records(path: Path, limit: int = DEFAULT_MAX_BODY) -> Iterator[ArchivedResponse | None]:
    """Every complete record of ``path`` in file order, up to a torn tail: a response record
    as an :class:`ArchivedResponse` (a payload over ``limit`` bytes unread, ``over_limit``),
    any other as None."""
    whole = whole_members_end(path)
    with path.open("rb") as stream, contextlib.suppress(*TORN_ERRORS):
        iterator = ArchiveIterator(stream)
        for record in iterator:
            # the payload first: asking for the offset reads the record to its end
            kind = record.rec_type
            response = _response(record, path.name, 0, limit) if kind == "response" else None
            offset = iterator.get_record_offset()
            if offset + iterator.get_record_length() > whole:
                return  # the torn tail
            if response is not None:
                response.ref["offset"] = offset
            yield response


class ArchiveMiddleware:
    """Downloader middleware (950, after every stock one): writes each attempt before
    decompression, redirects, retries and the firewall check, and puts the record's place in
    ``request.meta``; responses that ``scrapy reparse`` replays are not written again."""

    def __init__(self, crawler: Crawler) -> None:
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise NotConfigured  # NEWSCRAWL_ARCHIVE is off (no message: no WARNING line)
        self.crawler, self.directory = crawler, directory
        self.max_bytes = crawler.settings.getint("NEWSCRAWL_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES)
        self.writer: ArchiveWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if request.meta.get(REPLAYED_META):
            return response
        if self.writer is None:
            started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
            self.writer = ArchiveWriter(
                self.directory,
                spider=str(getattr(self.crawler.spider, "name", "crawl")),
                run_id=str(getattr(self.crawler.spider, "run_id", "") or started),
                max_bytes=self.max_bytes,
                software=str(self.crawler.settings.get("USER_AGENT") or "newscrawl"),
            )
        before = self.writer.bytes
        request.meta[ARCHIVE_META] = self.writer.write(request, response, datetime.now(UTC))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/archive/responses")
            self.crawler.stats.inc_value("newscrawl/archive/bytes", self.writer.bytes - before)
        return response

    def spider_closed(self) -> None:
        if self.writer is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("newscrawl/archive/files", self.writer.counter + 1)
            self.writer.close()


class ArchiveRefMiddleware:
    """Spider middleware: sets ``archive`` on each article from its page's record."""

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        ref = response.meta.get(ARCHIVE_META) if response.request is not None else None
        async for item in result:
            if isinstance(item, Article) and item.archive is None and ref is not None:
                item.archive = dict(ref)
            yield item
