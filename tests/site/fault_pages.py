"""Bodies and page rewrites used by the fault layer (``faults.py``).

Error pages as nginx and Cloudflare send them, small files of other content types, and the
rewrites of replica pages (charset, feed cards, article markup, padding). All pure functions.
"""

from __future__ import annotations

import hashlib
import re
from html import escape

NGINX_TITLES = {
    301: "301 Moved Permanently",
    302: "302 Found",
    429: "429 Too Many Requests",
    500: "500 Internal Server Error",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
}

#: Values a broken CMS or template puts in ``data-timestamp`` (cycled over the affected cards).
BAD_TIMESTAMPS = (
    "2025-13-45 99:99:00",
    "yesterday",
    "",
    "0000-00-00 00:00:00",
    "23.10.2025 25:61",
    "NaN",
)

_META_CHARSET = b'<meta charset="utf-8">\n'
_TIMESTAMP = re.compile(rb'data-timestamp="[^"]*"')
_CARD = re.compile(rb'<div class="[^"]*index-post-block[^"]*"[^>]*>.*?</a>\n</div>\n', re.S)
_CARD_HREF = re.compile(rb'(<a class="news__item" href=")([^"]*)(")')
_CARD_TITLE = re.compile(rb'(<h2 class="news__title ?">)(.*?)(</h2>)', re.S)


def nginx_error(status: int) -> bytes:
    """nginx's own error page for ``status`` (served as ``text/html``)."""
    title = NGINX_TITLES[status]
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


def ray_id(key: str) -> str:
    """A Cloudflare Ray ID (16 hex digits and a data centre), stable for ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()[:16] + "-FRA"


def challenge_page(ray: str, site: str = "report.az") -> bytes:
    """A Cloudflare "Attention Required!" / browser-check interstitial (captcha challenge).

    It names the zone (``report.az``), as Cloudflare does, whatever host the client used.
    """
    token = ray.replace("-", "").lower()
    return f"""<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta http-equiv="X-UA-Compatible" content="IE=Edge" />
<meta name="robots" content="noindex, nofollow" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" />
<script>(function(){{window._cf_chl_opt={{cvId: '3',cZone: 'report.az',cType: 'managed',cRay: '{ray.split("-")[0]}',cH: '{token}',cFPWv: 'b',cITimeS: '1761238800'}};}}());</script>
</head>
<body>
  <div id="cf-wrapper">
    <div class="cf-alert cf-alert-error cf-cookie-error" id="cookie-alert" data-translate="enable_cookies">Please enable cookies.</div>
    <div id="cf-error-details" class="cf-error-details-wrapper">
      <div class="cf-wrapper cf-header cf-error-overview">
        <h1 data-translate="block_headline">Sorry, you have been blocked</h1>
        <h2 class="cf-subheadline">Checking your browser before accessing {site}.</h2>
      </div>
      <div class="cf-section cf-highlight cf-captcha-container">
        <div class="cf-wrapper">
          <div class="cf-columns two">
            <div class="cf-column">
              <h2 data-translate="why_captcha_headline">Why do I have to complete a CAPTCHA?</h2>
              <p data-translate="why_captcha_detail">Completing the CAPTCHA proves you are a human and gives you temporary access to the web property.</p>
            </div>
            <div class="cf-column">
              <form class="challenge-form" id="challenge-form" action="/?__cf_chl_f_tk={token}" method="POST" enctype="application/x-www-form-urlencoded">
                <div id="cf-challenge-running" class="cf-challenge"></div>
                <div class="cf-turnstile" id="cf-captcha-bookmark" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div>
                <input type="hidden" name="cf_captcha_kind" value="h" />
                <input type="hidden" name="md" value="{token}" />
              </form>
              <noscript><div class="cf-error-title"><h1 data-translate="turn_on_js">Please turn JavaScript on and reload the page.</h1></div></noscript>
            </div>
          </div>
        </div>
      </div>
      <div class="cf-error-footer cf-wrapper">
        <p><span class="cf-footer-item">Cloudflare Ray ID: <strong class="font-semibold">{ray.split("-")[0]}</strong></span>
        <span class="cf-footer-separator">&bull;</span>
        <span class="cf-footer-item">Performance &amp; security by <a href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span></p>
      </div>
    </div>
  </div>
  <script src="/cdn-cgi/challenge-platform/h/b/orchestrate/captcha/v1?ray={ray.split("-")[0]}"></script>
</body>
</html>
""".encode()


def offsite_page(host: str, target: str) -> bytes:
    """What the offsite host answers for any path."""
    where = escape(f"{host}{target}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Offsite host</title>\n</head>\n<body>\n<h1>Offsite host</h1>\n"
        f"<p>This is not report.az: {where}</p>\n</body>\n</html>\n"
    ).encode()


def fake_file(content_type: str, name: str) -> bytes:
    """A small body of ``content_type`` (a one-page PDF, a 1x1 image, JSON, ...)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/pdf":
        return (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
            b"0000000058 00000 n \n0000000115 00000 n \n"
            b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n"
        )
    if kind == "image/gif":
        return bytes.fromhex(
            "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
        )
    if kind == "image/png":
        return bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
        )
    if kind == "image/jpeg":
        return (
            bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300")
            + bytes(64)
            + b"\xff\xd9"
        )
    if kind in ("application/json", "text/json"):
        return b'{"error": null, "data": []}\n'
    if kind in ("application/xml", "text/xml") or kind.endswith("+xml"):
        return b'<?xml version="1.0" encoding="UTF-8"?>\n<root/>\n'
    if kind == "application/zip":
        return b"PK\x05\x06" + bytes(18)
    if kind.startswith("text/"):
        return f"{name}\n".encode()
    return hashlib.sha256(name.encode()).digest() * 8


def strip_meta_charset(body: bytes) -> bytes:
    return body.replace(_META_CHARSET, b"")


def bad_timestamps(body: bytes) -> bytes:
    """Garbage in ``data-timestamp`` of every second card and of the last card."""
    found = list(_TIMESTAMP.finditer(body))
    out, pos, bad = [], 0, 0
    for i, match in enumerate(found):
        if i % 2 == 1 or i == len(found) - 1:
            out += [body[pos : match.start()], b'data-timestamp="']
            out += [escape(BAD_TIMESTAMPS[bad % len(BAD_TIMESTAMPS)]).encode(), b'"']
            pos, bad = match.end(), bad + 1
    out.append(body[pos:])
    return b"".join(out)


def offsite_cards(body: bytes, prefix: str, category: str) -> bytes:
    """After the 3rd, 8th, 13th, ... card, a copy linking off the site or to a non-article page."""
    cards = list(_CARD.finditer(body))
    out, pos = [], 0
    for i, match in enumerate(cards):
        if i % 5 != 2:
            continue
        card = match.group(0)
        href_match = _CARD_HREF.search(card)
        article = href_match.group(2).decode() if href_match else "/"
        variants = [
            (f"https://evil.example{article}", "Partner content"),
            (f"{prefix}/tags/ukraine", "Ukraine"),
            (f"https://evil.example/promo?utm_source=report&id={i}", "Sponsored"),
            (f"{prefix}/", "Report.az"),
            (f"{prefix}/{category}/", category),
        ]
        href, title = (escape(text).encode() for text in variants[(i // 5) % len(variants)])
        extra = _swap(_CARD_TITLE, _swap(_CARD_HREF, card, href), title)
        out += [body[pos : match.end()], extra]
        pos = match.end()
    out.append(body[pos:])
    return b"".join(out)


def _swap(pattern: re.Pattern[bytes], text: bytes, new: bytes) -> bytes:
    """``text`` with group 2 of ``pattern``'s first match replaced by ``new``."""
    return pattern.sub(lambda m: m.group(1) + new + m.group(3), text, count=1)


def markup_change(body: bytes) -> bytes:
    """The article body container renamed, as after a redesign (JSON-LD untouched)."""
    return (
        body.replace(b"news-detail__desc", b"news-detail__text")
        .replace(b'class="article-text"', b'class="article__content"')
        .replace(b'class="editor-body"', b'class="editor__content"')
    )


_FEED_LINK = re.compile(rb'<div class="more"><a [^>]*>.*?</a></div>\n?', re.DOTALL)


def no_feed_link(body: bytes) -> bytes:
    """The home page without its link to the latest-news feed (as after a redesign)."""
    return _FEED_LINK.sub(b"", body)


def pad(body: bytes, size: int) -> bytes:
    """``body`` with an HTML comment before ``</body>`` making it ``size`` bytes (at least)."""
    opening, closing = b"<!-- ", b" -->\n"
    filler = max(0, size - len(body) - len(opening) - len(closing))
    chunk = b"lazy-ad-slot placeholder "
    padding = (chunk * (filler // len(chunk) + 1))[:filler]
    at = body.rfind(b"</body>")
    at = len(body) if at < 0 else at
    return body[:at] + opening + padding + closing + body[at:]
