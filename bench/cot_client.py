"""The devices of `brigade bench cot`: TAK devices over TCP, in their own process.

`python -m bench.cot_client PORT DEVICES SECONDS GRACE` connects DEVICES sockets
to PORT (brigade's CoT endpoint or taky). Each device sends position reports as
fast as its socket takes them, every one a new time, so that none is a repeat:
a report is made only once the one before has left the device (TCP_NOTSENT_LOWAT),
so it carries the position of the moment the server can take it. Each device
also reads everything sent to it and takes, of every position event
(`a-f-G-U-C`), its age: now less the time the position was taken (`start`), and
how much of that passed before the server wrote the event (its `time`). Done
sending, a device reads on until the server closes (brigade does, once it has
read all), or with a GRACE (not 0) until it falls quiet for IDLE s or GRACE s
have passed (taky routes its backlog for minutes). It prints one JSON line:
reports sent, events read, ages' quantiles, and the times it ran between.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sys
import time
from datetime import UTC, datetime, timedelta

# A device's send buffer: small, so that reports do not queue up in the kernel.
SEND_BUFFER = 2048
IDLE = 3.0
_START = re.compile(rb"""start=['"]([^'"]+)['"]""")
_TIME = re.compile(rb""" time=['"]([^'"]+)['"]""")
_POSITION = b"a-f-G-U-C"


def _seconds(stamp: bytes) -> float:
    return datetime.fromisoformat(stamp.decode()).timestamp()


def report(uid: str, at: float, seq: int) -> bytes:
    moment = datetime.fromtimestamp(at, UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    stale = (moment + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    lat = 24.90 + (seq % 1000) * 1e-5
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<event version='2.0' uid='{uid}' type='a-f-G-U-C' how='m-g' "
        f"time='{stamp}' start='{stamp}' stale='{stale}'>"
        f"<point lat='{lat:.7f}' lon='118.5900000' hae='9999999.0' ce='8.0' "
        f"le='9999999.0'/><detail><contact callsign='{uid}'/>"
        f"<__group name='Cyan' role='Team Member'/><track course='90.0' "
        f"speed='1.5'/></detail></event>"
    ).encode()


class Tally:
    def __init__(self) -> None:
        self.sent = 0
        self.read = 0
        self.positions = 0
        self.ages: list[float] = []
        self.times: list[float] = []  # when each age was taken
        self.last_read = 0.0
        # Of the same samples: how long brigade took from the report to the
        # event it wrote (its `time`), the rest being the way to the device.
        self.at_server: list[float] = []

    def take(self, whole: bytes, now: float) -> None:
        """Count events read together (`whole`: up to the last `</event>`)."""
        self.read += whole.count(b"</event>") + 1
        self.last_read = now
        if _POSITION not in whole:
            return
        self.positions += whole.count(_POSITION)
        # The age of the first and the last event read together: a sample of
        # every chunk, so that reading is not the devices' bottleneck.
        first = whole.find(b"<event")
        for at in (first, whole.rfind(b"<event")):
            found = _START.search(whole, at)
            if found is None:
                continue
            taken = _seconds(found.group(1))
            self.ages.append(now - taken)
            self.times.append(now)
            written = _TIME.search(whole, at)
            if written is not None:
                self.at_server.append(_seconds(written.group(1)) - taken)


async def device(
    n: int,
    port: int,
    clock: dict[str, float],
    tally: Tally,
    ready: asyncio.Barrier,
    go: asyncio.Event,
) -> None:
    uid = f"bench-{n:03d}"
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    # Writable only once what was written has left the device: a report is made
    # when the server can take it, not queued behind older ones. (A small
    # SO_SNDBUF alone does not do it: over loopback the kernel appends to a 32 KB
    # segment, and `ss` showed 17-32 KB, over a second of reports, waiting here.)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT, 1)
    await loop.sock_connect(sock, ("127.0.0.1", port))

    async def writable() -> None:
        # poll() honours TCP_NOTSENT_LOWAT; send() alone would append regardless.
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_writer(sock, wake)
        try:
            await ready
        finally:
            loop.remove_writer(sock)

    async def send(data: bytes) -> None:
        while data:
            await writable()
            data = data[sock.send(data) :]

    def over(heard: float) -> bool:
        grace, now = clock["grace"], time.time()
        if not grace:
            return False
        return now - heard > IDLE or now > clock["until"] + grace

    async def read() -> None:
        buffer = b""
        heard = time.time()
        while True:
            # Once done sending, read until the server closes (brigade does on
            # end of file) or, given a grace, falls quiet for IDLE s or the grace
            # is over (taky keeps the socket open, routing what it still holds).
            try:
                chunk = await asyncio.wait_for(loop.sock_recv(sock, 262144), 0.5)
            except TimeoutError:
                if done.is_set() and over(heard):
                    return
                continue
            except ConnectionError:
                return
            heard = time.time()
            if done.is_set() and over(0.0):
                return
            if not chunk:
                return
            now = time.time()
            buffer += chunk
            ended = buffer.rfind(b"</event>")
            if ended < 0:
                continue
            whole, buffer = buffer[:ended], buffer[ended + len(b"</event>") :]
            tally.take(whole, now)

    done = asyncio.Event()
    reading = asyncio.create_task(read())
    await ready.wait()
    await go.wait()
    until = clock["until"]
    seq = 0
    last = 0
    while (now := time.time()) < until:
        last = max(int(now * 1000), last + 1)  # every report a millisecond of its own
        try:  # a server that stops reading holds the device until the end, no more
            await asyncio.wait_for(
                send(report(uid, last / 1000, seq)), max(until - now, 0.001)
            )
        except TimeoutError:
            break
        seq += 1
        tally.sent += 1
    # Done sending; the server reads what it was sent, then closes. Closing first
    # with the picture unread would reset the connection, and lose reports with it.
    done.set()
    await writable()
    sock.shutdown(socket.SHUT_WR)
    await reading
    sock.close()


def _oldest_at(tally: Tally, began: float) -> float:
    if not tally.ages:
        return float("nan")
    at = max(range(len(tally.ages)), key=tally.ages.__getitem__)
    return round(tally.times[at] - began, 2)


def _by_second(tally: Tally, began: float) -> list[float]:
    seconds: dict[int, list[float]] = {}
    for age, at in zip(tally.ages, tally.times, strict=True):
        seconds.setdefault(int(at - began), []).append(age)
    return [round(quantile(seconds[s], 0.99), 2) for s in sorted(seconds)]


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(port: int, devices: int, seconds: float, grace: float) -> None:
    tally = Tally()
    ready = asyncio.Barrier(devices + 1)
    go = asyncio.Event()
    clock: dict[str, float] = {"grace": grace}
    tasks = [
        asyncio.create_task(device(n, port, clock, tally, ready, go))
        for n in range(devices)
    ]
    # Every device connected before any sends (taky accepts slowly).
    await ready.wait()
    began = clock["began"] = time.time()
    clock["until"] = began + seconds
    go.set()
    await asyncio.gather(*tasks)
    until = clock["until"]
    during = [
        age for age, at in zip(tally.ages, tally.times, strict=True) if at <= until
    ]
    print(
        json.dumps(
            {
                "sent": tally.sent,
                "read": tally.read,
                "positions_read": tally.positions,
                "began": began,
                "last_read": tally.last_read,
                "until": until,
                # The picture's age while the devices sent; after, the last
                # reports of devices that have stopped only grow older.
                "age_p50": quantile(during, 0.50),
                "age_p99": quantile(during, 0.99),
                "age_max": max(during, default=float("nan")),
                "age_max_after": max(tally.ages, default=float("nan")),
                "age_samples": len(tally.ages),
                # Of the age, the part before brigade wrote the event (p50, p99).
                "at_server_p50": quantile(tally.at_server, 0.50),
                "at_server_p99": quantile(tally.at_server, 0.99),
                # Seconds into the run of the oldest picture, and the ages each
                # second of the run (p99), to tell a warm-up from a steady state.
                "age_max_at": _oldest_at(tally, began),
                "age_p99_by_second": _by_second(tally, began),
                "cpu_s": time.process_time(),
            }
        )
    )


if __name__ == "__main__":
    port, devices, seconds, grace = sys.argv[1:5]
    asyncio.run(main(int(port), int(devices), float(seconds), float(grace)))
