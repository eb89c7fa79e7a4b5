"""Running the real ``scrapy crawl report`` against the local replica, and reading its output.

Used by the end-to-end tests, the demo and the benchmark: one way to start a crawl, so they all
exercise the command a user runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Settings for crawling the replica on loopback: no politeness delays (it is our own server).
FAST_SETTINGS: dict[str, str] = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "NEWSCRAWL_RETRY_BASE_DELAY": "0.1",
}


@dataclass
class CrawlResult:
    """What one crawl left behind: exit status, log, and the parsed output files."""

    returncode: int
    log: str
    output_dir: Path
    articles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[Path]] = field(default_factory=dict)

    def all_articles(self) -> list[dict[str, Any]]:
        return [item for items in self.articles.values() for item in items]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def read_output(output_dir: Path, since_files: set[Path] | None = None) -> CrawlResult:
    """Parse every file under ``output_dir`` not in ``since_files``."""
    result = CrawlResult(returncode=0, log="", output_dir=output_dir)
    skip = since_files or set()
    for kind in ("az", "en", "ru", "rejects"):
        paths = sorted(p for p in (output_dir / kind).glob("*.jsonl") if p not in skip)
        result.files[kind] = paths
        items = [item for path in paths for item in read_jsonl(path)]
        if kind == "rejects":
            result.rejects = items
        else:
            result.articles[kind] = items
    stats = sorted(p for p in (output_dir / "stats").glob("*.json") if p not in skip)
    if stats:
        result.stats = json.loads(stats[-1].read_text(encoding="utf-8"))
    return result


def existing_files(output_dir: Path) -> set[Path]:
    return set(output_dir.rglob("*.json*")) if output_dir.exists() else set()


def crawl_command(
    base_url: str,
    output_dir: Path,
    *,
    state: Path | str = "",
    arguments: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    fast: bool = True,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``scrapy crawl report`` against ``base_url``."""
    command = [sys.executable, "-m", "scrapy", "crawl", "report", "-a", f"base_url={base_url}"]
    for name, value in (arguments or {}).items():
        command += ["-a", f"{name}={value}"]
    for name, value in {**(FAST_SETTINGS if fast else {}), **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    env = {
        **os.environ,
        "NEWSCRAWL_OUTPUT_DIR": str(output_dir),
        "NEWSCRAWL_STATE": str(state),
        "PYTHONPATH": str(ROOT),
    }
    return command, env


def start_crawl(base_url: str, output_dir: Path, **options: Any) -> subprocess.Popen[str]:
    """Start a crawl in the background; its log comes on ``stdout``, one line at a time."""
    command, env = crawl_command(base_url, output_dir, **options)
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )


def run_crawl(
    base_url: str,
    output_dir: Path,
    *,
    timeout: float = 300,
    echo: bool = False,
    **options: Any,
) -> CrawlResult:
    """Run ``scrapy crawl report -a base_url=...`` in a subprocess and read what it wrote."""
    before = existing_files(output_dir)
    command, env = crawl_command(base_url, output_dir, **options)
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdout=None if echo else subprocess.PIPE,
        stderr=None if echo else subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    result = read_output(output_dir, before)
    result.returncode = completed.returncode
    result.log = completed.stdout or ""
    return result


def run_scrapy(
    arguments: list[str],
    output_dir: Path,
    *,
    state: Path | str = "",
    settings: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGUMENTS...`` (a project command) with the crawl's environment."""
    command = [sys.executable, "-m", "scrapy", *arguments]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    env = {
        **os.environ,
        "NEWSCRAWL_OUTPUT_DIR": str(output_dir),
        "NEWSCRAWL_STATE": str(state),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
