"""Scrapy settings of newscrawl. Values marked "live site" are the polite defaults for report.az;
tests and benchmarks override them with ``-s`` for the local replica.
"""

from __future__ import annotations

import os

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# --- The project's own settings: their types, bounds and meaning are ProjectSettings in
# --- newscrawl/arguments.py (checked before a crawl starts), the long form docs/arguments.md.
NEWSCRAWL_OUTPUT_DIR = os.environ.get("NEWSCRAWL_OUTPUT_DIR", "output")
NEWSCRAWL_STATE = os.environ.get("NEWSCRAWL_STATE", ".newscrawl/state.sqlite")
NEWSCRAWL_STATE_LOCK_WAIT_SECONDS = 30.0
NEWSCRAWL_STATE_RETRY_SECONDS = 60.0
# Work units of runs over a PostgreSQL state (newscrawl/units.py): a unit's lease, renewed every
# third of it, and how long an edition's top walk rests before it is claimed again.
NEWSCRAWL_UNIT_LEASE_SECONDS = 120.0
NEWSCRAWL_WALK_REST_SECONDS = 60.0
NEWSCRAWL_NODE = os.environ.get("NEWSCRAWL_NODE", "")  # empty: the host name
# One polite rate across nodes (newscrawl/pace.py): a PostgreSQL URL (empty: NEWSCRAWL_STATE when
# that is a postgresql:// URL, else off); it waits NEWSCRAWL_STATE_RETRY_SECONDS for a PostgreSQL
# that does not answer, as the state does.
NEWSCRAWL_PACE_DSN = os.environ.get("NEWSCRAWL_PACE_DSN", "")
NEWSCRAWL_ARCHIVE = os.environ.get("NEWSCRAWL_ARCHIVE")  # unset: <output dir>/archive
NEWSCRAWL_ARCHIVE_MAX_BYTES = int(os.environ.get("NEWSCRAWL_ARCHIVE_MAX_BYTES", 100 * 1024 * 1024))
NEWSCRAWL_ARCHIVE_LISTINGS = False  # RSS feeds and sitemaps in the archive too
NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES = 30
NEWSCRAWL_EDIT_HORIZON_HOURS = 48.0
NEWSCRAWL_REVISIT_SHARE = 0.5
NEWSCRAWL_REVISITS_PER_RUN = 200
NEWSCRAWL_NOW = ""
NEWSCRAWL_RSS_CROSSCHECK = True
NEWSCRAWL_HOLE_PAGES = 10
# A fresh state's first walk must reach this far below the newest card (a walk cut short leaves
# a hole down to it); 0: no floor. An article failing transiently in this many runs is given up.
NEWSCRAWL_HISTORY_HOURS = 48.0
# A card's date later than now + this (or before the site existed, 2010) is implausible: the card
# counts as undated for the walk (newscrawl.site.implausible_date).
NEWSCRAWL_MAX_CLOCK_SKEW_MINUTES = 60.0
NEWSCRAWL_URL_FAILURE_RUNS = 3
NEWSCRAWL_RUN_DEADLINE_SECONDS = 0.0
NEWSCRAWL_MIN_BODY_WORDS = 5
NEWSCRAWL_RUN_STATS = True
# Bounds on what one page decides (newscrawl/limits.py; docs/arguments.md "Limits"): a page over
# MAX_PAGE_BYTES is not parsed (reject too_large), a field over its limit is an over_limit reject.
NEWSCRAWL_MAX_PAGE_BYTES = 2 * 1024 * 1024
NEWSCRAWL_MAX_TITLE_CHARS = 1000
NEWSCRAWL_MAX_LEAD_CHARS = 5000
NEWSCRAWL_MAX_BODY_CHARS = 200_000
NEWSCRAWL_MAX_TAGS = 50
NEWSCRAWL_MAX_TAG_CHARS = 200
NEWSCRAWL_MAX_IMAGES = 50
NEWSCRAWL_MAX_LISTING_LINKS = 1000
NEWSCRAWL_ROBOTS_MAX_BYTES = 512_000
NEWSCRAWL_RETENTION_DAYS = float(os.environ.get("NEWSCRAWL_RETENTION_DAYS", "0") or 0)
# unset: NEWSCRAWL_RETENTION_DAYS; the archive is kept unless told (reparse reads it)
NEWSCRAWL_STATS_RETENTION_DAYS = os.environ.get("NEWSCRAWL_STATS_RETENTION_DAYS") or None
NEWSCRAWL_REJECTS_RETENTION_DAYS = os.environ.get("NEWSCRAWL_REJECTS_RETENTION_DAYS") or None
NEWSCRAWL_ARCHIVE_RETENTION_DAYS = float(os.environ.get("NEWSCRAWL_ARCHIVE_RETENTION_DAYS") or 0)
COMMANDS_MODULE = "newscrawl.commands"

# --- Politeness (live site) ---------------------------------------------------------------
ROBOTSTXT_OBEY = True
# Protego over the first NEWSCRAWL_ROBOTS_MAX_BYTES of robots.txt (RFC 9309 section 2.5)
ROBOTSTXT_PARSER = "newscrawl.limits.BoundedRobotParser"
#: How the site's operators reach you: an e-mail address or a URL (env NEWSCRAWL_CONTACT), added
#: to the User-Agent as "newscrawl/0.1 (news archive crawler; +CONTACT)". Set it for the live site.
NEWSCRAWL_CONTACT = os.environ.get("NEWSCRAWL_CONTACT", "")
USER_AGENT = "newscrawl/0.1 (news archive crawler)"  # NEWSCRAWL_CONTACT is added to it
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
# Scrapy draws each wait from DOWNLOAD_DELAY x (1 +- jitter) and draws again whenever the slot's
# timer fires before the drawn wait: with its default jitter of 0.5 the mean wait is 1.22 x the
# delay, so 18 % of the allowance goes unused (measured: docs/benchmarks.md). 0.1 keeps the
# requests from ticking like a clock and wastes about 4 %.
DOWNLOAD_DELAY_JITTER = 0.1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control (an HTTP server that runs Python code) is off like the telnet
# console; turn it on for one run with -s REMOTE_CONTROL_ENABLED=1 (docs/operations.md,
# "Remote control": it listens on loopback, keep it there).
REMOTE_CONTROL_ENABLED = False
REDIRECT_MAX_TIMES = 5

# --- Retries with exponential backoff that honours Retry-After ----------------------------
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NEWSCRAWL_RETRY_BASE_DELAY = 2.0  # seconds; doubled on each retry of the same request
NEWSCRAWL_RETRY_MAX_DELAY = 120.0  # a longer Retry-After is capped to this
# Failures that reached no server (DNS, refused, timeout) before the first answer after which
# the site counts as unreachable: nothing more is sent to it in this run (0: off).
NEWSCRAWL_UNREACHABLE_ATTEMPTS = 3
# robots.txt: its one request's timeout (no retry: 5xx or no answer means disallow, RFC 9309)
NEWSCRAWL_ROBOTS_TIMEOUT = 15.0

# --- Health checks at the end of a run: Spidermon's extension runs newscrawl.monitors.HealthSuite
# --- at spider_closed; a failure exits with status 3 and runs the alert actions below      ---
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.monitors.HealthSuite"]
# Spidermon's stats history (windows and trend): the stats of each scheduled crawl, newest first,
# in <NEWSCRAWL_OUTPUT_DIR>/stats/<spider>_stats_history; 8 days of a run every 10 minutes (the
# trend's 24 h and the 7 days before).
STATS_CLASS = "newscrawl.monitors.StatsHistory"
SPIDERMON_MAX_STORED_STATS = 1200
NEWSCRAWL_HEALTH_ENABLED = True
NEWSCRAWL_HEALTH_MIN_FOUND = 1  # article cards found per crawled edition
NEWSCRAWL_HEALTH_COVERAGE: dict[str, float] = {}  # e.g. {"tags": 0.8}; merged over the defaults
NEWSCRAWL_HEALTH_MAX_ERROR_RATE = 0.05  # failed requests / requests, per edition
NEWSCRAWL_HEALTH_MAX_REJECT_RATE = 0.05  # rejected (not duplicates) / handled, per edition
# Warn levels: logged and listed under health.warnings, the exit status stays 0.
NEWSCRAWL_HEALTH_WARN_ERROR_RATE = 0.02
NEWSCRAWL_HEALTH_WARN_REJECT_RATE = 0.02
# Articles of no known layout (JSON-LD, generic) / exported: warn above this (site changed?),
# judged from this many articles on (else on the window).
NEWSCRAWL_HEALTH_MAX_FALLBACK_SHARE = 0.5
NEWSCRAWL_HEALTH_MIN_FALLBACK_ARTICLES = 10
# Minimum samples: a rate is judged on this run when it has this many articles / requests,
# else on the scheduled crawls of the last NEWSCRAWL_HEALTH_WINDOW_HOURS, else not at all.
NEWSCRAWL_HEALTH_MIN_ARTICLES = 20
NEWSCRAWL_HEALTH_MIN_REQUESTS = 20
NEWSCRAWL_HEALTH_WINDOW_HOURS = 24.0
# Trend: warn when an edition's new articles of the last 24 h fall below this share of the
# median day of the 7 before (judged when that median is at least TREND_MIN_MEDIAN).
NEWSCRAWL_HEALTH_TREND_MIN_SHARE = 0.5
NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN = 20.0
# Holes in the walked feed: a warning while younger than this, a failure after.
NEWSCRAWL_HOLE_MAX_AGE_HOURS = 24.0

# --- Alerts (newscrawl/monitors.py; docs/operations.md "Alerts") ---------------------
# Each action is off until its settings are given: e-mail SPIDERMON_EMAIL_TO + SPIDERMON_SMTP_HOST
# (SPIDERMON_SMTP_PORT/_USER/_PASSWORD/_ENFORCE_TLS/_ENFORCE_SSL, SPIDERMON_EMAIL_SENDER), Slack
# SPIDERMON_SLACK_SENDER_TOKEN + SPIDERMON_SLACK_SENDER_NAME + SPIDERMON_SLACK_RECIPIENTS,
# Telegram SPIDERMON_TELEGRAM_SENDER_TOKEN + SPIDERMON_TELEGRAM_RECIPIENTS, report file
# NEWSCRAWL_ALERT_REPORT_FILE. Each of ALERT_ENV_SETTINGS may also come from the environment
# (the secrets SPIDERMON_SMTP_PASSWORD, SPIDERMON_SLACK_SENDER_TOKEN and
# SPIDERMON_TELEGRAM_SENDER_TOKEN best do: Scrapy never logs them, being no Scrapy settings).
NEWSCRAWL_ALERT_WHEN = "failure"  # "warning": also a run with health warnings; "always"
NEWSCRAWL_ALERT_REPORT_FILE = None  # a path: the JSON report-file action
NEWSCRAWL_ALERT_SMTP_TIMEOUT = 30.0  # seconds for the whole SMTP conversation
# Spidermon's Slack and Telegram actions send the verdict's text (set either to "" for
# Spidermon's own templates).
SPIDERMON_SLACK_MESSAGE = "{{ data.meta.health_text }}"
SPIDERMON_SLACK_INCLUDE_ATTACHMENTS = False
SPIDERMON_TELEGRAM_MESSAGE = "{{ ('```\n' ~ data.meta.health_text ~ '```') | urlencode }}"
ALERT_ENV_SETTINGS = (
    "NEWSCRAWL_ALERT_WHEN",
    "NEWSCRAWL_ALERT_REPORT_FILE",
    "SPIDERMON_EMAIL_TO",
    "SPIDERMON_EMAIL_SENDER",
    "SPIDERMON_EMAIL_SUBJECT",
    "SPIDERMON_SMTP_HOST",
    "SPIDERMON_SMTP_PORT",
    "SPIDERMON_SMTP_USER",
    "SPIDERMON_SMTP_PASSWORD",
    "SPIDERMON_SMTP_ENFORCE_TLS",
    "SPIDERMON_SMTP_ENFORCE_SSL",
    "SPIDERMON_SLACK_SENDER_TOKEN",
    "SPIDERMON_SLACK_SENDER_NAME",
    "SPIDERMON_SLACK_RECIPIENTS",
    "SPIDERMON_TELEGRAM_SENDER_TOKEN",
    "SPIDERMON_TELEGRAM_RECIPIENTS",
)
globals().update({name: os.environ[name] for name in ALERT_ENV_SETTINGS if name in os.environ})

# --- Firewall challenge pages (see newscrawl/middlewares.py) -----------------------
NEWSCRAWL_FIREWALL_RETRIES = 2  # retries of one challenged request, with backoff
NEWSCRAWL_FIREWALL_MAX_IN_ROW = 5  # challenges in a row that stop an edition

# Crawl policy in newscrawl/middlewares.py; three of Scrapy's own are replaced by subclasses.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "newscrawl.middlewares.BackoffRetryMiddleware": 550,
    "newscrawl.middlewares.FirewallMiddleware": 555,
    "newscrawl.middlewares.UnreachableSiteMiddleware": 560,
    "newscrawl.middlewares.SiteMetaRefreshMiddleware": 580,
    "newscrawl.middlewares.SiteRedirectMiddleware": 600,
    "newscrawl.middlewares.DownloaderStats": 850,
    # every response as downloaded, before decompression, redirects and retries (WARC)
    "newscrawl.archive.ArchiveMiddleware": 950,
}

# Scrapy's HTTP/1.1 handler, each request first waiting for its slot of the rate shared across
# nodes (newscrawl/pace.py; without PostgreSQL: Scrapy's handler unchanged)
DOWNLOAD_HANDLERS = {
    "http": "newscrawl.pace.PacedHTTPDownloadHandler",
    "https": "newscrawl.pace.PacedHTTPDownloadHandler",
}

SPIDER_MIDDLEWARES = {
    # the archive record of its page on each article (article.archive)
    "newscrawl.archive.ArchiveRefMiddleware": 950,
}

# One class per concern, in this order (newscrawl/pipelines.py). A reject leaves them as a
# Rejected drop, which the run extension writes to output/rejects/.
ITEM_PIPELINES = {
    "newscrawl.pipelines.RejectsPipeline": 50,
    "newscrawl.pipelines.LimitsPipeline": 75,
    "newscrawl.pipelines.CleanPipeline": 100,
    "newscrawl.pipelines.ValidatePipeline": 200,
    "newscrawl.pipelines.ContentHashPipeline": 300,
    "newscrawl.pipelines.DedupPipeline": 400,
}

EXTENSIONS = {
    # the run: lock, state, recovery, output files, tallies, stats file, exit status
    "newscrawl.run.Run": 100,
    # retries and firewall back-offs wait here, outside the downloader
    "newscrawl.middlewares.DeferredRequests": 150,
    # one polite rate across nodes (PostgreSQL; off without it): the hosts' intervals and slots
    "newscrawl.pace.PaceExtension": 160,
    # the health checks (SPIDERMON_SPIDER_CLOSE_MONITORS) and their alerts
    "spidermon.contrib.scrapy.extensions.Spidermon": 600,
}

# --- Output files (the run extension writes output/<language>/ and output/rejects/; -o, -O,
# --- FEEDS and Scrapyd's items_dir are Scrapy feed exports beside them) --------------------
FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = False
# Drops (unchanged articles, rejects) are counted and written to the rejects file; Scrapy's
# own "Dropped:" line, which prints the whole item, is kept for DEBUG.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# --- Engine -------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("NEWSCRAWL_LOG_LEVEL", "INFO")

# --- `scrapy check report` reads stored pages (see newscrawl/commands/check.py) -----------
SPIDER_CONTRACTS = {"newscrawl.commands.check.FixtureContract": 10}
