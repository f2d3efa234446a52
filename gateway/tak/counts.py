"""The TAK bridge's counts, scraped with the process's other metrics (`/metrics`).

Plain dicts bumped on the event loop, as `gateway.metrics.CommandCounts` does:
a report from each of 200 devices is no place for a lock per increment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prometheus_client.core import Metric


class CotCounts(Collector):
    """brigade_cot_messages_total by outcome, connections refused by reason, peers."""

    def __init__(
        self,
        peers: Callable[[], int] = lambda: 0,
        picture: Callable[[], int] = lambda: 0,
    ) -> None:
        # accepted, a refusal's code, unlinked, ignored, malformed, off_shift...
        self.messages: dict[str, int] = {}
        # hostile, malformed, too_large, incomplete, too_slow
        self.refused: dict[str, int] = {}
        self._peers = peers
        self._picture = picture  # CoT events of the picture written to peers

    def message(self, outcome: str) -> None:
        self.messages[outcome] = self.messages.get(outcome, 0) + 1

    def refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def collect(self) -> Iterator[Metric]:
        messages = CounterMetricFamily(
            "brigade_cot_messages",
            "CoT events heard from TAK peers, by outcome (accepted, a refusal's "
            "code, unlinked, ignored, malformed)",
            labels=["outcome"],
        )
        for outcome, count in sorted(self.messages.items()):
            messages.add_metric([outcome], count)
        yield messages
        refused = CounterMetricFamily(
            "brigade_cot_connections_refused",
            "TAK connections closed for what they sent, by reason",
            labels=["reason"],
        )
        for reason, count in sorted(self.refused.items()):
            refused.add_metric([reason], count)
        yield refused
        yield CounterMetricFamily(
            "brigade_cot_picture_messages",
            "CoT events of the live picture written to TAK peers",
            value=self._picture(),
        )
        yield GaugeMetricFamily(
            "brigade_cot_peers",
            "TAK devices and servers connected",
            value=self._peers(),
        )
