"""Prometheus metrics of one gateway process: commands, view lag, subscribers, drops."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge

if TYPE_CHECKING:
    from domain.outcome import Outcome
    from gateway.deps import Service


class Metrics:
    """One registry per app, so several apps in one process never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "brigade_commands",
            "Commands answered, by outcome (accepted, or the refusal's code)",
            ["outcome"],
            registry=self.registry,
        )
        self._by_outcome: dict[str, Any] = {}
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
        code = "accepted" if outcome.rejection is None else outcome.rejection.code
        counter = self._by_outcome.get(code)
        if counter is None:  # labels() hashes and locks: once per code, not per call
            counter = self._by_outcome[code] = self.commands.labels(outcome=code)
        counter.inc()

    def watch(self, service: Service) -> None:
        def lag() -> float:
            last = service.brigade.recorder.max_notification_id() or 0
            return float(max(last - service.follower.position, 0))

        self.lag.set_function(lag)
