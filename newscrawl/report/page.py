"""Putting the run report together: ``output/report.html``, one self-contained page."""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.report import charts
from newscrawl.report.runs import LANGUAGES, Run, articles_per_day, read_runs

REPORT_NAME = "report.html"

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
figure.chart { margin: 12px 0; padding: 8px; border: 1px solid #ddd; background: #fff; }
figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ok { color: #2a7a2a; font-weight: 600; } .failed { color: #c62828; font-weight: 600; }
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
    for field in fields:
        cells = "".join(
            f"<td>{_cell(run.editions[c].get('coverage', {}).get(field))}</td>" for c in languages
        )
        rows.append(f"<tr><td>coverage {html.escape(field)}</td>{cells}</tr>")
    failed = run.failed_editions()
    cells = "".join(
        f'<td class="{"failed" if c in failed else "ok"}">{"failed" if c in failed else "ok"}</td>'
        for c in languages
    )
    rows.append(f"<tr><td>health</td>{cells}</tr>")
    table = f'<table class="latest"><tr><th>figure</th>{head}</tr>{"".join(rows)}</table>'
    failures = "".join(
        f"<li>{html.escape(str(f.get('edition')))}: {html.escape(str(f.get('check')))}"
        f" - {html.escape(str(f.get('message', '')))}</li>"
        for f in run.failures
    )
    return table + (f'<ul class="failures">{failures}</ul>' if failures else "")


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
    latest = runs[-1] if runs else None
    made = datetime.now(UTC).isoformat(timespec="seconds")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newscrawl run report</title><style>{STYLE}</style></head><body>",
        "<h1>newscrawl run report</h1>",
        f'<p class="muted">{len(runs)} runs, {failed} with a failed health check; made {made}.</p>',
    ]
    if latest is not None:
        status = (
            '<span class="ok">healthy</span>'
            if latest.health_ok
            else ('<span class="failed">health check failed</span>')
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
