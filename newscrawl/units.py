"""This run's share of the work when several runs share one state (PostgreSQL): the work
units it claims, one at a time, the lease it renews, and the fence its writes carry.

A unit is an edition's top walk in scheduled runs (``walk:<edition>``: with its holes and due
revisits; recurring, so given back after each walk to rest ``NEWSCRAWL_WALK_REST_SECONDS``), or
an edition's backfill of one period (``backfill:<edition>:<since>/<until>``, done once walked
to its start). A run claims the first free unit of its editions, works it, and at the end (the
spider idle) records what it covered and claims the next; it stops when no unit is free. The
heartbeat renews the lease every third of ``NEWSCRAWL_UNIT_LEASE_SECONDS`` and saves the
checkpoint, the walked ranges so far: a node that dies leaves them, and the node that claims
the unit after the lease ran out walks from there. Splitting an edition's walk finer would buy
nothing: the nodes share one polite rate to the site (``newscrawl.pace``), so more units at once
would not fetch faster; the units make the work survive a node, not go faster.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from twisted.internet.task import LoopingCall

from newscrawl.store import Lease, LeaseLost, StateStore, StateUnavailable

logger = logging.getLogger(__name__)

WALK, BACKFILL = "walk", "backfill"
_T = TypeVar("_T")


def unit_for(edition: str, mode: str, since: str | None, until: str | None) -> tuple[str, str]:
    """``(key, kind)`` of the unit of ``edition`` in a run of ``mode`` (``since``/``until``:
    a backfill's period, ISO)."""
    if mode == "archive":
        return f"{BACKFILL}:{edition}:{since or ''}/{until or ''}", BACKFILL
    return f"{WALK}:{edition}", WALK


class UnitWork:
    """The units one run works (see the module docstring). ``checkpoint(edition)`` saves
    what the run covered of ``edition`` (called fenced, by the heartbeat and at the end of
    the unit) and says where it got to (kept with the unit, for operators); ``lost(error)`` is
    told once when the lease is lost."""

    def __init__(
        self,
        store: StateStore,
        holder: str,
        *,
        lease_seconds: float,
        rest_seconds: float,
        checkpoint: Callable[[str], dict[str, Any]],
        lost: Callable[[LeaseLost], None],
    ) -> None:
        self.store = store
        self.holder = holder
        self.lease_seconds = lease_seconds
        self.rest_seconds = rest_seconds
        self._checkpoint = checkpoint
        self._lost = lost
        #: The unit held now, and its edition.
        self.lease: Lease | None = None
        self.edition: str | None = None
        #: Every unit this run claimed, in order; the lease lost (then the run stops).
        self.claimed: list[str] = []
        self.lost_lease: LeaseLost | None = None
        self._units: dict[str, str] = {}  # key -> edition
        self._beat: LoopingCall | None = None

    @property
    def editions(self) -> list[str]:
        """The editions of the units this run claimed, in order."""
        return list(dict.fromkeys(self._units[key] for key in self.claimed))

    def offer(self, editions: list[str], mode: str, since: str | None, until: str | None) -> None:
        """Put the run's units in the store (a unit already there stays as it is)."""
        offered = []
        for edition in editions:
            key, kind = unit_for(edition, mode, since, until)
            self._units[key] = edition
            spec: dict[str, Any] = {"edition": edition, "mode": mode}
            if kind == BACKFILL:
                spec |= {"since": since, "until": until}
            offered.append((key, kind, spec))
        self.store.add_units(offered)

    def claim(self) -> str | None:
        """Claim the next free unit of the run's editions; its edition, or None (every unit
        is held by another node, resting or done)."""
        if self.lost_lease is not None:
            return None
        # a unit at most once per run: a walk claimed again would find its pages asked already
        free = [key for key in self._units if key not in self.claimed]
        lease = self.store.claim(self.holder, self.lease_seconds, keys=free)
        if lease is None:
            return None
        self.lease, self.edition = lease, self._units[lease.unit]
        self.claimed.append(lease.unit)
        logger.info(
            "claimed work unit %s (token %d, lease %g s%s)",
            lease.unit,
            lease.token,
            self.lease_seconds,
            ", resumed from its checkpoint" if lease.checkpoint else "",
        )
        self._beat = LoopingCall(self.heartbeat)
        self._beat.start(max(0.5, self.lease_seconds / 3), now=False)
        return self.edition

    def heartbeat(self) -> None:
        """Save the checkpoint (fenced) and renew the lease; a lost lease stops the run."""
        lease, edition = self.lease, self.edition
        if lease is None or edition is None:
            return
        try:
            where = self.fenced(lambda: self._checkpoint(edition))
            self.lease = self.store.heartbeat(lease, self.lease_seconds, where)
        except LeaseLost as exc:
            self.refused(exc)
        except StateUnavailable:  # said by the run (state_failed): it closes
            self._stop_beat()

    def fenced(self, work: Callable[[], _T]) -> _T:
        """``work`` (state writes of the unit) in one transaction with the lease checked;
        without a unit held, as it is."""
        if self.lease is None:
            return work()
        return self.store.fenced(self.lease, work)

    def refused(self, error: LeaseLost) -> None:
        """A write carried a lost lease: nothing more is done on the unit, the run stops."""
        self._stop_beat()
        if self.lost_lease is None:
            self.lost_lease = error
            self.lease = None
            self._lost(error)

    def finish(self, *, done: bool) -> None:
        """The unit's walks ended: record what they covered (fenced), then give the unit
        back (``done``: never to be claimed again; else to rest, a recurring walk, or to be
        taken on from its checkpoint)."""
        lease, edition = self.lease, self.edition
        self._stop_beat()
        if lease is None or edition is None:
            return
        try:
            where = self.fenced(lambda: self._checkpoint(edition))
            if done:
                self.store.complete(lease, where)
            else:
                rest = self.rest_seconds if lease.kind == WALK else 0.0
                self.store.release(lease, where, rest_seconds=rest)
        except LeaseLost as exc:
            self.refused(exc)
        finally:
            self.lease = self.edition = None

    def _stop_beat(self) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self._beat = None
