"""Exact and near duplicates among corpus rows.

Exact: the same normalised text on every side (NFKC, case-folded, whitespace collapsed).
Near: MinHash signatures of word 3-shingles with LSH banding find candidates, whose real
Jaccard similarity of shingle sets decides (``NEAR_THRESHOLD``). The first row seen is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict

import numpy as np

NEAR_THRESHOLD = 0.8
SHINGLE = 3
PERMUTATIONS = 64
BANDS = 16  # 16 bands of 4 rows: candidates from a Jaccard similarity of about 0.5
PRIME = 4294967311  # the first prime above 2**32

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20251023)
_A = _rng.integers(1, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, size=PERMUTATIONS, dtype=np.uint64)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def exact_key(texts: list[str]) -> str:
    joined = "\x1f".join(normalise(t) for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """64-bit hashes of the word ``SHINGLE``-grams of the normalised text."""
    words = _WORD.findall(normalise(text))
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    grams = (" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return {
        int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
        for g in grams
    }


def signature(hashes: set[int]) -> np.ndarray:
    values = np.fromiter((h & 0xFFFFFFFF for h in hashes), dtype=np.uint64, count=len(hashes))
    products = (_A[:, None] * values[None, :] + _B[:, None]) % np.uint64(PRIME)
    result: np.ndarray = products.min(axis=1)
    return result


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class DuplicateFilter:
    """Remembers the rows kept so far; ``check`` says whether a new row duplicates one."""

    def __init__(self, threshold: float = NEAR_THRESHOLD) -> None:
        self.threshold = threshold
        self.exact: set[str] = set()
        self.kept: list[set[int]] = []
        self.buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)

    def check(self, texts: list[str]) -> str | None:
        """``"exact_duplicate"``, ``"near_duplicate"`` or None (then the row is remembered)."""
        key = exact_key(texts)
        if key in self.exact:
            return "exact_duplicate"
        grams = shingles("\n".join(texts))
        sig = signature(grams)
        rows = PERMUTATIONS // BANDS
        bands = [(b, sig[b * rows : (b + 1) * rows].tobytes()) for b in range(BANDS)]
        candidates = {i for band in bands for i in self.buckets.get(band, ())}
        if any(jaccard(grams, self.kept[i]) >= self.threshold for i in candidates):
            return "near_duplicate"
        self.exact.add(key)
        index = len(self.kept)
        self.kept.append(grams)
        for band in bands:
            self.buckets[band].append(index)
        return None
