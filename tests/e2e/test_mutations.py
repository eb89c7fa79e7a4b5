"""A real ``scrapy crawl report`` of a replica whose article pages are re-marked as after a
redesign nobody wrote selectors for (``--mutate``, ``tests/site/mutate.py``): renamed classes,
restructured containers, no JSON-LD, translations moved, dates in other formats.

Nothing may be lost, titles and dates must be exact, the generic body must match the true
text (token F1), the translations must be found, and the trending bar above the headline never
gives tags. The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.crawl import CrawlResult, run_crawl
from tests.site.editions import EDITIONS
from tests.site.harness import ReplicaServer

ARTICLES = 60
MUTATE_RATE = 0.5
SEED = 5
#: Reasons that say nothing about why a page was lost.
UNSPECIFIC_REASONS = frozenset({"", "unknown_layout", "error", "unknown"})
_TOKEN = re.compile(r"\w+")


def token_f1(found: str, truth: str) -> float:
    """Token-level F1 of two texts (lower case, word characters)."""
    got, want = Counter(_TOKEN.findall(found.lower())), Counter(_TOKEN.findall(truth.lower()))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def mutated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlResult, list[Any]]]:
    root: Path = tmp_path_factory.mktemp("mutated")
    extra = ["--mutate", str(MUTATE_RATE)]
    with ReplicaServer(articles=ARTICLES, seed=SEED, extra_args=extra) as replica:
        result = run_crawl(replica.base_url, root / "output", arguments={"max_pages": "100"})
        truth = replica.truth()
    yield result, truth


def test_mutated_site_loses_nothing_and_reads_right(
    mutated: tuple[CrawlResult, list[dict[str, Any]]],
) -> None:
    result, truth = mutated
    assert result.stats.get("finish_reason") == "finished", result.log[-3000:]
    crawled = {item["url"]: item for item in result.all_articles()}
    rejects: dict[str, str] = {r["url"]: r["reason"] for r in result.rejects}
    mutated_pages = [t for t in truth if t.get("mutations")]
    assert mutated_pages, "the replica mutated no page"

    lost, unspecific = [], []
    for page in truth:
        if page["url"] in crawled:
            continue
        if page["url"] not in rejects:
            lost.append(page["url"])
        elif rejects[page["url"]] in UNSPECIFIC_REASONS:
            unspecific.append(page["url"])

    originals = [t for t in truth if not t.get("republished_from")]
    wrong_titles = [
        t["url"] for t in originals if crawled.get(t["url"], {}).get("title") != t["title"]
    ]
    wrong_dates = [
        t["url"]
        for t in originals
        if crawled.get(t["url"], {}).get("published_at") != t["published_at"]
    ]
    generic = [t for t in originals if crawled.get(t["url"], {}).get("layout") == "generic"]
    scores = [token_f1(crawled[t["url"]]["body"], t["body"]) for t in generic]
    with_translations = [t for t in originals if t["translations"]]
    translated = [
        t
        for t in with_translations
        if crawled.get(t["url"], {}).get("translations") == t["translations"]
    ]
    # the trending bar above every current headline never gives tags, re-marked or not
    trending = {label for edition in EDITIONS.values() for label in edition.texts.TRENDING}
    trending_tags = [
        t["url"]
        for t in originals
        if (set(crawled.get(t["url"], {}).get("tags", [])) & trending) - set(t["tags"])
    ]
    layouts = Counter(item["layout"] for item in crawled.values())
    share = len(translated) / len(with_translations) if with_translations else 1.0
    mean = sum(scores) / len(scores) if scores else 0.0
    print(
        f"\nmutation test: {len(truth)} pages in the truth ({len(mutated_pages)} mutated, "
        f"rate {MUTATE_RATE}, seed {SEED}); {len(crawled)} articles, {len(rejects)} rejects "
        f"{dict(Counter(rejects.values()))}; lost {len(lost)}, unspecific rejects "
        f"{len(unspecific)}\n"
        f"layouts {dict(sorted(layouts.items()))}; generic pages {len(generic)}: body token F1 "
        f"mean {mean:.4f}, min {min(scores, default=0.0):.4f}\n"
        f"titles exact {len(originals) - len(wrong_titles)}/{len(originals)}, published_at exact "
        f"{len(originals) - len(wrong_dates)}/{len(originals)}, translations recovered "
        f"{len(translated)}/{len(with_translations)} ({share:.1%})"
    )
    for edition, figures in sorted(result.stats["editions"].items()):
        print(f"  summary {edition}: layouts {figures.get('layouts')}")
    assert lost == [], lost[:5]
    assert unspecific == [], unspecific[:5]
    assert generic, "no page went through the generic fallback"
    assert mean >= 0.95, [
        (t["url"], round(s, 3)) for t, s in zip(generic, scores, strict=True) if s < 0.95
    ]
    assert wrong_titles == [], wrong_titles[:5]
    assert wrong_dates == [], wrong_dates[:5]
    assert trending_tags == [], trending_tags[:5]
    assert share >= 0.95, [t["url"] for t in with_translations if t not in translated][:5]
    for figures in result.stats["editions"].values():
        assert figures["layouts"].get("generic", 0) > 0
