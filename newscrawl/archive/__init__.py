"""The raw-page archive: every response the crawl reads, kept as it came, in WARC files.

``writer.py`` turns a Scrapy request/response pair into WARC records (ISO 28500, one gzip
member per record, appended and flushed at once) and rotates the files by size;
``reader.py`` reads them back with warcio's ``ArchiveIterator``, a record at a known offset
or a whole file, tolerating a torn last record; ``location.py`` says where the files live and
what they are called. The downloader middleware that writes them is
:mod:`newscrawl.middlewares.archive`; ``scrapy reparse`` replays them
(:mod:`newscrawl.middlewares.replay`).
"""
