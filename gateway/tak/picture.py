"""Brigade's live picture as CoT: each changed row rendered once, sent to every peer.

The picture is made of sources, each reading some views and saying how a row of
them reads as CoT (`Source`). `MapSource` draws the live map: incidents as
markers, volunteers on shift, guided routes and cleared roads as lines. Another
source (risk warnings as polygons, say) plugs in with `Picture.add`.

A peer that joins gets every row as it stands, rendered under the views' lock
with their position, then every change after that position. Changes reach the
event loop in one wake-up however many the follower publishes meanwhile; each is
rendered once and the same bytes go to every peer. Volunteers' positions arrive
coalesced by the delta log (at most once a window each), as on the live socket.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from gateway.tak import cot
from gateway.tak.inbound import INCIDENT_UID

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Iterable

    from projections.base import Change, Row
    from projections.deltas import DeltaLog


class Source(Protocol):
    """One part of the picture: the views it reads, and how one row reads as CoT."""

    views: tuple[str, ...]

    def render(
        self, view: str, key: str, row: Row | None, now: datetime, *, joining: bool
    ) -> bytes | None:
        """The row (None: removed) as one CoT event, or None if not in the picture.

        `joining`: for a peer that has just joined, which needs no word of rows
        already gone (a resolved incident, a volunteer off shift).
        """
        ...


class Recipient(Protocol):
    def send(self, data: bytes) -> None: ...

    def offer(self, pieces: list[tuple[str, bytes]]) -> int:
        """Take these events (keyed by row); how many went out now."""
        ...


# How long a marker stands on a TAK client's map unless brigade says otherwise.
MARKER_STALE = timedelta(days=1)
# A volunteer whose device falls silent is greyed out after this.
POSITION_STALE = timedelta(minutes=15)
# Affiliation by severity: ATAK draws hostile red, unknown yellow, neutral green.
AFFILIATION = {5: "h", 4: "h", 3: "u", 2: "n", 1: "n"}
GONE = frozenset({"resolved", "closed"})
ROUTE_COLOUR = {"route": -16711936, "road": -16776961}  # ARGB: green, blue
_MAP_KEYS = ("incident:", "volunteer:", "route:", "road:")


def uid_of(key: str) -> str:
    """The CoT uid of a map row: `incident:<id>` is `brigade.incident.<id>`."""
    return "brigade." + key.replace(":", ".")


def delete(uid: str, now: datetime) -> bytes:
    """Tell TAK clients a marker is gone (`t-x-d-d`, as TAK servers do)."""
    return cot.event(
        uid=f"{uid}.delete",
        type="t-x-d-d",
        time=now,
        stale=now + timedelta(minutes=1),
        lat=0.0,
        lon=0.0,
        detail=f"<link uid={cot.attr(uid)} relation='none' type='none'/>"
        "<__forcedelete/>",
    )


class MapSource:
    """The live map (`map` view): incidents, volunteers on shift, routes, roads."""

    views: tuple[str, ...] = ("map",)

    def render(
        self,
        view: str,  # noqa: ARG002 (one view: the map)
        key: str,
        row: Row | None,
        now: datetime,
        *,
        joining: bool,
    ) -> bytes | None:
        if row is None:
            if joining or not key.startswith(_MAP_KEYS):
                return None
            return delete(uid_of(key), now)
        props = row["properties"]
        layer = props.get("layer")
        if layer == "incident":
            return incident(key, row, now, joining=joining)
        if layer == "volunteer":
            return volunteer(key, row, now, joining=joining)
        if layer in ROUTE_COLOUR:
            return line(key, row, now)
        return None


def incident(key: str, row: Row, now: datetime, *, joining: bool) -> bytes | None:
    props = row["properties"]
    gone = props["status"] in GONE
    if gone and joining:
        return None
    lon, lat = row["geometry"]["coordinates"]
    kind, severity, status = props["kind"], props["severity"], props["status"]
    address = props.get("address") or ""
    remarks = (
        f"brigade incident: {kind}, severity {severity} of 5, {status}"
        + (f", {address}" if address else "")
        + f", operation {props['operation_id']}"
    )
    callsign = f"{kind.replace('_', ' ')} {severity}" + (
        f" {address}" if address else ""
    )
    uid = uid_of(key)
    return cot.event(
        uid=uid,
        type=f"a-{AFFILIATION.get(severity, 'u')}-G",
        time=now,
        stale=now if gone else now + MARKER_STALE,
        lat=lat,
        lon=lon,
        detail=(
            f"<contact callsign={cot.attr(callsign[:80])}/>"
            f"<remarks>{cot.text(remarks)}</remarks>"
            f"<brigade kind={cot.attr(kind)} severity='{int(severity)}' "
            f"status={cot.attr(status)} operation={cot.attr(props['operation_id'])}/>"
            # ATAK opens a chat room of this id from the marker: brigade hears it.
            f"<__chat id={cot.attr(uid)} chatroom={cot.attr(callsign[:80])}/>"
            "<archive/>"
        ),
    )


def volunteer(key: str, row: Row, now: datetime, *, joining: bool) -> bytes | None:
    props = row["properties"]
    off = props.get("status") == "off_duty"
    if off and joining:
        return None
    lon, lat = row["geometry"]["coordinates"]
    at = _when(props.get("at")) or now
    heading, speed = props.get("heading"), props.get("speed")
    track = ""
    if heading is not None or speed is not None:
        track = f"<track course='{heading or 0.0:.1f}' speed='{speed or 0.0:.2f}'/>"
    status = props.get("status", "")
    incident_id = props.get("incident_id")
    remarks = f"brigade volunteer: {status}" + (
        f", incident {incident_id}" if incident_id else ""
    )
    body = cot.event(
        uid=uid_of(key),
        type="a-f-G-U-C",
        how="m-g",
        time=now,
        stale=now if off else now + POSITION_STALE,
        lat=lat,
        lon=lon,
        detail=(
            f"<contact callsign={cot.attr(props.get('name') or 'volunteer')}/>"
            "<__group name='Cyan' role='Team Member'/>"
            f"{track}<remarks>{cot.text(remarks)}</remarks>"
            f"<brigade status={cot.attr(status)}/>"
        ),
    )
    # `start` is when the position was taken: how old the picture is at a device.
    return body.replace(
        f"start='{cot.stamp(now)}'".encode(), f"start='{cot.stamp(at)}'".encode(), 1
    )


def line(key: str, row: Row, now: datetime) -> bytes:
    props = row["properties"]
    coordinates = row["geometry"]["coordinates"]
    lon, lat = coordinates[0]
    links = "".join(f"<link point='{y:.7f},{x:.7f}'/>" for x, y in coordinates)
    layer = props["layer"]
    name = "route" if layer == "route" else "cleared road"
    note = props.get("note") or ""
    return cot.event(
        uid=uid_of(key),
        type="u-d-f",
        time=now,
        stale=now + MARKER_STALE,
        lat=lat,
        lon=lon,
        detail=(
            f"{links}<contact callsign={cot.attr(f'{name} {note}'.strip()[:80])}/>"
            f"<strokeColor value='{ROUTE_COLOUR[layer]}'/><strokeWeight value='4.0'/>"
            f"<remarks>{cot.text(f'brigade {name} to {INCIDENT_UID}')}"
            f"{cot.text(str(props.get('incident_id', '')))}</remarks>"
            "<labels_on value='true'/>"
        ),
    )


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _now() -> datetime:
    return datetime.now(UTC)


class Picture:
    """The rows of every source as CoT, to every recipient, current as the views."""

    def __init__(
        self,
        deltas: DeltaLog,
        sources: Iterable[Source] = (),
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.deltas = deltas
        self.clock = clock
        self._sources: dict[str, list[Source]] = {}
        for source in sources:
            self.add(source)
        # Recipients and the position each joined at (changes up to it skipped).
        self.recipients: dict[Recipient, int] = {}
        self._pending: list[Change] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.messages = 0  # CoT events written, counted per recipient

    def add(self, source: Source) -> None:
        """Plug another part into the picture (before `start`)."""
        for view in source.views:
            self._sources.setdefault(view, []).append(source)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.deltas.listen(self._hear)

    def stop(self) -> None:
        if self._loop is not None:
            self.deltas.unlisten(self._hear)
            self._loop = None

    def join(self, recipient: Recipient) -> None:
        """Send the whole picture as it stands; later changes follow."""
        now = self.clock()
        with self.deltas.lock:
            pieces = []
            position = 0
            for view, sources in self._sources.items():
                if view not in self.deltas.views:
                    continue
                source_view = self.deltas.views[view]
                position = max(position, source_view.position)
                for key, row in source_view.rows.items():
                    for source in sources:
                        piece = source.render(view, key, row, now, joining=True)
                        if piece is not None:
                            pieces.append(piece)
            self.recipients[recipient] = position
        if pieces:
            recipient.send(b"".join(pieces))
            self.messages += len(pieces)

    def leave(self, recipient: Recipient) -> None:
        self.recipients.pop(recipient, None)

    def _hear(self, changes: list[Change]) -> None:
        # On the follower's thread, holding the deltas' lock: only hand over.
        mine = [change for change in changes if change.view in self._sources]
        loop = self._loop
        if not mine or loop is None:
            return
        with self._lock:
            first = not self._pending
            self._pending.extend(mine)
        if first:
            loop.call_soon_threadsafe(self._round)

    def _round(self) -> None:
        with self._lock:
            changes, self._pending = self._pending, []
        if not changes:
            return
        now = self.clock()
        pieces: list[tuple[int, str, bytes]] = []
        for change in changes:
            for source in self._sources[change.view]:
                piece = source.render(
                    change.view, change.key, change.row, now, joining=False
                )
                if piece is not None:
                    pieces.append(
                        (change.position, f"{change.view}:{change.key}", piece)
                    )
        if not pieces:
            return
        every = [(row, piece) for _, row, piece in pieces]
        first = min(position for position, _, _ in pieces)
        for recipient, joined_at in list(self.recipients.items()):
            if joined_at < first:
                self.messages += recipient.offer(every)
                continue
            later = [(row, piece) for at, row, piece in pieces if at > joined_at]
            if later:
                self.messages += recipient.offer(later)

    def describe(self) -> dict[str, Any]:
        return {"recipients": len(self.recipients), "messages": self.messages}
