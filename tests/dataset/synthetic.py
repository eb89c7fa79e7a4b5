"""A synthetic run history for the run report's tests and benchmark: stats files shaped as the
crawl writes them (``docs/schemas/stats.schema.json``, checked by the tests) and article lines
of the ``Article`` model, written directly (no crawl), so a day, a month or a year of runs
takes seconds to minutes to make. Nothing here is real text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newscrawl.items import Article
from newscrawl.site import EDITIONS

LANGUAGES = tuple(EDITIONS)
#: The schedule of docs/operations.md: a run every 10 minutes.
EVERY = timedelta(minutes=10)
BAKU = timedelta(hours=4)
COVERAGE = {
    "url": 1.0,
    "title": 1.0,
    "body": 1.0,
    "published_at": 1.0,
    "article_id": 0.92,
    "lead": 0.2,
    "modified_at": 0.02,
    "category": 1.0,
    "tags": 0.98,
    "images": 0.94,
    "translations": 0.62,
    "badges": 0.12,
}


def run_id_at(started: datetime) -> str:
    return started.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%S")


def edition_stats(
    *,
    new: int = 2,
    updated: int = 0,
    dropped: dict[str, int] | None = None,
    requests: int | None = None,
    holes: Iterable[dict[str, Any]] = (),
    layouts: dict[str, int] | None = None,
    stop_reason: str | None = "known_reached",
    unreachable: str | None = None,
    errors: int = 0,
) -> dict[str, Any]:
    """One edition's figures in a stats file."""
    dropped = dropped or {}
    exported = new + updated
    layouts = {"current": exported} if layouts is None else layouts
    fallbacks = sum(n for k, n in layouts.items() if k in ("jsonld", "generic"))
    requests = 3 + exported + sum(dropped.values()) if requests is None else requests
    return {
        "found": exported + sum(dropped.values()) + 20,
        "exported": exported,
        "new": new,
        "updated": updated,
        "unchanged": 20,
        "not_requested_known": 20,
        "dropped": dropped,
        "dropped_total": sum(dropped.values()),
        "duplicates": {},
        "flagged": 0,
        "warnings": {},
        "layouts": layouts,
        "fallback_share": round(fallbacks / exported, 4) if exported else 0.0,
        "coverage": COVERAGE if exported else dict.fromkeys(COVERAGE, 0.0),
        "feed_pages": 1,
        "requests": requests,
        "responses": {"200": requests - errors} | ({"503": errors} if errors else {}),
        "retries": errors,
        "errors": errors,
        "transient_errors": errors,
        "walk": {"stop_reason": stop_reason, "stop_cursor": None},
        "holes": list(holes),
        "window": None,
        "trend": None,
        "cost": {
            "feed_pages": 1,
            "hole_pages": 0,
            "edited_cards": 0,
            "revisits": 0,
            "revisits_not_modified": 0,
            "revisits_changed": 0,
            "rss": 1,
            "sitemap": 0,
        },
        "feed_source": "home_link",
        "rss_missed": 0,
        "unreachable": unreachable,
        "days": {"complete": 0, "incomplete": 0, "by_day": {}},
        "gave_up": [],
    }


def health_entry(edition: str, check: str, message: str, level: str) -> dict[str, Any]:
    return {"edition": edition, "check": check, "message": message, "figures": {}, "level": level}


def run_stats(
    started: datetime,
    editions: dict[str, dict[str, Any]],
    *,
    failures: Iterable[dict[str, Any]] = (),
    warnings: Iterable[dict[str, Any]] = (),
    finish_reason: str = "finished",
    exit_code: int | None = None,
    duration: float = 42.0,
) -> dict[str, Any]:
    """A whole stats file of a ``latest`` run started at ``started``."""
    failures, warnings = list(failures), list(warnings)
    run_id = run_id_at(started)
    if exit_code is None:
        exit_code = 3 if failures else 0 if finish_reason == "finished" else 1
    files = [
        {"kind": code, "path": f"{code}/report-{run_id}.jsonl", "lines": e["exported"]}
        | {"bytes": 100 * e["exported"], "sha256": "0" * 64}
        for code, e in editions.items()
    ]
    return {
        "spider": "report",
        "kind": "crawl",
        "run_id": run_id,
        "job_id": None,
        "version": {"package": "0.1.0", "git": None, "egg": None},
        "arguments": {"editions": list(editions), "mode": "latest", "max_pages": 10},
        "base_url": "http://127.0.0.1:8765",
        "mode": "latest",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(seconds=duration)).isoformat(),
        "duration_seconds": duration,
        "finish_reason": finish_reason,
        "exit_code": exit_code,
        "site_requests": sum(e["requests"] + e["retries"] for e in editions.values()) + 1,
        "state": {"path": "state.sqlite", "locked": False},
        "previous_run": {"finished": True, "recovered_articles": 0},
        "editions": editions,
        "files": files,
        "retention": {"days": None, "removed": 0},
        "health": {
            "checked": True,
            "ok": not failures,
            "failures": failures,
            "warnings": warnings,
        },
    }


def article(language: str, number: int, published: datetime, crawled: datetime) -> dict[str, Any]:
    """One article line (the Article model, as the crawl writes it)."""
    slug = f"synthetic-article-{number}"
    url = f"https://report.az/{'' if language == 'az' else language + '/'}news/{slug}"
    local = published.astimezone(UTC) + BAKU
    item = Article(
        url=url,
        language=language,
        article_id=number,
        slug=slug,
        title=f"Synthetic headline {number}",
        lead=None,
        body=f"Synthetic body of article {number}.\n\nA second paragraph.",
        published_at=local.replace(tzinfo=None).isoformat() + "+04:00",
        published_at_raw=local.strftime("%d %B, %Y %H:%M"),
        modified_at=None,
        category="News",
        crawled_at=crawled.astimezone(UTC).isoformat(),
        content_hash=f"{number:064x}",
        layout="current",
    )
    return item.model_dump(mode="json")


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_run(
    output: Path, stats: dict[str, Any], articles: dict[str, list[dict[str, Any]]]
) -> None:
    """A run's files: its article lines per edition (when any), then its stats file."""
    for code, lines in articles.items():
        if lines:
            path = output / code / f"report-{stats['run_id']}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
            path.write_text(text, encoding="utf-8")
    write_json(output / "stats" / f"report-{stats['run_id']}.json", stats)


def history(
    output: Path,
    end: datetime,
    runs: int,
    *,
    new: int = 2,
    every: timedelta = EVERY,
    article_files: bool = True,
) -> list[dict[str, Any]]:
    """``runs`` healthy runs every ``every`` up to ``end`` (the last run starts then), each
    with ``new`` new articles per edition published in the ten minutes before it; returns
    the stats written. ``article_files`` False: only the stats files."""
    written = []
    number = 0
    for index in range(runs):
        started = end - every * (runs - 1 - index)
        articles: dict[str, list[dict[str, Any]]] = {}
        for code in LANGUAGES:
            lines = []
            for k in range(new):
                number += 1
                published = started - every * (k + 1) / (new + 1)
                lines.append(article(code, number, published, started))
            articles[code] = lines if article_files else []
        stats = run_stats(started, {code: edition_stats(new=new) for code in LANGUAGES})
        write_run(output, stats, articles)
        written.append(stats)
    return written
