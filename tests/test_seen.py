"""The compact set of URLs seen in a run."""

from __future__ import annotations

import pickle

from newscrawl.seen import INITIAL_SLOTS, SeenUrls, url_digest


def test_membership_by_digest() -> None:
    seen = SeenUrls()
    seen.add("https://report.az/en/energy/a")
    seen.add("https://report.az/en/energy/a")
    assert "https://report.az/en/energy/a" in seen
    assert "https://report.az/en/energy/b" not in seen
    assert 42 not in seen
    assert len(seen) == 1


def test_grows_and_keeps_every_url() -> None:
    urls = [f"https://report.az/en/energy/article-{i}" for i in range(20 * INITIAL_SLOTS)]
    seen = SeenUrls()
    seen.update(urls[::2])
    assert len(seen) == len(urls[::2])
    assert all(url in seen for url in urls[::2])
    assert not any(url in seen for url in urls[1::2])
    assert sorted(seen.digests()) == sorted(url_digest(url) for url in urls[::2])


def test_colliding_low_bits_are_probed() -> None:
    # digests equal modulo the table size land in the same slot and must all be kept
    digests = [7 + k * INITIAL_SLOTS * 64 for k in range(50)]
    seen = SeenUrls(digests)
    assert len(seen) == 50
    assert not any(seen.add_digest(d) for d in digests)  # all already there
    assert sorted(seen.digests()) == digests


def test_zero_digest_is_stored_as_one() -> None:
    seen = SeenUrls([0])
    assert list(seen.digests()) == [1]


def test_survives_pickling_as_jobdir_keeps_it() -> None:
    seen = SeenUrls()
    seen.update(f"https://report.az/ru/biznes/{i}" for i in range(3000))
    restored = pickle.loads(pickle.dumps(seen))
    assert len(restored) == 3000
    assert "https://report.az/ru/biznes/2999" in restored
    assert "https://report.az/ru/biznes/3000" not in restored
