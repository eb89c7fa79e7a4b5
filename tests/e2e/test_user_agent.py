"""NEWSCRAWL_CONTACT, from the environment or ``-s``, reaches the User-Agent of every request of
a real crawl, as the replica received it (bug 3 of issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

CONTACT = "mailto:crawler@example.org"
EXPECTED = f"newscrawl/0.1 (news archive crawler; +{CONTACT})"


@pytest.mark.parametrize("given_by", ["env", "setting"])
def test_the_contact_reaches_the_user_agent_of_every_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    settings = {}
    if given_by == "env":
        monkeypatch.setenv("NEWSCRAWL_CONTACT", CONTACT)
    else:
        monkeypatch.delenv("NEWSCRAWL_CONTACT", raising=False)
        settings["NEWSCRAWL_CONTACT"] = CONTACT
    with ReplicaServer(articles=20, seed=2, request_log=tmp_path / "requests.jsonl") as replica:
        result = run_crawl(
            replica.base_url,
            tmp_path / "output",
            arguments={"editions": "en", "max_pages": "1"},
            settings=settings,
        )
        requests = replica.requests()
    assert result.returncode == 0, result.log[-3000:]
    assert len(requests) > 3
    assert {request["user_agent"] for request in requests} == {EXPECTED}
