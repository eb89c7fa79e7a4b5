"""Tests for newscrawl.cleaning: boilerplate."""

from __future__ import annotations

import pytest

from newscrawl.cleaning import (
    BOILERPLATE_PATTERNS,
    is_boilerplate_paragraph,
    strip_trailing_credit,
)
from tests.cleaning.samples import CORRECT_BY_LANGUAGE

LANGUAGES = ("az", "en", "ru")

PROMO_LINES = [
    # az
    ("az", "Sosial şəbəkələrdə paylaşın"),
    ("az", "SOSİAL ŞƏBƏKƏLƏRDƏ PAYLAŞIN"),
    ("az", "Telegram kanalımıza abunə olun"),
    ("az", "WhatsApp kanalımıza qoşulun"),
    ("az", "Report-un Telegram kanalına abunə olun"),
    ("az", "REPORT-UN TELEGRAM KANALINA ABUNƏ OLUN!"),
    ("az", "👉 Telegram kanalımıza abunə olun: https://t.me/report_az"),
    ("az", "Bizi Telegram-da izləyin"),
    ("az", "Ən son xəbərlər"),
    ("az", "Ən son xəbərlər Telegram kanalımızda"),
    ("az", "Ən son xəbərlər üçün Report.az"),
    # en
    ("en", "Follow us on Telegram"),
    ("en", "Follow us on Telegram, X and Facebook"),
    ("en", "➡️ Follow Report on Telegram @report_az"),
    ("en", "Subscribe to our Telegram channel"),
    ("en", "Subscribe to Report’s Telegram channel: https://t.me/report_en"),
    ("en", "Share on social media"),
    ("en", "Join our WhatsApp channel"),
    ("en", "JOIN OUR WHATSAPP CHANNEL."),
    ("en", "Latest news"),
    ("en", "Latest News on our Telegram channel"),
    # ru
    ("ru", "Подписывайтесь на наш Telegram-канал"),
    ("ru", "Подписывайтесь на Telegram-канал Report"),
    ("ru", "Подпишитесь на наш канал в Telegram"),
    ("ru", "Поделиться в соцсетях"),
    ("ru", "Присоединяйтесь к нашему WhatsApp-каналу"),
    ("ru", "Последние новости"),
    ("ru", "Последние новости в нашем Telegram-канале"),
]

COMMON_LINES = [
    "Photo: Report",
    "Foto: Report",
    "Фото: Report",
    "Photo credit: Getty Images",
    "Foto: AZƏRTAC",
    "Фото: пресс-служба МИД Азербайджана",
    "pic.twitter.com/AbC123xyz",
    "pic.twitter.com/AbC123xyz pic.twitter.com/Zz9",
    "https://report.az/en/other-countries/zelenskyy-and-macron-discuss",
    "  https://t.me/report_az  ",
    "www.report.az",
    "t.me/report_az",
]

# Real sentences that mention the same words, and attribution formulas: never boilerplate.
REAL_SENTENCES = [
    (
        "en",
        "Zelenskyy wrote on Telegram that the main topic of the negotiations was increasing "
        "pressure on Russia.",
    ),
    (
        "en",
        "President Ilham Aliyev's press service said on its Telegram channel that the "
        "meeting was held.",
    ),
    ("en", "Latest news from the front indicates that the situation remains tense."),
    ("en", "Share prices fell by 3% on Monday."),
    ("en", "Follow-up talks are planned for next week."),
    ("en", "Report informs."),
    ("en", "The company told Report informs that photos: none were taken."),
    (
        "en",
        "Photo: President Ilham Aliyev met the delegation of the European Union in Baku on "
        "Monday and discussed the cooperation.",
    ),
    ("az", "“Report” xəbər verir ki, görüş baş tutub."),
    ("az", "“Report”xəbər verir ki, görüş baş tutub."),
    ("az", "Bu barədə Report-a bildirib."),
    ("az", "Ən son xəbərlərə görə, yanğın söndürülüb."),
    ("az", "Zelenski Telegram kanalında yazıb ki, danışıqlar uğurlu olub."),
    ("az", "Nazirlik WhatsApp kanalına abunə olanların sayının artdığını bildirib."),
    ("ru", "Как сообщает Report, встреча состоялась."),
    ("ru", "Зеленский написал в Telegram, что переговоры прошли успешно."),
    ("ru", "Последние новости с фронта свидетельствуют о напряжённости."),
    ("ru", "Поделиться опытом приехали эксперты из Турции."),
]


@pytest.mark.parametrize(("language", "line"), PROMO_LINES)
def test_promo_lines_are_boilerplate(language: str, line: str) -> None:
    assert is_boilerplate_paragraph(line, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line", COMMON_LINES)
def test_credits_and_links_are_boilerplate_in_every_edition(line: str, language: str) -> None:
    assert is_boilerplate_paragraph(line, language)


@pytest.mark.parametrize(("language", "sentence"), REAL_SENTENCES)
def test_real_sentences_are_kept(language: str, sentence: str) -> None:
    assert not is_boilerplate_paragraph(sentence, language)
    assert strip_trailing_credit(sentence, language) == sentence


def test_promo_line_of_one_edition_is_not_removed_from_another() -> None:
    assert is_boilerplate_paragraph("Telegram kanalımıza abunə olun", "az")
    assert not is_boilerplate_paragraph("Telegram kanalımıza abunə olun", "en")
    assert is_boilerplate_paragraph("Подписывайтесь на наш Telegram-канал", "ru")
    assert not is_boilerplate_paragraph("Подписывайтесь на наш Telegram-канал", "az")


@pytest.mark.parametrize("language", LANGUAGES)
def test_correct_paragraphs_survive_the_filter_byte_identical(language: str) -> None:
    paragraphs = list(CORRECT_BY_LANGUAGE[language])
    kept = [
        strip_trailing_credit(p, language)
        for p in paragraphs
        if not is_boilerplate_paragraph(p, language)
    ]
    assert kept == paragraphs


def test_filter_removes_only_the_promo_lines_of_an_article() -> None:
    body = [
        "Zelenskyy and Macron discussed defense cooperation, Report informs.",
        "Zelenskyy wrote on Telegram that the main topic was pressure on Russia.",
        "Photo: Report",
        "pic.twitter.com/AbC123",
        "Follow us on Telegram",
        "Zelenskyy arrived in Brussels on Thursday.",
        "Join our WhatsApp channel",
    ]
    kept = [p for p in body if not is_boilerplate_paragraph(p, "en")]
    assert kept == [body[0], body[1], body[5]]


@pytest.mark.parametrize("paragraph", ["", "   ", "\n"])
def test_empty_paragraph_is_not_boilerplate(paragraph: str) -> None:
    assert not is_boilerplate_paragraph(paragraph, "en")


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        is_boilerplate_paragraph("Follow us on Telegram", "de")
    with pytest.raises(ValueError, match="unknown language"):
        strip_trailing_credit("Text. Photo: Report", "tr")


def test_pattern_tables_are_data_per_language() -> None:
    assert set(BOILERPLATE_PATTERNS) == set(LANGUAGES)
    assert all(
        isinstance(pattern, str) for table in BOILERPLATE_PATTERNS.values() for pattern in table
    )


@pytest.mark.parametrize(
    ("language", "paragraph", "expected"),
    [
        (
            "en",
            "Zelenskyy arrived in Brussels to participate in the meeting.Photo: Report",
            "Zelenskyy arrived in Brussels to participate in the meeting.",
        ),
        (
            "en",
            "The parties discussed joint defense projects. Photo credit: Getty Images",
            "The parties discussed joint defense projects.",
        ),
        (
            "az",
            "Prezident İlham Əliyev Fransa Prezidenti ilə görüşüb. Foto: AZƏRTAC",
            "Prezident İlham Əliyev Fransa Prezidenti ilə görüşüb.",
        ),
        (
            "az",
            "“Report” xəbər verir ki, görüş Bakıda olub.Foto: Report",
            "“Report” xəbər verir ki, görüş Bakıda olub.",
        ),
        (
            "ru",
            "Как сообщает Report, встреча прошла в Баку. Фото: пресс-служба МИД",
            "Как сообщает Report, встреча прошла в Баку.",
        ),
        (
            "ru",
            "«Мы обсудили сотрудничество», — отметил он.\u00a0Фото: Report",
            "«Мы обсудили сотрудничество», — отметил он.",
        ),
    ],
)
def test_strip_trailing_credit(language: str, paragraph: str, expected: str) -> None:
    assert strip_trailing_credit(paragraph, language) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        "Photo: Report",  # the whole paragraph: is_boilerplate_paragraph drops it
        "He captioned the picture Photo: Report and posted it.",
        "The exhibition is called Photo: Report",  # no sentence end before the label
        "The parties met. Photo: President Ilham Aliyev and the French delegation at the table "
        "in Baku.",  # a caption sentence, too long for a credit
        "Qonaqlar Bakıda görüşüb.",
    ],
)
def test_strip_trailing_credit_leaves_other_text(paragraph: str) -> None:
    assert strip_trailing_credit(paragraph, "en") == paragraph
