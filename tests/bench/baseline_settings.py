"""Settings of the baseline spider: the project's engine and politeness settings, none of its
components.

Same reactor, User-Agent, robots.txt, timeouts, cookies and fingerprinter as
``newscrawl.settings``, so the two crawls differ only by what the report spider and its
pipelines, middlewares and extensions do. The benchmark passes the same ``-s`` overrides to both
crawls (no delay, no AutoThrottle, concurrency 16). Selected with ``SCRAPY_SETTINGS_MODULE``.
"""

from __future__ import annotations

from newscrawl.settings import *  # noqa: F403

SPIDER_MODULES = []
NEWSPIDER_MODULE = ""
# Scrapy's stock retry middleware instead of the project's backoff retry and per-edition stats.
DOWNLOADER_MIDDLEWARES = {}
ITEM_PIPELINES = {}
EXTENSIONS = {}
FEED_STORAGES = {}
SPIDER_CONTRACTS = {}
