"""The limits on what one page puts in an article (LimitsPipeline), checked against the 1,000
real articles (none reaches a limit), and robots.txt read up to its size limit."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from newscrawl.limits import BoundedRobotParser, PageLimits
from newscrawl.pipelines import LimitsPipeline
from newscrawl.spiders.report import ReportSpider
from tests.pipelines.conftest import make_article, reject_of
from tests.site.realtext import DEFAULT_PATH, load

LONG_URL = "https://static.report.az/photo/" + "a" * 1_000_000 + ".jpg"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "T" * 1001),
        ("lead", "L" * 5001),
        ("body", "word " * 40_001),
        ("category", "C" * 1001),
        ("url", "https://report.az/en/politics/" + "s" * 3000),
    ],
)
def test_a_text_field_over_its_limit_is_a_reject_without_the_item(
    make_crawler: Callable[..., Crawler], field: str, value: str
) -> None:
    reject = reject_of(LimitsPipeline(make_crawler()), make_article(**{field: value}))
    assert reject.reason == f"over_limit:{field}" and reject.stage == "limits"
    assert str(len(value)) in reject.detail and reject.item is None


def test_a_1_mb_image_url_is_dropped_and_lists_are_cut(
    make_crawler: Callable[..., Crawler],
) -> None:
    images = [{"url": LONG_URL, "caption": None}] + [
        {"url": f"https://static.report.az/photo/{i}.jpg", "caption": "c" * (6000 if i else 5)}
        for i in range(60)
    ]
    article = make_article(
        images=images,
        tags=["t" * 201, *(f"tag {i}" for i in range(60))],
        translations={"az": "https://report.az/x/" + "y" * 3000, "ru": "https://report.az/ru/a/b"},
    )
    kept = LimitsPipeline(make_crawler()).process_item(article)
    assert [image["url"] for image in kept.images] == [
        f"https://static.report.az/photo/{i}.jpg" for i in range(50)
    ]
    assert kept.images[0]["caption"] == "c" * 5 and kept.images[1]["caption"] is None
    assert kept.tags == [f"tag {i}" for i in range(50)]
    assert kept.translations == {"ru": "https://report.az/ru/a/b"}
    assert all(len(w) < 300 for w in kept.warnings)
    assert sum(w.startswith("over_limit") for w in kept.warnings) >= 5


def test_the_limits_are_settings(make_crawler: Callable[..., Crawler]) -> None:
    crawler = make_crawler(NEWSCRAWL_MAX_TITLE_CHARS=10, URLLENGTH_LIMIT=100)
    limits = PageLimits.from_settings(crawler.settings)
    assert (limits.title_chars, limits.url_chars, limits.body_chars) == (10, 100, 200_000)
    reject = reject_of(LimitsPipeline(crawler), make_article(title="Eleven char"))
    assert reject.reason == "over_limit:title"


@pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason=f"no real articles at {DEFAULT_PATH}")
def test_no_real_article_comes_near_a_limit(make_crawler: Callable[..., Crawler]) -> None:
    """The 1,000 real articles (longest title 130, body 11,420 characters): each passes the
    limits unchanged, with a tenfold margin on the body and title."""
    real = load()
    assert len(real) == 1000
    limits = PageLimits.from_settings(make_crawler().settings)
    pipeline = LimitsPipeline(make_crawler())
    for article in real:
        body = "\n\n".join(article.paragraphs)
        assert len(body) * 10 < limits.body_chars and len(article.title) * 5 < limits.title_chars
        assert len(article.link) * 5 < limits.url_chars
        item = make_article(url=article.link, title=article.title, body=body, language="az")
        assert pipeline.process_item(item).warnings == []


@pytest.mark.slow
def test_robots_txt_is_parsed_up_to_its_size_limit() -> None:
    """7.9 MB of rules: only the first 500 KiB are parsed (about 1 s, a check about 40 ms on a
    busy 2-core machine), a rule there holds (on main, the same machine: 22 s to parse, 690 ms
    for every check)."""
    crawler = get_crawler(ReportSpider, {"NEWSCRAWL_ROBOTS_MAX_BYTES": 512_000})
    body = b"User-agent: *\nDisallow: /search\n" + b"".join(
        b"Disallow: /private/%08d/*/page$\n" % i for i in range(219_000)
    )
    assert len(body) > 7_800_000
    started = time.perf_counter()
    parser = BoundedRobotParser.from_crawler(crawler, body)
    assert time.perf_counter() - started < 6
    started = time.perf_counter()
    for n in range(10):
        assert parser.allowed(f"https://report.az/en/politics/article-{n}", "newscrawl")
    assert (time.perf_counter() - started) / 10 < 0.25
    assert not parser.allowed("https://report.az/search?q=x", "newscrawl")
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/robots_truncated") == 512_000
