"""End-to-end fixtures: the local replica started by the test suite, and one full crawl of it
shared by the tests that only read its output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl import CrawlResult, run_crawl
from tests.site.harness import ReplicaServer

ARTICLES_PER_EDITION = 120


@pytest.fixture(scope="session")
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=ARTICLES_PER_EDITION, seed=7) as server:
        yield server


@pytest.fixture(scope="session")
def full_crawl(replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """All three editions, the whole feed (max_pages high enough), with a real state file."""
    root: Path = tmp_path_factory.mktemp("full-crawl")
    return run_crawl(
        replica.base_url,
        root / "output",
        state=root / "state.sqlite",
        arguments={"max_pages": "100"},
    )
