"""Validation against the declared Article schema; every failed check is a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler

from newscrawl.dates import DateError, parse_iso
from newscrawl.editions import LANGUAGES
from newscrawl.items import REQUIRED_FIELDS, Article
from newscrawl.pipelines import ArticlePipeline

#: The declared schema: field -> accepted types (None allowed where listed).
SCHEMA: dict[str, tuple[type, ...]] = {
    "url": (str,),
    "language": (str,),
    "article_id": (int, type(None)),
    "slug": (str,),
    "title": (str,),
    "lead": (str, type(None)),
    "body": (str,),
    "published_at": (str,),
    "published_at_raw": (str,),
    "modified_at": (str, type(None)),
    "category": (str, type(None)),
    "category_slug": (str, type(None)),
    "tags": (list,),
    "images": (list,),
    "translations": (dict,),
    "badges": (list,),
    "crawled_at": (str,),
    "content_hash": (str,),
    "revision": (int,),
    "layout": (str,),
    "dateline": (str, type(None)),
    "warnings": (list,),
    "sources": (dict,),
    "revision_reason": (str, type(None)),
    "archive": (dict, type(None)),
}
MAX_FUTURE = timedelta(days=1)


def _timestamp_problem(value: str, name: str, now: datetime) -> str | None:
    try:
        moment = parse_iso(value)
    except DateError:
        return f"bad_date:{name}"
    if "+" not in value[10:] and "-" not in value[10:] and not value.endswith("Z"):
        return f"no_offset:{name}"
    if moment - now > MAX_FUTURE:
        return f"future_date:{name}"
    return None


def schema_problems(article: Article, min_body_words: int, site_check: Any = None) -> list[str]:
    """Every way ``article`` breaks the schema, as reason codes (empty when it is valid)."""
    problems: list[str] = []
    values = dict(article)
    for name, types in SCHEMA.items():
        if not isinstance(values[name], types) or isinstance(values[name], bool):
            problems.append(f"bad_type:{name}")
    for name in REQUIRED_FIELDS:
        value = values[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"missing:{name}")
    if isinstance(article.language, str) and article.language not in LANGUAGES:
        problems.append("bad_language")
    now = datetime.now(UTC)
    for name in ("published_at", "modified_at"):
        value = values[name]
        if isinstance(value, str) and value:
            problem = _timestamp_problem(value, name, now)
            if problem:
                problems.append(problem)
    body = article.body if isinstance(article.body, str) else ""
    if body.strip() and len(body.split()) < min_body_words:
        problems.append("body_too_short")
    url = article.url if isinstance(article.url, str) else ""
    if site_check is not None and url and site_check.article_path(url) is None:
        problems.append("url_not_on_site")
    for image in article.images if isinstance(article.images, list) else []:
        if not isinstance(image, dict) or not isinstance(image.get("url"), str):
            problems.append("bad_type:images")
            break
    return list(dict.fromkeys(problems))


class ValidatePipeline(ArticlePipeline):
    """Drops an article that breaks the schema, with a reject record of every reason."""

    stage = "validate"

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.min_body_words = crawler.settings.getint("NEWSCRAWL_MIN_BODY_WORDS", 5)

    def process_article(self, article: Article) -> Article:
        site = getattr(self.crawler.spider, "site", None)
        problems = schema_problems(article, self.min_body_words, site)
        if not problems:
            return article
        for problem in problems:
            self.inc(str(article.language), f"invalid/{problem}")
        raise self.reject(article, problems)
