"""Prometheus metrics of one gateway process: commands, view lag, subscribers, drops."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from domain.store.outage import StoreUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.application import Brigade
    from domain.outcome import Outcome
    from projections.follower import Follower


class CommandCounts(Collector):
    """brigade_commands_total by outcome, as plain counts.

    prometheus_client's Counter takes a lock per increment, a tenth of the event
    loop's time under bench field; the counts are only ever bumped on the event
    loop, so a dict does, and a scrape reads it.
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "brigade_commands",
            "Commands answered, by outcome (accepted, or the refusal's code)",
            labels=["outcome"],
        )
        for code, count in sorted(self.counts.items()):
            family.add_metric([code], count)
        yield family


class Metrics:
    """One registry per app, so several apps in one process never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = CommandCounts()
        self.registry.register(self.commands)
        self.subscribers = Gauge(
            "brigade_live_subscribers",
            "Live WebSocket subscribers",
            registry=self.registry,
        )
        self.drops = Counter(
            "brigade_send_queue_drops",
            "Live connections closed because their send queue was full",
            registry=self.registry,
        )
        self.lag = Gauge(
            "brigade_view_lag_positions",
            "Events stored but not yet in the views",
            registry=self.registry,
        )

    def count(self, outcome: Outcome) -> None:
        """Count one answered command (on the event loop: the counts take no lock)."""
        code = "accepted" if outcome.rejection is None else outcome.rejection.code
        counts = self.commands.counts
        counts[code] = counts.get(code, 0) + 1

    def watch(self, brigade: Brigade, follower: Follower) -> None:
        """Report how far the follower's views are behind the store."""

        def lag() -> float:
            try:
                last = brigade.recorder.max_notification_id() or 0
            except StoreUnavailable:  # unknown while the store is away
                return math.nan
            return float(max(last - follower.position, 0))

        self.lag.set_function(lag)
