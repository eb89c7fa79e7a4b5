"""newscrawl's data products, made after the crawl from its output folder: the dataset
(``dataset``: DuckDB + Parquet), the aligned corpus (``corpus``) and the run report
(``report``, ``charts``); ``commands`` holds ``scrapy export`` and ``scrapy htmlreport``.

Installed with ``pip install -e '.[data]'``; the crawler (``newscrawl``) never imports it.
"""
