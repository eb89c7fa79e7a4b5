"""``scrapy canary --save-fixtures DIR``: the pages seen, kept as candidate test fixtures.

File names are the edition code, a counter and the kind of page (``en-003-article.html``,
``en-003-article.json`` with the extracted fields), never anything read from a page. They are
for a person to review and move into ``tests/fixtures/``; nothing reads them automatically.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any


class FixtureWriter:
    """Writes the pages of one canary run under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counters: Counter[str] = Counter()
        self.written: list[Path] = []

    def _name(self, edition: str, kind: str, suffix: str) -> Path:
        self.counters[edition] += 1
        return self.directory / f"{edition}-{self.counters[edition]:03d}-{kind}.{suffix}"

    def page(self, edition: str, kind: str, body: bytes, suffix: str = "html") -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._name(edition, kind, suffix)
        path.write_bytes(body)
        self.written.append(path)
        return path

    def article(self, edition: str, body: bytes, item: dict[str, Any] | None) -> Path:
        path = self.page(edition, "article", body)
        extracted = path.with_suffix(".json")
        extracted.write_text(
            json.dumps(item, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
        self.written.append(extracted)
        return path
