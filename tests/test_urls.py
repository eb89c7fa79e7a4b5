"""Canonical URLs: every variant of an article URL maps to one canonical form."""

from __future__ import annotations

import pytest

from newscrawl.site import SiteUrls, article_id_from_short_link

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
    ("base", "url", "on_site"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/en/x/y", True),
        ("http://127.0.0.1:8765", "/en/x/y", True),
        ("http://127.0.0.1:8765", "http://127.0.0.1:9999/en/x/y", False),  # another port
        ("http://127.0.0.1:8765", "http://127.0.0.1/en/x/y", False),  # the default port
        ("http://127.0.0.1:8765", "https://127.0.0.1:8765/en/x/y", False),  # another scheme
        ("http://127.0.0.1:8765", "http://127.0.0.1:99999/en/x/y", False),  # no such port
        ("https://report.az", "https://report.az:443/en/x/y", True),
        ("https://report.az", "http://report.az/en/x/y", True),  # default ports: moved
        ("https://report.az", "https://dev.report.az/en/x/y", True),
        ("https://report.az", "https://report.az:8443/en/x/y", False),
        ("https://report.az", "http://report.az:8080/en/x/y", False),
        ("http://report.az", "https://report.az/en/x/y", True),
    ],
)
def test_the_site_is_an_origin(base: str, url: str, on_site: bool) -> None:
    """Scheme, host (and its aliases) and port: another port of the host is another site."""
    site = SiteUrls(base)
    assert site.is_on_site(url) is on_site
    assert (site.canonical(url) is not None) is on_site


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("report.az/en/123456", 123456),
        ("https://report.az/xeber/1056732/", 1056732),
        ("", None),
        (None, None),
        ("report.az/en/", None),
        ("report.az/2844552", 2844552),  # the live site's: seven digits, no edition segment
        ("https://report.az/2844552", 2844552),
        ("//report.az/2844552/", 2844552),
    ],
)
def test_article_id_from_short_link(value: str | None, expected: int | None) -> None:
    assert article_id_from_short_link(value) == expected


def test_a_short_link_is_not_an_article_url() -> None:
    site = SiteUrls("https://report.az")
    for link in ("report.az/2844552", "https://report.az/2844552", "https://report.az/en/2844552"):
        assert site.article_path(site.absolute("//" + link.split("//")[-1])) is None, link
