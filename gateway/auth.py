"""Who a token names, as this process's credentials view says; and the sockets
opened with each token, closed (4001) when it is revoked or expires.

A token is good when this key ring signed it, it has not expired, and the log
recorded issuing it (to the same role and subject) and not revoking it. Every
gateway process follows the store, so a revocation written by any of them
reaches the views of all of them within the follower's poll (0.5 s), sooner
on PostgreSQL (NOTIFY); each then closes its own sockets of that token.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.websockets import WebSocketState

from gateway.tokens import Expired, Invalid, read

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import WebSocket

    from domain.application import Brigade
    from domain.commands import Actor
    from gateway.keys import KeyRing
    from projections.base import Change
    from projections.follower import Follower

UNAUTHENTICATED = 4001
# A token signed but not (yet) in this process's view may have been issued by
# another process a moment ago: wait this long for the view to catch up first.
CATCH_UP = 2.0
# What a client is told, by reason (`reason` over HTTP, the close reason on a socket).
REASONS = {
    "missing": "send 'Authorization: Bearer <token>' (or ?token= on a WebSocket)",
    "invalid": "the token is not valid here",
    "expired": "the token has expired: ask for a new one",
    "revoked": "the token was revoked: ask for a new one",
}


class Unauthenticated(Exception):
    """No good token; `reason` is one of REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(REASONS[reason])
        self.reason = reason
        self.message = REASONS[reason]


@dataclass(frozen=True)
class Session:
    """A good token: who it names, its id, and when it expires (POSIX seconds)."""

    actor: Actor
    token_id: str
    expires_at: float


class Gate:
    """Checks tokens against the credentials view; closes sockets it revokes."""

    def __init__(self, keys: KeyRing, brigade: Brigade, follower: Follower) -> None:
        self.keys = keys
        self.brigade = brigade
        self.follower = follower
        self.credentials = follower.views["credentials"].rows
        self.sockets: dict[str, set[WebSocket]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._heard = asyncio.Event()  # a credential was folded

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch for revocations; sockets are closed on `loop`."""
        self._loop = loop
        self.follower.deltas.listen(self._changed)

    def stop(self) -> None:
        if self._loop is not None:
            self.follower.deltas.unlisten(self._changed)
            self._loop = None

    async def check(self, token: str) -> Session:
        """The session a token opens; `Unauthenticated` saying why not."""
        if not token:
            raise Unauthenticated("missing")
        try:
            claims = read(self.keys, token)
        except Expired:
            raise Unauthenticated("expired") from None
        except Invalid:
            raise Unauthenticated("invalid") from None
        token_id = str(claims.token_id)
        row = self.credentials.get(token_id)
        if row is None:
            await self._catch_up(token_id)
            row = self.credentials.get(token_id)
        if row is None or (row["role"], row["subject"]) != (
            claims.role.value,
            claims.subject,
        ):
            raise Unauthenticated("invalid")
        if row["revoked_at"] is not None:
            raise Unauthenticated("revoked")
        return Session(claims.actor, token_id, float(claims.expires_at))

    async def _catch_up(self, token_id: str) -> None:
        """Wait (at most CATCH_UP) for the views to hold this token or to reach
        the store's last position, whichever comes first."""
        try:
            head = await asyncio.to_thread(self.brigade.recorder.max_notification_id)
        except Exception:  # the store does not answer: judge by the views as they are
            return
        self.follower.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CATCH_UP
        while token_id not in self.credentials and self.follower.position < (head or 0):
            self._heard.clear()
            left = deadline - loop.time()
            if left <= 0:
                return
            # Woken by a credential folded; other events move the position quietly.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._heard.wait(), min(left, 0.05))

    @contextlib.contextmanager
    def watch(self, socket: WebSocket, session: Session) -> Iterator[None]:
        """While open, `socket` is closed (4001) if its token is revoked or expires."""
        loop = asyncio.get_running_loop()
        watched = self.sockets.setdefault(session.token_id, set())
        watched.add(socket)
        expiry = loop.call_later(
            max(0.0, session.expires_at - time.time()), self._close, socket, "expired"
        )
        # Revoked between the check and now: the view already says so.
        row = self.credentials.get(session.token_id)
        if row is not None and row["revoked_at"] is not None:
            self._close(socket, "revoked")
        try:
            yield
        finally:
            expiry.cancel()
            watched.discard(socket)
            if not watched and self.sockets.get(session.token_id) is watched:
                del self.sockets[session.token_id]

    def _changed(self, changes: list[Change]) -> None:
        """The follower's thread, holding the deltas' lock: hand credentials off."""
        rows = [c for c in changes if c.view == "credentials"]
        if rows and self._loop is not None:
            revoked = [c.key for c in rows if c.row is not None and c.row["revoked_at"]]
            self._loop.call_soon_threadsafe(self._folded, revoked)

    def _folded(self, revoked: list[str]) -> None:
        self._heard.set()
        for token_id in revoked:
            for socket in list(self.sockets.get(token_id, ())):
                self._close(socket, "revoked")

    def _close(self, socket: WebSocket, reason: str) -> None:
        if socket.application_state is WebSocketState.DISCONNECTED:
            return
        task = asyncio.get_running_loop().create_task(sign_out(socket, reason))
        self._closing.add(task)  # held: the loop keeps only a weak reference
        task.add_done_callback(self._closing.discard)


async def sign_out(socket: WebSocket, reason: str) -> None:
    """Close with 4001, saying why (`missing`, `invalid`, `expired`, `revoked`)."""
    if socket.application_state is WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(RuntimeError, OSError):
        await socket.close(code=UNAUTHENTICATED, reason=reason)
