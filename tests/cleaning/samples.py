"""Realistic, correctly encoded az/en/ru paragraphs shared by the cleaning tests.

Every text here must come out byte-identical from ``repair_mojibake`` and must not be taken for
boilerplate. They are written in the style of report.az articles and deliberately contain the
letters and signs that mojibake handling could damage.
"""

from __future__ import annotations

CORRECT_AZ: tuple[str, ...] = (
    "Azərbaycan Respublikasının Prezidenti İlham Əliyev oktyabrın 23-də Ukrayna Prezidenti "
    "Volodimir Zelenski ilə telefonla danışıb. “Report” xəbər verir ki, bu barədə Prezidentin "
    "mətbuat xidməti məlumat yayıb.",
    "Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib.",
    "Bu barədə Report-a Dövlət Gömrük Komitəsindən bildirilib.",
    "Şuşa şəhərində «Xarıbülbül» musiqi festivalının açılışı olub, ŞƏRQ, ÇAĞDAŞ, ĞƏLƏBƏ, "
    "İSTİQLAL, ÖLKƏ və ÜMUMİ sözləri plakatlarda yazılıb.",
    "«KÖÇ» layihəsi çərçivəsində 1 200 ailə Ağdama qayıdıb, “Report”un Qarabağ bürosu xəbər verir.",
    "Gəncədə hava +25°C olacaq, küləyin sürəti saniyədə 5–7 metr təşkil edəcək; bir litr "
    "benzinin qiyməti 1 ₼-dir.",
    "Zelenski Telegram kanalında yazıb ki, danışıqların əsas mövzusu Rusiyaya təzyiqin "
    "artırılması olub.",
    "Ən son xəbərlərə görə, yanğın söndürülüb və xəsarət alan yoxdur.",
)

CORRECT_EN: tuple[str, ...] = (
    "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation, air defense, and "
    "further support for Kyiv from allies with his French counterpart Emmanuel Macron, Report "
    "informs.",
    "Zelenskyy wrote on Telegram that the main topic of the negotiations was increasing pressure "
    "on Russia and finalizing the development of international security guarantees for Ukraine.",
    "“There is a common position: sanctions and frozen Russian assets should be directed to "
    "support Ukraine, for our protection and defense,” Zelenskyy emphasized.",
    "Türkiye’s Foreign Minister Hakan Fidan met his counterpart in Ankara — the talks lasted "
    "two hours – and the São Paulo-based company reported revenue of €1.2 billion (© Reuters).",
    "SÃO PAULO, Brazil, and Zürich hosted the forum; Café Müller’s owner, Ms. Ødegaard, said the "
    "temperature was 3°C…",
    "Share prices of SOCAR’s Turkish subsidiary rose by 3% on Monday, the company said on its "
    "WhatsApp channel.",
    "Latest news from the front line indicates that the situation remains tense.",
    "Follow-up talks are planned for next week, the ministry said.",
)

CORRECT_RU: tuple[str, ...] = (
    "Зеленский и Макрон обсудили оборонное сотрудничество и поддержку Украины, сообщает Report.",
    "Как сообщает Report со ссылкой на пресс-службу МИД, встреча прошла в Баку.",
    "«Ёлка» — новогодний фильм; ёжик, объём, съезд, ЭТАЖ, ЯНВАРЬ, № 12, 1 000 ₽ и 5 °C.",
    "Председатель Милли Меджлиса Сахиба Гафарова приняла делегацию парламента Грузии.",
    "Зеленский написал в Telegram, что главной темой переговоров было усиление давления на Россию.",
    "Последние новости с фронта свидетельствуют о том, что ситуация остаётся напряжённой.",
    "Подписание соглашения состоялось в Москве, «Газпром» и SOCAR подтвердили это в своих "
    "Telegram-каналах.",
)

CORRECT_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "az": CORRECT_AZ,
    "en": CORRECT_EN,
    "ru": CORRECT_RU,
}

ALL_CORRECT: tuple[str, ...] = CORRECT_AZ + CORRECT_EN + CORRECT_RU
