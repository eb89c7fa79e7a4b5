"""The hostile suite prints, at the end of a session that ran any of its crawls, the table of
its cases: peak memory, wall time and exit status (``HOSTILE_TABLE=path`` also writes it as
Markdown, for the notes and ``docs/benchmarks.md``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.harness import MEASURED, MEMORY_BOUND_MB


def table() -> str:
    """The measured crawls of this session as a Markdown table."""
    lines = [
        "| case | peak memory (MB) | time (s) | exit | articles | rejects (reasons) |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in MEASURED:
        reasons = sorted({str(r.get("reason")) for r in outcome.result.rejects})
        lines.append(
            f"| {outcome.case} | {outcome.peak_mb:.0f} | {outcome.seconds:.1f} | "
            f"{outcome.returncode} | {len(outcome.result.all_articles())} | "
            f"{len(outcome.result.rejects)} ({', '.join(reasons) or '-'}) |"
        )
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not MEASURED:
        return
    text = table()
    terminalreporter.write_sep("-", f"hostile cases (memory bound {MEMORY_BOUND_MB:.0f} MB)")
    terminalreporter.write_line(text)
    if target := os.environ.get("HOSTILE_TABLE"):
        Path(target).write_text(text + "\n", encoding="utf-8")
