"""Local replica of report.az for tests, the demo and benchmarks (``python -m tests.site``).

See ``tests/site/README.md`` for options, endpoints and the list of special pages.
"""
