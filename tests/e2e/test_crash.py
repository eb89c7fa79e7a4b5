"""Crash safety: a crawl killed with SIGKILL at any point, then rerun, ends with every article
written exactly once across its output files and a state that holds each of them once; a crawl
paused with JOBDIR resumes where it stopped."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.crawl import read_output, run_crawl, start_crawl
from tests.site.harness import ReplicaServer

#: Slow enough that a kill lands in the middle of the crawl; still loopback-fast.
SLOW = {"CONCURRENT_REQUESTS": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "LOG_LEVEL": "DEBUG"}


def _run_until(process: subprocess.Popen[str], marker: str, count: int) -> str:
    """Read the crawl's log until ``marker`` has appeared ``count`` times; returns the log."""
    assert process.stdout is not None
    seen, lines = 0, []
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            seen += 1
            if seen >= count:
                return "".join(lines)
    raise AssertionError(f"the crawl ended before {count} x {marker!r}:\n{''.join(lines)[-2000:]}")


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _stored_urls(state: Path) -> list[str]:
    with sqlite3.connect(state) as connection:
        return [row[0] for row in connection.execute("SELECT url FROM articles")]


@pytest.mark.parametrize(
    ("where", "marker", "count"),
    [
        ("feed walk", "/infinity/index?date=", 1),
        ("article requests", "Crawled (200) <GET", 40),
        ("export", "Scraped from <200", 60),
    ],
)
def test_kill_and_rerun_writes_every_article_exactly_once(
    tmp_path: Path, where: str, marker: str, count: int
) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    arguments = {"max_pages": "100"}
    with ReplicaServer(articles=60, seed=3) as replica:
        expected = {a["url"] for a in replica.truth() if not a.get("republished_from")}
        process = start_crawl(
            replica.base_url, output, state=state, arguments=arguments, settings=SLOW
        )
        try:
            _run_until(process, marker, count)
        finally:
            _kill(process)
        # A kill in the middle of a write can leave a torn last line; the next run cuts it off
        # (newscrawl/recovery.py), so only whole lines are counted here.
        written = sum(
            path.read_bytes().count(b"\n")
            for language in ("az", "en", "ru")
            for path in [
                *(output / language).glob("*.jsonl"),
                *(output / language).glob(".*.jsonl.part"),
            ]
        )
        assert written < len(expected), f"killed too late ({where})"
        rerun = run_crawl(replica.base_url, output, state=state, arguments=arguments)
    assert rerun.returncode == 0, rerun.log[-3000:]
    everything = read_output(output)
    lines = Counter(a["url"] for a in everything.all_articles())
    assert set(lines) == expected
    assert [url for url, n in lines.items() if n > 1] == []
    stored = _stored_urls(state)
    assert sorted(stored) == sorted(expected)


def test_pause_with_jobdir_and_resume(tmp_path: Path) -> None:
    state, output, jobdir = tmp_path / "state.sqlite", tmp_path / "output", tmp_path / "job"
    settings = {**SLOW, "JOBDIR": str(jobdir)}
    arguments = {"max_pages": "100"}
    with ReplicaServer(articles=60, seed=4) as replica:
        expected = {a["url"] for a in replica.truth() if not a.get("republished_from")}
        process = start_crawl(
            replica.base_url, output, state=state, arguments=arguments, settings=settings
        )
        _run_until(process, "Scraped from <200", 30)
        process.send_signal(signal.SIGINT)  # the graceful stop that JOBDIR resumes from
        assert process.stdout is not None
        process.stdout.read()
        assert process.wait(timeout=60) == 1  # the run did not finish (README: exit status 1)
        paused = read_output(output)
        assert paused.stats["finish_reason"] == "shutdown"
        assert 0 < len(paused.all_articles()) < len(expected)
        resumed = run_crawl(
            replica.base_url, output, state=state, arguments=arguments, settings=settings
        )
    assert resumed.returncode == 0, resumed.log[-3000:]
    written = Counter(a["url"] for a in read_output(output).all_articles())
    assert set(written) == expected
    assert [url for url, n in written.items() if n > 1] == []


@pytest.mark.parametrize("presses", [1, 2])
def test_an_interrupted_run_exits_1(tmp_path: Path, presses: int) -> None:
    """Ctrl-C (SIGINT, finish reason ``shutdown``) exits 1 as documented, never 3 or 0; a
    second Ctrl-C (Scrapy's unclean shutdown) exits non-zero too (bug 9 of issue 17)."""
    with ReplicaServer(articles=60, seed=4) as replica:
        process = start_crawl(
            replica.base_url,
            tmp_path / "output",
            state=tmp_path / "state.sqlite",
            arguments={"max_pages": "100"},
            settings=SLOW,
        )
        _run_until(process, "Scraped from <200", 10)
        for _ in range(presses):
            process.send_signal(signal.SIGINT)
        assert process.stdout is not None
        log = process.stdout.read()
        code = process.wait(timeout=60)
    if presses == 1:
        assert code == 1, log[-3000:]
        assert read_output(tmp_path / "output").stats["finish_reason"] == "shutdown"
    else:
        assert code not in (0, 3), log[-3000:]
