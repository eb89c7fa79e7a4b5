"""Recognition of share/promo lines and photo credits in article bodies.

The patterns are data: ``BOILERPLATE_PATTERNS`` holds one table per edition (``az``, ``en``,
``ru``) and ``COMMON_PATTERNS`` the lines that look the same in every edition (photo credits,
``pic.twitter.com`` links, bare URLs). To add a promo line, add one regular expression to the
right table.

How a pattern is applied: the paragraph is normalised to one line (see
:func:`newscrawl.cleaning.unicode.normalize_line`), decoration around it (emoji, arrows, bullets,
quotes, trailing ``.``/``!``/``:``) is trimmed, and the pattern must match the *whole* remaining
text, case-insensitively (``re.fullmatch`` with ``re.IGNORECASE``; Python's ``re`` then treats
``i I İ ı`` as one letter, so ``KANALIMIZA`` matches ``kanalımıza``). Anchoring on the whole
paragraph is what keeps real sentences: "Zelenskyy wrote on Telegram that the main topic ..."
is not a promo line, and attribution formulas (``Report informs``, ``“Report” xəbər verir ki``,
``Как сообщает Report``) are never matched.

``_TAIL`` may follow any promo pattern: an optional link or handle such as
``: https://t.me/report_az`` or ``@report_az``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from newscrawl.cleaning.unicode import normalize_line

__all__ = [
    "BOILERPLATE_PATTERNS",
    "COMMON_PATTERNS",
    "CREDIT_LABELS",
    "is_boilerplate_paragraph",
    "strip_trailing_credit",
]

# Optional link or handle after a promo line (": https://t.me/report_az", "@report_az").
_TAIL = r"(?:\s*[:\-–—]?\s*(?:https?://\S+|www\.\S+|t\.me/\S+|@\w+))*"

# Social platforms named in promo lines.
_PLATFORMS = r"(?:telegram|whatsapp|youtube|instagram|facebook|tiktok|twitter|x|threads|linkedin)"
_SITE = r"(?:report(?:\.az)?|«report»|“report”|\"report\")"

#: Whole-paragraph patterns per edition. Lower case; see the module docstring for how they match.
BOILERPLATE_PATTERNS: Mapping[str, tuple[str, ...]] = {
    "az": (
        r"sosial şəbəkələrdə paylaşın",
        r"paylaş(?:ın)?",
        # "Telegram kanalımıza abunə olun", "Report-un Telegram kanalına abunə olun",
        # "WhatsApp kanalımıza qoşulun", "Bizi Telegram-da izləyin"
        rf"(?:{_SITE}(?:-?un)?\s+)?(?:rəsmi\s+)?{_PLATFORMS}[\s-]*(?:kanalımıza|kanalına|"
        r"kanalımızı|kanalını|səhifəmizə|səhifəsinə)\s+(?:abunə\s+olun|qoşulun|izləyin)",
        rf"bizi\s+{_PLATFORMS}(?:-?(?:da|də|dan))?\s+izləyin",
        # "Ən son xəbərlər" alone, or followed by a short pointer to a channel or the site:
        # "Ən son xəbərlər Telegram kanalımızda". "Ən son xəbərlərə görə, ..." stays.
        rf"ən\s+son\s+xəbərlər(?:\s+(?:\S+\s+){{0,3}}?(?:{_PLATFORMS}|{_SITE})(?:[\s-]+\S+){{0,3}})?",
    ),
    "en": (
        r"share(?:\s+(?:this|the)\s+(?:article|news|story|post))?"
        r"(?:\s+on\s+(?:social\s+(?:media|networks)|" + _PLATFORMS + r"))?",
        # "Follow us on Telegram", "Follow Report on Telegram, X and Facebook"
        rf"follow\s+(?:us|{_SITE})\s+on\s+{_PLATFORMS}(?:\s*(?:,|and|&)\s*{_PLATFORMS})*",
        # "Subscribe to our Telegram channel", "Join our WhatsApp channel",
        # "Join Report's Telegram channel", "Join us on Telegram"
        rf"(?:subscribe|join)\s+(?:to\s+)?(?:our|{_SITE}(?:'s|’s)?)\s+(?:official\s+)?"
        rf"{_PLATFORMS}\s+(?:channel|page|account)",
        rf"(?:subscribe|join)\s+us\s+on\s+{_PLATFORMS}",
        # "Latest news" alone or "Latest news on our Telegram channel"; "Latest news from the
        # front shows ..." stays.
        rf"(?:the\s+)?latest\s+news(?:\s+(?:\S+\s+){{0,3}}?(?:{_PLATFORMS}|{_SITE})"
        rf"(?:[\s-]+\S+){{0,3}})?",
    ),
    "ru": (
        r"поделиться(?:\s+в\s+(?:соцсетях|социальных\s+сетях|" + _PLATFORMS + r"))?",
        # "Подписывайтесь на наш Telegram-канал", "Подпишитесь на Telegram-канал Report",
        # "Присоединяйтесь к нашему WhatsApp-каналу", "Читайте нас в Telegram"
        rf"(?:подписывайтесь|подпишитесь)\s+на\s+(?:наш\s+)?{_PLATFORMS}[\s-]*канал"
        rf"(?:\s+{_SITE})?",
        rf"(?:подписывайтесь|подпишитесь)\s+на\s+(?:наш\s+)?канал\s+в\s+{_PLATFORMS}",
        rf"присоединяйтесь\s+к\s+(?:нашему\s+)?{_PLATFORMS}[\s-]*каналу(?:\s+{_SITE})?",
        rf"(?:читайте|следите\s+за)\s+(?:нами|нас|новостями)\s+в\s+{_PLATFORMS}",
        # "Последние новости" alone or with a pointer to a channel or the site.
        rf"последние\s+новости(?:\s+(?:\S+\s+){{0,3}}?(?:{_PLATFORMS}|{_SITE})"
        rf"(?:[\s-]+\S+){{0,3}})?",
    ),
}

#: Photo-credit labels, in every edition (a Russian page can carry "Photo: Reuters").
CREDIT_LABELS: tuple[str, ...] = (
    r"photo\s+credit",
    r"photos?",
    r"photo\s+by",
    r"foto(?:lar)?",
    r"foto\s+müəllifi",
    r"фото",
    r"фотографии",
)
_LABEL = "(?:" + "|".join(CREDIT_LABELS) + ")"
# A credit is short: at most six words, no sentence inside ("Photo: Report", "Фото: АЗЕРТАДЖ",
# "Photo credit: Getty Images", "Foto: AZƏRTAC / Prezidentin mətbuat xidməti").
_CREDIT_VALUE = r"[^\s.!?:][^\s!?:]*(?:\s+[^\s!?:]+){0,5}"

#: Whole-paragraph patterns for every edition.
COMMON_PATTERNS: tuple[str, ...] = (
    rf"{_LABEL}\s*[:/]\s*{_CREDIT_VALUE}",
    r"(?:pic\.twitter\.com/\S+\s*)+",
    r"(?:(?:https?://|www\.)\S+\s*)+",
    r"(?:t\.me|twitter\.com|x\.com|instagram\.com|facebook\.com|youtu\.be|youtube\.com)/\S+",
)

_FLAGS = re.IGNORECASE


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Compile whole-paragraph patterns, each allowed a trailing link or handle."""
    return tuple(re.compile(f"(?:{p}){_TAIL}", _FLAGS) for p in patterns)


_COMPILED: dict[str, tuple[re.Pattern[str], ...]] = {
    lang: _compile(patterns) for lang, patterns in BOILERPLATE_PATTERNS.items()
}
_COMMON_COMPILED = tuple(re.compile(p, _FLAGS) for p in COMMON_PATTERNS)


def _is_decoration(ch: str) -> bool:
    """True for characters trimmed around a promo line: symbols, punctuation, emoji parts."""
    if ch in "@#/":  # kept: they belong to handles, hashtags and links
        return False
    category = unicodedata.category(ch)
    return category[0] in "SPZ" or ch in "\ufe0f\u200d"


def _core(p: str) -> str:
    """The paragraph as one line, without the decoration around it."""
    line = normalize_line(p)
    start, end = 0, len(line)
    while start < end and _is_decoration(line[start]):
        start += 1
    while end > start and _is_decoration(line[end - 1]):
        end -= 1
    return line[start:end]


def _patterns_for(language: str) -> tuple[re.Pattern[str], ...]:
    """The compiled table of one edition; ValueError for an unknown edition."""
    try:
        return _COMPILED[language]
    except KeyError:
        raise ValueError(
            f"unknown language {language!r}; expected one of {sorted(_COMPILED)}"
        ) from None


def is_boilerplate_paragraph(p: str, language: str) -> bool:
    """True when the whole paragraph is a share/promo line, a photo credit, a
    ``pic.twitter.com`` link or a bare URL of the ``language`` edition (``az``, ``en``, ``ru``).

    Real sentences that merely mention a platform, and attribution formulas, are kept.
    Empty or whitespace-only paragraphs are not boilerplate (the caller drops them anyway).
    """
    patterns = _patterns_for(language)
    full = normalize_line(p)
    if not full:
        return False
    if any(pattern.fullmatch(full) for pattern in _COMMON_COMPILED):
        return True
    core = _core(p)
    if not core:
        return False
    if any(pattern.fullmatch(core) for pattern in _COMMON_COMPILED):
        return True
    return any(pattern.fullmatch(core) for pattern in patterns)


# A credit glued to the end of a paragraph, right after the sentence end:
# "...the meeting.Photo: Report", "... görüşüb. Foto: AZƏRTAC".
_TRAILING_CREDIT_RE = re.compile(
    rf"(?<=[.!?…»”\"')])\s*{_LABEL}\s*:\s*{_CREDIT_VALUE}\s*$",
    _FLAGS,
)


def strip_trailing_credit(p: str, language: str) -> str:
    """Remove a photo credit glued to the end of a paragraph (after its last sentence).

    ``"...the meeting.Photo: Report"`` -> ``"...the meeting."``. The paragraph is otherwise
    returned unchanged; a paragraph that is nothing but a credit is left for
    :func:`is_boilerplate_paragraph`. ``language`` is validated like there; the credit labels
    of all editions are recognised in every edition.
    """
    _patterns_for(language)
    match = _TRAILING_CREDIT_RE.search(p)
    if match is None:
        return p
    return p[: match.start()].rstrip()
