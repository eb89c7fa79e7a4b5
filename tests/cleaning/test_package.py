"""Tests for newscrawl.cleaning: the functions together, in the documented order."""

from __future__ import annotations

import newscrawl.cleaning as cleaning
from newscrawl.cleaning import (
    clean_title,
    has_unrepairable_mojibake,
    is_boilerplate_paragraph,
    normalize_text,
    repair_mojibake,
    split_dateline,
    strip_trailing_credit,
)


def clean_body(raw: str, language: str) -> tuple[str | None, list[str]]:
    """The body pipeline described in the module docstring."""
    text = normalize_text(repair_mojibake(raw))
    paragraphs = text.split("\n\n")
    dateline, paragraphs[0] = split_dateline(paragraphs[0])
    kept = [
        strip_trailing_credit(p, language)
        for p in paragraphs
        if p and not is_boilerplate_paragraph(p, language)
    ]
    return dateline, kept


def test_public_names_are_exported() -> None:
    public = (
        "clean_title",
        "has_unrepairable_mojibake",
        "is_boilerplate_paragraph",
        "looks_garbled",
        "normalize_line",
        "normalize_text",
        "repair_mojibake",
        "split_dateline",
        "strip_trailing_credit",
    )
    for name in public:
        assert callable(getattr(cleaning, name))


def test_garbled_old_az_article_comes_out_clean() -> None:
    original = (
        "Bakı. 27 iyun. REPORT.AZ/ “Report” xəbər verir ki, Prezident İlham Əliyev\n"
        "Gəncədə görüş keçirib.Foto: AZƏRTAC\n\n"
        "Sosial şəbəkələrdə paylaşın\n\n"
        "Şəhərdə yeni park açılıb.\u00a0\n\n\n"
        "Telegram kanalımıza abunə olun"
    )
    raw = original.encode("utf-8").decode("latin-1")
    assert not has_unrepairable_mojibake(raw)
    dateline, paragraphs = clean_body(raw, "az")
    assert dateline == "Bakı. 27 iyun. REPORT.AZ/"
    assert paragraphs == [
        "“Report” xəbər verir ki, Prezident İlham Əliyev Gəncədə görüş keçirib.",
        "Şəhərdə yeni park açılıb.",
    ]


def test_live_ru_article_keeps_text_and_its_time_markers() -> None:
    raw = (
        "20:36\n\nКак сообщает Report, заседание продолжается.\n\n"
        "19:02\n\nЗеленский прибыл в Брюссель. Фото: Report\n\n"
        "Подписывайтесь на наш Telegram-канал"
    )
    dateline, paragraphs = clean_body(raw, "ru")
    assert dateline is None
    assert paragraphs == [
        "20:36",
        "Как сообщает Report, заседание продолжается.",
        "19:02",
        "Зеленский прибыл в Брюссель.",
    ]


def test_cp1252_decoded_ru_body_is_rejected() -> None:
    raw = "Как сообщает Report, встреча прошла.".encode().decode("cp1252", errors="replace")
    assert has_unrepairable_mojibake(raw)


def test_title_from_head() -> None:
    raw = "Zelenskyy and Macron discuss defense cooperation and support for Ukraine - Report.az"
    garbled = "ÐœÐ°ÐºÑ€Ð¾Ð½ Ð¸ Ð—ÐµÐ»ÐµÐ½Ñ\x81ÐºÐ¸Ð¹ | Report.az"
    assert clean_title(raw) == (
        "Zelenskyy and Macron discuss defense cooperation and support for Ukraine"
    )
    assert clean_title(repair_mojibake(garbled)) == "Макрон и Зеленский"
