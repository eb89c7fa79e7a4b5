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
from newscrawl.extract import generic
from newscrawl.extract.errors import ExtractionError
from newscrawl.extract.feed import FeedCard
from newscrawl.extract.jsonld import JsonLd, parse_jsonld
from newscrawl.extract.layouts import LAYOUTS, Layout
from newscrawl.extract.markup import links, meta_values, parse_html, script_texts
from newscrawl.extract.text import INVISIBLE_TAGS, element_text, is_embed, raw_text
from newscrawl.extract.translations import discover_translations
from newscrawl.urls import ArticlePath, SiteUrls, article_id_from_short_link

#: Where a field's value came from (``ExtractedArticle.sources``): the layout's selectors, the
#: JSON-LD, the page head (meta tags, ``<title>``, hreflang alternates), the generic fallbacks
#: (``extract/generic.py``, ``extract/translations.py``) or the feed card.
SOURCES = ("selector", "jsonld", "meta", "generic", "card")
#: The fields ``sources`` names, in item order.
SOURCE_FIELDS = (
    "article_id",
    "title",
    "lead",
    "body",
    "published_at",
    "modified_at",
    "category",
    "tags",
    "images",
    "translations",
)

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
    #: field name -> where its value came from, one of :data:`SOURCES` (filled fields only)
    sources: dict[str, str] = field(default_factory=dict)


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

    def meta_all(self, key: str) -> list[str]:
        """Every non-empty ``content`` of the ``<meta>`` tags with this property or name."""
        values = self.selector.xpath("//meta[@property=$key or @name=$key]/@content", key=key)
        return [v.strip() for v in values.getall() if v.strip()]


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


def _title(
    page: Page, layout: Layout | None, jsonld: JsonLd, sources: dict[str, str]
) -> tuple[str | None, list[str]]:
    title = page.first_text(layout.title) if layout is not None else None
    others = [element_text(n.root) for n in page.first(layout.other_titles)] if layout else []
    source = "selector"
    if not title and layout is None:
        title, source = generic.headline(page.selector), "generic"
    if not title:
        value, source = jsonld.text("headline"), "jsonld"
        if not value:
            value, source = page.meta("og:title"), "meta"
        title = " ".join(value.split()) if value else None
    if not title:
        tags = page.selector.css("title")
        title = SITE_NAME_SUFFIX.sub("", element_text(tags[0].root)) if tags else None
        source = "meta"
    title = title or None
    if title:
        sources["title"] = source
    return title, [t for t in others if t and t != title]


def _published(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    warnings: list[str],
    card: FeedCard | None,
    sources: dict[str, str],
) -> tuple[datetime | None, str | None, dict[str, datetime]]:
    """The publication time with the text it came from, and every source's reading."""
    moment, raw, readings = _page_published(page, layout, jsonld, warnings, sources)
    if moment is None:
        found = generic.time_element(page.selector) or generic.visible_date(page.selector)
        if found is not None:
            moment, raw = found
            sources["published_at"] = "generic"
    if moment is None and card is not None and card.published_at is not None:
        moment = card.published_at
        raw = card.timestamp_raw or moment.isoformat(sep=" ", timespec="seconds")
        sources["published_at"] = "card"
    return moment, raw, readings


def _page_published(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    warnings: list[str],
    sources: dict[str, str],
) -> tuple[datetime | None, str | None, dict[str, datetime]]:
    readings: dict[str, datetime] = {}
    chosen: tuple[datetime, str] | None = None
    if layout is not None:
        raw = " ".join(p for p in (element_text(n.root) for n in page.first(layout.date)) if p)
        if raw:
            try:
                moment = parse_site_date(raw)
                chosen = (moment, raw)
                readings["header"] = moment
                sources["published_at"] = "selector"
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
            sources["published_at"] = source
    if chosen is None:
        return None, None, readings
    return chosen[0], chosen[1], readings


def _modified(
    page: Page, jsonld: JsonLd, warnings: list[str], sources: dict[str, str]
) -> datetime | None:
    for source, value in (
        ("meta", page.meta("article:modified_time")),
        ("jsonld", jsonld.text("dateModified")),
    ):
        if value:
            try:
                moment = parse_iso(value)
            except DateError as exc:
                warnings.append(f"{source} modified date unreadable: {exc}")
                continue
            sources["modified_at"] = source
            return moment
    return None


def _image_url(attributes: Mapping[str, str]) -> str | None:
    for attribute in ("data-src", "data-original", "data-lazy-src", "src"):
        value = (attributes.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def _images(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    site: SiteUrls,
    page_url: str,
    sources: dict[str, str],
) -> list[dict[str, str | None]]:
    images: list[dict[str, str | None]] = []
    if layout is not None:
        for img in page.first(layout.photo)[:1]:
            url = _image_url(img.attrib)
            if url:
                caption = page.first_text(layout.caption)
                images.append({"url": site.absolute(url, page_url), "caption": caption})
                sources["images"] = "selector"
    if not images:
        fallback, source = page.meta("og:image"), "meta"
        if not fallback:
            fallback, source = next(iter(jsonld.images()), None), "jsonld"
        if fallback:
            images.append({"url": site.absolute(fallback, page_url), "caption": None})
            sources["images"] = source
    return images


def _lead(page: Page, jsonld: JsonLd, paragraphs: list[str], sources: dict[str, str]) -> str | None:
    description, source = page.meta("description", "og:description"), "meta"
    if not description:
        description, source = jsonld.text("description"), "jsonld"
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
    sources["lead"] = source
    return lead


def _tags(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    tag_links: list[str],
    sources: dict[str, str],
) -> list[str]:
    tags: list[str] = []
    for node in page.first(layout.tags) if layout is not None else []:
        text = element_text(node.root)
        if text and text not in tags:
            tags.append(text)
    candidates: tuple[tuple[list[str], str], ...] = (
        (tags, "selector"),
        (jsonld.keywords(), "jsonld"),
        (page.meta_all("article:tag"), "meta"),
        ([k.strip() for k in (page.meta("keywords") or "").split(",") if k.strip()], "meta"),
        (tag_links if layout is None else [], "generic"),
    )
    for found, source in candidates:
        if found:
            sources["tags"] = source
            return list(found)
    return []


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


def _jsonld_paragraphs(jsonld: JsonLd) -> list[str]:
    article_body = jsonld.text("articleBody")
    if not article_body:
        return []
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", article_body)]
    return [p for p in paragraphs if p]


def _resolve_url(
    page: Page, url: str, site: SiteUrls, warnings: list[str]
) -> tuple[ArticlePath, str]:
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
    return article, url


def _category(
    page: Page,
    layout: Layout | None,
    jsonld: JsonLd,
    title: str,
    site: SiteUrls,
    article: ArticlePath,
    url: str,
    card_category: str | None,
    sources: dict[str, str],
) -> str | None:
    candidates = (
        (lambda: page.first_text(layout.category) if layout is not None else None, "selector"),
        (lambda: page.meta("article:section"), "meta"),
        (lambda: jsonld.text("articleSection"), "jsonld"),
        (lambda: next(iter(jsonld.breadcrumb_names), None), "jsonld"),
        # page-wide guesses only where no layout is known (a known layout without a category
        # label keeps it empty, as before)
        (lambda: None if layout else generic.breadcrumb_category(page.selector, title), "generic"),
        (
            lambda: None if layout else generic.category_link(page.selector, site, article, url),
            "generic",
        ),
        (lambda: card_category, "card"),
    )
    for read, source in candidates:
        value = read()
        if value:
            sources["category"] = source
            return value
    return None


def _fallback_warnings(sources: dict[str, str]) -> list[str]:
    """``generic_fallback: body,title`` / ``card_fallback: published_at`` for the fields that
    no selector, JSON-LD or meta tag gave."""
    warnings = []
    for source in ("generic", "card"):
        names = [name for name, value in sources.items() if value == source]
        if names:
            warnings.append(f"{source}_fallback: {','.join(names)}")
    return warnings


def extract_article(
    html: str, url: str, site: SiteUrls, card: FeedCard | None = None
) -> ExtractedArticle:
    """Read one article page fetched from ``url`` on the configured ``site``.

    ``card`` is the feed card that led to the page, if any: its timestamp and category are the
    last fallbacks for the page's date and category (source ``card``).
    """
    card_category = card.category if card is not None else None
    if not html or not html.strip():
        raise ExtractionError("empty_page", "the response body is empty")
    page = parse_page(html)
    if not page.selector.css("head, body"):
        raise ExtractionError("not_html", "no <head> or <body> in the response")
    warnings: list[str] = []
    sources: dict[str, str] = {}
    jsonld = parse_jsonld(script_texts(page.selector, "application/ld+json"))
    warnings.extend(jsonld.errors)
    layout = detect_layout(page.selector)

    paragraphs: list[str] = []
    if layout is not None:
        container = page.selector.css(layout.body)
        paragraphs = body_paragraphs(container[0].root) if container else []
        if paragraphs:
            sources["body"] = "selector"
    if not paragraphs:
        paragraphs = _jsonld_paragraphs(jsonld)
        if paragraphs:
            sources["body"] = "jsonld"
            if layout is not None:
                warnings.append(f"{layout.name} layout body empty; body taken from JSON-LD")
    layout_name = layout.name if layout is not None else "jsonld"

    title, other_titles = _title(page, layout, jsonld, sources)
    if layout is None and not paragraphs:
        layout_name = "generic"
        if not title:
            raise ExtractionError(
                "no_title", "unknown layout, no JSON-LD articleBody, and no headline in the page"
            )
        article, _ = _resolve_url(page, url, site, warnings)
        tag_links = generic.tag_links(page.selector, site, article, url)
        headlines = {title, *(t for t in (page.meta("og:title"), jsonld.text("headline")) if t)}
        drop = {" ".join(tag_links)} if tag_links else set()
        paragraphs = generic.main_text(html, headlines, drop)
        if not paragraphs:
            raise ExtractionError(
                "no_body", "unknown layout, no JSON-LD articleBody, and no main text found"
            )
        sources["body"] = "generic"

    dateline: str | None = None
    if paragraphs and (layout is None or layout.has_dateline):
        dateline, rest = split_dateline(paragraphs[0])
        if dateline is not None:
            paragraphs = [rest, *paragraphs[1:]] if rest else paragraphs[1:]

    if not title:
        raise ExtractionError("no_title", f"{layout_name} layout: no headline in the page")
    if not paragraphs:
        raise ExtractionError("no_body", f"{layout_name} layout: the article body has no text")

    published_at, published_raw, date_sources = _published(
        page, layout, jsonld, warnings, card, sources
    )
    if published_at is None or published_raw is None:
        raise ExtractionError("no_date", f"{layout_name} layout: no readable publication date")

    article, _ = _resolve_url(page, url, site, warnings)
    category = _category(page, layout, jsonld, title, site, article, url, card_category, sources)
    translations = discover_translations(
        page.selector,
        layout.translations if layout is not None else (),
        site,
        article.edition.code,
        url,
    )
    if translations.source is not None:
        sources["translations"] = translations.source
    article_id = article_id_from_short_link(page.selector.css(SHORT_LINK).attrib.get("data-url"))
    if article_id is not None:
        sources["article_id"] = "selector"
    tag_links = generic.tag_links(page.selector, site, article, url) if layout is None else []
    html_lang = page.selector.xpath("/html/@lang").get()
    lead = _lead(page, jsonld, paragraphs, sources)
    modified_at = _modified(page, jsonld, warnings, sources)
    tags = _tags(page, layout, jsonld, tag_links, sources)
    images = _images(page, layout, jsonld, site, url, sources)
    ordered = {name: sources[name] for name in SOURCE_FIELDS if name in sources}
    return ExtractedArticle(
        url=article.url,
        article_id=article_id,
        slug=article.slug,
        title=title,
        lead=lead,
        body="\n\n".join(paragraphs),
        published_at=published_at,
        published_at_raw=published_raw,
        modified_at=modified_at,
        category=category,
        category_slug=article.category_slug,
        tags=tags,
        images=images,
        translations=translations.urls,
        layout=layout_name,
        dateline=dateline,
        html_lang=html_lang.strip().lower() if html_lang else None,
        jsonld_language=jsonld.text("inLanguage"),
        date_sources=date_sources,
        other_titles=other_titles,
        warnings=warnings + _fallback_warnings(ordered),
        sources=ordered,
    )
