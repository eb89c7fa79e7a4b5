"""``output/dataset/manifest.json``: which run files the dataset holds (name, size, checksum).

The database's ``files`` table is the record the export trusts; the manifest is its copy for
people and other tools, rewritten after every export.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

VERSION = 1


def write_manifest(path: Path, files: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """Write the manifest atomically (a temporary file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": VERSION,
        **summary,
        "files": {
            str(f["relpath"]): {
                "run_id": f["run_id"],
                "language": f["language"],
                "size": f["size"],
                "sha256": f["sha256"],
                "lines": f["lines"],
                "rows": f["rows"],
            }
            for f in files
        },
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest as written, or an empty one."""
    if not path.exists():
        return {"version": VERSION, "files": {}}
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document
