"""The pure helpers of feed discovery: article links, feed-like links, RSS and sitemap URLs."""

from __future__ import annotations

from newscrawl.extract.feed import (
    article_links,
    heuristic_feed_link,
    rss_links,
    sitemap_locs,
)
from newscrawl.site import EDITIONS

HOME = """<html><body>
<div class="index-post-block"><a class="news__item" href="/en/energy/oil-up">x</a></div>
<div class="index-post-block"><a class="news__item" href="/en/energy/oil-up">again</a></div>
<div class="index-post-block"><a href=" /en/business/gas-down ">y</a></div>
<a href="/ru/lenta">Лента</a>
<a href="/en/latest">Latest</a>
</body></html>"""


def test_article_links_are_the_cards_in_order_without_repeats() -> None:
    assert article_links(HOME) == ["/en/energy/oil-up", "/en/business/gas-down"]
    assert article_links("") == []


def test_heuristic_link_by_path_word_of_the_edition() -> None:
    assert heuristic_feed_link(HOME, EDITIONS["en"]) == "/en/latest"
    assert heuristic_feed_link(HOME, EDITIONS["ru"]) == "/ru/lenta"
    assert heuristic_feed_link(HOME, EDITIONS["az"]) is None


def test_heuristic_link_by_text_wins_over_path() -> None:
    html = '<a href="/en/latest">Latest</a><a href="/en/stream">Open the news feed here</a>'
    assert heuristic_feed_link(html, EDITIONS["en"]) == "/en/stream"
    az = '<a href="/en/all-news">x</a><a href="/son-xeberler/">Son</a>'
    assert heuristic_feed_link(az, EDITIONS["az"]) == "/son-xeberler/"


def test_heuristic_link_skips_anchors_and_scripts() -> None:
    html = '<a href="#latest">latest</a><a href="javascript:latest()">All news</a>'
    assert heuristic_feed_link(html, EDITIONS["en"]) is None


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Report</title><link>https://report.az/en/</link>
<item><title>A</title><link>https://report.az/en/energy/a</link></item>
<item><title>B</title><link> https://report.az/en/energy/b </link></item>
<item><title>A again</title><link>https://report.az/en/energy/a</link></item>
</channel></rss>"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://report.az/en/energy/a</loc><news:news><news:title>A</news:title></news:news></url>
<url><loc>https://report.az/ru/energetika/b</loc></url>
</urlset>"""


def test_rss_links_are_the_item_links_not_the_channel_link() -> None:
    assert rss_links(RSS) == ["https://report.az/en/energy/a", "https://report.az/en/energy/b"]
    assert rss_links("") == []


def test_sitemap_locs_in_any_namespace() -> None:
    assert sitemap_locs(SITEMAP) == [
        "https://report.az/en/energy/a",
        "https://report.az/ru/energetika/b",
    ]
    assert sitemap_locs("<urlset><url><loc>/x/y</loc></url></urlset>") == ["/x/y"]
