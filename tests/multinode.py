"""Several crawl nodes on loopback: one PostgreSQL, one replica, N ``scrapy crawl report``
processes, for the multi-node tests (shared pace, work units, kill -9, SIGSTOP, PostgreSQL down).

``with Cluster(tmp_path) as cluster:`` starts PostgreSQL (``tests.pg_server.start_server``, or
uses the running one given as ``postgres=``) and the replica (with a request log); ``cluster.start_nodes(3, settings=...)`` starts the nodes,
each with its own output folder and a User-Agent that names it (``NEWSCRAWL_CONTACT=<name>``,
so the replica's request log tells the nodes apart); ``cluster.wait_all()`` collects their exit
statuses; :class:`Node` has ``kill()`` (SIGKILL), ``pause()`` (SIGSTOP), ``resume()`` (SIGCONT),
its log as it comes, and ``result()`` (what it wrote, :class:`tests.crawl.CrawlResult`).
``cluster.postgres.stop()`` / ``.start()`` takes PostgreSQL away and brings it back (same port).

Each node's pace (``NEWSCRAWL_PACE_DSN``) is the cluster's database. Its state is empty (no
state) unless ``state=`` is given: with the PostgreSQL store, ``state=cluster.dsn`` shares it.

``python -m tests.multinode --nodes 1 3 --delay 0.2`` prints requests per second allowed and
achieved for each number of nodes (docs/benchmarks.md, "One polite rate across nodes");
``--without-pace``: each node on its own ``DOWNLOAD_DELAY``, as before the shared pace.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from newscrawl.site import EDITIONS
from tests.crawl import CrawlResult, read_jsonl, read_output, start_crawl
from tests.pg_server import PostgresServer, start_server
from tests.processes import ServerProcess, stop_process
from tests.site.harness import ReplicaServer

#: How a node names itself in the User-Agent: ``newscrawl/0.1 (...; +node1)``.
CONTACT_MARK = "; +"
#: Articles per edition of the work-unit tests' replica (tests/e2e/test_work_units.py, ...).
ARTICLES = 24
#: Short leases, so that a dead node's unit is free again in seconds.
LEASE = {"NEWSCRAWL_UNIT_LEASE_SECONDS": "3", "DOWNLOAD_DELAY": "0.05"}
#: Slow enough to stop a node in the middle of its unit.
SLOW = {**LEASE, "DOWNLOAD_DELAY": "0.25"}


@dataclass
class Node:
    """One crawl process of a cluster; its output lines are collected as they come."""

    name: str
    process: subprocess.Popen[str]
    output_dir: Path
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None

        def pump() -> None:  # keep reading so the pipe never fills up
            for line in stdout:
                self.lines.append(line)

        self._reader = threading.Thread(target=pump, name=f"{self.name}-log", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """``kill -9``: no goodbye, nothing closed."""
        if self.running():
            self.process.send_signal(signal.SIGKILL)

    def pause(self) -> None:
        """SIGSTOP: the process stands still (its leases run out) until :meth:`resume`."""
        if self.running():
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        if self.running():
            self.process.send_signal(signal.SIGCONT)

    def wait(self, timeout: float | None = None) -> int:
        """The exit status (raises ``subprocess.TimeoutExpired`` after ``timeout``)."""
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self) -> None:
        """SIGCONT (a paused node would ignore the rest), SIGTERM, then SIGKILL."""
        self.resume()
        stop_process(self.process)
        self._reader.join(timeout=5)

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        """The first log line containing ``text``, waiting for it to come."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            lines = self.lines[seen:]
            for line in lines:
                if text in line:
                    return line
            seen += len(lines)
            if not self.running() and seen == len(self.lines):
                raise AssertionError(f"{self.name} exited without a line with {text!r}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no line with {text!r} in {timeout} s")
            time.sleep(0.05)

    def result(self) -> CrawlResult:
        """What the node wrote, with its exit status and log (after :meth:`wait`)."""
        result = read_output(self.output_dir)
        result.returncode = self.process.returncode
        result.log = self.log
        return result


class Cluster(ServerProcess):
    """PostgreSQL + the replica + crawl nodes under ``root`` (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        *,
        articles: int = 30,
        seed: int = 1,
        replica_args: list[str] | None = None,
        faults: list[str] | None = None,
        postgres: PostgresServer | None = None,
    ) -> None:
        self.root = Path(root)
        #: a running server given by the caller is used, neither started nor removed
        self.own_postgres = postgres is None
        self.postgres: PostgresServer | None = postgres
        self.database = ""
        self.replica = ReplicaServer(
            articles=articles,
            seed=seed,
            extra_args=replica_args,
            faults=faults,
            request_log=self.root / "requests.jsonl",
        )
        self.nodes: list[Node] = []

    @property
    def dsn(self) -> str:
        """The cluster's PostgreSQL database (the pace's, and the shared state's): a new one."""
        return self.database

    @property
    def base_url(self) -> str:
        return self.replica.base_url

    def start(self) -> Self:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.postgres is None:
            self.postgres = start_server()
        try:
            self.database = self.postgres.create_database()
            self.replica.start()
        except BaseException:
            if self.own_postgres:
                self.postgres.remove()
            raise
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        self.replica.stop()
        if self.own_postgres and self.postgres is not None:
            self.postgres.remove()
            self.postgres = None

    def start_node(
        self,
        name: str | None = None,
        *,
        state: str = "",
        pace: bool = True,
        arguments: dict[str, str] | None = None,
        settings: dict[str, str] | None = None,
    ) -> Node:
        """Start ``scrapy crawl report`` as a node of the cluster (own output folder)."""
        name = name or f"node{len(self.nodes) + 1}"
        output_dir = self.root / name
        extra = {
            "NEWSCRAWL_NODE": name,
            "NEWSCRAWL_CONTACT": name,
            "NEWSCRAWL_PACE_DSN": self.dsn if pace else "",
            **(settings or {}),
        }
        process = start_crawl(
            self.base_url, output_dir, state=state, arguments=arguments, settings=extra
        )
        node = Node(name, process, output_dir)
        self.nodes.append(node)
        return node

    def start_nodes(self, count: int, **options: Any) -> list[Node]:
        return [self.start_node(**options) for _ in range(count)]

    def wait_all(self, timeout: float = 300) -> list[int]:
        """Every node's exit status, in start order (each waited for up to ``timeout``)."""
        deadline = time.monotonic() + timeout
        return [node.wait(max(0.1, deadline - time.monotonic())) for node in self.nodes]

    def requests(self) -> list[dict[str, Any]]:
        """The replica's request log, with ``node`` (the name in the User-Agent) and ``at``
        (when the replica read the request, seconds since the epoch) added to each record."""
        records = self.replica.requests()
        for record in records:
            agent = record.get("user_agent") or ""
            record["node"] = (
                agent.rsplit(CONTACT_MARK, 1)[1].rstrip(")") if CONTACT_MARK in agent else None
            )
            record["at"] = datetime.fromisoformat(record["received"]).timestamp()
        return records


# -- what the nodes wrote ------------------------------------------------------------------
def published_lines(nodes: list[Node], language: str) -> list[dict[str, Any]]:
    """Every article line the nodes published (whole files in place, as an export reads)."""
    return [
        item
        for node in nodes
        for path in sorted((node.output_dir / language).glob("report-*.jsonl"))
        for item in read_jsonl(path)
    ]


def line_pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((item["url"], item["content_hash"]) for item in items)


def each_once(nodes: list[Node], cluster: Cluster, language: str) -> list[dict[str, Any]]:
    """The language's lines: each URL once, and every article of the replica among them."""
    items = published_lines(nodes, language)
    counts = Counter(item["url"] for item in items)
    assert [url for url, n in counts.items() if n > 1] == [], "duplicates"
    truth = {article["url"] for article in cluster.replica.truth(language)}
    assert truth - set(counts) == set(), "lost"
    return items


def written_lines(node: Node, language: str) -> int:
    """Lines of the node's open file of ``language`` so far."""
    return sum(
        path.read_bytes().count(b"\n") for path in (node.output_dir / language).glob(".*.part")
    )


def wait_written(node: Node, language: str, lines: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while written_lines(node, language) < lines:
        assert node.running(), node.log[-3000:]
        assert time.monotonic() < deadline, f"{node.name} wrote too little: {node.log[-3000:]}"
        time.sleep(0.05)


def last_stats(node: Node) -> dict[str, Any]:
    files = sorted((node.output_dir / "stats").glob("*.json"))
    return json.loads(files[-1].read_text(encoding="utf-8")) if files else {}


def finished(node: Node) -> CrawlResult:
    code = node.wait(240)
    assert code == 0, node.log[-4000:]
    return node.result()


@dataclass
class Spacing:
    """The combined request spacing of a cluster's nodes, from the replica's request log."""

    times: list[float]
    #: node -> (first, last) request time
    spans: dict[str, tuple[float, float]]

    @classmethod
    def of(cls, records: list[dict[str, Any]]) -> Spacing:
        times = sorted(record["at"] for record in records)
        spans: dict[str, tuple[float, float]] = {}
        for record in records:
            node, at = record.get("node") or "?", record["at"]
            first, last = spans.get(node, (at, at))
            spans[node] = (min(first, at), max(last, at))
        return cls(times, spans)

    @property
    def gaps(self) -> list[float]:
        return [later - earlier for earlier, later in itertools.pairwise(self.times)]

    def shortfall(self, delay: float) -> float:
        """How much sooner than one ``delay`` apart any run of requests came: the largest
        ``(j - i) * delay - (t[j] - t[i])`` over every pair ``i < j`` (<= 0: never faster
        than one request per delay, over any stretch of the log)."""
        worst, highest = float("-inf"), float("-inf")
        for index, at in enumerate(self.times):
            slack = at - index * delay
            worst = max(worst, highest - slack)
            highest = max(highest, slack)
        return worst

    def most_within(self, seconds: float) -> int:
        """The most requests in any window of ``seconds`` (both ends included)."""
        most, first = 0, 0
        for last, at in enumerate(self.times):
            while at - self.times[first] > seconds:
                first += 1
            most = max(most, last - first + 1)
        return most

    def short_gaps(self, delay: float, tolerance: float) -> list[float]:
        """The gaps shorter than ``delay - tolerance``."""
        return [gap for gap in self.gaps if gap < delay - tolerance]

    @property
    def busy(self) -> tuple[float, float]:
        """The window in which every node was sending: the last node's first request to the
        first node's last one."""
        return (
            max(first for first, _ in self.spans.values()),
            min(last for _, last in self.spans.values()),
        )

    def rate(self, window: tuple[float, float] | None = None) -> float:
        """Requests per second within ``window`` (default: the whole log): the intervals
        between the requests in it, per second."""
        start, end = window or (self.times[0], self.times[-1])
        inside = [at for at in self.times if start <= at <= end]
        if len(inside) < 2 or end <= start:
            return 0.0
        return (len(inside) - 1) / (inside[-1] - inside[0])


def measure(
    nodes: int,
    delay: float,
    articles: int,
    editions: str,
    pace: bool = True,
    shared_state: bool = False,
) -> dict[str, Any]:
    """Crawl the replica with ``nodes`` nodes sharing one pace (or each on its own delay,
    ``pace=False``; ``shared_state``: and one state in PostgreSQL, so that they share the work
    through work units); the spacing figures."""
    with (
        tempfile.TemporaryDirectory(prefix="newscrawl-multinode-") as folder,
        Cluster(Path(folder), articles=articles) as cluster,
    ):
        cluster.start_nodes(
            nodes,
            pace=pace,
            state=cluster.dsn if shared_state else "",
            arguments={"editions": editions},
            settings={"DOWNLOAD_DELAY": str(delay)},
        )
        codes = cluster.wait_all()
        spacing = Spacing.of(cluster.requests())
        articles_written = sum(len(published_lines(cluster.nodes, code)) for code in EDITIONS)
    gaps = spacing.gaps
    return {
        "nodes": nodes if pace else f"{nodes}, no pace",
        "articles": articles_written,
        "exit_codes": codes,
        "requests": len(spacing.times),
        "allowed_per_second": round(1 / delay, 2),
        "achieved_per_second": round(spacing.rate(spacing.busy), 2),
        "achieved_whole_run": round(spacing.rate(), 2),
        "min_gap_seconds": round(min(gaps), 3),
        "shortfall_seconds": round(spacing.shortfall(delay), 3),
        "gaps_short_by_over_60ms": len(spacing.short_gaps(delay, 0.06)),
        "most_in_one_second": spacing.most_within(1.0),
        "median_gap_seconds": round(sorted(gaps)[len(gaps) // 2], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--articles", type=int, default=30, help="per edition, about")
    parser.add_argument("--editions", default="az")
    parser.add_argument(
        "--without-pace", action="store_true", help="each node on its own delay (the before)"
    )
    parser.add_argument(
        "--shared-state",
        action="store_true",
        help="one PostgreSQL state: the nodes share the editions' work units",
    )
    options = parser.parse_args()
    print(
        "| nodes | articles | requests | allowed req/s | achieved req/s (all busy) | whole run | "
        "min gap s | median gap s | shortfall s | gaps < delay - 0.06 s | most in 1 s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for count in options.nodes:
        row = measure(
            count,
            options.delay,
            options.articles,
            options.editions,
            not options.without_pace,
            options.shared_state,
        )
        print(
            f"| {row['nodes']} | {row['articles']} | {row['requests']} | "
            f"{row['allowed_per_second']} | "
            f"{row['achieved_per_second']} | {row['achieved_whole_run']} | "
            f"{row['min_gap_seconds']} | {row['median_gap_seconds']} | "
            f"{row['shortfall_seconds']} | {row['gaps_short_by_over_60ms']} | "
            f"{row['most_in_one_second']} |",
            flush=True,
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
