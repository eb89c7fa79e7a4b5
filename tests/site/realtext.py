"""``--real-text``: the az edition made of real report.az articles instead of generated ones.

The articles come from ``shared/real/report-az-2025q1.csv`` (``shared/real/README.md``; never
copied into the repository): each keeps its real headline, body paragraphs (the ``content``
column split at blank lines, as written, white space and all), slug and category (the link's
last two path segments) and card time (``pub_date``, Baku time). They are az-only stories of the
current layout (tags: the generated ones of its topic, the file has none), built as special stories (``specials.py``), so page looks, cards, feeds and the
truth treat them like any other article; en and ru keep their generated text.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from tests.site import dates
from tests.site.specials import SpecialArticle, SpecialStory

#: The real articles' file, next to the repository (``../shared/real``); the environment
#: variable ``REAL_TEXT_CSV`` names another place (a git worktree elsewhere).
DEFAULT_PATH = Path(
    os.environ.get("REAL_TEXT_CSV")
    or Path(__file__).resolve().parents[2].parent / "shared" / "real" / "report-az-2025q1.csv"
)


@dataclass(frozen=True)
class RealArticle:
    """One real az article of the file."""

    link: str
    category: str
    slug: str
    when: int  # the card's time, epoch seconds
    title: str
    paragraphs: tuple[str, ...]


def load(path: str | Path = DEFAULT_PATH, count: int | None = None) -> list[RealArticle]:
    """The ``count`` latest articles of the file (all without a count), oldest first."""
    articles: list[RealArticle] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            category, slug = row["link"].rstrip("/").split("/")[-2:]
            when = dates.parse_timestamp(row["pub_date"].split(".")[0])
            if when is None:
                raise ValueError(f"{path}: unreadable pub_date {row['pub_date']!r}")
            paragraphs = tuple(p for p in row["content"].split("\n\n") if p.strip())
            articles.append(
                RealArticle(row["link"], category, slug, when, row["title"], paragraphs)
            )
    articles.sort(key=lambda a: (a.when, a.link))
    return articles[-count:] if count else articles


def stories(articles: list[RealArticle]) -> list[SpecialStory]:
    """One az-only story of the current layout per real article (the topic's generated tags,
    no edits, no lead apart from the body)."""
    return [
        SpecialStory(
            key=f"real:{article.slug}",
            topic="world",
            layout="current",
            look={"distinct_lead": False},
            articles={
                "az": SpecialArticle(
                    title=article.title,
                    category=article.category,
                    when=article.when,
                    paras=list(article.paragraphs),
                    tags=None,  # the file has none: the topic's invented tags
                    slug=article.slug,
                )
            },
        )
        for article in articles
    ]
