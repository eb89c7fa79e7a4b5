"""The performance benchmark (``make bench``, ``python -m tests.bench --articles 1000 20000``).

Starts the local replica, crawls it with a do-nothing baseline spider and with the real
``scrapy crawl report``, times the article extractor beside trafilatura, and writes
``docs/benchmarks.md``. See that file for the figures and what limits them.
"""
