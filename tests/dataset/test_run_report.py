"""The run report answers "is my collection complete?" (issue 21, item 3): the runs folded
from the stats files into the dataset once each, the verdict first, per edition freshness,
open holes with their age, the last fully successful run, why the walk stopped, layouts and
fallbacks, what changed and what it cost, a strip of the last runs whose size does not grow
with the history; and no crash after a failed or partial run. Synthetic history
(``tests/dataset/synthetic.py``), no crawl."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import jsonschema
import pytest

from newscrawl_data import report
from newscrawl_data.dataset import database_path, export_dataset
from newscrawl_data.report import render
from newscrawl_data.runs import fold_runs
from tests.crawl import ROOT
from tests.dataset.synthetic import (
    LANGUAGES,
    article,
    edition_stats,
    health_entry,
    history,
    run_stats,
    write_json,
    write_run,
)

NOW = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
SCHEMA = json.loads((ROOT / "docs/schemas/stats.schema.json").read_text(encoding="utf-8"))


def page_of(output: Path, now: datetime = NOW) -> str:
    export_dataset(output)
    return render(output, now=now)


def verdict(page: str) -> str:
    """The text of the verdict line (the first paragraph after the title) and its problems."""
    body = page.split("<body>", 1)[1]
    found = re.search(
        r'<h1>.*?</h1>\s*<p class="verdict">(.*?)</p>\s*(<ul class="problems">.*?</ul>)?',
        body,
        re.S,
    )
    assert found, body[:2000]
    return re.sub(r"<[^>]+>", " ", found.group(0))


def first_column(page: str, table: str) -> list[str]:
    found = re.search(rf'<table class="{table}">(.*?)</table>', page, re.S)
    assert found
    return [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r"<tr[^>]*><td[^>]*>(.*?)</td>", found.group(1))
    ]


def row(page: str, label: str) -> list[str]:
    """The cells (az, en, ru) of the editions table's row ``label``."""
    found = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", page)
    assert found, label
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1))]


def test_the_synthetic_stats_files_follow_the_schema(tmp_path: Path) -> None:
    for stats in history(tmp_path, NOW, 2, article_files=False):
        jsonschema.validate(stats, SCHEMA)


def test_each_stats_file_is_folded_once_and_kept_after_retention(tmp_path: Path) -> None:
    history(tmp_path, NOW - timedelta(minutes=10), 3, article_files=False)
    (tmp_path / "stats" / "report-broken.json").write_text("[1, 2", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "runs.duckdb"))
    first = fold_runs(con, tmp_path)
    assert (first.read, first.known, first.unreadable) == (3, 0, 1)
    history(tmp_path, NOW, 1, article_files=False)
    again = fold_runs(con, tmp_path)
    assert (again.read, again.known) == (1, 3)  # only the new file read
    oldest = sorted((tmp_path / "stats").glob("report-2026*.json"))[0]
    oldest.unlink()  # retention removed it: the dataset keeps the run
    assert fold_runs(con, tmp_path).read == 0
    rows = con.execute("SELECT count(*), count(DISTINCT run_id) FROM runs").fetchall()
    assert rows == [(4, 4)]
    editions = con.execute(
        "SELECT language, count(*), sum(new) FROM run_editions GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert editions == [(code, 4, 8) for code in LANGUAGES]
    stored = con.execute("SELECT stats->>'run_id', run_id FROM runs").fetchall()
    assert all(a == b for a, b in stored)  # the whole JSON kept beside the key columns


def test_scrapy_export_folds_the_runs_into_the_dataset(tmp_path: Path) -> None:
    history(tmp_path, NOW, 3)
    export_dataset(tmp_path)
    con = duckdb.connect(str(database_path(tmp_path)), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchall() == [(3,)]
    assert con.execute("SELECT count(*) FROM run_editions").fetchall() == [(9,)]


def test_verdict_first_complete_and_fresh(tmp_path: Path) -> None:
    history(tmp_path, NOW - timedelta(minutes=5), 6)
    page = page_of(tmp_path)
    assert "Complete and fresh" in verdict(page)
    assert row(page, "Health of the latest run") == ["healthy"] * 3
    assert row(page, "Open holes") == ["none"] * 3
    assert row(page, "Feed walk stopped because") == ["reached what earlier runs walked"] * 3
    assert row(page, "Last fully successful run")[0].startswith("2026-12-06 23:55 UTC (5 min ago)")
    # what changed and what it cost, over the last 24 h: 6 runs of 2 new articles, 5 requests each
    assert row(page, "New articles: last 24 h") == ["12"] * 3
    assert row(page, "Requests per new article: last 24 h") == ["2.5"] * 3


def test_verdict_names_what_is_wrong_per_edition(tmp_path: Path) -> None:
    history(tmp_path, NOW - timedelta(minutes=20), 3)
    hole = {"from": "2026-12-06T10:00:00+04:00", "to": "2026-12-06T12:00:00+04:00"}
    hole |= {"cursor": "2026-12-06 12:00:00", "since": (NOW - timedelta(hours=30)).isoformat()}
    editions = {
        "az": edition_stats(holes=[hole], stop_reason="max_pages"),
        "en": edition_stats(dropped={"http_404": 3, "no_body": 1}, errors=2),
        "ru": edition_stats(layouts={"generic": 2}),  # every article from a fallback
    }
    failures = [health_entry("en", "errors", "2 failed requests", "fail")]
    warnings = [health_entry("ru", "fallback_share", "100% by fallback layouts", "warn")]
    stats = run_stats(NOW - timedelta(minutes=10), editions, failures=failures, warnings=warnings)
    jsonschema.validate(stats, SCHEMA)
    write_run(
        tmp_path,
        stats,
        {
            c: [article(c, 900 + i, NOW - timedelta(minutes=12), NOW) for i in range(2)]
            for c in LANGUAGES
        },
    )
    page = page_of(tmp_path)
    text = verdict(page)
    assert "Not complete and fresh" in text and "Complete and fresh" not in text
    assert "az : 1 open hole (oldest open for 30.0 h)" in text
    assert "en : last run failed its health check (errors)" in text
    assert (
        "ru : every article from fallback layouts (site changed?); health warnings: fallback_share"
        in text
    )
    assert row(page, "Health of the latest run") == ["healthy", "failed", "warning"]
    assert '<span class="ok">healthy</span>' not in page
    assert row(page, "Feed walk stopped because")[0] == "page limit (max_pages) reached"
    assert row(page, "Share from fallback layouts") == ["0%", "0%", "100%"]
    assert row(page, "Page layouts")[2] == "generic (2)"
    assert row(page, "Rejected by reason: last 24 h")[1] == "http 404 (3), no body (1)"
    # en failed in the latest run: its last fully successful run is the one before
    assert row(page, "Last fully successful run")[1].startswith("2026-12-06 23:40 UTC")
    assert row(page, "Last fully successful run")[0].startswith("2026-12-06 23:50 UTC")
    assert "en: errors - 2 failed requests" in page and "ru: fallback_share - warning: 100%" in page


def test_stale_editions_and_a_stopped_schedule(tmp_path: Path) -> None:
    history(tmp_path, NOW - timedelta(hours=10), 3)
    text = verdict(page_of(tmp_path))
    assert "az : stale: newest article 10.1 h old; no run for 10.0 h" in text


def test_no_crash_after_failed_partial_or_missing_runs(tmp_path: Path) -> None:
    assert "No runs yet" in verdict(page_of(tmp_path / "empty"))  # no folder at all
    output = tmp_path / "output"
    history(output, NOW - timedelta(hours=1), 2)
    locked = run_stats(NOW - timedelta(minutes=40), {}, finish_reason="state_locked", exit_code=75)
    locked["health"] = {"checked": False, "ok": None, "failures": [], "warnings": []}
    write_json(output / "stats" / f"report-{locked['run_id']}.json", locked)
    shutdown = run_stats(
        NOW - timedelta(minutes=30),
        {"en": edition_stats(new=0, stop_reason=None, unreachable="cannot resolve report.az")},
        failures=[health_entry("all", "finish", "the run was stopped", "fail")],
        finish_reason="shutdown",
    )
    write_json(output / "stats" / f"report-{shutdown['run_id']}.json", shutdown)
    bare = {"run_id": "odd", "editions": {"az": {"new": "x"}, "en": None}, "health": []}
    write_json(output / "stats" / "report-odd.json", bare)  # not what the schema says
    page = page_of(output)
    text = verdict(page)
    assert "en : no run for" not in text
    assert "last run ended: stopped (shutdown)" in text and "site unreachable" in text
    assert row(page, "Health of the latest run")[1] == "failed"
    assert "5 runs, 1 with a failed health check" in page


def test_the_page_is_bounded_whatever_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "STRIP_RUNS", strip := 12)  # the same rule, a smaller strip
    sizes = []
    for runs in (strip, 3 * strip):
        output = tmp_path / str(runs)
        history(output, NOW, runs, article_files=False)
        page = page_of(output)
        assert f"{runs} runs, 0 with a failed health check" in page
        assert f"the charts show the last {strip}" in page
        sizes.append(len(page.encode()))
    assert sizes[1] < sizes[0] * 1.05, sizes  # three times the history, the same page


def test_labels_are_words_not_keys(tmp_path: Path) -> None:
    history(tmp_path, NOW, 2)
    page = page_of(tmp_path)
    labels = first_column(page, "editions")
    assert len(labels) > 25
    keys = {
        "dropped_total",
        "fallback_share",
        "stop_reason",
        "feed_source",
        "coverage",
        "published_at",
    }
    for label in labels:
        assert "_" not in label and not any(key in label for key in keys), label
    assert "Articles with publication date" in labels
    assert "health-failure" not in page and "known_reached" not in page.split("<figure")[0]


@pytest.mark.parametrize("stats_key", ["editions", "health"])
def test_a_stats_file_missing_a_part(tmp_path: Path, stats_key: str) -> None:
    stats = history(tmp_path, NOW, 1, article_files=False)[0]
    del stats[stats_key]
    write_json(tmp_path / "stats" / f"report-{stats['run_id']}.json", stats)
    assert "1 runs" in page_of(tmp_path)


def test_editions_never_crawled_are_left_out(tmp_path: Path) -> None:
    stats = run_stats(NOW - timedelta(minutes=5), {"en": edition_stats()})
    write_run(tmp_path, stats, {"en": [article("en", 1, NOW - timedelta(minutes=7), NOW)]})
    page = page_of(tmp_path)
    assert "Complete and fresh" in verdict(page)
    assert re.search(r'<table class="editions"><tr><th>edition</th><th>en</th></tr>', page)
