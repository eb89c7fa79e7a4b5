"""Reading the run summaries (``output/stats/*.json``) and the articles per day."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newscrawl.dataset.export import database_path
from newscrawl.dataset.parquet import sql_string
from newscrawl.dataset.runs import find_run_files, run_id_of
from newscrawl.editions import EDITIONS

LANGUAGES = tuple(EDITIONS)


@dataclass(frozen=True)
class Hole:
    """A stretch of time an edition's walk did not cover (from ``holes`` in the stats)."""

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
    raw: dict[str, Any] = field(default_factory=dict)

    def figure(self, language: str, name: str) -> float:
        value = self.editions.get(language, {}).get(name, 0)
        return float(value) if isinstance(value, int | float) else 0.0

    def failed_editions(self) -> set[str]:
        """Editions named by a failed check (a run-level failure names all of them)."""
        named = {str(f.get("edition")) for f in self.failures}
        if not self.health_ok and (not named or named - set(LANGUAGES)):
            return set(LANGUAGES)
        return named & set(LANGUAGES)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _holes(language: str, value: Any) -> list[Hole]:
    """Holes in any of the shapes a stats file may use: ``[{start, end}]`` or ``[[a, b]]``."""
    holes: list[Hole] = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            start = next(
                (entry[k] for k in ("start", "from", "since", "begin") if k in entry), None
            )
            end = next((entry[k] for k in ("end", "to", "until") if k in entry), None)
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            start, end = entry
        else:
            continue
        first, last = _time(start), _time(end)
        if first and last:
            holes.append(Hole(language, min(first, last), max(first, last)))
    return holes


def read_run(path: Path) -> Run | None:
    """The summary in ``path``, or None when it is not a readable run summary."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    editions = data.get("editions") if isinstance(data.get("editions"), dict) else {}
    assert isinstance(editions, dict)
    health = data.get("health") if isinstance(data.get("health"), dict) else {}
    assert isinstance(health, dict)
    holes = [
        h for code, figures in editions.items() for h in _holes(code, (figures or {}).get("holes"))
    ]
    top = data.get("holes")
    if isinstance(top, dict):
        holes += [h for code, value in top.items() for h in _holes(code, value)]
    failures = [f for f in health.get("failures", []) if isinstance(f, dict)]
    return Run(
        run_id=str(data.get("run_id") or run_id_of(path)),
        started_at=_time(data.get("started_at")),
        finish_reason=str(data.get("finish_reason", "")),
        editions={k: v for k, v in editions.items() if isinstance(v, dict)},
        health_ok=bool(health.get("ok", not failures)),
        failures=failures,
        holes=holes,
        raw=data,
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
