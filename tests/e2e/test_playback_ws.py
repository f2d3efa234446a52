"""Playback over a real WebSocket: a recorded operation, played back and sought.

The store holds a recorded typhoon morning (the benchmark's workload: 150
volunteers reporting positions every 5 s, incidents worked); a real server plays
it to a real client, whose rows are checked against the log folded afresh here.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgpack
import pytest
from conftest import serving
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.rebuild import fill
from domain.application import Brigade
from domain.store.config import store_env
from domain.types import Role
from gateway.settings import Settings
from projections.catalog import all_views, fold
from projections.deltas import coalesced
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api
    from websockets.sync.client import ClientConnection

    from projections.base import Change

EVENTS = 4_000
Rows = dict[str, dict[str, Any]]


@pytest.fixture
def recorded(store_url: str, tmp_path: Path) -> Iterator[tuple[Api, Brigade]]:
    """A server on a store holding a recorded operation, and the store itself."""
    brigade = Brigade(env=store_env(store_url, tmp_path))
    fill(brigade, EVENTS)
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test"
    )
    try:
        with serving(settings) as api:
            yield api, brigade
    finally:
        brigade.close()


def playback(api: Api, fmt: str = "json", token: str | None = None) -> ClientConnection:
    token = api.bearer(Role.OBSERVER, "review") if token is None else token
    url = api.url.replace("http://", "ws://")
    # A snapshot of 150 volunteers' tracks is over websockets' default 1 MiB.
    return connect(
        f"{url}/ws/playback?token={token}&format={fmt}",
        open_timeout=10,
        max_size=2**24,
    )


def frame(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    data = ws.recv(timeout=timeout)
    found: dict[str, Any] = (
        msgpack.unpackb(data) if isinstance(data, bytes) else json.loads(data)
    )
    return found


def until(ws: ClientConnection, kind: str, state: str | None = None) -> list[Any]:
    """Frames up to and including the first of this kind (and playback state)."""
    frames = []
    while True:
        found = frame(ws)
        frames.append(found)
        if found["type"] == kind and state in (None, found.get("state")):
            return frames


def apply(rows: Rows, frames: list[dict[str, Any]]) -> None:
    """What a client does with live frames: take snapshots, apply changes by key."""
    for found in frames:
        if found["type"] == "snapshot":
            rows[found["view"]] = dict(found["rows"])
        elif found["type"] == "deltas":
            for change in found["changes"]:
                if change["row"] is None:
                    rows[change["view"]].pop(change["key"], None)
                else:
                    rows[change["view"]][change["key"]] = change["row"]


def folded(brigade: Brigade, views: list[str], upto: int | None = None) -> list[Change]:
    """Every change the log makes to these views, folded here from the start."""
    notifications = brigade.recorder.select_notifications(
        start=0, limit=100_000, stop=upto
    )
    events = [(n.id, brigade.mapper.to_domain_event(n)) for n in notifications]
    return [c for c in fold(all_views(), events) if c.view in views]


def rows_after(changes: list[Change], views: list[str]) -> Rows:
    rows: Rows = {name: {} for name in views}
    for change in changes:
        if change.row is None:
            rows[change.view].pop(change.key, None)
        else:
            rows[change.view][change.key] = change.row
    return rows


def test_playback_at_100x_delivers_every_delta_in_order(
    recorded: tuple[Api, Brigade],
) -> None:
    api, brigade = recorded
    views = ["board", "map", "stats"]
    expected = folded(brigade, views)
    started = time.monotonic()
    with playback(api) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": views, "speed": 100}))
        frames = until(ws, "playback", "ended")
    took = time.monotonic() - started

    snapshots = [f for f in frames if f["type"] == "snapshot"]
    assert [(s["view"], s["position"], s["rows"]) for s in snapshots] == [
        (name, 0, {}) for name in sorted(views)
    ]
    sent = [c for f in frames if f["type"] == "deltas" for c in f["changes"]]
    positions = [c["position"] for c in sent]
    assert positions == sorted(positions)
    # Every change, in order; a volunteer's point and track at most once a frame.
    assert [
        (c["view"], c["position"], c["key"], c["row"])
        for c in sent
        if not c["key"].startswith(("volunteer:", "track:"))
    ] == [
        (c.view, c.position, c.key, c.row)
        for c in expected
        if not coalesced(c) and c.view in views
    ]
    # After every frame the client holds exactly the views at that frame's end.
    client: Rows = {}
    done = 0
    for found in frames:
        apply(client, [found])
        if found["type"] == "deltas":
            end = found["changes"][-1]["position"]
            while done < len(expected) and expected[done].position <= end:
                done += 1
            assert client == rows_after(expected[:done], views)
    assert frames[-1]["position"] == brigade.recorder.max_notification_id()
    # Paced by field time: the morning's span at 100x is a lower bound on the time.
    first = brigade.recorder.select_notifications(start=0, limit=1)[0]
    began: datetime = brigade.mapper.to_domain_event(first).occurred_at  # type: ignore[attr-defined]
    span = datetime.fromisoformat(frames[-1]["field_time"]) - began
    assert span.total_seconds() > 30
    assert took >= span.total_seconds() / 100


def test_seek_lands_on_the_state_time_travel_gives(
    recorded: tuple[Api, Brigade],
) -> None:
    api, brigade = recorded
    head = brigade.recorder.max_notification_id() or 0
    views = ["board", "map", "roster", "stats"]
    travel = TimeTravel(brigade)
    with playback(api, fmt="msgpack") as ws:
        ws.send(
            json.dumps(
                {"type": "subscribe", "views": views, "position": 0, "paused": True}
            )
        )
        until(ws, "playback", "paused")
        target = head * 2 // 3
        ws.send(json.dumps({"type": "seek", "position": target}))
        frames = until(ws, "playback", "paused")
        assert frames[0] == {"type": "reset", "position": target, "reason": "seek"}
        client: Rows = {}
        apply(client, frames)
        assert client == rows_after(folded(brigade, views, upto=target), views)

        # By field time, and playing on from there.
        field_time = travel.at(position=head // 2).as_of
        assert field_time is not None
        ws.send(json.dumps({"type": "seek", "field_time": field_time.isoformat()}))
        frames = until(ws, "playback", "paused")
        moment = travel.at(field_time=field_time)
        assert frames[0]["position"] == moment.position
        client = {}
        apply(client, frames)
        assert client == {name: moment.rows(name) for name in views}
        ws.send(json.dumps({"type": "speed", "speed": 1000}))
        ws.send(json.dumps({"type": "resume"}))
        frames = until(ws, "deltas")
        assert frames[-1]["changes"][0]["position"] > moment.position


def test_pause_stops_the_frames_and_resume_starts_them_again(
    recorded: tuple[Api, Brigade],
) -> None:
    api, _ = recorded
    with playback(api) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["map"], "speed": 20}))
        until(ws, "playback", "playing")
        until(ws, "deltas")  # the setup, played at once
        until(ws, "deltas")  # then a tick of positions every 5 s of field time
        ws.send(json.dumps({"type": "pause"}))
        paused = until(ws, "playback", "paused")[-1]
        with pytest.raises(TimeoutError):
            frame(ws, timeout=1.0)  # at 20x, four ticks would have come by now
        ws.send(json.dumps({"type": "resume"}))
        assert until(ws, "playback", "playing")[-1]["position"] == paused["position"]
        more = until(ws, "deltas")[-1]
        assert more["changes"][0]["position"] > paused["position"]


@pytest.mark.parametrize(
    "request_",
    [
        {"type": "subscribe", "views": ["nonsense"]},
        {"type": "subscribe", "views": []},
        {"type": "subscribe", "views": ["board"], "position": "yesterday"},
        {"type": "subscribe", "views": ["board"], "speed": 5000},
        {"type": "subscribe", "views": ["board"], "field_time": "2023-07-28T10:42"},
        {"type": "subscribe", "views": ["board"], "position": 10**9},
        {"type": "dance"},
        "not json",
        b"\x93\x01\x02\x03",
    ],
)
def test_a_bad_subscription_gets_the_live_sockets_error(
    api: Api, request_: dict[str, Any] | str | bytes
) -> None:
    with playback(api) as ws:
        ws.send(request_ if isinstance(request_, str | bytes) else json.dumps(request_))
        error = frame(ws)
        assert error["type"] == "error" and error["code"] == "bad_subscribe"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


@pytest.mark.parametrize(
    "control",
    [
        {"type": "seek"},
        {"type": "seek", "position": 10**9},
        {"type": "speed", "speed": 0.5},
        {"type": "rewind"},
    ],
)
def test_a_bad_control_frame_gets_an_error_and_a_close(
    api: Api, control: dict[str, Any]
) -> None:
    with playback(api) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["board"], "paused": True}))
        until(ws, "playback", "paused")
        ws.send(json.dumps(control))
        error = frame(ws)
        assert error["type"] == "error" and error["code"] == "bad_control"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


@pytest.mark.parametrize("token", ["", "forged"])
def test_without_a_good_token_the_socket_is_closed(api: Api, token: str) -> None:
    with playback(api, token=token) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
