"""``python -m tests.site --port PORT``: serve the local replica of report.az.

The first line on stdout is ``listening on http://HOST:PORT`` (flushed), then the server runs
until interrupted.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import time
from types import FrameType

from tests.site import dates
from tests.site.content import build_site
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
        default=dates.DEFAULT_NOW,
        help=f"start clock, ISO 8601 (default {dates.DEFAULT_NOW})",
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    site = build_site(
        seed=args.seed,
        articles=args.articles,
        now=args.now,
        days=args.days,
        future_hours=args.future_hours,
    )
    gc.freeze()  # the site lives as long as the process: keep it out of GC scans
    server, _app = make_server(site, args.host, args.port)
    print(f"listening on {server.base_url}", flush=True)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
