"""English wording of the replica (report.az/en): labels, entities, headline and sentence templates.

Lists of templates are aligned by index with ``texts_az`` and ``texts_ru``: entry ``i`` of a
topic or group is the same sentence in each language, so translated articles match.
"""

from __future__ import annotations

from tests.site.textkit import A, B, S, Seg, T

LANG = "en"
DECIMAL = "."
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_2019 = MONTHS
DATELINE_CITY = "Baku"
DATELINE_MONTHS = MONTHS
#: The trending-topics bar of tag links above the headline of current pages.
TRENDING = ("Ilham Aliyev", "Path to Victory", "UEFA Champions League")
#: The heading of the news block at the end of AMP pages.
OTHER_NEWS = "Other News"
FEED_LINK_TEXT = "All News Feed"
LATEST_NEWS = "Latest News"
HOME_TITLE = "Latest news from Azerbaijan and the world"
NOT_FOUND = "Page not found"
BADGES = {"photo": "Photo", "video": "Video"}
TITLE_UPDATED = "{title} - UPDATED"
SHARE_LINES = (
    ("Follow us on Telegram", "https://t.me/reportnews"),
    ("Share on social media", "https://www.facebook.com/report.az"),
    ("Subscribe to our WhatsApp channel", "https://whatsapp.com/channel/report"),
)
CAPTIONS = ("Photo: Report", "Photo: press service", "Photo: archive", "Photo: official website")
TWEET_AUTHOR = "MFA Azerbaijan"
TWEET_HANDLE = "MFA_Azerbaijan"
TWEET_TEXT = "Productive phone call with my counterpart. We discussed the regional agenda and the next steps in our cooperation."

#: Category slug -> visible label, in the order of the site menu.
CATEGORIES = {
    "other-countries": "Other countries",
    "foreign-politics": "Foreign policy",
    "domestic-politics": "Domestic policy",
    "energy": "Energy",
    "finance": "Finance",
    "business": "Business",
    "karabakh": "Karabakh",
    "milli-majlis": "Milli Majlis",
}
TOPIC_CATEGORY = {
    "world": "other-countries",
    "foreign": "foreign-politics",
    "domestic": "domestic-politics",
    "parliament": "milli-majlis",
    "economy": "finance",
    "business": "business",
    "energy": "energy",
    "ict": "business",
    "karabakh": "karabakh",
    "army": "domestic-politics",
}

#: Attribution formulas: (position, segments). "suf" goes after the lead sentence.
ATTRIBUTIONS: tuple[tuple[str, tuple[Seg, ...]], ...] = (
    ("suf", (T(", Report informs."),)),
    ("suf", (T(", "), B("Report "), T("informs."))),
    ("suf", (T(", "), A("Report", "/en/"), T(" informs."))),
    ("suf", (T(", "), S("Report"), T(" informs."))),
)
#: The attribution whose markup glues words when text nodes are stripped and joined.
GLUE_ATTRIBUTION = 1

COUNTRIES = {
    "tr": {"nom": "Türkiye", "adj": "Turkish"},
    "ge": {"nom": "Georgia", "adj": "Georgian"},
    "kz": {"nom": "Kazakhstan", "adj": "Kazakh"},
    "uz": {"nom": "Uzbekistan", "adj": "Uzbek"},
    "it": {"nom": "Italy", "adj": "Italian"},
    "fr": {"nom": "France", "adj": "French"},
    "de": {"nom": "Germany", "adj": "German"},
    "cn": {"nom": "China", "adj": "Chinese"},
    "rs": {"nom": "Serbia", "adj": "Serbian"},
    "hu": {"nom": "Hungary", "adj": "Hungarian"},
    "pk": {"nom": "Pakistan", "adj": "Pakistani"},
    "jp": {"nom": "Japan", "adj": "Japanese"},
    "pl": {"nom": "Poland", "adj": "Polish"},
    "eg": {"nom": "Egypt", "adj": "Egyptian"},
    "qa": {"nom": "Qatar", "adj": "Qatari"},
    "ro": {"nom": "Romania", "adj": "Romanian"},
}
CITIES = {
    "baku": {"nom": "Baku"},
    "ganja": {"nom": "Ganja"},
    "sumgayit": {"nom": "Sumgayit"},
    "shaki": {"nom": "Shaki"},
    "lankaran": {"nom": "Lankaran"},
    "mingachevir": {"nom": "Mingachevir"},
    "guba": {"nom": "Guba"},
    "nakhchivan": {"nom": "Nakhchivan"},
    "shirvan": {"nom": "Shirvan"},
    "gabala": {"nom": "Gabala"},
}
TOWNS = {
    "shusha": {"nom": "Shusha"},
    "khankendi": {"nom": "Khankendi"},
    "aghdam": {"nom": "Aghdam"},
    "fuzuli": {"nom": "Fuzuli"},
    "lachin": {"nom": "Lachin"},
    "kalbajar": {"nom": "Kalbajar"},
    "zangilan": {"nom": "Zangilan"},
    "jabrayil": {"nom": "Jabrayil"},
    "gubadli": {"nom": "Gubadli"},
    "khojaly": {"nom": "Khojaly"},
}
COMPANIES = {
    "socar": {"nom": "SOCAR"},
    "azal": {"nom": "AZAL"},
    "azercell": {"nom": "Azercell"},
    "azerenerji": {"nom": "Azerenerji"},
    "kapital": {"nom": "Kapital Bank"},
    "pasha": {"nom": "PASHA Bank"},
    "azerishig": {"nom": "Azerishig"},
    "ady": {"nom": "Azerbaijan Railways"},
}
TELCOS = {"azercell": {"nom": "Azercell"}, "bakcell": {"nom": "Bakcell"}, "nar": {"nom": "Nar"}}
FIELDS = {
    "education": {"nom": "education"},
    "health": {"nom": "healthcare"},
    "tourism": {"nom": "tourism"},
    "agriculture": {"nom": "agriculture"},
    "transport": {"nom": "transport"},
    "digital": {"nom": "digital services"},
}
CODES = {
    "tax": {"nom": "Tax Code"},
    "labor": {"nom": "Labor Code"},
    "customs": {"nom": "Customs Code"},
    "offenses": {"nom": "Code of Administrative Offenses"},
    "migration": {"nom": "Migration Code"},
}
READINGS = ("first", "second", "third")
YEARS = {year: {"nom": str(year), "ord": str(year)} for year in range(2026, 2031)}

#: topic -> [(headline, lead sentence without the final period)]
HEADLINES = {
    "world": [
        (
            "{country[nom]} and {country2[nom]} sign agreement on transport corridor",
            "{country[nom]} and {country2[nom]} have signed an agreement on the development of a joint transport corridor",
        ),
        (
            "Inflation in {country[nom]} slows to {pct}%",
            "Annual inflation in {country[nom]} slowed to {pct}% last month, according to the national statistics office",
        ),
        (
            "Earthquake of magnitude {mag} hits {country[nom]}",
            "An earthquake of magnitude {mag} has struck {country[nom]}, with no casualties reported so far",
        ),
        (
            "{country[nom]} to host international summit in {year[nom]}",
            "{country[nom]} will host an international summit on climate and energy security in {year[nom]}",
        ),
    ],
    "foreign": [
        (
            "Azerbaijan and {country[nom]} discuss expansion of cooperation",
            "Azerbaijan and {country[nom]} have discussed prospects for expanding cooperation in trade, energy and transport",
        ),
        (
            "Azerbaijani FM meets with {country[adj]} counterpart",
            "Azerbaijan's Foreign Minister has met with his {country[adj]} counterpart to discuss the regional agenda",
        ),
        (
            "Baku hosts political consultations between Azerbaijan and {country[nom]}",
            "The next round of political consultations between the foreign ministries of Azerbaijan and {country[nom]} has been held in Baku",
        ),
        (
            "Azerbaijan and {country[nom]} sign package of cooperation documents",
            "Azerbaijan and {country[nom]} have signed a package of documents aimed at strengthening bilateral cooperation",
        ),
    ],
    "domestic": [
        (
            "Cabinet approves new rules in {field[nom]} sector",
            "The Cabinet of Ministers has approved new rules regulating the {field[nom]} sector",
        ),
        (
            "New state program on {field[nom]} to be implemented from {year[nom]}",
            "A new state program aimed at the development of {field[nom]} will be implemented in the country starting from {year[nom]}",
        ),
        (
            "{n} new schools to open in {city[nom]}",
            "{n} new schools will be put into operation in {city[nom]} before the end of the year",
        ),
        (
            "Public services in {city[nom]} to move fully online",
            "All public services in {city[nom]} will be provided in electronic form from next year",
        ),
    ],
    "parliament": [
        (
            "Milli Majlis adopts amendments to {code[nom]}",
            "The Milli Majlis has adopted amendments to the {code[nom]} in the {reading} reading",
        ),
        (
            "Parliament to discuss {n} bills at next plenary session",
            "The Milli Majlis will consider {n} bills at its next plenary session",
        ),
        (
            "Azerbaijani MPs to visit {country[nom]}",
            "A delegation of the Milli Majlis will pay an official visit to {country[nom]} next week",
        ),
        (
            "Milli Majlis and {country[adj]} parliament discuss interparliamentary ties",
            "Members of the Milli Majlis and the {country[adj]} parliament have discussed the development of interparliamentary relations",
        ),
    ],
    "economy": [
        (
            "Azerbaijan's foreign trade turnover grows by {pct}%",
            "Azerbaijan's foreign trade turnover increased by {pct}% year-on-year in January-September",
        ),
        (
            "Central Bank of Azerbaijan keeps discount rate at {rate}%",
            "The Central Bank of Azerbaijan has decided to keep the discount rate unchanged at {rate}%",
        ),
        (
            "Azerbaijan's GDP up {pct}% in nine months",
            "Azerbaijan's gross domestic product grew by {pct}% in January-September compared to the same period last year",
        ),
        (
            "Azerbaijan's state budget revenues reach {amount} billion manats",
            "Revenues of Azerbaijan's state budget amounted to {amount} billion manats in January-September",
        ),
    ],
    "business": [
        (
            "Azerbaijan and {country[nom]} discuss development of economic cooperation",
            "Azerbaijan and {country[nom]} have discussed the development of economic cooperation and joint investment projects",
        ),
        (
            "{company[nom]} increases net profit by {pct}%",
            "{company[nom]} has increased its net profit by {pct}% in the first nine months of the year",
        ),
        (
            "{country[adj]} companies to invest ${amount} million in Alat Free Economic Zone",
            "Companies from {country[nom]} plan to invest ${amount} million in projects in the Alat Free Economic Zone",
        ),
        (
            "Business forum of Azerbaijan and {country[nom]} held in {city[nom]}",
            "A business forum bringing together entrepreneurs from Azerbaijan and {country[nom]} has been held in {city[nom]}",
        ),
    ],
    "energy": [
        (
            "Azeri Light price exceeds ${price}",
            "The price of Azeri Light crude oil has risen to ${price} per barrel on world markets",
        ),
        (
            "Azerbaijan's gas exports to {country[nom]} grow by {pct}%",
            "Azerbaijan's natural gas exports to {country[nom]} increased by {pct}% in January-September",
        ),
        (
            "Azerbaijan and {country[nom]} to build {mw} MW solar power plant",
            "Azerbaijan and {country[nom]} have agreed to build a solar power plant with a capacity of {mw} megawatts",
        ),
        (
            "Oil production in Azerbaijan amounts to {amount} million tons",
            "Azerbaijan produced {amount} million tons of oil, including condensate, in January-September",
        ),
    ],
    "ict": [
        (
            "{telco[nom]} launches 5G network in {city[nom]}",
            "{telco[nom]} has launched a fifth-generation mobile network in {city[nom]}",
        ),
        (
            "Azerbaijan to launch new e-government platform in {year[nom]}",
            "Azerbaijan will launch a new e-government platform in {year[nom]} to simplify access to public services",
        ),
        (
            "Azerbaijan and {country[nom]} discuss cooperation in artificial intelligence",
            "Azerbaijan and {country[nom]} have discussed cooperation in the field of artificial intelligence and digital technologies",
        ),
        (
            "Mobile internet traffic in Azerbaijan up {pct}%",
            "Mobile internet traffic in Azerbaijan increased by {pct}% year-on-year",
        ),
    ],
    "karabakh": [
        (
            "Construction of {n} residential buildings continues in {town[nom]}",
            "The construction of {n} residential buildings for former internally displaced persons continues in {town[nom]}",
        ),
        (
            "Another group of former IDPs returns to {town[nom]}",
            "Another group of former internally displaced persons, {n} families in total, has returned to {town[nom]}",
        ),
        (
            "{n} mines neutralized in liberated territories over past week",
            "ANAMA specialists have neutralized {n} mines and unexploded ordnance in the liberated territories over the past week",
        ),
        (
            "New road to {town[nom]} to be completed in {year[nom]}",
            "Construction of the new highway leading to {town[nom]} is expected to be completed in {year[nom]}",
        ),
    ],
    "army": [
        (
            "Azerbaijani Army holds tactical exercises",
            "Units of the Azerbaijani Army are conducting tactical exercises with live firing, according to the Defense Ministry",
        ),
        (
            "Azerbaijan and {country[nom]} discuss military cooperation",
            "Military delegations of Azerbaijan and {country[nom]} have discussed prospects for cooperation in the defense sector",
        ),
        (
            "Next call-up for military service begins",
            "The next call-up of citizens for active military service has begun in Azerbaijan",
        ),
        (
            "Azerbaijani servicemen complete training course in {country[nom]}",
            "A group of Azerbaijani servicemen has successfully completed an advanced training course in {country[nom]}",
        ),
    ],
}

#: sentence group -> sentences (aligned with the other languages)
SENTENCES = {
    "domestic": [
        "The relevant decision was signed by the Cabinet of Ministers.",
        "The measures are aimed at improving the quality of public services.",
        "Funds for the project have been allocated from the state budget.",
        "The work is planned to be completed by the end of next year.",
        "Local executive authorities have been instructed to ensure the implementation of the decision.",
        "Public hearings on the issue will be held in the regions.",
    ],
    "parliament": [
        "The bill was put to a vote after discussions.",
        "The amendments were adopted by a majority vote.",
        "The chairs of the relevant committees presented information on the bills.",
        "MPs expressed their opinions and proposals on the document.",
        "The law will enter into force after being signed by the President.",
        "The next plenary session is scheduled for next week.",
    ],
    "politics": [
        "The sides exchanged views on the current state and prospects of bilateral relations.",
        "It was noted that political dialogue between the countries is developing successfully.",
        "The meeting also focused on regional security issues and the peace agenda in the South Caucasus.",
        "The parties agreed to hold the next meeting in {country[nom]} next year.",
        "Special attention was paid to cooperation within international organizations.",
        "The importance of implementing the agreements reached earlier was emphasized.",
        "Since the beginning of the year, a number of official visits have taken place between the two countries.",
        "The document is expected to be submitted for ratification by the end of the year.",
    ],
    "economy": [
        "According to the State Statistics Committee, the figure was {pct}% higher than in the same period last year.",
        "The non-oil sector accounted for the main share of growth.",
        "Experts expect the positive trend to continue in the coming months.",
        "Investments in fixed capital amounted to {amount} billion manats.",
        "The share of small and medium-sized businesses in the economy continues to grow.",
        "The total assets of {company[nom]} exceeded {amount} billion manats.",
        "The official exchange rate of the manat against the US dollar remained at 1.7 manats.",
        "Trade with {country[nom]} amounted to ${amount} million.",
    ],
    "energy": [
        "Brent crude futures for December delivery rose to ${price} per barrel.",
        "Azerbaijan exported {amount} billion cubic meters of gas via the Southern Gas Corridor.",
        "The project is being implemented as part of the country's green energy strategy.",
        "The share of renewable sources in the country's energy balance is expected to reach 30% by 2030.",
        "Daily production at the field averaged {big} barrels.",
        "The Ministry of Energy said the works would be completed on schedule.",
    ],
    "world": [
        "The information was reported by local media.",
        "Official sources have not yet commented on the matter.",
        "The country's government is expected to make a statement in the coming days.",
        "International organizations are closely following the developments.",
        "Similar events took place in the region last year.",
        "Further details will be announced later.",
    ],
    "defense": [
        "The exercises are aimed at improving the combat readiness of the troops.",
        "The tasks set during the training were successfully accomplished.",
        "Special attention was paid to the interaction between units.",
        "Modern weapons and military equipment were used during the exercises.",
        "The parties discussed the exchange of experience in military education.",
        "The Defense Ministry noted that such events will be held regularly.",
    ],
    "security": [
        "An investigation into the incident is underway.",
        "The injured were taken to hospital, their condition is assessed as satisfactory.",
        "Fire and rescue units of the Ministry of Emergency Situations were involved at the scene.",
        "A criminal case has been opened under the relevant article of the Criminal Code.",
        "Traffic in the area was temporarily restricted.",
        "Law enforcement agencies are taking further measures.",
    ],
    "karabakh": [
        "The works are being carried out within the framework of the Great Return program.",
        "Modern infrastructure, including schools, kindergartens and medical facilities, is being built in the area.",
        "So far, {big} people have been resettled in the liberated territories.",
        "The families were provided with fully furnished apartments.",
        "Demining operations in the area continue.",
        "Local residents noted that the new facilities will significantly improve living conditions.",
    ],
}
QUOTES = [
    '"We are interested in further expanding our cooperation," the official said.',
    '"The results achieved show that we are moving in the right direction," he noted.',
    '"All necessary measures will be taken to complete the work on time," the statement reads.',
    '"This is an important step for the entire region," the spokesperson emphasized.',
]
UPDATES = [
    "Later, the information was officially confirmed.",
    "The article has been updated with new details.",
    "According to updated data, the figure was revised.",
]
#: topic -> general tags (aligned)
TOPIC_TAGS = {
    "world": ["World", "International relations"],
    "foreign": ["Foreign policy", "Diplomacy"],
    "domestic": ["Azerbaijan", "Reforms"],
    "parliament": ["Milli Majlis", "Legislation"],
    "economy": ["Economy", "Statistics"],
    "business": ["Business", "Investments"],
    "energy": ["Energy", "Oil and gas"],
    "ict": ["ICT", "Digitalization"],
    "karabakh": ["Karabakh", "Great Return"],
    "army": ["Azerbaijani Army", "Defense"],
}
