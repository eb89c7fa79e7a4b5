"""``python -m tests.site --port PORT``: serve the local replica of report.az.

The first line on stdout is ``listening on http://HOST:PORT`` (flushed), then the server runs
until interrupted. ``--fault SPEC`` (repeatable) injects faults (``faults.py``);
``--request-log PATH`` writes one JSON line per request.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
from types import FrameType

from tests.site import dates, faults, realtext
from tests.site.content import build_site
from tests.site.mutate import Mutator
from tests.site.requestlog import RequestLog
from tests.site.server import make_server


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.site", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="TCP port; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--articles", type=int, default=300, help="articles per edition (default 300)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed of the content (default 1)"
    )
    parser.add_argument(
        "--now",
        default=None,
        help=f"start clock, ISO 8601 (default {dates.DEFAULT_NOW}; with --real-text, an hour "
        "after the last real article)",
    )
    parser.add_argument(
        "--days",
        type=float,
        default=None,
        help="days before --now over which articles are spread (default: ~150 az articles a day, at least 2)",
    )
    parser.add_argument(
        "--future-hours",
        type=float,
        default=2.0,
        help="a share of the articles is published over this many hours after --now (default 2)",
    )
    parser.add_argument(
        "--hourly-edits",
        type=int,
        default=0,
        metavar="N",
        help="per edition and hour after --now, N edits (headline and body) of articles then "
        "at feed positions up to --edit-depth (default 0)",
    )
    parser.add_argument(
        "--edit-depth", type=int, default=30, help="deepest feed position --hourly-edits edits"
    )
    parser.add_argument(
        "--body-edits",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="the share (0..1) of --hourly-edits that change the body alone, headline kept "
        "(default 0)",
    )
    parser.add_argument(
        "--fault",
        dest="faults",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault: KIND[,path=REGEX][,edition=az|en|ru][,rate=F][,count=N][,opt=V...] "
        "(repeatable; see tests/site/README.md)",
    )
    parser.add_argument(
        "--request-log",
        default=None,
        metavar="PATH",
        help="write one JSON object per request to PATH (truncated at start)",
    )
    parser.add_argument(
        "--mutate",
        type=float,
        default=0.0,
        metavar="RATE",
        help="re-mark this share (0..1) of the article pages as after a redesign, chosen per "
        "--seed (tests/site/mutate.py; default 0: off)",
    )
    parser.add_argument(
        "--real-text",
        nargs="?",
        const=str(realtext.DEFAULT_PATH),
        default=None,
        metavar="PATH",
        help="the az edition's articles are the latest --articles real ones of PATH (default "
        "../shared/real/report-az-2025q1.csv); --now defaults to an hour after the last "
        "(tests/site/realtext.py)",
    )
    args = parser.parse_args(argv)
    if args.real_text and not os.path.isfile(args.real_text):
        parser.error(f"--real-text: no file {args.real_text}")
    if not 0 <= args.mutate <= 1:
        parser.error("--mutate RATE must be between 0 and 1")
    if not 0 <= args.body_edits <= 1:
        parser.error("--body-edits SHARE must be between 0 and 1")
    try:
        args.parsed_faults = faults.parse_specs(args.faults)
    except ValueError as exc:
        parser.error(f"--fault {exc}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    site = build_site(
        seed=args.seed,
        articles=args.articles,
        now=args.now,
        days=args.days,
        future_hours=args.future_hours,
        hourly_edits=args.hourly_edits,
        edit_depth=args.edit_depth,
        body_edits=args.body_edits,
        real_text=args.real_text,
    )
    gc.freeze()  # the site lives as long as the process: keep it out of GC scans
    mutator = Mutator(args.mutate, args.seed) if args.mutate > 0 else None
    server, _app = make_server(site, args.host, args.port, mutator)
    request_log = RequestLog(args.request_log) if args.request_log else None
    extra = faults.install(server, args.parsed_faults, request_log)
    print(f"listening on {server.base_url}", flush=True)
    if mutator is not None:
        print(f"replica: mutate {args.mutate} of the article pages", file=sys.stderr, flush=True)
    for fault in args.parsed_faults:
        print(f"replica: fault {fault.spec}", file=sys.stderr, flush=True)
    for other in extra:
        print(f"replica: offsite host on {other.base_url}", file=sys.stderr, flush=True)
    print(
        f"replica: {len(site.articles)} articles, seed {args.seed}, clock {dates.iso(site.now)}, "
        f"ready in {time.perf_counter() - started:.2f} s",
        file=sys.stderr,
        flush=True,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        for other in extra:
            other.shutdown()
            other.server_close()
        if request_log is not None:
            request_log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
