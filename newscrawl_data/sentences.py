"""Paragraphs and sentences of an article body, for az, en and ru news text.

A body is split into paragraphs at blank lines (the Article contract), each paragraph into
sentences at ``.``, ``!``, ``?`` or an ellipsis (closing quotes and brackets stay with the
sentence) followed by white space and a sentence start (an upper-case letter or a digit, maybe
behind an opening quote, bracket or dash). A boundary is not taken after:

- an abbreviation of the language (``ABBREVIATIONS``: az ``prof.``, ``km.``, ``mln.``,
  abbreviated months ``yan.``, ...; en ``Mr.``, ``Jan.``, ``No.``; ru ``г.``, ``млн.``, ...),
- an initial: one upper-case letter (``İ. Əliyev``, ``И. Алиев``, ``J. Smith``) or dotted
  letters (``U.S.``, ``b.e.``),
- inside a dateline opening the paragraph (``Bakı. 5 mart. REPORT.AZ/``, ``Baku. 15 March.
  REPORT.AZ/``, ``Баку. 3 июля. REPORT.AZ/``): it stays with the first sentence.

Numbers never break: ``1.000``, ``2,5 faiz``, ``15.30`` have no space after the dot or comma.
A lower-case word after a period (``və s. məhsullar``) is no sentence start. Splitting loses
nothing: the sentences of a paragraph joined by one space give the paragraph with its white
space collapsed (``join_sentences``).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that end with a period without ending the sentence, lower case, without the period.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "az": _words(
        "prof dos akad gen ak red res resp müəl məs bax səh cild küç pr şəh ray qəs "
        "nöm "
        "yan fev mar apr iyn iyl avq sen sent okt noy dek m"  # ``m.``: metres
    ),
    "en": _words(
        "mr mrs ms dr prof gen lt col maj capt sgt sen rep gov pres st mt ft no nos vs "
        "approx est dept fig jan feb mar apr jun jul aug sep sept oct nov dec"
    ),
    "ru": _words(
        "г гг т д п с пп ст им ул пр просп пл обл р-н р-на проф акад доц ген см стр рис "
        "янв фев февр мар апр авг сент окт нояб дек т.е и.о"
    ),
}
#: Abbreviations that usually end an enumeration, so a sentence: they break like a word.
FINAL: dict[str, frozenset[str]] = {
    "az": frozenset({"s"}),  # ``neft, qaz və s. Bu ...``
    "en": frozenset({"etc"}),
    "ru": frozenset({"т.д", "т.п", "др"}),  # ``и т.д. Далее ...``
}

#: ``Bakı. 5 mart. REPORT.AZ/`` (and without the month's period, with other cities)
DATELINE = re.compile(
    r"^\s*[^\W\d_][\w-]*(?:\s[^\W\d_][\w-]*)?\.\s+\d{1,2}\s+[^\W\d_]+\.?,?\s*(?:\d{4}\.?\s*)?"
    r"(?:/?\s*REPORT\.AZ\s*/|/?\s*Report\s*/)\s*",
    re.IGNORECASE,
)
#: A candidate end: the terminator, closing quotes or brackets, then white space.
_END = re.compile(r"(?:\.{3}|…|[.!?]+)[”»\"’')\]]*(?=\s)")
#: What may open a sentence: quotes, brackets or a dash, then an upper-case letter or a digit.
_QUOTES = "”»\"’'"
_START = re.compile(r"\s+(?:[“«\"‘'(\[]|[–—-]\s+)?")
_WORD_BEFORE = re.compile(r"([^\W\d_](?:[\w.-]*[^\W\d_])?)\.$")
_INITIAL = re.compile(r"(?:^|[\s(“«\"])[^\W\d_]\.$")
_DOTTED = re.compile(r"(?:[^\W\d_]\.){2,}$")
_SPACES = re.compile(r"\s+")


def split_paragraphs(body: str) -> list[str]:
    """The paragraphs of a body (blank-line separated), white space collapsed, empty ones out."""
    paragraphs = (_SPACES.sub(" ", part).strip() for part in re.split(r"\n\s*\n", body))
    return [p for p in paragraphs if p]


def _is_abbreviation(head: str, language: str) -> bool:
    """True when ``head`` (the text up to and with a period) ends with a non-final period."""
    match = _WORD_BEFORE.search(head)
    word = match.group(1).lower() if match else ""
    if word in FINAL.get(language, frozenset()):
        return False
    if _INITIAL.search(head) and head[-2].isupper():
        return True  # ``İ. Əliyev``
    if _DOTTED.search(head):
        return True  # ``U.S.``, ``b.e.``, ``т.е.``
    return word in ABBREVIATIONS.get(language, frozenset())


def split_sentences(paragraph: str, language: str) -> list[str]:
    """The sentences of one paragraph of ``language`` (az, en, ru)."""
    text = _SPACES.sub(" ", paragraph).strip()
    if not text:
        return []
    dateline = DATELINE.match(text)
    protected = dateline.end() if dateline else 0
    sentences: list[str] = []
    start = 0
    for end in _END.finditer(text):
        stop = end.end()
        if stop <= protected:
            continue
        opener = _START.match(text, stop)
        if opener is None or opener.end() >= len(text):
            continue
        first = text[opener.end()]
        if not (first.isupper() or first.isdigit()):
            continue
        if end.group()[-1] in _QUOTES and any(dash in opener.group() for dash in "–—-"):
            continue  # ``“Gəlin!” – Əliyev deyib.``: the speaker goes with the quote
        if end.group().startswith(".") and not end.group().startswith("..."):
            head = text[start : end.start() + 1]
            if _is_abbreviation(head, language):
                continue
        sentences.append(text[start:stop].strip())
        start = stop
        while start < len(text) and text[start].isspace():
            start += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def join_sentences(sentences: list[str]) -> str:
    """The paragraph back from its sentences."""
    return " ".join(sentences)


def split_body(body: str, language: str) -> list[list[str]]:
    """Paragraphs of ``body``, each a list of its sentences."""
    return [split_sentences(p, language) for p in split_paragraphs(body)]
