"""HTTP side of the replica: one ``dispatch(Request) -> Response`` function and a stdlib server.

Every request goes through :meth:`ReplicaApp.dispatch`; the HTTP server calls whatever
callable is in ``server.dispatch``, so the fault layer (``faults.py``: 503, 403 challenge,
truncated bodies, wrong charset, redirects) wraps it without touching routing. A
:class:`Response` may carry a delay and its own ``wire`` writer (connection reset, short body);
``server.request_log`` (``requestlog.py``) records every answer when set.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import socket
import struct
import sys
import threading
import time
import traceback
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.site import dates, render
from tests.site.content import Site
from tests.site.editions import EDITIONS, ORDER
from tests.site.lru import LRU
from tests.site.model import Article
from tests.site.mutate import Mutator, mutated_truth
from tests.site.requestlog import RequestLog

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
_ARCHIVE_DAY = re.compile(r"^\d{4}$")


@dataclass
class Request:
    """What the dispatcher needs of an HTTP request."""

    method: str
    path: str  # decoded path, no query
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    base: str  # scheme://host[:port] the client addressed
    target: str = ""  # path and query as sent (not decoded), e.g. "/en/infinity/index?date=..."

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


#: Writes an answer its own way (socket, header bytes, body bytes); the connection is closed after.
Wire = Callable[[socket.socket, bytes, bytes], None]


@dataclass
class Response:
    """Status, body and headers of an answer.

    ``page`` names the route that made it (``article``, ``feed``, ``scroll``, ... or ``""``);
    the other fields are set by the fault layer only: ``fault`` (its kind, for the request
    log), ``delay`` (seconds to wait before answering) and ``wire`` (a writer replacing the
    normal one). Cached responses are shared: copy (``dataclasses.replace``), never mutate.
    """

    status: int
    body: bytes
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    page: str = ""
    fault: str | None = None
    delay: float = 0.0
    wire: Wire | None = None


Dispatch = Callable[[Request], Response]


def conditional(req: Request, page: Response, content: bytes, modified: int) -> Response:
    """An article page with its validators, as a CMS sends them for the article it shows (the
    page's latest-news list changes all the time, the article does not): ``ETag`` a hash of
    its ``content`` (headline and body) and last change, ``Last-Modified`` its last change
    (publication, edit, a translation appearing); or ``304 Not Modified`` when the request's
    ``If-None-Match`` names that ETag (or, without one, its ``If-Modified-Since`` is not older
    than the last change)."""
    digest = hashlib.sha256(content + b"\0" + str(modified).encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    headers = [*page.headers, ("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True))]
    matches = req.headers.get("If-None-Match")
    since = req.headers.get("If-Modified-Since")
    if matches is not None:
        fresh = etag in [tag.strip() for tag in matches.split(",")] or matches.strip() == "*"
    elif since is not None:
        try:
            fresh = parsedate_to_datetime(since).timestamp() >= modified
        except (TypeError, ValueError):
            fresh = False
    else:
        fresh = False
    if fresh:
        return replace(page, status=304, body=b"", headers=headers)
    return replace(page, headers=headers)


class ReplicaApp:
    """Routing and page cache over a :class:`Site`, with the server's simulated clock."""

    def __init__(self, site: Site, page_cache: int = 2048, mutator: Mutator | None = None):
        self.site = site
        self.mutator = mutator  # --mutate: article pages re-marked (mutate.py); None: off
        self._now = site.now
        self._lock = threading.Lock()
        self.pages: LRU[Response] = LRU(page_cache)

    # ------------------------------------------------------------------ clock
    @property
    def now(self) -> int:
        with self._lock:
            return self._now

    def set_now(self, ts: int) -> None:
        with self._lock:
            self._now = ts

    # ------------------------------------------------------------------ dispatch
    def dispatch(self, req: Request) -> Response:
        """Answer one request (the single entry point a fault layer wraps)."""
        if req.method not in ("GET", "HEAD"):
            return Response(405, b"method not allowed\n", TEXT, [("Allow", "GET, HEAD")])
        now = self.now
        path = req.path
        if path == "/robots.txt":
            return Response(200, render.robots(req.base).encode(), TEXT)
        if path == "/__clock__":
            return self._clock(req)
        if path == "/__truth__.json":
            return self._truth(req, now)
        if path == "/news-sitemap.xml":
            return self._cached(
                ("sitemap", "az"),
                req,
                now,
                XML,
                lambda: render.news_sitemap(self.site, "az", now, req.base),
            )

        parts = [p for p in path.split("/") if p]
        ed = "az"
        if parts and parts[0] in ("en", "ru", "az"):
            ed = parts.pop(0)
        return self._edition_route(req, now, ed, parts)

    def _edition_route(self, req: Request, now: int, ed: str, parts: list[str]) -> Response:
        edition = EDITIONS[ed]
        site = self.site
        base = req.base
        if not parts:
            return self._cached(
                ("home", ed), req, now, HTML, lambda: render.home_page(site, ed, now, base)
            )
        feed = edition.feed_path.rstrip("/").rsplit("/", 1)[-1]
        if parts == [feed]:
            return self._cached(
                ("feed", ed), req, now, HTML, lambda: render.feed_page(site, ed, now)
            )
        if parts == ["infinity", "index"]:
            cursor_text = req.param("date")
            cursor = dates.parse_timestamp(cursor_text) if cursor_text else None
            if cursor_text and cursor is None:
                return Response(400, b"", HTML)
            return self._cached(
                ("scroll", ed, cursor),
                req,
                now,
                HTML,
                lambda: render.scroll_fragment(site, ed, now, cursor),
            )
        if parts == ["rss"]:
            return self._cached(("rss", ed), req, now, RSS, lambda: render.rss(site, ed, now, base))
        if parts == ["news-sitemap.xml"]:
            return self._cached(
                ("sitemap", ed), req, now, XML, lambda: render.news_sitemap(site, ed, now, base)
            )
        if len(parts) == 4 and parts[0] == "archive" and _ARCHIVE_DAY.match(parts[1]):
            return self._archive(req, now, ed, parts[1:])
        if len(parts) == 3 and parts[0] == "amp" and ed in ("en", "ru"):
            amp = site.find(ed, parts[1], parts[2], now)
            if amp is not None:
                return self._cached(
                    ("amp", amp.aid), req, now, HTML, lambda: render.amp_page(site, amp, now, base)
                )
        if len(parts) == 2:  # any category: a real article's may be missing from the table
            art = site.find(ed, parts[0], parts[1], now)
            if art is not None:
                page = self._cached(
                    ("article", art.aid),
                    req,
                    now,
                    HTML,
                    lambda: self._article_page(art, now, base),
                )
                view = site.view(art, now)
                content = "\n".join([view.title, *view.body.paragraphs]).encode()
                return conditional(req, page, content, site.modified(art, now))
        if len(parts) == 1 and parts[0] in edition.categories:
            cat = parts[0]
            return self._cached(
                ("category", ed, cat), req, now, HTML, lambda: self._category(ed, cat, now)
            )
        return Response(404, render.not_found_page(ed).encode())

    def _cached(
        self,
        key: tuple[Any, ...],
        req: Request,
        now: int,
        content_type: str,
        make: Callable[[], str],
    ) -> Response:
        full_key = (*key, req.base, self.site.state_key(now))
        return self.pages.get_or_make(
            full_key, lambda: Response(200, make().encode(), content_type, page=key[0])
        )

    def _article_page(self, art: Article, now: int, base: str) -> str:
        html = render.article_page(self.site, art, now, base)
        if self.mutator is None:
            return html
        return self.mutator.apply(self.site, art, now, html)

    def _category(self, ed: str, cat: str, now: int) -> str:
        pubs, arts = self.site.index[ed].by_cat.get(cat, ([], []))
        end = bisect_right(pubs, now)
        shown = arts[max(0, end - render.FEED_SIZE) : end][::-1]
        return render.listing_page(self.site, ed, EDITIONS[ed].categories[cat], shown, now)

    def _archive(self, req: Request, now: int, ed: str, ymd: list[str]) -> Response:
        try:
            start, end = dates.day_bounds(int(ymd[0]), int(ymd[1]), int(ymd[2]))
        except ValueError:
            return Response(404, render.not_found_page(ed).encode())
        index = self.site.index[ed]

        def make() -> str:
            lo = bisect_left(index.pubs, start)
            hi = bisect_right(index.pubs, min(end, now))
            arts = index.arts[max(lo, hi - render.ARCHIVE_SIZE) : hi][::-1]  # the latest only
            return render.listing_page(self.site, ed, "-".join(ymd), arts, now)

        return self._cached(("archive", ed, start), req, now, HTML, make)

    # ------------------------------------------------------------------ control endpoints
    def _clock(self, req: Request) -> Response:
        try:
            if req.param("now"):
                self.set_now(dates.parse_iso(req.param("now") or ""))
            elif req.param("advance_minutes"):
                self.set_now(self.now + int(float(req.param("advance_minutes") or 0) * 60))
        except ValueError as exc:
            return Response(400, json.dumps({"error": str(exc)}).encode(), JSON)
        now = self.now
        payload = {
            "now": dates.iso(now),
            "visible": {ed: self.site.index[ed].visible(now) for ed in ORDER},
        }
        return Response(200, json.dumps(payload).encode(), JSON, [("Cache-Control", "no-store")])

    def _truth(self, req: Request, now: int) -> Response:
        edition = req.param("edition")
        if edition is not None and edition not in EDITIONS:
            return Response(400, b'{"error": "unknown edition"}', JSON)
        at = dates.parse_iso(req.param("now") or "") if req.param("now") else now
        items = self.site.truth(req.base, now=at, edition=edition)
        if self.mutator is not None:
            for item in items:
                mutated_truth(self.site, self.mutator, item, at)
        body = json.dumps(items, ensure_ascii=False).encode()
        return Response(200, body, JSON, [("Cache-Control", "no-store")])


class ReplicaHTTPServer(ThreadingHTTPServer):
    """Threaded HTTP/1.1 server; ``dispatch`` is the request function (wrap it for faults)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self,
        address: tuple[str, int],
        dispatch: Dispatch,
        listener: str = "main",
        request_log: RequestLog | None = None,
    ):
        super().__init__(address, Handler)
        self.dispatch = dispatch
        self.listener = listener  # name in the request log ("main", "offsite")
        self.request_log = request_log

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"


#: Linux's SO_TIMESTAMPNS (Python names no constant): the kernel stamps each received segment.
SO_TIMESTAMPNS = 35 if sys.platform.startswith("linux") else None


class ArrivalReader(io.RawIOBase):
    """The connection's reads, noting when the kernel received the bytes of the latest one
    (``arrived``, seconds since the epoch): a request's arrival, however long the server's
    threads took to get to it (a loaded machine). None where the kernel does not tell."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self.connection = connection
        self.arrived: float | None = None
        self.stamped = SO_TIMESTAMPNS is not None
        if SO_TIMESTAMPNS is not None:
            try:
                connection.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            except OSError:
                self.stamped = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.stamped:
            return self.connection.recv_into(buffer)
        size, ancillary, _flags, _address = self.connection.recvmsg_into(
            [buffer], socket.CMSG_SPACE(16)
        )
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
                seconds, nanoseconds = struct.unpack("qq", data[:16])
                self.arrived = seconds + nanoseconds / 1e9
        return size


class Handler(BaseHTTPRequestHandler):
    """Turns HTTP into :class:`Request` and writes the :class:`Response` in one send."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    disable_nagle_algorithm = True
    server: ReplicaHTTPServer
    arrivals: ArrivalReader | None = None

    def setup(self) -> None:
        super().setup()
        if self.server.request_log is not None:  # the log notes when each request arrived
            self.arrivals = ArrivalReader(self.connection)
            self.rfile = io.BufferedReader(self.arrivals)

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_POST(self) -> None:
        self._handle(head=False)

    def _handle(self, head: bool) -> None:
        received = datetime.now(UTC)  # before the page is made (the log's "time" is after)
        if self.arrivals is not None and self.arrivals.arrived is not None:
            received = datetime.fromtimestamp(self.arrivals.arrived, UTC)  # by the kernel
        split = urlsplit(self.path)
        host = self.headers.get("Host")
        base = f"http://{host}" if host else self.server.base_url
        req = Request(
            method=self.command,
            path=unquote(split.path) or "/",
            query=parse_qs(split.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            base=base,
            target=(split.path or "/") + (f"?{split.query}" if split.query else ""),
        )
        try:
            resp = self.server.dispatch(req)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            resp = Response(500, b"internal error\n", TEXT)
        log = self.server.request_log
        if log is not None:  # before answering: a client that got the answer finds its line
            log.write(
                host=host,
                listener=self.server.listener,
                method=self.command,
                path=req.target,
                status=resp.status,
                fault=resp.fault,
                user_agent=self.headers.get("User-Agent"),
                received=received,
            )
        if resp.delay > 0:
            time.sleep(resp.delay)
        self._write(resp, head)

    def _write(self, resp: Response, head: bool) -> None:
        try:
            reason = HTTPStatus(resp.status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.1 {resp.status} {reason}",
            f"Date: {self.date_time_string()}",
        ]
        if not any(name.lower() == "server" for name, _ in resp.headers):
            lines.append(f"Server: {self.server_version}")
        lines += [
            f"Content-Type: {resp.content_type}",
            f"Content-Length: {len(resp.body)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in resp.headers)
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            if resp.wire is not None:
                self.close_connection = True
                resp.wire(self.connection, data, b"" if head else resp.body)
            else:
                self.wfile.write(data if head else data + resp.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no access log on stderr."""


def make_server(
    site: Site, host: str = "127.0.0.1", port: int = 0, mutator: Mutator | None = None
) -> tuple[ReplicaHTTPServer, ReplicaApp]:
    """A server bound to ``host:port`` (0 = any free port) answering with a new app over ``site``
    (``mutator``: the ``--mutate`` mode, off when None)."""
    app = ReplicaApp(site, mutator=mutator)
    server = ReplicaHTTPServer((host, port), app.dispatch)
    return server, app
