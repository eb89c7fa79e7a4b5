"""The cleaning and validation pipelines on whole articles of each edition."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from scrapy.crawler import Crawler

from newscrawl.items import Article
from newscrawl.pipelines import CleanPipeline, ValidatePipeline
from tests.pipelines.conftest import make_article, reject_of

AZ_BODY = (
    "Prezident İlham Əliyev Bakıda beynəlxalq forumun iştirakçılarını qəbul edib, “Report” xəbər verir."
    "\n\nGörüşdə regional əməkdaşlıq məsələləri müzakirə olunub."
)
RU_BODY = (
    "Президент Ильхам Алиев принял участников международного форума, сообщает Report."
    "\n\nСтороны обсудили вопросы регионального сотрудничества."
)


def _garble(text: str) -> str:
    """UTF-8 read as Latin-1: every byte survives, so all of it can be restored."""
    return text.encode("utf-8").decode("latin-1")


def test_mojibake_in_every_field_is_repaired(make_crawler: Callable[..., Crawler]) -> None:
    pipeline = CleanPipeline(make_crawler())
    article = make_article(
        language="az",
        title=_garble("Makronla Zelenski müdafiə sahəsində əməkdaşlığı müzakirə edib"),
        body=_garble(AZ_BODY),
        category=_garble("Digər ölkələr"),
        tags=[_garble("Ukrayna"), _garble("Fransa")],
    )
    result = pipeline.process_item(article)
    assert isinstance(result, Article)
    assert result.title == "Makronla Zelenski müdafiə sahəsində əməkdaşlığı müzakirə edib"
    assert result.body == AZ_BODY
    assert result.category == "Digər ölkələr"
    assert any(w.startswith("mojibake_repaired:") for w in result.warnings)


@pytest.mark.parametrize(
    ("language", "body"), [("az", AZ_BODY), ("ru", RU_BODY), ("en", make_article().body)]
)
def test_correct_text_comes_out_unchanged(
    make_crawler: Callable[..., Crawler], language: str, body: str
) -> None:
    result = CleanPipeline(make_crawler()).process_item(make_article(language=language, body=body))
    assert isinstance(result, Article)
    assert result.body == body
    assert result.warnings == []


def test_unrepairable_cyrillic_is_rejected_not_exported(
    make_crawler: Callable[..., Crawler],
) -> None:
    # Read as cp1252, "с" (D1 81) loses its second byte to U+FFFD: no fixer can restore it.
    broken = RU_BODY.encode("utf-8").decode("cp1252", errors="replace")
    assert "\ufffd" in broken
    result = reject_of(CleanPipeline(make_crawler()), make_article(language="ru", body=broken))
    assert result.reason == "mojibake:body"
    assert result.stage == "clean"


def test_share_lines_and_site_name_are_removed(make_crawler: Callable[..., Crawler]) -> None:
    article = make_article(
        language="ru",
        title="Зеленский и Макрон обсудили оборонное сотрудничество - Report.az",
        body=RU_BODY + "\n\nПодписывайтесь на наш Telegram-канал",
    )
    result = CleanPipeline(make_crawler()).process_item(article)
    assert isinstance(result, Article)
    assert result.title == "Зеленский и Макрон обсудили оборонное сотрудничество"
    assert result.body == RU_BODY


def test_whitespace_and_invisible_characters(make_crawler: Callable[..., Crawler]) -> None:
    article = make_article(
        title="Zelenskyy\u00a0and  Macron\u200b meet",
        body="First\u00a0paragraph  with\ttabs.\n\n\n\nSecond\nline of it, Report informs.",
    )
    result = CleanPipeline(make_crawler()).process_item(article)
    assert isinstance(result, Article)
    assert result.title == "Zelenskyy and Macron meet"
    assert result.body == "First paragraph with tabs.\n\nSecond line of it, Report informs."


def test_valid_article_passes(make_crawler: Callable[..., Crawler]) -> None:
    article = make_article()
    assert ValidatePipeline(make_crawler()).process_item(article) is article


def test_invalid_article_is_rejected_with_every_reason(
    make_crawler: Callable[..., Crawler],
) -> None:
    crawler = make_crawler()
    article = make_article(
        title="",
        language="de",
        published_at="2099-01-01T00:00:00+04:00",
        body="Too short.",
        url="https://elsewhere.example/en/a/b",
    )
    result = reject_of(ValidatePipeline(crawler), article)
    assert set(result.reasons) == {
        "missing:title",
        "bad_language",
        "future_date:published_at",
        "body_too_short",
        "url_not_on_site",
    }
    assert result.stage == "validate"
    assert result.item is not None and result.item["url"] == article.url
    assert crawler.stats is not None
    assert crawler.stats.get_value("newscrawl/de/invalid/missing:title") == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"published_at": "1970-01-01T00:00:00+04:00"}, "implausible_date:published_at"),
        ({"modified_at": "2009-12-31T23:00:00+04:00"}, "implausible_date:modified_at"),
        ({"url": "https://report.az/ru/biznes/neft"}, "edition_mismatch"),
    ],
)
def test_a_date_before_the_site_or_a_url_of_another_edition_is_invalid(
    make_crawler: Callable[..., Crawler], changes: dict[str, str], reason: str
) -> None:
    result = reject_of(ValidatePipeline(make_crawler()), make_article(**changes))
    assert result.reasons == [reason]


def test_date_without_offset_is_invalid(make_crawler: Callable[..., Crawler]) -> None:
    result = reject_of(
        ValidatePipeline(make_crawler()), make_article(published_at="2025-10-23T20:02:00")
    )
    assert "no_offset:published_at" in result.reasons
