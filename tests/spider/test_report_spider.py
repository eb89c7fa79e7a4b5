"""The spider's callbacks on stored responses: feed walking rules and rejects, no engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.items import Article, Reject
from newscrawl.spiders.report import ReportSpider
from tests.pipelines.conftest import reject_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE = "https://report.az"


def _spider(**arguments: Any) -> ReportSpider:
    crawler = get_crawler(ReportSpider)
    spider = ReportSpider.from_crawler(crawler, **arguments)
    crawler.spider = spider
    return spider


def _response(url: str, body: str | bytes, **headers: str) -> HtmlResponse:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HtmlResponse(url, body=data, headers=headers or None, request=Request(url))


def _feed(spider: ReportSpider, html: str, cursor: str | None = None, page: int = 1) -> list[Any]:
    response = _response(f"{BASE}/en/news-feed", html)
    return list(spider.parse_feed(response, "en", page, cursor, None))


def test_home_page_link_names_the_feed() -> None:
    html = (FIXTURES / "feeds" / "en-home.html").read_text(encoding="utf-8")
    (request,) = _spider().parse_home(_response(f"{BASE}/en/", html), "en")
    assert request.url == f"{BASE}/en/news-feed"


def test_home_page_without_link_falls_back_to_the_table() -> None:
    (request,) = _spider().parse_home(_response(f"{BASE}/en/", "<html><body/></html>"), "en")
    assert request.url == f"{BASE}/en/latest-news"


def test_feed_page_queues_each_article_once_then_the_next_batch() -> None:
    spider = _spider()
    html = (FIXTURES / "feeds" / "en-feed.html").read_text(encoding="utf-8")
    requests = _feed(spider, html)
    articles = [r for r in requests if r.callback == spider.parse_article]
    scrolls = [r for r in requests if r.callback == spider.parse_feed]
    assert len(articles) == 20
    assert all("?" not in r.url and not r.url.endswith("/") for r in articles)
    (scroll,) = scrolls
    assert scroll.url == f"{BASE}/en/infinity/index?date=2025-10-23+15%3A30%3A00&oldest=1"
    # The inclusive cursor repeats cards: Scrapy's duplicate filter asks for each once.
    seen = RFPDupeFilter()
    assert not any(seen.request_seen(r) for r in articles)
    again = [r for r in _feed(spider, html) if r.callback == spider.parse_article]
    assert len(again) == 20 and all(seen.request_seen(r) for r in again)


def test_badges_and_card_data_travel_with_the_request() -> None:
    spider = _spider()
    html = (FIXTURES / "feeds" / "en-feed.html").read_text(encoding="utf-8")
    cards = {r.url: r.cb_kwargs["card"] for r in _feed(spider, html) if "card" in r.cb_kwargs}
    photo = cards[
        f"{BASE}/en/business/belgrade-hosts-9th-session-of-joint-azerbaijan-serbia-commission-and-business-forum"
    ]
    assert photo.badges == ["photo"]
    assert photo.category == "Business"
    video = next(c for url, c in cards.items() if "shah-deniz" in url)
    assert video.badges == ["video"]


def test_cursor_that_does_not_move_stops_the_feed() -> None:
    spider = _spider()
    html = (FIXTURES / "feeds" / "en-feed.html").read_text(encoding="utf-8")
    requests = _feed(spider, html, cursor="2025-10-23 15:30:00", page=2)
    assert [r for r in requests if r.callback == spider.parse_feed] == []


def test_empty_batch_ends_the_feed() -> None:
    assert _feed(_spider(), "") == []


def test_max_pages_stops_the_walk() -> None:
    spider = _spider(max_pages="1")
    html = (FIXTURES / "feeds" / "en-feed.html").read_text(encoding="utf-8")
    requests = _feed(spider, html)
    assert [r for r in requests if r.callback == spider.parse_feed] == []


def test_since_skips_older_cards_and_stops() -> None:
    spider = _spider(since="2025-10-23T18:00")
    html = (FIXTURES / "feeds" / "en-feed.html").read_text(encoding="utf-8")
    requests = _feed(spider, html)
    articles = [r for r in requests if r.callback == spider.parse_article]
    assert len(articles) == 11  # 20:36 down to 18:05
    assert [r for r in requests if r.callback == spider.parse_feed] == []


def test_off_site_card_is_not_followed() -> None:
    spider = _spider()
    html = (
        '<div class="index-post-block" data-timestamp="2025-10-23 20:00:00">'
        '<a class="news__item" href="https://evil.example/en/x/y"><h2 class="news__title">X</h2></a></div>'
    )
    assert [r for r in _feed(spider, html) if r.callback == spider.parse_article] == []


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><body><div class='other'><p>text</p></div></body></html>", "no_title"),
        (
            "<html><body><div class='news-detail__desc'><p>Some text here that is long.</p></div>"
            "</body></html>",
            "no_title",
        ),
    ],
)
def test_unreadable_article_becomes_a_reject(html: str, reason: str) -> None:
    spider = _spider()
    url = f"{BASE}/en/energy/some-article"
    (result,) = spider.parse_article(_response(url, html), "en", None)
    assert isinstance(result, Reject)
    assert (result.reason, result.url, result.language, result.stage) == (
        reason,
        url,
        "en",
        "extract",
    )


def test_empty_page_is_asked_again_then_rejected() -> None:
    spider = _spider()
    url = f"{BASE}/en/energy/some-article"
    (retry,) = spider.parse_article(_response(url, ""), "en", None)
    assert isinstance(retry, Request) and retry.dont_filter
    assert retry.meta["retry_times"] == 1
    last = HtmlResponse(url, body=b"", request=Request(url, meta={"retry_times": 2}))
    (reject,) = spider.parse_article(last, "en", None)
    assert isinstance(reject, Reject) and reject.reason == "empty_page"


def test_utf8_page_declared_latin1_is_read_as_utf8() -> None:
    html = (FIXTURES / "articles" / "en-current-seed.html").read_text(encoding="utf-8")
    html = html.replace("Ukraine</a>\n  </div>", "Україна</a>\n  </div>")
    url = f"{BASE}/en/other-countries/zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"
    response = HtmlResponse(
        url,
        body=html.replace('<meta charset="utf-8">', "").encode("utf-8"),
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
        request=Request(url),
    )
    (item,) = _spider().parse_article(response, "en", None)
    assert isinstance(item, Article)
    assert item.tags[-1] == "Україна"


def test_arguments_are_checked_with_clear_messages() -> None:
    with pytest.raises(ValueError, match="unknown edition 'de'"):
        _spider(editions="az,de")
    with pytest.raises(ValueError, match="max_pages: got 'ten', expected a whole number"):
        _spider(max_pages="ten")
    with pytest.raises(ValueError, match="mode: got 'everything', expected 'latest' or"):
        _spider(mode="everything")
    with pytest.raises(ValueError, match="since: got 'yesterday', expected an ISO date"):
        _spider(since="yesterday")
    with pytest.raises(ValueError, match=r"base_url: got 'report\.az'"):
        _spider(base_url="report.az")
    with pytest.raises(ValueError, match="editions: got ''"):
        _spider(editions="")
    with pytest.raises(ValueError, match=r"until: .* expected a time at or after since"):
        _spider(since="2025-10-10", until="2025-10-01")
    with pytest.raises(ValueError, match="since: got None, expected a date with mode=archive"):
        _spider(mode="archive")
    with pytest.raises(ValueError, match="follow_translations: got '2', expected 0 or 1"):
        _spider(follow_translations="2")


def test_invalid_utf8_never_reaches_the_feed_garbled() -> None:
    """Bytes that are not UTF-8 decode with replacement characters; cleaning then refuses the
    article with a reason instead of exporting it garbled."""
    from newscrawl.pipelines import CleanPipeline

    html = (FIXTURES / "articles" / "en-current-seed.html").read_bytes()
    html = html.replace(b"Fiala.", b"Fiala \xff\xfe\xc3(.")
    url = f"{BASE}/en/other-countries/zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"
    response = HtmlResponse(
        url, body=html, headers={"Content-Type": "text/html; charset=utf-8"}, request=Request(url)
    )
    spider = _spider()
    (item,) = spider.parse_article(response, "en", None)
    assert isinstance(item, Article) and "\ufffd" in item.body
    assert reject_of(CleanPipeline(spider.crawler), item).reason == "mojibake:body"


def test_home_page_without_link_asks_an_article_page_for_it() -> None:
    spider = _spider()
    home = (
        '<div class="index-post-block"><a class="news__item" href="/en/energy/oil-up">x</a></div>'
        '<a href="/en/stream-latest">more</a>'
    )
    (request,) = spider.parse_home(_response(f"{BASE}/en/", home), "en")
    assert request.url == f"{BASE}/en/energy/oil-up"
    assert request.callback == spider.parse_discovery_article
    assert request.meta["edition"] == "en"
    article = '<a class="latest-news__all" href="/en/all-the-news">All News Feed</a>'
    response = _response(request.url, article)
    (feed,) = spider.parse_discovery_article(response, **request.cb_kwargs)
    assert feed.url == f"{BASE}/en/all-the-news"
    assert feed.meta["feed_source"] == "article_link"
    (heuristic,) = spider.parse_discovery_article(
        _response(request.url, "<p/>"), **request.cb_kwargs
    )
    assert heuristic.url == f"{BASE}/en/stream-latest"
    assert heuristic.meta["feed_source"] == "heuristic"


def test_rss_and_sitemap_give_the_editions_articles_without_cards() -> None:
    spider = _spider()
    rss = (
        "<rss><channel><link>https://report.az/en/</link>"
        "<item><link>https://report.az/en/energy/a</link></item>"
        "<item><link>https://report.az/ru/energetika/b</link></item>"
        "<item><link>https://evil.example/en/energy/c</link></item></channel></rss>"
    )
    response = XmlResponse(f"{BASE}/en/rss/", body=rss.encode(), request=Request(f"{BASE}/en/rss/"))
    (article,) = spider.parse_listing(response, "en", "rss", False)
    assert article.url == f"{BASE}/en/energy/a"
    assert article.cb_kwargs["card"] is None
    empty = XmlResponse(f"{BASE}/en/rss/", body=b"<rss/>", request=Request(f"{BASE}/en/rss/"))
    (sitemap,) = spider.parse_listing(empty, "en", "rss", False)
    assert sitemap.url == f"{BASE}/news-sitemap.xml"
