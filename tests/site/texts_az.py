"""Azerbaijani wording of the replica (report.az): labels, entities, headline and sentence templates.

Aligned by index with ``texts_en`` and ``texts_ru``. Lead sentences start in lower case where
the first word is not a name: they always follow ``“Report” xəbər verir ki,``. Case forms are
written ``stem|suffix`` so a link can cover the stem alone (``<a>Türkiyə</a>nin``).
"""

from __future__ import annotations

from tests.site.textkit import A, B, S, Seg, T, az_forms

LANG = "az"
DECIMAL = ","
MONTHS = (
    "yanvar",
    "fevral",
    "mart",
    "aprel",
    "may",
    "iyun",
    "iyul",
    "avqust",
    "sentyabr",
    "oktyabr",
    "noyabr",
    "dekabr",
)
MONTHS_2019 = (
    "Yanvar",
    "Fevral",
    "Mart",
    "Aprel",
    "May",
    "İyun",
    "İyul",
    "Avqust",
    "Sentyabr",
    "Oktyabr",
    "Noyabr",
    "Dekabr",
)
DATELINE_CITY = "Bakı"
DATELINE_MONTHS = MONTHS
#: The trending-topics bar of tag links above the headline of current pages.
TRENDING = ("İlham Əliyev", "Zəfərə gedən yol", "WUF13", "COP30")
#: The heading of the news block at the end of AMP pages.
OTHER_NEWS = "Digər xəbərlər"
FEED_LINK_TEXT = "Bütün xəbər lenti"
LATEST_NEWS = "Son xəbərlər"
HOME_TITLE = "Azərbaycan və dünya xəbərləri"
NOT_FOUND = "Səhifə tapılmadı"
BADGES = {"photo": "Foto", "video": "Video"}
TITLE_UPDATED = "{title} - YENİLƏNİB"
SHARE_LINES = (
    ("Sosial şəbəkələrdə paylaşın", "https://www.facebook.com/report.az"),
    ("Telegram kanalımıza abunə olun", "https://t.me/reportaz"),
    ("Xəbərləri WhatsApp kanalımızda izləyin", "https://whatsapp.com/channel/reportaz"),
)
CAPTIONS = ("Foto: “Report”", "Foto: mətbuat xidməti", "Foto: arxiv", "Foto: rəsmi sayt")
TWEET_AUTHOR = "XİN Azərbaycan"
TWEET_HANDLE = "AzerbaijanMFA"
TWEET_TEXT = "Həmkarımla səmərəli telefon danışığı apardıq. Regional gündəlik və əməkdaşlığımızın növbəti addımları müzakirə olundu."

CATEGORIES = {
    "diger-olkeler": "Digər ölkələr",
    "xarici-siyaset": "Xarici siyasət",
    "daxili-siyaset": "Daxili siyasət",
    "region-xeberleri": "Region",  # the live site's label
    "hadise": "Hadisə",
    "futbol-xeberleri": "Futbol xəbərləri",
    "iqtisadiyyat-xeberleri": "İqtisadiyyat xəbərləri",
    "energetika": "Energetika",
    "ikt": "İKT",
    "milli-meclis": "Milli Məclis",
    "qarabag": "Qarabağ",
}
TOPIC_CATEGORY = {
    "world": "diger-olkeler",
    "foreign": "xarici-siyaset",
    "domestic": "daxili-siyaset",
    "parliament": "milli-meclis",
    "regions": "region-xeberleri",
    "incidents": "hadise",
    "football": "futbol-xeberleri",
    "economy": "iqtisadiyyat-xeberleri",
    "business": "iqtisadiyyat-xeberleri",
    "energy": "energetika",
    "ict": "ikt",
    "karabakh": "qarabag",
    "army": "daxili-siyaset",
}

ATTRIBUTIONS: tuple[tuple[str, tuple[Seg, ...]], ...] = (
    ("pre", (T("“Report” xəbər verir ki, "),)),
    ("pre", (A("“Report”", "/"), T(" xəbər verir ki, "))),
    ("pre", (T("“"), B("Report"), T("” xəbər verir ki, "))),
    ("pre", (S("“Report” xəbər verir ki,"), T(" "))),
)
GLUE_ATTRIBUTION = 1

COUNTRIES = {
    "tr": az_forms("Türkiyə", "nin", "də", "yə", "dən"),
    "ge": az_forms("Gürcüstan", "ın", "da", "a", "dan"),
    "kz": az_forms("Qazaxıstan", "ın", "da", "a", "dan"),
    "uz": az_forms("Özbəkistan", "ın", "da", "a", "dan"),
    "it": az_forms("İtaliya", "nın", "da", "ya", "dan"),
    "fr": az_forms("Fransa", "nın", "da", "ya", "dan"),
    "de": az_forms("Almaniya", "nın", "da", "ya", "dan"),
    "cn": az_forms("Çin", "in", "də", "ə", "dən"),
    "rs": az_forms("Serbiya", "nın", "da", "ya", "dan"),
    "hu": az_forms("Macarıstan", "ın", "da", "a", "dan"),
    "pk": az_forms("Pakistan", "ın", "da", "a", "dan"),
    "jp": az_forms("Yaponiya", "nın", "da", "ya", "dan"),
    "pl": az_forms("Polşa", "nın", "da", "ya", "dan"),
    "eg": az_forms("Misir", "in", "də", "ə", "dən"),
    "qa": az_forms("Qətər", "in", "də", "ə", "dən"),
    "ro": az_forms("Rumıniya", "nın", "da", "ya", "dan"),
}
CITIES = {
    "baku": az_forms("Bakı", "nın", "da", "ya"),
    "ganja": az_forms("Gəncə", "nin", "də", "yə"),
    "sumgayit": az_forms("Sumqayıt", "ın", "da", "a"),
    "shaki": az_forms("Şəki", "nin", "də", "yə"),
    "lankaran": az_forms("Lənkəran", "ın", "da", "a"),
    "mingachevir": az_forms("Mingəçevir", "in", "də", "ə"),
    "guba": az_forms("Quba", "nın", "da", "ya"),
    "nakhchivan": az_forms("Naxçıvan", "ın", "da", "a"),
    "shirvan": az_forms("Şirvan", "ın", "da", "a"),
    "gabala": az_forms("Qəbələ", "nin", "də", "yə"),
}
TOWNS = {
    "shusha": az_forms("Şuşa", "nın", "da", "ya"),
    "khankendi": az_forms("Xankəndi", "nin", "də", "yə"),
    "aghdam": az_forms("Ağdam", "ın", "da", "a"),
    "fuzuli": az_forms("Füzuli", "nin", "də", "yə"),
    "lachin": az_forms("Laçın", "ın", "da", "a"),
    "kalbajar": az_forms("Kəlbəcər", "in", "də", "ə"),
    "zangilan": az_forms("Zəngilan", "ın", "da", "a"),
    "jabrayil": az_forms("Cəbrayıl", "ın", "da", "a"),
    "gubadli": az_forms("Qubadlı", "nın", "da", "ya"),
    "khojaly": az_forms("Xocalı", "nın", "da", "ya"),
}
COMPANIES = {
    "socar": az_forms("SOCAR", "-ın", "-da", "-a"),
    "azal": az_forms("AZAL", "-ın", "-da", "-a"),
    "azercell": az_forms("Azercell", "-in", "-də", "-ə"),
    "azerenerji": az_forms("Azərenerji", "nin", "də", "yə"),
    "kapital": az_forms("Kapital Bank", "ın", "da", "a"),
    "pasha": az_forms("PAŞA Bank", "ın", "da", "a"),
    "azerishig": az_forms("Azərişıq", "ın", "da", "a"),
    "ady": az_forms("Azərbaycan Dəmir Yolları", "nın", "nda", "na"),
}
TELCOS = {"azercell": {"nom": "Azercell"}, "bakcell": {"nom": "Bakcell"}, "nar": {"nom": "Nar"}}
CLUBS = {
    "qarabag": az_forms("“Qarabağ”", "ın", "da", "a"),
    "neftchi": az_forms("“Neftçi”", "nin", "də", "yə"),
    "sabah": az_forms("“Sabah”", "ın", "da", "a"),
    "zira": az_forms("“Zirə”", "nin", "də", "yə"),
    "turan": az_forms("“Turan Tovuz”", "un", "da", "a"),
    "sumgayit": az_forms("“Sumqayıt”", "ın", "da", "a"),
    "araz": az_forms("“Araz-Naxçıvan”", "ın", "da", "a"),
    "kapaz": az_forms("“Kəpəz”", "in", "də", "ə"),
    "shamakhi": az_forms("“Şamaxı”", "nın", "da", "ya"),
    "imishli": az_forms("“İmişli”", "nin", "də", "yə"),
}
FIELDS = {
    "education": {"nom": "təhsil"},
    "health": {"nom": "səhiyyə"},
    "tourism": {"nom": "turizm"},
    "agriculture": {"nom": "kənd təsərrüfatı"},
    "transport": {"nom": "nəqliyyat"},
    "digital": {"nom": "rəqəmsal xidmətlər"},
}
CODES = {
    "tax": az_forms("Vergi Məcəlləsi", "nin", "ndə", "nə"),
    "labor": az_forms("Əmək Məcəlləsi", "nin", "ndə", "nə"),
    "customs": az_forms("Gömrük Məcəlləsi", "nin", "ndə", "nə"),
    "offenses": az_forms("İnzibati Xətalar Məcəlləsi", "nin", "ndə", "nə"),
    "migration": az_forms("Miqrasiya Məcəlləsi", "nin", "ndə", "nə"),
}
READINGS = ("birinci", "ikinci", "üçüncü")
YEARS = {
    2026: {"nom": "2026", "ord": "2026-cı"},
    2027: {"nom": "2027", "ord": "2027-ci"},
    2028: {"nom": "2028", "ord": "2028-ci"},
    2029: {"nom": "2029", "ord": "2029-cu"},
    2030: {"nom": "2030", "ord": "2030-cu"},
}

HEADLINES = {
    "world": [
        (
            "{country[nom]} və {country2[nom]} nəqliyyat dəhlizi üzrə saziş imzalayıb",
            "{country[nom]} və {country2[nom]} birgə nəqliyyat dəhlizinin inkişafına dair saziş imzalayıb",
        ),
        (
            "{country[loc]} inflyasiya {pct} faizə qədər yavaşlayıb",
            "ölkənin statistika idarəsinin məlumatına görə, ötən ay {country[loc]} illik inflyasiya {pct} faizə qədər yavaşlayıb",
        ),
        (
            "{country[loc]} maqnitudası {mag} olan zəlzələ baş verib",
            "{country[loc]} maqnitudası {mag} olan zəlzələ baş verib, hələlik xəsarət alan barədə məlumat daxil olmayıb",
        ),
        (
            "{country[nom]} {year[ord]} ildə beynəlxalq sammitə ev sahibliyi edəcək",
            "{country[nom]} {year[ord]} ildə iqlim və enerji təhlükəsizliyi üzrə beynəlxalq sammitə ev sahibliyi edəcək",
        ),
    ],
    "foreign": [
        (
            "Azərbaycan və {country[nom]} əməkdaşlığın genişləndirilməsini müzakirə edib",
            "Azərbaycan ilə {country[nom]} arasında ticarət, enerji və nəqliyyat sahələrində əməkdaşlığın genişləndirilməsi perspektivləri müzakirə olunub",
        ),
        (
            "Azərbaycan XİN başçısı {country[gen]} xarici işlər naziri ilə görüşüb",
            "Azərbaycanın xarici işlər naziri {country[gen]} xarici işlər naziri ilə görüşərək regional gündəliyi müzakirə edib",
        ),
        (
            "Bakıda Azərbaycan və {country[nom]} arasında siyasi məsləhətləşmələr keçirilib",
            "Bakıda Azərbaycan və {country[gen]} xarici işlər nazirlikləri arasında siyasi məsləhətləşmələrin növbəti raundu keçirilib",
        ),
        (
            "Azərbaycan və {country[nom]} əməkdaşlığa dair sənədlər paketi imzalayıb",
            "Azərbaycan ilə {country[nom]} arasında ikitərəfli əməkdaşlığın möhkəmləndirilməsinə yönəlmiş sənədlər paketi imzalanıb",
        ),
    ],
    "domestic": [
        (
            "Nazirlər Kabineti {field[nom]} sahəsində yeni qaydaları təsdiqləyib",
            "Nazirlər Kabineti {field[nom]} sahəsini tənzimləyən yeni qaydaları təsdiq edib",
        ),
        (
            "{year[ord]} ildən {field[nom]} sahəsində yeni dövlət proqramı icra olunacaq",
            "ölkədə {year[ord]} ildən başlayaraq {field[nom]} sahəsinin inkişafına yönəlmiş yeni dövlət proqramı icra olunacaq",
        ),
        (
            "{city[loc]} {n} yeni məktəb istifadəyə veriləcək",
            "il sona çatana qədər {city[loc]} {n} yeni məktəb istifadəyə veriləcək",
        ),
        (
            "{city[loc]} dövlət xidmətləri tam elektron formata keçəcək",
            "gələn ildən {city[loc]} bütün dövlət xidmətləri elektron qaydada göstəriləcək",
        ),
    ],
    "parliament": [
        (
            "Milli Məclis {code[dat]} dəyişiklikləri qəbul edib",
            "Milli Məclisin plenar iclasında {code[dat]} dəyişikliklər {reading} oxunuşda qəbul olunub",
        ),
        (
            "Parlamentin növbəti plenar iclasında {n} qanun layihəsi müzakirə olunacaq",
            "Milli Məclisin növbəti plenar iclasının gündəliyinə {n} qanun layihəsi daxil edilib",
        ),
        (
            "Azərbaycan deputatları {country[dat]} səfər edəcək",
            "Milli Məclisin nümayəndə heyəti gələn həftə {country[dat]} rəsmi səfər edəcək",
        ),
        (
            "Milli Məclis və {country[gen]} parlamenti parlamentlərarası əlaqələri müzakirə edib",
            "Milli Məclisin və {country[gen]} parlamentinin üzvləri parlamentlərarası əlaqələrin inkişafını müzakirə ediblər",
        ),
    ],
    "regions": [
        (
            "{city[loc]} {n} kilometrlik yol yenidən qurulub",
            "{city[loc]} ümumi uzunluğu {n} kilometr olan avtomobil yolu yenidən qurularaq istifadəyə verilib",
        ),
        (
            "{city[gen]} kəndlərinə yeni su xətti çəkilir",
            "{city[gen]} {n} kəndini içməli su ilə təmin edəcək yeni su xəttinin tikintisinə başlanılıb",
        ),
        (
            "{city[loc]} kənd təsərrüfatı məhsullarının sərgi-satışı keçirilir",
            "{city[loc]} yerli fermerlərin iştirakı ilə kənd təsərrüfatı məhsullarının sərgi-satışı təşkil olunub",
        ),
        (
            "{city[gen]} {n} kəndi qazlaşdırılıb",
            "{city[gen]} {n} kəndində qazlaşdırma işləri başa çatdırılıb",
        ),
    ],
    "incidents": [
        (
            "{city[loc]} yaşayış binasında yanğın baş verib",
            "{city[loc]} çoxmərtəbəli yaşayış binasında yanğın baş verib, hadisə yerinə Fövqəladə Hallar Nazirliyinin qüvvələri cəlb olunub",
        ),
        (
            "{city[loc]} yol qəzası olub, xəsarət alanlar var",
            "{city[loc]} iki minik avtomobilinin toqquşması nəticəsində {n} nəfər xəsarət alıb",
        ),
        (
            "{city[loc]} narkotik vasitələr ələ keçirilib",
            "{city[loc]} keçirilən əməliyyat zamanı {big} qramdan çox narkotik vasitə aşkarlanaraq götürülüb",
        ),
        (
            "{city[loc]} itkin düşən yeniyetmə tapılıb",
            "{city[loc]} iki gün əvvəl itkin düşən yeniyetmə polis əməkdaşları tərəfindən tapılaraq ailəsinə təhvil verilib",
        ),
    ],
    "football": [
        (
            "{club[nom]} - {club2[nom]} oyunu {score} hesabı ilə başa çatıb",
            "Premyer Liqanın növbəti turunda {club[nom]} və {club2[nom]} arasında keçirilən oyun {score} hesabı ilə başa çatıb",
        ),
        (
            "{club[nom]} yeni baş məşqçi ilə müqavilə imzalayıb",
            "{club[nom]} klubu yeni baş məşqçi ilə iki illik müqavilə imzalayıb",
        ),
        (
            "{club[nom]} növbəti oyununa {city[loc]} hazırlaşır",
            "{club[nom]} komandası növbəti oyununa hazırlıqları {city[loc]} keçirilən təlim-məşq toplanışında davam etdirir",
        ),
        (
            "Premyer Liqa: {club[nom]} səfərdə qələbə qazanıb",
            "Premyer Liqanın növbəti turunda {club[nom]} səfərdə {club2[nom]} üzərində {score} hesablı qələbə qazanıb",
        ),
    ],
    "economy": [
        (
            "Azərbaycanın xarici ticarət dövriyyəsi {pct} faiz artıb",
            "yanvar-sentyabr aylarında Azərbaycanın xarici ticarət dövriyyəsi ötən ilin eyni dövrü ilə müqayisədə {pct} faiz artıb",
        ),
        (
            "Mərkəzi Bank uçot dərəcəsini {rate} faizdə saxlayıb",
            "Azərbaycan Mərkəzi Bankı uçot dərəcəsini dəyişməz olaraq {rate} faiz səviyyəsində saxlamaq qərarına gəlib",
        ),
        (
            "Azərbaycanda ÜDM doqquz ayda {pct} faiz artıb",
            "yanvar-sentyabr aylarında Azərbaycanda ümumi daxili məhsul ötən ilin eyni dövrü ilə müqayisədə {pct} faiz artıb",
        ),
        (
            "Dövlət büdcəsinin gəlirləri {amount} milyard manata çatıb",
            "yanvar-sentyabr aylarında Azərbaycanın dövlət büdcəsinin gəlirləri {amount} milyard manat təşkil edib",
        ),
    ],
    "business": [
        (
            "Azərbaycan və {country[nom]} iqtisadi əməkdaşlığın inkişafını müzakirə edib",
            "Azərbaycan ilə {country[nom]} arasında iqtisadi əməkdaşlığın inkişafı və birgə investisiya layihələri müzakirə olunub",
        ),
        (
            "{company[nom]} xalis mənfəətini {pct} faiz artırıb",
            "{company[nom]} ilin ilk doqquz ayında xalis mənfəətini {pct} faiz artırıb",
        ),
        (
            "{country[gen]} şirkətləri Ələt Azad İqtisadi Zonasına {amount} milyon dollar sərmayə qoyacaq",
            "{country[gen]} şirkətləri Ələt Azad İqtisadi Zonasındakı layihələrə {amount} milyon dollar sərmayə yatırmağı planlaşdırır",
        ),
        (
            "{city[loc]} Azərbaycan-{country[nom]} biznes forumu keçirilib",
            "{city[loc]} Azərbaycan və {country[gen]} sahibkarlarının iştirakı ilə biznes forumu keçirilib",
        ),
    ],
    "energy": [
        (
            "“Azeri Light” neftinin qiyməti {price} dolları ötüb",
            "dünya bazarlarında “Azeri Light” markalı neftin bir barelinin qiyməti {price} dollara yüksəlib",
        ),
        (
            "Azərbaycanın {country[dat]} qaz ixracı {pct} faiz artıb",
            "yanvar-sentyabr aylarında Azərbaycandan {country[dat]} ixrac olunan təbii qazın həcmi {pct} faiz artıb",
        ),
        (
            "Azərbaycan və {country[nom]} {mw} MVt gücündə günəş elektrik stansiyası tikəcək",
            "Azərbaycan və {country[nom]} gücü {mw} meqavat olan günəş elektrik stansiyasının tikintisi barədə razılığa gəlib",
        ),
        (
            "Azərbaycanda neft hasilatı {amount} milyon ton təşkil edib",
            "yanvar-sentyabr aylarında Azərbaycanda kondensat da daxil olmaqla {amount} milyon ton neft hasil olunub",
        ),
    ],
    "ict": [
        (
            "{telco[nom]} {city[loc]} 5G şəbəkəsini istifadəyə verib",
            "{telco[nom]} {city[loc]} beşinci nəsil mobil rabitə şəbəkəsini istifadəyə verib",
        ),
        (
            "Azərbaycanda {year[ord]} ildə yeni elektron hökumət platforması istifadəyə veriləcək",
            "dövlət xidmətlərinə çıxışı sadələşdirmək məqsədilə {year[ord]} ildə yeni elektron hökumət platforması istifadəyə veriləcək",
        ),
        (
            "Azərbaycan və {country[nom]} süni intellekt sahəsində əməkdaşlığı müzakirə edib",
            "Azərbaycan ilə {country[nom]} arasında süni intellekt və rəqəmsal texnologiyalar sahəsində əməkdaşlıq müzakirə olunub",
        ),
        (
            "Azərbaycanda mobil internet trafiki {pct} faiz artıb",
            "ötən ilin eyni dövrü ilə müqayisədə Azərbaycanda mobil internet trafiki {pct} faiz artıb",
        ),
    ],
    "karabakh": [
        (
            "{town[loc]} {n} yaşayış binasının tikintisi davam edir",
            "{town[loc]} keçmiş məcburi köçkünlər üçün {n} yaşayış binasının tikintisi davam etdirilir",
        ),
        (
            "{town[dat]} növbəti köç karvanı yola salınıb",
            "{town[dat]} daha {n} ailədən ibarət növbəti köç karvanı yola salınıb",
        ),
        (
            "Ötən həftə azad olunmuş ərazilərdə {n} mina zərərsizləşdirilib",
            "ötən həftə ANAMA əməkdaşları azad olunmuş ərazilərdə {n} mina və partlamamış hərbi sursat aşkarlayaraq zərərsizləşdirib",
        ),
        (
            "{town[dat]} gedən yeni yolun tikintisi {year[ord]} ildə başa çatacaq",
            "{town[dat]} gedən yeni avtomobil yolunun tikintisinin {year[ord]} ildə tamamlanması nəzərdə tutulur",
        ),
    ],
    "army": [
        (
            "Azərbaycan Ordusunda taktiki təlimlər keçirilir",
            "Müdafiə Nazirliyinin məlumatına görə, Azərbaycan Ordusunun bölmələrində döyüş atışlı taktiki təlimlər keçirilir",
        ),
        (
            "Azərbaycan və {country[nom]} hərbi əməkdaşlığı müzakirə edib",
            "Azərbaycan və {country[gen]} hərbi nümayəndə heyətləri müdafiə sahəsində əməkdaşlığın perspektivlərini müzakirə edib",
        ),
        (
            "Növbəti hərbi xidmətə çağırış başlayıb",
            "Azərbaycanda vətəndaşların həqiqi hərbi xidmətə növbəti çağırışına başlanılıb",
        ),
        (
            "Azərbaycan hərbçiləri {country[loc]} təlim kursunu başa vurub",
            "bir qrup Azərbaycan hərbçisi {country[loc]} ixtisasartırma kursunu uğurla başa vurub",
        ),
    ],
}

SENTENCES = {
    "domestic": [
        "Müvafiq qərarı Nazirlər Kabineti imzalayıb.",
        "Tədbirlər dövlət xidmətlərinin keyfiyyətinin yüksəldilməsinə yönəlib.",
        "Layihə üçün vəsait dövlət büdcəsindən ayrılıb.",
        "İşlərin gələn ilin sonunadək başa çatdırılması planlaşdırılır.",
        "Yerli icra hakimiyyətlərinə qərarın icrasını təmin etmək tapşırılıb.",
        "Məsələ ilə bağlı regionlarda ictimai dinləmələr keçiriləcək.",
    ],
    "parliament": [
        "Müzakirələrdən sonra qanun layihəsi səsverməyə qoyulub.",
        "Dəyişikliklər səs çoxluğu ilə qəbul olunub.",
        "Qanun layihələri barədə müvafiq komitələrin sədrləri məlumat veriblər.",
        "Deputatlar sənədlə bağlı fikir və təkliflərini bildiriblər.",
        "Qanun Prezident tərəfindən imzalandıqdan sonra qüvvəyə minəcək.",
        "Növbəti plenar iclasın gələn həftə keçirilməsi nəzərdə tutulur.",
    ],
    "politics": [
        "Tərəflər ikitərəfli münasibətlərin hazırkı vəziyyəti və perspektivləri barədə fikir mübadiləsi aparıblar.",
        "Qeyd olunub ki, ölkələr arasında siyasi dialoq uğurla inkişaf edir.",
        "Görüşdə həmçinin regional təhlükəsizlik məsələləri və Cənubi Qafqazda sülh gündəliyi diqqət mərkəzində olub.",
        "Tərəflər növbəti görüşün gələn il {country[loc]} keçirilməsi barədə razılığa gəliblər.",
        "Beynəlxalq təşkilatlar çərçivəsində əməkdaşlığa xüsusi diqqət yetirilib.",
        "Əvvəllər əldə olunmuş razılaşmaların icrasının əhəmiyyəti vurğulanıb.",
        "İlin əvvəlindən iki ölkə arasında bir sıra rəsmi səfərlər həyata keçirilib.",
        "Sənədin il sonuna qədər ratifikasiya üçün təqdim olunması gözlənilir.",
    ],
    "economy": [
        "Dövlət Statistika Komitəsinin məlumatına görə, bu göstərici ötən ilin eyni dövrü ilə müqayisədə {pct} faiz çox olub.",
        "Artımın əsas hissəsi qeyri-neft sektorunun payına düşüb.",
        "Ekspertlər müsbət tendensiyanın yaxın aylarda da davam edəcəyini gözləyirlər.",
        "Əsas kapitala yönəldilmiş investisiyalar {amount} milyard manat təşkil edib.",
        "Kiçik və orta sahibkarlığın iqtisadiyyatdakı payı artmaqda davam edir.",
        "{company[gen]} ümumi aktivləri {amount} milyard manatı ötüb.",
        "Manatın ABŞ dollarına qarşı rəsmi məzənnəsi 1,7 manat səviyyəsində qalıb.",
        "{country[nom]} ilə ticarət dövriyyəsi {amount} milyon dollar təşkil edib.",
    ],
    "energy": [
        "Brent markalı neftin dekabr fyuçerslərinin qiyməti bir barel üçün {price} dollara yüksəlib.",
        "Azərbaycan Cənub Qaz Dəhlizi ilə {amount} milyard kubmetr qaz ixrac edib.",
        "Layihə ölkənin yaşıl enerji strategiyası çərçivəsində həyata keçirilir.",
        "2030-cu ilə qədər bərpa olunan mənbələrin ölkənin enerji balansındakı payının 30 faizə çatdırılması gözlənilir.",
        "Yataqda gündəlik orta hasilat {big} barel təşkil edib.",
        "Energetika Nazirliyindən bildirilib ki, işlər qrafikə uyğun olaraq başa çatdırılacaq.",
    ],
    "world": [
        "Məlumatı yerli media yayıb.",
        "Rəsmi mənbələr hələlik məsələ ilə bağlı şərh verməyib.",
        "Ölkə hökumətinin yaxın günlərdə bəyanatla çıxış edəcəyi gözlənilir.",
        "Beynəlxalq təşkilatlar vəziyyəti yaxından izləyir.",
        "Ötən il regionda oxşar hadisələr baş verib.",
        "Ətraflı məlumat daha sonra açıqlanacaq.",
    ],
    "defense": [
        "Təlimlər qoşunların döyüş hazırlığının artırılmasına yönəlib.",
        "Təlim zamanı qarşıya qoyulan tapşırıqlar uğurla yerinə yetirilib.",
        "Bölmələr arasında qarşılıqlı fəaliyyətə xüsusi diqqət yetirilib.",
        "Təlimlər zamanı müasir silah və hərbi texnikadan istifadə olunub.",
        "Tərəflər hərbi təhsil sahəsində təcrübə mübadiləsini müzakirə ediblər.",
        "Müdafiə Nazirliyindən bildirilib ki, belə tədbirlər mütəmadi olaraq keçiriləcək.",
    ],
    "security": [
        "Faktla bağlı araşdırma aparılır.",
        "Xəsarət alanlar xəstəxanaya çatdırılıb, onların vəziyyəti kafi qiymətləndirilir.",
        "Hadisə yerinə Fövqəladə Hallar Nazirliyinin yanğınsöndürmə-xilasetmə bölmələri cəlb olunub.",
        "Cinayət Məcəlləsinin müvafiq maddəsi ilə cinayət işi başlanılıb.",
        "Ərazidə nəqliyyatın hərəkəti müvəqqəti məhdudlaşdırılıb.",
        "Hüquq-mühafizə orqanları tərəfindən əlavə tədbirlər görülür.",
    ],
    "karabakh": [
        "İşlər “Böyük Qayıdış” proqramı çərçivəsində həyata keçirilir.",
        "Ərazidə məktəb, uşaq bağçası və tibb müəssisələri daxil olmaqla müasir infrastruktur yaradılır.",
        "İndiyədək azad olunmuş ərazilərdə {big} nəfər məskunlaşdırılıb.",
        "Ailələr tam təchiz olunmuş mənzillərlə təmin olunub.",
        "Ərazidə minatəmizləmə əməliyyatları davam etdirilir.",
        "Yerli sakinlər bildiriblər ki, yeni obyektlər yaşayış şəraitini xeyli yaxşılaşdıracaq.",
    ],
    "sport": [
        "Görüş Tofiq Bəhramov adına Respublika stadionunda keçirilib.",
        "{club[nom]} {n} xalla turnir cədvəlində mövqeyini möhkəmləndirib.",
        "Qollar ikinci hissədə vurulub.",
        "Oyunu FIFA referisi idarə edib.",
        "Növbəti turda {club2[nom]} öz meydanında {club[nom]} ilə qarşılaşacaq.",
        "Baş məşqçi oyundan sonra komandanın çıxışını qənaətbəxş adlandırıb.",
    ],
}
QUOTES = [
    "“Biz əməkdaşlığımızın daha da genişləndirilməsində maraqlıyıq”, – deyə rəsmi şəxs bildirib.",
    "“Əldə olunan nəticələr doğru istiqamətdə irəlilədiyimizi göstərir”, – o qeyd edib.",
    "“İşlərin vaxtında başa çatdırılması üçün bütün zəruri tədbirlər görüləcək”, – açıqlamada deyilir.",
    "“Bu, bütün region üçün mühüm addımdır”, – sözçü vurğulayıb.",
]
UPDATES = [
    "Daha sonra məlumat rəsmi olaraq təsdiqlənib.",
    "Xəbər yeni təfərrüatlarla yenilənib.",
    "Yenilənmiş məlumatlara görə, göstərici dəqiqləşdirilib.",
]
TOPIC_TAGS = {
    "world": ["Dünya", "Beynəlxalq münasibətlər"],
    "foreign": ["Xarici siyasət", "Diplomatiya"],
    "domestic": ["Azərbaycan", "İslahatlar"],
    "parliament": ["Milli Məclis", "Qanunvericilik"],
    "regions": ["Regionlar", "İnfrastruktur"],
    "incidents": ["Hadisə", "FHN"],
    "football": ["Futbol", "Premyer Liqa"],
    "economy": ["İqtisadiyyat", "Statistika"],
    "business": ["Biznes", "İnvestisiyalar"],
    "energy": ["Energetika", "Neft və qaz"],
    "ict": ["İKT", "Rəqəmsallaşma"],
    "karabakh": ["Qarabağ", "Böyük Qayıdış"],
    "army": ["Azərbaycan Ordusu", "Müdafiə"],
}
