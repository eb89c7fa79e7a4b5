"""The generic fallback: readings of an article page that do not depend on class names (the
main text by trafilatura, the first ``h1``, ``<time>``, a visible date, breadcrumbs, category and
tag links), and the other editions' versions among all the page's links."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import islice

import lxml.html
import trafilatura
from lxml import etree
from lxml.etree import _Element as HtmlElement
from parsel import Selector, SelectorList
from trafilatura.settings import Document, use_config

from newscrawl.extract.text import LISTING_CLASSES, element_text, links
from newscrawl.site import EDITIONS, ArticlePath, DateError, SiteUrls, parse_iso, parse_site_date

#: Longest text (characters) read as a visible date; longer elements are prose.
MAX_DATE_TEXT = 80
#: Elements with more descendants than this are containers, not a date.
MAX_DATE_DESCENDANTS = 12
_BARE_TIME = re.compile(r"^\d{1,2}:\d{2}$")
#: trafilatura's settings: no size floor (a short article is still an article; below the
#: floor it falls back to one blob of the whole page) and no timeout (it would use signals).
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
#: Embedded posts (tweets, Instagram, Telegram widgets), pruned by trafilatura.
_EMBEDS = [
    f"//*[contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),"
    f" '{name}')]"
    for name in ("twitter-tweet", "instagram-media", "telegram-post", "tiktok-embed", "fb-post")
]
_BREADCRUMB = re.compile(r"breadcrumb", re.IGNORECASE)
#: Blocks whose text is never the article's head (navigation, page furniture).
_FURNITURE = frozenset({"nav", "footer", "aside", "script", "style", "noscript", "template"})


def _in_furniture(element: HtmlElement) -> bool:
    return any(
        (isinstance(node.tag, str) and node.tag.lower() in _FURNITURE)
        or LISTING_CLASSES.search((node.get("class") or "").lower())
        for node in (element, *element.iterancestors())
    )


def headline_element(page: Selector) -> HtmlElement | None:
    """The first ``h1`` with text that is not page furniture."""
    heads = (n.root for n in page.css("body h1") if not _in_furniture(n.root))
    return next((h for h in heads if element_text(h)), None)


def headline(page: Selector) -> str | None:
    """The text of the first ``h1`` that is not page furniture."""
    element = headline_element(page)
    return element_text(element) if element is not None else None


def below(heading: HtmlElement | None, nodes: SelectorList[Selector]) -> list[Selector]:
    """The ``nodes`` that come after ``heading`` in the page (all of them without one): tag
    links above the headline are the site's trending-topics bar, not the article's tags."""
    if heading is None:
        return list(nodes)
    following = set(heading.xpath("following::*"))
    return [node for node in nodes if node.root in following]


def time_element(page: Selector) -> tuple[datetime, str] | None:
    """The ``datetime`` of the first readable ``<time datetime>`` outside the page furniture."""
    for node in page.css("body time[datetime]"):
        value = (node.attrib.get("datetime") or "").strip()
        if value and not _in_furniture(node.root):
            with suppress(DateError):
                return parse_iso(value), value
    return None


def _date_of(element: HtmlElement) -> tuple[datetime, str] | None:
    if not isinstance(element.tag, str) or element.tag.lower() in _FURNITURE:
        return None
    if sum(1 for _ in islice(element.iter(), MAX_DATE_DESCENDANTS + 1)) > MAX_DATE_DESCENDANTS:
        return None
    text = element_text(element)
    if text and len(text) <= MAX_DATE_TEXT and any(c.isdigit() for c in text):
        with suppress(DateError):
            return parse_site_date(text), text
    return None


def visible_date(page: Selector) -> tuple[datetime, str] | None:
    """The first short text of the page that reads as a site date with a time of day (the
    innermost element that does: ``<time>`` rather than the line of category and date)."""
    for body in page.css("body")[:1]:
        for element in body.root.iter():
            found = _date_of(element)
            if found is None or _in_furniture(element) or element.xpath("ancestor-or-self::a"):
                continue
            while (child := next((c for c in element if _date_of(c)), None)) is not None:
                element = child
            return _date_of(element)
    return None


def breadcrumb_category(page: Selector, title: str | None) -> str | None:
    """The last item of a visible breadcrumb trail that is neither the home page nor the
    headline (``nav[aria-label*=breadcrumb]``, ``.breadcrumb``...)."""
    for node in page.css("body *"):
        element = node.root
        marks = f"{element.get('class') or ''} {element.get('aria-label') or ''}"
        if not _BREADCRUMB.search(marks):
            continue
        labels = [element_text(a) for a in element.iter("a")]
        labels = [label for label in labels if label and label != title]
        return labels[-1] if len(labels) >= 2 else None
    return None


def category_link(page: Selector, site: SiteUrls, article: ArticlePath, url: str) -> str | None:
    """The text of a link to the article's own category page (``/en/other-countries/``)."""
    wanted = site.canonical(f"{article.edition.prefix}/{article.category_slug}")
    for node in page.css("body a[href]"):
        href = node.attrib.get("href") or ""
        if site.canonical(site.absolute(href, url)) == wanted and element_text(node.root):
            return element_text(node.root)
    return None


def tag_links(
    page: Selector,
    site: SiteUrls,
    article: ArticlePath,
    page_url: str,
    heading: HtmlElement | None = None,
) -> list[str]:
    """Texts of links to the edition's tag pages (``/en/tags/...``, ``/en/tag/...``) below the
    ``heading`` (see :func:`below`), in page order."""
    stems = tuple(
        (site.canonical(f"{article.edition.prefix}/{name}") or "") + "/" for name in ("tags", "tag")
    )
    texts = (
        element_text(node.root)
        for node in below(heading, page.css("body a[href]"))
        if (
            site.canonical(site.absolute(node.attrib.get("href") or "", page_url)) or ""
        ).startswith(stems)
        and not _in_furniture(node.root)
    )
    return list(dict.fromkeys(filter(None, texts)))


# --------------------------------------------------------------------------- body
def _runs(element: HtmlElement) -> list[tuple[str, str]]:
    """The element's text split at ``<lb/>``: (text, text outside links) per run."""
    runs: list[tuple[str, str]] = []
    text: list[str] = [element.text or ""]
    plain: list[str] = [element.text or ""]

    def flush() -> None:
        runs.append((" ".join("".join(text).split()), " ".join("".join(plain).split())))
        text.clear()
        plain.clear()

    for child in element:
        if child.tag == "lb":
            flush()
        else:
            inner = "".join(child.itertext())
            text.append(inner)
            if child.tag != "ref":
                plain.append(inner)
        text.append(child.tail or "")
        plain.append(child.tail or "")
    flush()
    return [run for run in runs if run[0]]


#: A date line has at most this many words ("Business 12 November, 2025 · 10:30"); a longer
#: text with a date in it is a sentence.
MAX_DATE_LINE_WORDS = 6


def _is_date_line(text: str) -> bool:
    if len(text) > MAX_DATE_TEXT or len(text.split()) > MAX_DATE_LINE_WORDS:
        return False
    if _BARE_TIME.match(text):
        return True
    with suppress(DateError):
        return any(c.isdigit() for c in text) and bool(parse_site_date(text, "00:00"))
    return False


#: Inline formatting unwrapped before trafilatura, which trims the text after such an element
#: (``<b>“Report” xəbər verir ki,</b> Azərbaycan`` would lose its space) or drops it.
_INLINE_FORMATTING = ("b", "strong", "em", "i", "u", "span", "font", "mark", "time")
#: Elements that are text inside a paragraph; anything else is a block.
_INLINE = frozenset(
    {*_INLINE_FORMATTING, "a", "sup", "sub", "abbr", "code", "q", "s", "small", "cite"}
)


def _is_block(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() not in _INLINE


def _runs_as_paragraphs(element: HtmlElement) -> None:
    """Loose text separated by ``<br>`` (``text<br><br>text``) turned into ``<p>`` elements, as
    the layouts read it; trafilatura loses the words before a link in such runs."""
    children = list(element)
    loose = (element.text or "").strip() or any((c.tail or "").strip() for c in children)
    if not loose or not any(child.tag == "br" for child in children):
        return
    current: tuple[str, list[tuple[HtmlElement, str]]] = (element.text or "", [])
    runs: list[HtmlElement | tuple[str, list[tuple[HtmlElement, str]]]] = [current]
    element.text = None
    for child in children:  # runs of text with their inline elements, and blocks alone
        tail, child.tail = child.tail or "", None
        element.remove(child)
        if child.tag == "br":
            current = (tail, [])
            runs.append(current)
        elif _is_block(child):
            current = (tail, [])
            runs += [child, current]
        else:
            current[1].append((child, tail))
    for run in runs:
        if not isinstance(run, tuple):
            element.append(run)
        elif run[1] or run[0].strip():
            paragraph = etree.SubElement(element, "p")
            paragraph.text = run[0]
            for node, tail in run[1]:
                paragraph.append(node)
                node.tail = tail


def _prepared(html: str) -> HtmlElement:
    """The page as a tree for trafilatura: inline formatting unwrapped, text runs between ``<br>``
    and ``div``s holding only text made paragraphs (it loses words in both)."""
    tree = lxml.html.document_fromstring(html)
    etree.strip_tags(tree, *_INLINE_FORMATTING)
    for element in list(tree.iter("div", "section", "article", "td")):
        _runs_as_paragraphs(element)
    for element in tree.iter("div", "section", "article"):
        if (element.text or "").strip() and not any(_is_block(c) for c in element):
            element.tag = "p"
    return tree


#: A run whose text outside links is shorter than this, and shorter than its link text, is a
#: line of links with a label ("Read also: ...", "Other languages: ..."), not prose.
MAX_LINK_LABEL = 30
_BLOCK_TAGS = frozenset({"p", "head", "quote", "list", "table"})


def _paragraphs(main: HtmlElement, headlines: set[str], drop: set[str]) -> list[str]:
    paragraphs: list[str] = []
    for block in main.iter(*_BLOCK_TAGS):
        ancestors = (a for a in block.iterancestors() if a is main or a.tag in _BLOCK_TAGS)
        if block is main or next(ancestors) is not main:
            continue  # only the outermost text blocks (they may sit in ``<div>``s)
        if block.tag == "list":
            items = [" ".join("".join(item.itertext()).split()) for item in block.iter("item")]
            items = [item for item in items if item]
            if not items or not all(map(_is_date_line, items)):
                paragraphs.extend(item for item in items if item not in drop)
            continue
        for text, plain in _runs(block):
            label = plain.strip(" .,;:|·-–—")
            if not label:
                continue  # only links: category, tags, share, other editions
            if len(label) < MAX_LINK_LABEL and len(text) - len(plain) > len(plain):
                continue  # a label and its links
            if text in headlines or text in drop:
                continue
            if block.tag == "head" and not paragraphs:
                continue  # a heading above the text: the article's head (e.g. the original title)
            if _is_date_line(text) and not _BARE_TIME.match(text):
                continue  # the date line of the head (a bare HH:MM marks live-update blocks)
            paragraphs.append(text)
    return paragraphs


def main_text(html: str, headlines: set[str], drop: set[str]) -> list[str]:
    """The paragraphs (runs of text between line breaks) of the page's main text by trafilatura,
    in its default and precision modes (the reading with more text wins), without headlines,
    runs of link text or a short label with links, lists of dates, and paragraphs in ``drop``."""
    best: list[str] = []
    tree = _prepared(html)
    for precision in (False, True):
        document = trafilatura.bare_extraction(
            tree,
            favor_precision=precision,
            include_comments=False,
            include_tables=False,
            include_links=True,
            prune_xpath=_EMBEDS,
            config=_CONFIG,
        )
        if isinstance(document, Document) and document.body is not None:
            found = _paragraphs(document.body, headlines, drop)
            if sum(map(len, found)) > sum(map(len, best)):
                best = found
    return best


# --------------------------------------------------------------------------- translations
#: Rank of each source of a translation: a lower one wins when several links name one language.
SOURCE_RANK = {"meta": 0, "selector": 1, "generic": 2}
#: A list with at least this many items linking to articles of one edition is a listing.
LISTING_MIN_LINKS = 3
Resolve = Callable[[str], ArticlePath | None]


@dataclass(frozen=True)
class Translations:
    """Canonical URLs of the other editions by language, and the source each came from."""

    urls: dict[str, str]
    sources: dict[str, str]


def _in_listing(anchor: HtmlElement, on_site: Resolve) -> bool:
    """True when the link sits in a news listing: a container with a listing class, or a list
    of items (the largest block around the link holding no other link, and its siblings) most
    of which link to articles of one edition (a translations block links to one per edition)."""
    nodes = (anchor, *anchor.iterancestors())
    if any(LISTING_CLASSES.search((n.get("class") or "").lower()) for n in nodes):
        return True
    parent = anchor.getparent()
    while parent is not None and sum(1 for a in parent.iter("a") if a.get("href")) <= 1:
        parent = parent.getparent()
    if parent is None:
        return False
    linked = [
        child
        for child in parent
        if isinstance(child.tag, str) and (child.tag == "a" or child.find(".//a") is not None)
    ]
    per_edition: Counter[str] = Counter()
    for child in linked:
        articles = (on_site(a.get("href") or "") for a in child.iter("a"))
        per_edition.update({article.edition.code for article in articles if article})
    most = max(per_edition.values(), default=0)
    return most >= LISTING_MIN_LINKS and most * 2 > len(linked)


def discover_translations(
    page: Selector,
    block_css: tuple[str, ...],
    site: SiteUrls,
    own_language: str,
    page_url: str,
    select: Callable[[str], SelectorList[Selector]] | None = None,
) -> Translations:
    """The other editions' versions of the article: on-site links to an article of another
    edition, ranked ``link[rel=alternate][hreflang]`` (``meta``), the layout's translations block
    (``block_css``, ``selector``), any other link outside news listings (``generic``)."""
    css = select or page.css
    on_page: Resolve = cache(lambda href: site.article_path(site.absolute(href, page_url)))
    on_site: Resolve = cache(site.article_path)
    urls: dict[str, str] = {}
    sources: dict[str, str] = {}

    def consider(href: str, kind: str, anchor: HtmlElement | None) -> None:
        article = on_page(href) if href else None
        if article is None or article.edition.code == own_language:
            return
        code = article.edition.code
        if code in urls and SOURCE_RANK[sources[code]] <= SOURCE_RANK[kind]:
            return
        if anchor is None or not _in_listing(anchor, on_site):
            urls[code], sources[code] = article.url, kind

    for link in links(page, "alternate"):
        if link.attrib.get("hreflang"):
            consider(link.attrib.get("href") or "", "meta", None)
    block = next(filter(None, map(css, block_css)), SelectorList())
    for node in block:
        consider(node.attrib.get("href") or "", "selector", None)
    # A ``generic`` candidate never beats another: with every other edition named, the page's
    # other links cannot change the result.
    if any(code != own_language and code not in urls for code in EDITIONS):
        block_nodes = {node.root for node in block}
        for body in css("body")[:1]:
            for anchor in body.root.iter("a"):
                href = anchor.get("href")
                if href and anchor not in block_nodes:
                    consider(href, "generic", anchor)
    ordered = sorted(urls)
    return Translations({c: urls[c] for c in ordered}, {c: sources[c] for c in ordered})
