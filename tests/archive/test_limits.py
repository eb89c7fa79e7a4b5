"""Decompression limits on every read of the archive: a stored body is inflated a step at a
time up to a cap, a record over it is reported (``over_limit``), never held; ``select`` skips
such an article with its reason."""

from __future__ import annotations

import gzip
import resource
import zlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from newscrawl.archive import ArchiveWriter, iter_records, read_response, whole_members_end
from newscrawl.limits import OverLimit, inflate
from newscrawl.reparse import select
from newscrawl.site import SiteUrls

MiB = 1024 * 1024
BASE = "http://127.0.0.1:1"


@cache
def bomb(inflated: int) -> bytes:
    """gzip of ``inflated`` zero bytes, made a MiB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [compressor.compress(bytes(MiB)) for _ in range(inflated // MiB)]
    return b"".join(parts) + compressor.flush()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "identity"])
def test_inflate_undoes_the_encoding_within_the_limit(encoding: str) -> None:
    body = "<p>Бакы</p>".encode() * 100
    data = {
        "gzip": gzip.compress(body),
        "x-gzip": gzip.compress(body),
        "deflate": zlib.compress(body),
        "identity": body,
    }[encoding]
    assert inflate(data, encoding, len(body)) == body
    with pytest.raises(OverLimit):
        inflate(data, encoding, len(body) - 1)


def test_raw_deflate_and_unknown_or_broken_encodings() -> None:
    body = b"<p>raw deflate</p>" * 10
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = compressor.compress(body) + compressor.flush()
    assert inflate(raw, "deflate", MiB) == body
    assert inflate(b"not gzip at all", "gzip", MiB) is None
    assert inflate(gzip.compress(body)[:-12], "gzip", MiB) is None  # truncated
    assert inflate(b"\x00", "br", MiB) is None


@pytest.mark.slow
def test_a_gzip_bomb_stops_at_the_limit_without_inflating_it_whole() -> None:
    data = bomb(256 * MiB)
    before = peak_mb()
    with pytest.raises(OverLimit, match="inflates past"):
        inflate(data, "gzip", 8 * MiB)
    assert peak_mb() - before < 64  # on main (gzip.decompress): 256 MiB


def _write(tmp_path: Path, bodies: dict[str, tuple[bytes, str]]) -> None:
    writer = ArchiveWriter(tmp_path, "report", "2025-10-23T16-02-00")
    for path, (body, encoding) in bodies.items():
        request = Request(BASE + path)
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}
        response = HtmlResponse(request.url, body=body, headers=headers, request=request)
        writer.write(request, response, datetime(2025, 10, 23, 12, tzinfo=UTC))
    writer.close()


def test_select_skips_an_article_whose_record_inflates_past_the_limit(tmp_path: Path) -> None:
    page = b"<html><body><p>" + b"word " * 50 + b"</p></body></html>"
    _write(
        tmp_path,
        {
            "/en/business/good-one": (gzip.compress(page), "gzip"),
            "/en/business/bomb-one": (bomb(64 * MiB), "gzip"),
        },
    )
    files = sorted(tmp_path.glob("*.warc.gz"))
    selection = select(files, SiteUrls(BASE), limit=8 * MiB)
    assert list(selection.articles) == [BASE + "/en/business/good-one"]
    language, reason = selection.skipped[BASE + "/en/business/bomb-one"]
    assert language == "en" and "inflates past" in reason


def test_a_record_payload_over_the_limit_is_not_read(tmp_path: Path) -> None:
    _write(tmp_path, {"/en/business/big": (b"x" * (2 * MiB), "identity")})
    (path,) = tmp_path.glob("*.warc.gz")
    (record,) = [r for r in iter_records(path, limit=MiB) if r is not None]
    assert record.over_limit and record.body == b""
    with pytest.raises(OverLimit):
        record.decoded_body(MiB)
    again = read_response(tmp_path, record.ref, limit=MiB)
    assert again.over_limit
    assert read_response(tmp_path, record.ref, limit=4 * MiB).body == b"x" * (2 * MiB)


@pytest.mark.slow
def test_finding_the_whole_members_does_not_hold_an_inflated_member(tmp_path: Path) -> None:
    member = bomb(256 * MiB)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(member + member[:100])  # a whole member, then a torn one
    before = peak_mb()
    assert whole_members_end(path) == len(member)
    assert peak_mb() - before < 32  # on main: 64 MiB inflated from each 64 KiB read
