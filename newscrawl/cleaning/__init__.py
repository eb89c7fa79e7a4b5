"""Pure text-cleaning functions for newscrawl (``str`` in, ``str`` out; no Scrapy).

One module per job:

* :mod:`.mojibake` -- repair of UTF-8 read as Latin-1/cp1252, detection of what cannot be repaired
* :mod:`.unicode` -- Unicode and whitespace normalisation of bodies and one-line fields
* :mod:`.boilerplate` -- share/promo lines and photo credits
* :mod:`.dateline` -- ``Baku. 15 March. REPORT.AZ/`` datelines of the oldest layout
* :mod:`.live` -- ``HH:MM`` markers of live-update articles
* :mod:`.title` -- headline clean-up

Suggested order for a body: ``repair_mojibake`` on the raw text (before any whitespace
clean-up), ``has_unrepairable_mojibake`` to reject the item, ``normalize_text``, then per
paragraph ``split_dateline`` (first paragraph only), ``is_boilerplate_paragraph``,
``strip_trailing_credit`` and ``is_time_marker``.
"""

from newscrawl.cleaning.boilerplate import is_boilerplate_paragraph, strip_trailing_credit
from newscrawl.cleaning.dateline import split_dateline
from newscrawl.cleaning.live import is_time_marker
from newscrawl.cleaning.mojibake import has_unrepairable_mojibake, looks_garbled, repair_mojibake
from newscrawl.cleaning.title import clean_title
from newscrawl.cleaning.unicode import normalize_line, normalize_text

__all__ = [
    "clean_title",
    "has_unrepairable_mojibake",
    "is_boilerplate_paragraph",
    "is_time_marker",
    "looks_garbled",
    "normalize_line",
    "normalize_text",
    "repair_mojibake",
    "split_dateline",
    "strip_trailing_credit",
]
