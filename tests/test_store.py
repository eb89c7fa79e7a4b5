"""The state store (newscrawl/store.py): migration of older state files in place, a file it
cannot use named with its cause (bug 1 of issue 17; the end-to-end test is
tests/e2e/test_state_file.py), a database locked by another program waited on within a bound
(issue 19), and a state rebuilt from the output files (newscrawl/rebuild.py)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.rebuild import rebuild_state
from newscrawl.sqlitestore import StateLock, StateLockedError
from newscrawl.store import (
    SCHEMA_VERSION,
    StateError,
    StateStore,
    StateUnavailable,
)
from tests.e2e.test_state_file import damage_state


def test_a_schema_3_state_loses_its_runs_table_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = StateStore(path)
    store.record(
        url="https://report.az/en/a/b",
        language="en",
        article_id=1,
        content_hash="h",
        title="T",
        revision=2,
        published_at=None,
        seen_at="2025-10-24T12:00:00+00:00",
    )
    store.close()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE runs (run_id TEXT, edition TEXT, finished_at TEXT, mode TEXT, "
            "figures TEXT, PRIMARY KEY (run_id, edition))"
        )
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    store = StateStore(path)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "5"
    kept = store.get("https://report.az/en/a/b")
    assert kept is not None and kept.revision == 2
    tables = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master")}
    assert "runs" not in tables
    store.close()


@pytest.mark.parametrize(
    ("damage", "cause"),
    [
        ("garbage", "file is not a database"),
        ("newer", "newer than this newscrawl"),
        ("truncated", "cut short"),
    ],
)
def test_an_unreadable_state_is_named_with_its_cause(
    tmp_path: Path, damage: str, cause: str
) -> None:
    path = tmp_path / "state.sqlite"
    damage_state(path, damage)
    with pytest.raises(StateError) as error:
        StateStore(path)
    message = str(error.value)
    assert message.startswith(f"state {path} cannot be used: ") and cause in message
    assert "\n" not in message


def test_a_directory_as_the_state_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StateError) as error:
        StateStore(tmp_path)
    assert str(error.value).startswith(f"state {tmp_path} cannot be used: it is a directory; ")
    assert str(tmp_path / "state.sqlite") in str(error.value)


def record_one(store: StateStore, url: str) -> None:
    """One article of revision 1 at ``url`` in ``store``."""
    store.record(
        url=url,
        language="en",
        article_id=1,
        content_hash="h",
        title="T",
        revision=1,
        published_at=None,
        seen_at="2025-10-24T12:00:00+00:00",
    )


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A state file and another program's connection holding an exclusive write lock on it."""
    StateStore(tmp_path / "state.sqlite").close()
    connection = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    yield connection
    connection.close()


def _lock(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN EXCLUSIVE")
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('held', 'by another program')")


def test_a_state_locked_by_another_program_is_waited_on_within_the_bound(
    tmp_path: Path, holder: sqlite3.Connection
) -> None:
    _lock(holder)
    started = time.monotonic()
    with pytest.raises(StateUnavailable) as error:
        StateStore(tmp_path / "state.sqlite", lock_wait=0.3)
    waited = time.monotonic() - started
    assert 0.25 < waited < 3
    assert error.value.locked and error.value.reason == "state_locked"
    assert str(error.value).startswith(f"state {tmp_path / 'state.sqlite'} is locked by another")
    holder.execute("ROLLBACK")
    StateStore(tmp_path / "state.sqlite", lock_wait=0.3).close()  # free again: opens


def test_a_lock_taken_during_the_run_fails_one_call_in_the_bound_then_every_call_at_once(
    tmp_path: Path, holder: sqlite3.Connection
) -> None:
    store = StateStore(tmp_path / "state.sqlite", lock_wait=0.3)
    faults: list[StateUnavailable] = []
    store.on_fault = faults.append
    record_one(store, "https://report.az/en/a/1")
    _lock(holder)
    started = time.monotonic()
    with pytest.raises(StateUnavailable):
        record_one(store, "https://report.az/en/a/2")
    assert 0.25 < time.monotonic() - started < 3
    holder.execute("ROLLBACK")
    started = time.monotonic()
    with pytest.raises(StateUnavailable):  # never used again in this run
        store.get("https://report.az/en/a/1")
    assert time.monotonic() - started < 0.1
    assert len(faults) == 1 and faults[0].locked
    store.close()
    reopened = StateStore(tmp_path / "state.sqlite")
    assert reopened.get("https://report.az/en/a/1") is not None
    assert reopened.get("https://report.az/en/a/2") is None
    reopened.close()


def _lines(path: Path, *items: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")


def test_a_state_is_rebuilt_from_the_output_files_with_each_articles_latest_revision(
    tmp_path: Path,
) -> None:
    output, state = tmp_path / "output", tmp_path / "state" / "state.sqlite"
    url = "https://report.az/en/a/1"
    first = {
        "url": url,
        "content_hash": "h1",
        "revision": 1,
        "title": "One",
        "crawled_at": "2025-10-23T16:00:00+00:00",
    }
    second = {
        **first,
        "content_hash": "h2",
        "revision": 2,
        "title": "One, edited",
        "crawled_at": "2025-10-24T16:00:00+00:00",
    }
    other = {**first, "url": "https://report.az/ru/a/2", "content_hash": "h3"}
    _lines(output / "en" / "report-2025-10-23T16-00-00.jsonl", first)
    # a later run's file holds the edit; a torn line is skipped, not fatal
    (output / "en" / "report-2025-10-24T16-00-00.jsonl").write_text(
        json.dumps(second) + "\n" + '{"url": "torn', encoding="utf-8"
    )
    _lines(output / "ru" / "report-2025-10-23T16-00-00.jsonl", other)
    state.parent.mkdir()
    done = rebuild_state(output, state)
    assert (done.files, done.lines, done.articles, done.unreadable) == (3, 4, 2, 1)
    store = StateStore(state)
    kept = store.get(url)
    assert kept is not None and (kept.revision, kept.content_hash) == (2, "h2")
    assert kept.first_seen == "2025-10-23T16:00:00+00:00"
    ru = store.get("https://report.az/ru/a/2")
    assert ru is not None and ru.language == "ru"
    store.close()
    assert sorted(p.name for p in state.parent.iterdir()) == ["state.sqlite", "state.sqlite.lock"]


def test_a_rebuild_never_overwrites_a_state_nor_runs_beside_a_crawl(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    record_one(store := StateStore(state), "https://report.az/en/a/1")
    store.close()
    with pytest.raises(StateError) as error:
        rebuild_state(tmp_path / "output", state)
    assert "a rebuild never overwrites a state" in str(error.value)
    kept = StateStore(state)
    assert kept.get("https://report.az/en/a/1") is not None
    kept.close()
    state.unlink()
    crawl = StateLock(state)
    crawl.acquire()
    with pytest.raises(StateLockedError):
        rebuild_state(tmp_path / "output", state)
    crawl.release()
    assert not state.exists()


def test_a_full_disk_under_the_state_is_a_failed_write_not_a_damaged_state(
    tmp_path: Path,
) -> None:
    store = StateStore(tmp_path / "state.sqlite")

    class FullDisk:
        def execute(self, *args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    store.connection = FullDisk()  # type: ignore[assignment]
    with pytest.raises(StateUnavailable) as error:
        store.get_meta("anything")
    assert error.value.reason == "write_failed" and not error.value.locked
