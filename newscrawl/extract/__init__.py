"""Pure extraction: HTML in, fields out. One module per page type; nothing here imports Scrapy."""
