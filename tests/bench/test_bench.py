"""Fast checks of the benchmark's own parts (no crawl, no timing): the baseline spider finds the
same links as the report spider, and the stats and profile readers read what they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.editions import EDITIONS
from newscrawl.extract.feed import parse_feed
from tests.bench.baseline_spider import scan_feed
from tests.bench.measure import scrapy_stats
from tests.bench.profile import OTHER, analyse

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


@pytest.mark.parametrize("name", ["en-feed.html", "en-batch.html", "empty-batch.html"])
def test_baseline_scan_finds_the_cards_the_report_spider_reads(name: str) -> None:
    body = (FEEDS / name).read_bytes()
    feed = parse_feed(body.decode("utf-8"), EDITIONS["en"])
    cards, load_url = scan_feed(body)
    assert [href.decode() for href, _ in cards] == [card.href for card in feed.cards]
    assert [stamp.decode() if stamp else None for _, stamp in cards] == [
        card.timestamp_raw for card in feed.cards
    ]
    assert (load_url.decode() if load_url else None) == feed.load_url


def test_scrapy_stats_reads_the_last_dump() -> None:
    log = (
        "INFO: Dumping Scrapy stats:\n{'downloader/response_count': 3,\n 'x': 1}\n"
        "INFO: Dumping Scrapy stats:\n{'downloader/response_count': 3123,\n"
        " 'elapsed_time_seconds': 10.5,\n 'finish_time': datetime.datetime(2025, 1, 1, 0, 0),\n"
        " 'item_scraped_count': 2960}\nINFO: Spider closed (finished)\n"
    )
    stats = scrapy_stats(log)
    assert stats["downloader/response_count"] == 3123
    assert stats["elapsed_time_seconds"] == 10.5
    assert stats["item_scraped_count"] == 2960
    assert "x" not in stats


def test_profile_charges_each_sample_to_one_component() -> None:
    raw = "\n".join(
        [
            "<module> (a.py:1);_find_and_load (<frozen importlib._bootstrap>:1) 10",
            "AsyncioSelectorReactor.run (twisted/internet/asyncioreactor.py:1);"
            "ReportSpider.parse_article (newscrawl/spiders/report.py:1);"
            "extract_article (newscrawl/extract/article.py:1);xpath (parsel/selector.py:1) 30",
            "AsyncioSelectorReactor.run (twisted/internet/asyncioreactor.py:1);"
            "Scraper._scrape (scrapy/core/scraper.py:1) 60",
        ]
    )
    result = analyse(raw, 1000)
    shares = dict(result.components)
    assert result.samples == 100
    assert shares["article extraction (newscrawl.extract.article)"] == 30
    assert shares["startup and imports (before the reactor runs)"] == 10
    assert shares[OTHER] == 60
