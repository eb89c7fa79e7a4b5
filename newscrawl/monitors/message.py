"""The words of an alert: a subject naming the failed checks, and a body with one line per
failure naming the edition, the check, what went wrong and the figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from newscrawl.monitors.thresholds import HealthFailure


@dataclass(frozen=True)
class Alert:
    """What every action sends: a one-line subject and a plain-text body."""

    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n\n{self.body}"


def failure_line(failure: HealthFailure) -> str:
    figures = json.dumps(failure.figures, sort_keys=True, ensure_ascii=False, default=str)
    return (
        f"- edition {failure.edition}, check {failure.check}: {failure.message}; figures: {figures}"
    )


def compose(failures: list[HealthFailure], summary: dict[str, Any]) -> Alert:
    """The alert of one run from its failed checks and its summary."""
    run = f"{summary.get('spider', 'report')} run {summary.get('run_id', '?')}"
    if failures:
        checks = ", ".join(f"{f.edition} {f.check}" for f in failures)
        subject = f"newscrawl {run}: health check failed ({checks})"
    else:
        subject = f"newscrawl {run}: healthy"
    lines = [
        f"Run {summary.get('run_id', '?')} of {summary.get('base_url') or 'the site'} "
        f"(mode {summary.get('mode') or '-'}, finish reason {summary.get('finish_reason', '?')}).",
        "",
    ]
    if failures:
        lines.append(f"{len(failures)} failed health check(s):")
        lines += [failure_line(failure) for failure in failures]
    else:
        lines.append("Every health check passed.")
    editions = summary.get("editions") or {}
    if editions:
        lines += ["", "Per edition: found / exported / dropped / requests / errors"]
        lines += [
            f"  {code}: {f.get('found', 0)} / {f.get('exported', 0)} / "
            f"{f.get('dropped_total', 0)} / {f.get('requests', 0)} / {f.get('errors', 0)}"
            for code, f in editions.items()
        ]
    return Alert(subject, "\n".join(lines) + "\n")
