"""The consolidated dataset: the runs' JSON Lines folded into Parquet and one DuckDB file.

``export.export_dataset`` is the entry point (``scrapy export``); ``runs`` finds the run
files, ``manifest`` remembers which were read, ``store`` keeps every line in DuckDB and
defines the ``articles``, ``revisions`` and ``translations`` views, ``parquet`` writes them out.
"""
