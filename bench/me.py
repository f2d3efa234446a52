"""`brigade bench me`: from a dispatch to the dispatched volunteer's phone, over /ws/me.

A real `brigade serve` (embedded store); `--phones` volunteers on shift, each
with their own channel open (/ws/me, a volunteer token each), and one command
centre on /ws/live watching the board. Dispatches are sent over HTTP, one after
another to a different volunteer and incident each; every latency is measured
from just before the POST to the moment the phone holds the assignment row. The
baseline, from the same dispatches: the moment the command centre's board shows
the volunteer dispatched, the live socket every client already has.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import websockets

from bench.server import brigade_server, commander_token, issue
from domain.types import Role

LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def run(*, quick: bool, phones: int | None = None) -> int:
    count = phones or (50 if quick else 200)
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        data = Path(tmp) / "data"
        token = commander_token(data)
        with brigade_server(data, BRIGADE_SECRET="bench") as (base, _):
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                print(f"setting up {count} volunteers and incidents ...", flush=True)
                world = setup(http, count)
            phone_ms, board_ms = asyncio.run(measure(base, token, world))
    report(phone_ms, board_ms)
    return 0


def setup(http: httpx.Client, count: int) -> dict[str, Any]:
    def ok(command: str, **body: Any) -> dict[str, Any]:
        answer = http.post(f"/commands/{command}", json=body)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()["result"]
        return result

    operation = ok("OpenOperation", name="bench", kind="typhoon")["operation_id"]
    pairs = []
    for n in range(count):
        vid = ok(
            "RegisterVolunteer", name=f"V{n}", contact="+86", domains=["water_rescue"]
        )["volunteer_id"]
        ok("DecideVetting", volunteer_id=vid, approved=True)
        for course in ("basic-fire-safety", "water-rescue"):
            ok("RecordCourse", volunteer_id=vid, course=course, passed=True, score=90)
        ok("RecordInsurance", volunteer_id=vid, policy="P", valid_until=LATER)
        ok("StartShift", volunteer_id=vid, operation_id=operation)
        incident = ok(
            "ReportIncident", operation_id=operation, kind="flood", lat=24.9,
            lon=118.6, severity=3,
        )["incident_id"]  # fmt: skip
        pairs.append((vid, incident, issue(http, Role.VOLUNTEER, volunteer_id=vid)))
    return {"operation": operation, "pairs": pairs}


async def measure(
    base: str, token: str, world: dict[str, Any]
) -> tuple[list[float], list[float]]:
    ws_base = base.replace("http://", "ws://")
    arrived: dict[str, float] = {}  # incident id: at the phone
    on_board: dict[str, float] = {}  # incident id: on the command centre's board
    pairs = world["pairs"]
    ready, all_ready, all_on_board = 0, asyncio.Event(), asyncio.Event()

    def one_ready() -> None:
        nonlocal ready
        ready += 1
        if ready == len(pairs) + 1:
            all_ready.set()

    async def phone(incident: str, volunteer_token: str) -> None:
        async with websockets.connect(f"{ws_base}/ws/me?token={volunteer_token}") as ws:
            await ws.send(json.dumps({"type": "subscribe"}))
            await ws.recv()
            one_ready()
            key = f"assignment:{incident}"
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "deltas" and any(
                    c["key"] == key for c in frame["changes"]
                ):
                    arrived[incident] = time.perf_counter()
                    return

    async def board() -> None:
        url = f"{ws_base}/ws/live?token={token}"
        async with websockets.connect(url, max_size=2**26) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "subscribe",
                        "views": ["board"],
                        "operation_id": world["operation"],
                    }
                )
            )
            await ws.recv()
            one_ready()
            async for raw in ws:
                frame = json.loads(raw)
                for change in frame.get("changes", ()):
                    row = change["row"]
                    if row and row["dispatched"] and change["key"] not in on_board:
                        on_board[change["key"]] = time.perf_counter()
                if len(on_board) == len(pairs):
                    all_on_board.set()

    tasks = [asyncio.create_task(phone(i, t)) for _, i, t in pairs]
    watcher = asyncio.create_task(board())
    await asyncio.wait_for(all_ready.wait(), timeout=60)
    sent: dict[str, float] = {}
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        for vid, incident, _ in pairs:
            sent[incident] = time.perf_counter()
            answer = await http.post(
                "/commands/DispatchVolunteer",
                json={"incident_id": incident, "volunteer_id": vid},
            )
            answer.raise_for_status()
            await asyncio.sleep(0.02)  # 50 dispatches a second, a busy storm's peak
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    await asyncio.wait_for(all_on_board.wait(), timeout=10)
    watcher.cancel()
    phone_ms = [(arrived[i] - sent[i]) * 1000 for i in sent]
    board_ms = [(on_board[i] - sent[i]) * 1000 for i in sent if i in on_board]
    return phone_ms, board_ms


def report(phone_ms: list[float], board_ms: list[float]) -> None:
    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return (
            f"{name:<28} n={len(values):<5} median {statistics.median(values):7.1f} ms"
            f"  p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms"
        )

    print(line("dispatch -> phone (/ws/me)", phone_ms))
    print(line("dispatch -> board (/ws/live)", board_ms))
    ratio = statistics.median(phone_ms) / statistics.median(board_ms)
    print(f"phone / board, medians: {ratio:.2f}")
