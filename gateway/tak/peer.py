"""One TAK connection, either way: CoT read within bounds, the picture written.

A device that connected to brigade and brigade's own connection to a TAK server
are both a `Peer`. What it reads goes to the bridge one event at a time; what
breaks the rules closes it at once: a document over the size cap or never
ended (`Framer`), a DTD or entity (`parse`: refused before anything expands),
XML that does not parse. Nothing it sent before the bad document is undone,
nothing of the bad one is stored, and no other peer notices.

At most IN_FLIGHT of its commands wait for the writer at a time: documents cut
from one read beyond that wait, unread, until some are stored, and the
connection is not read meanwhile, so a device sending faster than brigade stores
slows down by TCP's own flow control (and what brigade shows stays as fresh as
its store is fast: the queue in front of it is a few reports a device). A peer
that reads the picture slower than it changes gets the latest of each row once
it catches up; one that does not read it at all is closed once BEHIND bytes
wait for it. A peer that stops sending is closed once what it sent is heard.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import deque
from typing import TYPE_CHECKING, Protocol

from gateway.tak.cot import Framer, Refused, parse

if TYPE_CHECKING:
    from gateway.tak.cot import Cot

log = logging.getLogger(__name__)

IN_FLIGHT = 8
# A device's receive window: a report or two (ATAK sends one a second or so),
# so that a flood waits at the device, not in brigade's kernel, and the picture
# is as old as the store is slow, no older: the reports waiting in front of the
# store are about (IN_FLIGHT + a window's worth) per device. With 8 KB (16 KB
# held by the kernel, 39 reports a device) the picture's age grew through a
# flood on a slow machine (brigade bench cot, 200 devices: p99 7.2 s after 20 s);
# with 2 KB it held at p99 2.6 s. The kernel prunes and resends now and then at
# 2 KB (RcvPruned), which costs a retransmit, not a report.
RECEIVE_BUFFER = 2048
BEHIND = 8 * 1024 * 1024
WRITE_HIGH = 256 * 1024


class Hub(Protocol):
    """What a peer reports to (the bridge)."""

    def joined(self, peer: Peer) -> None: ...

    def left(self, peer: Peer) -> None: ...

    def hear(self, cot: Cot, peer: Peer) -> None: ...

    def refused(self, peer: Peer, why: Refused) -> None: ...

    def caught_up(self, peer: Peer, count: int) -> None: ...


class Peer(asyncio.Protocol):
    def __init__(self, hub: Hub, origin: str = "device") -> None:
        self.hub = hub
        self.origin = origin  # "device" or "server"
        self.framer = Framer()
        self.transport: asyncio.Transport | None = None
        self.name = "?"
        self.owed = 0
        self.paused = False
        # Documents cut from the stream, heard as commands settle (IN_FLIGHT).
        self.unheard: deque[bytes] = deque()
        self.hearing = False
        # Set when the connection ends: with what ended it, if anything did.
        self.closed: asyncio.Future[Exception | None] = (
            asyncio.get_running_loop().create_future()
        )
        # The loop's time since a document was begun but not ended, if one is.
        self.partial_since: float | None = None
        # Set while the transport holds more than WRITE_HIGH bytes unsent, and
        # the latest picture of each row held back meanwhile.
        self.behind = False
        self.held: dict[str, bytes] = {}
        # The picture's rows this peer draws itself: a device's own volunteer
        # (ATAK draws itself), every volunteer whose device reports through a
        # TAK server. By the device uid that speaks for each, and as a set.
        self.own: dict[str, str] = {}
        self.skip: frozenset[str] = frozenset()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        # Past this much unsent picture the peer is behind (`offer`).
        transport.set_write_buffer_limits(high=WRITE_HIGH)
        sock = transport.get_extra_info("socket")
        if self.origin == "device" and sock is not None:
            # A device's reports wait at the device, not in brigade's kernel, when
            # it sends faster than they are stored: what brigade shows stays fresh.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        address = transport.get_extra_info("peername")
        self.name = f"{address[0]}:{address[1]}" if address else "?"
        self.hub.joined(self)

    def data_received(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        try:
            self.unheard.extend(self.framer.feed(data))
        except Refused as why:
            self.refuse(why)
            return
        self.hear_unheard()
        if self.framer.pending:
            if self.partial_since is None:
                self.partial_since = asyncio.get_running_loop().time()
        else:
            self.partial_since = None

    def refuse(self, why: Refused) -> None:
        """Close the connection for what it sent; the rest of brigade goes on."""
        if self.transport is None or self.transport.is_closing():
            return
        log.warning(
            "TAK %s %s closed: %s (%s)", self.origin, self.name, why.reason, why
        )
        self.hub.refused(self, why)
        self.transport.abort()

    def eof_received(self) -> bool:
        return False  # the other side is done sending: close (the rest is heard)

    def connection_lost(self, exc: Exception | None) -> None:
        # What the device sent whole before it went is heard: it was delivered.
        # At most one read's worth waits (the receive window).
        self.hear_unheard(all_of_it=True)
        log.debug("TAK %s %s gone (%s)", self.origin, self.name, exc or "closed")
        self.hub.left(self)
        if not self.closed.done():
            self.closed.set_result(exc)

    def hear_unheard(self, *, all_of_it: bool = False) -> None:
        """Hand the bridge what was cut from the stream, while fewer than IN_FLIGHT
        commands wait (or `all_of_it`); what is left waits for `settled`."""
        if self.hearing:  # the bridge answered within hear: one loop hears all
            return
        self.hearing = True
        try:
            while self.unheard and (all_of_it or self.owed < IN_FLIGHT):
                self.hub.hear(parse(self.unheard.popleft()), self)
        except Refused as why:
            self.unheard.clear()
            self.refuse(why)
        finally:
            self.hearing = False

    def owe(self) -> None:
        """One more command of this peer's with the writer."""
        self.owed += 1
        if self.owed >= IN_FLIGHT and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def settled(self) -> None:
        self.owed -= 1
        self.hear_unheard()
        idle = self.owed <= IN_FLIGHT // 2 and not self.unheard
        if self.paused and idle and self.transport is not None:
            self.paused = False
            if not self.transport.is_closing():
                self.transport.resume_reading()

    def offer(self, pieces: list[tuple[str, bytes]]) -> int:
        """Send the picture's changes now, or, while the peer is behind, keep only
        the latest of each row until it catches up: how many were written now.

        A TAK client wants where things are, not every step on the way: a reader
        slower than the picture gets fewer, fresher updates, not a growing queue.
        """
        if self.skip:
            pieces = [piece for piece in pieces if piece[0] not in self.skip]
            if not pieces:
                return 0
        if self.behind:
            self.held.update(pieces)
            return 0
        self.send(b"".join(piece for _, piece in pieces))
        return len(pieces)

    def speaks_for(self, uid: str, row: str | None) -> bool:
        """Device `uid` draws picture row `row` on this peer (None: no longer);
        whether that is new, so the row's marker is to be withdrawn here."""
        if self.own.get(uid) == row:
            return False
        if row is None:
            del self.own[uid]
        else:
            self.own[uid] = row
        self.skip = frozenset(self.own.values())
        return row is not None

    def pause_writing(self) -> None:
        self.behind = True

    def resume_writing(self) -> None:
        self.behind = False
        held, self.held = self.held, {}
        if held:
            self.send(b"".join(held.values()))
            self.hub.caught_up(self, len(held))

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(data)
        if transport.get_write_buffer_size() > BEHIND:
            self.refuse(Refused("too_slow", f"over {BEHIND} bytes of picture unread"))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()
