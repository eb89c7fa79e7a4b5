"""The runs table of the state (schema 2): each run's counts per edition, the rolling window
the health checks fall back on, the 7-day trend, and the additive migration from schema 1."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newscrawl.extensions.history import run_counts, trend_of, window_of
from newscrawl.state.store import SCHEMA_VERSION, StateStore
from tests.test_health import figures


def test_run_counts_add_up_over_a_window(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    now = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
    small = figures(exported=2, requests=3, errors=1, dropped={"no_body": 1, "duplicate_of": 4})
    for hours_ago, run_id in ((30, "old"), (5, "a"), (1, "b")):
        finished = (now - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
        store.record_run(run_id, "en", finished, run_counts(small), "latest")
    since = (now - timedelta(hours=24)).isoformat(timespec="seconds")
    window = window_of(store.runs_since("en", since), 24)
    assert (window["runs"], window["exported"], window["requests"], window["errors"]) == (
        2,
        4,
        6,
        2,
    )
    assert window["rejected"] == 2  # duplicates do not count
    assert window["filled"]["title"] == 4


def test_trend_counts_first_seen_per_day(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    now = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
    for n in range(30):
        seen = (now - timedelta(hours=2 + 24 * (n % 3))).isoformat(timespec="seconds")
        store.record(
            url=f"https://report.az/en/a/{n}",
            language="en",
            article_id=n,
            content_hash=f"{n:064x}",
            title="t",
            revision=1,
            published_at=None,
            seen_at=seen,
        )
    trend = trend_of(store, "en", now)
    assert trend["last_24h"] == 10 and trend["days"][:2] == [10, 10]
    assert trend["median_7d"] == 0  # a state younger than a week says nothing


def test_a_schema_1_state_gains_the_runs_table(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    StateStore(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE runs")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    store = StateStore(path)
    store.record_run("r", "az", "2025-10-24T12:00:00+00:00", {"exported": 1})
    assert store.runs_since("az", "2025-10-24T00:00:00+00:00") == [{"exported": 1}]
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
