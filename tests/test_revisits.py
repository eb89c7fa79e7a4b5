"""The revisit schedule (``newscrawl/revisits.py``): the rule, the horizon, the bound per run,
the order; the state it reads (validators kept, schema 5); the replica's conditional answers;
and the cost table of ``docs/operations.md`` being the simulation's output."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path

import pytest

from newscrawl.planner import Limits, Planner
from newscrawl.revisits import Known, RevisitPolicy
from newscrawl.site import BAKU
from newscrawl.store import StateStore
from tests.bench.revisit_costs import simulate, table
from tests.site.server import Request, Response, conditional

NOW = datetime(2025, 10, 23, 21, 0, tzinfo=BAKU)
H = timedelta(hours=1)
ROOT = Path(__file__).resolve().parent.parent


def known(url: str, age: timedelta, since_fetch: timedelta) -> Known:
    return Known(url, NOW - age, NOW - since_fetch)


def test_due_when_the_time_since_the_fetch_exceeds_the_share_of_the_age() -> None:
    policy = RevisitPolicy(share=0.5, horizon=48 * H)
    # fetched at age 2 h, now 4 h old: due exactly past 2a (not at it)
    assert not policy.is_due(known("a", 4 * H, 2 * H), NOW)
    minute = timedelta(minutes=1)
    assert policy.is_due(known("a", 4 * H + minute, 2 * H + minute), NOW)
    # fetched at age 10 h: not due before age 20 h
    assert not policy.is_due(known("b", 19 * H, 9 * H), NOW)
    assert policy.is_due(known("b", 21 * H, 11 * H), NOW)


def test_share_zero_is_every_run_and_one_is_never() -> None:
    article = known("a", 30 * H, timedelta(seconds=1))
    assert RevisitPolicy(share=0.0).is_due(article, NOW)
    assert not RevisitPolicy(share=1.0).is_due(known("a", 30 * H, 29 * H), NOW)


def test_nothing_past_the_horizon_or_without_one_is_due() -> None:
    old = known("old", 49 * H, 40 * H)
    assert not RevisitPolicy(horizon=48 * H).is_due(old, NOW)
    assert RevisitPolicy(horizon=50 * H).is_due(old, NOW)
    assert not RevisitPolicy(horizon=None).is_due(known("young", 2 * H, 1.5 * H), NOW)
    assert RevisitPolicy(horizon=None).oldest(NOW) is None


def test_oldest_debt_first_and_at_most_per_run() -> None:
    candidates = [
        known("small-debt", 10 * H, 6 * H),  # debt 6 - 5 = 1 h
        known("not-due", 10 * H, 4 * H),
        known("big-debt", 40 * H, 30 * H),  # debt 30 - 20 = 10 h
        known("mid-debt", 20 * H, 14 * H),  # debt 14 - 10 = 4 h
    ]
    policy = RevisitPolicy(per_run=2)
    assert [k.url for k in policy.select(candidates, NOW)] == ["big-debt", "mid-debt"]
    everything = RevisitPolicy(per_run=10).select(candidates, NOW)
    assert [k.url for k in everything] == ["big-debt", "mid-debt", "small-debt"]
    assert RevisitPolicy(per_run=0).select(candidates, NOW) == []


def test_revisits_at_ages_that_double_cost_about_log2_of_horizon_over_interval() -> None:
    """One article fetched on an hourly schedule: the fetch ages double, so it is revisited
    about log2(48 h / 1 h) times over its horizon, and then never again."""
    policy = RevisitPolicy()
    published = NOW
    fetched, fetches = NOW + timedelta(minutes=30), []
    now = fetched
    while now < NOW + 72 * H:
        now += H
        if policy.is_due(Known("a", published, fetched), now):
            fetched = now
            fetches.append((now - published) / H)
    assert fetches == [1.5, 3.5, 7.5, 15.5, 31.5]


def _store_with(tmp_path: Path) -> StateStore:
    store = StateStore(tmp_path / "state.sqlite")
    site = "http://127.0.0.1:1"
    rows = [
        ("/en/a/young-due", "en", 6 * H, 4 * H),
        ("/en/a/young-fresh", "en", 6 * H, 1 * H),
        ("/en/a/too-old", "en", 60 * H, 50 * H),
        ("/a/az-due", "az", 6 * H, 4 * H),
    ]
    for path, language, age, since in rows:
        store.record(
            url=site + path,
            language=language,
            article_id=None,
            content_hash=path,
            title=path,
            revision=1,
            published_at=(NOW - age).isoformat(),
            seen_at=(NOW - since).astimezone(UTC).isoformat(timespec="seconds"),
            validators=('"etag-' + path + '"', "Thu, 23 Oct 2025 10:00:00 GMT"),
        )
    store.record(  # the same path on another site
        url="http://other.example/en/a/young-due",
        language="en",
        article_id=None,
        content_hash="x",
        title="x",
        revision=1,
        published_at=(NOW - 6 * H).isoformat(),
        seen_at=(NOW - 4 * H).astimezone(UTC).isoformat(timespec="seconds"),
    )
    return store


def test_the_planner_takes_the_due_articles_of_one_edition_and_site_from_the_state(
    tmp_path: Path,
) -> None:
    store = _store_with(tmp_path)
    planner = Planner(store, site="http://127.0.0.1:1", limits=Limits(records_walks=True), now=NOW)
    due = planner.revisits("en")
    assert [k.url for k in due] == ["http://127.0.0.1:1/en/a/young-due"]
    assert due[0].etag == '"etag-/en/a/young-due"'
    assert due[0].last_modified == "Thu, 23 Oct 2025 10:00:00 GMT"
    # only runs that grow the walked ranges revisit (not since/until or archive runs)
    planner.limits.records_walks = False
    assert planner.revisits("en") == []


def test_a_304_is_a_fetch_and_keeps_the_validators(tmp_path: Path) -> None:
    store = _store_with(tmp_path)
    url = "http://127.0.0.1:1/en/a/young-due"
    planner = Planner(store, site="http://127.0.0.1:1", limits=Limits(records_walks=True), now=NOW)
    planner.not_modified(url, (None, None))
    row = store.get(url)
    assert row is not None and row.last_seen == NOW.astimezone(UTC).isoformat(timespec="seconds")
    assert row.etag == '"etag-/en/a/young-due"'
    assert planner.revisits("en") == []  # just fetched: not due


def test_a_schema_4_state_gains_the_validator_columns(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    StateStore(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE articles DROP COLUMN etag")
        connection.execute("ALTER TABLE articles DROP COLUMN last_modified")
        connection.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    store = StateStore(path)
    store.record(
        url="http://h/en/a/b",
        language="en",
        article_id=None,
        content_hash="h",
        title="t",
        revision=1,
        published_at=None,
        seen_at="2025-10-23T17:00:00+00:00",
        validators=('"e"', None),
    )
    row = store.get("http://h/en/a/b")
    assert row is not None and (row.etag, row.last_modified) == ('"e"', None)
    assert store.get_meta("schema_version") == "5"


def _request(**headers: str) -> Request:
    return Request("GET", "/en/a/b", {}, headers, "http://127.0.0.1:1")


def test_the_replica_answers_304_to_its_own_validators() -> None:
    page = Response(200, b"<html>page</html>")
    modified = int(NOW.timestamp())
    first = conditional(_request(), page, b"text", modified)
    headers = dict(first.headers)
    assert first.status == 200 and first.body == page.body
    assert headers["Last-Modified"] == formatdate(modified, usegmt=True)
    etag = headers["ETag"]
    matching = _request(**{"If-None-Match": etag})
    not_modified = conditional(matching, page, b"text", modified)
    assert not_modified.status == 304 and not_modified.body == b""
    assert dict(not_modified.headers)["ETag"] == etag
    assert conditional(matching, page, b"edited text", modified).status == 200
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert conditional(_request(**since), page, b"text", modified).status == 304
    assert conditional(_request(**since), page, b"text", modified + 60).status == 200


def test_the_simulation_matches_the_log2_estimate() -> None:
    costs = simulate(250, timedelta(hours=1))
    per_article = costs.revisits / costs.new
    assert 4 <= per_article <= 6.5  # log2(48 h / 1 h) = 5.6
    assert costs.wait_max <= 24 + 1  # an edit at age A is seen by age 2A + one interval


@pytest.mark.slow
def test_the_cost_table_in_operations_md_is_the_simulation_output() -> None:
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    shown = "\n".join(line.strip() for line in docs.splitlines())
    assert table() in shown, "run: python -m tests.bench.revisit_costs"


def test_a_failed_revisit_waits_for_its_next_slot_and_a_given_up_url_is_not_revisited(
    tmp_path: Path,
) -> None:
    store = _store_with(tmp_path)
    url = "http://127.0.0.1:1/en/a/young-due"
    planner = Planner(store, site="http://127.0.0.1:1", limits=Limits(records_walks=True), now=NOW)
    planner.revisit_failed(url)  # a 404 or 5xx: not asked for again on the very next run
    assert planner.revisits("en") == []
    limits = Limits(records_walks=True, failure_runs=2)
    later = Planner(store, site="http://127.0.0.1:1", limits=limits, now=NOW + 12 * H)
    assert url in [k.url for k in later.revisits("en")]
    assert later.failed(url, "run-1", "http_500") is None  # one run of two
    assert url in [k.url for k in later.revisits("en")]
    assert later.failed(url, "run-2", "http_500") == 2  # the budget is used up: given up
    assert url not in [k.url for k in later.revisits("en")]
    assert later.card_status(url, None) == "given_up"
    later.answered(url)  # its row deleted: asked for again
    assert url in [k.url for k in later.revisits("en")]
