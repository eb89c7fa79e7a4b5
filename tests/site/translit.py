"""Slugs as the site makes them: transliterated headline, hyphens, cut at a length limit."""

from __future__ import annotations

import re

#: Longest slug before it is cut (mid-word, as the site does).
MAX_SLUG = 90

_AZ = {"ə": "e", "ş": "s", "ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ü": "u"}
_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
_TABLE = str.maketrans(
    {
        **_AZ,
        **{k.upper(): v for k, v in _AZ.items()},
        **_RU,
        **{k.upper(): v for k, v in _RU.items()},
        "I": "i",  # before lower(): "İ".lower() would add a combining dot
        "İ": "i",
        "'": "",  # apostrophes vanish instead of splitting the word
        "’": "",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """``Zelenski müdafiə ...`` -> ``zelenski-mudafie-...``; long slugs are cut mid-word."""
    slug = _NON_WORD.sub("-", text.translate(_TABLE).lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rstrip("-")
    return slug
