"""Cleaning: each concern is one small cleaner; :class:`CleanPipeline` runs them in order.

Cleaners change an article in place and return the warnings they have to report; a cleaner
that finds damage it cannot repair raises :class:`Unrepairable`, which turns the article into
a reject record (never exported garbled).
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from newscrawl.cleaning import (
    clean_title,
    has_unrepairable_mojibake,
    is_boilerplate_paragraph,
    normalize_line,
    normalize_text,
    repair_mojibake,
    strip_trailing_credit,
)
from newscrawl.items import Article
from newscrawl.pipelines import ArticlePipeline

#: One-line text fields.
LINE_FIELDS = ("title", "lead", "category", "published_at_raw", "dateline")


class Unrepairable(Exception):
    """Damage a cleaner can detect but not undo; the message is the reject reason."""


class Cleaner(Protocol):
    """Changes an article in place; returns warnings to put on the item."""

    def __call__(self, article: Article) -> list[str]: ...


def _line_or_none(value: str) -> str | None:
    return normalize_line(value) or None


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


class MojibakeRepair:
    """Restores UTF-8 text that was read as Latin-1/cp1252; rejects what cannot be restored."""

    def __call__(self, article: Article) -> list[str]:
        warnings: list[str] = []
        for name in (*LINE_FIELDS, "body"):
            value = getattr(article, name)
            if not isinstance(value, str) or not value:
                continue
            repaired = repair_mojibake(value)
            if repaired != value:
                warnings.append(f"mojibake_repaired: {name}")
                setattr(article, name, repaired)
            if has_unrepairable_mojibake(repaired):
                raise Unrepairable(f"mojibake:{name}")
        article.tags = [repair_mojibake(tag) for tag in article.tags]
        for image in article.images:
            if isinstance(image.get("caption"), str):
                image["caption"] = repair_mojibake(str(image["caption"]))
        return warnings


class UnicodeNormaliser:
    """NFC, white space collapsed, invisible characters removed, paragraphs kept apart."""

    def __call__(self, article: Article) -> list[str]:
        article.title = normalize_line(article.title)
        article.published_at_raw = normalize_line(article.published_at_raw)
        for name in ("lead", "category", "dateline"):
            value = getattr(article, name)
            if isinstance(value, str):
                setattr(article, name, _line_or_none(value))
        article.body = normalize_text(article.body)
        article.tags = [t for t in dict.fromkeys(normalize_line(tag) for tag in article.tags) if t]
        for image in article.images:
            caption = image.get("caption")
            image["caption"] = _line_or_none(caption) if isinstance(caption, str) else None
        return []


class BoilerplateFilter:
    """Drops share/promo/credit paragraphs and photo credits glued to the end of a paragraph."""

    def __call__(self, article: Article) -> list[str]:
        kept: list[str] = []
        for paragraph in _paragraphs(article.body):
            if is_boilerplate_paragraph(paragraph, article.language):
                continue
            stripped = strip_trailing_credit(paragraph, article.language)
            if stripped:
                kept.append(stripped)
        article.body = "\n\n".join(kept)
        return []


class TitleCleaner:
    """Removes a trailing site name from the headline."""

    def __call__(self, article: Article) -> list[str]:
        article.title = clean_title(article.title)
        return []


class CleanPipeline(ArticlePipeline):
    """Runs the cleaners in order; counts what each did per edition."""

    stage = "clean"
    cleaners: ClassVar[tuple[Cleaner, ...]] = (
        MojibakeRepair(),
        UnicodeNormaliser(),
        BoilerplateFilter(),
        TitleCleaner(),
    )

    def process_article(self, article: Article) -> Article:
        for cleaner in self.cleaners:
            try:
                warnings = cleaner(article)
            except Unrepairable as exc:
                self.inc(article.language, f"invalid/{exc}")
                raise self.reject(article, [str(exc)], "text still garbled after repair") from None
            for _ in warnings:
                self.inc(article.language, f"cleaning/{type(cleaner).__name__}")
            article.warnings.extend(warnings)
        return article
