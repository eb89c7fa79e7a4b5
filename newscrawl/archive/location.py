"""Where the archive lives and what its files are called.

``NEWSCRAWL_ARCHIVE`` (setting or environment variable): unset means ``<output dir>/archive``;
a path moves it; empty or ``0`` turns the archive off. File names are made of the spider name,
the run id and a counter (``report-<run_id>-00000.warc.gz``); nothing read from a page takes
part in a path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypedDict

#: Default size at which a run's archive file is closed and the next one started.
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
SUFFIX = ".warc.gz"
_NAME = re.compile(r"^(?P<spider>[a-z]+)-(?P<run>.+)-(?P<counter>\d{5})\.warc\.gz$")


class ArchiveRef(TypedDict):
    """Where one record is: a file name relative to the archive directory, a byte offset."""

    file: str
    offset: int


def archive_dir(settings: Any) -> Path | None:
    """The archive directory from the settings, or None when the archive is off."""
    value = settings.get("NEWSCRAWL_ARCHIVE")
    if value is None:
        return Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") / "archive"
    text = str(value).strip()
    if text in ("", "0") or text.lower() in ("false", "off", "no"):
        return None
    return Path(text)


def file_name(spider: str, run_id: str, counter: int) -> str:
    """The name of a run's ``counter``-th archive file."""
    return f"{spider}-{run_id}-{counter:05d}{SUFFIX}"


def run_of(name: str) -> str | None:
    """The run id in an archive file name, or None for a file this project did not name."""
    match = _NAME.match(name)
    return match.group("run") if match else None


def archive_files(directory: Path, run_id: str | None = None) -> list[Path]:
    """The archive files under ``directory`` (of one run when ``run_id`` is given), oldest
    first (run ids are start times, so the names sort in time order)."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.glob(f"*{SUFFIX}")
        if (run := run_of(path.name)) is not None and (run_id is None or run == run_id)
    )
