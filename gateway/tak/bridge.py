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
from gateway.tak.inbound import PING, POSITION, Inbound
from gateway.tak.peer import Peer
from gateway.tak.picture import MapSource, Picture, Source, delete, uid_of
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


def server_address(url: str) -> tuple[str, int, bool]:
    """tcp://host:port or tls://host:port as (host, port, over TLS); anything
    else is a ValueError (ssl:// is read as tls://, as pytak does)."""
    parts = urlsplit(url)
    if (
        parts.scheme not in ("tcp", "tls", "ssl")
        or not parts.hostname
        or parts.port is None
    ):
        wanted = "tcp://host:port or tls://host:port"
        raise ValueError(f"BRIGADE_TAK_SERVER must be {wanted}, not {url!r}")
    return parts.hostname, parts.port, parts.scheme != "tcp"


def client_context(settings: Settings) -> ssl.SSLContext | None:
    """TLS to the TAK server, if its address says tls://: the server's certificate
    checked against BRIGADE_TAK_CA (else the system's CAs), brigade's own
    certificate presented if given. A certificate for plain TCP is a mistake."""
    assert settings.tak_server is not None
    _, _, tls = server_address(settings.tak_server)
    if not tls:
        if settings.tak_cert is not None:
            raise ValueError(
                "BRIGADE_TAK_CERT is set but BRIGADE_TAK_SERVER is tcp://: "
                "use tls://host:port to connect with it"
            )
        return None
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH,
        cafile=None if settings.tak_ca is None else str(settings.tak_ca),
    )
    if settings.tak_cert is not None:
        context.load_cert_chain(settings.tak_cert, settings.tak_key)
    return context


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
        # Refused at once if malformed, or its certificate cannot be read.
        self.tak_tls = client_context(settings) if settings.tak_server else None

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
        if cot.type.startswith(POSITION):
            self._speaks_for(peer, cot)
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

    def _speaks_for(self, peer: Peer, cot: Cot) -> None:
        """A linked device's own marker is on the peer's map already: brigade's
        marker of its volunteer there would show one person twice. Withdrawn
        (t-x-d-d) and not sent to that peer while the link holds."""
        volunteer = self.inbound.volunteer(cot.uid)
        key = None if volunteer is None else f"volunteer:{volunteer}"
        if peer.speaks_for(cot.uid, None if key is None else f"map:{key}"):
            assert key is not None
            peer.send(delete(uid_of(key), self.picture.clock()))

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
        host, port, _ = server_address(url)
        loop = asyncio.get_running_loop()
        wait = BACKOFF[0]
        while True:
            try:
                _, peer = await loop.create_connection(
                    lambda: Peer(self, "server"), host, port, ssl=self.tak_tls
                )
            except OSError as error:  # ssl.SSLError (a refused certificate) too
                log.warning("TAK server %s: %s; again in %.1f s", url, error, wait)
            else:
                log.info("connected to the TAK server %s", url)
                self.upstream = peer
                why = await peer.closed
                self.upstream = None
                # A TLS server that refuses brigade's certificate says so here.
                log.warning("TAK server %s went away (%s)", url, why or "closed")
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
