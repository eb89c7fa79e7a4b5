"""What every page type shares: a response's text, pages as parsel selectors, the few selections
no layout names, visible text, the paragraphs of a body, JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.etree import _Element as HtmlElement
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator
from scrapy.http import Response, TextResponse

_TRANSLATOR = HTMLTranslator()
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Class-name fragments of news listings (latest news, feed cards) inside an article page.
LISTING_CLASSES = re.compile(r"latest|index-post-block|news__item|news-list|most-read|popular")
#: Content types read as pages; a response declaring another type is not parsed.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})


def declared_type(response: Response) -> str:
    """The media type of the ``Content-Type`` header, lower case, without parameters."""
    value = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()


def response_text(response: Response) -> str | None:
    """The decoded body of an HTML response, or None when it is not an HTML page. Valid UTF-8
    wins over any declaration: Scrapy decodes a declared Latin-1 as cp1252, which loses letters."""
    if not isinstance(response, TextResponse) or declared_type(response) not in HTML_TYPES:
        return None
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.text


def parse_html(html: str) -> Selector:
    """A page as a selector (lxml's HTML parser; ``type="html"`` even for a body that is JSON)."""
    return Selector(text=html, type="html")


def inside(node: Selector, css: str) -> SelectorList[Selector]:
    """The elements inside ``node`` matching ``css``; unlike ``node.css()``, never ``node``."""
    return node.xpath(_TRANSLATOR.css_to_xpath(css, prefix="descendant::"))


def links(page: Selector, rel: str) -> SelectorList[Selector]:
    """``<link>`` elements whose ``rel`` includes ``rel`` (compared case-insensitively)."""
    return page.xpath(
        "//link[contains(concat(' ', normalize-space(translate(@rel, $upper, $lower)), ' '),"
        " $token)]",
        upper=_UPPER,
        lower=_UPPER.lower(),
        token=f" {rel.lower()} ",
    )


def meta_values(page: Selector) -> dict[str, str]:
    """``<meta>`` contents by ``property`` or ``name`` (first one wins)."""
    values: dict[str, str] = {}
    for meta in page.css("meta"):
        key = meta.attrib.get("property") or meta.attrib.get("name")
        content = meta.attrib.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip(), content.strip())
    return values


def image_url(attributes: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The first of the ``names`` attributes that holds a URL (``data:`` URLs are not)."""
    values = ((attributes.get(name) or "").strip() for name in names)
    return next((value for value in values if value and not value.startswith("data:")), None)


# --------------------------------------------------------------------------- visible text
#: Elements whose content is never visible article text.
INVISIBLE_TAGS = frozenset(
    {"script", "style", "noscript", "iframe", "template", "svg", "button", "form", "input"}
)
#: Elements that start a new line of text when they sit inside a paragraph.
BREAK_TAGS = frozenset({"br", "div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
_EMBED_CLASSES = re.compile("twitter-tweet|instagram-media|telegram-post|tiktok-embed|fb-post")


def _pieces(element: HtmlElement, skip: frozenset[str]) -> Iterator[str]:
    """Text nodes of ``element`` in document order, with line breaks for block elements
    (iterative: a page nested thousands of levels deep is read like any other)."""
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if node is element:
            if event == "start" and element.text:
                yield element.text
            continue
        if event in ("comment", "pi"):
            if node.tail:
                yield node.tail
            continue
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        hidden = tag is None or tag in skip or is_embed(node)
        if event == "start":
            if hidden:
                walker.skip_subtree()
                continue
            if tag in BREAK_TAGS:
                yield "\n"
            if node.text:
                yield node.text
        else:
            if not hidden and tag in BREAK_TAGS and tag != "br":
                yield "\n"
            if node.tail:
                yield node.tail


def is_embed(element: HtmlElement) -> bool:
    """True for embedded posts (tweets, Instagram, Telegram widgets): not the article's text."""
    classes = element.get("class")
    return bool(classes) and _EMBED_CLASSES.search(classes.lower()) is not None


def raw_text(element: HtmlElement) -> str:
    """The element's visible text nodes joined as they are, white space untouched."""
    return "".join(_pieces(element, INVISIBLE_TAGS))


def element_text(element: HtmlElement) -> str:
    """The visible text of ``element`` on one line: text nodes joined as they are, then white
    space collapsed (``<a>“Report”</a> xəbər`` keeps its space, ``Zelen<b>skyy</b>`` one word)."""
    if not len(element):  # a leaf: its text is all there is
        return " ".join(element.text.split()) if element.text else ""
    return " ".join(raw_text(element).split())


# --------------------------------------------------------------------------- body paragraphs
#: Class-name (or id) fragments of blocks inside an article body that are never article text.
_NOT_TEXT = re.compile(
    "tags|share|social|promo|subscribe|translations|related|banner|advert|read-also|copy-url|orphus"
)
_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_MEDIA_TAGS = frozenset({"img", "figure", "picture", "video", "audio", "source", "hr"})
_BLOCK_TAGS = frozenset({"div", "section", "article", "aside", "main", "table", "tbody", "tr"})
#: Below this depth of nested blocks, a block is read as one paragraph (no deeper recursion).
MAX_BLOCK_DEPTH = 40


def _is_not_text(element: HtmlElement) -> bool:
    tag = element.tag.lower()
    if tag in INVISIBLE_TAGS or tag in _MEDIA_TAGS:
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(marks.strip()) and (is_embed(element) or _NOT_TEXT.search(marks) is not None)


def body_paragraphs(container: HtmlElement, depth: int = 0) -> list[str]:
    """The paragraphs of an article body: ``p``-like blocks, list items and loose text runs
    (``<br>`` ends one); scripts, embeds, media and share/tags/translation blocks left out."""
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
        if isinstance(child.tag, str) and not _is_not_text(child):
            tag = child.tag.lower()
            if tag == "br":
                flush()
            elif tag in _PARAGRAPH_TAGS:
                flush()
                if text := element_text(child):
                    paragraphs.append(text)
            elif tag in ("ul", "ol"):
                flush()
                paragraphs.extend(t for t in map(element_text, child.iter("li")) if t)
            elif tag in _BLOCK_TAGS:
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


# --------------------------------------------------------------------------- JSON-LD
ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "LiveBlogPosting"})
MAX_JSONLD_CHARS = 2_000_000
#: Deepest nesting of objects and lists read (schema.org markup is a few levels deep).
MAX_JSONLD_DEPTH = 64
_JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(raw: str) -> int:
    """The deepest nesting of objects and lists in a JSON text, in one pass (strings aside)."""
    depth = deepest = 0
    for match in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub("", raw)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


@dataclass
class JsonLd:
    """The NewsArticle and BreadcrumbList of a page's JSON-LD, whatever its shape (object, list,
    ``@graph``); broken JSON is reported in ``errors``."""

    article: dict[str, Any] = field(default_factory=dict)
    breadcrumb_names: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: A block over :data:`MAX_JSONLD_CHARS` or :data:`MAX_JSONLD_DEPTH`: why (not read).
    over_limit: str | None = None

    @classmethod
    def of(cls, page: Selector) -> JsonLd:
        """Collect the article and breadcrumb of the page's ``application/ld+json`` scripts."""
        result = cls()
        blocks = page.xpath(
            "//script[translate(normalize-space(@type), $upper, $lower) = 'application/ld+json']",
            upper=_UPPER,
            lower=_UPPER.lower(),
        )
        for raw in (block.xpath("text()").get("") for block in blocks):
            if len(raw) > MAX_JSONLD_CHARS:
                result.over_limit = f"json-ld block of {len(raw)} characters (>{MAX_JSONLD_CHARS})"
                continue
            if (depth := json_depth(raw)) > MAX_JSONLD_DEPTH:
                result.over_limit = f"json-ld nested {depth} deep (>{MAX_JSONLD_DEPTH})"
                continue
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                result.errors.append(f"invalid json-ld: {str(exc)[:200]}")
                continue
            for node in _nodes(data):
                value = node.get("@type")
                listed = value if isinstance(value, list) else [value]
                types = {v for v in listed if isinstance(v, str)}
                if types & ARTICLE_TYPES and not result.article:
                    result.article = node
                elif "BreadcrumbList" in types and not result.breadcrumb_names:
                    result.breadcrumb_names = _breadcrumb_names(node)
        return result

    def text(self, key: str) -> str | None:
        """A string property of the article (first element when it is a list)."""
        value = self.article.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value")
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
        return None

    def images(self) -> list[str]:
        """Image URLs of the article, in order."""
        value = self.article.get("image")
        items = value if isinstance(value, list) else [value]
        urls = (i.get("url") or i.get("contentUrl") if isinstance(i, dict) else i for i in items)
        return [url.strip() for url in urls if isinstance(url, str) and url.strip()]

    def keywords(self) -> list[str]:
        """``keywords`` as a list, whether given as a list or a comma-separated string."""
        value = self.article.get("keywords")
        items = value.split(",") if isinstance(value, str) else value
        return [str(k).strip() for k in items if str(k).strip()] if isinstance(items, list) else []

    def paragraphs(self) -> list[str]:
        """``articleBody`` split at line breaks, white space collapsed."""
        body = self.text("articleBody") or ""
        return [p for p in (" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", body)) if p]


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _nodes(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _nodes(data["@graph"])
        yield data


def _breadcrumb_names(node: dict[str, Any]) -> list[str]:
    elements = node.get("itemListElement")
    ranked: list[tuple[int, str]] = []
    for index, element in enumerate(elements if isinstance(elements, list) else []):
        if not isinstance(element, dict):
            continue
        name, item = element.get("name"), element.get("item")
        if not name and isinstance(item, dict):
            name = item.get("name")
        position = element.get("position")
        if isinstance(name, str) and name.strip():
            ranked.append((position if isinstance(position, int) else index, name.strip()))
    return [name for _, name in sorted(ranked)]
