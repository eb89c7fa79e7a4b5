"""Finding the article files of the runs under the output directory.

Only ``<output>/{az,en,ru}/*.jsonl`` are article files (``rejects/`` and ``stats/`` are not).
The run id is the file name's stem after ``report-``; anything else in the stem is kept as it
is, so a later naming scheme (a job id, the editions) still yields one id per run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from newscrawl.editions import EDITIONS

PREFIX = "report-"


@dataclass(frozen=True)
class RunFile:
    """One article file of one run: where it is, its edition and run id, size and checksum."""

    path: Path
    relpath: str
    language: str
    run_id: str
    size: int
    sha256: str


def run_id_of(path: Path) -> str:
    """``report-2025-10-23T16-02-00.jsonl`` -> ``2025-10-23T16-02-00`` (stem if no prefix)."""
    stem = path.name.removesuffix(".jsonl")
    return stem[len(PREFIX) :] if stem.startswith(PREFIX) else stem


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_run_files(output_dir: Path) -> list[RunFile]:
    """Every article file under ``output_dir``, sorted by run id, then language."""
    found: list[RunFile] = []
    for language in EDITIONS:
        folder = output_dir / language
        if not folder.is_dir():
            continue
        for path in folder.glob("*.jsonl"):
            if not path.is_file():
                continue
            found.append(
                RunFile(
                    path=path,
                    relpath=f"{language}/{path.name}",
                    language=language,
                    run_id=run_id_of(path),
                    size=path.stat().st_size,
                    sha256=checksum(path),
                )
            )
    return sorted(found, key=lambda f: (f.run_id, f.language, f.relpath))
