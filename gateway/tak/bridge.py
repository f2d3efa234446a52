"""The TAK bridge of one process: the CoT endpoint, and a client of a TAK server.

Made by `Runtime.open` when `BRIGADE_COT_PORT` or `BRIGADE_TAK_SERVER` is set,
started on the app's event loop by its lifespan and stopped with the runtime.
Every peer, a device on the endpoint or the TAK server brigade dialled, is
heard the same way (`Inbound`) and gets the same picture (`Picture`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from domain.write import WriterClosed
from gateway.tak.cot import Refused, event
from gateway.tak.counts import CotCounts
from gateway.tak.inbound import PING, Inbound
from gateway.tak.peer import Peer
from gateway.tak.picture import MapSource, Picture, Source
from gateway.tak.warnings import WarningSource

if TYPE_CHECKING:
    from domain.outcome import Outcome
    from domain.write import CommandWriter
    from gateway.metrics import Metrics
    from gateway.settings import Settings
    from gateway.tak.cot import Cot
    from projections.follower import Follower

log = logging.getLogger(__name__)

# A document begun and not ended for this long closes its connection.
INCOMPLETE_AFTER = 30.0
SWEEP_EVERY = 5.0
# Reconnecting to a TAK server: the first wait, doubled each failure up to the last.
BACKOFF = (0.5, 30.0)


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """The endpoint's TLS, if a certificate is configured; a CA asks for clients'."""
    if settings.cot_tls_cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.cot_tls_cert, settings.cot_tls_key)
    if settings.cot_tls_ca is not None:
        context.load_verify_locations(settings.cot_tls_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def server_address(url: str) -> tuple[str, int]:
    """tcp://host:port as (host, port); anything else is a ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        raise ValueError(f"BRIGADE_TAK_SERVER must be tcp://host:port, not {url!r}")
    return parts.hostname, parts.port


class TakBridge:
    """Peers in and out, each heard through `Inbound` and sent the `Picture`."""

    def __init__(
        self,
        settings: Settings,
        writer: CommandWriter,
        follower: Follower,
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.writer = writer
        self.peers: set[Peer] = set()
        self.inbound = Inbound(follower.views)
        # The live map, and risk warnings' areas where the views have them.
        self.picture = Picture(follower.deltas, [MapSource(), WarningSource()])
        self.counts = CotCounts(lambda: len(self.peers), lambda: self.picture.messages)
        metrics.registry.register(self.counts)
        self.server: asyncio.Server | None = None
        self.upstream: Peer | None = None  # the TAK server's connection, when up
        self._tasks: list[asyncio.Task[None]] = []
        if settings.tak_server:
            server_address(settings.tak_server)  # refused at once if malformed

    @classmethod
    def wanted(cls, settings: Settings) -> bool:
        return settings.cot_port is not None or bool(settings.tak_server)

    def add(self, source: Source) -> None:
        """Plug another source of CoT into the picture (warnings' areas, say)."""
        self.picture.add(source)

    @property
    def port(self) -> int | None:
        """The endpoint's bound port (0 in the settings picks a free one)."""
        if self.server is None or not self.server.sockets:
            return None
        port: int = self.server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.picture.start(loop)
        settings = self.settings
        if settings.cot_port is not None:
            self.server = await loop.create_server(
                lambda: Peer(self, "device"),
                settings.cot_host or settings.host,
                settings.cot_port,
                ssl=tls_context(settings),
            )
            log.info("CoT endpoint on port %s", self.port)
        if settings.tak_server:
            self._tasks.append(asyncio.create_task(self._dial(settings.tak_server)))
        self._tasks.append(asyncio.create_task(self._sweep()))

    def stop(self) -> None:
        """Close the endpoint and every peer; commands already sent are stored."""
        self.picture.stop()
        for task in self._tasks:
            task.cancel()
        if self.server is not None:
            self.server.close()
        for peer in list(self.peers):
            peer.close()

    # What peers report (gateway.tak.peer.Hub).

    def joined(self, peer: Peer) -> None:
        self.peers.add(peer)
        self.picture.join(peer)

    def left(self, peer: Peer) -> None:
        self.peers.discard(peer)
        self.picture.leave(peer)

    def refused(self, peer: Peer, why: Refused) -> None:  # noqa: ARG002
        self.counts.refuse(why.reason)

    def caught_up(self, peer: Peer, count: int) -> None:  # noqa: ARG002
        self.picture.messages += count

    def hear(self, cot: Cot, peer: Peer) -> None:
        if cot.type == PING:  # a TAK client's keep-alive: answer as servers do
            peer.send(pong(cot))
            return
        found = self.inbound.command(cot)
        if isinstance(found, str):
            self.counts.message(found)
            return
        try:
            self.writer.post(found, partial(self._settled, peer))
        except WriterClosed:  # stopping: the device sends it again next time
            self.counts.message("store_unavailable")
            return
        peer.owe()

    def _settled(self, peer: Peer, outcome: Outcome | BaseException) -> None:
        peer.settled()
        if isinstance(outcome, BaseException):
            self.counts.message("store_unavailable")
        elif outcome.rejection is not None:
            self.counts.message(outcome.rejection.code)
        else:
            self.counts.message("replayed" if outcome.replayed else "accepted")

    async def _sweep(self) -> None:
        """Close peers that began a document and never ended it."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            now = loop.time()
            for peer in list(self.peers):
                since = peer.partial_since
                if since is not None and now - since > INCOMPLETE_AFTER:
                    peer.refuse(Refused("incomplete", "a document never ended"))

    async def _dial(self, url: str) -> None:
        """Stay connected to the TAK server, backing off after each failure."""
        host, port = server_address(url)
        loop = asyncio.get_running_loop()
        wait = BACKOFF[0]
        while True:
            try:
                _, peer = await loop.create_connection(
                    lambda: Peer(self, "server"), host, port
                )
            except OSError as error:
                log.warning("TAK server %s: %s; again in %.1f s", url, error, wait)
            else:
                log.info("connected to the TAK server %s", url)
                self.upstream = peer
                await peer.closed
                self.upstream = None
                log.warning("TAK server %s went away", url)
                wait = BACKOFF[0]
            await asyncio.sleep(wait * random.uniform(0.8, 1.2))
            wait = min(wait * 2, BACKOFF[1])


def pong(ping: Cot) -> bytes:
    return event(
        uid="takPong",
        type="t-x-c-t-r",
        time=ping.time,
        stale=ping.stale or ping.time,
        lat=0.0,
        lon=0.0,
        how="h-g-i-g-o",
    )
