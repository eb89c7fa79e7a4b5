"""A compact set of URLs seen in one run: 8-byte digests in a flat table, not strings.

A run can see hundreds of thousands of URLs (a backfill). A Python ``set`` of URL strings costs
about 150 bytes per URL, a ``set`` of int digests about 70; this table costs 16 to 32 (an
open-addressing hash table of 64-bit BLAKE2 digests in one ``array``, at most half full).
A collision of two 64-bit digests is not a practical concern at this scale (about 1 in 10^9
for a million URLs).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from hashlib import blake2b

#: Slots of a new table (a power of two); the table doubles when it is half full.
INITIAL_SLOTS = 1024


def url_digest(url: str) -> int:
    """The 64-bit digest of a URL (never 0: 0 marks an empty slot)."""
    digest = int.from_bytes(blake2b(url.encode("utf-8"), digest_size=8).digest(), "big")
    return digest or 1


class SeenUrls:
    """``url in seen`` / ``seen.add(url)`` over 64-bit digests (picklable, for JOBDIR).

    Linear probing over the digest's low bits, which are uniformly distributed.
    """

    def __init__(self, digests: Iterable[int] = ()) -> None:
        self._slots = array("Q", bytes(8 * INITIAL_SLOTS))
        self._count = 0
        for digest in digests:
            self.add_digest(digest)

    def _find(self, digest: int) -> int:
        """The slot holding ``digest``, or the empty slot where it would go."""
        slots = self._slots
        mask = len(slots) - 1
        index = digest & mask
        while True:
            current = slots[index]
            if current == 0 or current == digest:
                return index
            index = (index + 1) & mask

    def add_digest(self, digest: int) -> bool:
        """Add a digest; True when it was not there yet."""
        digest = digest or 1
        index = self._find(digest)
        if self._slots[index] == digest:
            return False
        self._slots[index] = digest
        self._count += 1
        if 2 * self._count > len(self._slots):
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        for digest in old:
            if digest:
                self._slots[self._find(digest)] = digest

    def __contains__(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        digest = url_digest(url)
        return self._slots[self._find(digest)] == digest

    def add(self, url: str) -> bool:
        """Add a URL; True when it was not there yet."""
        return self.add_digest(url_digest(url))

    def update(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.add(url)

    def digests(self) -> Iterator[int]:
        """Every digest held, in no particular order."""
        return (digest for digest in self._slots if digest)

    def __len__(self) -> int:
        return self._count
