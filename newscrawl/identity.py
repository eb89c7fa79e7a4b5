"""Is a page what its request says it is? Checks of an article's identity (pure, no Scrapy).

An article request of one edition that the site's redirects led to another edition's page is
an ``edition_mismatch`` (never written into the wrong file). An extracted article whose
language signals or date sources disagree gets a warning saying which.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from newscrawl.extract.article import ExtractedArticle
from newscrawl.extract.feed import FeedCard
from newscrawl.site import SiteUrls, to_iso


def edition_mismatch(site: SiteUrls, asked: str, reached: str, language: str) -> str | None:
    """Why the page reached at ``reached`` (asked for at ``asked``, an article of ``language``)
    is another edition's page; None when it is not."""
    article = site.article_path(reached)
    if article is None or article.edition.code == language:
        return None
    return (
        f"asked for {asked} ({language}); the site answered with {reached} ({article.edition.code})"
    )


def article_warnings(page: ExtractedArticle, language: str, card: FeedCard | None) -> list[str]:
    """The page's own warnings, then what its other headlines, dates and language say."""
    warnings = list(page.warnings)
    if page.other_titles:
        warnings.append(f"other_headline: the page also shows {page.other_titles}")
    card_time = card.published_at if card is not None else None
    warnings += date_disagreements(page.date_sources, card_time, page.published_at)
    return warnings + language_mismatches(
        language, page.html_lang, page.jsonld_language, f"{page.title}\n{page.body}"
    )


#: Letters of Azerbaijani Latin that English text does not use (ü/ö also occur in names).
AZ_LETTERS = frozenset("əƏğĞıİşŞçÇ")
DATE_TOLERANCE = timedelta(minutes=1)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_CYRILLIC_RUNS = re.compile("[\u0400-\u04ff]+")
_LATIN_RUNS = re.compile("[A-Za-z\u00c0-\u024f" + "".join(sorted(AZ_LETTERS)) + "]+")


def script_language(text: str) -> str | None:
    """The edition a text's alphabet points to: ``ru`` (Cyrillic), ``az`` (Latin with
    Azerbaijani letters), ``en`` (plain Latin); None when there are too few letters."""
    letters = _NOT_LETTERS.sub("", text[:20_000])
    cyrillic = sum(map(len, _CYRILLIC_RUNS.findall(letters)))
    latin = sum(map(len, _LATIN_RUNS.findall(letters)))
    azeri = sum(letters.count(char) for char in AZ_LETTERS)
    counted = cyrillic + latin
    if counted < 40:
        return None
    if cyrillic > latin:
        return "ru"
    return "az" if azeri / counted > 0.005 else "en"


def language_mismatches(
    edition: str, html_lang: str | None, jsonld_lang: str | None, text: str
) -> list[str]:
    """A ``language_mismatch`` warning for each signal (``<html lang>``, JSON-LD
    ``inLanguage``, the text's alphabet) that names another language than the edition."""
    declared = {"html_lang": html_lang, "jsonld_inLanguage": jsonld_lang}
    said = {
        name: (value or "").strip().lower().replace("_", "-").split("-")[0] or None
        for name, value in declared.items()
    } | {"script": script_language(text)}
    return [
        f"language_mismatch: {name} says {value!r}, edition is {edition!r}"
        for name, value in said.items()
        if value is not None and value != edition
    ]


def date_disagreements(
    sources: dict[str, datetime], card_time: datetime | None, chosen: datetime
) -> list[str]:
    """A ``date_disagreement`` warning when the page's date sources or the feed card differ
    from the chosen publication time by more than a minute."""
    readings = sources | ({"feed_card": card_time} if card_time is not None else {})
    listed = ", ".join(
        f"{name}={to_iso(moment)}"
        for name, moment in sorted(readings.items())
        if abs(moment - chosen) > DATE_TOLERANCE
    )
    return [f"date_disagreement: kept {to_iso(chosen)}; {listed}"] if listed else []
