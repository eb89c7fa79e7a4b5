"""The live site's facts (``shared/site-facts.md``, "Evidence from the live site") on the
replica's pages, as rendered and as re-marked by a redesign (``tests/site/mutate.py``), and on
small invented pages: the trending-topics bar never gives tags, datelines are split wherever
they open a paragraph block, AMP's "Other News" and the Orphus widget never enter the body."""

from __future__ import annotations

import re

import lxml.html
import pytest

from newscrawl.extract.article import ExtractedArticle, extract_article
from newscrawl.site import SiteUrls
from tests.site import render
from tests.site.content import Site, build_site
from tests.site.editions import EDITIONS
from tests.site.model import Article
from tests.site.mutate import Mutator

BASE = "http://127.0.0.1:8765"
SITE = SiteUrls(BASE)
TRENDING = {label for edition in EDITIONS.values() for label in edition.texts.TRENDING}


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(seed=5, articles=60)


def _current(site: Site) -> list[Article]:
    arts = [a for ed in EDITIONS for a in site.index[ed].arts if a.pub <= site.now]
    return [a for a in arts if a.layout == "current" and a.origin is None]


def _extract(html: str, art: Article) -> ExtractedArticle:
    return extract_article(html, BASE + art.path, SITE)


def _without_tags(html: str) -> str:
    """The page with no tags of its own anywhere: no tags block, no keywords, no article:tag."""
    doc = lxml.html.document_fromstring(html)
    for node in doc.xpath(
        '//div[contains(@class, "tags") and not(contains(@class, "trending"))]'
        '|//script[@type="application/ld+json"]|//meta[@property="article:tag"]'
    ):
        node.drop_tree()
    text: str = lxml.html.tostring(doc, encoding="unicode")
    return text


def test_replica_current_pages_carry_the_trending_bar(site: Site) -> None:
    for art in _current(site)[:10]:
        html = render.article_page(site, art, site.now, BASE)
        bar = html.index("tags--trending")
        assert bar < html.index("<h1"), art
        for label in EDITIONS[art.ed].texts.TRENDING:
            assert f">{label}</a>" in html


def test_trending_bar_never_becomes_tags(site: Site) -> None:
    arts = _current(site)
    assert len(arts) > 20
    for art in arts:
        truth = site.article_truth(art, BASE, site.now)
        html = render.article_page(site, art, site.now, BASE)
        assert _extract(html, art).tags == truth["tags"], art
        # without tags of its own, the bar above the headline is still not taken
        assert _extract(_without_tags(html), art).tags == [], art


def test_trending_bar_never_becomes_tags_after_a_redesign(site: Site) -> None:
    mutator = Mutator(1.0, 5)
    checked = 0
    for art in _current(site):
        truth = site.article_truth(art, BASE, site.now)
        html = mutator.apply(site, art, site.now, render.article_page(site, art, site.now, BASE))
        for page in (html, _without_tags(html)):
            tags = set(_extract(page, art).tags)
            assert not (tags & TRENDING) - set(truth["tags"]), (art, mutator.mutations(art))
        checked += 1
    assert checked > 20


def test_amp_other_news_never_enters_the_body(site: Site) -> None:
    for art in [a for a in _current(site) if a.ed != "az"][:15]:
        html = render.amp_page(site, art, site.now, BASE)
        assert EDITIONS[art.ed].texts.OTHER_NEWS in html
        prefix = EDITIONS[art.ed].prefix
        found = extract_article(html, BASE + prefix + "/amp" + art.clean_path[len(prefix) :], SITE)
        assert found.body == site.article_truth(art, BASE, site.now)["body"]


def test_replica_datelines_open_each_block_of_an_old_live_update(site: Site) -> None:
    for ed in EDITIONS:
        art = site.special("live-oldest", ed)
        html = render.article_page(site, art, site.now, BASE)
        truth = site.article_truth(art, BASE, site.now)
        body = html[html.index("editor-body") :]
        assert body.count(truth["dateline"]) == 4  # each block: the first and 3 after HH:MM
        found = _extract(html, art)
        assert (found.dateline, found.body) == (truth["dateline"], truth["body"])


def test_replica_2019_pages_with_and_without_datelines(site: Site) -> None:
    arts = [a for ed in EDITIONS for a in site.index[ed].arts if a.layout == "2019"]
    truths = [site.article_truth(a, BASE, site.now) for a in arts]
    assert {t["dateline"] is None for t in truths} == {True, False}
    for art, truth in zip(arts, truths, strict=True):
        found = _extract(render.article_page(site, art, site.now, BASE), art)
        assert (found.dateline, found.body) == (truth["dateline"], truth["body"]), art


_BODIES = {
    "current": '<h1 class="section-title">{title}</h1><div class="news-detail__desc">{body}</div>',
    "2019": '<h1 class="article-title">{title}</h1><div class="article-text">{body}</div>',
    "oldest": '<h1 class="news-title">{title}</h1><div class="editor-body">{body}</div>',
    "generic": "<article><h1>{title}</h1><div>{body}</div></article>",
}
_DATELINES = (
    "Baku. 9 April. REPORT.AZ/",
    "Bakı. 27 iyun. REPORT.AZ/",
    "Баку. 3 июля. REPORT.AZ/",
    "Baku.9 April.REPORT.AZ/",
    "Baku – 9 April – REPORT.AZ/",
)


@pytest.mark.parametrize("layout", sorted(_BODIES))
@pytest.mark.parametrize("dateline", _DATELINES)
def test_dateline_split_on_every_layout(layout: str, dateline: str) -> None:
    first = "Two new plants have started operating in the industrial park near the city."
    rest = "The plants will produce polymer pipes and packaging film for the local market."
    body = f"<p>{dateline} {first}</p><p>11:30</p><p>{dateline}{rest}</p><p>{rest}</p>"
    main = _BODIES[layout].format(title="Industrial park adds two plants", body=body)
    html = (
        '<html><head><meta property="article:published_time" content="2018-04-09T17:01:00+04:00">'
        f"</head><body><main>{main}</main></body></html>"
    )
    found = extract_article(
        html, "https://report.az/en/business/park-adds-plants", SiteUrls("https://report.az")
    )
    assert found.dateline == dateline
    assert found.body.split("\n\n") == [first, "11:30", rest, rest]


def test_a_dateline_inside_a_paragraph_stays() -> None:
    text = "The agency wrote: Baku. 9 April. REPORT.AZ/ was its opening line in 2018."
    html = (
        '<html><head><meta property="article:published_time" content="2018-04-09T17:01:00+04:00">'
        '</head><body><h1 class="section-title">Old datelines</h1>'
        f'<div class="news-detail__desc"><p>{text}</p></div></body></html>'
    )
    found = extract_article(
        html, "https://report.az/en/business/old-datelines", SiteUrls("https://report.az")
    )
    assert (found.dateline, found.body) == (None, text)


def test_orphus_widget_never_enters_the_body() -> None:
    widgets = (
        '<div id="orphus"><a href="//orphus.ru"><img alt="Orphus sistemi" src="/o.gif"></a>'
        "Orphus sistemi</div>",
        '<p class="orphus-note">Orphus sistemi</p>',
        "<p>Orphus sistemi</p>",
    )
    for widget in widgets:
        html = (
            '<html><head><meta property="article:published_time" content="2018-04-09T17:01:00+04:00">'
            '</head><body><h1 class="article-title">Park adds plants</h1><div class="article-text">'
            f"<p>Two new plants have started operating.</p>{widget}</div></body></html>"
        )
        found = extract_article(
            html, "https://report.az/en/business/park", SiteUrls("https://report.az")
        )
        body = found.body if "<p>Orphus" not in widget else _cleaned(found.body)
        assert re.sub(r"\s+", " ", body) == "Two new plants have started operating.", widget


def _cleaned(body: str) -> str:
    from newscrawl.cleaning import is_boilerplate_paragraph

    return "\n\n".join(p for p in body.split("\n\n") if not is_boilerplate_paragraph(p, "en"))
