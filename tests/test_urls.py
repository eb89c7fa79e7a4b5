"""Canonical URLs: every variant of an article URL maps to one canonical form."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from newscrawl.urls import SiteUrls, article_id_from_short_link

SITE = SiteUrls("https://report.az")
CANONICAL = "https://report.az/en/other-countries/zelenskyy-and-macron"


@pytest.mark.parametrize(
    "variant",
    [
        "https://report.az/en/other-countries/zelenskyy-and-macron",
        "https://report.az/en/other-countries/zelenskyy-and-macron/",
        "https://report.az/en/amp/other-countries/zelenskyy-and-macron",
        "https://dev.report.az/en/other-countries/zelenskyy-and-macron",
        "https://www.report.az/en/other-countries/zelenskyy-and-macron/",
        "http://report.az/en/other-countries/zelenskyy-and-macron?utm_source=feed#top",
        "/en/other-countries/zelenskyy-and-macron/",
    ],
)
def test_variants_share_the_canonical_url(variant: str) -> None:
    assert SITE.canonical(variant) == CANONICAL


def test_old_az_prefix_is_dropped() -> None:
    assert (
        SITE.canonical("https://report.az/az/hadise/yangin/") == "https://report.az/hadise/yangin"
    )


def test_off_site_urls_have_no_canonical_form() -> None:
    assert SITE.canonical("https://evil.example/en/other-countries/x") is None
    assert SITE.canonical("https://report.az.evil.example/en/x/y") is None
    assert SITE.canonical("javascript:alert(1)") is None


@pytest.mark.parametrize(
    ("url", "edition", "category", "slug"),
    [
        ("https://report.az/hadise/yangin-2", "az", "hadise", "yangin-2"),
        ("https://report.az/en/energy/oil-prices/", "en", "energy", "oil-prices"),
        ("https://report.az/ru/amp/biznes/neft", "ru", "biznes", "neft"),
    ],
)
def test_article_paths(url: str, edition: str, category: str, slug: str) -> None:
    article = SITE.article_path(url)
    assert article is not None
    assert (article.edition.code, article.category_slug, article.slug) == (edition, category, slug)


@pytest.mark.parametrize(
    "url",
    [
        "https://report.az/",
        "https://report.az/en/",
        "https://report.az/son-xeberler",
        "https://report.az/en/tags/ukraine",
        "https://report.az/infinity/index",
        "https://report.az/archive/2025/10/23",
        "https://report.az/en/other-countries/",
        "https://report.az/en/other-countries/page/2",
    ],
)
def test_listing_urls_are_not_articles(url: str) -> None:
    assert SITE.article_path(url) is None


def test_replica_base_url_keeps_its_port() -> None:
    site = SiteUrls("http://127.0.0.1:8765")
    assert site.canonical("/ru/biznes/neft/") == "http://127.0.0.1:8765/ru/biznes/neft"
    assert not site.is_on_site("https://report.az/ru/biznes/neft")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("report.az/en/123456", 123456),
        ("https://report.az/xeber/1056732/", 1056732),
        ("", None),
        (None, None),
        ("report.az/en/", None),
    ],
)
def test_article_id_from_short_link(value: str | None, expected: int | None) -> None:
    assert article_id_from_short_link(value) == expected


def _canonical_by_urljoin(site: SiteUrls, url: str) -> str | None:
    """The canonical form computed the long way (urljoin + urlsplit), to check the fast paths."""
    from urllib.parse import urljoin, urlsplit

    parts = urlsplit(urljoin(site.base_url + "/", url.strip()))
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host != site.host and not any(host == a + site.host for a in ("www.", "dev.", "m.")):
        return None
    # the segment rules (/az/, /amp/) are the same code either way; the path is what differs
    return f"{site.base_url}/{'/'.join(SiteUrls._segments(parts.path))}"


@pytest.mark.parametrize("base", ["https://report.az", "http://127.0.0.1:8765"])
@pytest.mark.parametrize(
    "link",
    [
        "{base}/en/politics/some-slug",
        "{base}/en/politics/some-slug/?utm=1#top",
        "{base}/en/politics/some-slug#a?b",
        "{base}//en//politics//some-slug//",
        "{base}/az/siyaset/x",
        "{base}/en/amp/politics/x",
        "{base}/en/politics/../economy/x",
        "{base}/en/politics/./x",
        "  {base}/ru/politika/x  ",
        "{base}/en/poli\ttics/x",
        "/en/politics/some-slug",
        "/en/politics/some-slug?x=1#y",
        "/en/politics/../economy/x",
        "//report.az/en/politics/x",
        "//evil.example/en/politics/x",
        "en/politics/x",
        "?page=2",
        "#top",
        "/",
        "{base}/en/politics/x?",
        "{base}/en/politics/x#",
        "{base}\\en\\politics\\x",
        "HTTP://{base_upper}/en/politics/x",
    ],
)
def test_fast_paths_agree_with_urljoin(base: str, link: str) -> None:
    site = SiteUrls(base)
    url = link.format(base=base, base_upper=base.split("//")[1].upper())
    assert site.canonical(url) == _canonical_by_urljoin(site, url)
    assert site.absolute(url) == urljoin(base + "/", url.strip())
    for page in (f"{base}/en/politics/page", f"{base}/ru/", "http://other.example/x/y"):
        assert site.absolute(url, page) == urljoin(page, url.strip()), page
    assert site.is_on_site(url) == site._is_on_site_parsed(url)
