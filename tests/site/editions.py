"""The three editions of the replica: paths, wording module and categories of each."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from tests.site import texts_az, texts_en, texts_ru


@dataclass(frozen=True)
class Edition:
    """One edition (language) of the site."""

    code: str
    prefix: str  # "" for az, "/en", "/ru"
    texts: ModuleType
    feed_path: str  # the latest-news feed page
    infinity_path: str  # the infinite-scroll endpoint named by .loadContainer[data-url]

    @property
    def home_path(self) -> str:
        return f"{self.prefix}/"

    @property
    def categories(self) -> dict[str, str]:
        """Category slug -> visible label."""
        return self.texts.CATEGORIES  # type: ignore[no-any-return]

    def label(self, category: str) -> str:
        """The visible label of a category; a real article's category missing from the table
        (``--real-text``) is shown as its slug in words (``maliyye-xeberleri`` -> ``Maliyye
        xeberleri``)."""
        return self.categories.get(category) or category.replace("-", " ").capitalize()

    def category_of(self, topic: str) -> str | None:
        """The category slug a story of ``topic`` is filed under, or None when not covered."""
        return self.texts.TOPIC_CATEGORY.get(topic)  # type: ignore[no-any-return]

    def article_path(self, category: str, slug: str, slash: bool = False) -> str:
        return f"{self.prefix}/{category}/{slug}{'/' if slash else ''}"


EDITIONS: dict[str, Edition] = {
    "az": Edition("az", "", texts_az, "/son-xeberler", "/infinity/index"),
    "en": Edition("en", "/en", texts_en, "/en/news-feed", "/en/infinity/index"),
    "ru": Edition("ru", "/ru", texts_ru, "/ru/lenta", "/ru/infinity/index"),
}
ORDER = ("az", "en", "ru")

#: Story topics with their share of the news flow.
TOPIC_WEIGHTS: dict[str, int] = {
    "world": 14,
    "foreign": 12,
    "domestic": 8,
    "parliament": 6,
    "regions": 6,
    "incidents": 8,
    "football": 6,
    "economy": 10,
    "business": 10,
    "energy": 10,
    "ict": 4,
    "karabakh": 6,
    "army": 4,
}
#: Which sentence pool a topic's body draws from.
TOPIC_GROUP: dict[str, str] = {
    "world": "world",
    "foreign": "politics",
    "domestic": "domestic",
    "parliament": "parliament",
    "regions": "karabakh",
    "incidents": "security",
    "football": "sport",
    "economy": "economy",
    "business": "economy",
    "ict": "economy",
    "energy": "energy",
    "karabakh": "karabakh",
    "army": "defense",
}
#: Sentence groups whose articles may carry a quote paragraph.
QUOTE_GROUPS = frozenset({"politics", "world", "economy", "energy", "karabakh"})
#: Which entity a story's first tag names.
TOPIC_TAG_ENTITY: dict[str, str] = {
    "world": "country",
    "foreign": "country",
    "domestic": "city",
    "parliament": "country",
    "regions": "city",
    "incidents": "city",
    "football": "club",
    "economy": "company",
    "business": "country",
    "ict": "country",
    "energy": "country",
    "karabakh": "town",
    "army": "country",
}
