"""Hostile scope and identity: the site is an origin (scheme, host and port), and an article is
the page reached by its request. A redirect, refresh or feed link to another port of the
site's host reaches nothing; a canonical link or og:url naming another article never files one
article's content under the other's URL; a redirect from an en article to a ru one is a
reject, never a Russian article in the en file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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

TIME_BOUND_S = 90


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


class Case:
    """A replica of 40 articles an edition behind a hostile front, and a sentinel."""

    def __init__(self, replica: ReplicaServer, site: HostileSite, sentinel: Sentinel) -> None:
        self.replica, self.site, self.sentinel = replica, site, sentinel
        truth = [a for a in replica.truth("en") if not a.get("republished_from")]
        self.truth = sorted(truth, key=lambda a: a["published_at"], reverse=True)
        self.a, self.b = (_path(self.truth[i]["url"]) for i in (2, 5))
        self.ru = _path(replica.truth("ru")[0]["url"])

    def crawl(self, name: str, tmp_path: Path) -> Outcome:
        outcome = measured_crawl(
            f"scope: {name}", self.site.base_url, tmp_path / "out", arguments={"editions": "en"}
        )
        assert outcome.returncode == 0, outcome.log[-3000:]
        assert outcome.peak_mb < MEMORY_BOUND_MB
        assert outcome.seconds < TIME_BOUND_S
        assert self.sentinel.seen == [], f"the sentinel was reached: {self.sentinel.seen[:3]}"
        assert all(p.is_relative_to(tmp_path) for p in tmp_path.rglob("*"))
        articles = outcome.result.articles
        assert not articles.get("ru") and not articles.get("az")
        written = Counter(_path(a["url"]) for a in articles["en"])
        assert [url for url, n in written.items() if n > 1] == []
        return outcome

    def written(self, outcome: Outcome) -> dict[str, dict[str, Any]]:
        return {_path(a["url"]): a for a in outcome.result.articles["en"]}

    def all_but_a_written(self, outcome: Outcome) -> dict[str, dict[str, Any]]:
        """Every article but ``a`` is written with its own title (nothing else lost)."""
        written = self.written(outcome)
        for article in self.truth:
            path = _path(article["url"])
            if path != self.a:
                assert path in written, f"{path} lost"
                assert written[path]["title"] == article["title"], path
        return written

    def reject_of_a(self, outcome: Outcome) -> dict[str, Any]:
        (reject,) = [r for r in outcome.result.rejects if _path(r["url"]) == self.a]
        return reject


@pytest.fixture
def case() -> Iterator[Case]:
    with (
        ReplicaServer(articles=40, seed=9, days=1) as replica,
        HostileSite(replica.base_url) as site,
        Sentinel() as sentinel,
    ):
        yield Case(replica, site, sentinel)


def _swap(pattern: str, replacement: Callable[[Case], str], case: Case) -> None:
    """Rewrite ``a``'s page: ``pattern`` (bytes regex) -> ``replacement(case)``."""
    found, new = re.compile(pattern.encode()), replacement(case).encode()
    case.site.rewrite("^" + re.escape(case.a) + r"/?$", lambda body: found.sub(lambda _: new, body))


def test_a_redirect_to_another_port_is_refused(case: Case, tmp_path: Path) -> None:
    target = case.sentinel.base_url + case.a
    case.site.route("^" + re.escape(case.a) + "/?$", Answer(302, [("Location", target)]))
    outcome = case.crawl("redirect to another port", tmp_path)
    case.all_but_a_written(outcome)
    assert case.reject_of_a(outcome)["reason"] == "offsite_redirect"


def test_a_meta_refresh_to_another_port_is_refused(case: Case, tmp_path: Path) -> None:
    refresh = (
        f'<html><head><meta http-equiv="refresh" content="0;url={case.sentinel.base_url}{case.a}">'
    )
    case.site.route("^" + re.escape(case.a) + "/?$", Answer(200, body=refresh.encode()))
    outcome = case.crawl("meta refresh to another port", tmp_path)
    case.all_but_a_written(outcome)
    assert case.reject_of_a(outcome)["reason"] == "offsite_redirect"


def test_a_feed_link_to_another_port_is_not_followed(case: Case, tmp_path: Path) -> None:
    feed = re.compile(rb'href="/en/news-feed"')
    new = f'href="{case.sentinel.base_url}/en/news-feed"'.encode()
    case.site.rewrite(r"^/en/?$", lambda body: feed.sub(new, body))
    outcome = case.crawl("feed link to another port", tmp_path)
    written = case.written(outcome)
    assert {_path(a["url"]) for a in case.truth} <= set(written)


def test_a_canonical_naming_another_article_keeps_the_reached_url(
    case: Case, tmp_path: Path
) -> None:
    _swap(
        r'<link rel="canonical" href="[^"]*">',
        lambda c: f'<link rel="canonical" href="{c.b}">',
        case,
    )
    outcome = case.crawl("canonical naming another article", tmp_path)
    written = case.all_but_a_written(outcome)
    (a,) = [x for x in case.truth if _path(x["url"]) == case.a]
    assert written[case.a]["title"] == a["title"]
    assert any(w.startswith("canonical_mismatch") for w in written[case.a]["warnings"])


def test_a_canonical_naming_another_port_keeps_the_reached_url(case: Case, tmp_path: Path) -> None:
    _swap(
        r'<link rel="canonical" href="[^"]*">',
        lambda c: f'<link rel="canonical" href="{c.sentinel.base_url}{c.b}">',
        case,
    )
    outcome = case.crawl("canonical naming another port", tmp_path)
    written = case.all_but_a_written(outcome)
    assert case.a in written


def test_og_url_naming_another_article_keeps_the_reached_url(case: Case, tmp_path: Path) -> None:
    _swap(
        r'<meta property="og:url" content="[^"]*">',
        lambda c: f'<meta property="og:url" content="{c.b}">',
        case,
    )
    outcome = case.crawl("og:url naming another article", tmp_path)
    written = case.all_but_a_written(outcome)
    assert case.a in written


def test_a_redirect_from_an_en_article_to_a_ru_one_is_a_reject(case: Case, tmp_path: Path) -> None:
    case.site.route("^" + re.escape(case.a) + "/?$", Answer(301, [("Location", case.ru)]))
    outcome = case.crawl("redirect en -> ru article", tmp_path)
    case.all_but_a_written(outcome)
    reject = case.reject_of_a(outcome)
    assert reject["reason"] == "edition_mismatch", reject
    assert reject["language"] == "en"
