"""Repair of UTF-8 text that was decoded as Latin-1 or Windows-1252 ("mojibake").

``repair_mojibake("AzÉ™rbaycan")`` gives ``"Azərbaycan"``, ``"Ð—ÐµÐ»ÐµÐ½"`` gives ``"Зелен"``,
``"â€œ"`` gives ``"“"``. The decoding itself is done by ftfy; this module only decides *where*
ftfy may look, so that correct text is never touched:

1. Only lines that :func:`looks_garbled` are handed to ftfy (``ftfy.fix_encoding`` with the
   configuration ``FTFY_CONFIG``). A correct line -- Azerbaijani ``ə ş ğ ı İ``, Cyrillic with
   ``Ё``, ``« » “ ” – —``, ``São Paulo`` -- is returned byte for byte. This gate matters: on
   short strings ftfy alone turns correct text such as ``"HEÇ°"`` into ``"HEǰ"``.
2. Of ftfy's result for a line, only the words that looked garbled are taken; a correct word
   in the same line is kept even when ftfy decoded it too. A line that mixes correct and garbled
   text often cannot be decoded as a whole, so every word still garbled is then handed to ftfy
   on its own. Any ftfy result that brings in
   characters foreign to az/en/ru text (Latin Extended-B, Syriac, historic Cyrillic ...) is
   refused, so a correct ``"HEÇ°"`` next to a garbled word stays as it is.
3. What is still garbled after that is usually a short sequence inside an otherwise correct
   word (``“AzÉ™rbaycan”``), which ftfy's heuristics refuse to touch in isolation. Those
   sequences (found with ftfy's own ``UTF8_DETECTOR_RE``) are re-encoded with ftfy's
   ``sloppy-windows-1252``/Latin-1 codec and decoded as strict UTF-8, and the result is kept
   only when every character is one that occurs in az/en/ru news text.

Known limits:

* Scrapy decodes a body declared ``iso-8859-1`` as cp1252, and cp1252 has no character for the
  bytes 81, 8D, 8F, 90, 9D. Every letter whose UTF-8 encoding contains one of them arrives as
  U+FFFD and is lost: Russian ``А Н с э я Ё`` (D0 90, D0 9D, D1 81, D1 8D, D1 8F, D0 81),
  Azerbaijani ``Ə`` (C6 8F), the closing quote ``”`` (E2 80 9D) and ``Á Í Ï Ð Ý`` in foreign
  names. The rest of the word is repaired and the lost letter becomes ``"�"``;
  :func:`has_unrepairable_mojibake` reports such text so the pipeline can drop or re-fetch the
  item. Decide the encoding from the raw bytes before parsing (valid UTF-8 wins over a Latin-1
  declaration) to avoid this. Latin-1 mojibake (C1 control characters kept) is fully repairable.
* When the undecodable bytes were dropped (``errors="ignore"``) instead of replaced, the rest of
  the sequence (``"â€"`` for ``”``, ``"Ð"`` for ``А``) cannot be repaired either; it stays and
  is reported by :func:`looks_garbled`. Exception: a lone ``"Æ"`` left of ``Ə`` (``"Æliyev"``)
  looks like a Danish letter and is not reported by itself.
* Mojibake of other code pages (UTF-8 read as cp1251 or Mac Roman) is out of scope; ftfy may
  repair some of it, nothing is promised. Double-encoded text is repaired (ftfy repeats).
* A no-break space whose garbled form ``"Â\\xa0"`` lost its U+00A0 to an earlier whitespace
  clean-up (``"Â "``) is not repaired (ftfy's ``restore_byte_a0`` is off because it turns a
  damaged closing quote ``"â€ "`` into a dagger ``†``); it is reported as garbled.
"""

from __future__ import annotations

import re

import ftfy
from ftfy.chardata import UTF8_DETECTOR_RE

__all__ = [
    "FTFY_CONFIG",
    "has_unrepairable_mojibake",
    "looks_garbled",
    "repair_mojibake",
]

#: ftfy configuration used for every call, always through ``ftfy.fix_encoding(text, config)``.
#: Besides the encoding fix, every fixer is off: quotes are not uncurled, ligatures and
#: full-width characters are left alone, HTML entities are not unescaped, control characters and
#: line breaks are left to :mod:`newscrawl.cleaning.unicode`, no Unicode normalisation.
#: ``restore_byte_a0`` is off (see the module docstring). ``decode_inconsistent_utf8`` is off
#: because ftfy 6.3 runs that step with its *default* configuration (restore_byte_a0 on); this
#: module does the same job word by word instead. Caution: ``ftfy.fix_text(text, FTFY_CONFIG)``
#: is not equivalent -- with ``explain=False`` ftfy 6.3 ignores the config for the encoding step.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=False,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=False,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _continuation_chars() -> str:
    """Characters that a UTF-8 continuation byte (80-BF) becomes in Latin-1 or cp1252."""
    chars = {bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)}
    for b in range(0x80, 0xC0):
        try:
            chars.add(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
    chars.add("\ufffd")  # an undefined cp1252 byte decoded with errors="replace"
    return "".join(sorted(chars))


_CONT = "[" + re.escape(_continuation_chars()) + "]"
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
    """True when ``s`` still shows typical UTF-8-as-Latin-1/cp1252 mojibake sequences.

    Examples: ``Ã¼``, ``Ä±``, ``ÅŸ``, ``É™``, ``Ð—``, ``â€œ``, ``Ñ�``, C1 control characters.
    Correct az/en/ru text (including ``São``, ``ÇÖÜ``, ``«»``, ``“”``, ``©°€``) does not match.
    """
    if s.isascii() or _MARKER_CHARS_RE.search(s) is None:
        return False
    return _MARKER_RE.search(s) is not None


def has_unrepairable_mojibake(s: str) -> bool:
    """True when ``s`` contains U+FFFD or mojibake that :func:`repair_mojibake` cannot undo.

    Use it on the repaired text (or the raw text: repairing is idempotent) to reject an item
    whose body was decoded with the wrong code page and lost bytes on the way.
    """
    return "\ufffd" in s or looks_garbled(repair_mojibake(s))


# Code point ranges of the characters a repair may produce: what az/en/ru news text uses, plus
# common symbols and emoji. Anything else (Latin Extended-B and IPA letters other than Ə ə,
# historic Cyrillic, Armenian, Hebrew, Syriac, Thaana ...) is what a *correct* string such as
# "HEÇ°" or "Ü±" would turn into if it were wrongly decoded, so such a "repair" is refused.
_PLAUSIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x09, 0x0A),
    (0x0D, 0x0D),
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x17F),  # Latin-1 symbols and letters, Latin Extended-A (ğ ı İ ş)
    (0x18F, 0x18F),  # Ə
    (0x259, 0x259),  # ə
    (0x370, 0x3FF),  # Greek
    (0x400, 0x45F),  # Russian and other basic Cyrillic, Ё ё included
    (0x490, 0x491),  # Ґ ґ
    (0x2000, 0x206F),  # general punctuation: dashes, quotes, ellipsis, per mille
    (0x20A0, 0x20CF),  # currency: € ₼ ₽
    (0x2100, 0x22FF),  # letterlike (№ ™), number forms, arrows, mathematical operators
    (0x2500, 0x27BF),  # box drawing, geometric shapes, miscellaneous symbols, dingbats
    (0xFE0F, 0xFE0F),  # emoji presentation selector
    (0xFFFD, 0xFFFD),  # replacement character (lost bytes, reported separately)
    (0x1F000, 0x1FAFF),  # emoji and regional-indicator flags
)


def _plausible_char(ch: str) -> bool:
    """True for characters that a repair of az/en/ru text may produce."""
    cp = ord(ch)
    return any(low <= cp <= high for low, high in _PLAUSIBLE_RANGES)


def _ftfy(text: str) -> str:
    """``ftfy.fix_encoding`` with ``FTFY_CONFIG``, refused if it introduces implausible
    characters (see ``_PLAUSIBLE_RANGES``)."""
    fixed = ftfy.fix_encoding(text, FTFY_CONFIG)
    if fixed == text:
        return text
    original = set(text)
    if all(ch in original or _plausible_char(ch) for ch in fixed):
        return fixed
    return text


def _strict_redecode(seq: str) -> str | None:
    """Decode a garbled sequence back to UTF-8 via ftfy's sloppy cp1252 or Latin-1 codec.

    Returns ``None`` unless the bytes are valid UTF-8 and every resulting character is plausible.
    """
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            decoded = seq.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if decoded != seq and all(_plausible_char(ch) for ch in decoded):
            return decoded
    return None


def _fix_sequence(match: re.Match[str]) -> str:
    """Repair one detected sequence inside a word, or leave it as it is."""
    seq = match.group(0)
    if not looks_garbled(seq):
        return seq
    fixed = _ftfy(seq)
    if fixed != seq:
        return fixed
    return _strict_redecode(seq) or seq


def _marker_count(s: str) -> int:
    """Number of mojibake sequences in ``s``."""
    return len(_MARKER_RE.findall(s))


# Correct punctuation that often wraps a garbled word: “AzÉ™rbaycan”, «Ð—ÐµÐ»ÐµÐ½Ñ�ÐºÐ¸Ð¹».
_WRAPPED_WORD_RE = re.compile(r"([(\[«“„\"']*)(.*?)([)\]»”\"',.:;!?]*)", re.DOTALL)


def _fix_core(word: str) -> str:
    """Repair a word with ftfy, then repair the sequences ftfy left alone one by one."""
    fixed = _ftfy(word)
    if looks_garbled(fixed):
        fixed = UTF8_DETECTOR_RE.sub(_fix_sequence, fixed)
    return fixed


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
    return min(candidates, key=_marker_count)


# Words are split at ASCII whitespace only: U+00A0 is part of garbled letters ("Ð\xa0" is Р).
# No UTF-8 sequence contains an ASCII space, so repairing never adds or removes one.
_WORD_RE = re.compile(r"[^ \t\n\r\f\v]+")
_SPACE_SPLIT_RE = re.compile(r"([ \t\n\r\f\v]+)")


def _keep_only_garbled_changes(before: str, after: str) -> str:
    """Take the words of ``after`` only where the same word of ``before`` looks garbled.

    ftfy decodes a line as a whole and may then also decode a correct word that merely
    resembles mojibake (``"DAĞ°"`` is valid UTF-8 in cp1254 and would become ``"DAа"``).
    """
    old_parts = _SPACE_SPLIT_RE.split(before)
    new_parts = _SPACE_SPLIT_RE.split(after)
    if len(old_parts) != len(new_parts):
        return before
    return "".join(
        new if looks_garbled(old) else old for old, new in zip(old_parts, new_parts, strict=True)
    )


def _repair_line(line: str) -> str:
    """Repair one line: as a whole first, word by word if garbled parts remain."""
    if not looks_garbled(line):
        return line
    fixed = _keep_only_garbled_changes(line, _ftfy(line))
    if looks_garbled(fixed):
        fixed = _WORD_RE.sub(_fix_word, fixed)
    return fixed


def repair_mojibake(s: str) -> str:
    """Restore text that was UTF-8 decoded as Latin-1 or cp1252, leaving correct text alone.

    Works line by line and, in lines that mix correct and garbled text, word by word, so a
    partly garbled string is repaired where it is garbled and untouched elsewhere. A line
    without mojibake markers is returned unchanged. Idempotent. Letters lost as U+FFFD stay lost
    (see :func:`has_unrepairable_mojibake`).
    """
    if not looks_garbled(s):
        return s
    return "\n".join(_repair_line(line) for line in s.split("\n"))
