"""The state of earlier runs (one SQLite file, ``NEWSCRAWL_STATE``) and what reads it.

- :mod:`.store`: the store itself (articles by canonical URL, and named marks);
- :mod:`.lock`: the lock that keeps two runs over one state apart;
- :mod:`.recovery`: folding a killed run's written lines into the store;
- :mod:`.incremental`: what an incremental run may skip, and the feed walk marks.

The run's life over all of this (lock, open, recover, marks, close) is the Scrapy extension
:class:`newscrawl.extensions.state.CrawlState`.
"""

from newscrawl.state.store import StateStore, StoredArticle

__all__ = ["StateStore", "StoredArticle"]
