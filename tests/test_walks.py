"""Walked ranges and holes (newscrawl/state/walks.py) and this run's page progress
(newscrawl/walk.py): what a walk covers for good, and how ranges grow and join."""

from __future__ import annotations

from datetime import datetime, timedelta

from newscrawl.dates import BAKU
from newscrawl.state.walks import Walks
from newscrawl.walk import TOP, WalkProgress

T0 = datetime(2025, 10, 23, 21, 0, tzinfo=BAKU)
NOW = datetime(2025, 10, 23, 17, 0, tzinfo=BAKU)


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_first_walk_is_one_range_without_a_hole() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached_newest=False, now=NOW)
    assert [(r.top, r.bottom) for r in walks.ranges] == [(_at(0), _at(-10))]
    assert walks.holes() == []


def test_walk_cut_short_above_the_newest_range_leaves_a_hole_with_its_cursor() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached_newest=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached_newest=False, now=NOW)
    (hole,) = walks.holes()
    assert (hole.top, hole.bottom, hole.cursor, hole.since) == (_at(15), _at(0), "c15", NOW)
    assert hole.as_dict()["from"] == _at(0).isoformat()


def test_walk_that_reaches_the_newest_range_extends_it() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached_newest=False, now=NOW)
    walks.record_top_walk(_at(3), _at(1), "c1", reached_newest=True, now=NOW)
    assert [(r.top, r.bottom, r.cursor) for r in walks.ranges] == [(_at(3), _at(-10), "c-10")]
    # a walk whose bottom overlaps the range joins it too, without the flag
    walks.record_top_walk(_at(4), _at(2), "c2", reached_newest=False, now=NOW)
    assert [(r.top, r.bottom) for r in walks.ranges] == [(_at(4), _at(-10))]


def test_hole_walk_shrinks_the_hole_then_closes_it() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached_newest=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached_newest=False, now=NOW)
    (hole,) = walks.holes()
    walks.record_hole_walk(hole, _at(8), "c8", closed=False)
    (smaller,) = walks.holes()
    assert (smaller.top, smaller.bottom, smaller.cursor) == (_at(8), _at(0), "c8")
    walks.record_hole_walk(smaller, _at(-1), "c-1", closed=True)
    assert walks.holes() == []
    assert [(r.top, r.bottom, r.cursor) for r in walks.ranges] == [(_at(25), _at(-10), "c-10")]


def test_ranges_survive_storage_and_an_old_single_mark_is_read_as_a_range() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached_newest=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached_newest=False, now=NOW)
    again = Walks.from_json(walks.to_json())
    assert again.holes() == walks.holes()
    legacy = Walks.from_json(None, legacy_top=_at(5).isoformat())
    assert [(r.top, r.bottom) for r in legacy.ranges] == [(_at(5), _at(5))]
    assert Walks.from_json("not json").ranges == []


def _page(progress: WalkProgress, key: str, number: int, newest: float, oldest: float) -> None:
    walk = progress.get("en", key)
    assert walk is not None
    page = walk.page(number)
    page.parsed, page.newest, page.oldest, page.cursor = (
        True,
        _at(newest),
        _at(oldest),
        f"c{oldest}",
    )


def test_walk_covers_its_leading_finished_clean_pages_only() -> None:
    progress = WalkProgress()
    walk = progress.start("en", TOP)
    for number, (newest, oldest) in enumerate([(10, 8), (8, 6), (6, 4)], start=1):
        _page(progress, TOP, number, newest, oldest)
    ref2, ref3 = ("en", TOP, 2), ("en", TOP, 3)
    progress.requested(ref2)
    progress.requested(ref3)
    assert walk.covered() == (_at(10), _at(8), "c8", False)  # page 2 still has an article out
    progress.handled(ref2)
    progress.handled(ref3, clean=False)  # a timeout: page 3 must be walked again
    assert walk.covered() == (_at(10), _at(6), "c6", False)
    walk.reached_at = 2
    assert walk.covered() == (_at(10), _at(6), "c6", True)


def test_walk_with_an_unparsed_first_page_covers_nothing() -> None:
    progress = WalkProgress()
    walk = progress.start("en", TOP)
    walk.page(1)  # requested, never parsed (a kill, an error)
    assert walk.covered() is None
