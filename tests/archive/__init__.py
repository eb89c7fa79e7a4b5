"""What one archive file holds, read as ``scrapy reparse`` reads it (``scan``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newscrawl.archive import iter_records, whole_members_end


@dataclass
class ArchiveScan:
    """Complete records, response records and their URLs, bytes left over at the end."""

    records: int = 0
    responses: int = 0
    torn_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def scan(path: Path) -> ArchiveScan:
    result = ArchiveScan(torn_bytes=max(0, path.stat().st_size - whole_members_end(path)))
    for response in iter_records(path):
        result.records += 1
        if response is not None:
            result.responses += 1
            result.urls.append(response.url)
    return result
