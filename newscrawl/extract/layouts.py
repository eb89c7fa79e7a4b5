"""The article page layouts the site has had, as versions of one parser: a table of selectors.

A page's layout is chosen by what it contains (``detect``), never by its date. Selectors are
scoped to the article: every page also carries a latest-news list whose cards have their own
category, date and title elements.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """Where one layout keeps each field (CSS selectors, tried in order)."""

    name: str
    detect: str
    body: str
    title: tuple[str, ...]
    other_titles: tuple[str, ...]
    date: tuple[str, ...]
    category: tuple[str, ...]
    photo: tuple[str, ...]
    caption: tuple[str, ...]
    tags: tuple[str, ...]
    translations: tuple[str, ...]
    has_dateline: bool = False


CURRENT = Layout(
    name="current",
    detect=".news-detail__desc",
    body=".news-detail__desc",
    title=("h1.section-title", ".news-detail__head h1"),
    other_titles=(".news-detail__title",),
    date=(".news-detail__head ul.news__date li",),
    category=(".news-detail__head .news__category",),
    photo=(".news-detail__main-photo img",),
    caption=(
        ".news-detail__main-photo .photo-caption",
        ".news-detail__main-photo figcaption",
        ".news-detail__main-photo .caption",
    ),
    tags=(
        ".news-detail__desc .tags a",
        ".news-detail__desc ~ .tags a",
        ".news-detail .tags a",
        ".news-detail__tags a",
    ),
    translations=(".news-detail__translations a",),
)

Y2019 = Layout(
    name="2019",
    detect=".article-text",
    body=".article-text",
    title=("h1.article-title",),
    other_titles=(),
    date=(".article-date",),
    category=(".article-category", ".article-page .category-name"),
    photo=(".article-image img",),
    caption=(".article-image .image-caption", ".article-image figcaption"),
    tags=(".article-tags a", ".article-text ~ .tags a"),
    translations=(".article-translations a",),
)

OLDEST = Layout(
    name="oldest",
    detect=".editor-body",
    body=".editor-body",
    title=("h1.news-title",),
    other_titles=(),
    date=(".news-date",),
    category=(".news-category",),
    photo=(".news-cover .image img", ".news-cover img"),
    caption=(".news-cover .caption", ".news-cover figcaption"),
    tags=(".editor-body ~ .tags a", ".news-tags a"),
    translations=(".editor-body ~ .translations a", ".editor-body ~ .news-translations a"),
    has_dateline=True,
)

#: Tried in this order; the first whose ``detect`` selector matches is the page's layout.
LAYOUTS: tuple[Layout, ...] = (CURRENT, Y2019, OLDEST)
