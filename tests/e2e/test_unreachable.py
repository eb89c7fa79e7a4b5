"""A site that is gone, end to end: a real ``scrapy crawl report`` with the project's default
settings (retries with back-off, 30 s timeouts) against a closed port on loopback and against a
host that never resolves (``.invalid`` is NXDOMAIN by RFC 6761: the resolver answers at once,
no network is needed), and with 2 s timeouts against a port that accepts connections and never
answers. Each run ends within seconds at its first request, robots.txt (RFC 9309: unreachable
means complete disallow), says once per edition why in a line at ERROR, logs no traceback,
names the cause in its stats and its health, and exits 3. The whole output is printed
(``pytest -s``)."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from tests.crawl import CrawlResult, run_crawl

#: Lines at WARNING and above in Scrapy's log format.
LOUD = re.compile(r"^\S+ \S+ \[[^\]]+\] (WARNING|ERROR|CRITICAL): ", re.MULTILINE)
EDITIONS = ("az", "en", "ru")
ROBOTS = "robots.txt unavailable, RFC 9309: complete disallow"


def closed_port() -> int:
    """A loopback port nobody listens on (bound for a moment, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def crawl_gone_site(
    base_url: str, root: Path, settings: dict[str, str]
) -> tuple[CrawlResult, float]:
    started = time.monotonic()
    result = run_crawl(
        base_url,
        root / "output",
        state=root / "state.sqlite",
        settings={"LOG_LEVEL": "INFO", **settings},
        fast=False,  # the defaults: back-off from 2 s, DOWNLOAD_TIMEOUT 30 s
        timeout=120,
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    ("site", "cause"),
    [
        ("closed_port", "connection refused by 127.0.0.1:{port}"),
        ("http://nonexistent.invalid", "cannot resolve nonexistent.invalid"),
        ("silent_port", "no answer from 127.0.0.1:{port} within 2 s"),
    ],
)
def test_a_site_that_is_gone_ends_soon_and_says_why_once_per_edition(
    site: str, cause: str, tmp_path: Path
) -> None:
    with socket.socket() as silent:  # listens (the kernel accepts), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = int(silent.getsockname()[1]) if site == "silent_port" else closed_port()
        base_url = site if site.startswith("http") else f"http://127.0.0.1:{port}"
        settings = {"DOWNLOAD_TIMEOUT": "2"} if site == "silent_port" else {}
        result, seconds = crawl_gone_site(base_url, tmp_path, settings)
    cause = cause.format(port=port)
    loud = [line for line in result.log.splitlines() if LOUD.match(line)]
    print(f"\n{base_url}: exit {result.returncode}, {seconds:.1f} s, {len(loud)} lines at WARNING+")
    print("\n".join(loud))

    assert seconds < 30, result.log[-3000:]
    assert result.returncode == 3, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    for code in EDITIONS:
        said = [line for line in loud if f"{code}: site unreachable: {ROBOTS}" in line]
        assert cause in said[0] and "robots.txt: " in said[0]
        assert len(said) == 1, loud
    assert len(loud) <= 2 * len(EDITIONS), loud  # the cause, and the health failure naming it
    stats = result.stats
    assert stats["exit_code"] == 3 and stats["finish_reason"] == "finished"
    assert stats["site_requests"] == 1  # robots.txt, not retried: the next run asks again
    health = stats["health"]
    assert health["ok"] is False
    assert {(f["edition"], f["check"]) for f in health["failures"]} == {
        (code, "items") for code in EDITIONS
    }
    for failure in health["failures"]:
        assert failure["message"].startswith(f"site unreachable: {ROBOTS}")
        assert cause in failure["message"]
        assert stats["editions"][failure["edition"]]["unreachable"] in failure["message"]
    assert "SITE UNREACHABLE: " + ROBOTS in result.log  # the summary logged at the end
