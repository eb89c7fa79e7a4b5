"""Pure text cleaning (``str`` in, ``str`` out; no Scrapy): Unicode and white space, mojibake,
share/promo lines and photo credits, headlines, datelines.

Order for a body: :func:`repair_mojibake` on the raw text (before any white-space clean-up: a
garbled no-break space ``"Â\\xa0"`` is only repairable while the U+00A0 is there),
:func:`has_unrepairable_mojibake` to refuse the item, :func:`normalize_text`, then per paragraph
:func:`is_boilerplate_paragraph` and :func:`strip_trailing_credit`. The extractor splits
datelines off the body (:func:`split_datelines`) before any of this, on every layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import ftfy
from ftfy.chardata import UTF8_DETECTOR_RE

# ------------------------------------------------------------------------ Unicode and white space
# Deleted outright: soft hyphen, Mongolian vowel separator, zero-width space and joiners, bidi
# marks, embeddings, overrides and isolates, word joiner, invisible operators, byte order mark.
_DELETE_CHARS = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_DELETE_CHARS += "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
_DELETE_TABLE = str.maketrans("", "", _DELETE_CHARS)
#: Line breaks other than ``\n``; the paragraph separator U+2029 becomes a blank line.
_LINE_BREAK_RE = re.compile(r"\r\n|[\r\v\f\u2028]")
#: Tab and every Unicode space separator (category Zs).
_HSPACE_RE = re.compile(r"[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
#: Control characters other than newline and tab: C0, DEL and C1.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Every character the substitutions change but the plain space: most text has none.
_SPECIAL_RE = re.compile(
    "[\r\v\f\u2028\u2029\x00-\x08\x0b-\x1f\x7f-\x9f\t\u00a0\u1680\u2000-\u200a\u202f"
    "\u205f\u3000" + re.escape(_DELETE_CHARS) + "]"
)


def _clean_chars(s: str) -> str:
    """Unify line breaks and spaces, delete invisible and control characters (runs of plain
    spaces may be left: the callers split on white space)."""
    if _SPECIAL_RE.search(s) is None:
        return unicodedata.normalize("NFC", s)  # a no-op on text already in NFC (quick check)
    s = _LINE_BREAK_RE.sub("\n", s).replace("\u2029", "\n\n")
    s = _CONTROL_RE.sub("", s.translate(_DELETE_TABLE))
    s = _HSPACE_RE.sub(" ", s)
    # Deleting characters can bring a base letter and a combining mark together, so compose last.
    return unicodedata.normalize("NFC", s)


def normalize_text(s: str) -> str:
    """Normalise multi-paragraph text (idempotent): NFC, invisible and control characters
    removed, white space collapsed, paragraphs (split at blank lines) joined by ``"\\n\\n"``."""
    paragraphs = (p.split() for p in _BLANK_LINES_RE.split(_clean_chars(s)))
    return "\n\n".join(" ".join(words) for words in paragraphs if words)


def normalize_line(s: str) -> str:
    """Normalise a one-line field (title, category, tag): as :func:`normalize_text`, but every
    run of white space, line breaks included, becomes one space."""
    return " ".join(_clean_chars(s).split())


# ---------------------------------------------------------------------------------------- mojibake
# UTF-8 decoded as Latin-1 or cp1252: ``"AzÉ™rbaycan"`` -> ``"Azərbaycan"``. ftfy decodes; this
# section only decides *where* it may look, so that correct text is never touched: only lines
# that look garbled go to ftfy (alone, it turns a correct ``"HEÇ°"`` into ``"HEǰ"``), only the
# words that looked garbled are taken from its result, and a repair that brings characters
# foreign to az/en/ru text is refused. Letters Scrapy's cp1252 decoding turned into U+FFFD are
# lost (has_unrepairable_mojibake reports them); a garbled no-break space that lost its U+00A0
# (``"Â "``) is reported, not repaired.
#: ``ftfy.fix_encoding``'s options: restore_byte_a0 off (it turns a damaged ``"â€ "`` into
#: ``†``), and decode_inconsistent_utf8 off (ftfy 6.3 runs it with restore_byte_a0 on; the
#: word-by-word repair below does its job).
FTFY_CONFIG = ftfy.TextFixerConfig(
    restore_byte_a0=False, decode_inconsistent_utf8=False, explain=False
)


#: What a UTF-8 continuation byte (80-BF) becomes in Latin-1 or cp1252 (U+FFFD: an undefined
#: cp1252 byte decoded with errors="replace").
_CONT_CHARS = {
    bytes([b]).decode(c, "ignore") for b in range(0x80, 0xC0) for c in ("latin-1", "cp1252")
}
_CONT = "[" + re.escape("".join(sorted(_CONT_CHARS | {"\ufffd"}))) + "]"
_CYRILLIC = "[\u0400-\u04ff]"

# Typical leftovers of UTF-8 read as Latin-1/cp1252 in az/en/ru text. Lead characters that are
# real letters of these languages (Ç Ö Ü) are deliberately absent, and É/Æ only count in the
# combinations that spell ə (C9 99) and Ə (C6 8F), so that correct text does not match.
_MARKER_RE = re.compile(
    "|".join(
        (
            f"[ÂÃÄÅÐÑ]{_CONT}",  # Latin-1 letters, Latin Extended-A (ğ ı İ ş), Cyrillic
            "É™",  # ə
            "Æ[\u008f\ufffd]",  # Ə (8F is undefined in cp1252)
            f"â{_CONT}",  # three-byte punctuation: “ ” – — … € ™
            "ï»¿",  # byte order mark
            "ðŸ",  # emoji (F0 9F ...)
            "[\u0080-\u009f]",  # C1 control characters never occur in real text
            f"[ÐÑ](?={_CYRILLIC})|(?<={_CYRILLIC})[ÐÑ]",  # a Cyrillic lead byte left behind
            "Â(?= )",  # no-break space whose A0 became a space
        )
    )
)


#: Every marker above contains one of these characters: text without any is not garbled, and
#: a search for one character class is many times cheaper than the markers' alternation.
_MARKER_CHARS_RE = re.compile("[ÂÃÄÅÐÑÉÆâïð\u0080-\u009f]")


def looks_garbled(s: str) -> bool:
    """True when ``s`` still shows UTF-8-as-Latin-1/cp1252 sequences (``Ã¼``, ``É™``, ``Ð—``,
    ``â€œ``, C1 controls); correct az/en/ru text (``São``, ``ÇÖÜ``, ``«»``, ``©°€``) never does."""
    if s.isascii() or _MARKER_CHARS_RE.search(s) is None:
        return False
    return _MARKER_RE.search(s) is not None


def has_unrepairable_mojibake(s: str) -> bool:
    """True when ``s`` contains U+FFFD or mojibake that :func:`repair_mojibake` cannot undo."""
    return "\ufffd" in s or looks_garbled(repair_mojibake(s))


# What a repair may produce: the characters of az/en/ru news text, common symbols and emoji.
# Anything else (Latin Extended-B and IPA but Ə ə, historic Cyrillic, Hebrew...) is what a
# *correct* string such as "HEÇ°" turns into when wrongly decoded: such a repair is refused.
_PLAUSIBLE_RE = re.compile(
    "[\t\n\r -~\u00a0-\u017f\u018f\u0259\u0370-\u045f\u0490\u0491\u2000-\u206f\u20a0-\u20cf"
    "\u2100-\u22ff\u2500-\u27bf\ufe0f\ufffd\U0001f000-\U0001faff]"
)


def _ftfy(text: str) -> str:
    """``ftfy.fix_encoding``, refused if it brings characters that are not plausible."""
    fixed = ftfy.fix_encoding(text, FTFY_CONFIG)
    original = set(text)
    return fixed if all(ch in original or _PLAUSIBLE_RE.match(ch) for ch in fixed) else text


def _fix_sequence(match: re.Match[str]) -> str:
    """Repair one sequence left inside a word (``“AzÉ™rbaycan”``): ftfy, else the bytes of
    ftfy's sloppy cp1252 or Latin-1 decoded as strict UTF-8, kept when every character is
    plausible."""
    seq = match.group(0)
    if not looks_garbled(seq):
        return seq
    if (fixed := _ftfy(seq)) != seq:
        return fixed
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            decoded = seq.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if decoded != seq and all(_PLAUSIBLE_RE.match(ch) for ch in decoded):
            return decoded
    return seq


# Correct punctuation that often wraps a garbled word: “AzÉ™rbaycan”, «Ð—ÐµÐ»ÐµÐ½Ñ�ÐºÐ¸Ð¹».
_WRAPPED_WORD_RE = re.compile(r"([(\[«“„\"']*)(.*?)([)\]»”\"',.:;!?]*)", re.DOTALL)


def _fix_core(word: str) -> str:
    """Repair a word with ftfy, then repair the sequences ftfy left alone one by one."""
    fixed = _ftfy(word)
    return UTF8_DETECTOR_RE.sub(_fix_sequence, fixed) if looks_garbled(fixed) else fixed


def _fix_word(match: re.Match[str]) -> str:
    """Repair one garbled whitespace-separated word, with or without its wrapping punctuation."""
    word = match.group(0)
    if not looks_garbled(word):
        return word
    candidates = [_fix_core(word)]
    wrapped = _WRAPPED_WORD_RE.fullmatch(word)
    if wrapped and wrapped.group(2) and wrapped.group(2) != word:
        prefix, core, suffix = wrapped.groups()
        candidates.append(prefix + _fix_core(core) + suffix)
    # The candidate with the fewest mojibake sequences left wins; on a tie, the whole word. So
    # a garbled "Â»" wrongly taken for correct wrapping punctuation does not win.
    return min(candidates, key=lambda candidate: len(_MARKER_RE.findall(candidate)))


# Words are split at ASCII whitespace only: U+00A0 is part of garbled letters ("Ð\xa0" is Р).
# No UTF-8 sequence contains an ASCII space, so repairing never adds or removes one.
_WORD_RE = re.compile(r"[^ \t\n\r\f\v]+")
_SPACE_SPLIT_RE = re.compile(r"([ \t\n\r\f\v]+)")


def _repair_line(line: str) -> str:
    """Repair one line: as a whole first, word by word if garbled parts remain. Of ftfy's
    result only the words that looked garbled are taken: it may also decode a correct word
    that merely resembles mojibake (``"DAĞ°"`` would become ``"DAа"``)."""
    if not looks_garbled(line):
        return line
    old_parts = _SPACE_SPLIT_RE.split(line)
    new_parts = _SPACE_SPLIT_RE.split(_ftfy(line))
    fixed = line
    if len(old_parts) == len(new_parts):
        pairs = zip(old_parts, new_parts, strict=True)
        fixed = "".join(new if looks_garbled(old) else old for old, new in pairs)
    return _WORD_RE.sub(_fix_word, fixed) if looks_garbled(fixed) else fixed


def repair_mojibake(s: str) -> str:
    """Restore text that was UTF-8 decoded as Latin-1 or cp1252, line by line and, where a line
    mixes correct and garbled text, word by word; correct text is left alone. Idempotent."""
    if not looks_garbled(s):
        return s
    return "\n".join(_repair_line(line) for line in s.split("\n"))


# ------------------------------------------------------------------------------------- boilerplate
# Share/promo lines and photo credits. The patterns are data: one table per edition and one
# common table. A paragraph is normalised to one line, the decoration around it (emoji, arrows,
# bullets, quotes, trailing ``.!:``) trimmed, and a pattern must match the *whole* rest,
# case-insensitively (so ``KANALIMIZA`` matches ``kanalımıza``): real sentences that mention a
# platform, and attribution formulas (``Report informs``, ``Как сообщает Report``), are kept.
# ``_TAIL`` may follow any promo pattern: a link or handle (``: https://t.me/report_az``).
_TAIL = r"(?:\s*[:\-–—]?\s*(?:https?://\S+|www\.\S+|t\.me/\S+|@\w+))*"
_PLATFORMS = r"(?:telegram|whatsapp|youtube|instagram|facebook|tiktok|twitter|x|threads|linkedin)"
_SITE = r"(?:report(?:\.az)?|«report»|“report”|\"report\")"

#: Whole-paragraph patterns per edition (lower case).
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
        # "Latest news" alone or "Latest news on our Telegram channel"; "Latest news from" stays.
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
_LABEL = r"(?:photo\s+credit|photos?|photo\s+by|foto(?:lar)?|foto\s+müəllifi|фото|фотографии)"
# A credit is short: at most six words, no sentence inside ("Photo: Report", "Фото: АЗЕРТАДЖ",
# "Photo credit: Getty Images", "Foto: AZƏRTAC / Prezidentin mətbuat xidməti").
_CREDIT_VALUE = r"[^\s.!?:][^\s!?:]*(?:\s+[^\s!?:]+){0,5}"

#: Whole-paragraph patterns for every edition.
COMMON_PATTERNS: tuple[str, ...] = (
    rf"{_LABEL}\s*[:/]\s*{_CREDIT_VALUE}",
    r"(?:pic\.twitter\.com/\S+\s*)+",
    r"(?:(?:https?://|www\.)\S+\s*)+",
    r"(?:t\.me|twitter\.com|x\.com|instagram\.com|facebook\.com|youtu\.be|youtube\.com)/\S+",
    # The typo-report widget of 2018 pages: "Orphus sistemi", "Orphus system".
    r"orphus(?:\s+(?:sistemi|system|система))?",
)

_COMPILED = {
    lang: tuple(re.compile(f"(?:{p}){_TAIL}", re.IGNORECASE) for p in patterns)
    for lang, patterns in BOILERPLATE_PATTERNS.items()
}
_COMMON_COMPILED = tuple(re.compile(p, re.IGNORECASE) for p in COMMON_PATTERNS)


def _is_decoration(ch: str) -> bool:
    """True for characters trimmed around a promo line: symbols, punctuation, emoji parts."""
    kept = ch in "@#/"  # they belong to handles, hashtags and links
    return not kept and (unicodedata.category(ch)[0] in "SPZ" or ch in "\ufe0f\u200d")


def _core(line: str) -> str:
    """The line without the decoration around it."""
    start, end = 0, len(line)
    while start < end and _is_decoration(line[start]):
        start += 1
    while end > start and _is_decoration(line[end - 1]):
        end -= 1
    return line[start:end]


def _patterns_for(language: str) -> tuple[re.Pattern[str], ...]:
    """The compiled table of one edition; ValueError for an unknown edition."""
    if language not in _COMPILED:
        raise ValueError(f"unknown language {language!r}; expected one of {sorted(_COMPILED)}")
    return _COMPILED[language]


def is_boilerplate_paragraph(p: str, language: str) -> bool:
    """True when the whole paragraph is a share/promo line of the ``language`` edition, a photo
    credit, a ``pic.twitter.com`` link or a bare URL (never an empty paragraph)."""
    patterns = _patterns_for(language)
    full = normalize_line(p)
    core = _core(full)  # no pattern matches an empty line
    if any(pattern.fullmatch(full) or pattern.fullmatch(core) for pattern in _COMMON_COMPILED):
        return True
    return any(pattern.fullmatch(core) for pattern in patterns)


# A credit glued to the end of a paragraph, right after the sentence end:
# "...the meeting.Photo: Report", "... görüşüb. Foto: AZƏRTAC".
_TRAILING_CREDIT_RE = re.compile(
    rf"(?<=[.!?…»”\"')])\s*{_LABEL}\s*:\s*{_CREDIT_VALUE}\s*$",
    re.IGNORECASE,
)


def strip_trailing_credit(p: str, language: str) -> str:
    """Remove a photo credit glued to the end of a paragraph (``"...the meeting.Photo: Report"``
    -> ``"...the meeting."``); a paragraph that is only a credit is left as it is."""
    _patterns_for(language)
    match = _TRAILING_CREDIT_RE.search(p)
    return p[: match.start()].rstrip() if match else p


# --------------------------------------------------------------------------------------- headlines
#: The site name a ``<title>`` or ``og:title`` may carry after the headline.
_SUFFIX_RE = re.compile(
    r"\s+[-|–—]\s+(?:report\.az|report\s+news\s+agency|report\s+information\s+agency)\s*$",
    re.IGNORECASE,
)


def clean_title(s: str) -> str:
    """A headline on one line without trailing site names (``" - Report.az"``, ``" | REPORT.AZ"``,
    ``" - Report News Agency"``); a title that is only the site name is returned as it is."""
    title = normalize_line(s)
    while (match := _SUFFIX_RE.search(title)) is not None and match.start() > 0:
        title = title[: match.start()].rstrip()
    return title


# --------------------------------------------------------------------------------------- datelines
# A body (any layout) and each block of an old live-update page start with
# ``City. Day Month. REPORT.AZ/``
# (``Baku. 15 March. REPORT.AZ/``, ``Баку. 3 июля. REPORT.AZ/``, other cities, ``Report.az/``,
# dashes for the dots or slash, an optional year, no space after the slash).
_LETTER = r"[^\W\d_]"
_SEP = r"\s*(?:[.,]\s*[–—-]?|[–—-])\s*"

_DATELINE_RE = re.compile(
    rf"""
    \s*
    (?P<dateline>
        {_LETTER}[\w'’-]*(?:\s+{_LETTER}[\w'’-]*){{0,2}}   # city: one to three words
        {_SEP}
        \d{{1,2}}\s*{_LETTER}+                             # day and month: 15 March, 3 июля
        (?:[\s,]*\d{{4}})?                                 # optional year
        (?:{_SEP}|\s+)
        report\.az\s*[/–—-]                                # the agency mark
    )
    \s*
    """,
    re.IGNORECASE | re.VERBOSE,
)


def split_dateline(first_paragraph: str) -> tuple[str | None, str]:
    """``(dateline, rest)``: a leading ``City. Day Month. REPORT.AZ/`` as written and the rest
    of the paragraph, both stripped; ``(None, first_paragraph)`` without a dateline."""
    match = _DATELINE_RE.match(first_paragraph)
    if match is None:
        return None, first_paragraph
    return match.group("dateline").strip(), first_paragraph[match.end() :].strip()


#: A bare ``HH:MM`` paragraph: the time mark that opens a block of a live-update page.
_BLOCK_MARK_RE = re.compile(r"\d{1,2}:\d{2}")


def split_datelines(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """``(dateline, paragraphs)``: the datelines that open a paragraph block (the body's first
    paragraph, and the first after each bare ``HH:MM`` mark of a live-update page) split off,
    the text after each kept; the first dateline as written, or None without one."""
    first: str | None = None
    out: list[str] = []
    opens_block = True
    for paragraph in paragraphs:
        if opens_block:
            dateline, rest = split_dateline(paragraph)
            if dateline is not None:
                first = first or dateline
                paragraph = rest
        opens_block = _BLOCK_MARK_RE.fullmatch(paragraph.strip()) is not None
        if paragraph:
            out.append(paragraph)
    return first, out
