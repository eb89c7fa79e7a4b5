"""The walk planner (newscrawl/planner.py), without Scrapy: walked ranges and holes, this run's
page progress, what a walk covers for good, how ranges grow and join, where a walk stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newscrawl.extract.feed import FeedCard
from newscrawl.planner import RESUMED, TOP, Limits, Planner
from newscrawl.site import BAKU
from newscrawl.store import StateStore
from newscrawl.walks import Walks, in_order

T0 = datetime(2025, 10, 23, 21, 0, tzinfo=BAKU)
NOW = datetime(2025, 10, 23, 17, 0, tzinfo=BAKU)


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_first_walk_is_one_range_without_a_hole() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    assert [(r.top, r.bottom) for r in walks.ranges] == [(_at(0), _at(-10))]
    assert walks.holes() == []


def test_walk_cut_short_above_the_newest_range_leaves_a_hole_with_its_cursor() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached=False, now=NOW)
    (hole,) = walks.holes()
    assert (hole.top, hole.bottom, hole.cursor, hole.since) == (_at(15), _at(0), "c15", NOW)
    assert hole.as_dict()["from"] == _at(0).isoformat()


def test_walk_that_reaches_the_newest_range_extends_it() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walks.record_top_walk(_at(3), _at(1), "c1", reached=True, now=NOW)
    assert [(r.top, r.bottom, r.cursor) for r in walks.ranges] == [(_at(3), _at(-10), "c-10")]
    # a walk whose bottom overlaps the range joins it too, without the flag
    walks.record_top_walk(_at(4), _at(2), "c2", reached=False, now=NOW)
    assert [(r.top, r.bottom) for r in walks.ranges] == [(_at(4), _at(-10))]


def test_hole_walk_shrinks_the_hole_then_closes_it() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached=False, now=NOW)
    (hole,) = walks.holes()
    walks.record_hole_walk(hole, _at(8), "c8", closed=False)
    (smaller,) = walks.holes()
    assert (smaller.top, smaller.bottom, smaller.cursor) == (_at(8), _at(0), "c8")
    walks.record_hole_walk(smaller, _at(-1), "c-1", closed=True)
    assert walks.holes() == []
    assert [(r.top, r.bottom, r.cursor) for r in walks.ranges] == [(_at(25), _at(-10), "c-10")]


def test_ranges_survive_storage_and_an_old_single_mark_is_read_as_a_range() -> None:
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached=False, now=NOW)
    again = Walks.from_json(walks.to_json())
    assert again.holes() == walks.holes()
    legacy = Walks.from_json(None, legacy_top=_at(5).isoformat())
    assert [(r.top, r.bottom) for r in legacy.ranges] == [(_at(5), _at(5))]
    assert Walks.from_json("not json").ranges == []


def _page(progress: Planner, key: str, number: int, newest: float, oldest: float) -> None:
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
    progress = Planner(StateStore(None))
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
    progress = Planner(StateStore(None))
    walk = progress.start("en", TOP)
    walk.page(1)  # requested, never parsed (a kill, an error)
    assert walk.covered() is None


def _three_ranges() -> Walks:
    """Three walked ranges with two holes between them: (0, -10) <hole A> (15, 25) ..."""
    walks = Walks()
    walks.record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walks.record_top_walk(_at(25), _at(15), "c15", reached=False, now=NOW)
    walks.record_top_walk(_at(50), _at(40), "c40", reached=False, now=NOW)
    return walks


def test_two_walks_recorded_on_one_hole_leave_the_next_hole_alone() -> None:
    """Holes are keyed by their span: a second walk that closed the same hole (a hole walk and
    the walk a resumed JOBDIR run had queued) finds it gone and changes nothing. On 95e45c3,
    holes were keyed by list position and the second record deleted the next hole unwalked."""
    walks = _three_ranges()
    newer_hole, older_hole = walks.holes()
    walks.record_hole_walk(older_hole, _at(-1), "c-1", closed=True)
    walks.record_hole_walk(older_hole, _at(-1), "c-1", closed=True)
    assert walks.holes() == [newer_hole]
    assert [(r.top, r.bottom) for r in walks.ranges] == [(_at(50), _at(40)), (_at(25), _at(-10))]


def test_the_planner_records_two_walks_on_one_hole_once() -> None:
    store = StateStore(None)
    planner = Planner(store, limits=Limits(records_walks=True))
    planner._ranges["en"] = _three_ranges()
    newer_hole, older_hole = planner.holes("en")
    for key in (older_hole.key, RESUMED):
        walk = planner.start("en", key, older_hole)
        _page(planner, key, 1, 14, -1)
        walk.reached_at = 1
    planner.record(NOW)
    assert planner.holes("en") == [newer_hole]


def _card(hours: float, cursor: str | None = None) -> FeedCard:
    return FeedCard(
        href=f"/en/a/{hours}",
        timestamp_raw=cursor or f"c{hours}",
        published_at=_at(hours),
        title="t",
        category=None,
    )


def test_top_walk_stops_at_max_pages_and_scrolls_before() -> None:
    planner = Planner(StateStore(None), limits=Limits(max_pages=2))
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    cards = [_card(10), _card(9)]
    planner.page_cards(walk, 1, cards)
    step = planner.after_page(walk, 1, None, deadline_passed=False, has_endpoint=True)
    assert (step.stop, step.cursor) == (None, "c9")
    planner.page_cards(walk, 2, [_card(8)])
    step = planner.after_page(walk, 2, "c9", deadline_passed=False, has_endpoint=True)
    assert step.stop == "max_pages"


def test_walk_stop_reasons_in_order() -> None:
    planner = Planner(StateStore(None), limits=Limits(since=_at(9.5)))
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    cards = [_card(10), _card(9)]
    planner.page_cards(walk, 1, cards)
    kwargs = {"deadline_passed": False, "has_endpoint": True}
    assert planner.after_page(walk, 1, None, **kwargs).stop == "since"
    planner.limits.since = None
    assert planner.after_page(walk, 1, "c9", **kwargs).stop == "cursor_stuck"
    assert planner.after_page(walk, 1, None, deadline_passed=True, has_endpoint=True).stop == (
        "deadline"
    )
    assert planner.after_page(walk, 1, None, deadline_passed=False, has_endpoint=False).stop == (
        "no_scroll"
    )


def test_hole_walk_closes_at_the_older_range_and_the_next_hole_is_the_one_above() -> None:
    planner = Planner(StateStore(None), limits=Limits(records_walks=True, hole_pages=3))
    planner._ranges["en"] = _three_ranges()
    newer_hole, older_hole = planner.holes("en")
    assert planner.first_hole("en") == older_hole
    walk = planner.start("en", older_hole.key, older_hole)
    cards = [_card(14), _card(-1)]
    planner.page_cards(walk, 1, cards)
    step = planner.after_page(walk, 1, "c15", deadline_passed=False, has_endpoint=True)
    assert step.stop == "hole_closed" and step.hole_closed
    assert planner.next_hole(walk) == newer_hole


def test_hole_without_cursor_opens_with_a_listing_and_scrolls_on_within_the_budget() -> None:
    planner = Planner(StateStore(None), limits=Limits(hole_pages=1))
    walks = _three_ranges()
    walks.ranges[1].cursor = None
    planner._ranges["en"] = walks
    hole = planner.holes("en")[-1]
    assert hole.cursor is None
    walk = planner.start("en", hole.key, hole)
    walk.from_listing = True
    listing = [_card(14), _card(12)]  # a day's listing: its latest cards only
    planner.page_cards(walk, 1, listing)
    kwargs = {"deadline_passed": False, "has_endpoint": True}
    # the listing is not the whole day: the walk scrolls on below its oldest card
    assert planner.after_page(walk, 1, None, **kwargs).cursor == "c12"
    batch = [_card(8), _card(4)]
    planner.page_cards(walk, 2, batch)
    assert planner.after_page(walk, 2, "c12", **kwargs).stop == "max_pages"
    days = planner.day_figures("en")
    assert sum(int(d["listing"]) for d in days.values()) == 2
    assert sum(int(d["scroll"]) for d in days.values()) == 2


def test_backfill_periods_are_walked_once_and_a_cut_short_one_is_finished(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    since, until = datetime(2025, 10, 20, tzinfo=BAKU), datetime(2025, 10, 21, tzinfo=BAKU)
    top = datetime(2025, 10, 22, tzinfo=BAKU)

    def planner() -> Planner:
        return Planner(store, site="s", limits=Limits(since=since, until=until), now=T0)

    first = planner()
    (walk,) = first.backfill_walks("en")
    assert walk.is_backfill and walk.hole is not None
    assert (walk.hole.top, walk.hole.bottom) == (top, since - timedelta(seconds=1))
    cards = [_card(-50), _card(-60)]  # 2025-10-21 19:00 .. 09:00 (Baku)
    first.page_cards(walk, 1, cards)
    step = first.after_page(walk, 1, None, deadline_passed=False, has_endpoint=True)
    assert step.cursor == "c-60"  # no page limit, the period's start is the limit
    first.record()  # cut short here
    (rest,) = planner().backfill_walks("en")
    assert rest.hole is not None and (rest.hole.top, rest.hole.bottom) == (
        _at(-60),
        since - timedelta(seconds=1),
    )
    second = planner()
    (walk,) = second.backfill_walks("en")
    below = [_card(-70), _card(-100)]  # crosses since (2025-10-20 00:00 = _at(-93))
    second.page_cards(walk, 1, below)
    assert (
        second.after_page(walk, 1, None, deadline_passed=False, has_endpoint=True).stop == "since"
    )
    assert all(figures["complete"] for figures in second.day_figures("en").values())
    second.record()
    assert planner().backfill_walks("en") == []


def test_a_fresh_state_seeds_the_history_floor_below_the_newest_card(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    limits = Limits(records_walks=True, max_pages=1, history=timedelta(hours=12))
    planner = Planner(store, site="s", limits=limits)
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    cards = [_card(0), _card(-2)]
    planner.page_cards(walk, 1, cards)
    assert (
        planner.after_page(walk, 1, None, deadline_passed=False, has_endpoint=True).stop
        == "max_pages"
    )
    planner.record(now=NOW)
    (hole,) = Planner(store, site="s", limits=limits).holes("en")
    assert (hole.top, hole.bottom, hole.cursor) == (_at(-2), _at(-12), "c-2")
    # without a floor (0), the first walk's depth is all there is: no hole
    other = Planner(
        StateStore(tmp_path / "other.sqlite"), site="s", limits=Limits(records_walks=True)
    )
    walk = other.walk_of("en", TOP, 1)
    other.page_cards(walk, 1, cards)
    other.record(now=NOW)
    assert other.holes("en") == []


def test_a_transient_failure_is_counted_once_per_run_and_a_success_resets_it(
    tmp_path: Path,
) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    url = "https://report.az/en/a/b"
    assert store.note_failure(url, "run-1", "http_500") == 1
    assert store.note_failure(url, "run-1", "http_500") == 1  # the same run
    assert store.note_failure(url, "run-2", "timeout") == 2
    assert not store.given_up(url)
    store.give_up(url, "run-2")
    assert store.given_up(url)
    store.clear_failures(url)
    assert not store.given_up(url) and store.note_failure(url, "run-3", "x") == 1


def test_known_articles_are_skipped_unless_the_card_changed(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    url = "https://report.az/en/a/b"
    store.record(
        url=url,
        language="en",
        article_id=1,
        content_hash="h",
        title="Old headline",
        revision=1,
        published_at=_at(0).isoformat(),
        seen_at="2025-10-23T16:00:00+00:00",
    )
    planner = Planner(store, site="https://report.az")
    same = FeedCard(
        href=url, timestamp_raw="c", published_at=_at(0), title="Old  headline", category=None
    )
    edited = FeedCard(href=url, timestamp_raw="c", published_at=_at(0), title="New", category=None)
    assert planner.card_status(url, same) == "known"
    assert planner.card_status(url, edited) == "edited"
    assert planner.card_status("https://report.az/en/a/other", same) is None


def test_hole_figures_count_what_the_state_would_hold_if_the_run_ended_now() -> None:
    planner = Planner(StateStore(None), limits=Limits(records_walks=True), now=NOW)
    assert planner.hole_figures("en") == (0, 0.0)
    planner._ranges["en"] = _three_ranges()  # two holes, both noted at NOW
    assert planner.hole_figures("en") == (2, 0.0)
    older_hole = planner.holes("en")[-1]
    walk = planner.start("en", older_hole.key, older_hole)
    _page(planner, older_hole.key, 1, 14, -1)
    walk.reached_at = 1  # the walk closed it: one hole would be left
    assert planner.hole_figures("en")[0] == 1
    planner.now = NOW + timedelta(hours=5)
    assert planner.hole_figures("en") == (1, 5.0)
    assert len(planner.holes("en")) == 2  # nothing recorded before the run ends


def test_a_walk_that_reaches_the_feeds_end_joins_the_history_floor(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    limits = Limits(records_walks=True, history=timedelta(hours=48))
    planner = Planner(store, site="s", limits=limits)
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    cards = [_card(0), _card(-5)]
    planner.page_cards(walk, 1, cards)
    planner.page_cards(walk, 2, [])  # the feed ends far above the floor
    assert planner.stop(walk, "feed_end", "c-5")
    planner.record(now=NOW)
    assert Planner(store, site="s", limits=limits).holes("en") == []


# -- card dates are claims ---------------------------------------------------------------------
def test_a_date_before_the_site_or_past_the_clock_skew_is_refused_and_the_card_undated() -> None:
    planner = Planner(StateStore(None), limits=Limits(skew=timedelta(minutes=60)), now=NOW)
    moments = [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2099, 1, 1, tzinfo=UTC),
        NOW + timedelta(minutes=61),
        NOW + timedelta(minutes=59),
        datetime(2014, 6, 1, tzinfo=BAKU),
        None,
    ]
    cards = [
        FeedCard(href=f"/en/a/{n}", timestamp_raw=None, published_at=m, title="t", category=None)
        for n, m in enumerate(moments)
    ]
    assert planner.undate_implausible(cards) == 3
    assert [card.published_at for card in cards] == [None, None, None, *moments[3:]]
    assert "before the site existed" in cards[0].warnings[0]
    assert all("in the future" in card.warnings[0] for card in cards[1:3])
    assert [card.warnings for card in cards[3:]] == [[], [], []]


@pytest.mark.parametrize(
    ("hours", "ceiling", "kept"),
    [
        ([10, 9, 8, 7], None, [10, 9, 8, 7]),
        ([10, 9, -9000, 8, 7], None, [10, 9, 8, 7]),  # far older than the cards after it
        ([-9000, 10, 9, 8], None, [10, 9, 8]),  # ... even as the page's first
        ([10, 500, 9, 8], None, [10, 9, 8]),  # newer than the cards before it
        ([12, 9, 8], 9.0, [9, 8]),  # newer than the previous page's oldest
        ([9, 9, 8], 9.0, [9, 9, 8]),  # the cursor's card comes again; equal times
        ([12, 11], 9.0, []),
    ],
)
def test_only_cards_in_the_feeds_order_count(
    hours: list[float], ceiling: float | None, kept: list[float]
) -> None:
    cards = [_card(h) for h in hours]
    found = in_order(cards, _at(ceiling) if ceiling is not None else None)
    assert [card.published_at for card in found] == [_at(h) for h in kept]


def test_an_out_of_order_card_never_moves_a_page_its_cursor_or_a_stop(tmp_path: Path) -> None:
    """A card dated far below the known range in the middle of the first page of new cards
    (on 8051ec7 it ended the walk as ``known_reached`` and its date became the page's oldest)."""
    store = StateStore(tmp_path / "state.sqlite")
    planner = Planner(store, site="s", limits=Limits(records_walks=True, max_pages=5))
    planner._ranges["en"] = Walks()
    planner.ranges("en").record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    planner.page_cards(walk, 1, [_card(30), _card(29), _card(-50), _card(28), _card(27)])
    progress = walk.page(1)
    assert (progress.newest, progress.oldest, progress.cursor) == (_at(30), _at(27), "c27")
    step = planner.after_page(walk, 1, None, deadline_passed=False, has_endpoint=True)
    assert (step.stop, step.cursor) == (None, "c27")
    # a batch whose cards jump above the previous page's oldest: they move nothing
    planner.page_cards(walk, 2, [_card(29.5), _card(26), _card(25)])
    assert (walk.page(2).newest, walk.page(2).oldest) == (_at(26), _at(25))
    planner.page_cards(walk, 3, [_card(3), _card(-1)])
    step = planner.after_page(walk, 3, "c25", deadline_passed=False, has_endpoint=True)
    assert step.stop == "known_reached"
    for number in (1, 2, 3):
        walk.page(number).pending = 0
    planner.record(NOW)
    assert [(r.top, r.bottom) for r in planner.grown("en", NOW).ranges] == [(_at(30), _at(-10))]


def test_a_fresh_states_floor_is_seeded_below_the_newest_card_in_order(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    limits = Limits(records_walks=True, history=timedelta(hours=12))
    planner = Planner(store, site="s", limits=limits)
    walk = planner.walk_of("en", TOP, 1)
    assert walk is not None
    planner.page_cards(walk, 1, [_card(-9000), _card(0), _card(-1)])
    assert [(r.top, r.bottom) for r in planner.ranges("en").ranges] == [(_at(-12), _at(-12))]


def _stored_ranges(store: StateStore) -> list[tuple[datetime, datetime, str | None]]:
    walks = Walks.from_json(store.get_meta("walks:en:s"))
    return [(r.top, r.bottom, r.cursor) for r in walks.ranges]


def test_checkpoints_as_a_walk_goes_on_store_what_one_record_at_its_end_stores(
    tmp_path: Path,
) -> None:
    """A work unit's heartbeat records the walked ranges again and again (its checkpoint): each
    record applies this run's walks to the ranges read when the run began, so recording after
    every page leaves what one record at the end leaves (applied to what the last checkpoint
    wrote, the range would stop at the first page's bottom)."""
    stores = [StateStore(tmp_path / f"{name}.sqlite") for name in ("beats", "once")]
    planners = [Planner(store, site="s", limits=Limits(records_walks=True)) for store in stores]
    for planner in planners:
        planner._ranges["en"] = Walks()
        planner.ranges("en").record_top_walk(_at(0), _at(-10), "c-10", reached=False, now=NOW)
        planner.start("en", TOP)
    beats, once = planners
    for number, (newest, oldest) in enumerate([(30, 25), (25, 20), (20, 15)], 1):
        for planner in planners:
            _page(planner, TOP, number, newest, oldest)
        beats.record(NOW, edition="en")  # a heartbeat after each page
        assert _stored_ranges(stores[0])[0] == (_at(30), _at(oldest), f"c{oldest}")
    once.record(NOW)
    assert _stored_ranges(stores[0]) == _stored_ranges(stores[1])
    assert _stored_ranges(stores[0]) == [(_at(30), _at(15), "c15"), (_at(0), _at(-10), "c-10")]
    # a successor reads the checkpoint: its walk stops where the dead one's pages reach, and
    # the hole below them is walked from the dead walk's cursor
    successor = Planner(stores[0], site="s", limits=Limits(records_walks=True))
    (hole,) = successor.holes("en")
    assert (hole.top, hole.bottom, hole.cursor) == (_at(15), _at(0), "c15")
    for store in stores:
        store.close()
