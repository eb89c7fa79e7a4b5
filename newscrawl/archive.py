"""The raw-page archive in WARC files (README, "Raw archive"): each record is one gzip member
flushed at once, so a killed process leaves a file that reads to its last complete record.
warcio reads a cut gzip member without complaint: a torn tail is found by the last member with a
gzip trailer.

Files are rolled by day (UTC) and node: ``report-<day>-<host>-NNNNN.warc.gz``, appended by every
run of the day, each run behind its own ``warcinfo`` record; a process holds an exclusive
``flock`` on the file it appends to, so two processes never append to one file (the second
takes the next number). Beside each file, ``<file>.idx`` (JSON Lines, one line per
``warcinfo`` and full ``response`` record, written after it) names each record's run or URL,
payload digest, id and byte range: the writer reads it when it appends again, to know the last
payload of each URL and to cut a torn tail (the bytes after the last indexed record are read).
A page fetched again with the same payload (SHA-1, as ``WARC-Payload-Digest``) is a ``revisit``
record (profile identical-payload-digest) pointing at the full record earlier in the same file;
a 304 answer is a ``revisit`` record (profile server-not-modified). References never leave
their file, so a file can be read, moved or deleted alone."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import hashlib
import io
import json
import os
import re
import socket
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
#: A file of one run (the names before files were rolled by day; still read).
_NAME = re.compile(r"^(?P<spider>[a-z]+)-(?P<run>.+)-(?P<counter>\d{5})\.warc\.gz$")
#: A file of one day and node.
_DAY_NAME = re.compile(
    r"^(?P<spider>[a-z]+)-(?P<day>\d{4}-\d{2}-\d{2})-(?P<node>[a-z0-9-]+)-(?P<counter>\d{5})"
    r"\.warc\.gz$"
)
INDEX_SUFFIX = ".idx"
#: ``request.meta`` keys: the record of the response; set on requests answered from the archive.
ARCHIVE_META = "newscrawl_archive"
REPLAYED_META = "newscrawl_replayed"
#: What a torn gzip member or record raises inside warcio.
TORN_ERRORS = (EOFError, zlib.error, ArchiveLoadFailed, ValueError, OSError)
#: Media types of the XML listings (RSS, sitemaps) left out unless NEWSCRAWL_ARCHIVE_LISTINGS.
LISTING_TYPES = ("application/xml", "text/xml")
IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


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


def node_name(name: str | None = None) -> str:
    """The node part of a file name: ``name`` (``NEWSCRAWL_NODE``), else the host name, in
    ``[a-z0-9-]``."""
    text = re.sub(r"[^a-z0-9]+", "-", (name or socket.gethostname()).lower()).strip("-")
    return text or "node"


def run_of(name: str) -> str | None:
    """The run id in the name of a file of one run, or None (a day file, or a file this
    project did not name)."""
    if _DAY_NAME.match(name):
        return None
    return match.group("run") if (match := _NAME.match(name)) else None


def day_of(name: str) -> date | None:
    """The day in the name of a day file, or None."""
    match = _DAY_NAME.match(name)
    return date.fromisoformat(match.group("day")) if match else None


def is_archive_name(name: str) -> bool:
    """Whether this project names files so (the only files retention may delete)."""
    return bool(_DAY_NAME.match(name) or _NAME.match(name))


def index_path(path: Path) -> Path:
    """The index beside an archive file."""
    return path.with_name(path.name + INDEX_SUFFIX)


def read_index(path: Path) -> list[dict[str, Any]]:
    """The complete lines of an archive file's index (a torn last line is left out)."""
    try:
        text = index_path(path).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return []
    entries = []
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break
        try:
            entries.append(json.loads(line))
        except ValueError:
            break
    return entries


def file_runs(path: Path) -> set[str]:
    """The runs that wrote to an archive file: its name's run, else its ``warcinfo`` records
    (from the index, or read from the file when it has none)."""
    if (run := run_of(path.name)) is not None:
        return {run}
    entries = read_index(path)
    if entries:
        return {str(e["run"]) for e in entries if e.get("type") == "warcinfo" and e.get("run")}
    runs = set()
    with path.open("rb") as stream, contextlib.suppress(*TORN_ERRORS):
        for record in ArchiveIterator(stream):
            if record.rec_type == "warcinfo" and (run := _info(record).get("run")):
                runs.add(run)
    return runs


def archive_files(directory: Path, run_id: str | None = None) -> list[Path]:
    """The archive files under ``directory`` (those a run wrote to when ``run_id`` is given),
    oldest first (run ids and days are start times, so the names sort in time order)."""
    paths = directory.glob("*.warc.gz") if directory.is_dir() else ()
    found = sorted(p for p in paths if is_archive_name(p.name))
    return [p for p in found if run_id is None or run_id in file_runs(p)]


def archived_runs(directory: Path) -> list[str]:
    """Every run with records in the archive, sorted."""
    return sorted({run for path in archive_files(directory) for run in file_runs(path)})


def is_listing(response: Response) -> bool:
    """An RSS or Atom feed or a sitemap (an XML media type; XHTML is a page)."""
    value = response.headers.get("Content-Type") or b""
    kind = value.decode("latin-1").split(";", 1)[0].strip().lower()
    return kind in LISTING_TYPES or (kind.endswith("+xml") and kind != "application/xhtml+xml")


def payload_digest(body: bytes) -> str:
    """``WARC-Payload-Digest`` as warcio writes it: ``sha1:`` and base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _pairs(headers: Headers, drop: str = "") -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.decode("latin-1").lower() != drop
        for value in values
    ]


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _info(record: Any) -> dict[str, str]:
    """The fields of a ``warcinfo`` record."""
    text = record.content_stream().read(1 << 16).decode("utf-8", errors="replace")
    pairs = (line.partition(":") for line in text.splitlines())
    return {key.strip(): value.strip() for key, sep, value in pairs if sep}


def _lock(stream: IO[bytes]) -> bool:
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def is_locked(path: Path) -> bool:
    """Whether a process appends to ``path`` now (holds its lock)."""
    try:
        with path.open("rb") as stream:
            if not _lock(stream):
                return True
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
    except FileNotFoundError:
        return False
    return False


@dataclass
class _Last:
    """The last full record of a URL in the open file."""

    digest: str
    record_id: str
    date: str


class ArchiveWriter:
    """The archive files of one process, one a day (UTC, of the fetch) and node, appended,
    the next number started past ``max_bytes``: a ``response`` record as the downloader
    returned it (a compressed body keeps its ``Content-Encoding``, ``Transfer-Encoding`` is
    dropped), or a ``revisit`` record for the same payload or a 304, then its ``request``
    record. The index line of a ``warcinfo`` or ``response`` record follows the record."""

    def __init__(
        self,
        directory: Path,
        spider: str,
        run_id: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        software: str = "newscrawl",
        node: str | None = None,
    ) -> None:
        self.directory, self.spider, self.run_id = directory, spider, run_id
        self.max_bytes, self.software = max(1, max_bytes), software
        self.node = node_name(node)
        self.name, self.day, self.bytes = "", "", 0  # bytes: written in this run
        self.files: list[str] = []  # the files this run wrote to
        self.revisits = 0  # revisit records written in this run
        self.cut = 0  # torn bytes cut from files' tails when they were opened
        self._stream: IO[bytes] | None = None
        self._index: IO[str] | None = None
        self._writer: WARCWriter | None = None
        self._info_id = ""
        self._last: dict[str, _Last] = {}

    @property
    def counter(self) -> int:
        """The number of the open file (-1: none yet)."""
        match = _DAY_NAME.match(self.name)
        return int(match.group("counter")) if match else -1

    def _prepare(self, path: Path, stream: IO[bytes]) -> bool:
        """Make a locked file ready to append and read its index; False when it is full. The
        index keeps the lines of whole records only; the bytes after the last of them are
        read, and a torn tail cut (the whole records there are kept, not indexed)."""
        size = os.fstat(stream.fileno()).st_size
        if size >= self.max_bytes:
            return False
        index = index_path(path)
        entries: list[dict[str, Any]] = []
        kept = 0  # bytes of the index's lines kept
        with contextlib.suppress(FileNotFoundError):
            for line in index.read_bytes().splitlines(keepends=True) if size else ():
                try:
                    entry = json.loads(line) if line.endswith(b"\n") else None
                except ValueError:
                    entry = None
                if entry is None or int(entry.get("end", size + 1)) > size:
                    break
                entries.append(entry)
                kept += len(line)
        end = int(entries[-1]["end"]) if entries else 0
        if end < size:
            whole = whole_members_end(path, start=end)
            if whole < size:
                os.truncate(stream.fileno(), whole)
                self.cut += size - whole
        self._index = index.open("a" if size else "w", encoding="utf-8")
        self._index.truncate(kept)
        self._last = {}
        for entry in entries:
            if entry.get("type") == "response" and entry.get("digest"):
                url, digest = str(entry["url"]), str(entry["digest"])
                self._last[url] = _Last(digest, str(entry["id"]), str(entry["date"]))
        return True

    def _open(self, day: str) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        counter = 0
        while self._stream is None:
            name = f"{self.spider}-{day}-{self.node}-{counter:05d}.warc.gz"
            counter += 1
            stream = (self.directory / name).open("ab")
            if _lock(stream) and self._prepare(self.directory / name, stream):
                stream.seek(0, os.SEEK_END)
                self._stream, self.name, self.day = stream, name, day
            else:
                stream.close()  # another process appends to it, or it is full
        self._writer = WARCWriter(self._stream, gzip=True, warc_version="1.1")
        if self.name not in self.files:
            self.files.append(self.name)
        info = {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "run": self.run_id,
            "node": self.node,
        }
        record = self._writer.create_warcinfo_record(self.name, info)
        self._info_id = str(record.rec_headers.get_header("WARC-Record-ID"))
        offset = self._write(record)
        self._note({"type": "warcinfo", "id": self._info_id, "run": self.run_id}, offset)

    def _write(self, record: Any) -> int:
        assert self._writer is not None and self._stream is not None
        offset = self._stream.tell()
        self._writer.write_record(record)  # one gzip member, flushed
        self.bytes += self._stream.tell() - offset
        return offset

    def _note(self, entry: dict[str, Any], offset: int) -> None:
        """The index line of a record (and the one after it), once both are in the file: a
        ``warcinfo`` or a full ``response`` record."""
        assert self._index is not None and self._stream is not None
        entry.update(offset=offset, end=self._stream.tell())
        self._index.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._index.flush()

    def _record(self, url: str, kind: str, body: bytes, head: Any, warc: dict[str, str]) -> Any:
        assert self._writer is not None
        payload = io.BytesIO(body)
        return self._writer.create_warc_record(
            url, kind, payload=payload, length=len(body), http_headers=head, warc_headers_dict=warc
        )

    def write(self, request: Request, response: Response, received: datetime) -> ArchiveRef:
        """Append the response (or a revisit record) and its request; returns where the
        response or revisit record is."""
        day = received.astimezone(UTC).date().isoformat()
        if self._stream is None or day != self.day or self._stream.tell() >= self.max_bytes:
            self._open(day)
        assert self._writer is not None
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        status = f"{response.status} {responses.get(response.status, 'Unknown')}"
        head = StatusAndHeaders(status, _pairs(response.headers, "transfer-encoding"), protocol)
        warc = {"WARC-Date": _warc_date(received), "WARC-Warcinfo-ID": self._info_id}
        if response.ip_address is not None:
            warc["WARC-IP-Address"] = str(response.ip_address)
        url, body = response.url, response.body
        digest = payload_digest(body)
        last = self._last.get(url)
        entry: dict[str, Any] = {"url": url}
        profile = None
        if response.status == 304:
            profile = NOT_MODIFIED
        elif body and last is not None and last.digest == digest:
            profile = IDENTICAL
            warc["WARC-Payload-Digest"] = digest
        if profile is not None:
            warc["WARC-Profile"] = profile
            if last is not None:
                warc["WARC-Refers-To"] = last.record_id
                warc["WARC-Refers-To-Target-URI"] = url
                warc["WARC-Refers-To-Date"] = last.date
            record = self._writer.create_warc_record(
                url, "revisit", http_headers=head, warc_headers_dict=warc
            )
            entry["type"] = "revisit"
            self.revisits += 1
        else:
            record = self._record(url, "response", body, head, warc)
            entry.update(type="response", digest=digest)
        entry.update(id=record.rec_headers.get_header("WARC-Record-ID"), date=warc["WARC-Date"])
        offset = self._write(record)
        target = "/" + request.url.split("://", 1)[-1].partition("/")[2]
        line = f"{request.method} {target} {protocol}"
        head = StatusAndHeaders(line, _pairs(request.headers), is_http_request=True)
        sent = received - timedelta(seconds=float(request.meta.get("download_latency") or 0))
        concurrent = record.rec_headers.get_header("WARC-Record-ID")
        warc = {
            "WARC-Date": _warc_date(sent),
            "WARC-Concurrent-To": concurrent,
            "WARC-Warcinfo-ID": self._info_id,
        }
        self._write(self._record(request.url, "request", request.body or b"", head, warc))
        if entry["type"] == "response":  # (a revisit is not indexed: what it says is known)
            self._note(entry, offset)
            self._last[url] = _Last(digest, str(entry["id"]), str(entry["date"]))
        return ArchiveRef(file=self.name, offset=offset)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()  # and its lock
        if self._index is not None:
            self._index.close()
        self._stream = self._writer = self._index = None


def expire(directory: Path, days: float, now: float | None = None) -> list[str]:
    """Delete the archive files (and their indexes) whose whole day (the day in a day file's
    name; a file of one run: its modification time) is more than ``days`` old; 0 keeps all.
    Only regular files named as this project names them, never one a process still appends
    to. Returns the names removed."""
    if days <= 0 or not directory.is_dir():
        return []
    limit = (now if now is not None else time.time()) - days * 86400
    removed = []
    for path in archive_files(directory):
        day = day_of(path.name)
        with contextlib.suppress(OSError):
            if path.is_symlink() or not path.is_file():
                continue
            if day is not None:
                ended = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
                old = ended.timestamp() <= limit
            else:
                old = path.stat().st_mtime < limit
            if old and not is_locked(path):
                path.unlink()
                removed.append(path.name)
                with contextlib.suppress(FileNotFoundError):
                    index_path(path).unlink()
    return removed


@dataclass
class ArchivedResponse:
    """One response record, or a revisit record with the payload of the record it refers to:
    what the downloader returned, and where the record is."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # WARC-Date, UTC ISO 8601
    protocol: str
    ref: ArchiveRef
    #: The record's payload was longer than the limit it was read with (``body`` is empty).
    over_limit: bool = False
    #: ``response`` or ``revisit``.
    kind: str = "response"
    #: The run that wrote the record (its file's ``warcinfo``).
    run: str | None = None
    #: A revisit's record with the payload (None: a 304, or the record was not found).
    refers_to: ArchiveRef | None = None

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
        kind=str(record.rec_type),
    )


def _payload_of(path: Path, offset: int, limit: int) -> ArchivedResponse:
    """The response record at ``offset`` of ``path``."""
    with path.open("rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                raise ValueError(f"{path.name}@{offset} is a {record.rec_type} record")
            return _response(record, path.name, offset, limit)
    raise ValueError(f"no record at {path.name}@{offset}")


def _resolve(revisit: ArchivedResponse, target: ArchivedResponse) -> ArchivedResponse:
    """A revisit with the payload of its target (its own status, headers and date)."""
    revisit.body, revisit.over_limit, revisit.refers_to = target.body, target.over_limit, target.ref
    return revisit


@functools.lru_cache(maxsize=8)
def _indexed(path: str, mtime_ns: int, size: int) -> dict[str, int]:
    """The offsets of the response records of a file by id, from its index (cached while the
    index is unchanged: ``mtime_ns``, ``size``)."""
    entries = read_index(Path(path))
    return {str(e["id"]): int(e["offset"]) for e in entries if e.get("type") == "response"}


def _find(path: Path, record_id: str) -> int | None:
    """The offset of a response record by id: from the index, else by reading the file."""
    with contextlib.suppress(FileNotFoundError):
        index = index_path(path).stat()
        found = _indexed(str(path), index.st_mtime_ns, index.st_size)
        if record_id in found:
            return found[record_id]
    with path.open("rb") as stream, contextlib.suppress(*TORN_ERRORS):
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_headers.get_header("WARC-Record-ID") == record_id:
                return int(iterator.get_record_offset())
    return None


def read_response(
    directory: Path, ref: ArchiveRef, limit: int = DEFAULT_MAX_BODY
) -> ArchivedResponse:
    """The response record at ``ref`` (its file name is never a path outside ``directory``);
    a payload over ``limit`` bytes is not read (``over_limit``). A revisit record comes with
    the payload of the record it refers to (ValueError when that is gone); a 304's is empty."""
    name = Path(ref["file"]).name
    path = directory / name
    with path.open("rb") as stream:
        stream.seek(int(ref["offset"]))
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "revisit"):
                raise ValueError(f"{name}@{ref['offset']} is a {record.rec_type} record")
            found = _response(record, name, int(ref["offset"]), limit)
            if record.rec_type == "response":
                return found
            if record.rec_headers.get_header("WARC-Profile") != IDENTICAL:
                return found  # a 304: no payload
            target_id = str(record.rec_headers.get_header("WARC-Refers-To") or "")
            offset = _find(path, target_id) if target_id else None
            if offset is None:
                raise ValueError(f"{name}@{ref['offset']}: revisit of a record not in the file")
            return _resolve(found, _payload_of(path, offset, limit))
    raise ValueError(f"no record at {name}@{ref['offset']}")


def whole_members_end(path: Path, start: int = 0) -> int:
    """The byte offset where the last complete gzip member of ``path`` (from ``start``, the
    start of a member) ends (inflated a step at a time: a member that inflates to gigabytes
    is never held)."""
    end = consumed = start
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with path.open("rb") as stream:
        stream.seek(start)
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
    a revisit record too, with the payload of the record it refers to (none for a 304, or when
    that record is not in the file), any other as None. Each names the run that wrote it."""
    whole = whole_members_end(path)
    offsets: dict[str, int] = {}  # response records by id
    runs: dict[str, str] = {}  # warcinfo records by id: their run
    run = run_of(path.name)
    with path.open("rb") as stream, contextlib.suppress(*TORN_ERRORS):
        iterator = ArchiveIterator(stream)
        for record in iterator:
            # the payload first: asking for the offset reads the record to its end
            kind = record.rec_type
            info = _info(record) if kind == "warcinfo" else {}
            response = None
            if kind in ("response", "revisit"):
                response = _response(record, path.name, 0, limit)
            headers = record.rec_headers
            offset = iterator.get_record_offset()
            if offset + iterator.get_record_length() > whole:
                return  # the torn tail
            record_id = str(headers.get_header("WARC-Record-ID"))
            if kind == "warcinfo" and (named := info.get("run") or run) is not None:
                run = runs[record_id] = named
            if response is None:
                yield None
                continue
            response.ref["offset"] = offset
            response.run = runs.get(str(headers.get_header("WARC-Warcinfo-ID")), run)
            if kind == "response":
                offsets[record_id] = offset
            elif headers.get_header("WARC-Profile") == IDENTICAL:
                target = offsets.get(str(headers.get_header("WARC-Refers-To")))
                if target is not None:
                    response = _resolve(response, _payload_of(path, target, limit))
            yield response


class ArchiveMiddleware:
    """Downloader middleware (950, after every stock one): writes each attempt before
    decompression, redirects, retries and the firewall check, and puts the record's place in
    ``request.meta``; responses that ``scrapy reparse`` replays are not written again, nor RSS
    feeds and sitemaps unless ``NEWSCRAWL_ARCHIVE_LISTINGS`` (nothing extracts them again; the
    articles they list are archived as pages)."""

    def __init__(self, crawler: Crawler) -> None:
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise NotConfigured  # NEWSCRAWL_ARCHIVE is off (no message: no WARNING line)
        self.crawler, self.directory = crawler, directory
        self.max_bytes = crawler.settings.getint("NEWSCRAWL_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES)
        self.listings = crawler.settings.getbool("NEWSCRAWL_ARCHIVE_LISTINGS", False)
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
        if not self.listings and is_listing(response):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/archive/listings_left_out")
            return response
        if self.writer is None:
            started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
            self.writer = ArchiveWriter(
                self.directory,
                spider=str(getattr(self.crawler.spider, "name", "crawl")),
                run_id=str(getattr(self.crawler.spider, "run_id", "") or started),
                max_bytes=self.max_bytes,
                software=str(self.crawler.settings.get("USER_AGENT") or "newscrawl"),
                node=self.crawler.settings.get("NEWSCRAWL_NODE") or None,
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
                stats = self.crawler.stats
                stats.set_value("newscrawl/archive/files", len(self.writer.files))
                stats.set_value("newscrawl/archive/revisits", self.writer.revisits)
                if self.writer.cut:
                    stats.set_value("newscrawl/archive/torn_bytes_cut", self.writer.cut)
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
