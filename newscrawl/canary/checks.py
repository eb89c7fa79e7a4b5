"""The canary's verdicts: one row per edition and check, a field table, the exit status.

Checks, per edition: ``home`` (the home page answers 200), ``feed_link`` (the home page links
to the feed; a feed reached only by the fallback path fails it: the site changed), ``feed``
(the feed page has cards), ``scroll`` (one scroll batch answers with cards older than the
cursor: newer -> older), ``rss`` (``/rss/`` answers 200 with items), ``robots`` (robots.txt,
read with Scrapy's own parser, allows every path the crawl needs: home, feed, scroll endpoint,
an article, RSS, the date archive), ``article`` (the newest articles extract with a known
layout and every required field). Exit status 0 only when every check of every edition passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newscrawl.canary.observe import CanarySeen, EditionSeen, FeedSeen
from newscrawl.dates import BAKU
from newscrawl.editions import EDITIONS
from newscrawl.items import REQUIRED_FIELDS

#: Exit status when a check failed (as a failed health check of a crawl).
EXIT_FAILED = 3
KNOWN_LAYOUTS = ("current", "2019", "oldest")
CHECKS = ("home", "feed_link", "feed", "scroll", "rss", "robots", "article")
#: Fields shown in the field table, in the Article's order.
SHOWN_FIELDS = (
    "title",
    "lead",
    "body",
    "published_at",
    "modified_at",
    "category",
    "category_slug",
    "tags",
    "images",
    "translations",
    "badges",
    "article_id",
)


@dataclass
class Verdict:
    """One check of one edition."""

    edition: str
    check: str
    ok: bool
    detail: str


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _feed_detail(feed: FeedSeen) -> str:
    return f"{feed.cards} cards, {feed.newest or '?'} .. {feed.oldest or '?'}"


def _scroll(seen: EditionSeen) -> Verdict:
    scroll, feed = seen.scroll, seen.feed
    if scroll is None:
        why = "no scroll endpoint (.loadContainer[data-url])" if feed and feed.cards else "no feed"
        return Verdict(seen.code, "scroll", False, why)
    if not scroll.fetch.ok:
        return Verdict(seen.code, "scroll", False, scroll.fetch.describe())
    first = set(feed.hrefs) if feed else set()
    older = (
        scroll.oldest is not None and scroll.cursor is not None and scroll.oldest < scroll.cursor
    )
    moved = scroll.cards > 0 and older and bool(set(scroll.hrefs) - first)
    detail = f"{_feed_detail(scroll)} from cursor {scroll.cursor}"
    if not moved:
        detail = f"cursor did not move: {detail}"
    return Verdict(seen.code, "scroll", moved, detail)


def _article(seen: EditionSeen) -> Verdict:
    if not seen.articles:
        return Verdict(seen.code, "article", False, "no article reached")
    problems, layouts = [], []
    for article in seen.articles:
        item = article.item
        if item is None:
            problems.append(article.reject or article.fetch.describe())
            continue
        layouts.append(str(item.get("layout")))
        if item.get("layout") not in KNOWN_LAYOUTS:
            problems.append(f"layout {item.get('layout')!r}: the article markup is not recognised")
        missing = [name for name in REQUIRED_FIELDS if not _filled(item.get(name))]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
    extracted = len(seen.articles) - sum(1 for a in seen.articles if a.item is None)
    detail = f"{extracted}/{len(seen.articles)} extracted ({', '.join(layouts) or '-'})"
    if problems:
        detail += "; " + "; ".join(dict.fromkeys(problems))
    return Verdict(seen.code, "article", not problems, detail)


def _needed_urls(seen: EditionSeen, base_url: str) -> list[str]:
    edition = EDITIONS[seen.code]
    today = datetime.now(BAKU)
    urls = [
        base_url + edition.home_path,
        seen.feed_url or base_url + edition.feed_fallback_path,
        base_url + f"{edition.prefix}/rss/",
        base_url + f"{edition.prefix}/archive/{today:%Y/%m/%d}",
    ]
    if seen.scroll is not None:
        urls.append(seen.scroll.fetch.url)
    urls += [article.fetch.url for article in seen.articles[:1]]
    return urls


def robots_verdicts(seen: CanarySeen, allowed: Any) -> dict[str, Verdict]:
    """``robots`` per edition; ``allowed(url) -> bool`` is Scrapy's robots.txt parser."""
    verdicts: dict[str, Verdict] = {}
    robots = seen.robots
    for code, edition in seen.editions.items():
        urls = _needed_urls(edition, seen.base_url)
        if robots is None or (not robots.ok and robots.status is None):
            why = robots.describe() if robots else "not fetched"
            verdicts[code] = Verdict(code, "robots", False, f"robots.txt: {why}")
            continue
        refused = [url.removeprefix(seen.base_url) or "/" for url in urls if not allowed(url)]
        status = f"robots.txt {robots.status}"
        if refused:
            detail = f"{status}; disallowed: {', '.join(refused)}"
        else:
            detail = f"{status}; {len(urls)}/{len(urls)} paths allowed"
        verdicts[code] = Verdict(code, "robots", not refused, detail)
    return verdicts


def edition_verdicts(seen: EditionSeen, robots: Verdict) -> list[Verdict]:
    """Every check of one edition, in ``CHECKS`` order."""
    code = seen.code
    home = seen.home
    verdicts = [
        Verdict(code, "home", bool(home and home.ok), home.describe() if home else "not fetched")
    ]
    link_ok = seen.feed_how == "home link"
    link_detail = f"{seen.feed_how or 'no feed'} -> {seen.feed_url or '-'}"
    verdicts.append(Verdict(code, "feed_link", link_ok, link_detail))
    feed = seen.feed
    if feed is None:
        verdicts.append(Verdict(code, "feed", False, "no feed page"))
    elif not feed.fetch.ok:
        verdicts.append(Verdict(code, "feed", False, feed.fetch.describe()))
    else:
        verdicts.append(Verdict(code, "feed", feed.cards > 0, _feed_detail(feed)))
    verdicts.append(_scroll(seen))
    rss = seen.rss
    rss_ok = bool(rss and rss.ok and seen.rss_items > 0)
    rss_detail = f"{rss.describe()}, {seen.rss_items} items" if rss else "not fetched"
    verdicts.append(Verdict(code, "rss", rss_ok, rss_detail))
    verdicts.append(robots)
    verdicts.append(_article(seen))
    return verdicts


def all_verdicts(seen: CanarySeen, allowed: Any) -> list[Verdict]:
    robots = robots_verdicts(seen, allowed)
    return [v for code, ed in seen.editions.items() for v in edition_verdicts(ed, robots[code])]


def exit_status(verdicts: list[Verdict]) -> int:
    return 0 if all(v.ok for v in verdicts) else EXIT_FAILED


def _short(value: Any, width: int = 38) -> str:
    if isinstance(value, list):
        text = f"[{len(value)}] " + ", ".join(
            str(v.get("url") if isinstance(v, dict) else v) for v in value
        )
    elif isinstance(value, dict):
        text = f"{{{len(value)}}} " + ", ".join(value)
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def field_table(seen: EditionSeen) -> list[str]:
    """Per field: the newest article's value, each article's source, and the coverage."""
    items = [(a.sources, a.item, a.derived_sources) for a in seen.articles if a.item is not None]
    if not items:
        return []
    heads = " ".join(f"source#{n + 1:<3}" for n in range(len(items)))
    lines = [f"  {'field':<14} {'value (newest)':<38} {heads} coverage"]
    for name in SHOWN_FIELDS:
        filled = [_filled(item.get(name)) for _, item, _ in items]
        sources = " ".join(
            f"{(found.get(name) or ('?' if has else '-')):<10}"
            for (found, _, _), has in zip(items, filled, strict=True)
        )
        value = _short(items[0][1].get(name))
        lines.append(f"  {name:<14} {value:<38} {sources} {sum(filled)}/{len(items)}")
    if any(derived for _, _, derived in items):
        lines.append(
            "  (sources: the extractor does not report them yet; shown where they can be told "
            "from outside, '?' elsewhere)"
        )
    return lines


def render(seen: CanarySeen, verdicts: list[Verdict]) -> str:
    """The table a person reads at a glance, and the verdict line."""
    lines = [
        f"newscrawl canary: {seen.base_url} ({seen.elapsed:.1f} s, User-Agent {seen.user_agent!r})",
        "",
        f"{'edition':<8} {'check':<10} {'result':<6} detail",
        "-" * 100,
    ]
    for verdict in verdicts:
        result = "OK" if verdict.ok else "FAIL"
        lines.append(f"{verdict.edition:<8} {verdict.check:<10} {result:<6} {verdict.detail}")
    for code, edition in seen.editions.items():
        table = field_table(edition)
        if table:
            lines += ["", f"{code}: fields of the newest articles", *table]
    failing: dict[str, list[str]] = {}
    for verdict in verdicts:
        if not verdict.ok:
            failing.setdefault(verdict.edition, []).append(verdict.check)
    lines.append("")
    if failing:
        named = "; ".join(f"{code}: {', '.join(checks)}" for code, checks in failing.items())
        lines.append(f"RESULT: FAIL ({named})")
    else:
        lines.append(f"RESULT: OK ({', '.join(seen.editions)} passed every check)")
    return "\n".join(lines)
