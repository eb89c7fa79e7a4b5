"""The run's health checks as Spidermon monitors, and the alerts they send.

``thresholds.py`` holds the limits and the pure per-edition checks, ``edition.py`` the Spidermon
monitors that run them, ``suites.py`` the suite (Spidermon's own finish-reason monitor, the
per-edition monitors, opt-in built-ins, the configured actions) and the way the run summary
runs it, ``verdict.py`` turns Spidermon's result into the ``health`` failures, ``message.py``
words the alert and ``actions.py`` sends it (SMTP e-mail, Slack, Telegram, a report file).
"""
