"""A state file the crawl cannot read (garbage bytes, a newer schema, a file cut short) ends the
run before any request, with one line naming the file and the cause, and exit status 1; never a
silent stateless run that writes every article again (bug 1 of issue 17)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer


def damage_state(path: Path, damage: str) -> None:
    """A state file made unreadable in one of three ways (built with sqlite3 alone, so that the
    test runs against any version of newscrawl)."""
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot a database at all\n" * 200)
        return
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT);"
        )
        version = "99" if damage == "newer" else "1"
        connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (version,))
        connection.executemany(
            "INSERT INTO filler VALUES (?, ?)", [(n, "x" * 500) for n in range(400)]
        )
    connection.close()
    if damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("damage", "cause"),
    [
        ("garbage", "file is not a database"),
        ("newer", "newer than this newscrawl"),
        ("truncated", "cut short"),
    ],
)
def test_an_unreadable_state_ends_the_run_before_any_request(
    tmp_path: Path, damage: str, cause: str
) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    damage_state(state, damage)
    with ReplicaServer(articles=20, seed=2, request_log=tmp_path / "requests.jsonl") as replica:
        result = run_crawl(replica.base_url, output, state=state, arguments={"editions": "en"})
        requests = replica.requests()
    assert result.returncode == 1, result.log[-3000:]
    assert requests == []
    lines = [line for line in result.log.splitlines() if f"state {state} cannot be used" in line]
    assert len(lines) == 1 and cause in lines[0], result.log[-3000:]
    assert "scrapy rebuild_state" in lines[0]
    assert result.all_articles() == []


def test_rebuild_state_refuses_to_overwrite_a_state_with_one_line_and_exit_1(
    tmp_path: Path,
) -> None:
    from tests.crawl import run_scrapy

    state = tmp_path / "state.sqlite"
    damage_state(state, "garbage")
    before = state.read_bytes()
    done = run_scrapy(["rebuild_state"], tmp_path / "output", state=state, timeout=60)
    assert done.returncode == 1, done.stdout[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines == [
        f"scrapy rebuild_state: state {state} cannot be used: {state} exists; a rebuild never "
        "overwrites a state: move it (with its -wal and -shm) away first"
    ]
    assert state.read_bytes() == before
