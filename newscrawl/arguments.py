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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from scrapy.settings import BaseSettings

from newscrawl.dates import DateError, parse_argument_datetime
from newscrawl.editions import parse_editions
from newscrawl.items import COVERAGE_FIELDS
from newscrawl.urls import SiteUrls

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

    model_config = ConfigDict(extra="forbid", frozen=True)

    editions: list[str] = Field(
        default=["az", "en", "ru"], description="comma list of editions to crawl"
    )
    base_url: str = Field("https://report.az", description="site root; every URL is built from it")
    since: datetime | None = Field(
        None, description="ISO date or datetime (Baku time when no offset): the oldest cards"
    )
    until: datetime | None = Field(
        None, description="ISO date or datetime: with mode=archive the last day to walk"
    )
    max_pages: int = Field(10, description="most feed pages per edition in one run")
    mode: Literal["latest", "archive"] = Field("latest", description="latest feed or a period")
    follow_translations: bool = Field(False, description="also fetch the other editions' versions")
    recheck_hours: float = Field(0.0, description="re-fetch known articles younger than this")

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

    @field_validator("recheck_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> float:
        try:
            number = float(str(value).strip() or 0) if value is not None else 0.0
        except (TypeError, ValueError):
            number = -1.0
        if number != number or number < 0:  # NaN or negative
            raise ArgumentError("recheck_hours", value, "a number of at least 0")
        return number

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

    def as_dict(self) -> dict[str, Any]:
        """The arguments as the stats file shows them (JSON types)."""
        return self.model_dump(mode="json")


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
    and meaning (``docs/arguments.md`` has the long form). ``env``: also read from the
    environment."""

    model_config = ConfigDict(extra="ignore")

    NEWSCRAWL_OUTPUT_DIR: str = Field(
        "output", description="root of the output files", json_schema_extra={"env": True}
    )
    NEWSCRAWL_STATE: str = Field(
        ".newscrawl/state.sqlite",
        description="the state of earlier runs; empty disables it",
        json_schema_extra={"env": True},
    )
    NEWSCRAWL_CONTACT: str = Field(
        "", description="e-mail or URL added to the User-Agent", json_schema_extra={"env": True}
    )
    NEWSCRAWL_ARCHIVE: str | None = Field(
        None,
        description="raw-page archive folder; empty or 0: off",
        json_schema_extra={"env": True},
    )
    NEWSCRAWL_ARCHIVE_MAX_BYTES: Annotated[int, annotated_types.Ge(1)] = Field(
        100 * 1024 * 1024,
        description="start the next archive file past this size",
        json_schema_extra={"env": True},
    )
    NEWSCRAWL_INCREMENTAL_OVERLAP_MINUTES: Seconds = Field(
        30.0, description="overlap with the newest walked range"
    )
    NEWSCRAWL_EDIT_HORIZON_HOURS: Seconds = Field(
        24.0, description="age within which cards are compared with the state"
    )
    NEWSCRAWL_RECHECK_PER_RUN: Count = Field(
        5, description="known articles re-fetched per edition and run"
    )
    NEWSCRAWL_RSS_CROSSCHECK: bool = Field(
        True, description="fetch the RSS once after the top walk"
    )
    NEWSCRAWL_HOLE_PAGES: Count = Field(
        10, description="feed pages per edition and run spent on holes"
    )
    NEWSCRAWL_RUN_DEADLINE_SECONDS: Seconds = Field(
        0.0, description="no more feed pages after this long (0: none)"
    )
    NEWSCRAWL_MIN_BODY_WORDS: Count = Field(5, description="shorter bodies are rejected")
    NEWSCRAWL_RUN_STATS: bool = Field(
        True, description="write the stats file and run the health checks"
    )
    NEWSCRAWL_RETENTION_DAYS: Seconds = Field(
        0.0,
        description="delete stats and rejects files older than this (0: off)",
        json_schema_extra={"env": True},
    )
    NEWSCRAWL_RETRY_BASE_DELAY: Seconds = Field(2.0, description="retry backoff, doubled per retry")
    NEWSCRAWL_RETRY_MAX_DELAY: Seconds = Field(
        120.0, description="longest retry wait (Retry-After capped)"
    )
    NEWSCRAWL_FIREWALL_RETRIES: Count = Field(2, description="retries of one challenged request")
    NEWSCRAWL_FIREWALL_MAX_IN_ROW: Annotated[int, annotated_types.Ge(1)] = Field(
        5, description="challenges in a row that stop an edition"
    )
    NEWSCRAWL_HEALTH_ENABLED: bool = Field(True, description="all health checks")
    NEWSCRAWL_HEALTH_MIN_FOUND: Count = Field(1, description="article cards found per edition")
    NEWSCRAWL_HEALTH_MIN_ARTICLES: Count = Field(
        20, description="smallest sample a share is judged on"
    )
    NEWSCRAWL_HEALTH_MIN_REQUESTS: Count = Field(
        20, description="smallest sample an error rate is judged on"
    )
    NEWSCRAWL_HEALTH_WINDOW_HOURS: Seconds = Field(
        24.0, description="window of runs judged when one run is too small"
    )
    NEWSCRAWL_HEALTH_COVERAGE: dict[str, float] = Field(
        default_factory=dict,
        description="share of articles with each field, merged over the defaults",
    )
    NEWSCRAWL_HEALTH_MAX_ERROR_RATE: Share = Field(
        0.05, description="failed requests / requests (fail)"
    )
    NEWSCRAWL_HEALTH_WARN_ERROR_RATE: Share = Field(
        0.02, description="failed requests / requests (warn)"
    )
    NEWSCRAWL_HEALTH_MAX_REJECT_RATE: Share = Field(
        0.05, description="rejected / handled articles (fail)"
    )
    NEWSCRAWL_HEALTH_WARN_REJECT_RATE: Share = Field(
        0.02, description="rejected / handled articles (warn)"
    )
    NEWSCRAWL_HEALTH_MAX_GENERIC_SHARE: Share = Field(
        0.2, description="articles from the generic extractor (warn)"
    )
    NEWSCRAWL_HEALTH_TREND_MIN_SHARE: Share = Field(
        0.5, description="new in 24 h / median day of the 7 before (warn)"
    )
    NEWSCRAWL_HEALTH_TREND_MIN_MEDIAN: Seconds = Field(
        20.0, description="the trend is judged from this median on"
    )
    NEWSCRAWL_HOLE_MAX_AGE_HOURS: Seconds = Field(
        24.0, description="a hole warns while younger, fails once older"
    )
    NEWSCRAWL_ALERT_WHEN: Literal["failure", "always"] = Field(
        "failure", description="when the alert actions send", json_schema_extra={"env": True}
    )
    NEWSCRAWL_ALERT_REPORT_FILE: str | None = Field(
        None, description="the JSON report-file action's path", json_schema_extra={"env": True}
    )
    NEWSCRAWL_ALERT_SMTP_TIMEOUT: Seconds = Field(
        30.0, description="seconds for the whole SMTP conversation"
    )
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "DEBUG", description="Scrapy's log level (env NEWSCRAWL_LOG_LEVEL)"
    )

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
