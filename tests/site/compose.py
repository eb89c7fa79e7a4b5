"""Article text from a story seed: headlines, paragraphs with inline markup, page looks.

Everything is drawn from ``random.Random`` seeded per story (text, shared by its translations)
or per article (presentation), so any page can be rebuilt alone, in any order, identically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random
from types import ModuleType
from typing import Any

from tests.site import dates, texts_az
from tests.site.editions import EDITIONS, QUOTE_GROUPS, TOPIC_GROUP, TOPIC_TAG_ENTITY
from tests.site.model import AID_OFFSET, Article, Block, Body, Look, Story
from tests.site.textkit import A, S, Seg, T, cap, mark, number, plain, split_marked, visible
from tests.site.translit import slugify

#: entity kind -> attribute of the wording modules
_KINDS = {
    "country": "COUNTRIES",
    "city": "CITIES",
    "town": "TOWNS",
    "company": "COMPANIES",
    "telco": "TELCOS",
    "club": "CLUBS",
    "field": "FIELDS",
    "code": "CODES",
}
#: entity keys in a fixed order (shared by all languages)
KEYS: dict[str, list[str]] = {kind: list(getattr(texts_az, attr)) for kind, attr in _KINDS.items()}
PHOTO_HOST = "https://static.report.az/photo"


class _Tables:
    """One language's entity forms, plain and with link markers."""

    def __init__(self, lang: str):
        texts = EDITIONS[lang].texts
        prefix = EDITIONS[lang].prefix
        self.plain: dict[str, dict[str, dict[str, str]]] = {}
        self.marked: dict[str, dict[str, dict[str, str]]] = {}
        for kind, attr in _KINDS.items():
            table = getattr(texts, attr, None)
            if table is None:
                continue
            self.plain[kind] = {}
            self.marked[kind] = {}
            for key, forms in table.items():
                self.plain[kind][key] = {form: plain(text) for form, text in forms.items()}
                tag = f"{prefix}/tags/{slugify(tag_text(forms['nom']))}"
                self.marked[kind][key] = {form: mark(tag, text) for form, text in forms.items()}


_TABLES: dict[str, _Tables] = {}


def _tables(lang: str) -> _Tables:
    tables = _TABLES.get(lang)
    if tables is None:
        tables = _TABLES[lang] = _Tables(lang)
    return tables


def tag_text(name: str) -> str:
    """A tag label from an entity name: no quotes, no stem separator."""
    return plain(name).strip('“”«»"')


#: (name, number of choices) of every random choice of a story, decoded from one integer
_RADICES: tuple[tuple[str, int], ...] = (
    ("country", len(KEYS["country"])),
    ("country2", len(KEYS["country"]) - 1),
    ("club", len(KEYS["club"])),
    ("club2", len(KEYS["club"]) - 1),
    ("city", len(KEYS["city"])),
    ("town", len(KEYS["town"])),
    ("company", len(KEYS["company"])),
    ("telco", len(KEYS["telco"])),
    ("field", len(KEYS["field"])),
    ("code", len(KEYS["code"])),
    ("reading", 3),
    ("year", 5),
    ("n", 38),
    ("big", 188),
    ("pct", 395),
    ("amount", 9000),
    ("price", 3700),
    ("rate", 6),
    ("mag", 29),
    ("mw", 96),
    ("score_home", 5),
    ("score_away", 4),
)
_DIVISORS: dict[str, tuple[int, int]] = {}
_product = 1
for _name, _radix in _RADICES:
    _DIVISORS[_name] = (_product, _radix)
    _product *= _radix
_PICK_BITS = _product.bit_length() + 1


class Picks:
    """The language-independent choices of one story (entities, numbers), decoded on demand."""

    __slots__ = ("bits",)

    def __init__(self, bits: int):
        self.bits = bits

    def raw(self, name: str) -> int:
        divisor, radix = _DIVISORS[name]
        return (self.bits // divisor) % radix

    def get(self, name: str) -> Any:
        raw = self.raw
        if name in ("country", "club", "city", "town", "company", "telco", "field", "code"):
            return KEYS[name][raw(name)]
        if name in ("country2", "club2"):
            kind = name[:-1]
            first = raw(kind)
            keys = KEYS[kind]
            return keys[(first + 1 + raw(name)) % len(keys)]
        value = raw(name) if name != "score" else 0
        if name == "reading":
            return value
        if name == "year":
            return 2026 + value
        if name == "n":
            return 3 + value
        if name == "big":
            return 50 * (3 + value)
        if name == "pct":
            return (5 + value) / 10
        if name == "amount":
            return (12 + value) / 10
        if name == "price":
            return (5500 + value) / 100
        if name == "rate":
            return (27 + value) / 4
        if name == "mag":
            return (40 + value) / 10
        if name == "mw":
            return 10 * (5 + value)
        if name == "score":
            return f"{raw('score_home')}:{raw('score_away')}"
        raise KeyError(name)


def _pick(rng: Random, k: int) -> int:
    return int(rng.random() * k)


def draw_picks(rng: Random) -> Picks:
    """All choices of a story from one draw of random bits (cheap: done for every story)."""
    return Picks(rng.getrandbits(_PICK_BITS))


_ENTITY_SLOTS = {
    "country": "country",
    "country2": "country",
    "city": "city",
    "town": "town",
    "company": "company",
    "telco": "telco",
    "club": "club",
    "club2": "club",
    "field": "field",
    "code": "code",
}


class _Values(dict[str, Any]):
    """Template slot values of a story in one language, computed when a template asks."""

    def __init__(self, picks: Picks, lang: str, marked: bool):
        super().__init__()
        self.picks = picks
        self.texts = EDITIONS[lang].texts
        tables = _tables(lang)
        self.src = tables.marked if marked else tables.plain

    def __missing__(self, slot: str) -> Any:
        picks, texts = self.picks, self.texts
        kind = _ENTITY_SLOTS.get(slot)
        value: Any
        if kind is not None:
            value = self.src[kind][picks.get(slot)]
        elif slot == "reading":
            value = texts.READINGS[picks.get(slot)]
        elif slot == "year":
            value = texts.YEARS[picks.get(slot)]
        elif slot in ("n", "big", "mw", "score"):
            value = str(picks.get(slot))
        elif slot in ("price", "rate"):
            value = number(picks.get(slot), texts.DECIMAL, 2)
        elif slot in ("pct", "amount", "mag"):
            value = number(picks.get(slot), texts.DECIMAL)
        else:
            raise KeyError(slot)
        self[slot] = value
        return value


def values(picks: Picks, lang: str, marked: bool) -> dict[str, Any]:
    """Template slot values of a story in one language (filled lazily)."""
    return _Values(picks, lang, marked)


def story_titles(story: Story, langs: list[str]) -> dict[str, str]:
    """The original headline of a generated story in each language (cheap: used eagerly)."""
    rng = Random(story.seed)
    picks = draw_picks(rng)
    hidx = _pick(rng, 4)
    out = {}
    for lang in langs:
        template = EDITIONS[lang].texts.HEADLINES[story.topic][hidx][0]
        out[lang] = cap(template.format_map(values(picks, lang, marked=False)), lang)
    return out


@dataclass(slots=True)
class StoryText:
    """The words of one story in one language (markers still in the sentences)."""

    title: str
    alt_title: str
    lead: str | None  # lead sentence without the final period; None when paras are fixed
    first_extra: list[str]
    paras: list[str]
    fixed: list[tuple[Seg, ...]] | None
    tags: list[str]
    caption: str
    summary: str
    update: str
    photo: str


def photo_uuid(story: Story) -> str:
    digest = hashlib.md5(f"photo:{story.seed}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def story_text(story: Story, lang: str) -> StoryText:
    """Generate the text of ``story`` in ``lang``; the same draws for every language."""
    texts: ModuleType = EDITIONS[lang].texts
    rng = Random(story.seed)
    picks = draw_picks(rng)
    hidx = _pick(rng, 4)
    alt_idx = (hidx + 1 + _pick(rng, 3)) % 4
    alt_suffix = rng.random() < 0.5
    group = TOPIC_GROUP[story.topic]
    pool_size = len(texts_az.SENTENCES[group])
    k = min(pool_size, 3 + _pick(rng, 4))
    order = rng.sample(range(pool_size), k)
    extra_first = rng.random() < 0.4
    quote = _pick(rng, 4) if rng.random() < 0.5 else -1
    rest = order[1:] if extra_first else order
    sizes: list[int] = []
    left = len(rest)
    while left > 0:
        size = min(left, 1 + _pick(rng, 2))
        sizes.append(size)
        left -= size
    quote_pos = _pick(rng, len(sizes) + 1)
    n_topic_tags = _pick(rng, 3)
    caption = _pick(rng, 4)
    unused = [i for i in range(pool_size) if i not in order]
    summary_idx = unused[_pick(rng, len(unused))] if unused else -1
    update = _pick(rng, 3)

    marked = values(picks, lang, marked=True)
    plain_values = values(picks, lang, marked=False)
    sentences = texts.SENTENCES.get(group, [])
    headlines = texts.HEADLINES.get(story.topic)
    special = story.special.articles.get(lang) if story.special else None

    if special is not None:
        title = special.title
    else:
        assert headlines is not None
        title = cap(headlines[hidx][0].format_map(plain_values), lang)
    if special is not None and special.new_title:
        alt_title = special.new_title
    elif alt_suffix or headlines is None:
        alt_title = texts.TITLE_UPDATED.format(title=title)
    else:
        alt_title = cap(headlines[alt_idx][0].format_map(plain_values), lang)

    fixed: list[tuple[Seg, ...]] | None = None
    lead: str | None = None
    if special is not None and special.paras is not None:
        fixed = [(T(p),) if isinstance(p, str) else p for p in special.paras]
    elif special is not None and special.lead is not None:
        lead = special.lead
    else:
        assert headlines is not None
        lead = headlines[hidx][1].format_map(marked)
    first_extra = [sentences[order[0]].format_map(marked)] if extra_first else []
    paras: list[str] = []
    pos = 0
    for size in sizes:
        paras.append(" ".join(sentences[i].format_map(marked) for i in rest[pos : pos + size]))
        pos += size
    if quote >= 0 and group in QUOTE_GROUPS:
        paras.insert(quote_pos, texts.QUOTES[quote])

    if special is not None and special.tags is not None:
        tags = list(special.tags)
    elif special is not None:
        tags = list(texts.TOPIC_TAGS.get(story.topic, []))
    else:
        kind = TOPIC_TAG_ENTITY[story.topic]
        slot = {"country": "country", "city": "city", "town": "town", "company": "company"}
        entity = plain_values[slot.get(kind, kind)]["nom"]
        topic_tags = texts.TOPIC_TAGS.get(story.topic, [])
        tags = [tag_text(entity), *topic_tags[:n_topic_tags]]
    if special is not None and special.summary:
        summary = special.summary
    elif summary_idx >= 0:
        summary = plain(sentences[summary_idx].format_map(marked))
    elif headlines is not None:
        summary = cap(headlines[alt_idx][1].format_map(plain_values), lang) + "."
    else:
        summary = plain(texts.QUOTES[(quote + 1) % 4])
    return StoryText(
        title=title,
        alt_title=alt_title,
        lead=lead,
        first_extra=first_extra,
        paras=paras,
        fixed=fixed,
        tags=tags,
        caption=texts.CAPTIONS[caption],
        summary=summary,
        update=texts.UPDATES[update],
        photo=photo_uuid(story),
    )


def _rng_for(site_seed: int, art: Article, what: str) -> Random:
    special = art.story.special
    if special is not None and art.origin is None:
        return Random(f"special:{special.key}:{art.ed}:{what}")
    return Random(f"{site_seed}:{what}:{art.aid - AID_OFFSET}")


def make_look(site_seed: int, art: Article) -> Look:
    """The presentation choices of one article page."""
    rng = _rng_for(site_seed, art, "look")
    r = rng.random
    texts = EDITIONS[art.ed].texts
    look = Look()
    x = r()
    look.jsonld = "none" if x < 0.3 else "object" if x < 0.5 else "list" if x < 0.7 else "graph"
    if art.layout == "oldest" and not art.meta and look.jsonld == "none":
        look.jsonld = "graph"
    look.photo = photo_uuid(art.story) if r() < 0.93 else None
    look.lazy = art.layout == "current" and r() < 0.3
    cap_roll, cap_idx = r(), _pick(rng, len(texts.CAPTIONS))
    look.caption = texts.CAPTIONS[cap_idx] if cap_roll < 0.6 and art.layout != "oldest" else None
    x = r()
    look.badge = "photo" if x < 0.07 else "video" if x < 0.12 else None
    x = r()
    look.card_href = (
        "canonical"
        if x < 0.85
        else "slash"
        if x < 0.9
        else "utm"
        if x < 0.95 or art.ed != "az"
        else "az"
    )
    look.card_category = r() < 0.85
    look.card_class_space = r() < 0.5
    look.short_https = r() < 0.5
    look.self_hreflang = r() < 0.5
    look.distinct_lead = r() < 0.2
    look.tags_inside = r() < 0.5
    share_roll, share_idx = r(), _pick(rng, len(texts.SHARE_LINES))
    look.share = share_idx if share_roll < 0.4 else None
    look.share_middle = r() < 0.3
    look.script = r() < 0.15
    look.style = r() < 0.05
    look.tweet = r() < 0.03
    look.attribution = _pick(rng, len(texts.ATTRIBUTIONS))
    look.link_rate = 0.0 if r() < 0.5 else 0.3
    look.dateline_bold = r() < 0.3
    look.dateline_space = r() < 0.8
    special = art.story.special
    if special is not None:
        for key, value in special.look.items():
            setattr(look, key, value)
        if "photo" not in special.look:
            look.photo = photo_uuid(art.story)
        if "attribution" not in special.look and special.key == "glue":
            look.attribution = texts.GLUE_ATTRIBUTION
    if not (art.meta or look.jsonld != "none"):
        look.distinct_lead = False  # no description anywhere on the page
    if art.origin is not None:  # a republished copy: the same body, so the same attribution
        look.attribution = make_look(site_seed, art.origin).attribution
    return look


def decorate(marked: str, rng: Random, look: Look) -> list[Seg]:
    """Turn a marked sentence into segments, linking or bolding some entities."""
    out: list[Seg] = []
    for tag, text in split_marked(marked):
        if tag is None:
            out.append(T(text))
            continue
        stem, _, suffix = text.partition("|")
        x = rng.random()
        if x < look.link_rate:
            out.append(A(stem, tag))
            if suffix:
                out.append(T(suffix))
        elif x < look.link_rate + look.bold_rate:
            out.append(S(stem + suffix))
        else:
            out.append(T(stem + suffix))
    merged: list[Seg] = []
    for seg in out:
        if merged and seg[0] == "t" and merged[-1][0] == "t":
            merged[-1] = T(merged[-1][1] + seg[1])
        else:
            merged.append(seg)
    return merged


def _cap_segments(segs: list[Seg], lang: str) -> list[Seg]:
    if not segs:
        return segs
    kind, text, href = segs[0]
    return [(kind, cap(text, lang), href), *segs[1:]]


def attribute(lead: str, variant: int, lang: str, rng: Random, look: Look) -> list[Seg]:
    """The lead sentence with the agency's attribution formula in it."""
    position, formula = EDITIONS[lang].texts.ATTRIBUTIONS[variant]
    segs = decorate(lead, rng, look)
    if position == "pre":
        return [*formula, *segs, T(".")]
    return [*_cap_segments(segs, lang), *formula]


def make_body(site_seed: int, art: Article, text: StoryText, look: Look, edited: bool) -> Body:
    """The body blocks of an article page and the visible text of its paragraphs."""
    rng = _rng_for(site_seed, art, "body")
    lang = art.ed
    texts = EDITIONS[lang].texts
    paras: list[list[Seg]] = []
    if text.fixed is not None:
        paras = [list(p) for p in text.fixed]
    else:
        assert text.lead is not None
        first = attribute(text.lead, look.attribution, lang, rng, look)
        for sentence in text.first_extra:
            first += [T(" "), *decorate(sentence, rng, look)]
        if rng.random() < 0.1:
            first = [S(visible(first))]
        paras.append(first)
        paras.extend(decorate(p, rng, look) for p in text.paras)
    if edited and art.edit is not None and art.edit.paragraph:
        idx = min(1, len(paras) - 1)
        paras[idx] = [*paras[idx], T(" " + text.update)]
    blocks: list[Block] = [("p", tuple(p)) for p in paras]
    if look.badge == "video":
        video_id = hashlib.md5(f"video:{art.story.seed}".encode()).hexdigest()[:11]
        blocks.insert(1, ("iframe", f"https://www.youtube.com/embed/{video_id}"))
    if look.tweet:
        blocks.insert(min(2, len(blocks)), ("tweet", None))
    if look.script:
        blocks.insert(1 + _pick(rng, len(blocks)), ("script", None))
    if look.style:
        blocks.insert(0, ("style", None))
    if look.share is not None:
        line = texts.SHARE_LINES[look.share]
        at = len(blocks) // 2 if look.share_middle else len(blocks)
        blocks.insert(at, ("share", line))
    if art.layout == "current" and look.tags_inside:
        blocks.append(("tags", None))
    dateline = dates.dateline(lang, art.pub) if has_dateline(site_seed, art) else None
    return Body(blocks=blocks, paragraphs=[visible(p) for p in paras], dateline=dateline)


#: Share of 2019-layout pages whose body opens with a dateline (the live site's 2018 pages of
#: the one-line-date layout do).
DATELINE_2019 = 0.4


def has_dateline(site_seed: int, art: Article) -> bool:
    """Whether the body opens with a ``Baku. 9 April. REPORT.AZ/`` dateline (and, on a
    live-update page, each block): every oldest page, some 2019 pages."""
    if art.layout == "2019":
        return _rng_for(site_seed, art, "dateline").random() < DATELINE_2019
    return art.layout == "oldest"


def truncate(text: str, limit: int = 150) -> str:
    """A description cut from a paragraph: at most ``limit`` characters, ending in ``...``."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "..."
