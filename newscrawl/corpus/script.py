"""Does a text look written in its language's script? Latin with ``ə`` for az, Latin for en,
Cyrillic for ru, judged by the share of letters of each script."""

from __future__ import annotations

import unicodedata

#: Letters of the Azerbaijani Latin alphabet that English does not use.
AZ_LETTERS = frozenset("əƏğĞıİşŞçÇöÖüÜ")

MIN_LATIN = 0.9  # az, en: share of letters that are Latin
MIN_CYRILLIC = 0.6  # ru: names of companies and people are often in Latin letters
MAX_AZ_IN_EN = 0.01  # en: share of az-only letters tolerated (quoted names)


def script_counts(text: str) -> tuple[int, int, int, int]:
    """(letters, Latin letters, Cyrillic letters, az-only letters) of ``text``."""
    letters = latin = cyrillic = az = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            latin += 1
            if char in AZ_LETTERS:
                az += 1
        elif name.startswith("CYRILLIC"):
            cyrillic += 1
    return letters, latin, cyrillic, az


def matches_script(text: str, language: str) -> bool:
    """True when ``text`` is written in the script expected of ``language``."""
    letters, latin, cyrillic, az = script_counts(text)
    if not letters:
        return False
    if language == "az":
        return latin / letters >= MIN_LATIN and any(c in "əƏ" for c in text)
    if language == "en":
        return latin / letters >= MIN_LATIN and az / letters <= MAX_AZ_IN_EN
    if language == "ru":
        return cyrillic / letters >= MIN_CYRILLIC
    return False
