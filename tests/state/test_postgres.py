"""What is PostgreSQL's own: a server down or out of reach is waited on for
``NEWSCRAWL_STATE_RETRY_SECONDS`` and the run goes on, or it stops with one line and nothing
half-written; a killed run's session lock is gone, a live one's is seen (issue 20)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.pgstore import PostgresStore, redact
from newscrawl.rebuild import rebuild_state
from newscrawl.store import StateStore, StateUnavailable
from tests.pg_server import PostgresServer, free_port, server_or_skip
from tests.test_store import record_one

URL = "https://report.az/en/energy/article-1"


@pytest.fixture(scope="module")
def own_server() -> Iterator[PostgresServer]:
    """A server of this module's tests alone (they stop and start it)."""
    server = server_or_skip()
    yield server
    server.remove()


def test_a_server_down_for_a_while_is_waited_on_and_the_run_goes_on(
    own_server: PostgresServer,
) -> None:
    url = own_server.create_database()
    store = StateStore(url, retry_seconds=20)
    record_one(store, URL)
    store.add_units([("walk:en", "walk", {})])
    own_server.stop()
    restart = threading.Timer(2.0, own_server.start)
    restart.start()
    started = time.monotonic()
    record_one(store, "https://report.az/en/energy/article-2")  # waits, then is written
    lease = store.claim("node-a", 30)  # a transaction after the reconnect
    restart.join()
    assert 1.5 < time.monotonic() - started < 20
    assert lease is not None and store.fault is None
    store.fenced(lease, lambda: record_one(store, "https://report.az/en/energy/article-3"))
    store.close()
    again = StateStore(url)
    assert again.count() == 3
    again.close()


def test_a_server_down_beyond_the_wait_stops_the_run_with_one_line(
    own_server: PostgresServer,
) -> None:
    url = own_server.create_database()
    store = StateStore(url, retry_seconds=1.5)
    store.add_units([("walk:en", "walk", {})])
    lease = store.claim("node-a", 30)
    assert lease is not None
    faults: list[StateUnavailable] = []
    store.on_fault = faults.append
    own_server.stop()
    started = time.monotonic()
    with pytest.raises(StateUnavailable) as error:
        store.fenced(lease, lambda: record_one(store, URL))
    assert 1.4 < time.monotonic() - started < 10
    message = str(error.value)
    assert error.value.reason == "state_unreachable" and "\n" not in message
    assert message.startswith(f"state {url} cannot be reached: ")
    assert "NEWSCRAWL_STATE_RETRY_SECONDS" in message
    started = time.monotonic()
    with pytest.raises(StateUnavailable):  # every later call fails at once
        store.get(URL)
    assert time.monotonic() - started < 0.1 and len(faults) == 1
    store.close()
    own_server.start()
    again = StateStore(url)
    assert again.get(URL) is None  # nothing half-written
    again.close()


def test_an_unreachable_server_at_the_start_is_one_line_after_the_wait(
    pg_server: PostgresServer,
) -> None:
    url = f"postgresql://crawler:secret@127.0.0.1:{free_port()}/state"
    started = time.monotonic()
    with pytest.raises(StateUnavailable) as error:
        StateStore(url, retry_seconds=1)
    assert 0.9 < time.monotonic() - started < 10
    message = str(error.value)
    assert "secret" not in message and "\n" not in message
    assert message.startswith(f"state {redact(url)} cannot be reached: ")
    assert redact(url) == f"postgresql://crawler:***@127.0.0.1:{url.rsplit(':', 1)[1]}"


def test_a_run_is_alive_while_its_session_holds_its_lock(pg_server: PostgresServer) -> None:
    url = pg_server.create_database()
    running, watcher = StateStore(url), StateStore(url)
    assert isinstance(running, PostgresStore) and not watcher.run_alive("run-1")
    running.hold_run("run-1")
    running.run_started("run-1", "a", "/srv/a/output")
    assert watcher.run_alive("run-1") and not watcher.run_alive("run-2")
    assert watcher.unfinished_runs("a", other_than="run-9") == []
    running.close()  # as when the process is killed: the session ends
    deadline = time.monotonic() + 5  # the server ends the session a moment later
    while watcher.run_alive("run-1") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not watcher.run_alive("run-1")
    assert watcher.unfinished_runs("a", other_than="run-9") == [("run-1", "/srv/a/output")]
    watcher.close()


def test_a_postgresql_state_is_rebuilt_from_the_files_of_each_node(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    url = pg_server.create_database()
    item = {"url": URL, "content_hash": "h1", "revision": 1, "crawled_at": "2025-10-23T16:00:00Z"}
    edited = {**item, "content_hash": "h2", "revision": 2, "crawled_at": "2025-10-24T16:00:00Z"}
    other = {**item, "url": "https://report.az/ru/a/2", "content_hash": "h3"}
    for node, language, lines in (("a", "en", [edited]), ("b", "en", [item]), ("b", "ru", [other])):
        path = tmp_path / node / language / f"report-2025-10-23T16-00-00-1-{node}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert rebuild_state(tmp_path / "a", url).articles == 1
    done = rebuild_state(tmp_path / "b", url)  # node b adds its files; the older line is kept out
    assert (done.files, done.lines, done.articles) == (2, 2, 2)
    store = StateStore(url)
    kept = store.get(URL)
    assert kept is not None and (kept.revision, kept.content_hash) == (2, "h2")
    store.close()
