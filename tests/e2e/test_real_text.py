"""A crawl over real sentences: the replica's az edition made of 150 real report.az articles
(``--real-text``, ``../shared/real/``), crawled once; every one comes out with its real headline,
body paragraphs, card time and slug.

The only differences allowed are the crawler's documented normalisation: white space collapsed
and invisible characters deleted (the real text has no-break spaces, double spaces and
zero-width spaces; ``newscrawl/cleaning.py``),
and a photo credit glued to the end of a paragraph removed (``strip_trailing_credit``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl import CrawlResult, run_crawl
from tests.site import dates
from tests.site.harness import ReplicaServer
from tests.site.realtext import DEFAULT_PATH, RealArticle, load

REAL_ARTICLES = 150
#: A photo credit the cleaning removes from the end of a paragraph (documented).
_TRAILING_CREDIT = re.compile(r"\s*(?:foto|photo|fotolar)\s*:.{0,80}$", re.IGNORECASE)

pytestmark = pytest.mark.skipif(
    not DEFAULT_PATH.is_file(), reason=f"the real articles are not at {DEFAULT_PATH}"
)


@pytest.fixture(scope="module")
def real_replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(
        articles=REAL_ARTICLES, seed=3, extra_args=["--real-text", str(DEFAULT_PATH)]
    ) as server:
        yield server


@pytest.fixture(scope="module")
def real_crawl(
    real_replica: ReplicaServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    root: Path = tmp_path_factory.mktemp("real-text")
    return run_crawl(
        real_replica.base_url,
        root / "output",
        state=root / "state.sqlite",
        arguments={"editions": "az", "max_pages": "100", "since": "2025-03-01"},
    )


#: Invisible characters the cleaning deletes (zero-width space and joiners, soft hyphen, BOM).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _words(text: str) -> str:
    return " ".join(text.split())


def _cleaned(text: str) -> str:
    return _words(text.translate(_INVISIBLE))


def test_the_truth_is_the_real_text(real_replica: ReplicaServer) -> None:
    real = {a.slug: a for a in load(DEFAULT_PATH, REAL_ARTICLES)}
    truth = {item["slug"]: item for item in real_replica.truth(edition="az")}
    assert set(real) <= set(truth)
    for slug, article in real.items():
        item = truth[slug]
        assert item["title"] == article.title
        assert item["body"] == "\n\n".join(map(_words, article.paragraphs))  # as shown
        assert item["published_at"] == dates.iso(article.when)
        assert item["category_slug"] == article.category


def _check(article: RealArticle, item: dict[str, object]) -> int:
    """Assert ``item`` is ``article``; the number of paragraphs that lost a trailing credit."""
    assert item["title"] == _cleaned(article.title), article.link
    assert item["slug"] == article.slug
    assert item["category_slug"] == article.category
    assert item["published_at"] == dates.iso(article.when), article.link
    assert item["dateline"] is None
    body = str(item["body"]).split("\n\n")
    expected = [_cleaned(p) for p in article.paragraphs]
    assert len(body) == len(expected), article.link
    credits = 0
    for got, want in zip(body, expected, strict=True):
        if got != want:  # only a glued photo credit may go
            assert want.startswith(got) and _TRAILING_CREDIT.fullmatch(want[len(got) :]), (
                article.link,
                got,
                want,
            )
            credits += 1
    return credits


def test_every_real_article_comes_out_as_written(real_crawl: CrawlResult) -> None:
    assert real_crawl.returncode == 0, real_crawl.log[-3000:]
    crawled = {item["slug"]: item for item in real_crawl.articles.get("az", [])}
    real = load(DEFAULT_PATH, REAL_ARTICLES)
    missing = [a.link for a in real if a.slug not in crawled]
    assert not missing, f"{len(missing)} real articles missing, e.g. {missing[:3]}"
    credits = sum(_check(article, crawled[article.slug]) for article in real)
    assert credits <= 2  # the file has one glued credit in 1,000 articles
    rejects = real_crawl.articles.get("rejects", [])
    assert not [r for r in rejects if r.get("language") == "az"]
