"""Mutation mode (``--mutate RATE``): article pages re-marked the way a CMS redesign re-marks them.

The replica's pages were written from the same guesses as the crawler's selectors, so a crawl
of them proves little about markup nobody has seen. With ``--mutate RATE`` a share ``RATE`` of
the article pages (chosen per ``--seed`` and path: the same pages on every request and run) is
rewritten with some of these changes, each drawn per page:

- ``classes``: every class name replaced by a generated one (CSS modules / CSS-in-JS builds:
  ``_3f9c1a``, ``css-1q2w3e``), the same token always becoming the same name on a page;
- ``structure``: extra wrapper ``div``s around the article, page blocks turned into
  ``article``/``header``/``section``, body paragraphs as ``div``s or as one block of text runs
  separated by ``<br><br>`` (an editor that stores line breaks);
- ``no_jsonld``: the JSON-LD blocks dropped;
- ``translations``: the ``hreflang`` alternates and the old block of other-edition titles
  dropped; the other editions linked instead from the header's language switcher or from a
  new "read in" block at the end of the page;
- ``date``: the visible date shown in another of the site's formats, or as a ``<time
  datetime>`` showing only the hour, or not shown at all when the head still has it.

The content does not change: title, date, body text and translations stay those of
``/__truth__.json``, whose items gain ``mutations`` (the list applied; empty for untouched
pages). Without ``--mutate`` nothing here runs and every page stays byte-identical.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from tests.site import dates
from tests.site.editions import EDITIONS, ORDER

if TYPE_CHECKING:
    from tests.site.content import Site
    from tests.site.model import Article

KINDS = ("classes", "structure", "no_jsonld", "translations", "date")
#: Chance of each change on a mutated page (at least one is always applied).
CHANCES = {"classes": 0.7, "structure": 0.7, "no_jsonld": 0.6, "translations": 0.6, "date": 0.5}
#: The article body container of each layout, as the replica renders it.
BODY_CLASSES = ("news-detail__desc", "article-text", "editor-body")
DATE_CLASSES = ("news__date", "article-date", "news-date")
TRANSLATION_CLASSES = ("news-detail__translations", "article-translations")
#: "Read in" labels of the new translations block, and language names of the switcher.
READ_IN = {"az": "Digər dillərdə", "en": "Read in other languages", "ru": "Читать на других языках"}
LANGUAGE_NAMES = {"az": "Azərbaycanca", "en": "English", "ru": "Русский"}


def share(seed: int, path: str) -> float:
    """A stable number in [0, 1) for a page: the page is mutated when it is below the rate."""
    digest = hashlib.sha256(f"mutate\0{seed}\0{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _has_class(element: HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _find(doc: HtmlElement, names: tuple[str, ...]) -> HtmlElement | None:
    for element in doc.iter():
        if isinstance(element.tag, str) and any(_has_class(element, n) for n in names):
            return element
    return None


@dataclass(frozen=True)
class Mutator:
    """Chooses and applies the mutations of article pages for one ``--mutate`` rate and seed."""

    rate: float
    seed: int

    def mutations(self, art: Article) -> list[str]:
        """The changes applied to the page of ``art`` (empty: served as rendered)."""
        if self.rate <= 0 or share(self.seed, art.clean_path) >= self.rate:
            return []
        rng = Random(f"mutate:{self.seed}:{art.clean_path}")
        chosen = [kind for kind in KINDS if rng.random() < CHANCES[kind]]
        return chosen or [KINDS[int(rng.random() * len(KINDS))]]

    def apply(self, site: Site, art: Article, now: int, html: str) -> str:
        """The page ``html`` of ``art`` with its mutations applied."""
        kinds = self.mutations(art)
        if not kinds:
            return html
        rng = Random(f"mutate-apply:{self.seed}:{art.clean_path}")
        doc = lxml.html.document_fromstring(html)
        if "date" in kinds:
            _date(doc, art, rng, keep_jsonld="no_jsonld" not in kinds)
        if "translations" in kinds:
            _translations(doc, site, art, now, rng)
        if "no_jsonld" in kinds:
            for script in doc.xpath('//script[@type="application/ld+json"]'):
                script.drop_tree()
        if "structure" in kinds:
            _structure(doc, rng)
        if "classes" in kinds:
            _classes(doc, self.seed, rng)
        text: str = lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
        return text + "\n"


# --------------------------------------------------------------------------- date
def _date(doc: HtmlElement, art: Article, rng: Random, keep_jsonld: bool) -> None:
    element = _find(doc, DATE_CLASSES)
    if element is None:
        return
    head_has_date = bool(doc.xpath('//meta[@property="article:published_time"]')) or (
        keep_jsonld and bool(doc.xpath('//script[@type="application/ld+json"]'))
    )
    ed, ts = art.ed, art.pub
    formats = [
        f"{dates.current_date(ed, ts)} {dates.hhmm(ts)}",
        dates.date_2019(ed, ts),
        dates.date_oldest(ts),
    ]
    if ed == "en":
        formats.append(f"{dates.current_date(ed, ts)} / {dates.hhmm(ts)}")
    variant = rng.random()
    if variant < 0.25 and head_has_date:
        element.drop_tree()  # the new design shows no date; the head still has it
        return
    if variant < 0.55:
        new = lxml.html.Element("time", datetime=dates.iso(ts))
        new.text = dates.hhmm(ts)
    else:
        new = lxml.html.Element("div", {"class": "date"})
        new.text = formats[int(rng.random() * len(formats))]
    new.tail = element.tail
    element.getparent().replace(element, new)


# --------------------------------------------------------------------------- translations
def _translations(doc: HtmlElement, site: Site, art: Article, now: int, rng: Random) -> None:
    for link in doc.xpath("//link[@hreflang]"):
        link.drop_tree()
    old = _find(doc, TRANSLATION_CLASSES)
    if old is not None:
        old.drop_tree()
    others = sorted(
        (t for ed, t in art.story.articles.items() if ed != art.ed and t.pub <= now),
        key=lambda t: ORDER.index(t.ed),
    )
    if not others:
        return
    absolute = rng.random() < 0.3
    base = doc.xpath('//link[@rel="canonical"]/@href')
    root = base[0].split("/", 3)[:3] if base else []
    prefix = "/".join(root) if absolute and root else ""
    switcher = _find(doc, ("header__langs",))
    if switcher is not None and rng.random() < 0.5:
        # the language switcher of the header now leads to this article in the other editions
        by_edition = {t.ed: t for t in others}
        for link in switcher.iter("a"):
            code = (link.text or "").strip().lower()
            if code in by_edition:
                link.set("href", prefix + by_edition[code].path)
        return
    block = lxml.html.Element("div", {"class": "read-in"})
    heading = etree.SubElement(block, "span", {"class": "read-in__label"})
    heading.text = READ_IN[art.ed]
    for other in others:
        link = etree.SubElement(
            block, "a", {"href": prefix + other.path, "lang": other.ed, "class": "read-in__link"}
        )
        link.text = site.title(other, now) if rng.random() < 0.5 else LANGUAGE_NAMES[other.ed]
    main = doc.find(".//main")
    (main if main is not None else doc.body).append(block)


# --------------------------------------------------------------------------- structure
def _structure(doc: HtmlElement, rng: Random) -> None:
    body = _find(doc, BODY_CLASSES)
    if body is None:
        return
    style = rng.random()
    if style < 0.4:
        _paragraphs_as_runs(body)
    elif style < 0.7:
        for paragraph in list(body):
            if paragraph.tag == "p" and not paragraph.get("class"):
                paragraph.tag = "div"
                paragraph.set("class", "text-block")
    for depth in range(1 + int(rng.random() * 3)):
        wrapper = lxml.html.Element("div", {"class": ("content-wrap", "inner", "col-12")[depth]})
        parent = body.getparent()
        wrapper.tail = body.tail
        body.tail = None
        parent.replace(body, wrapper)
        wrapper.append(body)
    for element in list(doc.iter("div")):
        classes = element.get("class") or ""
        if "news-detail__head" in classes:
            element.tag = "header"
        elif classes in ("news-detail", "article-page"):
            element.tag = "article"
        elif rng.random() < 0.2:
            element.tag = "section"


def _paragraphs_as_runs(body: HtmlElement) -> None:
    """Each plain ``<p>`` unwrapped into the body as a text run ending in ``<br><br>``."""
    for paragraph in list(body):
        if paragraph.tag != "p" or paragraph.get("class"):
            continue
        index = body.index(paragraph)
        first = lxml.html.Element("br")
        second = lxml.html.Element("br")
        second.tail = "\n" + (paragraph.tail or "").lstrip("\n")
        body.insert(index + 1, first)
        body.insert(index + 2, second)
        paragraph.drop_tag()


# --------------------------------------------------------------------------- classes
#: Classes the embed scripts of other sites look for (Twitter's widgets.js finds its posts by
#: ``blockquote.twitter-tweet``): a redesign of the site's own styles keeps them.
THIRD_PARTY_CLASSES = frozenset(
    {"twitter-tweet", "instagram-media", "telegram-post", "tiktok-embed"}
)


def _classes(doc: HtmlElement, seed: int, rng: Random) -> None:
    scheme = ("_{}", "css-{}", "sc-{}")[int(rng.random() * 3)]
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        classes = element.get("class")
        if classes is None:
            continue
        names = [
            token
            if token in THIRD_PARTY_CLASSES
            else scheme.format(hashlib.sha1(f"{seed}:{token}".encode()).hexdigest()[:6])
            for token in classes.split()
        ]
        element.set("class", " ".join(names))


def mutated_truth(site: Site, mutator: Mutator, item: dict[str, object], now: int) -> None:
    """Add the ``mutations`` of the page to a truth item (in place)."""
    url = str(item["url"])
    path = "/" + url.split("/", 3)[3]
    parts = [p for p in path.split("/") if p]
    ed = parts.pop(0) if parts and parts[0] in EDITIONS and parts[0] != "az" else "az"
    art = site.find(ed, parts[0], parts[1], now) if len(parts) == 2 else None
    item["mutations"] = mutator.mutations(art) if art is not None else []
