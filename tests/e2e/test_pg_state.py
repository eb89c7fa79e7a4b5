"""Crawls over a state in PostgreSQL (issue 20): the run's files carry the node's name and are
noted complete in the manifest; runs of two nodes at the same time are not locked out; a server
out of reach ends the run before any request with one line, after the bounded wait."""

from __future__ import annotations

import time
from pathlib import Path

from newscrawl.store import StateStore
from tests.crawl import read_jsonl, run_crawl, start_crawl
from tests.pg_server import PostgresServer, free_port
from tests.site.harness import ReplicaServer

EN = {"editions": "en"}


def test_runs_of_two_nodes_share_a_postgresql_state_and_note_their_files(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    state = pg_server.create_database()
    with ReplicaServer(articles=15, seed=4, request_log=tmp_path / "requests.jsonl") as replica:
        # two nodes start at the same time: neither is locked out (no exit 75)
        crawls = [
            start_crawl(
                replica.base_url,
                tmp_path / node,
                state=state,
                arguments=EN,
                settings={"NEWSCRAWL_NODE": node},
            )
            for node in ("node-a", "node-b")
        ]
        logs = [crawl.communicate(timeout=240)[0] for crawl in crawls]
        assert [crawl.returncode for crawl in crawls] == [0, 0], logs[0][-3000:] + logs[1][-3000:]
        # a later run of node-a finds every article known: nothing new to write
        again = run_crawl(
            replica.base_url,
            tmp_path / "node-a",
            state=state,
            arguments=EN,
            settings={"NEWSCRAWL_NODE": "node-a"},
        )
        truth = {article["url"] for article in replica.truth("en")}
    assert again.returncode == 0, again.log[-3000:]
    assert again.all_articles() == []
    store = StateStore(state)
    try:
        known = {row.url for row in store.published_since("en", replica.base_url, "")}
        assert known == truth
        entries, written = store.manifest(), set()
        for node in ("node-a", "node-b"):
            # a node writes the articles the other had not recorded when it came to them
            files = sorted((tmp_path / node / "en").glob("report-*.jsonl"))
            assert all(f.name.endswith(f"-{node}.jsonl") for f in files)
            noted = [e for e in entries if e.node == node and e.kind == "en"]
            assert sorted(e.path for e in noted) == [f"en/{f.name}" for f in files]
            for entry in noted:
                path = Path(entry.output_dir) / entry.path
                assert entry.complete and entry.lines == path.read_bytes().count(b"\n")
                written |= {line["url"] for line in read_jsonl(path)}
        assert written == truth  # the two nodes' complete files hold every article
        runs = store.unfinished_runs("node-a", other_than="") + store.unfinished_runs(
            "node-b", other_than=""
        )
        assert runs == []  # every run noted finished in the runs history
    finally:
        store.close()


def test_a_postgresql_out_of_reach_ends_the_run_before_any_request(tmp_path: Path) -> None:
    state = f"postgresql://crawler:secret@127.0.0.1:{free_port()}/state"
    with ReplicaServer(articles=5, seed=2, request_log=tmp_path / "requests.jsonl") as replica:
        started = time.monotonic()
        result = run_crawl(
            replica.base_url,
            tmp_path / "output",
            state=state,
            arguments=EN,
            settings={"NEWSCRAWL_STATE_RETRY_SECONDS": "2"},
        )
        requests = replica.requests()
    assert result.returncode == 1, result.log[-3000:]
    assert time.monotonic() - started > 2 and requests == []
    lines = [line for line in result.log.splitlines() if "cannot be reached" in line]
    assert len(lines) == 1 and "NEWSCRAWL_STATE_RETRY_SECONDS" in lines[0], result.log[-3000:]
    assert "secret" not in result.log and result.all_articles() == []
