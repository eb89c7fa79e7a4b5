"""Consistency checks on an extracted article; each finding is a warning put on the item.

Warnings start with a stable code (``language_mismatch``, ``date_disagreement``) followed by a
colon, so the run summary can count them by kind.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from newscrawl.dates import to_iso

#: Letters of Azerbaijani Latin that English text does not use (ü/ö also occur in names).
AZ_LETTERS = frozenset("əƏğĞıİşŞçÇ")
DATE_TOLERANCE = timedelta(minutes=1)

#: Runs of anything but letters (digits and the underscore are not letters).
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_CYRILLIC_RUNS = re.compile("[\u0400-\u04ff]+")
_LATIN_RUNS = re.compile("[A-Za-z\u00c0-\u024f" + "".join(sorted(AZ_LETTERS)) + "]+")


def script_language(text: str) -> str | None:
    """The edition a text's alphabet points to: ``ru`` (Cyrillic), ``az`` (Latin with
    Azerbaijani letters), ``en`` (plain Latin); None when there are too few letters to tell.

    Counted with regular expressions over runs of letters (a loop over characters in Python
    cost more than the rest of the item's checks).
    """
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
    sources: dict[str, datetime], card_time: datetime | None, chosen: datetime
) -> list[str]:
    """A warning when the page's date sources (header, meta, JSON-LD) or the feed card differ
    from the chosen publication time by more than a minute."""
    readings = dict(sources)
    if card_time is not None:
        readings["feed_card"] = card_time
    differing = {
        name: moment for name, moment in readings.items() if abs(moment - chosen) > DATE_TOLERANCE
    }
    if not differing:
        return []
    listed = ", ".join(f"{name}={to_iso(moment)}" for name, moment in sorted(differing.items()))
    return [f"date_disagreement: kept {to_iso(chosen)}; {listed}"]
