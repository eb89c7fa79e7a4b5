"""The special articles every replica has, whatever the seed: fixed slugs, listed in README.md.

Times are relative to the start clock ``anchor`` (``--now``), except the seed article and its
neighbours in the seed page's "Latest News" list, which keep their real times (23 October 2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.site.dates import hhmm, parse_iso
from tests.site.textkit import A, B, S, Seg, T

#: A fixed paragraph: plain text or inline segments.
Para = str | tuple[Seg, ...]
MIN = 60
HOUR = 3600


@dataclass
class SpecialArticle:
    """One edition of a special story."""

    title: str
    category: str
    when: int
    lead: str | None = None  # fixed lead sentence (attributed like generated ones)
    paras: list[Para] | None = None  # fixed whole body (overrides lead + generated text)
    tags: list[str] | None = None
    new_title: str | None = None  # with an edit: the edited headline
    summary: str | None = None  # meta description that is not the start of the body
    slug: str | None = None  # the page's slug, when not the transliterated title (real articles)


@dataclass
class SpecialStory:
    """A story whose pages demonstrate one feature of the site."""

    key: str
    topic: str
    layout: str
    articles: dict[str, SpecialArticle]
    look: dict[str, Any] = field(default_factory=dict)
    meta: bool = True
    slash: bool = False
    edit_at: int | None = None  # edit time (title change when new_title is set, + paragraph)
    edit_paragraph: bool = True
    republish_at: int | None = None  # a copy under a new slug appears at this time
    live: bool = False
    #: On top of ``--articles``, outside the draws of the generated articles and their ids: a
    #: special added later leaves every other article of a seed as it was.
    extra: bool = False


SEED_EN_PARAS: list[Para] = [
    "President of Ukraine Volodymyr Zelenskyy discussed defense cooperation, air defense, and further support for Kyiv from allies with his French counterpart Emmanuel Macron, Report informs.",
    (
        T("Zelenskyy wrote on "),
        A("Telegram", "https://t.me/V_Zelenskiy_official"),
        T(
            " that the main topic of the negotiations was increasing pressure on Russia and finalizing the development of international security guarantees for Ukraine."
        ),
    ),
    '"Now is the moment when there is a chance to end the war and stop Russia. To do this, it is necessary to continue increasing pressure on the Russian Federation, increase support for Ukraine, and complete work on security guarantees," the Ukrainian leader noted.',
    "He also added that he held a meeting with Czech Prime Minister Petr Fiala.",
    'Zelenskyy said that he informed the Czech Prime Minister about the consequences of Russian strikes on Ukrainian energy facilities: "The Czech Republic is already helping us with recovery, and we discussed how else to support Ukraine\'s energy resilience and our people."',
    "The parties also discussed the implementation of joint defense projects and initiatives to strengthen the protection of Ukrainian skies.",
    '"There is a common position: sanctions and frozen Russian assets should be directed to support Ukraine, for our protection and defense," Zelenskyy emphasized.',
    "Zelenskyy arrived in Brussels on Thursday to participate in the European Council meeting.",
]
SEED_AZ_PARAS: list[Para] = [
    "“Report” xəbər verir ki, Ukrayna Prezidenti Volodimir Zelenski fransalı həmkarı Emmanuel Makronla müdafiə sahəsində əməkdaşlığı, hava hücumundan müdafiəni və müttəfiqlərin Kiyevə gələcək dəstəyini müzakirə edib.",
    "Zelenski “Telegram”da yazıb ki, danışıqların əsas mövzusu Rusiyaya təzyiqin artırılması və Ukrayna üçün beynəlxalq təhlükəsizlik zəmanətlərinin hazırlanmasının yekunlaşdırılması olub.",
    "“İndi müharibəni bitirmək və Rusiyanı dayandırmaq şansı var. Bunun üçün Rusiya Federasiyasına təzyiqi artırmağa, Ukraynaya dəstəyi gücləndirməyə və təhlükəsizlik zəmanətləri üzərində işi tamamlamağa davam etmək lazımdır”, – Ukrayna lideri qeyd edib.",
    "Zelenski həmçinin Çexiyanın Baş naziri Petr Fiala ilə görüş keçirdiyini bildirib.",
    "Zelenski Brüsselə Avropa Şurasının iclasında iştirak etmək üçün cümə axşamı gəlib.",
]
SEED_RU_PARAS: list[Para] = [
    "Президент Украины Владимир Зеленский обсудил с французским коллегой Эммануэлем Макроном оборонное сотрудничество, противовоздушную оборону и дальнейшую поддержку Киева со стороны союзников, сообщает Report.",
    "Как написал Зеленский в Telegram, главной темой переговоров стало усиление давления на Россию и завершение разработки международных гарантий безопасности для Украины.",
    "«Сейчас есть шанс закончить войну и остановить Россию. Для этого необходимо продолжать усиливать давление на Российскую Федерацию, увеличивать поддержку Украины и завершить работу над гарантиями безопасности», – отметил украинский лидер.",
    "Он также сообщил, что провел встречу с премьер-министром Чехии Петром Фиалой.",
    "Зеленский прибыл в Брюссель в четверг для участия в заседании Европейского совета.",
]

#: The seed page's "Latest News" entries (en), with their real times and categories.
SEED_NEIGHBOURS = [
    (
        "20:36",
        "NATO Secretary General to attend Coalition of the Willing meeting in UK",
        "other-countries",
        "world",
        None,
    ),
    (
        "20:15",
        "China state oil majors suspend Russian oil buys due to sanctions, sources say",
        "other-countries",
        "world",
        None,
    ),
    (
        "19:49",
        "Zelenskyy: Ukraine should use Russian assets for weapons production",
        "other-countries",
        "world",
        None,
    ),
    (
        "19:39",
        "EU: Decision regarding use of Russian assets could be made by year-end",
        "other-countries",
        "world",
        None,
    ),
    (
        "19:19",
        "Azerbaijan and Türkiye discuss development of economic cooperation",
        "business",
        "business",
        None,
    ),
    (
        "19:02",
        "Belgrade hosts 9th session of joint Azerbaijan-Serbia commission and business forum",
        "business",
        "business",
        "photo",
    ),
    (
        "18:51",
        "Azerbaijan-Serbia Strategic Partnership Council's first meeting may be held by end of 2025",
        "business",
        "business",
        None,
    ),
    ("18:33", "Azerbaijani, Serbian agencies ink roadmap", "business", "business", None),
]


def _live_paras(pub: int, lang: str) -> list[Para]:
    marks = [hhmm(pub + 70 * MIN), hhmm(pub + 45 * MIN), hhmm(pub + 20 * MIN)]
    texts = {
        "en": [
            "The Milli Majlis is holding its next plenary session, Report informs.",
            "MPs adopted the bill on amendments to the Tax Code in the third reading.",
            "The bill on amendments to the Labor Code was put to a vote.",
            "12 MPs took the floor during the debate.",
            "The session began with the approval of the agenda. The agenda includes 9 items.",
        ],
        "az": [
            "“Report” xəbər verir ki, Milli Məclisin növbəti plenar iclası keçirilir.",
            "Deputatlar Vergi Məcəlləsinə dəyişikliklər haqqında qanun layihəsini üçüncü oxunuşda qəbul ediblər.",
            "Əmək Məcəlləsinə dəyişikliklər haqqında qanun layihəsi səsverməyə qoyulub.",
            "Müzakirələrdə 12 deputat çıxış edib.",
            "İclas gündəliyin təsdiqi ilə başlayıb. Gündəliyə 9 məsələ daxil edilib.",
        ],
        "ru": [
            "Как сообщает Report, в Милли Меджлисе проходит очередное пленарное заседание.",
            "Депутаты приняли в третьем чтении законопроект о внесении изменений в Налоговый кодекс.",
            "На голосование поставлен законопроект о внесении изменений в Трудовой кодекс.",
            "В ходе обсуждения выступили 12 депутатов.",
            "Заседание началось с утверждения повестки дня. В повестку включены 9 вопросов.",
        ],
    }[lang]
    return [texts[0], marks[0], texts[1], marks[1], texts[2], texts[3], marks[2], texts[4]]


def _glue_paras(lang: str) -> list[Para]:
    if lang == "en":
        return [
            (
                T("Freight volume on the "),
                A("Baku", "/en/tags/baku"),
                T("-"),
                A("Tbilisi", "/en/tags/tbilisi"),
                T("-"),
                S("Kars"),
                T(" railway grew by 18% in January-September, "),
                B("Report "),
                T("informs."),
            ),
            (
                T("According to "),
                A("Azerbaijan Railways", "/en/tags/azerbaijan-railways"),
                T(", "),
                S("more than 1.2 million tons"),
                T(" of cargo were transported along the route."),
            ),
            "The railway connects Azerbaijan, Georgia and Türkiye and is part of the Middle Corridor.",
            (
                T("Earlier, the "),
                A("Middle Corridor", "/en/tags/middle-corridor"),
                T("'s capacity was reported to increase by 2027."),
            ),
        ]
    if lang == "az":
        return [
            (
                A("“Report”", "/"),
                T(" xəbər verir ki, yanvar-sentyabr aylarında "),
                A("Bakı", "/tags/baki"),
                T("-"),
                A("Tbilisi", "/tags/tbilisi"),
                T("-"),
                S("Qars"),
                T(" dəmir yolu ilə daşınan yüklərin həcmi 18 faiz artıb."),
            ),
            (
                A("Azərbaycan Dəmir Yolları", "/tags/azerbaycan-demir-yollari"),
                T("nın məlumatına görə, marşrut üzrə "),
                S("1,2 milyon tondan çox"),
                T(" yük daşınıb."),
            ),
            "Dəmir yolu Azərbaycan, Gürcüstan və Türkiyəni birləşdirir və Orta Dəhlizin bir hissəsidir.",
            (
                T("Daha əvvəl "),
                A("Orta Dəhliz", "/tags/orta-dehliz"),
                T("in ötürmə qabiliyyətinin 2027-ci ilədək artırılacağı bildirilmişdi."),
            ),
        ]
    return [
        (
            B("Как сообщает Report,"),
            T(" в январе-сентябре объем грузоперевозок по железной дороге "),
            A("Баку", "/ru/tags/baku"),
            T("-"),
            A("Тбилиси", "/ru/tags/tbilisi"),
            T("-"),
            S("Карс"),
            T(" вырос на 18%."),
        ),
        (
            T("По данным "),
            A("ADY", "/ru/tags/ady"),
            T(", по маршруту перевезено "),
            S("более 1,2 млн тонн"),
            T(" грузов."),
        ),
        "Железная дорога соединяет Азербайджан, Грузию и Турцию и является частью Среднего коридора.",
        (
            T("Ранее сообщалось, что пропускная способность "),
            A("Среднего коридора", "/ru/tags/srednij-koridor"),
            T(" увеличится к 2027 году."),
        ),
    ]


def _three(
    titles: tuple[str, str, str],
    cats: tuple[str, str, str],
    when: int,
    leads: tuple[str, str, str] | None = None,
    new_titles: tuple[str, str, str] | None = None,
    summaries: tuple[str, str, str] | None = None,
) -> dict[str, SpecialArticle]:
    out: dict[str, SpecialArticle] = {}
    for i, ed in enumerate(("az", "en", "ru")):
        out[ed] = SpecialArticle(
            title=titles[i],
            category=cats[i],
            when=when + 2 * i * MIN,
            lead=leads[i] if leads else None,
            new_title=new_titles[i] if new_titles else None,
            summary=summaries[i] if summaries else None,
        )
    return out


def build_specials(anchor: int) -> list[SpecialStory]:
    """All special stories for a replica whose start clock is ``anchor`` (epoch seconds)."""
    seed_day = parse_iso("2025-10-23T00:00:00+04:00")

    def at(clock: str) -> int:
        hours, minutes = clock.split(":")
        return seed_day + int(hours) * HOUR + int(minutes) * MIN

    stories: list[SpecialStory] = []
    stories.append(
        SpecialStory(
            key="seed",
            topic="world",
            layout="current",
            look={
                "jsonld": "graph",
                "caption": None,
                "lazy": False,
                "share": None,
                "script": False,
                "badge": None,
                "distinct_lead": False,
                "attribution": 0,
                "tags_inside": False,
                "self_hreflang": True,
            },
            articles={
                "en": SpecialArticle(
                    title="Zelenskyy and Macron discuss defense cooperation and support for Ukraine",
                    category="other-countries",
                    when=at("20:02"),
                    paras=SEED_EN_PARAS,
                    tags=["Volodymyr Zelenskyy", "Emmanuel Macron", "Ukraine"],
                ),
                "az": SpecialArticle(
                    title="Makronla Zelenski müdafiə sahəsində əməkdaşlıq və Ukraynaya dəstəyi müzakirə edib",
                    category="diger-olkeler",
                    when=at("19:58"),
                    paras=SEED_AZ_PARAS,
                    tags=["Volodimir Zelenski", "Emmanuel Makron", "Ukrayna"],
                ),
                "ru": SpecialArticle(
                    title="Зеленский и Макрон обсудили оборонное сотрудничество и поддержку Украины",
                    category="drugie-strany",
                    when=at("20:04"),
                    paras=SEED_RU_PARAS,
                    tags=["Владимир Зеленский", "Эммануэль Макрон", "Украина"],
                ),
            },
        )
    )
    for i, (clock, title, cat, topic, badge) in enumerate(SEED_NEIGHBOURS):
        stories.append(
            SpecialStory(
                key=f"seed-neighbour-{i + 1}",
                topic=topic,
                layout="current",
                look={"badge": badge},
                articles={"en": SpecialArticle(title=title, category=cat, when=at(clock))},
            )
        )
    live = {}
    for i, (ed, title, cat) in enumerate(
        (
            ("az", "Milli Məclisin plenar iclası - CANLI", "milli-meclis"),
            ("en", "Milli Majlis plenary session - LIVE", "milli-majlis"),
            ("ru", "Пленарное заседание Милли Меджлиса - ОНЛАЙН", "milli-mejlis"),
        )
    ):
        pub = anchor - 90 * MIN + 2 * i * MIN
        live[ed] = SpecialArticle(title=title, category=cat, when=pub, paras=_live_paras(pub, ed))
    stories.append(
        SpecialStory(
            key="live",
            topic="parliament",
            layout="current",
            articles=live,
            live=True,
            look={"share": 0, "badge": None},
        )
    )
    live_old = {}
    for i, (ed, title, cat) in enumerate(
        (
            ("az", "Milli Məclisin payız sessiyasının iclası - CANLI", "milli-meclis"),
            ("en", "Milli Majlis autumn session meeting - LIVE", "milli-majlis"),
            ("ru", "Заседание осенней сессии Милли Меджлиса - ОНЛАЙН", "milli-mejlis"),
        )
    ):
        pub = anchor - 10 * HOUR + 2 * i * MIN
        paras = _live_paras(pub, ed)
        live_old[ed] = SpecialArticle(title=title, category=cat, when=pub, paras=paras)
    stories.append(  # an old live update: a dateline opens each block
        SpecialStory(
            key="live-oldest",
            topic="parliament",
            layout="oldest",
            articles=live_old,
            live=True,
            extra=True,
            look={"jsonld": "object", "badge": None, "dateline_bold": False},
        )
    )
    stories.append(
        SpecialStory(
            key="two-headlines",
            topic="business",
            layout="current",
            edit_at=anchor - 1 * HOUR,
            look={"badge": None, "jsonld": "graph"},
            articles=_three(
                (
                    "Azərbaycan və Gürcüstan dəmir yolu layihəsini müzakirə edib",
                    "Azerbaijan and Georgia discuss railway project",
                    "Азербайджан и Грузия обсудили железнодорожный проект",
                ),
                ("iqtisadiyyat-xeberleri", "business", "biznes"),
                anchor - 5 * HOUR,
                leads=(
                    "Azərbaycan və Gürcüstan iki ölkəni birləşdirən dəmir yolunun modernləşdirilməsini müzakirə edib",
                    "Azerbaijan and Georgia have discussed the modernization of the railway connecting the two countries",
                    "Азербайджан и Грузия обсудили модернизацию железной дороги, соединяющей две страны",
                ),
                new_titles=(
                    "Azərbaycan və Gürcüstan dəmir yolu layihəsinin sürətləndirilməsi barədə razılığa gəlib",
                    "Azerbaijan and Georgia agree to speed up railway project",
                    "Азербайджан и Грузия договорились ускорить железнодорожный проект",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="tweet",
            topic="foreign",
            layout="current",
            look={
                "tweet": True,
                "script": True,
                "share": 1,
                "caption": None,
                "badge": None,
                "tags_inside": True,
            },
            articles=_three(
                (
                    "Azərbaycan və Qazaxıstan XİN başçıları telefonla danışıb",
                    "Foreign ministers of Azerbaijan and Kazakhstan hold phone talks",
                    "Главы МИД Азербайджана и Казахстана провели телефонный разговор",
                ),
                ("xarici-siyaset", "foreign-politics", "vneshnyaya-politika"),
                anchor - 2 * HOUR,
                leads=(
                    "Azərbaycan və Qazaxıstanın xarici işlər nazirləri arasında telefon danışığı olub",
                    "The foreign ministers of Azerbaijan and Kazakhstan have held a phone conversation",
                    "главы МИД Азербайджана и Казахстана провели телефонный разговор",
                ),
            ),
        )
    )
    glue = _three(
        (
            "Bakı-Tbilisi-Qars dəmir yolu ilə yükdaşımalar 18 faiz artıb",
            "Baku-Tbilisi-Kars railway freight volume grows by 18%",
            "Объем грузоперевозок по железной дороге Баку-Тбилиси-Карс вырос на 18%",
        ),
        ("iqtisadiyyat-xeberleri", "business", "biznes"),
        anchor - 150 * MIN,
    )
    for ed, article in glue.items():
        article.paras = _glue_paras(ed)
    stories.append(
        SpecialStory(
            key="glue",
            topic="business",
            layout="current",
            articles=glue,
            look={"badge": None, "share": 0, "script": True},
        )
    )
    stories.append(
        SpecialStory(
            key="layout-2019",
            topic="economy",
            layout="2019",
            slash=True,
            look={"jsonld": "list", "badge": None},
            articles=_three(
                (
                    "Azərbaycanın qeyri-neft ixracı 12 faiz artıb",
                    "Azerbaijan's non-oil exports increase by 12%",
                    "Ненефтяной экспорт Азербайджана вырос на 12%",
                ),
                ("iqtisadiyyat-xeberleri", "finance", "biznes"),
                anchor - 6 * HOUR,
                leads=(
                    "yanvar-sentyabr aylarında Azərbaycanın qeyri-neft ixracı ötən ilin eyni dövrü ilə müqayisədə 12 faiz artıb",
                    "Azerbaijan's non-oil exports increased by 12% in January-September compared to the same period last year",
                    "в январе-сентябре ненефтяной экспорт Азербайджана вырос на 12% по сравнению с аналогичным периодом прошлого года",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="layout-2019-no-meta",
            topic="energy",
            layout="2019",
            slash=True,
            meta=False,
            look={"jsonld": "none", "badge": None},
            articles=_three(
                (
                    "Azərbaycan və Macarıstan enerji sahəsində əməkdaşlığı müzakirə edib",
                    "Azerbaijan and Hungary discuss energy cooperation",
                    "Азербайджан и Венгрия обсудили сотрудничество в сфере энергетики",
                ),
                ("energetika", "energy", "energetika"),
                anchor - 7 * HOUR,
                leads=(
                    "Azərbaycan və Macarıstan qaz tədarükü və yaşıl enerji layihələri daxil olmaqla enerji sahəsində əməkdaşlığı müzakirə edib",
                    "Azerbaijan and Hungary have discussed cooperation in the field of energy, including gas supplies and green energy projects",
                    "Азербайджан и Венгрия обсудили сотрудничество в сфере энергетики, включая поставки газа и проекты в области зеленой энергетики",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="oldest",
            topic="foreign",
            layout="oldest",
            look={
                "jsonld": "object",
                "badge": None,
                "dateline_bold": False,
                "dateline_space": True,
            },
            articles=_three(
                (
                    "Azərbaycan və Özbəkistan turizm sahəsində memorandum imzalayıb",
                    "Azerbaijan and Uzbekistan sign memorandum on tourism",
                    "Азербайджан и Узбекистан подписали меморандум о туризме",
                ),
                ("xarici-siyaset", "foreign-politics", "vneshnyaya-politika"),
                anchor - 8 * HOUR,
                leads=(
                    "Azərbaycan və Özbəkistan turizm sahəsində əməkdaşlığa dair anlaşma memorandumu imzalayıb",
                    "Azerbaijan and Uzbekistan have signed a memorandum of understanding on cooperation in tourism",
                    "Азербайджан и Узбекистан подписали меморандум о взаимопонимании в сфере туризма",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="oldest-no-meta",
            topic="foreign",
            layout="oldest",
            slash=True,
            meta=False,
            look={"jsonld": "graph", "badge": None, "dateline_bold": True, "dateline_space": False},
            articles=_three(
                (
                    "Bakıda beynəlxalq nəqliyyat konfransı keçiriləcək",
                    "Baku to host international transport conference",
                    "В Баку пройдет международная транспортная конференция",
                ),
                ("xarici-siyaset", "foreign-politics", "vneshnyaya-politika"),
                anchor - 9 * HOUR,
                leads=(
                    "gələn ay Bakıda nəqliyyat və logistika üzrə beynəlxalq konfrans keçiriləcək",
                    "An international conference on transport and logistics will be held in Baku next month",
                    "в следующем месяце в Баку пройдет международная конференция по транспорту и логистике",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="lead",
            topic="economy",
            layout="current",
            look={"distinct_lead": True, "photo": None, "jsonld": "graph", "badge": None},
            articles=_three(
                (
                    "Dövlət büdcəsinin gəlirləri proqnozu üstələyib",
                    "State budget revenues exceed forecast",
                    "Доходы госбюджета превысили прогноз",
                ),
                ("iqtisadiyyat-xeberleri", "finance", "biznes"),
                anchor - 3 * HOUR,
                leads=(
                    "yanvar-sentyabr aylarında dövlət büdcəsinin gəlirləri proqnozu 4,2 faiz üstələyib",
                    "State budget revenues in January-September exceeded the forecast by 4.2%",
                    "в январе-сентябре доходы государственного бюджета превысили прогноз на 4,2%",
                ),
                summaries=(
                    "Maliyyə Nazirliyi dövlət büdcəsinin doqquz ay üzrə icrasına dair məlumatları açıqlayıb.",
                    "The Ministry of Finance has published data on the execution of the state budget for nine months.",
                    "Министерство финансов опубликовало данные об исполнении госбюджета за девять месяцев.",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="photo",
            topic="foreign",
            layout="current",
            look={"badge": "photo", "lazy": True},
            articles=_three(
                (
                    "Bakıda Azərbaycan və İtaliya rəssamlarının sərgisi açılıb",
                    "Baku hosts exhibition of Azerbaijani and Italian artists",
                    "В Баку открылась выставка азербайджанских и итальянских художников",
                ),
                ("xarici-siyaset", "foreign-politics", "vneshnyaya-politika"),
                anchor - 4 * HOUR,
                leads=(
                    "Bakıda Azərbaycan və İtaliya rəssamlarının əsərlərindən ibarət sərgi açılıb",
                    "An exhibition of works by Azerbaijani and Italian artists has opened in Baku",
                    "в Баку открылась выставка работ азербайджанских и итальянских художников",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="video",
            topic="energy",
            layout="current",
            look={"badge": "video"},
            articles=_three(
                (
                    "SOCAR yeni dəniz platformasını təqdim edib",
                    "SOCAR presents new offshore platform",
                    "SOCAR представила новую морскую платформу",
                ),
                ("energetika", "energy", "energetika"),
                anchor - 200 * MIN,
                leads=(
                    "SOCAR Xəzər dənizində qaz yataqlarının işlənməsi üçün inşa edilmiş yeni dəniz platformasını təqdim edib",
                    "SOCAR has presented a new offshore platform built for the development of gas fields in the Caspian Sea",
                    "SOCAR представила новую морскую платформу, построенную для разработки газовых месторождений на Каспии",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="future-new",
            topic="energy",
            layout="current",
            look={"badge": None},
            articles=_three(
                (
                    "Azərbaycan və Türkiyə yeni enerji sazişi imzalayıb",
                    "Azerbaijan and Türkiye sign new energy agreement",
                    "Азербайджан и Турция подписали новое энергетическое соглашение",
                ),
                ("energetika", "energy", "energetika"),
                anchor + 30 * MIN,
                leads=(
                    "Azərbaycan və Türkiyə enerji sahəsində əməkdaşlığa dair yeni saziş imzalayıb",
                    "Azerbaijan and Türkiye have signed a new agreement on cooperation in the energy sector",
                    "Азербайджан и Турция подписали новое соглашение о сотрудничестве в энергетической сфере",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="future-edit",
            topic="economy",
            layout="current",
            edit_at=anchor + 45 * MIN,
            look={"badge": None, "jsonld": "object"},
            articles=_three(
                (
                    "Valyuta hərracında tələb 95 milyon dollar olub",
                    "Demand at currency auction totals $95 million",
                    "Спрос на валютном аукционе составил $95 млн",
                ),
                ("iqtisadiyyat-xeberleri", "finance", "biznes"),
                anchor - 150 * MIN + 1 * MIN,
                leads=(
                    "Azərbaycan Mərkəzi Bankının keçirdiyi valyuta hərracında tələb 95 milyon dollar təşkil edib",
                    "Demand at the currency auction held by the Central Bank of Azerbaijan amounted to $95 million",
                    "спрос на валютном аукционе, проведенном Центральным банком Азербайджана, составил $95 млн",
                ),
                new_titles=(
                    "Valyuta hərracında tələb 98 milyon dollar olub",
                    "Demand at currency auction totals $98 million",
                    "Спрос на валютном аукционе составил $98 млн",
                ),
            ),
        )
    )
    stories.append(
        SpecialStory(
            key="republish",
            topic="business",
            layout="current",
            republish_at=anchor + 75 * MIN,
            look={"badge": None},
            articles=_three(
                (
                    "Azərbaycanda ASAN xidmət mərkəzlərinin şəbəkəsi genişləndiriləcək",
                    "Azerbaijan to expand network of ASAN service centers",
                    "В Азербайджане расширят сеть центров ASAN xidmət",
                ),
                ("daxili-siyaset", "domestic-politics", "biznes"),
                anchor - 26 * HOUR,
                leads=(
                    "Azərbaycanda ASAN xidmət mərkəzlərinin şəbəkəsi regionlarda yeni filiallarla genişləndiriləcək",
                    "The network of ASAN service centers in Azerbaijan will be expanded with new branches in the regions",
                    "сеть центров ASAN xidmət в Азербайджане будет расширена за счет новых филиалов в регионах",
                ),
            ),
        )
    )
    return stories
