"""The compact set of URLs seen in a run."""

from __future__ import annotations

from newscrawl.seen import SeenUrls, url_digest


def test_membership_by_digest() -> None:
    seen = SeenUrls()
    seen.add("https://report.az/en/energy/a")
    assert "https://report.az/en/energy/a" in seen
    assert "https://report.az/en/energy/b" not in seen
    assert 42 not in seen
    assert len(seen) == 1


def test_backed_by_a_kept_set() -> None:
    kept: set[int] = set()
    SeenUrls(kept).add("https://report.az/ru/biznes/x")
    assert kept == {url_digest("https://report.az/ru/biznes/x")}
    assert "https://report.az/ru/biznes/x" in SeenUrls(kept)
