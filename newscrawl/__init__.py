"""newscrawl: a Scrapy crawler for the three editions of report.az."""
