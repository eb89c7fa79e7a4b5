"""The project's Scrapy commands: `scrapy list` names the spider, `scrapy check` passes its
contracts on stored pages (no network, no replica)."""

from __future__ import annotations

import subprocess
import sys

from tests.crawl import ROOT


def _scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_scrapy_list_shows_report() -> None:
    result = _scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["report"]


def test_scrapy_check_passes() -> None:
    result = _scrapy("check", "report")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stderr
    assert "Ran 0 contracts" not in result.stderr
