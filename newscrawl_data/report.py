"""The run report: ``output/report.html``, one static page from the runs' stats files
(``output/stats/*.json``, keys in ``docs/schemas/stats.schema.json``) and, when built, the
dataset. The charts (``charts``) are inline SVG; no script, no web font: the page works
offline and in any browser.
"""

from __future__ import annotations

import html
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newscrawl.site import EDITIONS
from newscrawl_data import charts
from newscrawl_data.dataset import database_path, find_run_files, run_id_of, sql_string

REPORT_NAME = "report.html"
LANGUAGES = tuple(EDITIONS)


@dataclass(frozen=True)
class Hole:
    """A stretch of time an edition's walk did not cover (``holes`` of the edition's stats)."""

    language: str
    start: datetime
    end: datetime


@dataclass
class Run:
    """One run's summary: when, per-edition figures, health."""

    run_id: str
    started_at: datetime | None
    finish_reason: str
    editions: dict[str, dict[str, Any]]
    health_ok: bool
    failures: list[dict[str, Any]] = field(default_factory=list)
    holes: list[Hole] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def figure(self, language: str, name: str) -> float:
        value = self.editions.get(language, {}).get(name, 0)
        return float(value) if isinstance(value, int | float) else 0.0

    def failed_editions(self) -> set[str]:
        """Editions named by a failed check (a run-level failure, ``all``, names every one)."""
        named = {str(f.get("edition")) for f in self.failures}
        if not self.health_ok and (not named or named - set(LANGUAGES)):
            return set(LANGUAGES)
        return named & set(LANGUAGES)


def _time(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed and parsed.tzinfo else None


def read_run(path: Path) -> Run | None:
    """The summary in ``path``, or None when it is not a readable run summary."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    editions = {k: v for k, v in (data.get("editions") or {}).items() if isinstance(v, dict)}
    health: dict[str, Any] = data["health"] if isinstance(data.get("health"), dict) else {}
    holes = []
    for code, figures in editions.items():
        for hole in figures.get("holes") or []:
            start, end = _time(hole.get("from")), _time(hole.get("to"))
            if start and end:
                holes.append(Hole(code, min(start, end), max(start, end)))
    return Run(
        run_id=str(data.get("run_id") or run_id_of(path)),
        started_at=_time(data.get("started_at")),
        finish_reason=str(data.get("finish_reason", "")),
        editions=editions,
        health_ok=health.get("ok") is not False,  # None: not checked
        failures=[f for f in health.get("failures") or [] if isinstance(f, dict)],
        holes=holes,
        warnings=[f for f in health.get("warnings") or [] if isinstance(f, dict)],
    )


def read_runs(output_dir: Path) -> list[Run]:
    """Every run summary under ``output_dir/stats``, oldest first."""
    runs = [run for p in sorted((output_dir / "stats").glob("*.json")) if (run := read_run(p))]
    return sorted(runs, key=lambda r: (r.started_at.isoformat() if r.started_at else "", r.run_id))


def articles_per_day(output_dir: Path) -> dict[str, dict[date, int]]:
    """Distinct articles per Baku publication day and edition (dataset if built, else runs)."""
    database = database_path(output_dir)
    query = (
        "SELECT language, CAST(published_at AT TIME ZONE 'Asia/Baku' AS DATE) AS day,"
        " count(DISTINCT url) FROM {source} WHERE published_at IS NOT NULL GROUP BY ALL"
    )
    if database.exists():
        con = duckdb.connect(str(database), read_only=True)
        source = "articles"
    else:
        files = find_run_files(output_dir)
        if not files:
            return {}
        con = duckdb.connect()
        listed = ", ".join(sql_string(f.path) for f in files)
        source = (
            f"(SELECT url, language, TRY_CAST(published_at AS TIMESTAMPTZ) AS published_at"
            f" FROM read_json([{listed}], format = 'newline_delimited', ignore_errors = true,"
            " columns = {url: 'VARCHAR', language: 'VARCHAR', published_at: 'VARCHAR'}))"
        )
    try:
        rows = con.execute(query.format(source=source)).fetchall()
    finally:
        con.close()
    result: dict[str, dict[date, int]] = defaultdict(dict)
    for language, day, count in rows:
        if language in LANGUAGES and day is not None:
            result[str(language)][day] = int(count)
    return dict(result)


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
figure.chart { margin: 12px 0; padding: 8px; border: 1px solid #ddd; background: #fff; }
figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ok { color: #2a7a2a; font-weight: 600; } .failed { color: #c62828; font-weight: 600; }
.warning { color: #b26a00; font-weight: 600; }
.muted { color: #666; }
"""

TABLE_FIGURES = (
    "found",
    "exported",
    "new",
    "updated",
    "unchanged",
    "dropped_total",
    "requests",
    "retries",
    "errors",
    "feed_pages",
)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return html.escape(", ".join(f"{k} {v}" for k, v in value.items()) or "-")
    return html.escape(str(value)) if value is not None else "-"


def latest_table(run: Run) -> str:
    """The latest run's figures, one column per edition, with its health."""
    languages = [code for code in LANGUAGES if code in run.editions]
    head = "".join(f"<th>{code}</th>" for code in languages)
    rows = []
    for name in TABLE_FIGURES:
        cells = "".join(f"<td>{_cell(run.editions[c].get(name))}</td>" for c in languages)
        rows.append(f"<tr><td>{name}</td>{cells}</tr>")
    for name in ("dropped", "duplicates"):
        cells = "".join(f"<td>{_cell(run.editions[c].get(name, {}))}</td>" for c in languages)
        rows.append(f"<tr><td>{name}</td>{cells}</tr>")
    fields = sorted({f for c in languages for f in run.editions[c].get("coverage", {})})
    for covered in fields:
        cells = "".join(
            f"<td>{_cell(run.editions[c].get('coverage', {}).get(covered))}</td>" for c in languages
        )
        rows.append(f"<tr><td>coverage {html.escape(covered)}</td>{cells}</tr>")
    failed, warned = run.failed_editions(), {str(f.get("edition")) for f in run.warnings}
    verdicts = {
        c: "failed" if c in failed else "warning" if c in warned else "ok" for c in languages
    }
    cells = "".join(f'<td class="{verdicts[c]}">{verdicts[c]}</td>' for c in languages)
    rows.append(f"<tr><td>health</td>{cells}</tr>")
    table = f'<table class="latest"><tr><th>figure</th>{head}</tr>{"".join(rows)}</table>'
    for kind, found, word in (
        ("failures", run.failures, ""),
        ("warnings", run.warnings, "warning: "),
    ):
        items = "".join(
            f"<li>{html.escape(str(f.get('edition')))}: {html.escape(str(f.get('check')))}"
            f" - {word}{html.escape(str(f.get('message', '')))}</li>"
            for f in found
        )
        table += f'<ul class="{kind}">{items}</ul>' if items else ""
    return table


def render(output_dir: Path) -> str:
    """The whole page as a string."""
    runs = read_runs(output_dir)
    figures = [
        ("Articles per day", charts.articles_per_day(articles_per_day(output_dir))),
        ("New, updated, rejected per run", charts.new_updated_rejected(runs)),
        ("Field coverage over runs", charts.coverage(runs)),
        ("Requests and errors per run", charts.requests_and_errors(runs)),
        ("Health failures and holes", charts.health_timeline(runs)),
    ]
    failed = sum(1 for r in runs if not r.health_ok)
    made = datetime.now(UTC).isoformat(timespec="seconds")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newscrawl run report</title><style>{STYLE}</style></head><body>",
        "<h1>newscrawl run report</h1>",
        f'<p class="muted">{len(runs)} runs, {failed} with a failed health check; made {made}.</p>',
    ]
    if runs:
        latest = runs[-1]
        status = (
            '<span class="failed">health check failed</span>'
            if not latest.health_ok
            else f'<span class="warning">{len(latest.warnings)} health warning(s)</span>'
            if latest.warnings
            else '<span class="ok">healthy</span>'
        )
        parts += [
            f"<h2>Latest run {html.escape(latest.run_id)}: {status}</h2>",
            f'<p class="muted">finish reason {html.escape(latest.finish_reason)}</p>',
            latest_table(latest),
        ]
    for title, svg in figures:
        parts.append(f'<h2>{html.escape(title)}</h2><figure class="chart">{svg}</figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(output_dir: Path) -> Path:
    """Write ``output_dir/report.html`` (atomically) and return its path."""
    path = output_dir / REPORT_NAME
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render(output_dir), encoding="utf-8")
    os.replace(tmp, path)
    return path
