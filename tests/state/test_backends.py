"""The state store's interface, run against both backends (``state_target``: a SQLite file, a
PostgreSQL database of the test server, tests/pg_server.py): articles keyed by URL and revision,
failures, marks, work units with leases and fencing tokens, the output manifest and the runs
history (issue 20)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from newscrawl.output import output_path, part_path, previous_run, record_line, recover_node_runs
from newscrawl.store import AlreadyRecorded, LeaseLost, ManifestEntry, StateStore

URL = "https://report.az/en/energy/article-1"


@pytest.fixture
def store(state_target: str) -> Iterator[StateStore]:
    opened = StateStore(state_target)
    yield opened
    opened.close()


def _record(store: StateStore, url: str = URL, *, revision: int = 1, digest: str = "h1") -> None:
    store.record(
        url=url,
        language="en",
        article_id=1,
        content_hash=digest,
        title=f"Title {revision}",
        revision=revision,
        published_at="2025-10-23T20:02:00+04:00",
        seen_at=f"2025-10-2{revision}T16:00:00+00:00",
        archive={"file": "archive/a.warc.gz", "offset": 3_000_000_000},
        record_hash=f"r{revision}",
        validators=('"e1"', None),
    )


def test_an_article_is_kept_keyed_by_url_and_revision(store: StateStore) -> None:
    _record(store)
    _record(store, revision=2, digest="h2")
    _record(store)  # a replayed older write changes nothing
    _record(store, revision=2, digest="h2")  # nor does one replayed twice
    kept = store.get(URL)
    assert kept is not None
    assert (kept.revision, kept.content_hash, kept.title) == (2, "h2", "Title 2")
    assert (kept.first_seen, kept.last_seen) == (
        "2025-10-21T16:00:00+00:00",
        "2025-10-22T16:00:00+00:00",
    )
    assert (kept.archive_offset, kept.etag) == (3_000_000_000, '"e1"')
    assert store.count() == 1
    store.touch(URL, "2025-10-25T16:00:00+00:00", validators=(None, "Sat, 25 Oct 2025"))
    store.touch(URL, "2025-10-24T16:00:00+00:00")  # an older fetch time is not taken
    kept = store.get(URL)
    assert kept is not None and kept.last_seen == "2025-10-25T16:00:00+00:00"
    assert (kept.etag, kept.last_modified) == ('"e1"', "Sat, 25 Oct 2025")


def test_lookups_by_content_and_by_publication_date(store: StateStore) -> None:
    _record(store)
    _record(store, "https://report.az/en/energy/article-2")
    _record(store, "https://other.example/en/energy/article-3")
    found = store.url_with_content("en", "h1", URL)
    assert found == "https://report.az/en/energy/article-2"
    since = store.published_since("en", "https://report.az", "2025-10-23T00:00:00+04:00")
    assert sorted(a.url for a in since) == [URL, "https://report.az/en/energy/article-2"]
    store.note_failure(URL, "run-1", "timeout")
    store.give_up(URL, "run-1")
    since = store.published_since("en", "https://report.az", "2025-10-23T00:00:00+04:00")
    assert [a.url for a in since] == ["https://report.az/en/energy/article-2"]


def test_failures_count_runs_and_marks_are_kept(store: StateStore) -> None:
    assert store.note_failure(URL, "run-1", "timeout") == 1
    assert store.note_failure(URL, "run-1", "timeout") == 1  # the same run: once
    assert store.note_failure(URL, "run-2", "503") == 2
    assert not store.given_up(URL)
    store.give_up(URL, "run-2")
    assert store.given_up(URL)
    store.clear_failures(URL)
    assert not store.given_up(URL)
    store.set_meta("walks:en", '{"ranges": []}')
    store.set_meta("walks:en", '{"ranges": [1]}')
    assert store.get_meta("walks:en") == '{"ranges": [1]}'
    store.set_meta("walks:en", None)
    assert store.get_meta("walks:en") is None


def test_a_transaction_keeps_all_or_nothing(store: StateStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        _record(store)
        raise RuntimeError("cut")
    assert store.get(URL) is None
    with store.transaction():
        _record(store)
    assert store.get(URL) is not None


# -- work units ----------------------------------------------------------------------------
def _units(store: StateStore, count: int) -> None:
    specs = [(f"hole:en:{n:03}", "hole", {"from": n, "to": n + 1}) for n in range(count)]
    assert store.add_units(specs) == count
    assert store.add_units(specs) == 0  # offered again: left as they are


def test_a_unit_is_claimed_once_then_completed(store: StateStore) -> None:
    store.add_units([("walk:en", "walk", {"edition": "en"})])
    _units(store, 2)
    first = store.claim("node-a", 30)
    assert first is not None and (first.unit, first.kind, first.token) == ("walk:en", "walk", 1)
    assert first.spec == {"edition": "en"} and first.checkpoint is None
    second = store.claim("node-b", 30, keys=["hole:en:000", "hole:en:001"])
    assert second is not None and second.unit == "hole:en:000"
    assert store.claim("node-c", 30, keys=["walk:en"]) is None  # held
    store.complete(first, {"cursor": "p9"})
    assert store.claim("node-c", 30, keys=["walk:en"]) is None  # done
    rows = {row.unit: row for row in store.units()}
    assert rows["walk:en"].done and rows["walk:en"].checkpoint == {"cursor": "p9"}
    assert rows["hole:en:000"].holder == "node-b" and not rows["hole:en:000"].done
    store.complete(first)  # done again by the same lease (a replay): nothing more
    stale = replace(second, token=second.token - 1)
    with pytest.raises(LeaseLost):
        store.complete(stale)


def test_an_expired_lease_is_claimed_again_from_its_checkpoint(store: StateStore) -> None:
    _units(store, 1)
    lease = store.claim("node-a", 0.3)
    assert lease is not None
    lease = store.heartbeat(lease, 0.3, {"cursor": "page-4"})
    assert store.claim("node-b", 30) is None
    time.sleep(0.5)  # node-a stalls past its lease
    taken = store.claim("node-b", 30)
    assert taken is not None and taken.unit == lease.unit
    assert taken.token == lease.token + 1 and taken.checkpoint == {"cursor": "page-4"}
    # node-a wakes up: its heartbeat, writes, completion are refused
    with pytest.raises(LeaseLost):
        store.heartbeat(lease, 30)
    with pytest.raises(LeaseLost):
        store.fenced(lease, lambda: _record(store))
    with pytest.raises(LeaseLost):
        store.complete(lease)
    assert store.get(URL) is None  # nothing of the refused write
    store.fenced(taken, lambda: _record(store))  # the successor's write goes through
    assert store.get(URL) is not None
    store.complete(taken)


def test_a_write_with_a_stale_token_is_refused_whole(store: StateStore) -> None:
    _units(store, 1)
    lease = store.claim("node-a", 30)
    assert lease is not None
    store.release(lease, {"cursor": "page-2"})
    again = store.claim("node-b", 30)
    assert again is not None and again.checkpoint == {"cursor": "page-2"}

    def two_writes() -> None:
        _record(store)
        store.set_meta("walks:en", "x")

    with pytest.raises(LeaseLost) as error:
        store.fenced(lease, two_writes)
    assert error.value.unit == lease.unit and "refused" in str(error.value)
    assert store.get(URL) is None and store.get_meta("walks:en") is None
    store.fenced(again, two_writes)
    assert store.get(URL) is not None and store.get_meta("walks:en") == "x"


def test_a_heartbeat_keeps_a_lease(store: StateStore) -> None:
    _units(store, 1)
    lease = store.claim("node-a", 0.4)
    assert lease is not None
    for step in range(5):
        time.sleep(0.2)
        lease = store.heartbeat(lease, 0.4, {"cursor": step})
        assert store.claim("node-b", 30) is None
    store.fenced(lease, lambda: _record(store))
    store.complete(lease)
    assert store.units()[0].checkpoint == {"cursor": 4}


def test_claimers_at_the_same_time_never_get_the_same_unit(state_target: str) -> None:
    StateStore(state_target).close()
    setup = StateStore(state_target)
    _units(setup, 40)
    setup.close()
    taken: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        store = StateStore(state_target)
        got = taken.setdefault(name, [])
        start.wait()
        while (lease := store.claim(name, 30)) is not None:
            got.append(lease.unit)
            store.fenced(lease, lambda: store.set_meta(f"done:{lease.unit}", name))
            store.complete(lease)
        store.close()

    threads = [threading.Thread(target=claimer, args=(f"node-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    units = [unit for got in taken.values() for unit in got]
    assert sorted(units) == [f"hole:en:{n:03}" for n in range(40)]  # each once, none lost
    check = StateStore(state_target)
    assert all(row.done and row.token == 1 for row in check.units())
    check.close()


# -- manifest and runs history ---------------------------------------------------------------
def _entry(path: str, node: str, *, complete: bool) -> ManifestEntry:
    return ManifestEntry(
        path=path,
        node=node,
        run_id=path.split("report-", 1)[1].removesuffix(".jsonl"),
        kind=path.split("/", 1)[0],
        lines=3,
        bytes=120,
        sha256="0" * 64,
        complete=complete,
        output_dir=f"/srv/{node}/output",
        closed_at="2026-12-07T00:00:00+00:00",
    )


def test_the_manifest_lists_complete_files_of_every_node(store: StateStore) -> None:
    a = _entry("en/report-2026-12-07T00-00-00-1-a.jsonl", "a", complete=True)
    b = _entry("en/report-2026-12-07T00-00-00-2-b.jsonl", "b", complete=False)
    store.add_files([a, b])
    assert store.manifest() == [a]
    assert store.manifest(complete=None) == [a, b]
    store.add_files([ManifestEntry(**{**b.__dict__, "complete": True, "lines": 4})])
    assert [(e.node, e.lines) for e in store.manifest()] == [("a", 3), ("b", 4)]
    assert [e.path for e in store.manifest(node="b")] == [b.path]


def test_the_runs_history_names_the_unfinished_runs_of_a_node(store: StateStore) -> None:
    store.run_started("run-1", "a", "/srv/a/output")
    store.run_started("run-2", "b", "/srv/b/output")
    store.run_started("run-3", "a", "/srv/a/output")
    store.run_finished("run-3")
    assert store.unfinished_runs("a", other_than="run-4") == [("run-1", "/srv/a/output")]
    assert store.unfinished_runs("a", other_than="run-1") == []
    store.run_finished("run-1", recovered=2)
    assert store.unfinished_runs("a", other_than="run-4") == []


def test_a_new_state_is_in_its_backend(state_target: str, tmp_path: Path) -> None:
    store = StateStore(state_target)
    kind = "PostgresStore" if state_target.startswith("postgresql://") else "SQLiteStore"
    assert type(store).__name__ == kind and store.persistent
    assert store.shared is (kind == "PostgresStore")
    assert store.get_meta("schema_version") == "5"
    store.close()


def test_a_killed_run_of_this_node_is_recovered_into_the_state_and_the_manifest(
    state_target: str, tmp_path: Path
) -> None:
    """SQLite: every whole line the killed run wrote is recorded. A shared state: only the
    lines committed with the state stay (another node may have taken the rest)."""
    output = tmp_path / "output"
    killed = StateStore(state_target)
    killed.hold_run("run-1-a")
    killed.run_started("run-1-a", "a", str(output))
    part = part_path(output, "en", "run-1-a")
    part.parent.mkdir(parents=True)
    first = {"url": URL, "content_hash": "h1", "revision": 1, "crawled_at": "2025-10-23T16:00Z"}
    second = {**first, "url": f"{URL}-2"}
    committed = json.dumps(first) + "\n"
    part.write_text(committed + json.dumps(second) + "\n" + '{"url": "torn', encoding="utf-8")
    if killed.shared:  # the first line was committed with its row; the second never was
        entry = ManifestEntry(
            *("en/report-run-1-a.jsonl", "a", "run-1-a", "en", 1, len(committed), ""),
            *(False, str(output.resolve()), "2025-10-23T16:00:00+00:00"),
        )
        killed.commit_line(None, entry, lambda: record_line(killed, "en", first, strict=True) == 1)
    killed.close()  # the process is gone, and its session with it
    store = StateStore(state_target)
    deadline = time.monotonic() + 5
    while store.run_alive("run-1-a") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recover_node_runs(store, "b", "run-2-b") == 0  # another node's runs: not its files
    kept = 1 if store.shared else 2
    assert recover_node_runs(store, "a", "run-2-a") == (0 if store.shared else 2)
    assert store.get(URL) is not None
    assert (store.get(f"{URL}-2") is None) == store.shared
    [entry] = store.manifest()
    assert (entry.node, entry.path, entry.lines, entry.complete) == (
        "a",
        "en/report-run-1-a.jsonl",
        kept,
        True,
    )
    assert output_path(output, "en", "run-1-a").read_bytes().count(b"\n") == kept
    assert store.unfinished_runs("a", other_than="run-2-a") == []
    assert previous_run(store, "a") == {
        "finished": False,
        "recovered_articles": 0 if store.shared else 2,
    }
    store.close()


def _open_entry(lines: int, size: int) -> ManifestEntry:
    return ManifestEntry(
        *("en/report-run-1-a.jsonl", "a", "run-1-a", "en", lines, size, ""),
        *(False, "/srv/output", "2025-10-23T16:00:00+00:00"),
    )


def _write(store: StateStore, url: str = URL, revision: int = 1) -> bool:
    line = {"url": url, "content_hash": f"h{revision}", "revision": revision}
    return record_line(store, "en", line, strict=True) == 1


def test_a_committed_line_advances_the_manifest_with_its_row_and_nothing_twice(
    store: StateStore,
) -> None:
    store.commit_line(None, _open_entry(1, 100), lambda: _write(store))
    assert store.committed("a", "en/report-run-1-a.jsonl") == (1, 100)
    assert store.manifest() == []  # open: not complete, not for an export
    # the same line committed again (its first answer lost with the connection): nothing more
    store.commit_line(None, _open_entry(1, 100), lambda: pytest.fail("written twice"))
    # another run recorded this revision first: the line is refused, the offset stays
    with pytest.raises(AlreadyRecorded):
        store.commit_line(None, _open_entry(2, 200), lambda: _write(store))
    assert store.committed("a", "en/report-run-1-a.jsonl") == (1, 100)
    store.commit_line(None, _open_entry(2, 200), lambda: _write(store, revision=2))
    assert store.committed("a", "en/report-run-1-a.jsonl") == (2, 200)
    stored = store.get(URL)
    assert stored is not None and stored.revision == 2


def test_a_line_under_a_lost_lease_commits_nothing(store: StateStore) -> None:
    _units(store, 1)
    lease = store.claim("node-a", 30)
    assert lease is not None
    store.commit_line(lease, _open_entry(1, 100), lambda: _write(store))
    store.release(lease, rest_seconds=30)  # given back: its later writes are refused
    with pytest.raises(LeaseLost):
        store.commit_line(lease, _open_entry(2, 200), lambda: _write(store, f"{URL}-2"))
    assert store.get(f"{URL}-2") is None
    assert store.committed("a", "en/report-run-1-a.jsonl") == (1, 100)
    assert store.claim("node-b", 30) is None  # resting


def _appending(mark: str) -> Callable[[str | None], str]:
    return lambda held: f"{held or ''}{mark}"


def test_two_runs_merging_into_one_mark_keep_both(state_target: str) -> None:
    """Each run appends under the row's lock: no update is lost (PostgreSQL: at once)."""
    first, second = StateStore(state_target), StateStore(state_target)
    try:
        if not first.shared:
            second.close()
            second = first  # SQLite: one run at a time holds the file
        errors: list[BaseException] = []

        def add(store: StateStore, name: str) -> None:
            try:
                for n in range(20):
                    store.update_meta("k", _appending(f"{name}{n},"))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=add, args=(s, n)) for s, n in ((first, "a"), (second, "b"))
        ]
        if first.shared:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for thread in threads:
                thread.run()
        assert errors == []
        held = (first.get_meta("k") or "").split(",")[:-1]
        assert sorted(held) == sorted(f"{name}{n}" for name in "ab" for n in range(20))
    finally:
        first.close()
        if second is not first:
            second.close()
