"""Fault injection for the replica: ``--fault SPEC`` (see README.md, "Faults").

A SPEC is ``KIND`` followed by comma-separated ``key=value`` options, e.g.
``503,path=^/en/[^/]+/[^/]+$,count=2,retry_after=1``. :class:`FaultLayer` wraps the app's
``dispatch``: for each request it takes the first fault (in command-line order) whose
``path``/``edition``/``rate`` select the request, whose kind applies to the page, and whose
``count`` for that path+query is not used up, and answers with that fault; otherwise the page
is served normally. :func:`install` puts the layer on a server and starts the offsite host when
a ``redirect_offsite`` fault needs it.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.site import fault_pages, render
from tests.site.editions import EDITIONS
from tests.site.requestlog import RequestLog
from tests.site.server import (
    HTML,
    JSON,
    Dispatch,
    ReplicaHTTPServer,
    Request,
    Response,
    Wire,
)

OFFSITE_HOST = "127.0.0.2"
NGINX_HTML = "text/html"  # nginx's own error pages carry no charset
CARD_PAGES = ("feed", "scroll", "home", "category", "archive")

#: What a kind needs of the normal answer before it applies: anything, a 200 HTML page, an
#: article page, a page of feed cards, a scroll batch.
ANY, HTML_PAGE, ARTICLE, CARDS, SCROLL = "any", "html", "article", "cards", "scroll"
HOME = "home"


@dataclass(frozen=True)
class KindInfo:
    needs: str
    options: dict[str, str] = field(default_factory=dict)  # kind-specific option -> default


KINDS: dict[str, KindInfo] = {
    "500": KindInfo(ANY),
    "502": KindInfo(ANY),
    "503": KindInfo(ANY, {"retry_after": ""}),
    "429": KindInfo(ANY, {"retry_after": ""}),
    "403": KindInfo(ANY, {"status": "403"}),
    "404": KindInfo(ANY),
    "slow": KindInfo(ANY, {"delay": "10"}),
    "reset": KindInfo(ANY),
    "truncate": KindInfo(ANY),
    "empty": KindInfo(ANY),
    "content_type": KindInfo(ANY, {"type": "application/pdf"}),
    "redirect_chain": KindInfo(ANY, {"hops": "3"}),
    "redirect_loop": KindInfo(ANY),
    "redirect_offsite": KindInfo(ANY),
    "latin1": KindInfo(HTML_PAGE),
    "nocharset": KindInfo(HTML_PAGE),
    "huge": KindInfo(ARTICLE, {"mb": "20"}),
    "markup_change": KindInfo(ARTICLE),
    "bad_timestamp": KindInfo(CARDS),
    "offsite_cards": KindInfo(CARDS),
    "stuck_cursor": KindInfo(SCROLL),
    "no_feed_link": KindInfo(HOME),
}
COMMON_OPTIONS = ("path", "edition", "rate", "count")
_CHAIN = re.compile(r"^/__r/(\d+)(/.*)$")
_LOOP = re.compile(r"^/__loop(/.*)$")
_KEY = re.compile(r"^[a-z_]+$")


@dataclass
class Fault:
    """One parsed ``--fault`` SPEC."""

    index: int
    spec: str
    kind: str
    path: re.Pattern[str] | None = None
    edition: str | None = None
    rate: float = 1.0
    count: int | None = None
    options: dict[str, str] = field(default_factory=dict)

    def number(self, name: str) -> float:
        return float(self.options[name])

    def describe(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "spec": self.spec,
            "kind": self.kind,
            "path": self.path.pattern if self.path else None,
            "edition": self.edition,
            "rate": self.rate,
            "count": self.count,
            "options": dict(self.options),
        }


def parse_spec(spec: str, index: int = 0) -> Fault:
    """Parse ``KIND[,key=value...]``; raises ValueError on an unknown kind/option or bad value.

    A comma not followed by ``word=`` belongs to the previous value, so regexes such as
    ``path=^/en/[^/]{3,}$`` need no escaping; an unknown ``word=`` is an error.
    """
    kind, *pieces = spec.split(",")
    kind = kind.strip()
    info = KINDS.get(kind)
    if info is None:
        raise ValueError(f"unknown fault kind {kind!r} (one of {', '.join(KINDS)})")
    known = (*COMMON_OPTIONS, *info.options)
    raw: dict[str, str] = {}
    last: str | None = None
    for piece in pieces:
        key, sep, value = piece.partition("=")
        key = key.strip()
        if sep and _KEY.match(key):
            if key not in known:
                raise ValueError(
                    f"{spec}: unknown option {key!r} ({kind} takes {', '.join(known)})"
                )
            if key in raw:
                raise ValueError(f"{spec}: option {key!r} given twice")
            raw[key], last = value, key
        elif last is not None:
            raw[last] += "," + piece
        else:
            raise ValueError(f"{spec}: bad option {piece!r} ({kind} takes {', '.join(known)})")
    fault = Fault(index=index, spec=spec, kind=kind)
    fault.options = {name: raw.get(name, default) for name, default in info.options.items()}
    try:
        if "path" in raw:
            fault.path = re.compile(raw["path"])
        if "edition" in raw:
            if raw["edition"] not in EDITIONS:
                raise ValueError(f"edition must be az, en or ru, not {raw['edition']!r}")
            fault.edition = raw["edition"]
        if "rate" in raw:
            fault.rate = float(raw["rate"])
            if not 0 <= fault.rate <= 1:
                raise ValueError("rate must be between 0 and 1")
        if "count" in raw:
            fault.count = int(raw["count"])
            if fault.count < 0:
                raise ValueError("count must be >= 0")
        _check_options(fault)
    except (re.error, ValueError) as exc:
        raise ValueError(f"{spec}: {exc}") from None
    return fault


def _check_options(fault: Fault) -> None:
    opts = fault.options
    if fault.kind == "403" and opts["status"] not in ("403", "200"):
        raise ValueError("status must be 403 or 200")
    for name, low in (("delay", 0.0), ("mb", 0.0)):
        if name in opts and not fault.number(name) >= low:
            raise ValueError(f"{name} must be >= {low}")
    if "hops" in opts and int(opts["hops"]) < 1:
        raise ValueError("hops must be >= 1")
    if "type" in opts and not opts["type"].strip():
        raise ValueError("type must not be empty")


def parse_specs(specs: list[str]) -> list[Fault]:
    return [parse_spec(spec, i) for i, spec in enumerate(specs)]


def edition_of(path: str) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in ("en", "ru") else "az"


def share(index: int, target: str) -> float:
    """A stable number in [0, 1) for (fault index, path+query): ``rate`` keeps those below it."""
    digest = hashlib.sha256(f"{index}\0{target}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def subrequest(req: Request, target: str) -> Request:
    """``req`` addressed to another path+query."""
    split = urlsplit(target)
    return replace(
        req,
        path=unquote(split.path) or "/",
        query=parse_qs(split.query, keep_blank_values=True),
        target=target,
    )


def _redirect(req: Request, status: int, location: str, kind: str) -> Response:
    headers = [("Location", location)]
    return Response(status, fault_pages.nginx_error(status), NGINX_HTML, headers, fault=kind)


def _cut(reset: bool) -> Wire:
    """A writer sending the headers and the first half of the body, then resetting or closing."""

    def wire(sock: socket.socket, head: bytes, body: bytes) -> None:
        sock.sendall(head + body[: len(body) // 2])
        if reset:  # RST instead of FIN: SO_LINGER on with a zero timeout, then close
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()

    return wire


class FaultLayer:
    """``dispatch`` with faults: callable as the server's dispatch."""

    def __init__(self, faults: list[Fault], inner: Dispatch):
        self.faults = faults
        self.inner = inner
        self.offsite_base: str | None = None
        self._lock = threading.Lock()
        self._seen: Counter[tuple[int, str]] = Counter()  # matching requests per fault, path
        self._hits: list[Counter[str]] = [Counter() for _ in faults]
        kinds = {f.kind for f in faults}
        self._chain = "redirect_chain" in kinds
        self._loop = "redirect_loop" in kinds

    @property
    def needs_offsite(self) -> bool:
        return any(f.kind == "redirect_offsite" for f in self.faults)

    # ------------------------------------------------------------------ dispatch
    def __call__(self, req: Request) -> Response:
        target = req.target or req.path
        if req.path == "/__faults__":
            return self._state()
        hop = self._hop(req, target)
        if hop is not None:
            return hop
        normal: list[Response] = []

        def page() -> Response:
            if not normal:
                normal.append(self.inner(req))
            return normal[0]

        for fault in self.faults:
            if not self._selects(fault, req, target):
                continue
            if not self._applies(fault, page):
                continue
            with self._lock:
                seen = self._seen[(fault.index, target)]
                self._seen[(fault.index, target)] += 1
                if fault.count is not None and seen >= fault.count:
                    continue
                self._hits[fault.index][target] += 1
            return self._answer(fault, req, target, page)
        return page()

    def _selects(self, fault: Fault, req: Request, target: str) -> bool:
        control = req.path.startswith("/__") or req.path == "/robots.txt"
        if fault.path is None:
            if control:
                return False
        elif not (fault.path.search(target) or fault.path.search(unquote(target))):
            return False
        if fault.edition is not None and edition_of(req.path) != fault.edition:
            return False
        return fault.rate >= 1 or share(fault.index, target) < fault.rate

    @staticmethod
    def _applies(fault: Fault, page: Callable[[], Response]) -> bool:
        needs = KINDS[fault.kind].needs
        if needs == ANY:
            return True
        resp = page()
        if resp.status != 200:
            return False
        if needs == HTML_PAGE:
            return resp.content_type.startswith("text/html") and bool(resp.body)
        if needs == ARTICLE:
            return resp.page == "article"
        if needs == CARDS:
            return resp.page in CARD_PAGES
        if needs == HOME:
            return resp.page == "home"
        return resp.page == "scroll"

    def _hop(self, req: Request, target: str) -> Response | None:
        """The intermediate URLs of redirect chains and loops (never faulted themselves)."""
        chain = _CHAIN.match(target) if self._chain else None
        if chain is not None:
            left, rest = int(chain.group(1)), chain.group(2)
            if left > 0:
                return _redirect(req, 301, f"{req.base}/__r/{left - 1}{rest}", "redirect_chain")
            return self.inner(subrequest(req, rest))
        loop = _LOOP.match(target) if self._loop else None
        if loop is not None:
            return _redirect(req, 302, req.base + loop.group(1), "redirect_loop")
        return None

    # ------------------------------------------------------------------ answers
    def _answer(
        self, fault: Fault, req: Request, target: str, page: Callable[[], Response]
    ) -> Response:
        kind, opts = fault.kind, fault.options
        if kind in ("500", "502", "503", "429"):
            status = int(kind)
            headers = [("Retry-After", opts["retry_after"])] if opts.get("retry_after") else []
            return Response(
                status, fault_pages.nginx_error(status), NGINX_HTML, headers, fault=kind
            )
        if kind == "403":
            return self._challenge(target, int(opts["status"]))
        if kind == "404":
            body = render.not_found_page(edition_of(req.path)).encode()
            return Response(404, body, HTML, fault=kind)
        if kind == "empty":
            return Response(200, b"", HTML, fault=kind)
        if kind == "content_type":
            body = fault_pages.fake_file(opts["type"], target)
            return Response(200, body, opts["type"], fault=kind)
        if kind == "redirect_chain":
            hops = int(opts["hops"])
            return _redirect(req, 301, f"{req.base}/__r/{hops - 1}{target}", kind)
        if kind == "redirect_loop":
            return _redirect(req, 302, f"{req.base}/__loop{target}", kind)
        if kind == "redirect_offsite":
            return _redirect(req, 301, f"{self.offsite_base}{target}", kind)
        if kind == "stuck_cursor":
            query = {k: v for k, v in req.query.items() if k != "date"}
            stuck = self.inner(replace(req, query=query))
            return replace(stuck, fault=kind)
        resp = replace(page(), fault=kind)
        if kind == "slow":
            resp.delay = fault.number("delay")
        elif kind in ("reset", "truncate"):
            resp.wire = _cut(reset=kind == "reset")
        elif kind == "latin1":
            resp.content_type = "text/html; charset=iso-8859-1"
            resp.body = fault_pages.strip_meta_charset(resp.body)
        elif kind == "nocharset":
            resp.content_type = "text/html"
            resp.body = fault_pages.strip_meta_charset(resp.body)
        elif kind == "huge":
            resp.body = fault_pages.pad(resp.body, int(fault.number("mb") * 1024 * 1024))
        elif kind == "markup_change":
            resp.body = fault_pages.markup_change(resp.body)
        elif kind == "bad_timestamp":
            resp.body = fault_pages.bad_timestamps(resp.body)
        elif kind == "no_feed_link":
            resp.body = fault_pages.no_feed_link(resp.body)
        elif kind == "offsite_cards":
            edition = EDITIONS[edition_of(req.path)]
            category = next(iter(edition.categories))
            resp.body = fault_pages.offsite_cards(resp.body, edition.prefix, category)
        return resp

    @staticmethod
    def _challenge(target: str, status: int) -> Response:
        ray = fault_pages.ray_id(target)
        headers = [
            ("Server", "cloudflare"),
            ("CF-RAY", ray),
            ("cf-mitigated", "challenge"),
            ("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate"),
            ("Expires", "Thu, 01 Jan 1970 00:00:01 GMT"),
            ("X-Frame-Options", "SAMEORIGIN"),
            ("Referrer-Policy", "same-origin"),
        ]
        body = fault_pages.challenge_page(ray)
        return Response(status, body, "text/html; charset=UTF-8", headers, fault="403")

    def _state(self) -> Response:
        with self._lock:
            faults = [
                {
                    **fault.describe(),
                    "hits": sum(self._hits[fault.index].values()),
                    "paths": dict(self._hits[fault.index]),
                }
                for fault in self.faults
            ]
        payload = {"faults": faults, "offsite": self.offsite_base}
        return Response(200, json.dumps(payload).encode(), JSON, [("Cache-Control", "no-store")])


def offsite_dispatch(req: Request) -> Response:
    """The offsite host: 200 and a small page for any path."""
    body = fault_pages.offsite_page(req.headers.get("Host", ""), req.target or req.path)
    return Response(200, body, HTML)


def install(
    server: ReplicaHTTPServer, faults: list[Fault], request_log: RequestLog | None
) -> list[ReplicaHTTPServer]:
    """Wrap ``server.dispatch`` with ``faults``; return the extra (offsite) servers started.

    The offsite host listens on 127.0.0.2, on the main server's port when free, and serves in
    a daemon thread; close it with ``server_close()``.
    """
    server.request_log = request_log
    extra: list[ReplicaHTTPServer] = []
    if not faults:
        return extra
    layer = FaultLayer(faults, server.dispatch)
    server.dispatch = layer
    if layer.needs_offsite:
        port = server.server_address[1]
        try:
            offsite = ReplicaHTTPServer(
                (OFFSITE_HOST, port), offsite_dispatch, "offsite", request_log
            )
        except OSError:
            offsite = ReplicaHTTPServer((OFFSITE_HOST, 0), offsite_dispatch, "offsite", request_log)
        layer.offsite_base = offsite.base_url
        threading.Thread(
            target=offsite.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()
        extra.append(offsite)
    return extra
