"""Reading the archive back with warcio's ``ArchiveIterator``.

A record at a known offset (the state's pointer, ``scrapy reparse``), or every response record
of a file in order. A file whose writer was killed may end in a torn record: warcio reads a
cut gzip member without complaint, so the end of the last member that reached its gzip
trailer is found first (:func:`whole_members_end`); reading stops there and says how many
bytes were left over (``ArchiveScan.torn_bytes``).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newscrawl.archive.location import ArchiveRef

#: What a torn gzip member or record raises inside warcio.
TORN_ERRORS = (EOFError, zlib.error, ArchiveLoadFailed, ValueError, OSError)


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


@dataclass
class ArchiveScan:
    """What one file holds: complete records, response records, bytes left over at its end."""

    path: Path
    records: int = 0
    responses: int = 0
    torn_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def decoded_body(response: ArchivedResponse) -> bytes | None:
    """The body with its ``Content-Encoding`` undone (gzip, deflate), None when it cannot be
    (Scrapy's own decompression handles every encoding when the record is replayed)."""
    encoding = next((v for k, v in response.headers if k.lower() == "content-encoding"), "")
    encoding = encoding.strip().lower()
    try:
        if encoding in ("", "identity"):
            return response.body
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(response.body)
        if encoding == "deflate":
            try:
                return zlib.decompress(response.body)
            except zlib.error:
                return zlib.decompress(response.body, -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error):
        return None
    return None


def header(response: ArchivedResponse, name: str) -> str | None:
    """The first value of a response header (case-insensitive)."""
    return next((v for k, v in response.headers if k.lower() == name.lower()), None)


def _response(record: Any, name: str, offset: int) -> ArchivedResponse:
    http_headers = record.http_headers
    return ArchivedResponse(
        url=str(record.rec_headers.get_header("WARC-Target-URI")),
        status=int(http_headers.get_statuscode()),
        headers=[(str(k), str(v)) for k, v in http_headers.headers],
        body=record.raw_stream.read(),  # as received: Scrapy decodes Content-Encoding itself
        date=str(record.rec_headers.get_header("WARC-Date")),
        protocol=str(http_headers.protocol or "HTTP/1.1"),
        ref=ArchiveRef(file=name, offset=offset),
    )


def read_response(directory: Path, ref: ArchiveRef) -> ArchivedResponse:
    """The response record at ``ref`` (a file name is never taken as a path outside
    ``directory``)."""
    name = Path(ref["file"]).name
    with (directory / name).open("rb") as stream:
        stream.seek(int(ref["offset"]))
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                raise ValueError(f"{name}@{ref['offset']} is a {record.rec_type} record")
            return _response(record, name, int(ref["offset"]))
    raise ValueError(f"no record at {name}@{ref['offset']}")


def whole_members_end(path: Path) -> int:
    """The byte offset where the last complete gzip member of ``path`` ends (each record is
    one member, so a record torn by a kill is the member that never reached its trailer)."""
    end = consumed = 0
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            data = chunk
            while data:
                try:
                    decompressor.decompress(data)
                except zlib.error:
                    return end
                if decompressor.eof:
                    used = len(data) - len(decompressor.unused_data)
                    consumed += used
                    end = consumed
                    data = decompressor.unused_data
                    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    consumed += len(data)
                    data = b""
    return end


def _walk(path: Path, scan: ArchiveScan | None = None) -> Iterator[ArchivedResponse]:
    whole = whole_members_end(path)
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                # the payload first: asking for the offset reads the record to its end
                response = (
                    _response(record, path.name, 0) if record.rec_type == "response" else None
                )
                offset = iterator.get_record_offset()
                if offset + iterator.get_record_length() > whole:
                    break  # the torn tail
                if scan is not None:
                    scan.records += 1
                if response is not None:
                    response.ref["offset"] = offset
                    yield response
        except TORN_ERRORS:
            pass
    if scan is not None:
        scan.torn_bytes = max(0, path.stat().st_size - whole)


def iter_responses(path: Path) -> Iterator[ArchivedResponse]:
    """Every complete response record of ``path``, in file order; stops quietly at a torn
    tail (:func:`scan` reports it)."""
    yield from _walk(path)


def scan(path: Path) -> ArchiveScan:
    """Read every complete record of ``path``; count them and the bytes after the last one."""
    result = ArchiveScan(path)
    for response in _walk(path, result):
        result.responses += 1
        result.urls.append(response.url)
    return result
