"""``scrapy reparse``: the archived pages extracted again with the current code, offline.

``select.py`` picks the records (the latest page of each article in the chosen runs, dates
and editions, and the feed cards that led to them); ``spider.py`` is the ``report`` spider's
article code run over them, its requests answered from the archive by
:class:`~newscrawl.middlewares.replay.ReplayMiddleware`. The items go through the same
pipelines and feeds as a crawl; the state pipeline writes a new revision only where the
record changed (``revision_reason: "reparse"``).
"""
