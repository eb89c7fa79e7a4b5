"""Article pages: HTML in, :class:`ExtractedArticle` out, for every layout the site has had.

Each field is read from the page's layout first, then from meta tags and JSON-LD (see
``docs/site-markup.md``), so a markup change that empties one source falls back to the next.
A page that cannot yield an article raises :class:`ExtractionError` with a specific reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lxml.etree import _Element as HtmlElement
from parsel import Selector, SelectorList

from newscrawl.cleaning.dateline import split_dateline
from newscrawl.dates import DateError, parse_iso, parse_site_date
from newscrawl.extract.errors import ExtractionError
from newscrawl.extract.jsonld import JsonLd, parse_jsonld
from newscrawl.extract.layouts import LAYOUTS, Layout
from newscrawl.extract.markup import links, meta_values, parse_html, script_texts
from newscrawl.extract.text import INVISIBLE_TAGS, element_text, is_embed, raw_text
from newscrawl.urls import SiteUrls, article_id_from_short_link

#: Class-name fragments of blocks inside an article body that are never article text.
NOT_TEXT_CLASSES = (
    "tags",
    "share",
    "social",
    "promo",
    "subscribe",
    "translations",
    "related",
    "banner",
    "advert",
    "read-also",
    "copy-url",
)
_NOT_TEXT = re.compile("|".join(re.escape(word) for word in NOT_TEXT_CLASSES))
PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
LIST_TAGS = frozenset({"ul", "ol"})
MEDIA_TAGS = frozenset({"img", "figure", "picture", "video", "audio", "source", "hr"})
SITE_NAME_SUFFIX = re.compile(r"\s*[-|–—]\s*(report\.az|report news agency)\s*$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")
#: The short link of an article (its numeric id), in every layout.
SHORT_LINK = ".copy-url"


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
    images: list[dict[str, str | None]]
    translations: dict[str, str]
    layout: str
    dateline: str | None = None
    html_lang: str | None = None
    jsonld_language: str | None = None
    date_sources: dict[str, datetime] = field(default_factory=dict)
    other_titles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Page:
    """A parsed page: its selector and its meta tags (read once)."""

    selector: Selector
    meta_values: dict[str, str]

    def first(self, css_list: tuple[str, ...]) -> SelectorList[Selector]:
        """The matches of the first selector in ``css_list`` that matches anything."""
        for css in css_list:
            found = self.selector.css(css)
            if found:
                return found
        return SelectorList()

    def first_text(self, css_list: tuple[str, ...]) -> str | None:
        for node in self.first(css_list):
            text = element_text(node.root)
            if text:
                return text
        return None

    def meta(self, *keys: str) -> str | None:
        for key in keys:
            if key in self.meta_values:
                return self.meta_values[key]
        return None


def _is_not_text(element: HtmlElement) -> bool:
    tag = element.tag.lower()
    if tag in INVISIBLE_TAGS or tag in MEDIA_TAGS:
        return True
    classes = element.get("class")
    return bool(classes) and (is_embed(element) or _NOT_TEXT.search(classes.lower()) is not None)


#: Below this depth of nested blocks, a block is read as one paragraph (no deeper recursion).
MAX_BLOCK_DEPTH = 40


def body_paragraphs(container: HtmlElement, depth: int = 0) -> list[str]:
    """The paragraphs of an article body: ``p``-like blocks, list items and loose text runs.

    Scripts, embeds, media and share/tags/translation blocks are left out; inline markup is
    joined as a browser shows it; ``<br>`` ends a run of loose text.
    """
    paragraphs: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = " ".join("".join(pending).split())
        if text:
            paragraphs.append(text)
        pending.clear()

    if container.text:
        pending.append(container.text)
    for child in container:
        if isinstance(child.tag, str):
            tag = child.tag.lower()
            if _is_not_text(child):
                pass
            elif tag == "br":
                flush()
            elif tag in PARAGRAPH_TAGS:
                flush()
                text = element_text(child)
                if text:
                    paragraphs.append(text)
            elif tag in LIST_TAGS:
                flush()
                for item in child.iter("li"):
                    text = element_text(item)
                    if text:
                        paragraphs.append(text)
            elif tag in ("div", "section", "article", "aside", "main", "table", "tbody", "tr"):
                flush()
                if depth < MAX_BLOCK_DEPTH:
                    paragraphs.extend(body_paragraphs(child, depth + 1))
                elif text := element_text(child):
                    paragraphs.append(text)
            else:
                pending.append(raw_text(child))
        if child.tail:
            pending.append(child.tail)
    flush()
    return paragraphs


def _title(page: Page, layout: Layout | None, jsonld: JsonLd) -> tuple[str | None, list[str]]:
    title = page.first_text(layout.title) if layout is not None else None
    others = [element_text(n.root) for n in page.first(layout.other_titles)] if layout else []
    if not title:
        value = jsonld.text("headline") or page.meta("og:title")
        title = " ".join(value.split()) if value else None
    if not title:
        tags = page.selector.css("title")
        title = SITE_NAME_SUFFIX.sub("", element_text(tags[0].root)) if tags else None
    title = title or None
    return title, [t for t in others if t and t != title]


def _published(
    page: Page, layout: Layout | None, jsonld: JsonLd, warnings: list[str]
) -> tuple[datetime | None, str | None, dict[str, datetime]]:
    """The publication time with the text it came from, and every source's reading."""
    readings: dict[str, datetime] = {}
    chosen: tuple[datetime, str] | None = None
    if layout is not None:
        raw = " ".join(p for p in (element_text(n.root) for n in page.first(layout.date)) if p)
        if raw:
            try:
                moment = parse_site_date(raw)
                chosen = (moment, raw)
                readings["header"] = moment
            except DateError as exc:
                warnings.append(f"header date unreadable: {exc}")
    for source, value in (
        ("meta", page.meta("article:published_time")),
        ("jsonld", jsonld.text("datePublished")),
    ):
        if not value:
            continue
        try:
            moment = parse_iso(value)
        except DateError as exc:
            warnings.append(f"{source} date unreadable: {exc}")
            continue
        readings[source] = moment
        if chosen is None:
            chosen = (moment, value)
    if chosen is None:
        return None, None, readings
    return chosen[0], chosen[1], readings


def _modified(page: Page, jsonld: JsonLd, warnings: list[str]) -> datetime | None:
    for source, value in (
        ("meta", page.meta("article:modified_time")),
        ("jsonld", jsonld.text("dateModified")),
    ):
        if value:
            try:
                return parse_iso(value)
            except DateError as exc:
                warnings.append(f"{source} modified date unreadable: {exc}")
    return None


def _image_url(attributes: Mapping[str, str]) -> str | None:
    for attribute in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (attributes.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def _images(
    page: Page, layout: Layout | None, jsonld: JsonLd, site: SiteUrls, page_url: str
) -> list[dict[str, str | None]]:
    images: list[dict[str, str | None]] = []
    if layout is not None:
        for img in page.first(layout.photo)[:1]:
            url = _image_url(img.attrib)
            if url:
                caption = page.first_text(layout.caption)
                images.append({"url": site.absolute(url, page_url), "caption": caption})
    if not images:
        fallback = page.meta("og:image") or next(iter(jsonld.images()), None)
        if fallback:
            images.append({"url": site.absolute(fallback, page_url), "caption": None})
    return images


def _lead(page: Page, jsonld: JsonLd, paragraphs: list[str]) -> str | None:
    description = page.meta("description", "og:description") or jsonld.text("description")
    if not description:
        return None
    lead = " ".join(description.split())
    stem = _ELLIPSIS.sub("", lead).strip()
    if not stem:
        return None
    first = paragraphs[0] if paragraphs else ""
    body_start = " ".join(paragraphs)[: len(stem) + 1]
    if first.startswith(stem) or body_start.startswith(stem) or stem == first:
        return None
    return lead


def _translations(
    page: Page, layout: Layout | None, site: SiteUrls, own_language: str
) -> dict[str, str]:
    found: dict[str, str] = {}
    hrefs = [
        link.attrib.get("href") or ""
        for link in links(page.selector, "alternate")
        if link.attrib.get("hreflang")
    ]
    if layout is not None:
        hrefs += [node.attrib.get("href") or "" for node in page.first(layout.translations)]
    for href in hrefs:
        article = site.article_path(href) if href else None
        if article is None or article.edition.code == own_language:
            continue
        found.setdefault(article.edition.code, article.url)
    return dict(sorted(found.items()))


def _tags(page: Page, layout: Layout | None, jsonld: JsonLd) -> list[str]:
    tags: list[str] = []
    for node in page.first(layout.tags) if layout is not None else []:
        text = element_text(node.root)
        if text and text not in tags:
            tags.append(text)
    return tags or jsonld.keywords()


def detect_layout(selector: Selector) -> Layout | None:
    """The first layout whose marker element the page contains."""
    for layout in LAYOUTS:
        if selector.css(layout.detect):
            return layout
    return None


def parse_page(html: str) -> Page:
    """Parse HTML and read its meta tags."""
    selector = parse_html(html)
    return Page(selector=selector, meta_values=meta_values(selector))


def extract_article(html: str, url: str, site: SiteUrls) -> ExtractedArticle:
    """Read one article page fetched from ``url`` on the configured ``site``."""
    if not html or not html.strip():
        raise ExtractionError("empty_page", "the response body is empty")
    page = parse_page(html)
    if not page.selector.css("head, body"):
        raise ExtractionError("not_html", "no <head> or <body> in the response")
    warnings: list[str] = []
    jsonld = parse_jsonld(script_texts(page.selector, "application/ld+json"))
    warnings.extend(jsonld.errors)
    layout = detect_layout(page.selector)

    paragraphs: list[str] = []
    if layout is not None:
        container = page.selector.css(layout.body)
        paragraphs = body_paragraphs(container[0].root) if container else []
    if not paragraphs:
        article_body = jsonld.text("articleBody")
        if article_body:
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", article_body)]
            paragraphs = [p for p in paragraphs if p]
            if layout is not None:
                warnings.append(f"{layout.name} layout body empty; body taken from JSON-LD")
    if layout is None and not paragraphs:
        raise ExtractionError(
            "unknown_layout",
            "no known article container (.news-detail__desc, .article-text, .editor-body) "
            "and no JSON-LD articleBody",
        )
    layout_name = layout.name if layout is not None else "jsonld"

    dateline: str | None = None
    if paragraphs and (layout is None or layout.has_dateline):
        dateline, rest = split_dateline(paragraphs[0])
        if dateline is not None:
            paragraphs = [rest, *paragraphs[1:]] if rest else paragraphs[1:]

    title, other_titles = _title(page, layout, jsonld)
    if not title:
        raise ExtractionError("no_title", f"{layout_name} layout: no headline in the page")
    if not paragraphs:
        raise ExtractionError("no_body", f"{layout_name} layout: the article body has no text")

    published_at, published_raw, date_sources = _published(page, layout, jsonld, warnings)
    if published_at is None or published_raw is None:
        raise ExtractionError("no_date", f"{layout_name} layout: no readable publication date")

    canonical_link = links(page.selector, "canonical").attrib.get("href")
    article = site.article_path(canonical_link) if canonical_link else None
    requested = site.article_path(url)
    if article is None or (requested is not None and article.edition != requested.edition):
        if canonical_link and article is None:
            warnings.append(f"canonical link {canonical_link[:200]!r} is not an article URL")
        article = requested
    elif requested is not None and article.url != requested.url:
        warnings.append(f"canonical URL differs from the requested {requested.url}")
    if article is None:
        raise ExtractionError("not_article_url", f"{url[:200]} is not an article URL of the site")

    category = (
        (page.first_text(layout.category) if layout is not None else None)
        or page.meta("article:section")
        or jsonld.text("articleSection")
        or next(iter(jsonld.breadcrumb_names), None)
    )
    html_lang = page.selector.xpath("/html/@lang").get()
    return ExtractedArticle(
        url=article.url,
        article_id=article_id_from_short_link(page.selector.css(SHORT_LINK).attrib.get("data-url")),
        slug=article.slug,
        title=title,
        lead=_lead(page, jsonld, paragraphs),
        body="\n\n".join(paragraphs),
        published_at=published_at,
        published_at_raw=published_raw,
        modified_at=_modified(page, jsonld, warnings),
        category=category,
        category_slug=article.category_slug,
        tags=_tags(page, layout, jsonld),
        images=_images(page, layout, jsonld, site, url),
        translations=_translations(page, layout, site, article.edition.code),
        layout=layout_name,
        dateline=dateline,
        html_lang=html_lang.strip().lower() if html_lang else None,
        jsonld_language=jsonld.text("inLanguage"),
        date_sources=date_sources,
        other_titles=other_titles,
        warnings=warnings,
    )
