"""The generic fallbacks and the translation discovery, on markup no layout selector knows."""

from __future__ import annotations

import pytest

from newscrawl.extract.article import ExtractionError, extract_article
from newscrawl.extract.feed import FeedCard
from newscrawl.extract.generic import discover_translations
from newscrawl.extract.text import parse_html
from newscrawl.site import SiteUrls, to_iso

SITE = SiteUrls("https://report.az")
URL = "https://report.az/en/energy/socar-presents-new-offshore-platform"
TEXT = (
    "SOCAR has presented a new offshore platform built for the development of gas fields in "
    "the Caspian Sea, <a href='/en/'>Report</a> informs."
)
SECOND = "The platform will be installed at the field next year, the company said in a statement."
LATEST = "".join(
    f"<li><a href='/en/energy/other-news-{n}'><span>20:0{n}</span><span>Other news {n}</span></a></li>"
    for n in range(5)
)


def page(main: str, head: str = "") -> str:
    return (
        f"<html lang='en'><head><title>SOCAR presents new offshore platform - Report.az</title>"
        f"<link rel='canonical' href='{URL}'>{head}</head><body>"
        "<header><a href='/'>AZ</a><a href='/en/'>EN</a><a href='/ru/'>RU</a></header>"
        f"<main><div class='x1'>{main}</div><aside class='q9'><ul>{LATEST}</ul></aside></main>"
        "</body></html>"
    )


ARTICLE = (
    "<h1 class='t7'>SOCAR presents new offshore platform</h1>"
    "<div class='m2'><a href='/en/energy/'>Energy</a> <time datetime='2025-10-23T17:44:00+04:00'>"
    "17:44</time></div>"
    f"<div class='b3'>{TEXT}<br><br>{SECOND}<br><br>"
    "<div class='g5'><a href='/en/tags/socar'>SOCAR</a><a href='/en/tags/energy'>Energy</a></div>"
    "</div>"
)


def test_an_unknown_layout_becomes_a_generic_article() -> None:
    article = extract_article(page(ARTICLE), URL, SITE)
    assert article.layout == "generic"
    assert article.title == "SOCAR presents new offshore platform"
    assert article.body.split("\n\n") == [
        "SOCAR has presented a new offshore platform built for the development of gas fields "
        "in the Caspian Sea, Report informs.",
        SECOND,
    ]
    assert to_iso(article.published_at) == "2025-10-23T17:44:00+04:00"
    assert article.category == "Energy"
    assert article.tags == ["SOCAR", "Energy"]
    assert article.sources == {
        "title": "generic",
        "body": "generic",
        "published_at": "generic",
        "category": "generic",
        "tags": "generic",
    }
    assert "generic_fallback: title,body,published_at,category,tags" in article.warnings


def test_visible_date_in_another_site_format_and_the_card_as_last_resort() -> None:
    visible = ARTICLE.replace(
        "<time datetime='2025-10-23T17:44:00+04:00'>17:44</time>", "<span>23.10.2025 17:44</span>"
    )
    article = extract_article(page(visible), URL, SITE)
    assert (to_iso(article.published_at), article.published_at_raw) == (
        "2025-10-23T17:44:00+04:00",
        "23.10.2025 17:44",
    )
    undated = ARTICLE.replace("<time datetime='2025-10-23T17:44:00+04:00'>17:44</time>", "")
    with pytest.raises(ExtractionError) as raised:
        extract_article(page(undated), URL, SITE)
    assert raised.value.reason == "no_date"
    card = FeedCard(
        href=URL,
        timestamp_raw="2025-10-23 17:44:00",
        published_at=extract_article(page(ARTICLE), URL, SITE).published_at,
        title=None,
        category="Energy",
    )
    article = extract_article(page(undated), URL, SITE, card)
    assert to_iso(article.published_at) == "2025-10-23T17:44:00+04:00"
    assert article.sources["published_at"] == "card"
    assert "card_fallback: published_at" in article.warnings


def test_a_page_without_text_or_headline_is_refused_with_a_specific_reason() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_article(page("<h1>Only a headline</h1>"), URL, SITE)
    assert raised.value.reason == "no_body"
    with pytest.raises(ExtractionError) as raised:
        extract_article(f"<html><body><div>{TEXT}</div></body></html>", URL, SITE)
    assert raised.value.reason == "no_title"


AZ = "https://report.az/energetika/socar-yeni-platforma-teqdim-edib"
RU = "https://report.az/ru/energetika/socar-predstavila-novuyu-platformu"


def translations(html: str, block: tuple[str, ...] = ()) -> tuple[dict[str, str], dict[str, str]]:
    found = discover_translations(parse_html(html), block, SITE, "en", URL)
    return found.urls, found.sources


def test_translations_from_a_moved_block_without_hreflang() -> None:
    block = f"<div class='r4'><span>Read in:</span><a href='{AZ}/'>Azərbaycanca</a> <a href='/ru/amp/energetika/socar-predstavila-novuyu-platformu'>Русский</a></div>"
    urls, sources = translations(page(ARTICLE + block))
    assert urls == {"az": AZ, "ru": RU}
    assert sources == {"az": "generic", "ru": "generic"}


def test_hreflang_wins_then_the_known_block_then_other_links() -> None:
    head = f"<link rel='alternate' hreflang='az' href='{AZ}'>"
    other_az = "https://report.az/energetika/another-story"
    other_ru = "https://report.az/ru/energetika/another-story"
    block = (
        f"<div class='tr'><a href='{other_az}'>az</a><a href='{RU}'>ru</a></div>"
        f"<p>See <a href='{other_ru}'>this</a>.</p>"
    )
    urls, sources = translations(page(ARTICLE + block, head), (".tr a",))
    assert urls == {"az": AZ, "ru": RU}
    assert sources == {"az": "meta", "ru": "selector"}


def test_latest_news_links_and_the_own_edition_are_never_translations() -> None:
    listing = "".join(
        f"<li><a href='/ru/energetika/news-{n}'>Новость {n}</a></li>" for n in range(4)
    )
    html = page(ARTICLE + f"<ul class='z1'>{listing}</ul>", "")
    urls, _ = translations(html)
    assert urls == {}
    latest = page(ARTICLE + f"<div class='latest-news'><a href='{RU}'>ru</a></div>")
    assert translations(latest)[0] == {}


@pytest.mark.parametrize(
    ("canonical", "warning"),
    [
        (
            URL + "-2",
            f"canonical_mismatch: the canonical link names {URL}-2; kept the reached {URL}",
        ),
        ("https://report.az/en/", "canonical link 'https://report.az/en/' is not an article URL"),
    ],
)
def test_the_canonical_warning_of_a_generic_page_is_given_once(
    canonical: str, warning: str
) -> None:
    """Bug 8: the generic path resolved the page's URL twice and warned twice."""
    html = page(ARTICLE).replace(f"href='{URL}'", f"href='{canonical}'")
    article = extract_article(html, URL, SITE)
    assert article.layout == "generic"
    assert article.warnings.count(warning) == 1, article.warnings


@pytest.mark.parametrize(
    ("reached", "head", "warning"),
    [
        (  # reached with a trailing slash: the same article as the canonical link
            URL + "/",
            "",
            None,
        ),
        (
            URL,
            "<meta property='og:url' content='https://report.az/en/energy/another-story'>",
            "canonical_mismatch: the og:url names https://report.az/en/energy/another-story",
        ),
        (
            "https://dev.report.az/en/amp/energy/socar-presents-new-offshore-platform",
            "",
            None,
        ),
    ],
)
def test_the_url_is_the_one_reached_and_what_the_page_says_is_cross_checked(
    reached: str, head: str, warning: str | None
) -> None:
    article = extract_article(page(ARTICLE, head), reached, SITE)
    assert article.url == URL
    mismatches = [w for w in article.warnings if w.startswith("canonical_mismatch")]
    assert [w for w in mismatches if warning and w.startswith(warning)] == mismatches
    assert bool(mismatches) is (warning is not None)


def test_a_canonical_link_to_another_port_is_not_an_article_url() -> None:
    site = SiteUrls("http://127.0.0.1:8765")
    reached = "http://127.0.0.1:8765/en/energy/socar-presents-new-offshore-platform"
    other = "http://127.0.0.1:9999/en/energy/another-story"
    html = page(ARTICLE).replace(f"href='{URL}'", f"href='{other}'")
    article = extract_article(html, reached, site)
    assert article.url == reached
    assert f"canonical link {other!r} is not an article URL" in article.warnings
