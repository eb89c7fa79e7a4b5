"""Three crawl nodes over one PostgreSQL state share the work through work units (issue
20): together they write every article once, as one node would; PostgreSQL stopped for 20 s
pauses the nodes and they go on. Each test makes its own database on the session's PostgreSQL
and its own replica (tests/multinode.py, tests/pg_server.py)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb

from newscrawl.site import EDITIONS
from newscrawl.store import StateStore
from tests.crawl import run_crawl, run_scrapy
from tests.multinode import (
    ARTICLES,
    LEASE,
    Cluster,
    Node,
    each_once,
    finished,
    line_pairs,
    written_lines,
)
from tests.pg_server import PostgresServer


def test_three_nodes_crawl_every_article_once_as_one_node_would(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    with Cluster(tmp_path, articles=ARTICLES, postgres=pg_server) as cluster:
        nodes = cluster.start_nodes(3, state=cluster.dsn, settings=LEASE)
        results = [finished(node) for node in nodes]
        single = run_crawl(
            cluster.base_url, tmp_path / "single", state=tmp_path / "single.sqlite", settings=LEASE
        )
        assert single.returncode == 0, single.log[-3000:]
        # one node alone over PostgreSQL takes the three units in turn (claimed when idle)
        alone = run_crawl(
            cluster.base_url,
            tmp_path / "alone",
            state=pg_server.create_database(),
            settings={**LEASE, "NEWSCRAWL_NODE": "alone"},
        )
        assert alone.returncode == 0, alone.log[-3000:]
        assert alone.stats["state"]["units"] == ["walk:az", "walk:en", "walk:ru"]
        for language in ("az", "en", "ru"):
            items = each_once(nodes, cluster, language)
            assert line_pairs(items) == line_pairs(single.articles[language])
            assert line_pairs(alone.articles[language]) == line_pairs(single.articles[language])
        # the three editions' walks went one to each node; none was walked twice
        held = [unit for result in results for unit in result.stats["state"]["units"]]
        assert sorted(held) == ["walk:az", "walk:en", "walk:ru"]
        _export_reads_the_manifest(tmp_path / "together", nodes, cluster)
        store = StateStore(cluster.dsn)
        try:
            assert all(not row.holder and row.claims == 1 for row in store.units())
            complete = {(e.node, e.path): e.lines for e in store.manifest()}
            for node in nodes:  # every published file noted complete, line for line
                for path in node.output_dir.glob("*/report-*.jsonl"):
                    key = (node.name, f"{path.parent.name}/{path.name}")
                    assert complete[key] == path.read_bytes().count(b"\n")
        finally:
            store.close()


def test_postgresql_stopped_for_20_seconds_pauses_the_nodes_and_they_go_on(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    with Cluster(tmp_path, articles=ARTICLES, postgres=pg_server) as cluster:
        settings = {**LEASE, "DOWNLOAD_DELAY": "0.12", "NEWSCRAWL_UNIT_LEASE_SECONDS": "60"}
        nodes = cluster.start_nodes(3, state=cluster.dsn, settings=settings)
        for node in nodes:
            node.wait_for_line("claimed work unit")
        deadline = time.monotonic() + 60
        while sum(written_lines(node, code) for node in nodes for code in EDITIONS) < 3:
            assert time.monotonic() < deadline and all(node.running() for node in nodes)
            time.sleep(0.05)
        pg_server.stop()  # in the middle of the three units
        time.sleep(20)
        pg_server.start()
        for node in nodes:
            finished(node)
            assert "reached again; the run goes on" in node.log
        for language in ("az", "en", "ru"):
            each_once(nodes, cluster, language)


def _export_reads_the_manifest(folder: Path, nodes: list[Node], cluster: Cluster) -> None:
    """The nodes' files gathered in one folder with a stray file no run noted complete:
    ``scrapy export`` over the shared state reads only what the manifest notes."""
    for node in nodes:
        for path in node.output_dir.glob("*/report-*.jsonl"):
            (folder / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, folder / path.parent.name / path.name)
    some = next((folder / "az").glob("*.jsonl")).read_text(encoding="utf-8").splitlines()[0]
    stray = json.loads(some) | {"url": f"{cluster.base_url}/xeber/stray-0"}
    (folder / "az" / "report-stray-node9.jsonl").write_text(json.dumps(stray) + "\n")
    done = run_scrapy(["export", "--only", "dataset"], folder, state=cluster.dsn)
    assert done.returncode == 0, done.stdout[-3000:]
    con = duckdb.connect(str(folder / "newscrawl.duckdb"), read_only=True)
    try:
        urls = {str(url) for (url,) in con.execute("SELECT url FROM articles").fetchall()}
    finally:
        con.close()
    truth = {a["url"] for code in ("az", "en", "ru") for a in cluster.replica.truth(code)}
    assert urls == truth
