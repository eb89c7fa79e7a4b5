"""What parsing leaves for extraction to decide: empty, NUL-only and non-HTML bodies (the
reasons they got before the move to parsel), comments and processing instructions in text."""

from __future__ import annotations

import pytest

from newscrawl.extract.article import ExtractionError, extract_article
from newscrawl.extract.feed import find_feed_link, parse_feed
from newscrawl.site import EDITIONS, SiteUrls

SITE = SiteUrls("https://report.az")
URL = "https://report.az/en/energy/oil-prices-rise"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty_page"),
        ("  \n ", "empty_page"),
        ("\x00", "not_html"),
        ("<!-- only a comment -->", "not_html"),
        ("<html/>", "not_html"),
        ('{"headline": "JSON, not HTML"}', "no_title"),
        ("null", "no_title"),
        ("<body></body>", "no_title"),
    ],
)
def test_bodies_without_an_article_get_their_reason(html: str, reason: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_article(html, URL, SITE)
    assert raised.value.reason == reason


def test_comments_nul_bytes_and_processing_instructions_leave_the_words_alone() -> None:
    html = (
        "<html lang='en'><head><meta property='article:published_time' "
        "content='2025-10-23T20:02:00+04:00'></head><body>"
        "<h1 class='section-title'>Oil <!-- x -->prices\x00 rise</h1>"
        "<div class='news-detail__desc'><!-- lead --><p>Zelen<!-- c -->skyy <?pi x?>met "
        "<b>Macron</b><!-- c -->.</p><?pi y?>Loose<!-- c --> text</div></body></html>"
    )
    article = extract_article(html, URL, SITE)
    assert article.title == "Oil prices rise"
    assert article.body == "Zelenskyy met Macron.\n\nLoose text"


@pytest.mark.parametrize("html", ["", "null", '{"cards": []}', "<!-- x -->"])
def test_feed_without_markup_has_no_cards(html: str) -> None:
    feed = parse_feed(html, EDITIONS["en"])
    assert (feed.cards, feed.load_url, feed.warnings) == ([], None, [])
    assert find_feed_link(html, EDITIONS["en"]) is None
