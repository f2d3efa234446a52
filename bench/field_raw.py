"""The baseline of brigade bench field: a bare `websockets` server that acks frames.

It takes the same phones on the same URL shape (`/ws/field?batch=1&token=...`),
reads each frame as JSON, and answers it at once with a one-answer list in the
shape brigade acks with, storing nothing: what the WebSocket transport, JSON and
this machine allow before any command is checked, decided or made durable.
"""

from __future__ import annotations

import asyncio
import json
import sys
from itertools import count

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


async def main(port: int) -> None:
    positions = count(1)

    async def handler(ws: ServerConnection) -> None:
        try:
            async for message in ws:
                frame = json.loads(message)
                position = next(positions)
                answer = {
                    "type": "ack",
                    "id": frame["id"],
                    "position": position,
                    "positions": [position],
                    "result": {},
                    "replayed": False,
                }
                await ws.send(json.dumps([answer], separators=(",", ":")))
        except ConnectionClosed:
            pass

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        print("listening", flush=True)
        await asyncio.Future()  # until terminated


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
