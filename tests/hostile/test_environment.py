"""A broken machine: an output folder that cannot be written, a disk that fills up during the
run, a forced shutdown. Each is one clear line and its documented exit status
(docs/operations.md), never 0, never a storm of tracebacks; where data was being written, the
next run loses and duplicates nothing."""

from __future__ import annotations

import contextlib
import re
import resource
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl import read_output, run_crawl
from tests.hostile.harness import MEMORY_BOUND_MB, HostileSite, Outcome, Seen, measured_crawl
from tests.site.harness import ReplicaServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: An article page of the en edition (not a feed page, not robots.txt).
ARTICLE = re.compile(r"^/en/(?!news-feed|infinity|rss|sitemap)[a-z-]+/[a-z0-9-]+/?$")
NO_ARCHIVE = {"NEWSCRAWL_ARCHIVE": "0"}  # the archive's own faults are not these cases'


def _expected(replica: ReplicaServer) -> set[str]:
    return {a["url"] for a in replica.truth(edition="en") if not a.get("republished_from")}


def _one_line(outcome: Outcome, pattern: str) -> str:
    lines = [line for line in outcome.log.splitlines() if re.search(pattern, line)]
    assert len(lines) == 1, (lines, outcome.log[-3000:])
    assert "Traceback" not in outcome.log, outcome.log[-5000:]
    return lines[0]


def _nothing_lost_or_twice(
    replica: ReplicaServer, site: HostileSite, output: Path, state: Path
) -> None:
    """A rerun over the same output and state; every article of the replica written exactly
    once over both runs, and in the state."""
    rerun = run_crawl(
        site.base_url, output, state=state, arguments={"editions": "en"}, settings=NO_ARCHIVE
    )
    assert rerun.returncode == 0, rerun.log[-3000:]
    expected = {url.replace(replica.base_url, site.base_url) for url in _expected(replica)}
    lines = Counter(a["url"] for a in read_output(output).all_articles())
    assert set(lines) == expected
    assert [url for url, n in lines.items() if n > 1] == []
    with sqlite3.connect(state) as connection:
        stored = [row[0] for row in connection.execute("SELECT url FROM articles")]
    assert sorted(stored) == sorted(expected)


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only, for root too (the immutable attribute), else skip."""
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / "probe"
        try:
            probe.write_bytes(b"")
        except PermissionError:
            pass  # not root: the mode is enough
        else:
            probe.unlink()
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
            if done.returncode != 0:
                pytest.skip(f"root, and chattr +i is not available: {done.stderr!r}")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


@pytest.mark.parametrize("fault", ["read-only", "a file in its place"])
def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_73(
    tmp_path: Path, fault: str
) -> None:
    output = tmp_path / "out"
    with ReplicaServer(articles=20, seed=5) as replica, HostileSite(replica.base_url) as site:
        with contextlib.ExitStack() as stack:
            if fault == "read-only":
                stack.enter_context(_read_only(output))
            else:
                output.write_text("not a folder\n")
            outcome = measured_crawl(
                f"output folder {fault}",
                site.base_url,
                output,
                timeout=60,
                state=tmp_path / "state.sqlite",
                arguments={"editions": "en"},
            )
        line = _one_line(outcome, r"ERROR: output folder .* cannot be written")
        assert "nothing crawled" in line
        assert outcome.returncode == 73, outcome.log[-3000:]
        assert not [seen.path for seen in site.seen if ARTICLE.match(seen.path)]
    assert outcome.seconds < 20 and outcome.peak_mb < MEMORY_BOUND_MB
    assert not (tmp_path / "state.sqlite").exists()  # the state is not even opened


def test_a_missing_output_folder_is_created_with_its_parents(tmp_path: Path) -> None:
    output = tmp_path / "missing" / "parents" / "out"
    with ReplicaServer(articles=20, seed=5) as replica:
        outcome = measured_crawl(
            "output folder missing", replica.base_url, output, arguments={"editions": "en"}
        )
        expected = _expected(replica)
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert {a["url"] for a in outcome.result.articles["en"]} == expected
    assert outcome.peak_mb < MEMORY_BOUND_MB


#: The size past which no file of the crawler's process grows (RLIMIT_FSIZE): a disk that
#: fills up during the run (the kernel's EFBIG where a full disk gives ENOSPC; the state's
#: journal or an article file, whichever passes it first).
DISK_BYTES = 160 * 1024


def _small_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the failing write returns EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_BYTES, DISK_BYTES))


def test_a_disk_filling_up_during_the_run_is_one_line_exit_74_and_the_next_run_recovers(
    tmp_path: Path,
) -> None:
    output, state = tmp_path / "out", tmp_path / "state.sqlite"
    with ReplicaServer(articles=40, seed=6) as replica, HostileSite(replica.base_url) as site:
        outcome = measured_crawl(
            "disk full during the run",
            site.base_url,
            output,
            timeout=90,
            state=state,
            arguments={"editions": "en"},
            settings={**NO_ARCHIVE, "LOG_LEVEL": "WARNING"},
            preexec_fn=_small_disk,
        )
        line = _one_line(outcome, r"ERROR: cannot write ")
        assert "the run stops" in line  # "File too large" (a file), "disk I/O error" (SQLite)
        assert outcome.returncode == 74, outcome.log[-3000:]
        assert 0 < len(outcome.result.articles["en"]) < len(_expected(replica))  # mid-run
        assert outcome.seconds < 40 and outcome.peak_mb < MEMORY_BOUND_MB
        _nothing_lost_or_twice(replica, site, output, state)
    assert all(tmp_path in p.parents for p in tmp_path.rglob("*"))


def _slow_articles(seen: Seen) -> None:
    time.sleep(2)  # then the replica answers: the graceful stop waits for these


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_forced_shutdown_is_never_0_and_the_next_run_recovers(tmp_path: Path, name: str) -> None:
    output, state = tmp_path / "out", tmp_path / "state.sqlite"
    number = getattr(signal, name)
    with ReplicaServer(articles=40, seed=6) as replica, HostileSite(replica.base_url) as site:
        site.route(ARTICLE.pattern, _slow_articles)

        def press_twice(process: subprocess.Popen[bytes]) -> None:
            def later() -> None:
                deadline = time.monotonic() + 60
                while len(site.hits(ARTICLE.pattern)) < 12 and time.monotonic() < deadline:
                    time.sleep(0.05)
                process.send_signal(number)  # a graceful stop...
                time.sleep(0.3)
                process.send_signal(number)  # ...forced while it waits for the downloads

            threading.Thread(target=later, daemon=True).start()

        outcome = measured_crawl(
            f"{name} twice",
            site.base_url,
            output,
            timeout=90,
            state=state,
            arguments={"editions": "en"},
            settings={**NO_ARCHIVE, "CONCURRENT_REQUESTS": "4"},
            on_start=press_twice,
        )
        assert outcome.returncode == 130, outcome.log[-3000:]
        _one_line(outcome, r"cut by a forced shutdown")
        assert f"Received {name} twice" in outcome.log
        assert outcome.seconds < 40 and outcome.peak_mb < MEMORY_BOUND_MB
        site.routes.clear()
        _nothing_lost_or_twice(replica, site, output, state)
