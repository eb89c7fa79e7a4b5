"""Consistency checks on an extracted article; each finding is a warning put on the item.

Warnings start with a stable code (``language_mismatch``, ``date_disagreement``) followed by a
colon, so the run summary can count them by kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from newscrawl.dates import DateError, parse_iso, to_iso

#: Letters of Azerbaijani Latin that English text does not use (ü/ö also occur in names).
AZ_LETTERS = frozenset("əƏğĞıİşŞçÇ")
DATE_TOLERANCE = timedelta(minutes=1)


def script_language(text: str) -> str | None:
    """The edition a text's alphabet points to: ``ru`` (Cyrillic), ``az`` (Latin with
    Azerbaijani letters), ``en`` (plain Latin); None when there are too few letters to tell."""
    cyrillic = latin = azeri = 0
    for char in text[:20_000]:
        if not char.isalpha():
            continue
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isascii() or char in AZ_LETTERS or "\u00c0" <= char <= "\u024f":
            latin += 1
            if char in AZ_LETTERS:
                azeri += 1
    letters = cyrillic + latin
    if letters < 40:
        return None
    if cyrillic > latin:
        return "ru"
    return "az" if azeri / letters > 0.005 else "en"


def _code(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().lower().replace("_", "-").split("-")[0] or None


def language_mismatches(
    edition: str, html_lang: str | None, jsonld_lang: str | None, text: str
) -> list[str]:
    """Warnings for each signal (``<html lang>``, JSON-LD ``inLanguage``, the alphabet of the
    text) that names another language than the edition the article was crawled from."""
    findings = []
    for name, value in (
        ("html_lang", _code(html_lang)),
        ("jsonld_inLanguage", _code(jsonld_lang)),
        ("script", script_language(text)),
    ):
        if value is not None and value != edition:
            findings.append(f"language_mismatch: {name} says {value!r}, edition is {edition!r}")
    return findings


def date_disagreements(
    sources: dict[str, str], card_time: datetime | None, chosen: datetime
) -> list[str]:
    """A warning when the page's date sources (header, meta, JSON-LD) or the feed card differ
    from the chosen publication time by more than a minute."""
    readings: dict[str, datetime] = {}
    for name, value in sources.items():
        try:
            readings[name] = parse_iso(value)
        except DateError:
            continue
    if card_time is not None:
        readings["feed_card"] = card_time
    differing = {
        name: moment for name, moment in readings.items() if abs(moment - chosen) > DATE_TOLERANCE
    }
    if not differing:
        return []
    listed = ", ".join(f"{name}={to_iso(moment)}" for name, moment in sorted(differing.items()))
    return [f"date_disagreement: kept {to_iso(chosen)}; {listed}"]
