"""A node that works through units, for the multi-process lease tests: claims a unit, resumes it
from its checkpoint, writes one row per step (fenced, with the checkpoint saved in the same
transaction), completes it; a lost lease is said and the next unit claimed. One line per event
on stdout.

``python -m tests.state.unit_worker STATE NAME LEASE_SECONDS STEPS``
"""

from __future__ import annotations

import sys
import time

from newscrawl.store import Lease, LeaseLost, StateStore


def work(store: StateStore, lease: Lease, name: str, lease_seconds: float, steps: int) -> None:
    start = int((lease.checkpoint or {}).get("next", 0))
    print(f"claimed {lease.unit} token {lease.token} from {start}", flush=True)
    for step in range(start, steps):

        def write(step: int = step) -> None:
            store.record(
                url=f"https://report.az/en/{lease.unit}/{step}",
                language="en",
                article_id=step,
                content_hash=f"{step}",
                title=name,
                revision=1,
                published_at=None,
                seen_at="2025-10-24T12:00:00+00:00",
            )
            store.heartbeat(lease, lease_seconds, {"next": step + 1})

        store.fenced(lease, write)
        print(f"wrote {lease.unit} {step}", flush=True)
        time.sleep(0.03)
    store.complete(lease)
    print(f"done {lease.unit}", flush=True)


def main() -> None:
    target, name, lease_seconds, steps = (
        sys.argv[1],
        sys.argv[2],
        float(sys.argv[3]),
        int(sys.argv[4]),
    )
    store = StateStore(target)
    print("ready", flush=True)
    while True:
        lease = store.claim(name, lease_seconds)
        if lease is None:
            if all(row.done for row in store.units()):
                break
            time.sleep(0.1)  # units held by others: one may come free (its node died)
            continue
        try:
            work(store, lease, name, lease_seconds, steps)
        except LeaseLost:
            print(f"lost {lease.unit}", flush=True)
    store.close()
    print("idle", flush=True)


if __name__ == "__main__":
    main()
