"""The replica's content: generation of every article from a seed, views of pages, ground truth.

``build_site(seed=..., articles=..., now=..., days=...)`` returns a :class:`Site`. Metadata of
all articles (times, titles, slugs, layouts, edits) is made eagerly and is light; the text and
the presentation of a page are generated when first needed and cached. HTML pages
(``render.py``) and :meth:`Site.truth` are both made from :meth:`Site.view`, so they agree.
"""

from __future__ import annotations

import gc
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from random import Random
from typing import Any

from tests.site import dates, realtext
from tests.site.compose import (
    PHOTO_HOST,
    StoryText,
    make_body,
    make_look,
    story_text,
    story_titles,
    truncate,
)
from tests.site.editions import EDITIONS, ORDER, TOPIC_WEIGHTS
from tests.site.lru import LRU
from tests.site.model import AID_OFFSET, Article, Body, Edit, Look, Story
from tests.site.specials import SpecialStory, build_specials
from tests.site.translit import slugify

MIN = 60
HOUR = 3600
DAY = 86400
#: Most articles one edition publishes in the same minute (keeps scroll cursors moving).
PER_MINUTE = 3
FUTURE_WINDOW = 120 * MIN


@dataclass(slots=True)
class ArticleView:
    """Everything one article page shows at a given clock, ready for HTML or ground truth."""

    art: Article
    look: Look
    text: StoryText
    title: str
    original_title: str
    body: Body
    description: str | None
    lead: str | None
    tags: list[str]
    image_url: str | None
    caption: str | None
    og_image: str | None
    translations: list[Article]
    modified: int | None
    published_raw: str
    date_text: str
    time_text: str
    category_label: str


class EditionIndex:
    """The articles of one edition sorted by publication time, with lookups."""

    def __init__(self, articles: list[Article]):
        self.arts = sorted(articles, key=lambda a: (a.pub, a.aid))
        self.pubs = [a.pub for a in self.arts]
        self.by_slug = {a.slug: a for a in self.arts}
        self.by_cat: dict[str, tuple[list[int], list[Article]]] = {}
        for art in self.arts:
            pubs, arts = self.by_cat.setdefault(art.cat, ([], []))
            pubs.append(art.pub)
            arts.append(art)

    def visible(self, now: int) -> int:
        """How many articles are published at ``now`` (a prefix of ``arts``)."""
        return bisect_right(self.pubs, now)


def _to_ts(value: int | str | datetime | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dates.BAKU)
        return int(value.timestamp())
    return dates.parse_iso(value)


class Site:
    """All articles of the three editions and the pages made from them."""

    def __init__(
        self,
        seed: int = 1,
        articles: int = 300,
        now: int | str | datetime | None = None,
        days: float | None = None,
        cache_size: int = 4096,
        future_hours: float = FUTURE_WINDOW / HOUR,
        hourly_edits: int = 0,
        edit_depth: int = 30,
        body_edits: float = 0.0,
        real_text: str | Path | None = None,
    ):
        self.seed = seed
        #: ``--real-text``: real az articles (as many as ``articles``) replace the generated ones.
        self.real = realtext.load(real_text, articles) if real_text else []
        #: Per edition and hour after the start clock: this many edits of articles then at
        #: feed positions up to ``edit_depth`` (headline and body, 10 min before the hour).
        self.hourly_edits = hourly_edits
        self.edit_depth = edit_depth
        #: The share of ``hourly_edits`` that change the body alone (the headline is kept).
        self.body_edits = body_edits
        self.per_edition = articles
        default_now = self.real[-1].when + HOUR if self.real else dates.parse_iso(dates.DEFAULT_NOW)
        self.anchor = _to_ts(now, default_now)
        self.now = self.anchor
        self.days = float(days) if days else max(2.0, articles / 150)
        #: Articles of this span after the start clock appear as the clock moves on.
        self.future_window = int(future_hours * HOUR)
        self.stories: list[Story] = []
        self.articles: list[Article] = []
        self.by_aid: dict[int, Article] = {}
        self._views: LRU[ArticleView] = LRU(cache_size)
        self._texts: LRU[StoryText] = LRU(cache_size)
        collecting = gc.isenabled()
        gc.disable()  # millions of small objects, no cycles: collections would only cost time
        try:
            self._generate()
        finally:
            if collecting:
                gc.enable()

    # ------------------------------------------------------------------ generation
    def _generate(self) -> None:
        rng = Random(self.seed)
        r = rng.random
        anchor = self.anchor
        specials = build_specials(anchor) + realtext.stories(self.real)
        special_counts = dict.fromkeys(ORDER, 0)
        for sp in specials:
            for ed in sp.articles:
                special_counts[ed] += not sp.extra
        targets = {ed: max(0, self.per_edition - special_counts[ed]) for ed in ORDER}
        used_slugs: dict[str, set[str]] = {ed: set() for ed in ORDER}
        per_minute: dict[str, dict[int, int]] = {ed: {} for ed in ORDER}

        next_suffix: dict[str, int] = {}

        def unique_slug(ed: str, slug: str) -> str:
            """Append digits to a taken slug: ``...-pozhar2`` or ``...gunudur5243``."""
            used = used_slugs[ed]
            if slug in used:
                base = slug
                if r() < 0.5:
                    k = next_suffix.get(ed + base, 2)
                    while f"{base}{k}" in used:
                        k += 1
                    next_suffix[ed + base] = k + 1
                    slug = f"{base}{k}"
                else:
                    while slug in used:
                        slug = f"{base}{1000 + int(r() * 9000)}"
            used.add(slug)
            return slug

        # special stories first: they keep their clean slugs
        for sp in specials:
            story = Story(len(self.stories), sp.topic, zlib.crc32(sp.key.encode()), sp.layout)
            story.special = sp
            self.stories.append(story)
            for ed in ORDER:
                spa = sp.articles.get(ed)
                if spa is None:
                    continue
                art = Article(ed, story, spa.when, spa.category, spa.title, sp.layout)
                art.slug = unique_slug(ed, spa.slug or slugify(spa.title))
                art.slash = sp.slash
                art.meta = sp.meta
                if sp.edit_at is not None:
                    art.edit = Edit(sp.edit_at, spa.new_title is not None, sp.edit_paragraph)
                story.articles[ed] = art
                self.articles.append(art)
                if not sp.extra:
                    minute = art.pub // MIN
                    per_minute[ed][minute] = per_minute[ed].get(minute, 0) + 1
            if sp.republish_at is not None:
                for i, (ed, orig) in enumerate(story.articles.items()):
                    copy = Article(
                        ed, story, sp.republish_at + 2 * i * MIN, orig.cat, orig.title, "current"
                    )
                    copy.slug = unique_slug(ed, f"{orig.slug}2")
                    copy.origin = orig
                    self.articles.append(copy)

        # generated stories: which editions carry each one
        topics = list(TOPIC_WEIGHTS)
        cumulative: list[float] = []
        total = 0.0
        for topic in topics:
            total += TOPIC_WEIGHTS[topic]
            cumulative.append(total)
        counts = dict.fromkeys(ORDER, 0)
        plan: list[tuple[Story, list[str]]] = []
        primary_weight = {"az": 2.0, "en": 1.0, "ru": 1.0}
        while True:
            open_eds = [ed for ed in ORDER if counts[ed] < targets[ed]]
            if not open_eds:
                break
            topic = topics[bisect_right(cumulative, r() * total)]
            allowed = [ed for ed in open_eds if EDITIONS[ed].category_of(topic)]
            if not allowed:
                continue
            weights = [primary_weight[ed] for ed in allowed]
            x = r() * sum(weights)
            primary = allowed[-1]
            for ed, weight in zip(allowed, weights, strict=True):
                if x < weight:
                    primary = ed
                    break
                x -= weight
            eds = [primary] + [ed for ed in allowed if ed != primary and r() < 0.4]
            x = r()
            layout = "2019" if x < 0.10 else "oldest" if x < 0.17 else "current"
            story = Story(len(self.stories), topic, int(r() * 2**48), layout)
            self.stories.append(story)
            plan.append((story, eds))
            for ed in eds:
                counts[ed] += 1

        # a few stories appear after the start clock (within the future window)
        span = self.days * DAY
        window = self.future_window
        quota = {
            ed: (max(3, round(targets[ed] * window / (span + window))) if targets[ed] else 0)
            for ed in ORDER
        }
        order = list(range(len(plan)))
        rng.shuffle(order)
        future: set[int] = set()
        fcount = dict.fromkeys(ORDER, 0)
        for i in order:
            if all(fcount[ed] >= quota[ed] for ed in ORDER):
                break
            eds = plan[i][1]
            if any(fcount[ed] < quota[ed] for ed in eds):
                future.add(i)
                for ed in eds:
                    fcount[ed] += 1

        start = anchor - int(span)
        past_hi = anchor - 30 * MIN
        pending: dict[str, list[Article]] = {ed: [] for ed in ORDER}
        for i, (story, eds) in enumerate(plan):
            if i in future:
                base = anchor + MIN * (1 + int(r() * max(1, window // MIN - 20)))
                spread = 15
            else:
                base = start + int(r() * max(MIN, past_hi - start))
                spread = 25
            base -= base % MIN
            titles = story_titles(story, eds)
            for j, ed in enumerate(eds):
                pub = base + (0 if j == 0 else MIN * (1 + int(r() * spread)))
                art = Article(
                    ed,
                    story,
                    pub,
                    EDITIONS[ed].category_of(story.topic) or "",
                    titles[ed],
                    story.layout,
                )
                art.slug = unique_slug(ed, slugify(titles[ed]))
                if story.layout == "current":
                    art.slash = r() < 0.03
                else:
                    art.slash = r() < 0.6
                    art.meta = r() < 0.5
                story.articles[ed] = art
                pending[ed].append(art)

        # at most PER_MINUTE articles per edition and minute: move extra ones earlier
        for ed in ORDER:
            counter = per_minute[ed]
            for art in sorted(pending[ed], key=lambda a: -a.pub):
                minute = art.pub // MIN
                while counter.get(minute, 0) >= PER_MINUTE:
                    minute -= 1
                counter[minute] = counter.get(minute, 0) + 1
                art.pub = minute * MIN
                self.articles.append(art)

        # edits: ~3% of generated articles, plus two per edition shortly after the start clock
        for ed in ORDER:
            for art in pending[ed]:
                if art.pub <= anchor and r() < 0.03:
                    mode = int(r() * 3)
                    art.edit = Edit(art.pub + MIN * (10 + int(r() * 710)), mode != 1, mode != 0)
                    art.meta = True
            candidates = [
                a for a in pending[ed] if a.edit is None and anchor - DAY <= a.pub <= anchor - HOUR
            ]
            for _ in range(min(2, len(candidates))):
                art = candidates.pop(int(r() * len(candidates)))
                mode = int(r() * 3)
                art.edit = Edit(anchor + MIN * (5 + int(r() * 110)), mode != 1, mode != 0)
                art.meta = True

        if self.hourly_edits:
            self._schedule_hourly_edits(anchor, r)

        # numeric ids: increasing with publication time, unique across editions
        self.articles.sort(key=lambda a: (a.pub, ORDER.index(a.ed), a.story.idx))
        extra = [a for a in self.articles if a.story.special and a.story.special.extra]
        counted = [a for a in self.articles if not (a.story.special and a.story.special.extra)]
        gap = max(1, min(6, 899_000 // max(1, len(counted)) - 1))
        aid = AID_OFFSET + 100_000 + int(r() * 500)
        for art in counted + extra:  # extra specials last: their ids change no other's
            aid += 1 if art in extra else 1 + int(r() * gap)
            art.aid = aid
            self.by_aid[aid] = art
        self.index = {ed: EditionIndex([a for a in self.articles if a.ed == ed]) for ed in ORDER}
        self.edit_times = sorted(a.edit.at for a in self.articles if a.edit is not None)

    def _schedule_hourly_edits(self, anchor: int, r: Callable[[], float]) -> None:
        """``hourly_edits`` edits per edition in each hour after ``anchor``, of articles
        spread over feed positions 3 .. ``edit_depth`` at the time of the edit (less a few
        positions: newer cards push them down by the time the next hour's run comes)."""
        hours = max(1, self.future_window // HOUR)
        depth, count = max(6, self.edit_depth - 3), self.hourly_edits
        for ed in ORDER:
            own = sorted((a for a in self.articles if a.ed == ed), key=lambda a: -a.pub)
            for hour in range(1, hours + 1):
                at = anchor + hour * HOUR - 10 * MIN
                visible = [a for a in own if a.pub <= at - 5 * MIN]
                for k in range(count):
                    span = (depth - 3) / count
                    position = 3 + int(span * k + r() * span)
                    position = min(position, depth - 1, len(visible) - 1)
                    # the nearest article at or below that position with no edit yet
                    for art in visible[position:depth]:
                        if art.edit is None:
                            body_only = self.body_edits > 0 and r() < self.body_edits
                            art.edit = Edit(at, not body_only, True)
                            art.meta = True
                            break

    # ------------------------------------------------------------------ state
    def state_key(self, now: int) -> tuple[int, ...]:
        """Changes whenever anything visible changes (new article, applied edit)."""
        return (
            *(self.index[ed].visible(now) for ed in ORDER),
            bisect_right(self.edit_times, now),
        )

    def special(self, key: str, ed: str, republished: bool = False) -> Article:
        """The article of special story ``key`` in edition ``ed`` (or its republished copy)."""
        for story in self.stories:
            if story.special is not None and story.special.key == key:
                orig = story.articles[ed]
                if not republished:
                    return orig
                return next(a for a in self.index[ed].arts if a.origin is orig)
        raise KeyError(key)

    def specials(self) -> list[SpecialStory]:
        return [s.special for s in self.stories if s.special is not None]

    def find(self, ed: str, category: str, slug: str, now: int) -> Article | None:
        """The visible article at ``/{prefix}/{category}/{slug}``."""
        art = self.index[ed].by_slug.get(slug)
        if art is None or art.cat != category or art.pub > now:
            return None
        return art

    # ------------------------------------------------------------------ views
    def text(self, story: Story, lang: str) -> StoryText:
        return self._texts.get_or_make((story.idx, lang), lambda: story_text(story, lang))

    def look(self, art: Article) -> Look:
        if art.look is None:
            art.look = make_look(self.seed, art)
        return art.look

    def modified(self, art: Article, now: int) -> int:
        """When the page of ``art`` last changed by ``now`` (its ``Last-Modified``): its
        publication, an edit (its own or, for a republished copy, the original's headline
        edit), or a translation appearing."""
        times = [art.pub]
        for edit in (art.edit, art.origin.edit if art.origin else None):
            if edit is not None and edit.at <= now:
                times.append(edit.at)
        times += [t.pub for ed, t in art.story.articles.items() if ed != art.ed and t.pub <= now]
        return max(times)

    def title(self, art: Article, now: int) -> str:
        """The headline shown at ``now`` (the edited one after a title edit)."""
        source = art.origin or art
        if source.edit is not None and source.edit.title and source.edit.at <= now:
            return self.text(source.story, art.ed).alt_title
        return art.title

    def view(self, art: Article, now: int) -> ArticleView:
        """What the page of ``art`` shows at ``now``."""
        edited = art.edited(now)
        translations = tuple(
            t.aid for ed, t in art.story.articles.items() if ed != art.ed and t.pub <= now
        )
        key = (art.aid, edited, translations)
        return self._views.get_or_make(key, lambda: self._make_view(art, now))

    def _make_view(self, art: Article, now: int) -> ArticleView:
        look = self.look(art)
        text = self.text(art.story, art.ed)
        edited = art.edited(now)
        body = make_body(self.seed, art, text, look, edited)
        has_description = art.meta or look.jsonld != "none"
        if not has_description:
            description = None
        elif look.distinct_lead:
            description = text.summary
        else:
            description = truncate(body.paragraphs[0])
        layout = art.layout
        # the oldest layout has no tags block: its tags exist only as JSON-LD keywords
        tags = [] if layout == "oldest" and look.jsonld == "none" else text.tags
        image_url = caption = og_image = None
        if look.photo:
            suffix = {"current": "_850", "2019": "", "oldest": "_490"}[layout]
            image_url = f"{PHOTO_HOST}/{look.photo}{suffix}.jpg"
            caption = look.caption if layout != "oldest" else None
            og_image = f"{PHOTO_HOST}/{look.photo}.jpg"
        if layout == "current":
            date_text, time_text = dates.current_date(art.ed, art.pub), dates.hhmm(art.pub)
            raw = f"{date_text} {time_text}"
        elif layout == "2019":
            raw = dates.date_2019(art.ed, art.pub)
            date_text, _, time_text = raw.rpartition(" ")
        else:
            raw = dates.date_oldest(art.pub)
            date_text, _, time_text = raw.partition(" ")
        return ArticleView(
            art=art,
            look=look,
            text=text,
            title=self.title(art, now),
            original_title=art.title,
            body=body,
            description=description,
            lead=text.summary if (look.distinct_lead and has_description) else None,
            tags=tags,
            image_url=image_url,
            caption=caption,
            og_image=og_image,
            translations=[
                t for ed, t in art.story.articles.items() if ed != art.ed and t.pub <= now
            ],
            modified=art.edit.at if (art.edit is not None and edited) else None,
            published_raw=raw,
            date_text=date_text,
            time_text=time_text,
            category_label=EDITIONS[art.ed].label(art.cat),
        )

    # ------------------------------------------------------------------ truth
    def article_truth(self, art: Article, base_url: str, now: int) -> dict[str, Any]:
        """The Article item a perfect crawler makes from this page (DESIGN.md field format)."""
        view = self.view(art, now)
        base = base_url.rstrip("/")
        return {
            "url": base + art.clean_path,
            "language": art.ed,
            "article_id": art.aid if art.layout != "oldest" else None,
            "slug": art.slug,
            "title": view.title,
            "lead": view.lead,
            "body": "\n\n".join(view.body.paragraphs),
            "dateline": view.body.dateline,
            "published_at": dates.iso(art.pub),
            "published_at_raw": view.published_raw,
            "modified_at": dates.iso(view.modified) if view.modified is not None else None,
            "category": view.category_label,
            "category_slug": art.cat,
            "tags": list(view.tags),
            "images": [{"url": view.image_url, "caption": view.caption}] if view.image_url else [],
            "translations": {t.ed: base + t.clean_path for t in view.translations},
            "badges": [view.look.badge] if view.look.badge else [],
            "layout": art.layout,
            "republished_from": base + art.origin.clean_path if art.origin else None,
        }

    def truth(
        self, base_url: str, now: int | str | datetime | None = None, edition: str | None = None
    ) -> list[dict[str, Any]]:
        """One dict per article visible at ``now`` (default: the start clock), newest first."""
        moment = _to_ts(now, self.now)
        out: list[dict[str, Any]] = []
        for ed in ORDER if edition is None else (edition,):
            index = self.index[ed]
            for art in reversed(index.arts[: index.visible(moment)]):
                out.append(self.article_truth(art, base_url, moment))
        return out


def build_site(
    seed: int = 1,
    articles: int = 300,
    now: int | str | datetime | None = None,
    days: float | None = None,
    future_hours: float = FUTURE_WINDOW / HOUR,
    hourly_edits: int = 0,
    edit_depth: int = 30,
    body_edits: float = 0.0,
    real_text: str | Path | None = None,
) -> Site:
    """Generate the replica's content (deterministic for the same arguments)."""
    return Site(
        seed=seed,
        articles=articles,
        now=now,
        days=days,
        future_hours=future_hours,
        hourly_edits=hourly_edits,
        edit_depth=edit_depth,
        body_edits=body_edits,
        real_text=real_text,
    )
