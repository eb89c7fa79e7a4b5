"""The replica's data model: stories, articles (one per edition of a story), edits, page looks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.site.editions import EDITIONS

if TYPE_CHECKING:
    from tests.site.specials import SpecialStory

LAYOUTS = ("current", "2019", "oldest")
#: Added to the drawn numeric ids: the live site's short links have seven digits (2844552).
AID_OFFSET = 2_700_000


class Edit:
    """A change to a published article at time ``at``: new title and/or one extended paragraph."""

    __slots__ = ("at", "new_title", "paragraph", "title")

    def __init__(self, at: int, title: bool, paragraph: bool, new_title: str | None = None):
        self.at = at
        self.title = title
        self.paragraph = paragraph
        self.new_title = new_title  # set for special stories, else derived lazily


class Story:
    """One news event, published in one to three editions (translations of each other)."""

    __slots__ = ("articles", "idx", "layout", "seed", "special", "topic")

    def __init__(self, idx: int, topic: str, seed: int, layout: str):
        self.idx = idx
        self.topic = topic
        self.seed = seed
        self.layout = layout
        self.articles: dict[str, Article] = {}
        self.special: SpecialStory | None = None


class Article:
    """One article page of one edition. Light: the text is generated when a page is rendered."""

    __slots__ = (
        "aid",
        "cat",
        "ed",
        "edit",
        "layout",
        "look",
        "meta",
        "origin",
        "pub",
        "slash",
        "slug",
        "story",
        "title",
    )

    def __init__(self, ed: str, story: Story, pub: int, cat: str, title: str, layout: str):
        self.aid = 0
        self.ed = ed
        self.story = story
        self.pub = pub
        self.cat = cat
        self.title = title  # the original headline
        self.slug = ""
        self.layout = layout
        self.slash = False  # canonical URL ends in "/"
        self.meta = True  # page has meta tags (og:, description, article:)
        self.edit: Edit | None = None
        self.origin: Article | None = None  # the article this one republishes
        self.look: Look | None = None

    @property
    def path(self) -> str:
        """Canonical path as the page writes it (trailing slash on some older articles)."""
        return EDITIONS[self.ed].article_path(self.cat, self.slug, self.slash)

    @property
    def clean_path(self) -> str:
        """Canonical path without a trailing slash (the crawler's canonical form)."""
        return EDITIONS[self.ed].article_path(self.cat, self.slug)

    def edited(self, now: int) -> bool:
        return self.edit is not None and self.edit.at <= now

    def __repr__(self) -> str:
        return f"<Article {self.ed} {self.aid} {self.clean_path}>"


@dataclass(slots=True)
class Look:
    """Per-page presentation choices, drawn lazily and deterministically per article."""

    jsonld: str = "graph"  # none | object | list | graph
    photo: str | None = None  # image uuid
    lazy: bool = False  # main photo lazy-loaded (data-src + data: placeholder)
    caption: str | None = None
    badge: str | None = None  # photo | video
    card_href: str = "canonical"  # canonical | slash | utm | az
    card_category: bool = True
    card_class_space: bool = False
    short_https: bool = False
    self_hreflang: bool = False
    distinct_lead: bool = False
    tags_inside: bool = False
    share: int | None = None  # index into SHARE_LINES
    share_middle: bool = False
    script: bool = False
    style: bool = False
    tweet: bool = False
    attribution: int = 0
    link_rate: float = 0.15
    bold_rate: float = 0.05
    dateline_bold: bool = False
    dateline_space: bool = True


#: A body block: ("p", segments) | ("share", (text, href)) | ("script", code) | ("style", css)
#: | ("tweet", None) | ("iframe", src) | ("tags", None)
Block = tuple[str, object]


@dataclass(slots=True)
class Body:
    """An article body as rendered: blocks in page order, plus the visible paragraph texts."""

    blocks: list[Block]
    paragraphs: list[str]
    dateline: str | None = None
