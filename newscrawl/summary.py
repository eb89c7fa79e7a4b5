"""The stats file's figures (``output/stats/report-<run_id>.json``, docs/output.md): one
edition's figures from the crawl's stats, the code's version, and the plain-text summary the
run logs at its end."""

from __future__ import annotations

import contextlib
import os
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from newscrawl.items import COVERAGE_FIELDS


def edition_figures(
    code: str, stats: dict[str, Any], holes: list[dict[str, str | None]]
) -> dict[str, Any]:
    """One edition's figures in the stats file (``holes``: as the run left them)."""
    prefix = f"newscrawl/{code}/"
    own = {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)}

    def group(name: str) -> dict[str, Any]:
        return dict(
            sorted((k[len(name) + 1 :], v) for k, v in own.items() if k.startswith(name + "/"))
        )

    exported = int(own.get("exported", 0))
    filled = group("filled")
    dropped = group("dropped")
    # errors/transient counts again some of the other errors/ (a sub-total)
    errors = sum(v for k, v in group("errors").items() if k != "transient")
    stop_cursor = _text_or_none(own.get("walk/stop_cursor"))
    return {
        "found": own.get("found", 0),
        "exported": exported,
        "new": own.get("new", 0),
        "updated": own.get("updated", 0),
        "unchanged": own.get("unchanged", 0) + own.get("known_skipped", 0),
        "not_requested_known": own.get("known_skipped", 0),
        "dropped": dropped,
        "dropped_total": sum(dropped.values()),
        "duplicates": group("duplicates"),
        "flagged": own.get("flagged", 0),
        "warnings": group("warning"),
        "layouts": group("layout"),
        "fallback_share": own.get("fallback_share", 0.0),
        "coverage": {
            name: round(filled.get(name, 0) / exported, 4) if exported else 0.0
            for name in COVERAGE_FIELDS
        },
        "feed_pages": own.get("feed_pages", 0),
        "requests": own.get("requests", 0),
        "responses": group("responses"),
        "retries": own.get("retries", 0),
        "errors": errors,
        "transient_errors": own.get("errors/transient", 0),
        "walk": {"stop_reason": own.get("walk/stop_reason"), "stop_cursor": stop_cursor},
        "holes": holes,
        "window": own.get("window"),
        "trend": own.get("trend"),
        "cost": {
            "feed_pages": own.get("feed_pages", 0),
            "hole_pages": own.get("hole_pages", 0),
            "edited_cards": own.get("edited_cards", 0),
            "revisits": own.get("revisits", 0),
            "revisits_not_modified": own.get("revisits/not_modified", 0),
            "revisits_changed": own.get("revisits/changed", 0),
            "rss": own.get("cost/rss", 0),
            "sitemap": own.get("cost/sitemap", 0),
        },
        "days": {
            "complete": own.get("days/complete", 0),
            "incomplete": own.get("days/incomplete", 0),
            "by_day": own.get("days") or {},
        },
        "gave_up": own.get("gave_up_urls") or [],
        "feed_source": _text_or_none(own.get("feed_source")),
        "unreachable": _text_or_none(own.get("unreachable")),
        "rss_missed": own.get("rss_missed", 0),
    }


def code_version() -> dict[str, str | None]:
    """The package version, ``git describe`` of a checkout, the Scrapyd egg version."""
    try:
        package: str | None = metadata.version("newscrawl")
    except metadata.PackageNotFoundError:
        package = None
    git = None
    root = Path(__file__).resolve().parent.parent
    if (root / ".git").exists():
        command = ["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(command, capture_output=True, text=True, timeout=5)
            git = (done.stdout.strip() or None) if done.returncode == 0 else None
    return {"package": package, "git": git, "egg": os.environ.get("SCRAPYD_EGG_VERSION") or None}


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def format_summary(summary: dict[str, Any]) -> str:
    """A plain-text table of the per-edition figures."""
    row = "{:<8}{:>7}{:>7}{:>9}{:>11}{:>9}{:>10}{:>8}".format
    header = row("edition", "found", "new", "updated", "unchanged", "dropped", "requests", "errors")
    lines = [header, "-" * len(header)]
    columns = ("found", "new", "updated", "unchanged", "dropped_total", "requests", "errors")
    for code, f in summary["editions"].items():
        lines.append(row(code, *(f[name] for name in columns)))
        if f["dropped"]:
            reasons = ", ".join(f"{reason}={count}" for reason, count in f["dropped"].items())
            lines.append(f"{'':<8}dropped: {reasons}")
        walk, cost = f.get("walk") or {}, f.get("cost") or {}
        if f.get("feed_source"):
            lines.append(
                f"{'':<8}feed source: {f['feed_source']}; RSS cross-check: "
                f"{f.get('rss_missed', 0)} missed by the walk"
            )
        if walk.get("stop_reason"):
            lines.append(
                f"{'':<8}walk stopped: {walk['stop_reason']}; requests: "
                f"{cost.get('feed_pages', 0)} feed pages, {cost.get('hole_pages', 0)} hole "
                f"pages, {cost.get('edited_cards', 0)} edited headlines, "
                f"{cost.get('revisits', 0)} revisits "
                f"({cost.get('revisits_not_modified', 0)} not modified)"
            )
        if f.get("unreachable"):
            lines.append(f"{'':<8}SITE UNREACHABLE: {f['unreachable']}")
        for hole in f.get("holes") or []:
            lines.append(
                f"{'':<8}HOLE in the feed from {hole['from']} to {hole['to']} "
                f"(since {hole['since']}): later runs walk it"
            )
    lines.append(
        f"finish reason: {summary['finish_reason']}; duration {summary['duration_seconds']} s"
    )
    health = summary.get("health")
    if health is not None and health.get("checked", True):
        failed = [f"{f['edition']} {f['check']}" for f in health["failures"]]
        warned = [f"{f['edition']} {f['check']}" for f in health.get("warnings") or []]
        lines.append("health: ok" if health["ok"] else f"health: FAILED ({', '.join(failed)})")
        if warned:
            lines.append(f"health warnings: {', '.join(warned)}")
    return "\n".join(lines)
