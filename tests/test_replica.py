"""Tests of the local replica itself (tests/site): pages, feeds, clock, ground truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from tests.site import render
from tests.site.content import build_site
from tests.site.editions import EDITIONS, ORDER
from tests.site.harness import ReplicaServer

ARTICLES = 80
SEED = 3
SEED_URL_PATH = (
    "/en/other-countries/zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"
)
SEED_PARAGRAPHS = [
    "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation, air defense, and "
    "further support for Kyiv from allies with his French counterpart Emmanuel Macron, Report "
    "informs.",
    "Zelenskyy wrote on Telegram that the main topic of the negotiations was increasing pressure "
    "on Russia and finalizing the development of international security guarantees for Ukraine.",
    '"Now is the moment when there is a chance to end the war and stop Russia. To do this, it is '
    "necessary to continue increasing pressure on the Russian Federation, increase support for "
    'Ukraine, and complete work on security guarantees," the Ukrainian leader noted.',
    "He also added that he held a meeting with Czech Prime Minister Petr Fiala.",
    "Zelenskyy said that he informed the Czech Prime Minister about the consequences of Russian "
    'strikes on Ukrainian energy facilities: "The Czech Republic is already helping us with '
    "recovery, and we discussed how else to support Ukraine's energy resilience and our people.\"",
    "The parties also discussed the implementation of joint defense projects and initiatives to "
    "strengthen the protection of Ukrainian skies.",
    '"There is a common position: sanctions and frozen Russian assets should be directed to '
    'support Ukraine, for our protection and defense," Zelenskyy emphasized.',
    "Zelenskyy arrived in Brussels on Thursday to participate in the European Council meeting.",
]
FALLBACK_FEEDS = {"az": "/son-xeberler", "en": "/en/latest-news", "ru": "/ru/lenta-novostey"}


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=ARTICLES, seed=SEED) as server:
        yield server


def text_of(node: Any) -> str:
    return " ".join(node.text_content().split())


def html_of(replica: ReplicaServer, path: str) -> Any:
    status, body = replica.get(path)
    assert status == 200, path
    return lxml.html.fromstring(body.decode("utf-8"))


def clean(url_or_path: str) -> str:
    """Canonical path of a link: no query, no trailing slash, no /az/ prefix."""
    path = urlsplit(url_or_path).path.rstrip("/")
    return path[3:] if path.startswith("/az/") else path


def cards(doc: Any) -> list[tuple[str, str]]:
    return [
        (block.get("data-timestamp"), block.xpath(".//a[contains(@class,'news__item')]/@href")[0])
        for block in doc.xpath("//div[contains(concat(' ', @class, ' '), ' index-post-block ')]")
    ]


def page_fields(doc: Any, layout: str) -> dict[str, Any]:
    """Read an article page the plain way (independent of the crawler's extractors)."""
    if layout == "current":
        body = doc.xpath("//div[contains(@class,'news-detail__desc')]")[0]
        title = text_of(doc.xpath("//h1[contains(@class,'section-title')]")[0])
        date = " ".join(text_of(li) for li in doc.xpath("//div[@class='news-detail__head']//li"))
        category = text_of(doc.xpath("//div[@class='news-detail__head']/a")[0])
        tags = [text_of(a) for a in doc.xpath("//div[@class='tags']/a")]
        img = doc.xpath("//div[@class='news-detail__main-photo']/img")
    elif layout == "2019":
        body = doc.xpath("//div[@class='article-text']")[0]
        title = text_of(doc.xpath("//h1[@class='article-title']")[0])
        date = text_of(doc.xpath("//div[@class='article-date']")[0])
        category = text_of(doc.xpath("//a[@class='article-category']")[0])
        tags = [text_of(a) for a in doc.xpath("//div[@class='article-tags']/a")]
        img = doc.xpath("//div[@class='article-image']/img")
    else:
        body = doc.xpath("//div[@class='editor-body']")[0]
        title = text_of(doc.xpath("//h1[@class='news-title']")[0])
        date = text_of(doc.xpath("//div[@class='news-date']")[0])
        category = None
        tags = None
        img = doc.xpath("//div[@class='news-cover']//img")
    paragraphs = [text_of(p) for p in body.xpath("./p[not(contains(@class,'share'))]")]
    copy = doc.xpath("//div[@class='copy-url']/@data-url")
    image = None
    if img:
        image = img[0].get("data-src") or img[0].get("src")
    return {
        "title": title,
        "date": date,
        "category": category,
        "tags": tags,
        "paragraphs": paragraphs,
        "article_id": int(re.findall(r"\d+$", copy[0])[0]) if copy else None,
        "canonical": doc.xpath("//link[@rel='canonical']/@href")[0],
        "alternates": {
            link.get("hreflang"): link.get("href")
            for link in doc.xpath("//link[@rel='alternate'][@hreflang]")
        },
        "image": image,
    }


def test_home_pages_link_to_their_feed(replica: ReplicaServer) -> None:
    for code in ORDER:
        edition = EDITIONS[code]
        doc = html_of(replica, edition.home_path)
        links = [
            a.get("href") for a in doc.xpath("//a") if text_of(a) == edition.texts.FEED_LINK_TEXT
        ]
        assert links == [edition.feed_path]
        if code != "az":
            assert edition.feed_path != FALLBACK_FEEDS[code]
            assert replica.get(FALLBACK_FEEDS[code])[0] == 404


def test_feed_and_scroll_walk_the_whole_edition(replica: ReplicaServer) -> None:
    for code in ORDER:
        doc = html_of(replica, EDITIONS[code].feed_path)
        batch = cards(doc)
        assert len(batch) >= render.FEED_SIZE
        endpoint = doc.xpath("//div[@class='loadContainer']/@data-url")[0]
        assert endpoint == EDITIONS[code].infinity_path
        seen = [href for _, href in batch]
        requests = 0
        while True:
            cursor_ts, cursor_href = batch[-1]
            status, body = replica.get(f"{endpoint}?date={cursor_ts.replace(' ', '%20')}&oldest=1")
            assert status == 200
            requests += 1
            assert requests < 50
            if not body.strip():
                break
            batch = cards(lxml.html.fromstring(body.decode("utf-8")))
            assert batch, "a non-empty answer holds cards"
            assert cursor_href in [href for _, href in batch], "the cursor is inclusive"
            assert all(ts <= cursor_ts for ts, _ in batch)
            seen += [href for _, href in batch]
        truth = {clean(item["url"]) for item in replica.truth(code)}
        assert {clean(href) for href in seen} == truth


def test_truth_matches_visible_pages(replica: ReplicaServer) -> None:
    items = replica.truth()
    assert len({item["url"] for item in items}) == len(items)
    layouts = {item["layout"] for item in items}
    assert layouts == {"current", "2019", "oldest"}
    for item in items:
        path = clean(item["url"])
        doc = html_of(replica, path)
        page = page_fields(doc, item["layout"])
        assert page["title"] == item["title"], path
        paragraphs = page["paragraphs"]
        if item["dateline"]:  # opens the body, and each block of a live-update page
            opens = [0] + [
                i + 1 for i, p in enumerate(paragraphs[:-1]) if re.fullmatch(r"\d\d:\d\d", p)
            ]
            for i in opens:
                assert paragraphs[i].startswith(item["dateline"]), path
                paragraphs[i] = paragraphs[i][len(item["dateline"]) :].strip()
        assert "\n\n".join(paragraphs) == item["body"], path
        assert page["date"] == item["published_at_raw"], path
        if page["category"] is not None:
            assert page["category"] == item["category"]
        if page["tags"] is not None:
            assert page["tags"] == item["tags"]
        assert page["article_id"] == item["article_id"]
        assert clean(page["canonical"]) == path
        alternates = {
            lang: replica.base_url + clean(href)
            for lang, href in page["alternates"].items()
            if lang != item["language"]
        }
        assert alternates == item["translations"]
        assert page["image"] == (item["images"][0]["url"] if item["images"] else None)


def test_url_variants_serve_the_same_article(replica: ReplicaServer) -> None:
    item = next(i for i in replica.truth("az") if i["layout"] == "current")
    path = clean(item["url"])
    canonical = html_of(replica, path).xpath("//link[@rel='canonical']/@href")[0]
    for variant in (path + "/", "/az" + path, path + "?utm_source=feed&x=1"):
        doc = html_of(replica, variant)
        assert doc.xpath("//link[@rel='canonical']/@href")[0] == canonical
    en = replica.truth("en")[0]
    amp = clean(en["url"]).replace("/en/", "/en/amp/", 1)
    doc = html_of(replica, amp)
    assert clean(doc.xpath("//link[@rel='canonical']/@href")[0]) == clean(en["url"])
    assert replica.get("/no-such-category/slug")[0] == 404
    assert replica.get(path + "-missing")[0] == 404
    status, robots = replica.get("/robots.txt")
    assert status == 200 and b"Disallow: /search" in robots and b"Disallow: /__" in robots
    status, rss = replica.get("/ru/rss/")
    assert status == 200
    dates = re.findall(rb"<pubDate>(.*?)</pubDate>", rss)
    assert dates and parsedate_to_datetime(dates[0].decode()).utcoffset() is not None


def test_seed_article_is_reproduced_exactly(replica: ReplicaServer) -> None:
    item = next(i for i in replica.truth("en") if clean(i["url"]) == SEED_URL_PATH)
    assert item["title"] == (
        "Zelenskyy and Macron discuss defense cooperation and support for Ukraine"
    )
    assert item["category"] == "Other countries"
    assert item["body"].split("\n\n") == SEED_PARAGRAPHS
    assert item["tags"] == ["Volodymyr Zelenskyy", "Emmanuel Macron", "Ukraine"]
    assert item["published_at"] == "2025-10-23T20:02:00+04:00"
    assert item["published_at_raw"] == "23 October, 2025 20:02"
    assert item["lead"] is None
    doc = html_of(replica, SEED_URL_PATH)
    translations = {
        a.get("hreflang"): text_of(a)
        for a in doc.xpath("//div[@class='news-detail__translations']/a")
    }
    assert translations == {
        "az": "Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib",
        "ru": "Зеленский и Макрон обсудили оборонное сотрудничество и поддержку Украины",
    }
    for lang in ("az", "ru"):
        assert replica.get(clean(item["translations"][lang]))[0] == 200


def test_special_pages(replica: ReplicaServer) -> None:
    site = build_site(seed=SEED, articles=ARTICLES)
    for code in ORDER:
        live = html_of(replica, site.special("live", code).clean_path)
        marks = [text_of(p) for p in live.xpath("//div[contains(@class,'news-detail__desc')]/p")]
        times = [m for m in marks if re.fullmatch(r"\d\d:\d\d", m)]
        assert len(times) == 3 and times == sorted(times, reverse=True)
        two = html_of(replica, site.special("two-headlines", code).clean_path)
        h1 = text_of(two.xpath("//h1[@class='section-title']")[0])
        h2 = text_of(two.xpath("//h2[@class='news-detail__title']")[0])
        assert h1 != h2
        tweet = html_of(replica, site.special("tweet", code).clean_path)
        assert tweet.xpath(
            "//div[contains(@class,'news-detail__desc')]/blockquote[@class='twitter-tweet']"
        )
        old = html_of(replica, site.special("oldest", code).clean_path)
        first = text_of(old.xpath("//div[@class='editor-body']/p")[0])
        assert re.match(r"^(Baku|Bakı|Баку)\. \d+ \w+\. REPORT\.AZ/", first)
    glue = {
        code: text_of(
            html_of(replica, site.special("glue", code).clean_path).xpath(
                "//div[contains(@class,'news-detail__desc')]/p"
            )[0]
        )
        for code in ORDER
    }
    assert "Baku-Tbilisi-Kars railway" in glue["en"] and glue["en"].endswith("Report informs.")
    assert glue["az"].startswith("“Report” xəbər verir ki,")
    assert glue["ru"].startswith("Как сообщает Report,")


def test_content_is_deterministic() -> None:
    base = "http://127.0.0.1:1"
    one = build_site(seed=5, articles=40)
    two = build_site(seed=5, articles=40)
    other = build_site(seed=6, articles=40)
    assert one.truth(base) == two.truth(base)
    assert one.truth(base) != other.truth(base)
    for art_one, art_two in zip(one.articles, two.articles, strict=True):
        page_one = render.article_page(one, art_one, one.now, base)
        assert page_one == render.article_page(two, art_two, two.now, base)
    assert render.feed_page(one, "ru", one.now) == render.feed_page(two, "ru", two.now)


def test_clock_advance_reveals_new_articles_edits_and_republication() -> None:
    with ReplicaServer(articles=60, seed=SEED) as server:
        before = {item["url"]: item for item in server.truth()}
        server.advance(120)
        after = {item["url"]: item for item in server.truth()}
        new = set(after) - set(before)
        assert set(before) <= set(after)
        for code in ORDER:
            assert any(url.startswith(server.base_url + EDITIONS[code].prefix + "/") for url in new)
        republished = [item for item in after.values() if item["republished_from"]]
        assert len(republished) == 3
        for item in republished:
            origin = after[item["republished_from"]]
            assert (item["title"], item["body"]) == (origin["title"], origin["body"])
            assert item["article_id"] != origin["article_id"]
        edited = [
            url
            for url in before
            if (before[url]["title"], before[url]["body"])
            != (after[url]["title"], after[url]["body"])
        ]
        assert len(edited) >= 3
        assert all(after[url]["modified_at"] for url in edited)
        assert all(before[url]["modified_at"] is None for url in edited)
        server.set_clock("2025-10-23T21:00:00+04:00")
        assert {item["url"] for item in server.truth()} == set(before)


def test_wording_modules_are_aligned_and_complete() -> None:
    from random import Random

    from tests.site import texts_az
    from tests.site.compose import draw_picks, values

    picks = [draw_picks(Random(i)) for i in range(30)]
    for code in ORDER:
        texts = EDITIONS[code].texts
        assert set(texts.TOPIC_CATEGORY.values()) == set(texts.CATEGORIES)
        for topic, headlines in texts.HEADLINES.items():
            assert len(headlines) == len(texts_az.HEADLINES[topic]), (code, topic)
            for pick in picks:
                for headline, lead in headlines:
                    headline.format_map(values(pick, code, marked=False))
                    lead.format_map(values(pick, code, marked=True))
        for group, sentences in texts.SENTENCES.items():
            assert len(sentences) == len(texts_az.SENTENCES[group]), (code, group)
            for pick in picks:
                for sentence in sentences:
                    sentence.format_map(values(pick, code, marked=True))
        assert len(texts.QUOTES) == len(texts_az.QUOTES)
        assert len(texts.UPDATES) == len(texts_az.UPDATES)
