"""Hostile input: every page becomes an article or a reject with a clear reason, never a crash,
and no input makes extraction take more than linear time."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from newscrawl.extract.article import ExtractedArticle, ExtractionError, extract_article
from newscrawl.extract.feed import parse_feed
from newscrawl.extract.text import MAX_JSONLD_DEPTH, json_depth
from newscrawl.site import EDITIONS, SiteUrls

SITE = SiteUrls("https://report.az")
URL = "https://report.az/en/energy/oil-prices-rise"
HEAD = '<meta property="article:published_time" content="2025-10-23T20:02:00+04:00">'


def page(body: str, head: str = HEAD, date: str = "<li>23 October, 2025</li><li>20:02</li>") -> str:
    return (
        f"<html lang='en'><head>{head}</head><body><h1 class='section-title'>Oil prices rise</h1>"
        f"<div class='news-detail__head'><ul class='news__date'>{date}</ul></div>"
        f"<div class='news-detail__desc'>{body}</div></body></html>"
    )


def outcome(html: str) -> ExtractedArticle | str:
    try:
        return extract_article(html, URL, SITE)
    except ExtractionError as exc:
        assert exc.reason and exc.detail, "a reject needs a reason and a detail"
        return exc.reason


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><div class='news-detail__desc'><p>unclosed <b>bold <i>italic",
        "<h1 class='section-title'><p>Title in a paragraph</h1></p><div class='news-detail__desc'>",
        "\x00\x01\x02 binary \xff\xfe garbage <<<>>> </div></div></div>",
        "<html>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</html>",
        page("<p>" + "<span>" * 3000 + "nested words in spans" + "</span>" * 3000 + "</p>"),
        page("<p>text</p><script>" + "x" * 1_000_000 + "</script>"),
        "<!DOCTYPE html><html><head><title>only a title</title></head></html>",
        "<?xml version='1.0'?><rss><channel><item>not html</item></channel></rss>",
    ],
    ids=[
        "unclosed",
        "misnested",
        "binary",
        "deep-divs",
        "deep-spans",
        "huge-script",
        "title-only",
        "xml",
    ],
)
def test_malformed_html_is_an_article_or_a_clear_reject(html: str) -> None:
    result = outcome(html)
    if isinstance(result, ExtractedArticle):
        assert result.title and result.body
    else:
        assert result in {
            "unknown_layout",
            "no_title",
            "no_body",
            "no_date",
            "not_html",
            "empty_page",
        }


def test_deep_nesting_keeps_the_text() -> None:
    result = outcome(
        page("<p>" + "<span>" * 200 + "nested words in spans" + "</span>" * 200 + "</p>")
    )
    assert isinstance(result, ExtractedArticle)
    assert result.body == "nested words in spans"


def test_nesting_past_the_parser_limit_is_a_reject_not_a_crash() -> None:
    # libxml2 stops building the tree some hundreds of levels down: the text is not there.
    html = page("<p>" + "<span>" * 3000 + "nested words in spans" + "</span>" * 3000 + "</p>")
    assert outcome(html) == "no_body"


def test_megabyte_text_node_is_kept_whole() -> None:
    words = "Azerbaijan exports grew. " * 40_000  # about a megabyte in one text node
    result = outcome(page(f"<p>{words}</p>"))
    assert isinstance(result, ExtractedArticle)
    assert len(result.body) == len(words.strip())


def test_huge_json_ld_is_a_reject_over_limit() -> None:
    blob = json.dumps({"@type": "NewsArticle", "articleBody": "x" * 3_000_000})
    head = HEAD + f'<script type="application/ld+json">{blob}</script>'
    result = outcome(page("<p>Oil prices rose on Thursday, Report informs.</p>", head=head))
    assert result == "over_limit:jsonld"


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_ld_nested_100000_deep_is_a_reject_not_a_recursion_error(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    blob = opener * 100_000 + "1" + closer * 100_000
    head = HEAD + f'<script type="application/ld+json">{blob}</script>'
    started = time.perf_counter()
    result = outcome(page("<p>Oil prices rose on Thursday, Report informs.</p>", head=head))
    assert result == "over_limit:jsonld"
    assert time.perf_counter() - started < 2


def test_json_ld_depth_counts_brackets_outside_strings_only() -> None:

    assert json_depth('{"a": "[[[[\\"{{", "b": [1, {"c": [2]}]}') == 4
    ordinary = '{"@graph": [{"@type": "NewsArticle", "image": [{"url": "x"}]}]}'
    assert json_depth(ordinary) == 5 < MAX_JSONLD_DEPTH


def test_invalid_json_ld_is_reported_not_fatal() -> None:
    head = HEAD + '<script type="application/ld+json">{"@type": "NewsArticle", broken</script>'
    result = outcome(page("<p>Oil prices rose on Thursday, Report informs.</p>", head=head))
    assert isinstance(result, ExtractedArticle)
    assert any(w.startswith("invalid json-ld") for w in result.warnings)


@pytest.mark.parametrize(
    "date",
    ["<li>31 fevral, 2025</li><li>10:00</li>", "<li>23 October, 2025</li><li>99:99</li>"],
)
def test_impossible_header_date_falls_back_and_is_flagged(date: str) -> None:
    result = outcome(page("<p>Oil prices rose on Thursday, Report informs.</p>", date=date))
    assert isinstance(result, ExtractedArticle)
    assert result.published_at.isoformat() == "2025-10-23T20:02:00+04:00"
    assert any(w.startswith("header date unreadable: impossible") for w in result.warnings)


def test_impossible_date_without_fallback_is_rejected() -> None:
    html = page("<p>Oil prices rose.</p>", head="", date="<li>31 fevral, 2025</li><li>99:99</li>")
    assert outcome(html) == "no_date"


def test_feed_with_hostile_cards_keeps_the_good_ones() -> None:
    cards = (
        '<div class="index-post-block" data-timestamp="2025-13-45 99:99:00">'
        '<a class="news__item" href="/en/energy/a"><h2 class="news__title">A</h2></a></div>'
        '<div class="index-post-block" data-timestamp="yesterday">'
        '<a class="news__item" href="/en/energy/b"><h2 class="news__title">B</h2></a></div>'
        '<div class="index-post-block" data-timestamp="2025-10-23 20:00:00"></div>'
        '<div class="index-post-block" data-timestamp="2025-10-23 19:00:00">'
        '<a class="news__item" href="/en/energy/c"><h2 class="news__title">C</h2></a></div>'
    )
    feed = parse_feed(cards, EDITIONS["en"])
    assert [c.href for c in feed.cards] == ["/en/energy/a", "/en/energy/b", "/en/energy/c"]
    assert [c.published_at is None for c in feed.cards] == [True, True, False]
    assert all(c.warnings for c in feed.cards[:2])
    assert feed.warnings == ["card without link skipped"]


def _cpu_seconds(function: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    "make",
    [
        lambda n: page("<p>Oil prices rose, Report informs.</p>" * n),
        lambda n: page("<p>" + "word <b>bold</b> " * (20 * n) + "</p>"),
        lambda n: page(
            "<p>" + "<span>" * min(n, 2000) + "x " * (50 * n) + "</span>" * min(n, 2000) + "</p>"
        ),
        lambda n: page("<p>" + "“Report”" * (30 * n) + "</p>"),
    ],
    ids=["paragraphs", "inline-markup", "nesting", "quotes"],
)
def test_extraction_time_grows_linearly(make: Callable[[int], str]) -> None:
    """Four times the input may cost about four times the CPU, not sixteen (no backtracking,
    no quadratic joins). A ratio, not a time limit: it holds on slow and fast machines."""
    small, large = make(500), make(2000)
    extract_article(small, URL, SITE)  # warm-up
    ratio = _cpu_seconds(lambda: extract_article(large, URL, SITE)) / max(
        _cpu_seconds(lambda: extract_article(small, URL, SITE)), 1e-4
    )
    assert ratio < 9, f"4x the input took {ratio:.1f}x the CPU"
