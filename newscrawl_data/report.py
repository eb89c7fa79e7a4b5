"""The run report: ``output/report.html``, one static page that answers "is my collection
complete?" from the dataset ``output/newscrawl.duckdb``: the ``runs`` and ``run_editions``
tables (``runs``, folded from the stats files first, each file read once) and, when the
export has built them, the articles. Everything over the whole history is a SQL aggregate; the
per-run charts and tables show only a strip of the last :data:`STRIP_RUNS` runs, so the page's
size and the time to make it are bounded whatever the history.

Verdict first (:func:`verdict`), then per edition freshness, open holes, the last fully
successful run, why each walk stopped, coverage and layouts, what changed and what it cost,
then the last runs and the charts (``charts``: inline SVG; no script, no web font: the page
works offline and in any browser).
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from newscrawl.site import EDITIONS
from newscrawl_data import charts
from newscrawl_data.charts import FIELDS
from newscrawl_data.dataset import database_path
from newscrawl_data.runs import fold_runs

REPORT_NAME = "report.html"
LANGUAGES = tuple(EDITIONS)

#: Runs in the strip (the per-run charts): a day of runs at the 10-minute schedule.
STRIP_RUNS = 144
#: Runs listed in the table of the last runs.
TABLE_RUNS = 12
#: Days of the articles-per-day chart, back from the newest article.
ARTICLE_DAYS = 62
#: The newest article of an edition older than this (hours before now): not fresh.
STALE_HOURS = 6.0
#: No run of an edition for this long (hours): the schedule stopped.
LATE_RUN_HOURS = 2.0
#: "What changed" and "what it cost" add up the runs of this many hours before now.
RECENT_HOURS = 24
#: DuckDB's memory while the report reads the dataset (it spills to disk beyond it).
MEMORY_LIMIT = "256MB"
#: Layouts that are fallbacks (no known layout of the site matched): docs/output.md.
FALLBACK_LAYOUTS = frozenset({"jsonld", "generic"})

#: Why a walk stopped (``walk.stop_reason``), in words.
STOP_REASONS = {
    "known_reached": "reached what earlier runs walked",
    "since": "reached the since date",
    "max_pages": "page limit (max_pages) reached",
    "feed_end": "end of the feed",
    "error": "a feed page failed",
    "deadline": "the run's deadline",
    "cursor_stuck": "the scroll cursor did not move",
    "cursor_unreadable": "the scroll cursor was unreadable",
    "no_scroll": "no scroll container on the page",
}
#: How a run ended (``finish_reason``), in words.
FINISH_REASONS = {
    "finished": "finished",
    "shutdown": "stopped (shutdown)",
    "state_locked": "state locked by another run",
    "state_unreadable": "state unreadable",
    "state_failed": "state failed",
    "output_unwritable": "output unwritable",
    "write_failed": "a write failed",
}
#: Where an edition's articles were found (``feed_source``), in words.
FEED_SOURCES = {
    "home_link": "the home page's feed link",
    "article_link": "an article's feed link",
    "heuristic": "a feed-like link",
    "fallback_path": "the configured feed path",
    "rss": "RSS",
    "sitemap": "the news sitemap",
    "remembered": "the feed an earlier run found",
}


def words(value: Any, table: dict[str, str]) -> str:
    """``value`` in words from ``table``; unknown codes with their underscores as spaces."""
    if value is None:
        return "-"
    return table.get(str(value), str(value).replace("_", " "))


# -- the runs of the strip ----------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """A stretch of the feed no walk has covered yet (``holes`` of the edition's stats)."""

    language: str
    start: datetime
    end: datetime
    since: datetime | None = None


@dataclass
class Run:
    """One run's summary (from its stats JSON in the ``runs`` table): per-edition figures and
    health."""

    run_id: str
    started_at: datetime | None
    finish_reason: str
    editions: dict[str, dict[str, Any]]
    health_ok: bool
    failures: list[dict[str, Any]] = field(default_factory=list)
    holes: list[Hole] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    duration_seconds: float | None = None
    site_requests: int = 0
    rate: dict[str, Any] = field(default_factory=dict)

    def figure(self, language: str, name: str) -> float:
        value = self.editions.get(language, {}).get(name, 0)
        return float(value) if isinstance(value, int | float) else 0.0

    def failed_editions(self) -> set[str]:
        """Editions named by a failed check (a run-level failure, ``all``, names every one)."""
        named = {str(f.get("edition")) for f in self.failures}
        if not self.health_ok and (not named or named - set(LANGUAGES)):
            return set(LANGUAGES)
        return named & set(LANGUAGES)

    def achieved_rate(self) -> float | None:
        """Requests per second over the whole run (every request sent, retries included)."""
        if not self.duration_seconds or self.duration_seconds <= 0:
            return None
        return self.site_requests / self.duration_seconds

    def label(self) -> str:
        """The run's start as a short label (its id when the start is unknown)."""
        return self.started_at.strftime("%m-%d %H:%M") if self.started_at else self.run_id


def _time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed and parsed.tzinfo else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def run_of(data: Any, run_id: str) -> Run | None:
    """The run a stats file's JSON describes, or None when it is not a JSON object."""
    if not isinstance(data, dict):
        return None
    editions = {k: v for k, v in (data.get("editions") or {}).items() if isinstance(v, dict)}
    health: dict[str, Any] = data["health"] if isinstance(data.get("health"), dict) else {}
    holes = []
    for code, figures in editions.items():
        for hole in figures.get("holes") or []:
            if not isinstance(hole, dict):
                continue
            start, end = _time(hole.get("from")), _time(hole.get("to"))
            if start and end:
                holes.append(Hole(code, min(start, end), max(start, end), _time(hole.get("since"))))
    return Run(
        run_id=str(data.get("run_id") or run_id),
        started_at=_time(data.get("started_at")),
        finish_reason=str(data.get("finish_reason", "")),
        editions=editions,
        health_ok=health.get("ok") is not False,  # None: not checked
        failures=[f for f in health.get("failures") or [] if isinstance(f, dict)],
        holes=holes,
        warnings=[f for f in health.get("warnings") or [] if isinstance(f, dict)],
        duration_seconds=_number(data.get("duration_seconds")),
        site_requests=int(_number(data.get("site_requests")) or 0),
        rate=data["rate"] if isinstance(data.get("rate"), dict) else {},
    )


# -- what the dataset says ----------------------------------------------------------------


@dataclass
class EditionStatus:
    """One edition's answers: from SQL aggregates over every run and article, and the
    edition's figures in its latest run."""

    language: str
    articles: int = 0
    newest_published: datetime | None = None
    last_run: Run | None = None
    last_success: datetime | None = None
    runs: int = 0
    recent: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def figures(self) -> dict[str, Any]:
        return self.last_run.editions.get(self.language, {}) if self.last_run else {}

    @property
    def holes(self) -> list[Hole]:
        return (
            [h for h in self.last_run.holes if h.language == self.language] if self.last_run else []
        )

    def all_from_fallbacks(self) -> bool:
        """Every article the latest run exported came from a fallback layout."""
        layouts = self.figures.get("layouts") or {}
        total = sum(n for n in layouts.values() if isinstance(n, int))
        fallbacks = sum(
            n for k, n in layouts.items() if k in FALLBACK_LAYOUTS and isinstance(n, int)
        )
        share = _number(self.figures.get("fallback_share"))
        return bool(total and fallbacks == total) or (share is not None and share >= 1.0)

    def health(self) -> str:
        """``failed``, ``warning`` or ``ok`` for the latest run (never ``ok`` when every
        article came from fallbacks); ``none`` before any run."""
        run = self.last_run
        if run is None:
            return "none"
        if self.language in run.failed_editions():
            return "failed"
        warned = {str(w.get("edition")) for w in run.warnings}
        if warned & {self.language, "all"} or self.all_from_fallbacks():
            return "warning"
        return "ok"

    def problems(self, now: datetime) -> list[str]:
        """What keeps the edition from "complete and fresh", in words; empty when nothing."""
        run = self.last_run
        if run is None:
            return ["never crawled"]
        found = []
        if self.newest_published is None:
            found.append("no articles in the dataset")
        elif (age := hours(now - self.newest_published)) > STALE_HOURS:
            found.append(f"stale: newest article {age_text(age)} old")
        if run.started_at and (late := hours(now - run.started_at)) > LATE_RUN_HOURS:
            found.append(f"no run for {age_text(late)}")
        if run.finish_reason and run.finish_reason != "finished":
            found.append(f"last run ended: {words(run.finish_reason, FINISH_REASONS)}")
        if self.health() == "failed":
            checks = sorted(
                {
                    str(f.get("check"))
                    for f in run.failures
                    if f.get("edition") in (self.language, "all")
                }
            )
            found.append(
                "last run failed its health check" + (f" ({', '.join(checks)})" if checks else "")
            )
        if self.figures.get("unreachable"):
            found.append(f"site unreachable: {self.figures['unreachable']}")
        if holes := self.holes:
            found.append(f"{len(holes)} open hole{'s' * (len(holes) > 1)} ({hole_age(holes, now)})")
        if self.all_from_fallbacks():
            found.append("every article from fallback layouts (site changed?)")
        warnings = sorted(
            {
                str(w.get("check"))
                for w in run.warnings
                if w.get("edition") in (self.language, "all")
            }
        )
        if warnings:
            found.append("health warnings: " + ", ".join(warnings))
        return found


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def age_text(value: float) -> str:
    """Hours as ``45 min``, ``5.2 h`` or ``3.1 days``."""
    if value < 1:
        return f"{max(value, 0) * 60:.0f} min"
    return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} days"


def hole_age(holes: list[Hole], now: datetime) -> str:
    """The oldest hole's age: since it was first recorded, else since its newest missing card."""
    recorded = [h.since for h in holes if h.since]
    if recorded:
        return f"oldest open for {age_text(hours(now - min(recorded)))}"
    return f"oldest missing since {age_text(hours(now - min(h.end for h in holes)))}"


@dataclass
class Report:
    """Everything the page shows, read from the dataset."""

    now: datetime
    runs_total: int = 0
    runs_failed: int = 0
    strip: list[Run] = field(default_factory=list)
    editions: dict[str, EditionStatus] = field(default_factory=dict)
    per_day: dict[str, dict[date, int]] = field(default_factory=dict)
    has_articles: bool = False

    def verdict(self) -> tuple[str, str, dict[str, list[str]]]:
        """(class, headline, problems per edition): "complete and fresh" only when no edition
        has a problem."""
        problems = {code: status.problems(self.now) for code, status in self.editions.items()}
        problems = {code: found for code, found in problems.items() if found}
        if not self.runs_total:
            return "failed", "No runs yet", {}
        if not problems:
            return "ok", "Complete and fresh", {}
        worst = any(s.health() == "failed" or s.last_run is None for s in self.editions.values())
        return ("failed" if worst else "warning"), "Not complete and fresh", problems


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows[0][0])


def read_report(con: duckdb.DuckDBPyConnection, now: datetime) -> Report:
    """The report's content: SQL aggregates over ``runs``, ``run_editions`` and ``articles``,
    the strip of the last :data:`STRIP_RUNS` crawl runs. An edition's last fully successful
    run finished (exit status 0, or 3 when only another edition failed its health), its
    health did not fail and the site answered it."""
    report = Report(now=now)
    crawls = "coalesce(kind, 'crawl') = 'crawl'"
    ((report.runs_total, report.runs_failed),) = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE health_ok IS FALSE) FROM runs WHERE {crawls}"
    ).fetchall()
    # the stats JSON of the strip's runs only: the key columns choose them
    rows = con.execute(
        f"""
        SELECT run_id, stats FROM runs WHERE relpath IN (
            SELECT relpath FROM runs WHERE {crawls}
            ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT ?)
        ORDER BY started_at NULLS FIRST, run_id
        """,
        [STRIP_RUNS],
    ).fetchall()
    report.strip = [run for r in rows if (run := run_of(json.loads(r[1]), str(r[0])))]
    for code in LANGUAGES:
        report.editions[code] = EditionStatus(code)
    since = now - timedelta(hours=RECENT_HOURS)
    per_edition = con.execute(
        """
        SELECT e.language, count(*),
            max(e.started_at) FILTER (WHERE r.finish_reason = 'finished'
                AND coalesce(r.exit_code, 0) IN (0, 3) AND NOT e.failed AND e.unreachable IS NULL),
            arg_max(e.relpath, coalesce(e.started_at, '-infinity'::TIMESTAMPTZ)),
            coalesce(sum(e.new) FILTER (WHERE e.started_at >= ?), 0),
            coalesce(sum(e.updated) FILTER (WHERE e.started_at >= ?), 0),
            coalesce(sum(e.dropped_total) FILTER (WHERE e.started_at >= ?), 0),
            coalesce(sum(e.requests) FILTER (WHERE e.started_at >= ?), 0),
            count(*) FILTER (WHERE e.started_at >= ?)
        FROM run_editions e
        JOIN (SELECT relpath, finish_reason, exit_code, kind FROM runs) r USING (relpath)
        WHERE coalesce(r.kind, 'crawl') = 'crawl'
        GROUP BY e.language
        """,
        [since] * 5,
    ).fetchall()
    latest = {str(row[3]) for row in per_edition}
    stats_of = {
        str(relpath): run_of(json.loads(stats), str(run_id))
        for relpath, run_id, stats in con.execute(
            "SELECT relpath, run_id, stats FROM runs WHERE list_contains(?, relpath)",
            [sorted(latest)],
        ).fetchall()
    }
    for language, runs, success, relpath, new, updated, dropped, requests, recent in per_edition:
        status = report.editions.setdefault(str(language), EditionStatus(str(language)))
        status.runs, status.last_success = int(runs), success
        status.last_run = stats_of.get(str(relpath))
        status.recent = {
            "runs": int(recent),
            "new": int(new),
            "updated": int(updated),
            "rejected": int(dropped),
            "requests": int(requests),
        }
    for language, reason, count in con.execute(
        f"""
        SELECT e.language, d.key, sum(TRY_CAST(d.value AS BIGINT))
        FROM run_editions e
        JOIN (SELECT relpath, stats FROM runs WHERE started_at >= ? AND {crawls}) r
            USING (relpath),
            json_each(r.stats->'editions'->e.language->'dropped') d
        WHERE e.started_at >= ? AND e.dropped_total > 0
        GROUP BY ALL
        """,
        [since, since],
    ).fetchall():
        if language in report.editions and count:
            report.editions[language].rejected_by_reason[str(reason)] = int(count)
    if any(status.runs for status in report.editions.values()):  # editions never crawled: out
        report.editions = {c: s for c, s in report.editions.items() if s.runs}
    if _table_exists(con, "articles"):
        report.has_articles = True
        for language, count, newest in con.execute(
            "SELECT language, count(*), max(published_at) FROM articles GROUP BY language"
        ).fetchall():
            if language in report.editions:
                report.editions[language].articles = int(count)
                report.editions[language].newest_published = newest
        report.per_day = articles_per_day(con)
    return report


def articles_per_day(con: duckdb.DuckDBPyConnection) -> dict[str, dict[date, int]]:
    """Articles per Baku publication day and edition, the last :data:`ARTICLE_DAYS` days."""
    rows = con.execute(
        """
        WITH days AS (
            SELECT language, CAST(published_at AT TIME ZONE 'Asia/Baku' AS DATE) AS day
            FROM articles WHERE published_at IS NOT NULL
        )
        SELECT language, day, count(*) FROM days
        WHERE day > (SELECT max(day) FROM days) - ?::INTEGER
        GROUP BY ALL
        """,
        [ARTICLE_DAYS],
    ).fetchall()
    result: dict[str, dict[date, int]] = {}
    for language, day, count in rows:
        if language in LANGUAGES and day is not None:
            result.setdefault(str(language), {})[day] = int(count)
    return result


# -- the page -----------------------------------------------------------------------------

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
p.verdict { font-size: 20px; margin: 8px 0; }
figure.chart { margin: 12px 0; padding: 8px; border: 1px solid #ddd; background: #fff; }
figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
tr.group td { background: #f3f3f3; font-weight: 600; text-align: left; }
.ok { color: #2a7a2a; font-weight: 600; } .failed { color: #c62828; font-weight: 600; }
.warning { color: #b26a00; font-weight: 600; }
.muted { color: #666; }
"""

HEALTH_WORDS = {"ok": "healthy", "warning": "warning", "failed": "failed", "none": "no run"}


def esc(value: Any) -> str:
    return html.escape(str(value)) if value is not None else "-"


def when(moment: datetime | None, now: datetime) -> str:
    """``2026-12-07 00:10 UTC (35 min ago)``, or ``-``."""
    if moment is None:
        return "-"
    text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{text} ({age_text(hours(now - moment))} ago)"


def share(value: Any) -> str:
    number = _number(value)
    return f"{number:.0%}" if number is not None else "-"


def counts(values: dict[str, Any], table: dict[str, str] | None = None) -> str:
    """``{"current": 240, "2019": 25}`` -> ``current (240), 2019 (25)`` (largest first)."""
    items = sorted(
        ((k, v) for k, v in values.items() if isinstance(v, int) and v), key=lambda kv: -kv[1]
    )
    return ", ".join(f"{words(k, table or {})} ({v})" for k, v in items) or "none"


def edition_table(report: Report) -> str:
    """Per edition (columns): freshness, completeness, the walk, coverage, changes and cost."""
    statuses = [report.editions[code] for code in LANGUAGES if code in report.editions]
    now = report.now
    rows: list[str] = []

    def group(title: str) -> None:
        rows.append(f'<tr class="group"><td colspan="{len(statuses) + 1}">{esc(title)}</td></tr>')

    def row(label: str, cells: list[str], classes: list[str] | None = None) -> None:
        tds = "".join(
            f'<td class="{c}">{cell}</td>' if c else f"<td>{cell}</td>"
            for cell, c in zip(cells, classes or [""] * len(cells), strict=True)
        )
        rows.append(f"<tr><td>{esc(label)}</td>{tds}</tr>")

    health = [s.health() for s in statuses]
    row(
        "Health of the latest run",
        [HEALTH_WORDS[h] for h in health],
        [h if h != "none" else "" for h in health],
    )
    group("Fresh?")
    row("Newest article (published)", [when(s.newest_published, now) for s in statuses])
    row(
        "Articles in the dataset",
        [str(s.articles) if report.has_articles else "no dataset yet" for s in statuses],
    )
    row("Latest run", [when(s.last_run.started_at if s.last_run else None, now) for s in statuses])
    row("Last fully successful run", [when(s.last_success, now) for s in statuses])
    group("Complete?")
    row(
        "Open holes",
        [
            esc(f"{len(s.holes)} ({hole_age(s.holes, now)})") if s.holes else "none"
            for s in statuses
        ],
    )
    row(
        "Feed walk stopped because",
        [esc(words(s.figures.get("walk", {}).get("stop_reason"), STOP_REASONS)) for s in statuses],
    )
    row(
        "Articles found via",
        [esc(words(s.figures.get("feed_source"), FEED_SOURCES)) for s in statuses],
    )
    days = [s.figures.get("days") or {} for s in statuses]
    row(
        "Days walked by backfill and holes (complete / not)",
        [f"{d.get('complete', 0)} / {d.get('incomplete', 0)}" for d in days],
    )
    row(
        "Articles the RSS check found missed",
        [esc(s.figures.get("rss_missed", 0)) for s in statuses],
    )
    group("Extraction (latest run)")
    row("Page layouts", [esc(counts(s.figures.get("layouts") or {})) for s in statuses])
    row(
        "Share from fallback layouts",
        [share(s.figures.get("fallback_share")) for s in statuses],
        ["warning" if s.all_from_fallbacks() else "" for s in statuses],
    )
    fields = sorted(
        {f for s in statuses for f in s.figures.get("coverage") or {}},
        key=lambda f: list(FIELDS).index(f) if f in FIELDS else len(FIELDS),
    )
    for name in fields:
        row(
            f"Articles with {words(name, FIELDS)}",
            [share((s.figures.get("coverage") or {}).get(name)) for s in statuses],
        )
    group("What changed")
    for label, key in (
        ("New articles", "new"),
        ("Revised articles", "updated"),
        ("Rejected", "dropped_total"),
    ):
        row(f"{label}: latest run", [esc(s.figures.get(key, 0)) for s in statuses])
    for label, key in (
        ("New articles", "new"),
        ("Revised articles", "updated"),
        ("Rejected", "rejected"),
    ):
        row(f"{label}: last {RECENT_HOURS} h", [esc(s.recent.get(key, 0)) for s in statuses])
    row(
        f"Rejected by reason: last {RECENT_HOURS} h",
        [esc(counts(s.rejected_by_reason)) for s in statuses],
    )
    group("What it cost")
    row("Requests: latest run", [esc(s.figures.get("requests", 0)) for s in statuses])
    row(
        "Retries, errors: latest run",
        [esc(f"{s.figures.get('retries', 0)}, {s.figures.get('errors', 0)}") for s in statuses],
    )
    row(
        f"Requests per new article: last {RECENT_HOURS} h",
        [
            f"{s.recent['requests'] / s.recent['new']:.1f}"
            if s.recent.get("new")
            else "- (no new article)"
            for s in statuses
        ],
    )
    head = "".join(f"<th>{esc(s.language)}</th>" for s in statuses)
    return f'<table class="editions"><tr><th>edition</th>{head}</tr>{"".join(rows)}</table>'


def checks_lists(run: Run) -> str:
    """The latest run's failed checks and warnings, one line each."""
    text = ""
    for kind, found, word in (
        ("failures", run.failures, ""),
        ("warnings", run.warnings, "warning: "),
    ):
        items = "".join(
            f"<li>{esc(f.get('edition'))}: {esc(f.get('check'))}"
            f" - {word}{esc(f.get('message', ''))}</li>"
            for f in found
        )
        text += f'<ul class="{kind}">{items}</ul>' if items else ""
    return text


def runs_table(runs: list[Run]) -> str:
    """The last :data:`TABLE_RUNS` runs, newest first: how each ended and what it did."""
    head = (
        "<tr><th>started (UTC)</th><th>duration</th><th>ended</th><th>health</th>"
        "<th>new</th><th>revised</th><th>rejected</th><th>requests</th>"
        "<th>requests per second (achieved / allowed)</th></tr>"
    )
    rows = []
    for run in reversed(runs[-TABLE_RUNS:]):
        failed = run.failed_editions()
        health = (
            ("failed", "health failed: " + ", ".join(sorted(failed)))
            if failed
            else ("warning", f"{len(run.warnings)} warning(s)")
            if run.warnings
            else ("ok", "healthy")
        )
        total = {
            k: int(sum(run.figure(c, k) for c in LANGUAGES))
            for k in ("new", "updated", "dropped_total", "requests")
        }
        achieved = run.achieved_rate()
        allowed = _number(run.rate.get("allowed"))
        rate = (
            (f"{achieved:.2f}" if achieved is not None else "-")
            + " / "
            + (f"{allowed:.2f}" if allowed is not None else "-")
        )
        started = (
            run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run.started_at else esc(run.run_id)
        )
        duration = f"{run.duration_seconds:.0f} s" if run.duration_seconds is not None else "-"
        ended = esc(words(run.finish_reason, FINISH_REASONS))
        cells = [started, duration, ended]
        figures = [total[k] for k in ("new", "updated", "dropped_total", "requests")]
        rows.append(
            "<tr>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + f'<td class="{health[0]}">{esc(health[1])}</td>'
            + "".join(f"<td>{n}</td>" for n in figures)
            + f"<td>{rate}</td></tr>"
        )
    return f'<table class="runs">{head}{"".join(rows)}</table>'


def build(report: Report) -> str:
    """The whole page for ``report``."""
    strip = report.strip
    figures = [
        ("Articles per day", charts.articles_per_day(report.per_day)),
        ("New, revised and rejected articles per run", charts.new_updated_rejected(strip)),
        ("Field coverage per run", charts.coverage(strip)),
        ("Requests and errors per run", charts.requests_and_errors(strip)),
        ("Health of each run", charts.health_timeline(strip)),
    ]
    kind, headline, problems = report.verdict()
    made = report.now.astimezone(UTC).isoformat(timespec="seconds")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newscrawl run report</title><style>{STYLE}</style></head><body>",
        "<h1>newscrawl run report</h1>",
        f'<p class="verdict"><span class="{kind}">{esc(headline)}</span></p>',
    ]
    if problems:
        items = "".join(
            f"<li><b>{esc(code)}</b>: {esc('; '.join(found))}</li>"
            for code, found in problems.items()
        )
        parts.append(f'<ul class="problems">{items}</ul>')
    parts.append(
        f'<p class="muted">{report.runs_total} runs, {report.runs_failed} with a failed health'
        f" check; the charts show the last {len(strip)} (at most {STRIP_RUNS}); made {made}.</p>"
    )
    if strip:
        latest = strip[-1]
        status = (
            '<span class="failed">health check failed</span>'
            if not latest.health_ok
            else f'<span class="warning">{len(latest.warnings)} health warning(s)</span>'
            if latest.warnings
            else '<span class="ok">healthy</span>'
            if not any(s.all_from_fallbacks() for s in report.editions.values())
            else '<span class="warning">every article of an edition from fallback layouts</span>'
        )
        parts += [
            "<h2>Editions</h2>",
            edition_table(report),
            f"<h2>Latest run {esc(latest.run_id)}: {status}</h2>",
            f'<p class="muted">finish reason {esc(latest.finish_reason)}'
            f" ({esc(words(latest.finish_reason, FINISH_REASONS))})</p>",
            checks_lists(latest),
            f"<h2>Last {min(len(strip), TABLE_RUNS)} runs</h2>",
            runs_table(strip),
        ]
    for title, svg in figures:
        parts.append(f'<h2>{esc(title)}</h2><figure class="chart">{svg}</figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(output_dir: Path, now: datetime | None = None, fold: bool = True) -> str:
    """The page for ``output_dir``: the stats files not folded yet are folded into the dataset
    (creating ``newscrawl.duckdb`` when there is none; ``fold`` False: the caller has just
    folded them), then everything is read from it."""
    database = database_path(output_dir)
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database), config={"memory_limit": MEMORY_LIMIT})
    try:
        if fold:
            fold_runs(con, output_dir)
        report = read_report(con, now or datetime.now(UTC))
    finally:
        con.close()
    return build(report)


def write_report(output_dir: Path, now: datetime | None = None, fold: bool = True) -> Path:
    """Write ``output_dir/report.html`` (atomically) and return its path (``fold``: as
    :func:`render`)."""
    path = output_dir / REPORT_NAME
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render(output_dir, now, fold), encoding="utf-8")
    os.replace(tmp, path)
    return path
