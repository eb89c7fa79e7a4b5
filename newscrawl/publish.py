"""Putting a run's files in place when it closes, describing them, and removing old ones.

While a run writes, its files carry temporary names (``output/<kind>/.report-<run_id>.jsonl.part``,
see :mod:`newscrawl.exports`). When the run closes, :func:`publish_run` renames each into place
(``report-<run_id>.jsonl``) and describes it (lines, bytes, SHA-256) for the ``files`` list of
the stats file, which is written last: a consumer that waits for
``output/stats/report-<run_id>.json`` finds every file it lists complete.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from newscrawl.editions import LANGUAGES
from newscrawl.exports import output_path, part_path

#: The kinds of JSON Lines file a run writes, each in its own directory.
KINDS = (*LANGUAGES, "rejects")


def describe(path: Path, output_dir: Path, kind: str) -> dict[str, Any]:
    """``{"kind", "path" (relative to the output directory), "lines", "bytes", "sha256"}``."""
    digest = hashlib.sha256()
    lines = size = 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
    try:
        shown = str(path.resolve().relative_to(output_dir.resolve()))
    except ValueError:
        shown = str(path)
    return {
        "kind": kind,
        "path": shown,
        "lines": lines,
        "bytes": size,
        "sha256": digest.hexdigest(),
    }


def publish_run(output_dir: str | Path, run_id: str) -> list[dict[str, Any]]:
    """Rename the run's temporary files into place; the description of each file it wrote."""
    root = Path(output_dir)
    files: list[dict[str, Any]] = []
    for kind in KINDS:
        part, final = part_path(root, kind, run_id), output_path(root, kind, run_id)
        if part.exists():
            if part.stat().st_size == 0:
                part.unlink()
            else:
                os.replace(part, final)
        if final.exists():
            files.append(describe(final, root, kind))
    return files


def remove_old_files(output_dir: str | Path, days: float, now: float | None = None) -> int:
    """Delete stats and rejects files older than ``days`` (by modification time); how many.
    ``days`` 0 keeps everything. Article files are never removed."""
    if days <= 0:
        return 0
    limit = (now if now is not None else time.time()) - days * 86400
    removed = 0
    for kind, pattern in (("stats", "report-*.json"), ("rejects", "report-*.jsonl")):
        folder = Path(output_dir) / kind
        if not folder.is_dir():
            continue
        for path in folder.glob(pattern):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
