"""The table of the hostile suite's measured runs: peak memory, wall time, exit status and
outcome per case. Printed at the end of a session that ran any (the hooks are in
``tests/conftest.py``, which the controller of a pytest-xdist run loads too); ``HOSTILE_TABLE=path``
also writes it as Markdown, for the notes and ``docs/benchmarks.md``. Under pytest-xdist the
workers append their rows to one file (``NEWSCRAWL_HOSTILE_ROWS``, set before they start) that
the controller reads."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tests.hostile.harness import MEASURED, MEMORY_BOUND_MB, ROWS_ENV, row


def start() -> None:
    """Before the workers start: the file their rows go to."""
    if ROWS_ENV not in os.environ:
        handle, path = tempfile.mkstemp(prefix="hostile-rows-", suffix=".jsonl")
        os.close(handle)
        os.environ[ROWS_ENV] = path


def rows() -> list[dict[str, Any]]:
    """Every measured run of the session (the workers' file, else this process's list)."""
    target = Path(os.environ.get(ROWS_ENV, ""))
    if target.is_file() and target.stat().st_size:
        lines = target.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    return [row(outcome) for outcome in MEASURED]


def finish() -> tuple[str, str] | None:
    """The title and the table of the session's measured runs (None: there were none); the
    rows file is removed, and the table written to ``HOSTILE_TABLE`` when set."""
    found = rows()
    if target := os.environ.pop(ROWS_ENV, ""):
        Path(target).unlink(missing_ok=True)
    if not found:
        return None
    text = table(found)
    if destination := os.environ.get("HOSTILE_TABLE"):
        Path(destination).write_text(text + "\n", encoding="utf-8")
    return f"hostile cases (memory bound {MEMORY_BOUND_MB:.0f} MB)", text


def table(found: list[dict[str, Any]]) -> str:
    """The measured runs as a Markdown table."""
    lines = [
        "| case | peak memory (MB) | time (s) | exit | articles | rejects (reasons) |",
        "|---|---|---|---|---|---|",
    ]
    for each in found:
        lines.append(
            f"| {each['case']} | {each['peak_mb']:.0f} | {each['seconds']:.1f} | "
            f"{each['exit']} | {each['articles']} | "
            f"{each['rejects']} ({', '.join(each['reasons']) or '-'}) |"
        )
    return "\n".join(lines)
