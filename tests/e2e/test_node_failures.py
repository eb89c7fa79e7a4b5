"""A node that dies or stalls in the middle of its work unit (issue 20): killed (kill -9),
another node resumes the unit and nothing is lost or written twice (the killed node's lines
not committed with the state are never published); stopped (SIGSTOP) past its lease, its late
writes are refused when it wakes."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from tests.multinode import (
    ARTICLES,
    SLOW,
    Cluster,
    Node,
    each_once,
    finished,
    last_stats,
    published_lines,
    wait_written,
    written_lines,
)
from tests.pg_server import PostgresServer

AZ = {"editions": "az"}


def _working(cluster: Cluster, name: str, lines: int) -> Node:
    """A node that claimed the az walk and wrote ``lines`` lines of it."""
    node = cluster.start_node(name, state=cluster.dsn, arguments=AZ, settings=SLOW)
    node.wait_for_line("claimed work unit walk:az")
    wait_written(node, "az", lines)
    return node


def _taking_over(cluster: Cluster, name: str) -> Node:
    """A node whose run claimed the az walk after the first holder's lease ran out."""
    node = cluster.start_node(name, state=cluster.dsn, arguments=AZ, settings=SLOW)
    node.wait_for_line("claimed work unit walk:az (token 2")
    return node


def test_a_node_killed_mid_unit_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    with Cluster(tmp_path, articles=ARTICLES, postgres=pg_server) as cluster:
        first = _working(cluster, "node1", 5)
        first.kill()  # kill -9 in the middle of the unit
        first.wait(30)
        time.sleep(3.5)  # its lease runs out
        second = _taking_over(cluster, "node2")
        finished(second)
        # node1's machine comes back: its next run recovers the killed run's files, keeping
        # only the lines committed with the state; the walk rests, so it has nothing to do
        again = cluster.start_node("node1", state=cluster.dsn, arguments=AZ, settings=SLOW)
        finished(again)
        assert "nothing to do" in again.log
        items = each_once([first, second], cluster, "az")
        assert len(items) == len(cluster.replica.truth("az"))
        # the killed node's committed articles were not fetched again by the one that took over
        fetched = Counter(record["path"] for record in cluster.requests())
        from_first = [urlsplit(item["url"]).path for item in published_lines([first], "az")]
        assert from_first, "the killed node published what it committed"
        assert [path for path in from_first if fetched[path] > 1] == []


def test_a_node_stopped_past_its_lease_has_its_late_writes_refused(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    with Cluster(tmp_path, articles=ARTICLES, postgres=pg_server) as cluster:
        first = _working(cluster, "node1", 4)
        first.pause()  # SIGSTOP: its heartbeat stops, its lease runs out
        before = written_lines(first, "az")  # what it wrote before it stood still
        time.sleep(4)
        second = _taking_over(cluster, "node2")
        wait_written(second, "az", 2)
        first.resume()  # SIGCONT: it wakes with a lease another node holds
        assert first.wait(60) == 1, first.log[-3000:]
        assert "lease of work unit walk:az (token 1) is lost" in first.log
        finished(second)
        stats = last_stats(first)
        assert stats["finish_reason"] == "lease_lost" and stats["state"]["lease_lost"]
        items = each_once([first, second], cluster, "az")
        assert len(items) == len(cluster.replica.truth("az"))
        # nothing it wrote after it woke up was kept
        assert len(published_lines([first], "az")) <= before
