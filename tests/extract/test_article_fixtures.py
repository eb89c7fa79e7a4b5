"""Every stored article page against its expected JSON, field by field.

A fixture is ``tests/fixtures/articles/<name>.html`` with ``<name>.json`` beside it. The JSON
holds the expected value of each field it names (fields it leaves out are not compared), plus
``_fetched_url`` and ``_base_url``; a page that must be refused has ``_error`` (the reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newscrawl.extract.article import LAYOUTS, ExtractedArticle, ExtractionError, extract_article
from newscrawl.site import SiteUrls, to_iso

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
CASES = sorted(FIXTURES.glob("*.html"))


def _as_json(article: ExtractedArticle) -> dict[str, Any]:
    values = dict(vars(article))
    values["published_at"] = to_iso(article.published_at)
    values["modified_at"] = to_iso(article.modified_at) if article.modified_at else None
    return values


def test_fixture_set_covers_every_layout_and_edition() -> None:
    names = {case.stem for case in CASES}
    for language in ("az", "en", "ru"):
        for layout in LAYOUTS:
            assert any(n.startswith(f"{language}-{layout.name}") for n in names), (language, layout)
    expected = [json.loads(case.with_suffix(".json").read_text(encoding="utf-8")) for case in CASES]
    parsers = {layout.name for layout in LAYOUTS} | {"jsonld", "generic"}
    assert parsers <= {fixture.get("layout") for fixture in expected}


@pytest.mark.parametrize("page", CASES, ids=[case.stem for case in CASES])
def test_fixture(page: Path) -> None:
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    site = SiteUrls(expected.get("_base_url", "https://report.az"))
    if "_error" in expected:
        with pytest.raises(ExtractionError) as raised:
            extract_article(html, expected["_fetched_url"], site)
        assert raised.value.reason == expected["_error"]
        return
    actual = _as_json(extract_article(html, expected["_fetched_url"], site))
    fields = [name for name in expected if not name.startswith("_")]
    assert fields, "a fixture must name the fields it expects"
    mismatches = {
        name: {"expected": expected[name], "actual": actual.get(name)}
        for name in fields
        if actual.get(name) != expected[name]
    }
    assert not mismatches, json.dumps(mismatches, ensure_ascii=False, indent=2)


def test_seed_paragraphs_word_for_word() -> None:
    """The seed page's eight paragraphs, as the real page shows them, come out unchanged."""
    seed = Path(__file__).resolve().parents[3] / "shared" / "seed" / "report-article-page.txt"
    expected = json.loads((FIXTURES / "en-current-seed.json").read_text(encoding="utf-8"))
    paragraphs = expected["body"].split("\n\n")
    assert len(paragraphs) == 8
    if seed.exists():  # shared/ sits beside the checkout in CI and in development
        text = seed.read_text(encoding="utf-8")
        for paragraph in paragraphs:
            assert paragraph in text
