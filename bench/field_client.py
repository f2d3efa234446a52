"""The phones of brigade bench field: many field sockets, in their own process."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from websockets.asyncio.client import connect

from domain.ids import uuid7


async def phone(
    url: str, volunteer_id: str, until: float, window: int, acked: list[int]
) -> None:
    async with connect(url, max_size=2**20, compression=None) as ws:
        in_flight = 0
        pending: asyncio.Queue[None] = asyncio.Queue()

        async def read() -> None:
            nonlocal in_flight
            async for message in ws:
                answers: list[dict[str, Any]] = json.loads(message)  # ?batch=1
                for answer in answers:
                    if answer.get("type") == "ack":
                        acked[0] += 1
                in_flight -= len(answers)
                pending.put_nowait(None)

        reader = asyncio.create_task(read())
        while time.monotonic() < until:
            while in_flight >= window:
                await pending.get()
            in_flight += 1
            await ws.send(
                json.dumps(
                    {
                        "id": str(uuid7()),
                        "command": "ReportPosition",
                        "body": {
                            "volunteer_id": volunteer_id,
                            "lat": 24.9,
                            "lon": 118.6,
                        },
                    }
                )
            )
        while in_flight > 0:
            await pending.get()
        reader.cancel()


async def main(
    base: str, tokens: list[tuple[str, str]], seconds: float, window: int
) -> None:
    acked = [0]
    until = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            phone(f"{base}/ws/field?batch=1&token={token}", vid, until, window, acked)
            for vid, token in tokens
        )
    )
    elapsed = time.perf_counter() - started
    print(json.dumps({"acked": acked[0], "seconds": elapsed}))


if __name__ == "__main__":
    base, seconds, window, path = (
        sys.argv[1],
        float(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4],
    )
    with open(path) as file:
        pairs = [tuple(line.split()) for line in file if line.strip()]
    asyncio.run(main(base, pairs, seconds, window))  # type: ignore[arg-type]
