"""A budget per URL across runs: an article inside a hole that answers 500 for ever holds its
feed page open for NEWSCRAWL_URL_FAILURE_RUNS runs, then becomes a ``gave_up`` reject; the hole
closes, the exit status returns to 0, and the health names the URL once."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.site import parse_iso
from tests.crawl import run_crawl
from tests.site.harness import ReplicaServer

#: The hole fails the health at once while open: the exit status shows when it closes.
SETTINGS = {
    "NEWSCRAWL_HISTORY_HOURS": "12",
    "NEWSCRAWL_HOLE_MAX_AGE_HOURS": "0.0001",
    "RETRY_TIMES": "1",
    "NEWSCRAWL_RETRY_BASE_DELAY": "0.05",
}
ARGUMENTS = {"editions": "en"}


def _broken_article(replica: ReplicaServer) -> str:
    """An en article inside the hole a first run of one page leaves: below the 50 newest (the
    RSS cross-check) and above the 12 h history floor."""
    articles = sorted(
        (a for a in replica.truth() if a["language"] == "en" and not a.get("republished_from")),
        key=lambda a: a["published_at"],
        reverse=True,
    )
    floor = parse_iso(articles[0]["published_at"]) - timedelta(hours=12)
    inside = [a for a in articles[55:] if parse_iso(a["published_at"]) > floor]
    assert inside, "the replica should have articles that deep in 12 h"
    return str(inside[0]["url"])


def test_a_url_that_always_fails_is_given_up_after_n_runs_and_the_hole_closes(
    tmp_path: Path,
) -> None:
    state, output = tmp_path / "state.sqlite", tmp_path / "output"
    with ReplicaServer(articles=450, seed=12, days=3) as probe:
        path = urlsplit(_broken_article(probe)).path
    fault = f"500,path=^{re.escape(path)}$"
    with ReplicaServer(articles=450, seed=12, days=3, faults=[fault]) as replica:
        url = replica.base_url + path
        first = run_crawl(
            replica.base_url,
            output,
            state=state,
            arguments={**ARGUMENTS, "max_pages": "1"},
            settings=SETTINGS,
        )
        time.sleep(2)  # the hole's age (shown in hours, 3 decimals) is past the limit
        runs = [
            run_crawl(replica.base_url, output, state=state, arguments=ARGUMENTS, settings=SETTINGS)
            for _ in range(4)
        ]
    assert first.stats["editions"]["en"]["holes"]
    figures = [run.stats["editions"]["en"] for run in runs]
    print(
        "runs after the first: exit "
        + ", ".join(
            f"{run.returncode} ({len(f['holes'])} holes, rejects {[r['reason'] for r in run.rejects]})"
            for run, f in zip(runs, figures, strict=True)
        )
    )
    reasons = [[r["reason"] for r in run.rejects if r["url"] == url] for run in runs]
    assert reasons == [["http_500"], ["http_500"], ["gave_up"], []]
    gave_up = runs[2].rejects[0]
    assert "failed in 3 runs" in gave_up["detail"] and "HTTP 500" in gave_up["detail"]
    assert [run.returncode for run in runs] == [3, 3, 0, 0]
    assert [bool(f["holes"]) for f in figures] == [True, True, False, False]
    assert figures[2]["gave_up"] == [url] and figures[3]["gave_up"] == []
    # the health names it once: a warning in the run that gave up, none after
    warned = [
        [w["check"] for w in run.stats["health"]["warnings"] if w["check"] == "gave_up"]
        for run in runs
    ]
    assert warned == [[], [], ["gave_up"], []]
