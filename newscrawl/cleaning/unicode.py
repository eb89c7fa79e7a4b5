"""Unicode and whitespace normalisation of extracted text.

Two entry points:

* :func:`normalize_text` for multi-paragraph text (an article body): paragraphs are kept and
  separated by exactly one blank line.
* :func:`normalize_line` for one-line fields (title, category, tag, caption).

Both are pure ``str -> str`` functions and idempotent. Run
:func:`newscrawl.cleaning.mojibake.repair_mojibake` *before* them: a garbled no-break space
(``"Â\\xa0"``) is only repairable while the U+00A0 is still there.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_line", "normalize_text"]

# Characters deleted outright. None of them is needed in Azerbaijani, English or Russian text:
# zero-width space/joiners, word joiner, BOM, soft hyphen, invisible math operators, the
# Mongolian vowel separator and the bidirectional marks/embeddings/isolates.
_DELETE_CHARS = (
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u200e\u200f"  # left-to-right / right-to-left mark
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # zero-width no-break space / byte order mark
)
_DELETE_TABLE = str.maketrans("", "", _DELETE_CHARS)

# Line breaks other than "\n" (CR LF, CR, vertical tab, form feed, Unicode line separator) become
# "\n"; the Unicode paragraph separator becomes a blank line.
_LINE_BREAK_RE = re.compile(r"\r\n|[\r\v\f\u2028]")
_PARAGRAPH_SEPARATOR = "\u2029"

# Horizontal whitespace: tab plus every Unicode space separator (category Zs), which covers
# U+00A0, U+202F, U+2007, U+2000-U+200A, U+205F, U+3000 and U+1680.
_HSPACE_RE = re.compile(r"[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

_BLANK_LINES_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


# Control characters (category Cc) other than newline and tab: C0, DEL and C1.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: Every character one of the substitutions below changes, but the plain space (whose runs
#: both callers collapse anyway): most text has none, and then only NFC is left to do.
_SPECIAL_RE = re.compile(
    "[\r\v\f\u2028\u2029\x00-\x08\x0b-\x1f\x7f-\x9f\t\u00a0\u1680\u2000-\u200a\u202f"
    "\u205f\u3000" + re.escape(_DELETE_CHARS) + "]"
)


def _clean_chars(s: str) -> str:
    """Unify line breaks, delete invisible characters and control characters, unify spaces.

    Runs of plain spaces may be left: the callers split on white space.
    """
    if _SPECIAL_RE.search(s) is None:
        return unicodedata.normalize("NFC", s)  # a no-op on text already in NFC (quick check)
    s = _LINE_BREAK_RE.sub("\n", s).replace(_PARAGRAPH_SEPARATOR, "\n\n")
    s = s.translate(_DELETE_TABLE)
    s = _CONTROL_RE.sub("", s)
    s = _HSPACE_RE.sub(" ", s)
    # Deleting characters can bring a base letter and a combining mark together, so compose last.
    return unicodedata.normalize("NFC", s)


def normalize_text(s: str) -> str:
    """Normalise multi-paragraph text.

    NFC; no-break and other Unicode spaces become a plain space; zero-width characters, soft
    hyphens, bidi marks and control characters (except newline) are removed; runs of spaces and
    tabs collapse to one space and every line is stripped. A blank line separates paragraphs:
    the result has paragraphs joined by exactly ``"\\n\\n"``, while a single line break inside a
    paragraph becomes a space. Leading and trailing blank lines are dropped.
    """
    s = _clean_chars(s)
    paragraphs = _BLANK_LINES_RE.split(s)
    out: list[str] = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if words:
            out.append(" ".join(words))
    return "\n\n".join(out)


def normalize_line(s: str) -> str:
    """Normalise a one-line field (title, category, tag).

    The same character clean-up as :func:`normalize_text`, but every run of whitespace, line
    breaks included, collapses to a single space and the result is stripped.
    """
    return " ".join(_clean_chars(s).split())
