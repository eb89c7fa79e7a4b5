"""Fault injection of the local replica (tests/site/faults.py): every kind, count/rate, the log."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import lxml.html
import pytest

from tests.site import faults
from tests.site.harness import ReplicaServer

ARTICLES = 30
ARTICLE = (
    "/en/other-countries/zelenskyy-and-macron-discuss-defense-cooperation-and-support-for-ukraine"
)
ARTICLE_2019 = "/en/finance/azerbaijans-non-oil-exports-increase-by-12/"
ARTICLE_OLDEST = "/en/foreign-politics/azerbaijan-and-uzbekistan-sign-memorandum-on-tourism"
FEED = "/en/news-feed"
SCROLL = "/en/infinity/index"
META_CHARSET = b'<meta charset="utf-8">\n'


@dataclass
class Raw:
    """One answer read off a raw socket."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    reset: bool  # the connection ended with a reset instead of a clean close

    @property
    def length(self) -> int:
        return int(self.headers["content-length"])


def raw_get(base: str, path: str, timeout: float = 10, user_agent: str = "faults-test") -> Raw:
    """``GET path`` on a fresh connection, reading until the server closes or resets it."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {user_agent}\r\n"
        "Connection: close\r\n\r\n"
    )
    sock.sendall(request.encode())
    data, reset = b"", False
    try:
        while chunk := sock.recv(1 << 20):
            data += chunk
    except ConnectionResetError:
        reset = True
    finally:
        sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Raw(int(lines[0].split()[1]), headers, body, reset)


def no_redirect(base: str, path: str) -> Raw:
    return raw_get(base, path)


@contextmanager
def replica(*specs: str, log: Path | None = None) -> Iterator[ReplicaServer]:
    with ReplicaServer(articles=ARTICLES, seed=2, faults=list(specs), request_log=log) as server:
        yield server


def article_paths(server: ReplicaServer, edition: str = "en") -> list[str]:
    return [urlsplit(item["url"]).path for item in server.truth(edition=edition)]


def card_stamps(body: bytes) -> list[str]:
    doc = lxml.html.fromstring(body)
    return [str(v) for v in doc.xpath("//div[contains(@class,'index-post-block')]/@data-timestamp")]


def valid(stamp: str) -> bool:
    try:
        datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def card_hrefs(body: bytes) -> list[str]:
    doc = lxml.html.fromstring(body)
    return [str(v) for v in doc.xpath("//div[contains(@class,'index-post-block')]//a/@href")]


# --------------------------------------------------------------------------- SPEC parsing
def test_spec_parsing() -> None:
    fault = faults.parse_spec("503,path=^/en/[^/]+/[^/]{3,}$,count=2,retry_after=1", 4)
    assert fault.kind == "503" and fault.index == 4 and fault.count == 2
    assert fault.path is not None and fault.path.pattern == "^/en/[^/]+/[^/]{3,}$"
    assert fault.options == {"retry_after": "1"} and fault.rate == 1.0
    assert faults.parse_spec("slow").options == {"delay": "10"}
    assert faults.parse_spec("huge,edition=ru,rate=0.25").options == {"mb": "20"}
    assert faults.parse_spec("content_type,type=text/plain; charset=utf-8").options == {
        "type": "text/plain; charset=utf-8"
    }
    for bad in (
        "bogus",
        "503,retry=1",
        "500,retry_after=1",
        "503,rate=2",
        "503,count=-1",
        "503,edition=de",
        "503,path=(",
        "403,status=500",
        "redirect_chain,hops=0",
        "503,count=1,count=2",
        "503,=1",
    ):
        with pytest.raises(ValueError):
            faults.parse_spec(bad)
    # rate: a stable share per (fault index, path+query)
    assert faults.share(0, "/en/") == faults.share(0, "/en/")
    assert faults.share(0, "/en/") != faults.share(1, "/en/")
    assert 0 <= faults.share(3, "/x?y=1") < 1


def test_bad_spec_fails_at_start() -> None:
    with pytest.raises(RuntimeError, match="failed to start"):
        ReplicaServer(articles=ARTICLES, faults=["503,retry=1"]).start()


# --------------------------------------------------------------------------- status kinds
@pytest.mark.parametrize(
    ("kind", "status", "title"),
    [
        ("500", 500, "500 Internal Server Error"),
        ("502", 502, "502 Bad Gateway"),
        ("503,retry_after=7", 503, "503 Service Temporarily Unavailable"),
        ("429,retry_after=30", 429, "429 Too Many Requests"),
    ],
)
def test_error_status(kind: str, status: int, title: str, tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with replica(kind, log=log) as server:
        answer = raw_get(server.base_url, ARTICLE)
        assert answer.status == status
        assert answer.headers["content-type"] == "text/html"
        assert answer.headers["server"] == "nginx"
        assert f"<title>{title}</title>".encode() in answer.body
        assert answer.length == len(answer.body)
        retry = kind.partition("retry_after=")[2] or None
        assert answer.headers.get("retry-after") == retry
        assert raw_get(server.base_url, "/en/").status == status
        # control paths and robots.txt are never faulted without an explicit path=
        assert raw_get(server.base_url, "/robots.txt").status == 200
        assert raw_get(server.base_url, "/__clock__").status == 200
        lines = server.requests()
    assert [(line["path"], line["status"], line["fault"]) for line in lines] == [
        (ARTICLE, status, kind.split(",")[0]),
        ("/en/", status, kind.split(",")[0]),
        ("/robots.txt", 200, None),
        ("/__clock__", 200, None),
    ]


def test_count_clears_per_path_and_request_log(tmp_path: Path) -> None:
    log = tmp_path / "log" / "requests.jsonl"
    spec = "503,path=^/en/[^/]+/[^/]+$,count=2,retry_after=1"
    with replica(spec, log=log) as server:
        other = next(p for p in article_paths(server) if p != ARTICLE)
        az_article = article_paths(server, "az")[0]
        statuses = [raw_get(server.base_url, ARTICLE).status for _ in range(4)]
        assert statuses == [503, 503, 200, 200]
        assert raw_get(server.base_url, other).status == 503  # its own count
        assert raw_get(server.base_url, other + "?utm_source=feed").status == 503  # path+query
        assert raw_get(server.base_url, "/en/").status == 200  # not matched by path=
        assert raw_get(server.base_url, az_article).status == 200  # not matched by path=
        state = server.fault_state()
        lines = server.requests()
    assert state["offsite"] is None
    (entry,) = state["faults"]
    assert (
        entry["kind"] == "503" and entry["count"] == 2 and entry["options"] == {"retry_after": "1"}
    )
    assert entry["hits"] == 4
    assert entry["paths"] == {ARTICLE: 2, other: 1, other + "?utm_source=feed": 1}
    assert [line["path"] for line in lines[:2]] == [
        "/__truth__.json?edition=en",
        "/__truth__.json?edition=az",
    ]
    lines = lines[2:]
    assert [line["path"] for line in lines] == [ARTICLE] * 4 + [
        other,
        other + "?utm_source=feed",
        "/en/",
        az_article,
        "/__faults__",
    ]
    first = lines[0]
    assert set(first) == {
        "time",
        "received",
        "host",
        "listener",
        "method",
        "path",
        "status",
        "fault",
        "user_agent",
    }
    assert first["listener"] == "main" and first["method"] == "GET"
    assert first["host"] == urlsplit(server.base_url).netloc
    assert first["user_agent"] == "faults-test" and first["fault"] == "503"
    assert [line["fault"] for line in lines[:4]] == ["503", "503", None, None]
    assert first["time"].endswith("+00:00")
    # the file itself: one JSON object per line
    assert len(log.read_text().splitlines()) == len(lines) + 2


def test_rate_picks_the_same_paths_every_time() -> None:
    with replica("500,edition=en,rate=0.5") as server:
        paths = article_paths(server)
        first = {p for p in paths if raw_get(server.base_url, p).status == 500}
        again = {p for p in paths if raw_get(server.base_url, p).status == 500}
        ru = article_paths(server, "ru")
        assert all(raw_get(server.base_url, p).status == 200 for p in ru[:5])
    assert first == again == {p for p in paths if faults.share(0, p) < 0.5}
    assert 0.2 * len(paths) < len(first) < 0.8 * len(paths)


def test_first_selected_fault_wins_and_exhausted_ones_fall_through() -> None:
    with replica("503,count=1", "429,count=1", "404,path=^/en/$") as server:
        assert [raw_get(server.base_url, "/en/").status for _ in range(4)] == [503, 429, 404, 404]
        assert [raw_get(server.base_url, "/ru/").status for _ in range(3)] == [503, 429, 200]
        hits = [entry["hits"] for entry in server.fault_state()["faults"]]
    assert hits == [2, 2, 2]


def test_explicit_path_can_fault_control_paths() -> None:
    with replica("503,path=^/__clock__|^/robots") as server:
        assert raw_get(server.base_url, "/__clock__").status == 503
        assert raw_get(server.base_url, "/robots.txt").status == 503
        assert raw_get(server.base_url, "/__faults__").status == 200
        assert raw_get(server.base_url, "/en/").status == 200


def test_403_challenge_page() -> None:
    with replica("403,path=^/en/$", "403,path=^/ru/$,status=200") as server:
        for path, status in (("/en/", 403), ("/ru/", 200)):
            answer = raw_get(server.base_url, path)
            assert answer.status == status
            assert answer.headers["server"] == "cloudflare"
            assert answer.headers["content-type"] == "text/html; charset=UTF-8"
            assert answer.headers["cf-mitigated"] == "challenge"
            assert re.fullmatch(r"[0-9a-f]{16}-[A-Z]{3}", answer.headers["cf-ray"])
            text = answer.body.decode()
            assert "<title>Attention Required! | Cloudflare</title>" in text
            assert "Checking your browser before accessing report.az." in text
            assert "cf-challenge" in text and "captcha" in text
            assert "news-detail" not in text and "index-post-block" not in text


def test_404_is_the_sites_not_found_page() -> None:
    with replica(f"404,path=^{ARTICLE}$") as server:
        answer = raw_get(server.base_url, ARTICLE)
        missing = raw_get(server.base_url, "/en/no-such-page")
    assert answer.status == 404 and answer.body == missing.body
    assert answer.headers["content-type"] == "text/html; charset=utf-8"


# --------------------------------------------------------------------------- transport kinds
def test_slow_answers_after_the_delay(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with replica("slow,delay=3,count=1", log=log) as server:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            raw_get(server.base_url, "/en/", timeout=0.5)
        assert time.monotonic() - started < 2
        # the log line is written when the answer is decided, before the delay
        assert [(line["path"], line["fault"]) for line in server.requests()] == [("/en/", "slow")]
        started = time.monotonic()
        assert raw_get(server.base_url, "/en/", timeout=2).status == 200  # count=1: cleared
        assert time.monotonic() - started < 1


def test_slow_delivers_the_page_to_a_patient_client() -> None:
    with replica("slow,delay=0.6") as server:
        started = time.monotonic()
        answer = raw_get(server.base_url, "/en/", timeout=5)
        assert time.monotonic() - started >= 0.6
    assert answer.status == 200 and b"index-post-block" in answer.body


def test_reset_after_part_of_the_body() -> None:
    with replica(f"reset,path=^{ARTICLE}$") as server:
        answer = raw_get(server.base_url, ARTICLE)
        with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
            urllib.request.urlopen(server.url(ARTICLE), timeout=5).read()
    assert answer.reset
    assert answer.status == 200 and answer.headers["content-type"] == "text/html; charset=utf-8"
    assert 0 < len(answer.body) < answer.length
    assert answer.body.startswith(b"<!DOCTYPE html>")


def test_truncate_sends_half_the_body_then_closes() -> None:
    with replica(f"truncate,path=^{ARTICLE}$") as server:
        answer = raw_get(server.base_url, ARTICLE)
        with pytest.raises(http.client.IncompleteRead):
            urllib.request.urlopen(server.url(ARTICLE), timeout=5).read()
        whole = raw_get(server.base_url, ARTICLE + "?full=1")
    assert not answer.reset and answer.status == 200
    assert answer.length == len(whole.body)
    assert answer.body == whole.body[: len(whole.body) // 2]


def test_empty_body() -> None:
    with replica("empty,edition=en") as server:
        answer = raw_get(server.base_url, ARTICLE)
        assert raw_get(server.base_url, "/").status == 200
    assert answer.status == 200 and answer.body == b"" and answer.length == 0
    assert answer.headers["content-type"] == "text/html; charset=utf-8"


# --------------------------------------------------------------------------- charset kinds
@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("latin1", "text/html; charset=iso-8859-1"), ("nocharset", "text/html")],
)
def test_charset(kind: str, content_type: str) -> None:
    path = (
        "/"
        + "diger-olkeler/makronla-zelenski-mudafie-sahesinde-emekdasliq-ve-ukraynaya-desteyi-muzakire-edib"
    )
    with replica(f"{kind},count=1") as server:
        faulted = raw_get(server.base_url, path)
        normal = raw_get(server.base_url, path)  # count=1: the second answer is normal
        rss = raw_get(server.base_url, "/en/rss/")  # not HTML: untouched, not counted
    assert faulted.headers["content-type"] == content_type
    assert normal.headers["content-type"] == "text/html; charset=utf-8"
    assert META_CHARSET in normal.body
    assert faulted.body == normal.body.replace(META_CHARSET, b"")
    assert b"charset" not in faulted.body.split(b"</head>")[0]
    faulted.body.decode("utf-8")  # the UTF-8 bytes are unchanged
    assert "ə".encode() in faulted.body
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"


# --------------------------------------------------------------------------- redirects
def test_redirect_chain(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with replica(f"redirect_chain,path=^{ARTICLE}$,hops=3", log=log) as server:
        path, seen = ARTICLE, []
        for _ in range(3):
            answer = no_redirect(server.base_url, path)
            seen.append(answer.status)
            assert answer.headers["location"].startswith(server.base_url)
            path = answer.headers["location"][len(server.base_url) :]
        final = no_redirect(server.base_url, path)
        assert seen == [301, 301, 301] and path == "/__r/0" + ARTICLE
        with urllib.request.urlopen(server.url(ARTICLE), timeout=5) as resp:
            assert resp.geturl() == server.url("/__r/0" + ARTICLE)
            followed = resp.read()
        plain = raw_get(server.base_url, ARTICLE + "?x=1")  # not matched by path=...$
        lines = server.requests()
    assert final.status == 200 and final.body == followed == plain.body
    canonical = lxml.html.fromstring(final.body).xpath("//link[@rel='canonical']/@href")
    assert canonical == [server.base_url + ARTICLE]
    assert [(line["path"], line["status"], line["fault"]) for line in lines[:4]] == [
        (ARTICLE, 301, "redirect_chain"),
        ("/__r/2" + ARTICLE, 301, "redirect_chain"),
        ("/__r/1" + ARTICLE, 301, "redirect_chain"),
        ("/__r/0" + ARTICLE, 200, None),
    ]


def test_redirect_loop_then_clears() -> None:
    with replica(f"redirect_loop,path=^{ARTICLE}$,count=3") as server:
        path, locations = ARTICLE, []
        for _ in range(6):
            answer = no_redirect(server.base_url, path)
            assert answer.status == 302
            path = answer.headers["location"][len(server.base_url) :]
            locations.append(path)
        assert locations == ["/__loop" + ARTICLE, ARTICLE] * 3
        assert no_redirect(server.base_url, ARTICLE).status == 200  # count=3 used up


def test_redirect_loop_stops_urllib() -> None:
    with (
        replica("redirect_loop,edition=ru") as server,
        pytest.raises(urllib.error.HTTPError) as err,
    ):
        urllib.request.urlopen(server.url("/ru/"), timeout=5)
    assert err.value.code == 302


def test_redirect_offsite_and_offsite_host(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with replica(f"redirect_offsite,path=^{ARTICLE}", log=log) as server:
        offsite = server.offsite_url
        assert offsite is not None and urlsplit(offsite).hostname == "127.0.0.2"
        answer = no_redirect(server.base_url, ARTICLE + "?a=1")
        assert answer.status == 301
        assert answer.headers["location"] == offsite + ARTICLE + "?a=1"
        landed = raw_get(offsite, ARTICLE + "?a=1", user_agent="offsite-check")
        anything = raw_get(offsite, "/whatever/else")
        assert raw_get(server.base_url, "/en/").status == 200
        lines = server.requests()
    assert landed.status == 200 and anything.status == 200
    assert landed.headers["content-type"] == "text/html; charset=utf-8"
    assert b"<title>Offsite host</title>" in landed.body
    offsite_lines = [line for line in lines if line["listener"] == "offsite"]
    assert [(line["path"], line["status"], line["fault"]) for line in offsite_lines] == [
        (ARTICLE + "?a=1", 200, None),
        ("/whatever/else", 200, None),
    ]
    assert offsite_lines[0]["host"] == urlsplit(offsite).netloc
    assert offsite_lines[0]["user_agent"] == "offsite-check"


def test_no_offsite_host_without_redirect_offsite() -> None:
    with replica("503,count=0") as server:
        assert server.offsite_url is None
        assert raw_get(server.base_url, "/en/").status == 200  # count=0: never faulted


# --------------------------------------------------------------------------- content kinds
def test_content_type() -> None:
    with replica(
        f"content_type,path=^{ARTICLE}$", "content_type,path=^/en/$,type=image/png"
    ) as server:
        pdf = raw_get(server.base_url, ARTICLE)
        png = raw_get(server.base_url, "/en/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF-") and pdf.body.rstrip().endswith(b"%%EOF")
    assert png.headers["content-type"] == "image/png"
    assert png.body.startswith(b"\x89PNG\r\n\x1a\n")


def test_huge_pads_article_pages_only() -> None:
    with replica("huge,mb=2,count=1") as server:
        assert raw_get(server.base_url, FEED).body.count(b"<!--") == 0  # not an article
        huge = raw_get(server.base_url, ARTICLE)
        normal = raw_get(server.base_url, ARTICLE)
        hits = server.fault_state()["faults"][0]["paths"]
    assert len(huge.body) == huge.length == 2 * 1024 * 1024
    assert hits == {ARTICLE: 1}
    head, _, rest = huge.body.partition(b"<!-- ")
    comment, _, tail = rest.partition(b" -->\n")
    assert head + tail == normal.body
    assert b"--" not in comment and len(comment) > 1_900_000


def test_markup_change_renames_the_body_containers() -> None:
    spec = "markup_change,path=" + "|".join(
        re.escape(p) + "$" for p in (ARTICLE, ARTICLE_2019, ARTICLE_OLDEST)
    )
    with replica(spec) as server:
        changed = {
            p: raw_get(server.base_url, p).body for p in (ARTICLE, ARTICLE_2019, ARTICLE_OLDEST)
        }
        normal = {p: raw_get(server.base_url, p + "?plain=1").body for p in changed}
    for path, body in changed.items():
        doc = lxml.html.fromstring(body)
        for old in ("news-detail__desc", "article-text", "editor-body"):
            assert not doc.xpath(f"//div[@class='{old}']"), (path, old)
        jsonld = doc.xpath("//script[@type='application/ld+json']/text()")
        plain_jsonld = lxml.html.fromstring(normal[path]).xpath(
            "//script[@type='application/ld+json']/text()"
        )
        assert jsonld == plain_jsonld
    assert lxml.html.fromstring(changed[ARTICLE]).xpath("//div[@class='news-detail__text']/p")
    assert lxml.html.fromstring(changed[ARTICLE_2019]).xpath("//div[@class='article__content']/p")
    assert lxml.html.fromstring(changed[ARTICLE_OLDEST]).xpath("//div[@class='editor__content']/p")
    assert b"news-detail__desc" in normal[ARTICLE]


def test_bad_timestamp() -> None:
    with replica("bad_timestamp,edition=en") as server:
        feed = raw_get(server.base_url, FEED).body
        cursor = quote("2025-10-23 20:00:00")
        batch = raw_get(server.base_url, f"{SCROLL}?date={cursor}").body
        other = raw_get(server.base_url, "/ru/lenta").body
    for body in (feed, batch):
        stamps = card_stamps(body)
        good = [s for s in stamps if valid(s)]
        assert len(stamps) >= 20 and len(good) == len(stamps) // 2
        assert not valid(stamps[-1])
        assert "2025-13-45 99:99:00" in stamps and "yesterday" in stamps
    assert all(valid(s) for s in card_stamps(other))


def test_offsite_cards() -> None:
    with replica("offsite_cards,count=1") as server:
        feed = raw_get(server.base_url, FEED).body
        normal = raw_get(server.base_url, FEED).body
    hrefs, plain = card_hrefs(feed), card_hrefs(normal)
    assert [h for h in hrefs if h in plain] == plain  # every real card is still there
    extra = [h for h in hrefs if h not in plain]
    assert len(extra) == 4
    assert any(h.startswith("https://evil.example/en/") for h in extra)
    assert "/en/tags/ukraine" in extra and "/en/" in extra
    assert any(h.startswith("https://evil.example/promo") for h in extra)
    stamps = card_stamps(feed)
    assert stamps == sorted(stamps, reverse=True)  # inserted cards keep the order


def test_stuck_cursor() -> None:
    with replica("stuck_cursor") as server:
        first = raw_get(server.base_url, SCROLL).body
        stamps = card_stamps(first)
        later = raw_get(server.base_url, f"{SCROLL}?date={quote(stamps[-1])}").body
        much_later = raw_get(server.base_url, f"{SCROLL}?date={quote('2025-10-01 00:00:00')}").body
        feed = raw_get(server.base_url, FEED)
        hits = server.fault_state()["faults"][0]["hits"]
    assert first == later == much_later and len(stamps) >= 20
    assert feed.status == 200 and card_stamps(feed.body) == stamps  # feed page untouched
    assert hits == 3


def test_requests_needs_a_log() -> None:
    server = ReplicaServer(articles=ARTICLES, faults=["503"])
    with pytest.raises(RuntimeError, match="request log"):
        server.requests()


def test_fault_state_describes_faults() -> None:
    with replica("huge,edition=ru,rate=0.25", "503,retry_after=2,count=1") as server:
        state: dict[str, Any] = server.fault_state()
    assert [f["spec"] for f in state["faults"]] == [
        "huge,edition=ru,rate=0.25",
        "503,retry_after=2,count=1",
    ]
    assert state["faults"][0] | {"paths": None} == {
        "index": 0,
        "spec": "huge,edition=ru,rate=0.25",
        "kind": "huge",
        "path": None,
        "edition": "ru",
        "rate": 0.25,
        "count": None,
        "options": {"mb": "20"},
        "hits": 0,
        "paths": None,
    }
    json.dumps(state)
