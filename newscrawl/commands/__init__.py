"""Project commands: ``crawl`` is Scrapy's, with an exit status that reports the run's health."""
