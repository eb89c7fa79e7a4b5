"""The spider's arguments and the project's settings, one pydantic model each.

``scrapy crawl report`` (``newscrawl/commands/crawl.py``) checks both before it starts Scrapy,
so a bad value ends the command with one line naming the argument or setting, what was given
and what is expected (exit status 1) instead of a traceback from inside the engine; the spider
builds its :class:`SpiderArguments` again in ``__init__`` for any other way of starting it.
:class:`ProjectSettings` is the one list of the ``NEWSCRAWL_*`` settings with their types,
bounds, defaults and meaning: ``newscrawl/settings.py`` sets the same defaults and
``docs/arguments.md`` documents each one (``tests/test_models.py`` fails when they drift).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic.fields import FieldInfo
from scrapy.settings import BaseSettings

from newscrawl.items import COVERAGE_FIELDS
from newscrawl.site import (
    DateError,
    SiteUrls,
    parse_argument_datetime,
    parse_editions,
    parse_iso,
)

#: Spider arguments Scrapyd adds to every job (``_job`` is the job id).
SCRAPYD_ARGUMENTS = frozenset({"_job"})


class ArgumentError(ValueError):
    """A spider argument or setting with a value that cannot be used; one line."""

    def __init__(self, name: str, given: Any, expected: str) -> None:
        super().__init__(f"{name}: got {given!r}, expected {expected}")
        self.name, self.given, self.expected = name, given, expected


def _whole(name: str, value: Any, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = minimum - 1
    if number < minimum:
        raise ArgumentError(name, value, f"a whole number of at least {minimum}")
    return number


class SpiderArguments(BaseModel):
    """The ``-a NAME=VALUE`` arguments of the ``report`` spider (DESIGN.md, contract)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    editions: list[str] = ["az", "en", "ru"]
    """Comma list of editions to crawl."""
    base_url: str = "https://report.az"
    """Site root; every URL is built from it."""
    since: datetime | None = None
    """ISO date or datetime (Baku time when no offset): stop at cards older than this."""
    until: datetime | None = None
    """ISO date or datetime: with mode=archive the last day to walk."""
    max_pages: int = 10
    """Most feed pages per edition in one run."""
    mode: Literal["latest", "archive"] = "latest"
    """The latest-news feed, or the period from since to until."""
    follow_translations: bool = False
    """Also fetch the other editions' versions of each article."""

    @field_validator("editions", mode="before")
    @classmethod
    def _editions(cls, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        if value is not None and not str(value).strip(" ,"):
            raise ArgumentError("editions", value, "a comma list of az, en, ru (omit it for all)")
        try:
            return [edition.code for edition in parse_editions(value)]
        except ValueError as exc:
            raise ValueError(f"editions: {exc}") from None

    @field_validator("base_url", mode="before")
    @classmethod
    def _base_url(cls, value: Any) -> str:
        try:
            return SiteUrls(str(value)).base_url
        except ValueError:
            raise ArgumentError(
                "base_url", value, "an http(s) URL with a host, e.g. https://report.az"
            ) from None

    @field_validator("since", "until", mode="before")
    @classmethod
    def _moment(cls, value: Any, info: Any) -> datetime | None:
        if value is None or isinstance(value, datetime) or str(value).strip() == "":
            return value or None
        try:
            return parse_argument_datetime(str(value))
        except DateError:
            raise ArgumentError(
                info.field_name,
                value,
                "an ISO date or datetime, e.g. 2025-10-23 or 2025-10-23T20:00",
            ) from None

    @field_validator("max_pages", mode="before")
    @classmethod
    def _max_pages(cls, value: Any) -> int:
        return _whole("max_pages", value, 1)

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str:
        if value not in ("latest", "archive"):
            raise ArgumentError("mode", value, "'latest' or 'archive'")
        return str(value)

    @field_validator("follow_translations", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        text = str(value).strip().lower() if value is not None else "0"
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ArgumentError("follow_translations", value, "0 or 1")

    def model_post_init(self, context: Any) -> None:
        """Cross-checks of ``since``, ``until`` and ``mode``."""
        since, until = self.since, self.until
        if since is not None and until is not None and until < since:
            raise ArgumentError(
                "until", until.isoformat(), f"a time at or after since ({since.isoformat()})"
            )
        if self.mode == "archive":
            if since is None:
                raise ArgumentError(
                    "since", None, "a date with mode=archive, e.g. since=2025-10-01"
                )
            if since > datetime.now(UTC):
                raise ArgumentError("since", since.isoformat(), "a date not in the future")

    @classmethod
    def parse(cls, given: Mapping[str, Any]) -> Self:
        """The arguments from ``-a`` values (Scrapyd's ``_job`` left out); an
        :class:`ArgumentError` (or ValueError) with one line for the first problem."""
        values = {k: v for k, v in given.items() if k not in SCRAPYD_ARGUMENTS}
        unknown = unknown_arguments(values)
        if unknown:
            raise ValueError(unknown[0])
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ValueError(_first_line(exc)) from None


def unknown_arguments(given: Iterable[str]) -> list[str]:
    """One error per argument name the spider does not take."""
    names = sorted(SpiderArguments.model_fields)
    allowed = set(names) | SCRAPYD_ARGUMENTS
    return [
        f"unknown argument {name!r} (-a {name}=...); the report spider takes: {', '.join(names)}"
        for name in given
        if name not in allowed
    ]


def _first_line(exc: ValidationError) -> str:
    error = exc.errors()[0]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    name = ".".join(str(part) for part in error["loc"])
    return f"{name}: got {error.get('input')!r}, expected {error['msg']}"


# -- settings -------------------------------------------------------------------------------
Seconds = Annotated[float, annotated_types.Ge(0)]
Share = Annotated[float, annotated_types.Ge(0), annotated_types.Le(1)]
Count = Annotated[int, annotated_types.Ge(0)]


class ProjectSettings(BaseModel):
    """Every ``NEWSCRAWL_*`` setting: type, bounds, default (as in ``newscrawl/settings.py``)
    and meaning (``docs/arguments.md`` has the long form)."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    NEWSCRAWL_OUTPUT_DIR: str = "output"
    """Root of the output files (env too)."""
    NEWSCRAWL_STATE: str = ".newscrawl/state.sqlite"
    """The state of earlier runs; empty disables it (env too)."""
    NEWSCRAWL_STATE_LOCK_WAIT_SECONDS: Annotated[float, annotated_types.Gt(0)] = 30.0
    """How long a state call waits on a lock another program holds on the state database,
    then the run stops with exit status 75."""
    NEWSCRAWL_STATE_RETRY_SECONDS: Annotated[float, annotated_types.Ge(0)] = 60.0
    """With the state (or the pace) in PostgreSQL: how long a run waits for a server it cannot
    reach (before or during the run); then it stops with one line, exit 1."""
    NEWSCRAWL_UNIT_LEASE_SECONDS: Annotated[float, annotated_types.Gt(0)] = 120.0
    """With the state in PostgreSQL: how long a claimed work unit stays this run's without a
    heartbeat (renewed every third of it); a node silent longer loses the unit to the next
    run that claims it, and its later writes are refused."""
    NEWSCRAWL_WALK_REST_SECONDS: Annotated[float, annotated_types.Ge(0)] = 60.0
    """With the state in PostgreSQL: how long an edition's top walk rests after a run walked
    it before any node's run claims it again (keeps two nodes from walking one feed twice in
    one round)."""
    NEWSCRAWL_NODE: Annotated[str, annotated_types.MaxLen(64)] = ""
    """This machine's name in run ids, output file names and the manifest (env too); empty:
    the host name."""
    NEWSCRAWL_PACE_DSN: str = ""
    """PostgreSQL URL of the rate shared by several nodes (empty: ``NEWSCRAWL_STATE`` when a
    ``postgresql://`` URL, else off; env too)."""
    NEWSCRAWL_CONTACT: str = ""
    """E-mail or URL added to the User-Agent (env too)."""
    NEWSCRAWL_ARCHIVE: str | None = None
    """Raw-page archive folder (default output/archive); empty or 0: off (env too)."""
    NEWSCRAWL_ARCHIVE_MAX_BYTES: Annotated[int, annotated_types.Ge(1)] = 100 * 1024 * 1024
    """Start the next archive file past this size (env too)."""
    NEWSCRAWL_ARCHIVE_LISTINGS: bool = False
    """Archive RSS feeds and sitemaps too (off: nothing extracts them again)."""
    NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES: Seconds = 30.0
    """Overlap with the newest walked range of the feed."""
    NEWSCRAWL_EDIT_HORIZON_HOURS: Seconds = 48.0
    """Articles younger than this are revisited for edits (0: no revisits)."""
    NEWSCRAWL_REVISIT_SHARE: Share = 0.5
    """Revisit when the time since the last fetch exceeds this share of the age."""
    NEWSCRAWL_REVISITS_PER_RUN: Count = 200
    """Most revisits per edition and run (the rest stay due)."""
    NEWSCRAWL_NOW: str = ""
    """The run's clock, ISO 8601 (empty: the system clock; for replicas and replays)."""
    NEWSCRAWL_RSS_CROSSCHECK: bool = True
    """Fetch the RSS once after the top walk."""
    NEWSCRAWL_HOLE_PAGES: Count = 10
    """Feed pages per edition and run spent on holes."""
    NEWSCRAWL_HISTORY_HOURS: Seconds = 48.0
    """How far below the newest card a fresh state reaches (0: no floor)."""
    NEWSCRAWL_MAX_CLOCK_SKEW_MINUTES: Seconds = 60.0
    """How far past now a card's or page's date may lie before it counts as implausible."""
    NEWSCRAWL_URL_FAILURE_RUNS: Count = 3
    """Runs an article may fail in (transiently) before it is given up (0: never)."""
    NEWSCRAWL_RUN_DEADLINE_SECONDS: Seconds = 0.0
    """No more feed pages after this long (0: no deadline)."""
    NEWSCRAWL_MIN_BODY_WORDS: Count = 5
    """Shorter bodies are rejected."""
    NEWSCRAWL_RUN_STATS: bool = True
    """Write the stats file and run the health checks."""
    NEWSCRAWL_MAX_PAGE_BYTES: Annotated[int, annotated_types.Ge(1)] = 2 * 1024 * 1024
    """An HTML page (article, feed, home) over this many bytes is not parsed."""
    NEWSCRAWL_MAX_TITLE_CHARS: Annotated[int, annotated_types.Ge(1)] = 1000
    """Longest title (and category, dateline, raw date); longer: an over_limit reject."""
    NEWSCRAWL_MAX_LEAD_CHARS: Annotated[int, annotated_types.Ge(1)] = 5000
    """Longest lead; longer: an over_limit reject (an image caption: dropped)."""
    NEWSCRAWL_MAX_BODY_CHARS: Annotated[int, annotated_types.Ge(1)] = 200_000
    """Longest body; longer: an over_limit reject."""
    NEWSCRAWL_MAX_TAGS: Count = 50
    """Most tags kept per article (the rest cut, with a warning)."""
    NEWSCRAWL_MAX_TAG_CHARS: Annotated[int, annotated_types.Ge(1)] = 200
    """A longer tag is dropped, with a warning."""
    NEWSCRAWL_MAX_IMAGES: Count = 50
    """Most images kept per article (the rest cut, with a warning)."""
    NEWSCRAWL_MAX_LISTING_LINKS: Count = 1000
    """Most article links taken from RSS feeds and sitemaps per edition and run."""
    NEWSCRAWL_ROBOTS_MAX_BYTES: Annotated[int, annotated_types.Ge(1)] = 512_000
    """Only this much of robots.txt is parsed (RFC 9309: at least 500 KiB)."""
    NEWSCRAWL_RETENTION_DAYS: Seconds = 0.0
    """Delete stats and rejects files older than this (0: off; env too)."""
    NEWSCRAWL_STATS_RETENTION_DAYS: Seconds | None = None
    """Delete stats files older than this (unset: NEWSCRAWL_RETENTION_DAYS; 0: off; env too)."""
    NEWSCRAWL_REJECTS_RETENTION_DAYS: Seconds | None = None
    """Delete rejects files older than this (unset: NEWSCRAWL_RETENTION_DAYS; 0: off; env too)."""
    NEWSCRAWL_ARCHIVE_RETENTION_DAYS: Seconds = 0.0
    """Delete archive days older than this (0: keep all, reparse reads them; env too)."""
    NEWSCRAWL_RETRY_BASE_DELAY: Seconds = 2.0
    """Retry backoff in seconds, doubled per retry."""
    NEWSCRAWL_RETRY_MAX_DELAY: Seconds = 120.0
    """Longest retry wait (a longer Retry-After is capped)."""
    NEWSCRAWL_UNREACHABLE_ATTEMPTS: Count = 3
    """Failures reaching no server, before any answer, that stop the run's requests (0: off)."""
    NEWSCRAWL_ROBOTS_TIMEOUT: Annotated[float, annotated_types.Gt(0)] = 15.0
    """Timeout of the robots.txt request (no answer: complete disallow for the run)."""
    NEWSCRAWL_FIREWALL_RETRIES: Count = 2
    """Retries of one challenged request."""
    NEWSCRAWL_FIREWALL_MAX_IN_ROW: Annotated[int, annotated_types.Ge(1)] = 5
    """Challenge pages in a row that stop an edition."""
    NEWSCRAWL_HEALTH_ENABLED: bool = True
    """All health checks."""
    NEWSCRAWL_HEALTH_MIN_FOUND: Count = 1
    """Article cards found per edition."""
    NEWSCRAWL_HEALTH_MIN_ARTICLES: Count = 20
    """Smallest sample a share is judged on."""
    NEWSCRAWL_HEALTH_MIN_REQUESTS: Count = 20
    """Smallest sample an error rate is judged on."""
    NEWSCRAWL_HEALTH_WINDOW_HOURS: Seconds = 24.0
    """The window of runs judged when one run is too small a sample."""
    NEWSCRAWL_HEALTH_COVERAGE: dict[str, float] = {}
    """Share of articles with each field, merged over the defaults."""
    NEWSCRAWL_HEALTH_MAX_ERROR_RATE: Share = 0.05
    """Failed requests / requests (fail)."""
    NEWSCRAWL_HEALTH_WARN_ERROR_RATE: Share = 0.02
    """Failed requests / requests (warn)."""
    NEWSCRAWL_HEALTH_MAX_REJECT_RATE: Share = 0.05
    """Rejected / handled articles (fail)."""
    NEWSCRAWL_HEALTH_WARN_REJECT_RATE: Share = 0.02
    """Rejected / handled articles (warn)."""
    NEWSCRAWL_HEALTH_MAX_FALLBACK_SHARE: Share = 0.5
    """Articles of no known layout, JSON-LD or generic (warn: site changed?)."""
    NEWSCRAWL_HEALTH_MIN_FALLBACK_ARTICLES: Count = 10
    """Smallest sample the fallback share is judged on."""
    NEWSCRAWL_HEALTH_TREND_MIN_SHARE: Share = 0.5
    """New in 24 h / the median day of the 7 before (warn)."""
    NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN: Seconds = 20.0
    """The trend is judged from this median on."""
    NEWSCRAWL_HOLE_MAX_AGE_HOURS: Seconds = 24.0
    """A hole warns while younger, fails once older."""
    NEWSCRAWL_ALERT_WHEN: Literal["failure", "warning", "always"] = "failure"
    """When the alert actions send (env too)."""
    NEWSCRAWL_ALERT_REPORT_FILE: str | None = None
    """The JSON report-file action's path (env too)."""
    NEWSCRAWL_ALERT_SMTP_TIMEOUT: Seconds = 30.0
    """Seconds for the whole SMTP conversation."""
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "DEBUG"
    """Scrapy's log level (env NEWSCRAWL_LOG_LEVEL)."""

    @field_validator("NEWSCRAWL_NOW", mode="before")
    @classmethod
    def _now(cls, value: Any) -> str:
        text = str(value or "").strip()
        if text:
            try:
                parse_iso(text)
            except DateError:
                raise ArgumentError(
                    "NEWSCRAWL_NOW", value, "an ISO datetime, e.g. 2025-10-23T21:00:00+04:00"
                ) from None
        return text

    @field_validator("NEWSCRAWL_PACE_DSN", mode="before")
    @classmethod
    def _pace_dsn(cls, value: Any) -> str:
        text = str(value or "").strip()
        if text and not text.startswith(("postgresql://", "postgres://")):
            raise ArgumentError(
                "NEWSCRAWL_PACE_DSN", value, "a postgresql:// URL, e.g. postgresql://host/db"
            )
        return text

    @field_validator("NEWSCRAWL_HEALTH_COVERAGE", mode="before")
    @classmethod
    def _coverage(cls, value: Any) -> dict[str, float]:
        name = "NEWSCRAWL_HEALTH_COVERAGE"
        if isinstance(value, str):
            try:
                value = BaseSettings({name: value}).getdict(name)
            except ValueError:
                raise ArgumentError(name, value, 'a JSON object, e.g. {"tags": 0.8}') from None
        if not isinstance(value, Mapping):
            raise ArgumentError(name, value, 'a JSON object, e.g. {"tags": 0.8}')
        for key, share in value.items():
            if key not in COVERAGE_FIELDS:
                raise ArgumentError(f"{name} key", key, f"one of {', '.join(COVERAGE_FIELDS)}")
            try:
                number = float(share)
            except (TypeError, ValueError):
                number = -1.0
            if not 0 <= number <= 1:
                raise ArgumentError(f"{name}[{key!r}]", share, "a share from 0 to 1")
        return {key: float(share) for key, share in value.items()}

    @classmethod
    def of(cls, settings: BaseSettings) -> Self:
        """The ``NEWSCRAWL_*`` settings as Scrapy's ``settings`` hold them (unset: the default;
        a value the project cannot use raises, as :meth:`errors` says it)."""
        given = {
            name: value
            for name in cls.model_fields
            if name.startswith("NEWSCRAWL_") and (value := settings.get(name)) is not None
        }
        return cls.model_validate(given)

    @classmethod
    def errors(cls, settings: BaseSettings) -> list[str]:
        """One line per setting whose value the project cannot use."""
        lines: list[str] = []
        for name, field in cls.model_fields.items():
            raw = settings.get(name)
            if raw is None:
                continue
            try:
                cls.__pydantic_validator__.validate_assignment(cls.model_construct(), name, raw)
            except ValidationError as exc:
                cause = (exc.errors()[0].get("ctx") or {}).get("error")
                if isinstance(cause, ArgumentError):
                    lines.append(str(cause))
                else:
                    lines.append(str(ArgumentError(name, raw, expected(field))))
        return lines


def expected(field: FieldInfo) -> str:
    """What a setting accepts, in words (from its annotation and bounds)."""
    kind: Any = field.annotation
    if get_origin(kind) is Literal:
        return " or ".join(str(choice) for choice in get_args(kind))
    if kind is bool:
        return "True or False (1 or 0)"
    what = {int: "a whole number", float: "a number"}.get(kind, "a text")
    bounds = []
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            bounds.append(f"at least {item.ge:g}")
        elif isinstance(item, annotated_types.Le):
            bounds.append(f"at most {item.le:g}")
    return " ".join([what, " and ".join(bounds)]).strip()
