"""A state file the crawl cannot read (garbage bytes, a newer schema, a file cut short) ends the
run before any request, with one line naming the file and the cause, and exit status 1; never a
silent stateless run that writes every article again (bug 1 of issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer
from tests.test_store import damage_state


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
    lines = [line for line in result.log.splitlines() if f"state {state} cannot be read" in line]
    assert len(lines) == 1 and cause in lines[0], result.log[-3000:]
    assert "move it away to start afresh" in lines[0]
    assert result.all_articles() == []
