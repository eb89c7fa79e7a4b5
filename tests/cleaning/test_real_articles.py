"""The 1,000 real az articles of ``../shared/real/report-az-2025q1.csv`` (read from there, never
copied here) through the cleaning, the date parser, the URL rules and the extractor.

What the crawler may change in real text is its documented normalisation only: white space
(no-break spaces, double spaces) collapsed, invisible characters (zero-width spaces) deleted, and
a photo credit glued to the end of a paragraph removed. The figures are printed (``pytest -s``)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest

from newscrawl.cleaning import (
    clean_title,
    has_unrepairable_mojibake,
    is_boilerplate_paragraph,
    normalize_line,
    normalize_text,
    repair_mojibake,
    split_datelines,
    strip_trailing_credit,
)
from newscrawl.extract.article import extract_article
from newscrawl.site import BAKU, SiteUrls, parse_iso, parse_site_date
from tests.site import render
from tests.site.content import build_site
from tests.site.realtext import DEFAULT_PATH, RealArticle, load
from tests.site.translit import slugify

pytestmark = pytest.mark.skipif(
    not DEFAULT_PATH.is_file(),
    reason=f"the real articles are not at {DEFAULT_PATH} (set REAL_TEXT_CSV to their file)",
)


@pytest.fixture(scope="module")
def real() -> list[RealArticle]:
    articles = load(DEFAULT_PATH)
    assert len(articles) == 1000
    return articles


#: Invisible characters the cleaning deletes (zero-width space and joiners, soft hyphen, BOM).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _words(text: str) -> str:
    return " ".join(text.split())


def test_cleaning_changes_real_paragraphs_only_as_documented(real: list[RealArticle]) -> None:
    changes: Counter[str] = Counter()
    paragraphs = [p for article in real for p in article.paragraphs]
    for paragraph in paragraphs:
        assert repair_mojibake(paragraph) == paragraph
        assert not has_unrepairable_mojibake(paragraph)
        normal = normalize_text(paragraph)
        # one paragraph stays one, its words untouched but for invisible characters
        assert normal == _words(paragraph.translate(_INVISIBLE))
        if paragraph.translate(_INVISIBLE) != paragraph:
            changes["invisible characters deleted"] += 1
        elif normal != paragraph:
            changes["white space collapsed"] += 1
        assert not is_boilerplate_paragraph(normal, "az"), normal
        kept = strip_trailing_credit(normal, "az")
        if kept != normal:
            assert re.fullmatch(r"\s*foto\s*:.{1,60}", normal[len(kept) :], re.IGNORECASE)
            changes["glued photo credit removed"] += 1
    print(f"\nreal paragraphs: {len(paragraphs)}, changed by the cleaning: {dict(changes)}")
    assert changes["glued photo credit removed"] <= 2
    assert changes["white space collapsed"] + changes["invisible characters deleted"] < 300


def test_no_dateline_in_2025_bodies(real: list[RealArticle]) -> None:
    for article in real:
        dateline, paragraphs = split_datelines(list(article.paragraphs))
        assert dateline is None and paragraphs == list(article.paragraphs), article.link


def test_title_cleaning_keeps_real_titles(real: list[RealArticle]) -> None:
    spaced = 0
    for article in real:
        assert clean_title(normalize_line(article.title)) == _words(article.title)
        spaced += _words(article.title) != article.title
    print(f"\nreal titles: {len(real)}, white space normalised in {spaced}")


def test_card_times_parse(real: list[RealArticle]) -> None:
    rows = 0
    for article in real:
        shown = datetime.fromtimestamp(article.when, BAKU).strftime("%Y-%m-%d %H:%M:%S")
        for text in (shown, f"{shown}.000"):
            moment = parse_iso(text)
            assert moment == parse_site_date(text) == datetime.fromtimestamp(article.when, BAKU)
        rows += 1
    first, last = real[0].when, real[-1].when
    assert datetime.fromtimestamp(first, BAKU).date().isoformat() == "2025-01-01"
    assert datetime.fromtimestamp(last, BAKU).date().isoformat() == "2025-03-28"
    assert rows == 1000


def test_slugs_are_what_the_url_rules_keep(real: list[RealArticle]) -> None:
    site = SiteUrls("https://report.az")
    for article in real:
        path = site.article_path(article.link)
        assert path is not None, article.link
        assert (path.url, path.edition.code) == (article.link, "az")
        assert (path.category_slug, path.slug) == (article.category, article.slug)
        assert site.canonical(article.link + "/") == article.link


def test_slugs_are_mostly_the_transliterated_headline(real: list[RealArticle]) -> None:
    """Site fact: a slug is the headline at first publication, transliterated. Edited
    headlines, numeric suffixes of taken slugs and a longer cut make the rest."""
    exact = sum(slugify(a.title) == a.slug for a in real)
    uncut = sum(slugify(a.title, 1000) == a.slug for a in real)
    close = 0
    for article in real:
        slug, made = re.sub(r"\d+$", "", article.slug), slugify(article.title, 1000)
        close += made.startswith(slug) or slug.startswith(made) or re.sub(r"\d+$", "", made) == slug
    print(
        f"\nslugs = transliterated headline: {exact}/1000 with the replica's 90-character cut,"
        f" {uncut}/1000 uncut, {close}/1000 allowing a cut or a numeric suffix"
    )
    assert exact >= 600
    assert close >= 700


def test_real_pages_extract_word_for_word(real: list[RealArticle]) -> None:
    """Each real article rendered as the replica's current page (``--real-text``) and read by
    the extractor: the exact headline, slug, card time and paragraphs (white space aside)."""
    site = build_site(articles=1000, real_text=DEFAULT_PATH)
    base = "http://127.0.0.1:8765"
    urls = SiteUrls(base)
    by_slug = {art.slug: art for art in site.index["az"].arts}
    for article in real:
        art = by_slug[article.slug]
        found = extract_article(
            render.article_page(site, art, site.now, base), base + art.path, urls
        )
        assert _words(found.title) == _words(article.title), article.link
        assert found.slug == article.slug
        assert found.published_at.timestamp() == article.when
        assert found.body.split("\n\n") == [_words(p) for p in article.paragraphs], article.link
        assert found.tags == site.article_truth(art, base, site.now)["tags"]
