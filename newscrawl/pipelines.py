"""Item pipelines, in the order of ``ITEM_PIPELINES``: route rejects, clean, validate, content
hash, deduplicate. An item not exported is dropped: :class:`Rejected` carries its reject line;
a plain ``DropItem`` (an unchanged article) is only counted.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from pydantic import ValidationError
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.cleaning import (
    clean_title,
    has_unrepairable_mojibake,
    is_boilerplate_paragraph,
    normalize_line,
    normalize_text,
    repair_mojibake,
    strip_trailing_credit,
)
from newscrawl.items import REQUIRED_FIELDS, Article, Reject
from newscrawl.limits import PageLimits
from newscrawl.run import Run
from newscrawl.site import LANGUAGES, SITE_FIRST, DateError, parse_iso, utc_now_iso
from newscrawl.store import REVISED_WARNING, StateStore, record_hash


class Rejected(DropItem):
    """An item dropped with a reason worth a line in the rejects file."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(f"rejected ({reject.reason}): {reject.url}", log_level="DEBUG")
        self.reject = reject


class RejectsPipeline:
    """First of the pipelines: a :class:`Reject` the spider yielded is dropped as Rejected."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Reject):
            raise Rejected(item)
        return item


class ArticlePipeline:
    """Base class: calls :meth:`process_article` for articles, passes anything else on."""

    stage = "pipeline"

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Article):
            return self.process_article(item)
        return item

    def process_article(self, article: Article) -> Article:
        raise NotImplementedError

    def inc(self, language: str, key: str, count: int = 1) -> None:
        """Add to the stat ``newscrawl/<language>/<key>``."""
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{language}/{key}", count)

    def reject(self, article: Article, reasons: list[str], detail: str = "") -> Rejected:
        """The drop of ``article``: its reject record carries every reason and the item."""
        return Rejected(
            Reject(
                reason=reasons[0],
                reasons=reasons,
                url=article.url,
                language=article.language,
                detail=detail or "; ".join(reasons),
                stage=self.stage,
                crawled_at=utc_now_iso(),
                item=article.model_dump(),
            )
        )


#: One-line text fields.
LINE_FIELDS = ("title", "lead", "category", "published_at_raw", "dateline")


class LimitsPipeline(ArticlePipeline):
    """Bounds what one page put in an article (:class:`~newscrawl.limits.PageLimits`): a text
    field over its limit rejects the article (``over_limit:<field>``, the item left out of the
    reject line); a tag, image or translation whose text or URL is over its limit is dropped,
    and lists past their count are cut, each with a warning (docs/output.md)."""

    stage = "limits"

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.limits = PageLimits.from_settings(crawler.settings)

    def process_article(self, article: Article) -> Article:
        limits = self.limits
        texts = {"url": limits.url_chars, "title": limits.title_chars, "lead": limits.lead_chars}
        texts |= {name: limits.title_chars for name in ("category", "published_at_raw")}
        texts |= {"dateline": limits.title_chars, "body": limits.body_chars}
        for name, limit in texts.items():
            value = getattr(article, name)
            if isinstance(value, str) and len(value) > limit:
                self.inc(str(article.language), f"invalid/over_limit:{name}")
                detail = f"{name} of {len(value)} characters is over the limit of {limit}"
                raise Rejected(
                    Reject(
                        reason=f"over_limit:{name}",
                        reasons=[f"over_limit:{name}"],
                        url=article.url[: limits.url_chars],
                        language=article.language,
                        detail=detail,
                        stage=self.stage,
                        crawled_at=utc_now_iso(),
                    )
                )
        article.tags = self._bounded(article, "tags", article.tags, limits.tags, limits.tag_chars)
        urls = [image.get("url") for image in article.images]
        kept = self._bounded(article, "images", urls, limits.images, limits.url_chars)
        article.images = [image for image in article.images if image.get("url") in kept]
        for image in article.images:
            caption = image.get("caption")
            if isinstance(caption, str) and len(caption) > limits.lead_chars:
                article.warnings.append(f"over_limit: image caption of {len(caption)} dropped")
                image["caption"] = None
        translations = dict(article.translations)
        for language, url in translations.items():
            if isinstance(url, str) and len(url) > limits.url_chars:
                article.warnings.append(f"over_limit: translation URL of {len(url)} dropped")
                del article.translations[language]
        return article

    def _bounded(
        self, article: Article, name: str, values: list[Any], count: int, chars: int
    ) -> list[Any]:
        """``values`` without entries longer than ``chars``, cut to ``count``; warned."""
        kept = [value for value in values if not isinstance(value, str) or len(value) <= chars]
        if len(kept) < len(values):
            longest = max(len(value) for value in values if isinstance(value, str))
            dropped = len(values) - len(kept)
            article.warnings.append(
                f"over_limit: {dropped} {name} longer than {chars} dropped (longest {longest})"
            )
            self.inc(str(article.language), f"over_limit/{name}")
        if len(kept) > count:
            article.warnings.append(f"over_limit: {len(kept)} {name}; the first {count} kept")
            self.inc(str(article.language), f"over_limit/{name}")
            kept = kept[:count]
        return kept


class CleanPipeline(ArticlePipeline):
    """Repairs mojibake (rejects what stays garbled), normalises the text, drops share, promo
    and credit paragraphs and a trailing site name off the headline."""

    stage = "clean"

    def process_article(self, article: Article) -> Article:
        for name in (*LINE_FIELDS, "body"):
            value = getattr(article, name)
            if not isinstance(value, str) or not value:
                continue
            repaired = repair_mojibake(value)
            if repaired != value:
                article.warnings.append(f"mojibake_repaired: {name}")
                self.inc(article.language, "cleaning/MojibakeRepair")
                setattr(article, name, repaired)
            if has_unrepairable_mojibake(repaired):
                self.inc(article.language, f"invalid/mojibake:{name}")
                garbled = "text still garbled after repair"
                raise self.reject(article, [f"mojibake:{name}"], garbled)
        article.title = clean_title(normalize_line(article.title))
        article.published_at_raw = normalize_line(article.published_at_raw)
        for name in ("lead", "category", "dateline"):
            value = getattr(article, name)
            if isinstance(value, str):
                setattr(article, name, normalize_line(value) or None)
        tags = (normalize_line(repair_mojibake(tag)) for tag in article.tags)
        article.tags = [tag for tag in dict.fromkeys(tags) if tag]
        for image in article.images:
            caption = image.get("caption")
            if isinstance(caption, str):
                caption = normalize_line(repair_mojibake(caption)) or None
            image["caption"] = caption if isinstance(caption, str) else None
        language = article.language
        paragraphs = [p for p in normalize_text(article.body).split("\n\n") if p.strip()]
        kept = (
            strip_trailing_credit(p, language)
            for p in paragraphs
            if not is_boilerplate_paragraph(p, language)
        )
        article.body = "\n\n".join(p for p in kept if p)
        return article


MAX_FUTURE = timedelta(days=1)


def schema_problems(article: Article, min_body_words: int, site_check: Any = None) -> list[str]:
    """Every way ``article`` breaks the schema, as reason codes (empty when it is valid)."""
    values = dict(article)
    try:  # the declared schema is the model's: strict, so nothing is coerced
        Article.model_validate(values, strict=True)
        problems: list[str] = []
    except ValidationError as error:
        problems = [f"bad_type:{e['loc'][0]}" for e in error.errors() if e["loc"]]
    for name in REQUIRED_FIELDS:
        value = values[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"missing:{name}")
    if isinstance(article.language, str) and article.language not in LANGUAGES:
        problems.append("bad_language")
    for name in ("published_at", "modified_at"):
        value = values[name]
        if not isinstance(value, str) or not value:
            continue
        try:
            moment = parse_iso(value)
        except DateError:
            problems.append(f"bad_date:{name}")
            continue
        if "+" not in value[10:] and "-" not in value[10:] and not value.endswith("Z"):
            problems.append(f"no_offset:{name}")
        elif moment - datetime.now(UTC) > MAX_FUTURE:
            problems.append(f"future_date:{name}")
        elif moment < SITE_FIRST:
            problems.append(f"implausible_date:{name}")
    body = article.body if isinstance(article.body, str) else ""
    if body.strip() and len(body.split()) < min_body_words:
        problems.append("body_too_short")
    url = article.url if isinstance(article.url, str) else ""
    path = site_check.article_path(url) if site_check is not None and url else None
    if site_check is not None and url and path is None:
        problems.append("url_not_on_site")
    elif path is not None and path.edition.code != article.language:
        problems.append("edition_mismatch")
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


def content_hash(title: str, body: str) -> str:
    """SHA-256 of title and body after NFC, case folding and white-space collapsing: only a
    change of words changes it."""
    parts = [
        " ".join(unicodedata.normalize("NFC", text).casefold().split()) for text in (title, body)
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class ContentHashPipeline(ArticlePipeline):
    """Sets ``content_hash`` on each article."""

    def process_article(self, article: Article) -> Article:
        article.content_hash = content_hash(article.title, article.body)
        return article


class DedupPipeline(ArticlePipeline):
    """New, unchanged, revision, or a duplicate (``duplicate_url`` in the run, ``duplicate_of``
    another URL's content) against the state; under ``scrapy reparse`` "changed" compares the
    whole record (``record_hash``)."""

    stage = "dedup"

    def __init__(self, crawler: Crawler, store: StateStore | None = None) -> None:
        super().__init__(crawler)
        self._store = store
        self.seen: set[str] = set()
        #: (language, content hash) -> URL of the articles passed on in this run.
        self.content: dict[tuple[str, str], str] = {}

    @property
    def store(self) -> StateStore:
        """The run's state (opened and closed by :class:`newscrawl.run.Run`)."""
        if self._store is None:
            self._store = Run.of(self.crawler).store
        return self._store

    @property
    def reparse(self) -> bool:
        return bool(getattr(self.crawler.spider, "reparse", False))

    def process_article(self, article: Article) -> Article:
        if article.url in self.seen:
            self.inc(article.language, "duplicates/url")
            raise self.reject(
                article, ["duplicate_url"], f"{article.url} already exported in this run"
            )
        stored = self.store.get(article.url)
        if stored is not None:
            if self.reparse:  # a row from before record hashes cannot be proved unchanged
                unchanged = stored.record_hash == record_hash(article.model_dump())
            else:
                unchanged = stored.content_hash == article.content_hash
            if unchanged:
                if not self.reparse:
                    self.store.touch(article.url, article.crawled_at, article.archive)
                self.inc(article.language, "unchanged")
                raise DropItem(
                    f"unchanged since revision {stored.revision}: {article.url}",
                    log_level="DEBUG",
                )
            article.revision = stored.revision + 1
            article.revision_reason = "reparse" if self.reparse else "crawl"
            what = "re-extracted record" if self.reparse else "content"
            article.warnings.append(
                f"{REVISED_WARNING} {what} changed since revision {stored.revision} "
                f"(first seen {stored.first_seen})"
            )
        else:
            key = (article.language, article.content_hash)
            original = self.content.get(key) or self.store.url_with_content(
                article.language, article.content_hash, article.url
            )
            if original is not None and original != article.url:
                self.inc(article.language, "duplicates/content")
                raise self.reject(
                    article,
                    ["duplicate_of"],
                    f"same title and body as {original} (republished under another URL)",
                )
            article.revision = 1
            article.revision_reason = "reparse" if self.reparse else None
        self.seen.add(article.url)
        self.content.setdefault((article.language, article.content_hash), article.url)
        return article
