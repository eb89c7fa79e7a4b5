"""The aligned corpus: document pairs and triples of the same story in az, en and ru.

``align`` finds them from the dataset's translation links, ``script``, ``ratio`` and
``duplicates`` are the quality filters, ``build`` writes ``output/corpus/`` and its report.
"""
