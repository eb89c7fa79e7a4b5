"""``scrapy canary``: a quick, polite look at the live site before a real crawl.

``observe.py`` holds what was seen of each edition; ``spider.py`` gathers it with the
``report`` spider's own discovery (home page -> feed link or fallback path -> one scroll batch
-> the newest articles), through Scrapy's downloader, so robots.txt, the User-Agent, delays
and retries apply as in a crawl; ``checks.py`` turns it into verdicts and the table;
``fixtures.py`` keeps the pages as candidate test fixtures. It writes no output, no stats and
no state.
"""
