"""robots.txt as RFC 9309 (2.3.1) reads it, against a hostile or broken server: a 5xx, no
answer or a redirect off the site means complete disallow for the run (one ERROR line per
edition, no article requested, exit status 3, the next run asks again); a 4xx means no rules;
redirects are followed five times at most, and never off the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hostile.harness import (
    MEMORY_BOUND_MB,
    Answer,
    HostileSite,
    Outcome,
    Sentinel,
    measured_crawl,
)
from tests.site.harness import ReplicaServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROBOTS = r"^/robots\.txt"
#: An article page of the en edition (not a feed page, not robots.txt).
ARTICLE = re.compile(r"^/en/(?!news-feed|infinity|rss|sitemap)[a-z-]+/[a-z0-9-]+/?$")
PLAIN = [("Content-Type", "text/plain")]


def _crawl(case: str, site: HostileSite, out: Path, **settings: str) -> Outcome:
    return measured_crawl(
        case,
        site.base_url,
        out,
        timeout=90,
        arguments={"editions": "en"},
        settings={"NEWSCRAWL_ROBOTS_TIMEOUT": "3", **settings},
    )


def _no_traceback(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.log, outcome.log[-3000:]


def _disallowed(outcome: Outcome, site: HostileSite, seconds: float) -> list[str]:
    """The outcome of a robots.txt that means complete disallow; its ERROR lines."""
    said = "ERROR: en: site unreachable: robots.txt unavailable"
    errors = [line for line in outcome.log.splitlines() if said in line]
    assert outcome.returncode == 3, outcome.log[-3000:]
    assert len(errors) == 1, errors  # one line for the edition (and the health check's)
    assert "RFC 9309: complete disallow" in errors[0] and "next run tries again" in errors[0]
    assert not [seen.path for seen in site.seen if ARTICLE.match(seen.path)]
    assert outcome.result.all_articles() == []
    assert outcome.seconds < seconds and outcome.peak_mb < MEMORY_BOUND_MB
    _no_traceback(outcome)
    return errors


@pytest.mark.parametrize(
    ("case", "answer", "shown"),
    [
        ("robots.txt answers 500", Answer(500, PLAIN, b"oops"), "answered 500"),
        (
            "robots.txt answers 503 with Retry-After",
            Answer(503, [*PLAIN, ("Retry-After", "3600")], b"busy"),
            "answered 503",
        ),
        # headers, then nothing: the whole download is bounded by NEWSCRAWL_ROBOTS_TIMEOUT
        (
            "robots.txt never answers",
            Answer(200, PLAIN, iter([b"User-agent: *\n", b"Allow: /\n"]), pause=40),
            "within 3 s",
        ),
    ],
)
def test_a_robots_txt_that_cannot_be_read_means_complete_disallow(
    tmp_path: Path, case: str, answer: Answer, shown: str
) -> None:
    with ReplicaServer(articles=20, seed=5) as replica, HostileSite(replica.base_url) as site:
        site.route(ROBOTS, answer)
        outcome = _crawl(case, site, tmp_path / "out")
        errors = _disallowed(outcome, site, seconds=25)
        assert shown in errors[0]
        assert len(site.hits(ROBOTS)) == 1  # not retried: the next run is the retry


def test_a_closed_port_ends_the_run_at_once(tmp_path: Path) -> None:
    with Sentinel() as closed:
        url = closed.base_url
    outcome = measured_crawl(
        "site on a closed port", url, tmp_path / "out", timeout=90, arguments={"editions": "en"}
    )
    assert outcome.returncode == 3, outcome.log[-3000:]
    assert "connection refused" in outcome.log and "robots.txt unavailable" in outcome.log
    assert outcome.seconds < 20 and outcome.peak_mb < MEMORY_BOUND_MB
    _no_traceback(outcome)


def test_a_robots_txt_redirected_off_the_site_is_not_followed(tmp_path: Path) -> None:
    with (
        ReplicaServer(articles=20, seed=5) as replica,
        HostileSite(replica.base_url) as site,
        Sentinel() as sentinel,
    ):
        target = [("Location", sentinel.base_url + "/robots.txt"), *PLAIN]
        site.route(ROBOTS, Answer(301, target, b""))
        outcome = _crawl("robots.txt redirects to another port", site, tmp_path / "out")
        errors = _disallowed(outcome, site, seconds=25)
        assert "redirects off the site" in errors[0]
        assert sentinel.seen == []


@pytest.mark.parametrize(
    ("case", "status"), [("robots.txt answers 404", 404), ("robots.txt answers 403", 403)]
)
def test_a_robots_txt_answering_4xx_means_no_rules(tmp_path: Path, case: str, status: int) -> None:
    with ReplicaServer(articles=20, seed=5) as replica, HostileSite(replica.base_url) as site:
        site.route(ROBOTS, Answer(status, PLAIN, b"Disallow: /"))  # a 4xx body is not read
        outcome = _crawl(case, site, tmp_path / "out")
        expected = {a["url"] for a in replica.truth(edition="en") if not a.get("republished_from")}
    assert outcome.returncode == 0, outcome.log[-3000:]
    written = [
        a["url"].replace(site.base_url, replica.base_url) for a in outcome.result.articles["en"]
    ]
    assert sorted(written) == sorted(expected)
    assert outcome.seconds < 40 and outcome.peak_mb < MEMORY_BOUND_MB
    _no_traceback(outcome)


def test_a_robots_txt_redirect_loop_is_followed_five_times_then_means_no_rules(
    tmp_path: Path,
) -> None:
    with ReplicaServer(articles=20, seed=5) as replica, HostileSite(replica.base_url) as site:
        site.route(ROBOTS, lambda seen: Answer(302, [("Location", seen.path + "x"), *PLAIN], b""))
        outcome = _crawl("robots.txt redirect loop", site, tmp_path / "out")
    assert outcome.returncode == 0, outcome.log[-3000:]
    assert len(site.hits(ROBOTS)) == 6  # the first request and five redirects (RFC 9309)
    assert "more than 5 redirects" in outcome.log
    assert outcome.result.articles["en"]
    assert outcome.seconds < 40 and outcome.peak_mb < MEMORY_BOUND_MB
    _no_traceback(outcome)
