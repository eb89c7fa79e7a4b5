"""Article pages: HTML in, :class:`ExtractedArticle` out, one parser class per layout version.

The Fundus way: a field is a method over parsel selectors returning ``(value, source)`` or None
(``docs/site-markup.md``); a layout is chosen by its body element, never by the date; a variant
is a subclass overriding one selector or method, listed before its parent in :data:`LAYOUTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from lxml.etree import _Element as HtmlElement
from parsel import Selector, SelectorList

from newscrawl.cleaning import split_datelines
from newscrawl.extract import generic
from newscrawl.extract.feed import FeedCard
from newscrawl.extract.text import (
    JsonLd,
    body_paragraphs,
    element_text,
    image_url,
    links,
    meta_values,
    parse_html,
)
from newscrawl.site import (
    ArticlePath,
    DateError,
    SiteUrls,
    article_id_from_short_link,
    parse_iso,
    parse_site_date,
)

T = TypeVar("T")
#: A field's value and its source, or None when no source gave one.
Found = tuple[T, str] | None
Images = list[dict[str, str | None]]
#: A moment and the text it was read from.
Dated = tuple[datetime, str]

SITE_NAME_SUFFIX = re.compile(r"\s*[-|–—]\s*(report\.az|report news agency)\s*$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")
_IMAGE_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "src")


class ExtractionError(Exception):
    """A page that cannot become an article; ``reason`` is a stable code, ``detail`` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass
class ExtractedArticle:
    """The fields one article page yields (crawl-time fields are added by the spider)."""

    url: str
    article_id: int | None
    slug: str
    title: str
    lead: str | None
    body: str
    published_at: datetime
    published_at_raw: str
    modified_at: datetime | None
    category: str | None
    category_slug: str | None
    tags: list[str]
    images: Images
    translations: dict[str, str]
    layout: str
    dateline: str | None = None
    html_lang: str | None = None
    jsonld_language: str | None = None
    date_sources: dict[str, datetime] = field(default_factory=dict)
    other_titles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: field name -> where its value came from (filled fields only, in field order)
    sources: dict[str, str] = field(default_factory=dict)


def _first(*candidates: tuple[T | None, str]) -> Found[T]:
    """The first candidate with a value."""
    return next(((value, source) for value, source in candidates if value), None)


class ArticlePage:
    """A page no layout matches, the base of every layout: fields from its head (JSON-LD, meta
    tags) and the generic fallbacks (``name`` becomes ``generic`` with trafilatura's body)."""

    name = "jsonld"
    #: The article's body; a page that has it has this layout.
    body_css = ""
    translations_css: tuple[str, ...] = ()

    def __init__(self, html: str, selector: Selector, url: str, site: SiteUrls) -> None:
        self.html, self.selector, self.url, self.site = html, selector, url, site
        self.meta_values = meta_values(selector)
        self.jsonld = JsonLd.of(selector)
        self.warnings = list(self.jsonld.errors)
        self._matches: dict[str, SelectorList[Selector]] = {}

    def css(self, css: str) -> SelectorList[Selector]:
        """``selector.css(css)``, evaluated once per page."""
        if css not in self._matches:
            self._matches[css] = self.selector.css(css)
        return self._matches[css]

    def first(self, css_list: tuple[str, ...]) -> SelectorList[Selector]:
        """The matches of the first selector in ``css_list`` that matches anything."""
        return next(filter(None, map(self.css, css_list)), SelectorList())

    def first_text(self, css_list: tuple[str, ...]) -> str | None:
        return next(filter(None, (element_text(n.root) for n in self.first(css_list))), None)

    def meta(self, *keys: str) -> str | None:
        return next((self.meta_values[key] for key in keys if key in self.meta_values), None)

    @cached_property
    def article(self) -> ArticlePath:
        """The article's URL: the one the page was reached at (see :func:`extract_article`),
        never what the page says of itself. The canonical link and og:url are claims,
        cross-checked: one naming another article is a ``canonical_mismatch`` warning, one that
        is no article URL of the site (off-site, another port) a warning too. Only a page not
        reached at an article URL at all (a stored page under ``scrapy check``) takes its
        canonical link's."""
        claims = {
            "canonical link": links(self.selector, "canonical").attrib.get("href"),
            "og:url": self.meta("og:url"),
        }
        requested = self.site.article_path(self.url)
        if requested is None and claims["canonical link"]:
            requested = self.site.article_path(claims["canonical link"])
        if requested is None:
            detail = f"{self.url[:200]} is not an article URL of the site"
            raise ExtractionError("not_article_url", detail)
        for name, claimed in claims.items():
            if not claimed:
                continue
            named = self.site.article_path(claimed)
            if named is None:
                self.warnings.append(f"{name} {claimed[:200]!r} is not an article URL")
            elif named.url != requested.url:
                self.warnings.append(
                    f"canonical_mismatch: the {name} names {named.url}; "
                    f"kept the reached {requested.url}"
                )
        return requested

    @cached_property
    def heading(self) -> HtmlElement | None:
        """The headline's element: what the article's tags come after."""
        return generic.headline_element(self.selector)

    @cached_property
    def tag_links(self) -> list[str]:
        return generic.tag_links(self.selector, self.site, self.article, self.url, self.heading)

    def title(self) -> Found[str]:
        headline = generic.headline(self.selector)
        return (headline, "generic") if headline else self.head_title()

    def head_title(self) -> Found[str]:
        found = _first((self.jsonld.text("headline"), "jsonld"), (self.meta("og:title"), "meta"))
        if found:
            return " ".join(found[0].split()), found[1]
        titles = self.selector.css("title")
        text = SITE_NAME_SUFFIX.sub("", element_text(titles[0].root)) if titles else None
        return (text, "meta") if text else None

    def other_titles(self) -> list[str]:
        return []

    def body(self, title: str | None) -> Found[list[str]]:
        if paragraphs := self.jsonld.paragraphs():
            return paragraphs, "jsonld"
        self.name = "generic"
        if not title:
            raise ExtractionError(
                "no_title", "unknown layout, no JSON-LD articleBody, and no headline in the page"
            )
        headlines = {title, *filter(None, (self.meta("og:title"), self.jsonld.text("headline")))}
        drop = {" ".join(self.tag_links)} if self.tag_links else set()
        if paragraphs := generic.main_text(self.html, headlines, drop):
            return paragraphs, "generic"
        raise ExtractionError(
            "no_body", "unknown layout, no JSON-LD articleBody, and no main text found"
        )

    def header_date(self) -> str | None:
        """The layout's date header as shown (none without a layout)."""
        return None

    def published(self, card: FeedCard | None) -> tuple[Found[Dated], dict[str, datetime]]:
        """The publication time with the text it came from, and every source's reading."""
        readings: dict[str, datetime] = {}
        chosen: Found[Dated] = None
        if raw := self.header_date():
            try:
                readings["header"] = parse_site_date(raw)
                chosen = (readings["header"], raw), "selector"
            except DateError as exc:
                self.warnings.append(f"header date unreadable: {exc}")
        for source, value in (
            ("meta", self.meta("article:published_time")),
            ("jsonld", self.jsonld.text("datePublished")),
        ):
            if value:
                try:
                    readings[source] = parse_iso(value)
                except DateError as exc:
                    self.warnings.append(f"{source} date unreadable: {exc}")
                    continue
                chosen = chosen or ((readings[source], value), source)
        if chosen is None:
            found = generic.time_element(self.selector) or generic.visible_date(self.selector)
            chosen = (found, "generic") if found else None
        if chosen is None and card is not None and card.published_at is not None:
            raw = card.timestamp_raw or card.published_at.isoformat(sep=" ", timespec="seconds")
            chosen = (card.published_at, raw), "card"
        return chosen, readings

    def modified(self) -> Found[datetime]:
        for source, value in (
            ("meta", self.meta("article:modified_time")),
            ("jsonld", self.jsonld.text("dateModified")),
        ):
            if value:
                try:
                    return parse_iso(value), source
                except DateError as exc:
                    self.warnings.append(f"{source} modified date unreadable: {exc}")
        return None

    def category(self, title: str, card: FeedCard | None) -> Found[str]:
        found = self.head_category()
        if found is None:  # page-wide guesses only where no layout is known
            guess = generic.breadcrumb_category(self.selector, title) or generic.category_link(
                self.selector, self.site, self.article, self.url
            )
            found = _first((guess, "generic"), (card.category if card else None, "card"))
        return found

    def head_category(self) -> Found[str]:
        return _first(
            (self.meta("article:section"), "meta"),
            (self.jsonld.text("articleSection"), "jsonld"),
            (next(iter(self.jsonld.breadcrumb_names), None), "jsonld"),
        )

    def tags(self) -> Found[list[str]]:
        return self.head_tags() or _first((self.tag_links, "generic"))

    def head_tags(self) -> Found[list[str]]:
        tags = self.selector.xpath("//meta[@property=$t or @name=$t]/@content", t="article:tag")
        keywords = (self.meta("keywords") or "").split(",")
        return _first(
            (self.jsonld.keywords(), "jsonld"),
            ([t.strip() for t in tags.getall() if t.strip()], "meta"),
            ([k.strip() for k in keywords if k.strip()], "meta"),
        )

    def images(self) -> Found[Images]:
        found = _first(
            (self.meta("og:image"), "meta"), (next(iter(self.jsonld.images()), None), "jsonld")
        )
        if found is None:
            return None
        return [{"url": self.site.absolute(found[0], self.url), "caption": None}], found[1]

    def lead(self, paragraphs: list[str]) -> Found[str]:
        """The description, unless it is only the start of the body."""
        found = _first(
            (self.meta("description", "og:description"), "meta"),
            (self.jsonld.text("description"), "jsonld"),
        )
        if found is None:
            return None
        lead = " ".join(found[0].split())
        stem = _ELLIPSIS.sub("", lead).strip()
        if not stem or " ".join(paragraphs).startswith(stem):
            return None
        return lead, found[1]

    def translations(self) -> generic.Translations:
        code = self.article.edition.code
        return generic.discover_translations(
            self.selector, self.translations_css, self.site, code, self.url, self.css
        )


class Current(ArticlePage):
    """The current layout (2024 on): ``.news-detail__desc``."""

    name = "current"
    body_css = ".news-detail__desc"
    title_css: tuple[str, ...] = ("h1.section-title", ".news-detail__head h1")
    #: A page can show the original headline beside the edited ``h1``.
    other_titles_css: tuple[str, ...] = (".news-detail__title",)
    date_css: tuple[str, ...] = (".news-detail__head ul.news__date li",)
    category_css: tuple[str, ...] = (".news-detail__head .news__category",)
    photo_css: tuple[str, ...] = (".news-detail__main-photo img",)
    caption_css: tuple[str, ...] = (
        ".news-detail__main-photo .photo-caption",
        ".news-detail__main-photo figcaption",
        ".news-detail__main-photo .caption",
    )
    tags_css: tuple[str, ...] = (
        ".news-detail__desc .tags a",
        ".news-detail__desc ~ .tags a",
        ".news-detail .tags a",
        ".news-detail__tags a",
    )
    translations_css: tuple[str, ...] = (".news-detail__translations a",)

    def title(self) -> Found[str]:
        return _first((self.first_text(self.title_css), "selector")) or self.head_title()

    def other_titles(self) -> list[str]:
        return [element_text(node.root) for node in self.first(self.other_titles_css)]

    def body(self, title: str | None) -> Found[list[str]]:
        container = self.css(self.body_css)
        if paragraphs := body_paragraphs(container[0].root) if container else []:
            return paragraphs, "selector"
        if paragraphs := self.jsonld.paragraphs():
            self.warnings.append(f"{self.name} layout body empty; body taken from JSON-LD")
            return paragraphs, "jsonld"
        return None

    def header_date(self) -> str | None:
        texts = (element_text(node.root) for node in self.first(self.date_css))
        return " ".join(text for text in texts if text)

    def category(self, title: str, card: FeedCard | None) -> Found[str]:
        return (
            _first((self.first_text(self.category_css), "selector"))
            or self.head_category()
            or _first((card.category if card else None, "card"))
        )

    @cached_property
    def heading(self) -> HtmlElement | None:
        heads = self.first(self.title_css)
        return heads[0].root if heads else super().heading

    def tags(self) -> Found[list[str]]:
        nodes = generic.below(self.heading, self.first(self.tags_css))
        texts = (element_text(node.root) for node in nodes)
        return _first((list(dict.fromkeys(t for t in texts if t)), "selector")) or self.head_tags()

    def images(self) -> Found[Images]:
        for img in self.first(self.photo_css)[:1]:
            if url := image_url(img.attrib, _IMAGE_ATTRIBUTES):
                caption = self.first_text(self.caption_css)
                return [{"url": self.site.absolute(url, self.url), "caption": caption}], "selector"
        return super().images()


class Y2019(Current):
    """The 2019 to early 2024 layout: ``.article-text``."""

    name = "2019"
    body_css = ".article-text"
    title_css = ("h1.article-title",)
    other_titles_css = ()
    date_css = (".article-date",)
    category_css = (".article-category", ".article-page .category-name")
    photo_css = (".article-image img",)
    caption_css = (".article-image .image-caption", ".article-image figcaption")
    tags_css = (".article-tags a", ".article-text ~ .tags a")
    translations_css = (".article-translations a",)


class Oldest(Current):
    """The oldest layout (about 2014 to 2019): ``.editor-body``."""

    name = "oldest"
    body_css = ".editor-body"
    title_css = ("h1.news-title",)
    other_titles_css = ()
    date_css = (".news-date",)
    category_css = (".news-category",)
    photo_css = (".news-cover .image img", ".news-cover img")
    caption_css = (".news-cover .caption", ".news-cover figcaption")
    tags_css = (".editor-body ~ .tags a", ".news-tags a")
    translations_css = (".editor-body ~ .translations a", ".editor-body ~ .news-translations a")


#: Tried in this order; the first whose body the page contains is the page's layout.
LAYOUTS: tuple[type[Current], ...] = (Current, Y2019, Oldest)


def extract_article(
    html: str, url: str, site: SiteUrls, card: FeedCard | None = None
) -> ExtractedArticle:
    """Read one article page reached at ``url`` on the configured ``site`` (the spider's: the
    answer's URL when the site redirected to an article URL, else the URL it asked for); the
    article's URL is that one, never the page's canonical link (:attr:`ArticlePage.article`).

    ``card`` is the feed card that led to the page, if any: its timestamp and category are the
    last fallbacks for the page's date and category (source ``card``).
    """
    if not html or not html.strip():
        raise ExtractionError("empty_page", "the response body is empty")
    selector = parse_html(html)
    layout = next((layout for layout in LAYOUTS if selector.css(layout.body_css)), ArticlePage)
    page = layout(html, selector, url, site)
    if not page.selector.css("head, body"):
        raise ExtractionError("not_html", "no <head> or <body> in the response")
    if page.jsonld.over_limit is not None:  # a hostile page: not read further
        raise ExtractionError("over_limit:jsonld", page.jsonld.over_limit)
    sources: dict[str, str] = {}

    def take(name: str, found: Found[T]) -> T | None:
        if found is None:
            return None
        sources[name] = found[1]
        return found[0]

    title = take("title", page.title())
    paragraphs = take("body", page.body(title)) or []
    dateline, paragraphs = split_datelines(paragraphs)  # every layout, every block
    if not title:
        raise ExtractionError("no_title", f"{page.name} layout: no headline in the page")
    if not paragraphs:
        raise ExtractionError("no_body", f"{page.name} layout: the article body has no text")
    found, date_sources = page.published(card)
    published = take("published_at", found)
    if published is None:
        raise ExtractionError("no_date", f"{page.name} layout: no readable publication date")
    article = page.article
    category = take("category", page.category(title, card))
    translations = page.translations()
    if translations.sources:  # the least trusted source of any of the URLs
        rank = generic.SOURCE_RANK.__getitem__
        sources["translations"] = max(translations.sources.values(), key=rank)
    short_link = page.css(".copy-url").attrib.get("data-url")  # in every layout
    article_id = article_id_from_short_link(short_link)
    if article_id is not None:
        sources["article_id"] = "selector"
    html_lang = page.selector.xpath("/html/@lang").get()
    lead = take("lead", page.lead(paragraphs))
    modified_at = take("modified_at", page.modified())
    tags = take("tags", page.tags()) or []
    images = take("images", page.images()) or []
    ordered = {f.name: sources[f.name] for f in fields(ExtractedArticle) if f.name in sources}
    fallbacks = [
        f"{source}_fallback: {','.join(n for n, s in ordered.items() if s == source)}"
        for source in ("generic", "card")
        if source in ordered.values()
    ]
    return ExtractedArticle(
        url=article.url,
        article_id=article_id,
        slug=article.slug,
        title=title,
        lead=lead,
        body="\n\n".join(paragraphs),
        published_at=published[0],
        published_at_raw=published[1],
        modified_at=modified_at,
        category=category,
        category_slug=article.category_slug,
        tags=tags,
        images=images,
        translations=translations.urls,
        layout=page.name,
        dateline=dateline,
        html_lang=html_lang.strip().lower() if html_lang else None,
        jsonld_language=page.jsonld.text("inLanguage"),
        date_sources=date_sources,
        other_titles=[t for t in page.other_titles() if t and t != title],
        warnings=page.warnings + fallbacks,
        sources=ordered,
    )
