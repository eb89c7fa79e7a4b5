"""HTML (and RSS/XML) of every page of the replica, following docs/site-markup.md.

All functions are pure: site data + clock + base URL in, text out. Absolute URLs (canonical,
hreflang, short link, RSS, sitemap) are built from ``base`` (the URL the server is reached at);
links inside pages are relative, as on the real site. Photos keep the real image host.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from html import escape
from typing import Any, cast

from tests.site import dates
from tests.site.compose import PHOTO_HOST
from tests.site.content import ArticleView, Site
from tests.site.editions import EDITIONS, ORDER, Edition
from tests.site.model import Article, Block
from tests.site.textkit import Seg
from tests.site.translit import slugify

PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
SITE_NAME = "Report.az"
FEED_SIZE = 20
#: Cards of a date-archive page: the day's latest only, as on the live site (site-facts.md).
ARCHIVE_SIZE = 12
HOME_SIZE = 12
LATEST_SIZE = 10
RSS_SIZE = 50
#: A paragraph that is only a time: it opens a block of a live-update page.
_LIVE_MARK = re.compile(r"\d{1,2}:\d{2}")


def esc(text: str) -> str:
    return escape(text, quote=False)


def attr(text: str) -> str:
    return escape(text, quote=True)


def segments_html(segs: tuple[Seg, ...] | list[Seg]) -> str:
    out = []
    for kind, text, href in segs:
        if kind == "t":
            out.append(esc(text))
        elif kind == "a":
            out.append(f'<a href="{attr(href)}">{esc(text)}</a>')
        else:
            out.append(f"<{kind}>{esc(text)}</{kind}>")
    return "".join(out)


# --------------------------------------------------------------------------- page frame
def _header(ed: Edition) -> str:
    menu = "".join(
        f'<li><a href="{ed.prefix}/{slug}/">{esc(label)}</a></li>'
        for slug, label in ed.categories.items()
    )
    langs = "".join(
        f'<a class="lang{" active" if code == ed.code else ""}" href="{EDITIONS[code].home_path}"'
        f">{code.upper()}</a>"
        for code in ORDER
    )
    return (
        '<header class="header">\n'
        f'<a class="header__logo" href="{ed.home_path}"><img src="/assets/img/logo.svg" alt="Report"></a>\n'
        f'<nav class="header__menu"><ul>{menu}</ul></nav>\n'
        f'<div class="header__langs">{langs}</div>\n'
        "</header>\n"
    )


def _page(ed: Edition, title: str, head: str, main: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{ed.code}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} - {SITE_NAME}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{head}"
        '<link rel="stylesheet" href="/assets/css/app.css">\n'
        "</head>\n<body>\n"
        f"{_header(ed)}"
        f'<main class="container">\n{main}</main>\n'
        '<footer class="footer"><p>© 2014-2025 Report.az</p></footer>\n'
        "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- cards
def card_href(site: Site, art: Article) -> str:
    variant = site.look(art).card_href
    if variant == "slash":
        return art.clean_path + "/"
    if variant == "utm":
        return art.path + "?utm_source=feed"
    if variant == "az" and art.ed == "az":
        return "/az" + art.path
    return art.path


def card(site: Site, art: Article, now: int) -> str:
    """One ``div.index-post-block`` feed card."""
    look = site.look(art)
    texts = EDITIONS[art.ed].texts
    block_class = "col-md-3 index-post-block " if look.card_class_space else "index-post-block"
    title_class = "news__title " if look.card_class_space else "news__title"
    parts = [
        f'<div class="{block_class}" data-timestamp="{dates.timestamp(art.pub)}">\n',
        f'  <a class="news__item" href="{attr(card_href(site, art))}">\n',
    ]
    if look.photo:
        parts.append(
            f'    <div class="news__img"><img src="{PLACEHOLDER}" '
            f'data-src="{PHOTO_HOST}/{look.photo}_490.jpg" alt=""></div>\n'
        )
    if look.badge:
        parts.append(f'    <span class="news__badge">{esc(texts.BADGES[look.badge])}</span>\n')
    parts.append(f'    <h2 class="{title_class}">{esc(site.title(art, now))}</h2>\n')
    if look.card_category:
        parts.append(
            f'    <span class="news__category">{esc(EDITIONS[art.ed].label(art.cat))}</span>\n'
        )
    parts.append(
        f'    <ul class="news__date"><li>{dates.current_date(art.ed, art.pub)}</li>'
        f"<li>{dates.hhmm(art.pub)}</li></ul>\n"
        "  </a>\n</div>\n"
    )
    return "".join(parts)


def newest(site: Site, ed: str, now: int, count: int) -> list[Article]:
    """Up to ``count`` visible articles, newest first."""
    index = site.index[ed]
    end = index.visible(now)
    return index.arts[max(0, end - count) : end][::-1]


def feed_batch(site: Site, ed: str, now: int, cursor: int | None = None) -> list[Article]:
    """One feed page or scroll batch, newest first.

    Cards with ``data-timestamp <= cursor`` (inclusive: the cursor card comes again). A batch
    holds ``FEED_SIZE`` cards, plus any further cards sharing the last card's timestamp, so
    a timestamp group is never split; when nothing older than the cursor is left the batch is
    empty (the end of the feed).
    """
    index = site.index[ed]
    pubs = index.pubs
    if cursor is not None and bisect_left(pubs, cursor) == 0:
        return []
    end = index.visible(min(now, cursor) if cursor is not None else now)
    start = max(0, end - FEED_SIZE)
    while 0 < start < end and pubs[start - 1] == pubs[start]:
        start -= 1
    return index.arts[start:end][::-1]


def scroll_fragment(site: Site, ed: str, now: int, cursor: int | None) -> str:
    """The infinite-scroll answer (an HTML fragment of cards; empty at the end)."""
    return "".join(card(site, art, now) for art in feed_batch(site, ed, now, cursor))


def feed_page(site: Site, ed_code: str, now: int) -> str:
    ed = EDITIONS[ed_code]
    texts = ed.texts
    cards = "".join(card(site, art, now) for art in feed_batch(site, ed_code, now))
    main = (
        f'<h1 class="section-title">{esc(texts.LATEST_NEWS)}</h1>\n'
        f'<div class="news-list row">\n{cards}</div>\n'
        f'<div class="loadContainer" data-url="{ed.infinity_path}"></div>\n'
    )
    return _page(ed, texts.LATEST_NEWS, "", main)


def home_page(site: Site, ed_code: str, now: int, base: str) -> str:
    ed = EDITIONS[ed_code]
    texts = ed.texts
    cards = "".join(card(site, art, now) for art in newest(site, ed_code, now, HOME_SIZE))
    link_class = "all-news" if ed_code == "az" else "more-link"
    main = (
        f'<section class="top-news">\n<h2 class="block-title">{esc(texts.LATEST_NEWS)}</h2>\n'
        f'<div class="row">\n{cards}</div>\n'
        f'<div class="more"><a class="{link_class}" href="{ed.feed_path}">'
        f"{esc(texts.FEED_LINK_TEXT)}</a></div>\n</section>\n"
    )
    head = f'<link rel="canonical" href="{base}{ed.home_path}">\n'
    return _page(ed, texts.HOME_TITLE, head, main)


def listing_page(site: Site, ed_code: str, heading: str, arts: list[Article], now: int) -> str:
    """Category and date-archive pages: a heading and cards."""
    ed = EDITIONS[ed_code]
    cards = "".join(card(site, art, now) for art in arts)
    main = f'<h1 class="section-title">{esc(heading)}</h1>\n<div class="news-list row">\n{cards}</div>\n'
    return _page(ed, heading, "", main)


def not_found_page(ed_code: str) -> str:
    ed = EDITIONS[ed_code]
    main = f'<div class="error-page"><h1>404</h1><p>{esc(ed.texts.NOT_FOUND)}</p></div>\n'
    return _page(ed, ed.texts.NOT_FOUND, "", main)


# --------------------------------------------------------------------------- article pages
def _jsonld(view: ArticleView, base: str) -> str:
    art = view.art
    canonical = base + art.path
    ed = EDITIONS[art.ed]
    news: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": view.title,
        "datePublished": dates.iso(art.pub),
    }
    if view.modified is not None:
        news["dateModified"] = dates.iso(view.modified)
    if view.description is not None:
        news["description"] = view.description
    news["articleBody"] = "\n\n".join(view.body.paragraphs)
    if view.og_image:
        news["image"] = [view.og_image]
    news["inLanguage"] = art.ed
    if view.tags:
        news["keywords"] = ", ".join(view.tags)
    news["articleSection"] = view.category_label
    news["author"] = {"@type": "Organization", "name": "Report"}
    news["publisher"] = {"@type": "Organization", "name": "Report.az"}
    news["mainEntityOfPage"] = canonical
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": view.category_label,
                "item": f"{base}{ed.prefix}/{art.cat}/",
            },
            {"@type": "ListItem", "position": 2, "name": view.title, "item": canonical},
        ],
    }
    context = "https://schema.org"
    data: Any
    if view.look.jsonld == "object":
        data = {"@context": context, **news}
    elif view.look.jsonld == "list":
        data = [{"@context": context, **news}, {"@context": context, **crumbs}]
    else:
        data = {"@context": context, "@graph": [news, crumbs]}
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def _article_head(view: ArticleView, base: str) -> str:
    art = view.art
    canonical = base + art.path
    lines = [f'<link rel="canonical" href="{attr(canonical)}">']
    alternates = {t.ed: t for t in view.translations}
    if view.look.self_hreflang:
        alternates[art.ed] = art
    for code in ORDER:
        if code in alternates:
            lines.append(
                f'<link rel="alternate" hreflang="{code}" href="{attr(base + alternates[code].path)}">'
            )
    if art.meta:
        lines.append(f'<meta property="og:title" content="{attr(view.title)}">')
        lines.append('<meta property="og:type" content="article">')
        lines.append(f'<meta property="og:url" content="{attr(canonical)}">')
        if view.og_image:
            lines.append(f'<meta property="og:image" content="{attr(view.og_image)}">')
        if view.description is not None:
            lines.append(f'<meta name="description" content="{attr(view.description)}">')
        lines.append(f'<meta property="article:published_time" content="{dates.iso(art.pub)}">')
        if view.modified is not None:
            lines.append(
                f'<meta property="article:modified_time" content="{dates.iso(view.modified)}">'
            )
        lines.append(f'<meta property="article:section" content="{attr(view.category_label)}">')
    head = "\n".join(lines) + "\n"
    if view.look.jsonld != "none":
        head += _jsonld(view, base)
    return head


def _tags_html(view: ArticleView, css_class: str) -> str:
    prefix = EDITIONS[view.art.ed].prefix
    links = "".join(f'<a href="{prefix}/tags/{slugify(tag)}">{esc(tag)}</a>' for tag in view.tags)
    return f'<div class="{css_class}">{links}</div>\n'


def _tweet_html(art: Article) -> str:
    texts = EDITIONS[art.ed].texts
    status = 1_700_000_000_000_000_000 + art.aid
    return (
        f'<blockquote class="twitter-tweet"><p lang="{art.ed}" dir="ltr">{esc(texts.TWEET_TEXT)} '
        f'<a href="https://t.co/{art.aid}">pic.twitter.com/{art.aid}</a></p>&mdash; '
        f"{esc(texts.TWEET_AUTHOR)} (@{texts.TWEET_HANDLE}) "
        f'<a href="https://twitter.com/{texts.TWEET_HANDLE}/status/{status}?ref_src=twsrc%5Etfw">'
        f"{dates.current_date('en', art.pub)}</a></blockquote>\n"
        '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
    )


def _blocks_html(view: ArticleView, tags_inside: bool) -> str:
    art = view.art
    out: list[str] = []
    opens_block = True  # the body's first paragraph, or the first after a live ``HH:MM`` mark
    block: Block
    for block in view.body.blocks:
        kind, data = block
        if kind == "p":
            segs: Any = data
            inner = segments_html(segs)
            if opens_block and view.body.dateline:
                look = view.look
                dateline = esc(view.body.dateline)
                if look.dateline_bold:
                    dateline = f"<b>{dateline}</b>"
                inner = dateline + (" " if look.dateline_space else "") + inner
            opens_block = _LIVE_MARK.fullmatch(inner) is not None
            out.append(f"<p>{inner}</p>\n")
        elif kind == "share":
            text, href = cast(tuple[str, str], data)
            out.append(
                f'<p class="share-line"><a href="{attr(href)}" target="_blank" rel="noopener">'
                f"{esc(text)}</a></p>\n"
            )
        elif kind == "script":
            out.append(
                "<script>window.reportAds = window.reportAds || [];"
                f' reportAds.push({{slot: "in-article", id: {art.aid}}});</script>\n'
            )
        elif kind == "style":
            out.append("<style>.news-detail__desc p { margin: 0 0 1em; }</style>\n")
        elif kind == "tweet":
            out.append(_tweet_html(art))
        elif kind == "iframe":
            out.append(
                f'<div class="video-embed"><iframe src="{attr(str(data))}" width="560" height="315" '
                'frameborder="0" allowfullscreen></iframe></div>\n'
            )
        elif kind == "tags" and tags_inside and view.tags:
            out.append(_tags_html(view, "tags"))
    return "".join(out)


def _short_link(view: ArticleView, base: str) -> str:
    """``report.az/2844552`` on current pages (no edition segment, as on the live site),
    ``report.az/en/2844552`` on older ones; with or without the scheme."""
    host = base if view.look.short_https else base.split("://", 1)[-1]
    prefix = EDITIONS[view.art.ed].prefix if view.art.layout != "current" else ""
    return f"{host}{prefix}/{view.art.aid}"


def _trending_html(ed: Edition) -> str:
    """The trending-topics bar above the headline of current pages: links to tag pages that
    are not the article's tags."""
    links = "".join(
        f'<a href="{ed.prefix}/tags/{slugify(label)}">{esc(label)}</a>'
        for label in ed.texts.TRENDING
    )
    return f'<div class="tags tags--trending">{links}</div>\n'


def _latest_html(site: Site, ed: Edition, now: int) -> str:
    texts = ed.texts
    items = []
    for art in newest(site, ed.code, now, LATEST_SIZE):
        badge = site.look(art).badge
        badge_html = (
            f'<span class="latest-news__badge">{esc(texts.BADGES[badge])}</span>' if badge else ""
        )
        items.append(
            f'<li class="latest-news__item"><a href="{attr(art.path)}">'
            f'<span class="latest-news__time">{dates.hhmm(art.pub)}</span>{badge_html}'
            f'<span class="latest-news__title">{esc(site.title(art, now))}</span>'
            f'<span class="latest-news__category">{esc(ed.label(art.cat))}</span></a></li>'
        )
    return (
        '<aside class="latest-news">\n'
        f'<h3 class="latest-news__heading">{esc(texts.LATEST_NEWS)}</h3>\n'
        f'<ul class="latest-news__list">\n{chr(10).join(items)}\n</ul>\n'
        f'<a class="latest-news__all" href="{ed.feed_path}">{esc(texts.FEED_LINK_TEXT)}</a>\n'
        "</aside>\n"
    )


def _translations_html(site: Site, view: ArticleView, now: int, css_class: str) -> str:
    if not view.translations:
        return ""
    links = "".join(
        f'<a hreflang="{t.ed}" href="{attr(t.path)}">{esc(site.title(t, now))}</a>'
        for t in sorted(view.translations, key=lambda t: ORDER.index(t.ed))
    )
    return f'<div class="{css_class}">{links}</div>\n'


def _current_main(site: Site, view: ArticleView, base: str, now: int) -> str:
    art, look = view.art, view.look
    ed = EDITIONS[art.ed]
    parts = [
        '<div class="news-detail">\n',
        _trending_html(ed),
        f'<h1 class="section-title">{esc(view.title)}</h1>\n',
        '<div class="news-detail__head">\n',
        f'<a class="news__category" href="{ed.prefix}/{art.cat}/">{esc(view.category_label)}</a>\n',
        f'<ul class="news__date"><li>{view.date_text}</li><li>{view.time_text}</li></ul>\n',
        f'<h2 class="news-detail__title">{esc(view.original_title)}</h2>\n',
        "</div>\n",
    ]
    if view.image_url:
        if look.lazy:
            img = f'<img src="{PLACEHOLDER}" data-src="{view.image_url}" alt="{attr(view.title)}">'
        else:
            img = f'<img src="{view.image_url}" alt="{attr(view.title)}">'
        caption = f'<span class="photo-caption">{esc(view.caption)}</span>' if view.caption else ""
        parts.append(f'<div class="news-detail__main-photo">{img}{caption}</div>\n')
    parts.append(f'<div class="copy-url" data-url="{attr(_short_link(view, base))}"></div>\n')
    parts.append(f'<div class="news-detail__desc">\n{_blocks_html(view, look.tags_inside)}</div>\n')
    if not look.tags_inside and view.tags:
        parts.append(_tags_html(view, "tags"))
    parts.append(_translations_html(site, view, now, "news-detail__translations"))
    parts.append("</div>\n")
    return "".join(parts)


def _main_2019(site: Site, view: ArticleView, base: str, now: int) -> str:
    art = view.art
    ed = EDITIONS[art.ed]
    parts = [
        '<div class="article-page">\n',
        f'<a class="article-category" href="{ed.prefix}/{art.cat}/">{esc(view.category_label)}</a>\n',
        f'<h1 class="article-title">{esc(view.title)}</h1>\n',
        f'<div class="article-date">\n    {view.date_text}\n    {view.time_text}\n</div>\n',
    ]
    if view.image_url:
        caption = f'<div class="image-caption">{esc(view.caption)}</div>' if view.caption else ""
        parts.append(
            f'<div class="article-image"><img src="{view.image_url}" alt="">{caption}</div>\n'
        )
    parts.append(f'<div class="copy-url" data-url="{attr(_short_link(view, base))}"></div>\n')
    parts.append(f'<div class="article-text">\n{_blocks_html(view, False)}</div>\n')
    if view.tags:
        parts.append(_tags_html(view, "article-tags"))
    parts.append(_translations_html(site, view, now, "article-translations"))
    parts.append("</div>\n")
    return "".join(parts)


def _main_oldest(view: ArticleView) -> str:
    parts = []
    if view.image_url:
        parts.append(
            f'<div class="news-cover"><div class="image"><img src="{view.image_url}" alt=""></div></div>\n'
        )
    parts.append(f'<h1 class="news-title">{esc(view.title)}</h1>\n')
    parts.append(f'<div class="news-date">{view.published_raw}</div>\n')
    parts.append(f'<div class="editor-body">\n{_blocks_html(view, False)}</div>\n')
    return "".join(parts)


def article_page(site: Site, art: Article, now: int, base: str) -> str:
    """The article page in the article's layout."""
    view = site.view(art, now)
    ed = EDITIONS[art.ed]
    if art.layout == "current":
        main = _current_main(site, view, base, now)
    elif art.layout == "2019":
        main = _main_2019(site, view, base, now)
    else:
        main = _main_oldest(view)
    main += _latest_html(site, ed, now)
    return _page(ed, view.title, _article_head(view, base), main)


def amp_page(site: Site, art: Article, now: int, base: str) -> str:
    """The minimal AMP copy (``/en/amp/...``), pointing to the canonical page."""
    view = site.view(art, now)
    paragraphs = "".join(f"<p>{esc(p)}</p>\n" for p in view.body.paragraphs)
    others = "".join(  # the live site's AMP pages end with such a block
        f'<li><a href="{attr(base + other.path)}">{esc(site.title(other, now))}</a></li>\n'
        for other in newest(site, art.ed, now, 6)
        if other is not art
    )
    return (
        "<!doctype html>\n"
        f'<html amp lang="{art.ed}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(view.title)} - {SITE_NAME}</title>\n"
        f'<link rel="canonical" href="{attr(base + art.path)}">\n'
        '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        "</head>\n<body>\n"
        f'<article class="amp-article">\n<h1 class="amp-title">{esc(view.title)}</h1>\n'
        f'<div class="amp-date">{view.published_raw}</div>\n'
        f'<div class="amp-body">\n{paragraphs}</div>\n</article>\n'
        f'<section class="amp-other-news">\n<h2>{esc(EDITIONS[art.ed].texts.OTHER_NEWS)}</h2>\n'
        f"<ul>\n{others}</ul>\n</section>\n"
        "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- feeds
def rss(site: Site, ed_code: str, now: int, base: str) -> str:
    ed = EDITIONS[ed_code]
    items = []
    for art in newest(site, ed_code, now, RSS_SIZE):
        view = site.view(art, now)
        enclosure = (
            f'<enclosure url="{attr(view.og_image)}" type="image/jpeg" length="0"/>'
            if view.og_image
            else ""
        )
        description = view.description or view.body.paragraphs[0]
        link = esc(base + art.path)
        items.append(
            f"<item><title>{esc(view.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{dates.rfc822(art.pub)}</pubDate>"
            f"<category>{esc(view.category_label)}</category>"
            f"<description>{esc(description)}</description>{enclosure}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{SITE_NAME}</title>\n<link>{esc(base + ed.home_path)}</link>\n"
        f"<description>{esc(ed.texts.HOME_TITLE)}</description>\n<language>{ed_code}</language>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def news_sitemap(site: Site, ed_code: str, now: int, base: str) -> str:
    """Google News sitemap of the last two days (at most 1000 entries)."""
    urls = []
    for art in newest(site, ed_code, now, 1000):
        if art.pub < now - 2 * 86400:
            break
        look = site.look(art)
        image = (
            f"<image:image><image:loc>{PHOTO_HOST}/{look.photo}.jpg</image:loc></image:image>"
            if look.photo
            else ""
        )
        urls.append(
            f"<url><loc>{esc(base + art.path)}</loc><news:news><news:publication>"
            f"<news:name>{SITE_NAME}</news:name><news:language>{ed_code}</news:language>"
            f"</news:publication><news:publication_date>{dates.iso(art.pub)}"
            f"</news:publication_date><news:title>{esc(site.title(art, now))}</news:title>"
            f"</news:news>{image}</url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        + "\n".join(urls)
        + "\n</urlset>\n"
    )


def robots(base: str) -> str:
    return (
        "User-agent: *\nAllow: /__r/\nAllow: /__loop/\nDisallow: /search\nDisallow: /__\n\n"
        f"Sitemap: {base}/news-sitemap.xml\n"
    )
