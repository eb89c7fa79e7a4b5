"""Small text helpers shared by the wording modules: inline segments, word forms, markers."""

from __future__ import annotations

#: One inline run of a paragraph: ``(kind, text, href)`` with kind ``t`` (plain text), ``a``
#: (link), ``b`` or ``strong`` (bold). ``href`` is empty except for links.
Seg = tuple[str, str, str]

#: Entity markers inside generated sentences: ``\x01tag-slug\x02Text|suffix\x03``. The ``|``
#: separates a word stem from a grammatical suffix (az), so a link can cover the stem only.
MARK_OPEN, MARK_MID, MARK_CLOSE, STEM = "\x01", "\x02", "\x03", "|"


def T(text: str) -> Seg:
    """Plain text."""
    return ("t", text, "")


def A(text: str, href: str) -> Seg:
    """A link."""
    return ("a", text, href)


def B(text: str) -> Seg:
    """``<b>`` text."""
    return ("b", text, "")


def S(text: str) -> Seg:
    """``<strong>`` text."""
    return ("strong", text, "")


def visible(segments: list[Seg] | tuple[Seg, ...]) -> str:
    """The text a browser shows for the segments: concatenated, white space collapsed."""
    return " ".join("".join(seg[1] for seg in segments).split())


def az_forms(nom: str, gen: str, loc: str, dat: str, abl: str = "") -> dict[str, str]:
    """Azerbaijani case forms written as stem + ``|`` + suffix."""
    forms = {"nom": nom, "gen": f"{nom}|{gen}", "loc": f"{nom}|{loc}", "dat": f"{nom}|{dat}"}
    forms["abl"] = f"{nom}|{abl}" if abl else nom
    return forms


def plain(text: str) -> str:
    """Text without markers and stem separators."""
    if MARK_OPEN in text:
        out: list[str] = []
        for _, piece in split_marked(text):
            out.append(piece)
        text = "".join(out)
    return text.replace(STEM, "")


def mark(tag: str, text: str) -> str:
    """Wrap an entity form in markers naming its tag slug."""
    return f"{MARK_OPEN}{tag}{MARK_MID}{text}{MARK_CLOSE}"


def split_marked(text: str) -> list[tuple[str | None, str]]:
    """Split a marked sentence into ``(tag or None, text)`` pieces."""
    pieces: list[tuple[str | None, str]] = []
    rest = text
    while True:
        start = rest.find(MARK_OPEN)
        if start < 0:
            if rest:
                pieces.append((None, rest))
            return pieces
        if start:
            pieces.append((None, rest[:start]))
        mid = rest.index(MARK_MID, start)
        end = rest.index(MARK_CLOSE, mid)
        pieces.append((rest[start + 1 : mid], rest[mid + 1 : end]))
        rest = rest[end + 1 :]


def cap(text: str, lang: str) -> str:
    """Upper-case the first letter (Azerbaijani ``i`` becomes ``İ``)."""
    if not text:
        return text
    first = text[0]
    if lang == "az" and first == "i":
        return "İ" + text[1:]
    return first.upper() + text[1:]


def number(value: float, decimal_sep: str, decimals: int = 1) -> str:
    """A number with at most ``decimals`` decimals, trailing zeros dropped."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal_sep)
