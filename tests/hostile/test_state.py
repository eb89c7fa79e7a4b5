"""The hostile suite's state cases (issue 19, item 2 and the state half of item 6): a state that
cannot be trusted (cut short, random bytes, a newer schema, a read-only folder or file, a
directory in its place) ends the run before any request with one line and exit status 1; a
database locked by another program, before or during the run, is waited on within
``NEWSCRAWL_STATE_LOCK_WAIT_SECONDS``, then one line and exit status 75. After each fix
(``scrapy rebuild_state`` from the output files, the permissions put back, the lock released) a
rerun loses nothing and writes nothing twice.

The read-only cases run the crawl without ``CAP_DAC_OVERRIDE`` (``setpriv``) when the tests run
as root, for whom no file is read-only otherwise.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.crawl import read_jsonl, run_scrapy
from tests.hostile.harness import MEMORY_BOUND_MB, HostileSite, Outcome, measured_crawl
from tests.site.harness import ReplicaServer

EDITIONS = {"editions": "en"}
#: The lock wait in these cases (the default is 30 s).
WAIT = 2.0
SETTINGS = {"NEWSCRAWL_STATE_LOCK_WAIT_SECONDS": str(WAIT)}
#: The crawl without the capability that lets root write into read-only files and folders.
SETPRIV = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    """The replica: 27 en articles."""
    with ReplicaServer(articles=30, seed=19) as server:
        yield server


@pytest.fixture(scope="module")
def site(replica: ReplicaServer) -> Iterator[HostileSite]:
    """The replica behind a front that counts the requests (every crawl of a case goes
    through it: the state's marks are per site)."""
    with HostileSite(replica.base_url) as front:
        yield front


@pytest.fixture(scope="module")
def articles(replica: ReplicaServer) -> set[str]:
    """The paths of the replica's en articles."""
    return {urlsplit(a["url"]).path for a in replica.truth("en")}


@pytest.fixture(scope="module")
def complete(
    site: HostileSite, articles: set[str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A complete first run: its state and output, copied by each case."""
    base = tmp_path_factory.mktemp("complete")
    outcome = measured_crawl(
        "state: a complete first run",
        site.base_url,
        base / "out",
        state=base / "state" / "state.sqlite",
        arguments=EDITIONS,
    )
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert paths(outcome) == articles
    return base


def paths(outcome: Outcome) -> set[str]:
    return {urlsplit(a["url"]).path for a in outcome.result.articles.get("en", [])}


def every_line(output: Path) -> list[str]:
    """The en article paths of every file of every run, a duplicate as often as written."""
    files = sorted((output / "en").glob("report-*.jsonl"))
    return [urlsplit(item["url"]).path for path in files for item in read_jsonl(path)]


def errors(outcome: Outcome) -> list[str]:
    return [line for line in outcome.log.splitlines() if "] ERROR: " in line]


def assert_nothing_lost_or_twice(articles: set[str], output: Path) -> None:
    lines = every_line(output)
    assert len(lines) == len(set(lines)), "an article was written twice"
    assert set(lines) == articles, "an article was lost"


def assert_only_own_files(tmp_path: Path) -> None:
    """Nothing written outside the output folder and the state's folder (and the logs)."""
    for path in tmp_path.rglob("*"):
        top = path.relative_to(tmp_path).parts[0]
        assert top in ("out", "state") or path.suffix == ".log", path


def rebuild(state: Path, output: Path) -> None:
    """The documented fix of a damaged state: move it away, rebuild it from the output."""
    damaged = state.parent / "damaged"
    damaged.mkdir()
    for name in (state.name, f"{state.name}-wal", f"{state.name}-shm"):
        if (state.parent / name).exists():
            (state.parent / name).rename(damaged / name)
    done = run_scrapy(["rebuild_state"], output, state=state, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "27 articles" in done.stdout


def cut_short(state: Path) -> Callable[[Path, Path], None]:
    data = state.read_bytes()
    state.write_bytes(data[: len(data) // 2])
    return rebuild


def random_bytes(state: Path) -> Callable[[Path, Path], None]:
    state.write_bytes(random.Random(19).randbytes(64 * 1024))
    return rebuild


def schema_99(state: Path) -> Callable[[Path, Path], None]:
    with sqlite3.connect(state) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    return rebuild


def read_only_folder(state: Path) -> Callable[[Path, Path], None]:
    state.parent.chmod(0o555)
    return lambda state, output: state.parent.chmod(0o755)


def read_only_file(state: Path) -> Callable[[Path, Path], None]:
    state.chmod(0o444)
    return lambda state, output: state.chmod(0o644)


def a_directory(state: Path) -> Callable[[Path, Path], None]:
    state.rename(state.with_name("moved.sqlite"))
    state.mkdir()

    def fix(state: Path, output: Path) -> None:
        state.rmdir()
        rebuild(state, output)

    return fix


DAMAGES: list[tuple[str, Callable[[Path], Callable[[Path, Path], None]], str, bool]] = [
    ("truncated", cut_short, "file is cut short", False),
    ("random bytes", random_bytes, "file is not a database", False),
    ("schema 99", schema_99, "it has schema 99, newer than this newscrawl's", False),
    ("read-only folder", read_only_folder, "its folder", True),
    ("read-only file", read_only_file, "the file is not writable (Permission denied)", True),
    ("a directory", a_directory, "it is a directory", False),
]


@pytest.mark.parametrize(
    ("name", "damage", "cause", "unprivileged"), DAMAGES, ids=[d[0] for d in DAMAGES]
)
def test_a_state_that_cannot_be_trusted_is_refused_and_a_rerun_after_the_fix_loses_nothing(
    site: HostileSite,
    articles: set[str],
    complete: Path,
    tmp_path: Path,
    name: str,
    damage: Callable[[Path], Callable[[Path, Path], None]],
    cause: str,
    unprivileged: bool,
) -> None:
    prefix = SETPRIV if unprivileged and os.geteuid() == 0 else None
    if prefix is not None and shutil.which("setpriv") is None:
        pytest.skip("root without setpriv(1): no file is read-only to root")
    output, state = tmp_path / "out", tmp_path / "state" / "state.sqlite"
    shutil.copytree(complete / "out", output)
    shutil.copytree(complete / "state", state.parent)
    fix = damage(state)
    before = len(site.seen)
    options: dict[str, Any] = {"state": state, "arguments": EDITIONS, "settings": SETTINGS}
    try:
        refused = measured_crawl(f"state: {name}", site.base_url, output, prefix=prefix, **options)
    finally:
        fix(state, output)

    assert refused.returncode == 1, refused.log[-3000:]
    assert len(errors(refused)) == 1, errors(refused)
    assert f"state {state} cannot be used: {cause}" in errors(refused)[0]
    assert not unprivileged or "not writable (Permission denied" in errors(refused)[0]
    assert "Traceback" not in refused.log
    assert site.seen[before:] == []  # not one request
    assert refused.result.all_articles() == []  # never a fresh start that writes all again
    assert refused.peak_mb < MEMORY_BOUND_MB and refused.seconds < 30

    rerun = measured_crawl(f"state: {name}, rerun after the fix", site.base_url, output, **options)
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert rerun.result.all_articles() == []  # each one is known: none written again
    assert_nothing_lost_or_twice(articles, output)
    assert rerun.peak_mb < MEMORY_BOUND_MB and rerun.seconds < 60
    assert_only_own_files(tmp_path)


class Holder:
    """Another program's connection holding SQLite's write lock on the state."""

    def __init__(self, state: Path) -> None:
        self.connection = sqlite3.connect(state, isolation_level=None, check_same_thread=False)

    def take(self) -> None:
        self.connection.execute("BEGIN EXCLUSIVE")
        self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('held', 'by sqlite3')")

    def release(self) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def fresh_state(tmp_path: Path) -> Path:
    """An empty state of this newscrawl (as a first run leaves it before any article)."""
    from newscrawl.store import StateStore

    state = tmp_path / "state" / "state.sqlite"
    state.parent.mkdir()
    StateStore(state).close()
    return state


def assert_locked(outcome: Outcome, state: Path) -> None:
    assert outcome.returncode == 75, outcome.log[-3000:]
    assert len(errors(outcome)) == 1, errors(outcome)
    assert f"state {state} is locked by another program (waited 2 s" in errors(outcome)[0]
    assert "Traceback" not in outcome.log
    assert outcome.peak_mb < MEMORY_BOUND_MB


def test_a_state_locked_by_another_program_before_the_run_is_waited_on_then_the_run_exits_75(
    site: HostileSite, articles: set[str], tmp_path: Path
) -> None:
    output, state = tmp_path / "out", fresh_state(tmp_path)
    holder = Holder(state)
    holder.take()
    before = len(site.seen)
    options: dict[str, Any] = {"state": state, "arguments": EDITIONS, "settings": SETTINGS}
    try:
        locked = measured_crawl("state: locked before the run", site.base_url, output, **options)
    finally:
        holder.release()
    assert_locked(locked, state)
    assert WAIT <= locked.seconds < WAIT + 20
    assert site.seen[before:] == [] and locked.result.all_articles() == []

    rerun = measured_crawl("state: locked before, rerun unlocked", site.base_url, output, **options)
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert paths(rerun) == articles
    assert_nothing_lost_or_twice(articles, output)
    assert_only_own_files(tmp_path)


def test_a_state_locked_during_the_run_stops_it_in_the_bound_and_the_next_run_recovers(
    site: HostileSite, articles: set[str], tmp_path: Path
) -> None:
    output, state = tmp_path / "out", fresh_state(tmp_path)
    holder = Holder(state)
    slow = {**SETTINGS, "DOWNLOAD_DELAY": "0.2", "CONCURRENT_REQUESTS": "1"}
    options: dict[str, Any] = {"state": state, "arguments": EDITIONS, "settings": slow}
    outcomes: list[Outcome] = []
    crawl = threading.Thread(
        target=lambda: outcomes.append(
            measured_crawl("state: locked during the run", site.base_url, output, **options)
        )
    )
    crawl.start()
    deadline = time.monotonic() + 60
    while not any(p.read_bytes().count(b"\n") >= 3 for p in (output / "en").glob(".*.part")):
        assert time.monotonic() < deadline and crawl.is_alive(), "the crawl wrote nothing"
        time.sleep(0.02)
    holder.take()  # three articles are written: another program locks the state
    locked_at = time.monotonic()
    crawl.join(timeout=WAIT + 30)
    stopped_after = time.monotonic() - locked_at
    holder.release()
    assert not crawl.is_alive()
    [locked] = outcomes
    assert_locked(locked, state)
    assert stopped_after < WAIT + 15  # not every call waiting in turn
    written = paths(locked)
    assert 3 <= len(written) < len(articles)
    assert locked.result.stats["finish_reason"] == "state_locked"

    options["settings"] = SETTINGS
    rerun = measured_crawl("state: locked during, rerun unlocked", site.base_url, output, **options)
    assert rerun.returncode == 0, rerun.log[-3000:]
    assert rerun.result.stats["previous_run"]["finished"] is False
    assert paths(rerun) == articles - written  # the rest, and none of the first run's again
    assert_nothing_lost_or_twice(articles, output)
    assert_only_own_files(tmp_path)
