"""Settings of the baseline spider: the project's engine and politeness settings, none of its
components, and Scrapy's defaults for everything else.

Same reactor, User-Agent, robots.txt, timeouts, cookies, concurrency, delay and fingerprinter as
``newscrawl.settings``, so the two crawls differ only by what the report spider and its
pipelines, middlewares and extensions do. The settings are named one by one (no ``import *``):
whatever else the project sets or stops setting (its log formatter, Scrapy tuning knobs) leaves
the baseline at Scrapy's defaults, so a baseline measured before a change of the project is
the same crawler as one measured after it. The benchmark passes the same ``-s`` overrides to
both crawls. Selected with ``SCRAPY_SETTINGS_MODULE``.
"""

from __future__ import annotations

from typing import Any

from newscrawl import settings as _project

#: Taken from the project when it defines them (what a polite crawl of the site needs).
_ENGINE_AND_POLITENESS = (
    "BOT_NAME",
    "ROBOTSTXT_OBEY",
    "USER_AGENT",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "AUTOTHROTTLE_START_DELAY",
    "AUTOTHROTTLE_MAX_DELAY",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_WARNSIZE",
    "COOKIES_ENABLED",
    "TELNETCONSOLE_ENABLED",
    "REDIRECT_MAX_TIMES",
    "RETRY_ENABLED",
    "RETRY_TIMES",
    "RETRY_HTTP_CODES",
    "FEED_EXPORT_ENCODING",
    "TWISTED_REACTOR",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION",
    "LOG_LEVEL",
)

_values: dict[str, Any] = {
    name: getattr(_project, name) for name in _ENGINE_AND_POLITENESS if hasattr(_project, name)
}
globals().update(_values)

SPIDER_MODULES: list[str] = []
NEWSPIDER_MODULE = ""
