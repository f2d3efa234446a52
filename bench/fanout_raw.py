"""The baseline of brigade bench fanout: a bare `websockets.broadcast` server.

It sends the payloads brigade's subscribers received, in a loop, to every
connected client as fast as it can, skipping a client whose write buffer is over
64 KiB (the usual high-water mark) rather than waiting for it, for a fixed time,
then closes every connection. One client sends `start`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

HIGH = 64 * 1024  # the usual high-water mark of a transport's write buffer


async def main(port: int, payloads: list[str], seconds: float) -> None:
    clients: set[ServerConnection] = set()
    started = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()  # the subscribe frame
        await ws.send('{"type":"snapshot"}')
        clients.add(ws)
        try:
            async for message in ws:
                if message == "start":
                    started.set()
        except ConnectionClosed:
            pass  # the client leaves without the closing handshake: fine here
        finally:
            clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None):
        print("listening", flush=True)
        await started.wait()
        end = time.monotonic() + seconds
        sent = 0
        while time.monotonic() < end:
            # Like brigade, never wait for the slowest: skip a client whose buffer
            # is full (what websockets' broadcast itself used to do).
            ready = [c for c in clients if c.transport.get_write_buffer_size() < HIGH]
            if ready:
                broadcast(ready, payloads[sent % len(payloads)])
                sent += 1
                await asyncio.sleep(0)
            else:
                await asyncio.sleep(0.001)
        await asyncio.gather(*(ws.close() for ws in list(clients)))
        print(f"broadcast {sent} payloads", flush=True)


if __name__ == "__main__":
    lines = Path(sys.argv[2]).read_text().splitlines()
    asyncio.run(main(int(sys.argv[1]), [x for x in lines if x], float(sys.argv[3])))
