"""A compact set of URLs seen in one run: 8-byte digests instead of the strings.

A run can see hundreds of thousands of URLs (a backfill); a set of ints costs a fraction of a
set of URL strings. A collision of two 64-bit BLAKE2 digests is not a practical concern at
this scale (about 1 in 10^9 for a million URLs).
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b


def url_digest(url: str) -> int:
    """The 64-bit digest of a URL."""
    return int.from_bytes(blake2b(url.encode("utf-8"), digest_size=8).digest(), "big")


class SeenUrls:
    """``url in seen`` / ``seen.add(url)`` over digests; can be backed by a JOBDIR-kept set."""

    def __init__(self, digests: set[int] | None = None) -> None:
        self.digests: set[int] = digests if digests is not None else set()

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url_digest(url) in self.digests

    def add(self, url: str) -> None:
        self.digests.add(url_digest(url))

    def update(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.add(url)

    def __len__(self) -> int:
        return len(self.digests)
