"""Downloader middlewares: crawl policy (retries, accounting) kept out of the callbacks."""
