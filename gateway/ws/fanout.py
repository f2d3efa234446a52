"""Live deltas to every subscriber of a process: each frame encoded once, sent by each.

One `Fanout` per process listens to the views' deltas. The follower hands it each
published batch (one thread-safe wake-up for however many arrive meanwhile); its
task on the event loop builds one frame per audience (views, operation, format)
from everything published since its last round, encodes it once, and offers the
same bytes to every connection of that audience, letting the loop turn every 256
connections so commands keep flowing in while a frame goes out.

A frame is also framed once: under uvicorn's sans-I/O protocol, with no
compression negotiated, a server's frame is the same bytes on every connection,
so each connection whose transport takes it gets those bytes written directly
(`websockets.broadcast` frames every copy afresh; this is the fan-out's hot loop).
How, and what of uvicorn that reads, is in `gateway/ws/transport.py`; each
connection counts the frames it wrote directly and those it sent through the
protocol's `send`.

Each `Connection` writes a frame at once while its socket takes it; once a send
has to wait (the peer reads slowly), later frames queue, bounded, behind it, so a
slow client delays only itself. When its queue overflows it is dropped
(`Connection.drop`): its sender is cancelled and its queue freed, a 4008 close
is sent if the transport will still take it, and if after a short grace anything
is still waiting to go out, the transport is aborted with a reset, so a stalled
socket and its buffers are really gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from fastapi import WebSocketDisconnect
from websockets.protocol import State

from gateway.ws.common import encode
from gateway.ws.transport import (
    WIRE,
    cut,
    plain_protocol,
    server_send,
    transport_of,
    wire_message,
)
from projections import mine
from projections.catalog import belongs
from projections.deltas import delta

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from fastapi import WebSocket
    from starlette.types import Send

    from projections.base import Change
    from projections.deltas import DeltaLog

HEARTBEAT = 20.0
TOO_SLOW = 4008
# How long a dropped client gets to read the close frame before the transport goes.
CLOSE_GRACE = 2.0
# Connections sent to between two turns of the event loop.
YIELD_EVERY = 256

# Views, operation (for /ws/me: the volunteer's row prefix), msgpack?
Audience = tuple[frozenset[str], str | None, bool]


class Connection:
    """One subscriber: frames go out at once, or queue (bounded) behind a stuck send."""

    __slots__ = (
        "_send",
        "audience",
        "backlog",
        "cut",
        "direct",
        "gone",
        "on_drop",
        "seen",
        "sender",
        "sent_through_send",
        "size",
        "socket",
        "too_slow",
        "written_directly",
    )

    def __init__(
        self,
        socket: WebSocket,
        audience: Audience,
        size: int,
        on_drop: Callable[[], None] = lambda: None,
    ) -> None:
        self.socket = socket
        self.audience = audience
        self.size = size
        self.on_drop = on_drop
        self.backlog: deque[dict[str, Any]] | None = None  # made when first needed
        self.seen = 0  # the last batch of the fanout this connection has (or skips)
        self.too_slow = False
        self.gone = False
        # The task finishing a send that had to wait, and the backlog behind it.
        self.sender: asyncio.Task[None] | None = None
        self.cut: asyncio.Task[None] | None = None
        self._send: Send = server_send(socket) or socket.send
        # The server's protocol, when frames may be written past it (else None).
        self.direct = plain_protocol(self._send)
        # Frames written by `direct`, and frames sent through the server's `send`.
        self.written_directly = 0
        self.sent_through_send = 0

    def offer(self, outgoing: dict[str, Any]) -> None:
        """Send an ASGI message now or queue it; a client too far behind is dropped."""
        if self.too_slow or self.gone:
            return
        if self.sender is None:
            direct, wire = self.direct, outgoing.get(WIRE)
            # What the protocol's send would write, framed once for everyone,
            # while its send would write at once. These are uvicorn's attributes
            # that transport.DIRECT_NEEDS lists (and tests check): read here, not
            # through a function, as a call per connection cost 5% of a round.
            if (
                direct is not None
                and wire is not None
                and direct.writable.is_set()
                and not direct.close_sent
                and not direct.disconnected
                and direct.conn.state is State.OPEN
                and not direct.transport.is_closing()
            ):
                self.written_directly += 1  # first: a reader may look on arrival
                direct.transport.write(wire)
                return
            self._send_now(outgoing)
        elif self.backlog is None:
            self.backlog = deque((outgoing,))
        elif len(self.backlog) >= self.size:
            self.drop()
        else:
            self.backlog.append(outgoing)

    def _send_now(self, outgoing: dict[str, Any]) -> None:
        """Run the send until it first has to wait; only then hand it to a task.

        A send to a socket whose buffer has room never waits (the server writes to
        the transport and returns), so most frames cost no task at all: what
        Python 3.12's eager tasks do, by hand.
        """
        self.sent_through_send += 1
        step = cast("Coroutine[Any, Any, None]", self._send(outgoing))
        try:
            waiting = step.send(None)
        except StopIteration:
            return
        except (OSError, RuntimeError, WebSocketDisconnect):
            self.gone = True  # the handler's receive notices the disconnect
            return
        self.sender = asyncio.create_task(self._finish(step, waiting))

    async def _finish(self, step: Coroutine[Any, Any, None], waiting: Any) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                # Wait for what the send is waiting for, then step it on. (Not by
                # awaiting that future here: it was yielded to us, not to a task.)
                resume = loop.create_future()
                if waiting is None:  # a bare yield: give way once
                    loop.call_soon(_settle, resume, None)
                else:
                    waiting.add_done_callback(partial(_settle, resume))
                try:
                    await resume
                except BaseException:
                    step.close()
                    raise
                try:
                    waiting = step.send(None)
                except StopIteration:
                    break
            while self.backlog:
                self.sent_through_send += 1
                await self._send(self.backlog.popleft())
            self.backlog = None
        except (OSError, RuntimeError, WebSocketDisconnect):
            self.gone = True
        finally:
            self.sender = None

    def drop(self) -> None:
        """Too slow: stop sending, free the queue, close (4008) or cut the socket."""
        self.too_slow = True
        self.backlog = None
        if self.sender is not None:
            self.sender.cancel()
        self.cut = asyncio.create_task(self._close_or_cut())
        self.on_drop()

    async def _close_or_cut(self) -> None:
        transport = transport_of(self.socket)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_GRACE
        # The close waits while the transport is paused for writing (the peer's
        # buffers are full); if it goes out, the peer still has to read up to it.
        with contextlib.suppress(
            TimeoutError, OSError, WebSocketDisconnect, RuntimeError
        ):
            async with asyncio.timeout_at(deadline):
                await self.socket.close(code=TOO_SLOW, reason="too slow")
        await asyncio.sleep(max(0.0, deadline - loop.time()))
        if transport is not None and transport.get_write_buffer_size():
            cut(transport)


def _settle(resume: asyncio.Future[None], _done: object) -> None:
    if not resume.done():
        resume.set_result(None)


class Fanout:
    """The live connections of one process, fed by one listener on the deltas.

    Made with the process's other parts; `start` on the event loop that serves
    the sockets, `stop` when it shuts down.
    """

    def __init__(self, deltas: DeltaLog) -> None:
        self.deltas = deltas
        self.audiences: dict[Audience, set[Connection]] = {}
        self.batch = 0  # batches received; written under deltas.lock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[int, list[Change]]] = []
        self._lock = threading.Lock()
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.TimerHandle | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the live fan-out has not been started")
        return self._loop

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Listen to the deltas and send them on `loop` until `stop`."""
        self._loop = loop
        self._sender = loop.create_task(self._send_batches())
        self.deltas.listen(self._receive)

    def stop(self) -> None:
        if self._loop is None:
            return
        self.deltas.unlisten(self._receive)
        if self._sender is not None:
            self._sender.cancel()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None

    def join(self, connection: Connection, batch: int) -> None:
        """Send this connection every batch after `batch` (it has the rest)."""
        connection.seen = batch
        members = self.audiences.get(connection.audience)
        if members is None:
            members = self.audiences[connection.audience] = set()
        else:  # share one key among the audience's connections
            connection.audience = next(iter(members)).audience
        members.add(connection)
        if self._heartbeat is None:
            self._heartbeat = self.loop.call_later(HEARTBEAT, self._beat)

    def leave(self, connection: Connection) -> None:
        members = self.audiences.get(connection.audience)
        if members is not None:
            members.discard(connection)
            if not members:
                del self.audiences[connection.audience]
        if not self.audiences and self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None

    def _receive(self, changes: list[Change]) -> None:
        """The follower's thread, holding deltas.lock: hand off, one wake-up."""
        self.batch += 1
        if not self.audiences:
            # Nobody to send to; who joins later (under deltas.lock, as this
            # runs) starts after this batch.
            return
        with self._lock:
            self._pending.append((self.batch, changes))
            wake = len(self._pending) == 1
        if wake:
            self.loop.call_soon_threadsafe(self._wake.set)

    async def _send_batches(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            with self._lock:
                batches, self._pending = self._pending, []
            if batches:
                await self._fan_out(batches)

    async def _fan_out(self, batches: list[tuple[int, list[Change]]]) -> None:
        """Everything published since the last round, one frame per audience."""
        first, last = batches[0][0], batches[-1][0]
        offered = 0
        # The phones' own changes, by volunteer, sorted once for every phone.
        owned: dict[str, list[Change]] | None = None
        for audience, members in list(self.audiences.items()):
            shared: dict[str, Any] | None = None
            for connection in list(members):
                if connection.seen >= last:
                    continue
                if connection.seen < first:
                    if shared is None:
                        if owned is None and audience[0] == mine.VIEWS:
                            owned = by_owner(batches)
                        shared = self._frame(audience, batches, owned) or {}
                    outgoing = shared
                else:  # joined while these were on their way: only what it lacks
                    later = [b for b in batches if b[0] > connection.seen]
                    outgoing = self._frame(audience, later) or {}
                connection.seen = last
                if outgoing:
                    connection.offer(outgoing)
                offered += 1
                if offered % YIELD_EVERY == 0:
                    # Let the loop read commands meanwhile: the next batch is then
                    # decided and folded while this one is still going out.
                    await asyncio.sleep(0)

    @staticmethod
    def _frame(
        audience: Audience,
        batches: list[tuple[int, list[Change]]],
        owned: dict[str, list[Change]] | None = None,
    ) -> dict[str, Any] | None:
        views, operation_id, binary = audience
        if views == mine.VIEWS:  # a volunteer's phone (/ws/me): their rows only
            if owned is None:
                owned = by_owner(batches)
            mine_now = owned.get(operation_id, []) if operation_id else []
            changes = [me_wire(c) for c in mine_now]
        else:
            changes = [
                delta(c)
                for _, batch in batches
                for c in batch
                if c.view in views and belongs(c.row, operation_id)
            ]
        if not changes:
            return None
        return wire_message(encode({"type": "deltas", "changes": changes}, binary))

    def _beat(self) -> None:
        frame = {"type": "heartbeat", "position": self.deltas.position}
        encoded = {
            binary: wire_message(encode(frame, binary)) for binary in (False, True)
        }
        for (_, _, binary), members in self.audiences.items():
            for connection in list(members):
                connection.offer(encoded[binary])
        self._heartbeat = self.loop.call_later(HEARTBEAT, self._beat)


def by_owner(batches: list[tuple[int, list[Change]]]) -> dict[str, list[Change]]:
    """The `mine` view's changes of these batches, in order, by volunteer prefix.

    One pass for every phone: each is its own audience, so a thousand phones
    must not each scan every change of a busy batch.
    """
    owned: dict[str, list[Change]] = {}
    for _, batch in batches:
        for change in batch:
            if change.view == mine.NAME:
                owner = change.key.partition("/")[0] + "/"
                owned.setdefault(owner, []).append(change)
    return owned


def me_wire(change: Change) -> dict[str, Any]:
    """A change of a volunteer's own row as /ws/me sends it (gateway/ws/me.py)."""
    return {
        "view": "me",
        "position": change.position,
        "key": mine.wire_key(change.key),
        "row": change.row,
    }
